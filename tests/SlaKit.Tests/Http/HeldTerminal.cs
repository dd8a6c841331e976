using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Time.Testing;

namespace SlaKit.Tests.Http;

/// <summary>A request to region a (or b), held until the test answers it.</summary>
public sealed record Held(TaskCompletionSource<HttpResponseMessage> Pending, HttpRequestMessage Request, CancellationToken Token)
{
    public void Answer(HttpStatusCode status) => Pending.TrySetResult(new HttpResponseMessage(status));
}

/// <summary>
/// Holds region a's requests for the test (and region b's with <see cref="HoldB"/>); answers region b's at once, or after
/// <see cref="BDelay"/> of fake time.
/// </summary>
public sealed class HeldTerminal : HttpMessageHandler
{
    private readonly System.Threading.Channels.Channel<Held> _held = System.Threading.Channels.Channel.CreateUnbounded<Held>();
    private readonly ConcurrentBag<Held> _all = [];

    private int _aRequests;
    private int _bWaiting;
    private int _bRequests;

    /// <summary>What region c, when a test has one, fails with: an exception no attempt catches.</summary>
    public const string CFailure = "A handler below failed.";

    public TimeSpan BDelay { get; set; }

    /// <summary>What region b answers.</summary>
    public HttpStatusCode BStatus { get; set; } = HttpStatusCode.OK;

    /// <summary>Whether region b's requests are held as region a's are, rather than answered.</summary>
    public bool HoldB { get; set; }

    /// <summary>Whether region a's requests ignore their cancellation, as a careless handler might.</summary>
    public bool IgnoreCancellation { get; set; }

    /// <summary>Region a's requests so far.</summary>
    public int ARequests => Volatile.Read(ref _aRequests);

    /// <summary>Region b's requests so far.</summary>
    public int BRequests => Volatile.Read(ref _bRequests);

    /// <summary>Region b's requests waiting out <see cref="BDelay"/> now.</summary>
    public int BWaiting => Volatile.Read(ref _bWaiting);

    public FakeTimeProvider? Time { get; set; }

    public ValueTask<Held> NextHeldAsync() => _held.Reader.ReadAsync(TestContext.Current.CancellationToken);

    public void ReleaseAll()
    {
        foreach (Held held in _all)
        {
            held.Pending.TrySetCanceled();
        }
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri!.Host == "c.invalid")
        {
            return Task.FromException<HttpResponseMessage>(new InvalidOperationException(CFailure));
        }

        if (request.RequestUri!.Host == "b.invalid")
        {
            Interlocked.Increment(ref _bRequests);
            if (!HoldB)
            {
                return BDelay == TimeSpan.Zero
                    ? Task.FromResult(new HttpResponseMessage(BStatus))
                    : AnswerLaterAsync(cancellationToken);
            }
        }
        else
        {
            Interlocked.Increment(ref _aRequests);
        }

        var pending = new TaskCompletionSource<HttpResponseMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!IgnoreCancellation)
        {
            cancellationToken.Register(() => pending.TrySetCanceled(cancellationToken));
        }

        var held = new Held(pending, request, cancellationToken);
        _all.Add(held);
        _held.Writer.TryWrite(held);
        return pending.Task;
    }

    private async Task<HttpResponseMessage> AnswerLaterAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _bWaiting);
        try
        {
            await Task.Delay(BDelay, Time!, cancellationToken);
            return new HttpResponseMessage(BStatus);
        }
        finally
        {
            Interlocked.Decrement(ref _bWaiting);
        }
    }
}
