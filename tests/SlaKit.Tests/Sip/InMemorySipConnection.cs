using System.Net;
using SlaKit.Sip;

namespace SlaKit.Tests.Sip;

/// <summary>
/// A connection to a scripted server: every request sent is parsed and kept, and <see cref="Responder"/> may answer it
/// at once; tests can also deliver responses and transport errors whenever they like.
/// </summary>
internal sealed class InMemorySipConnection : SipConnection
{
    private readonly Lock _gate = new();
    private readonly List<SipRequest> _sent = [];
    private readonly List<SipResponse> _answers = [];
    private readonly List<(SipResponse Response, IPEndPoint To)> _answersSentTo = [];

    public InMemorySipConnection(SipTarget target, bool reliable = false)
        : base(target)
    {
        IsReliable = reliable;
    }

    public override bool IsReliable { get; }

    /// <summary>Answers each request sent (retransmissions included); null sends nothing back.</summary>
    public Func<SipRequest, SipResponse?>? Responder { get; set; }

    /// <summary>When set, opening fails with it, as a refused TCP connection does.</summary>
    public string? OpenFailure { get; set; }

    /// <summary>
    /// When set, opening waits for it first, cancellably, as a TCP connect or TLS handshake takes its round trips; once
    /// an opening gets through, the connection is made and later ones do not wait. A cancelled opening leaves nothing made.
    /// </summary>
    public Func<CancellationToken, Task>? Connecting { get; set; }

    /// <summary>When set, sending fails with it.</summary>
    public string? SendFailure { get; set; }

    public bool Disposed { get; private set; }

    /// <summary>The last <paramref name="method"/> request sent, once there is one; the test fails after ten seconds without.</summary>
    public SipRequest WaitForSent(string method)
    {
        Assert.True(SpinWait.SpinUntil(() => Sent.Any(r => r.Method == method), TimeSpan.FromSeconds(10)), $"no {method} was sent");
        return Sent.Last(r => r.Method == method);
    }

    public IReadOnlyList<SipRequest> Sent
    {
        get
        {
            lock (_gate)
            {
                return [.. _sent];
            }
        }
    }

    public override async ValueTask<EndPoint> OpenAsync(CancellationToken cancellationToken)
    {
        if (OpenFailure is { } failure)
        {
            throw new SipTransportException(failure);
        }

        if (Connecting is { } connecting)
        {
            await connecting(cancellationToken);
            Connecting = null;
        }

        return new IPEndPoint(IPAddress.Loopback, 5099);
    }

    public override ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        if (SendFailure is { } failure)
        {
            return ValueTask.FromException(new SipTransportException(failure));
        }

        SipMessage parsed = SipMessage.Parse(message.Span);
        if (parsed is SipResponse answer)
        {
            // The client's answer to a request the server sent, such as the callee's BYE.
            lock (_gate)
            {
                _answers.Add(answer);
            }

            return ValueTask.CompletedTask;
        }

        var request = (SipRequest)parsed;
        lock (_gate)
        {
            _sent.Add(request);
        }

        if (Responder?.Invoke(request) is { } response)
        {
            Deliver(response);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Delivers a response, or a request within a dialog, as if it had arrived from the server.</summary>
    public void Receive(SipMessage message) => Deliver(message);

    /// <summary>Delivers a request within a dialog as if a peer other than the server had sent it from <paramref name="from"/>.</summary>
    public void Receive(SipMessage message, IPEndPoint from) => Deliver(message, from);

    /// <summary>The responses the client sent to requests from peers other than the server, with where each went.</summary>
    public IReadOnlyList<(SipResponse Response, IPEndPoint To)> AnswersSentTo
    {
        get
        {
            lock (_gate)
            {
                return [.. _answersSentTo];
            }
        }
    }

    public override ValueTask SendToAsync(ReadOnlyMemory<byte> message, IPEndPoint remote, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _answersSentTo.Add(((SipResponse)SipMessage.Parse(message.Span), remote));
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>The responses the client sent to requests from the server.</summary>
    public IReadOnlyList<SipResponse> Answers
    {
        get
        {
            lock (_gate)
            {
                return [.. _answers];
            }
        }
    }

    /// <summary>How many times the connection was asked to close if nothing came back on it (see <see cref="CloseIfSilentSince"/>).</summary>
    public int SilentCloses { get; private set; }

    public override void CloseIfSilentSince(long mark, TimeSpan waited) => SilentCloses++;

    /// <summary>Reports a transport error as if the socket had.</summary>
    public void BreakTransport(string message) => Fail(new SipTransportException(message));

    public override ValueTask DisposeAsync()
    {
        Disposed = true;
        return ValueTask.CompletedTask;
    }
}
