using System.Net;
using SlaKit.Benchmarks.Failover;

namespace SlaKit.Benchmarks.Tests;

public class AttemptCounterTests
{
    private static readonly Uri Primary = new("http://127.0.0.1:5001/");

    [Fact]
    public async Task Requests_to_the_watched_authority_are_counted_and_not_timed()
    {
        var counter = new AttemptCounter(Primary);
        using var invoker = new HttpMessageInvoker(counter.Over(new Answering()));

        using HttpResponseMessage first = await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1:5001/a"), CancellationToken.None);
        using HttpResponseMessage second = await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1:5001/b"), CancellationToken.None);

        Assert.Equal(2, counter.Count);
        Assert.Null(counter.TakeTimeBelow());
    }

    [Fact]
    public async Task A_request_elsewhere_is_timed_once_and_not_counted()
    {
        var counter = new AttemptCounter(Primary);
        var answering = new Answering(holdOthers: true);
        using var invoker = new HttpMessageInvoker(counter.Over(answering));

        Task<HttpResponseMessage> sent = invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1:5002/a"), CancellationToken.None);
        Assert.Null(counter.TakeTimeBelow());
        answering.Pending!.SetResult(new HttpResponseMessage(HttpStatusCode.OK));
        using HttpResponseMessage response = await sent;

        TimeSpan? below = counter.TakeTimeBelow();
        Assert.NotNull(below);
        Assert.True(below >= TimeSpan.Zero);
        Assert.Null(counter.TakeTimeBelow());
        Assert.Equal(0, counter.Count);
    }

    [Fact]
    public async Task The_same_host_on_another_port_is_elsewhere()
    {
        var counter = new AttemptCounter(Primary);
        using var invoker = new HttpMessageInvoker(counter.Over(new Answering()));

        using HttpResponseMessage response = await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1:5003/"), CancellationToken.None);

        Assert.Equal(0, counter.Count);
        Assert.NotNull(counter.TakeTimeBelow());
    }

    /// <summary>Answers at once; with <paramref name="holdOthers"/>, answers another authority than the watched one only when the test completes <see cref="Pending"/>.</summary>
    private sealed class Answering(bool holdOthers = false) : HttpMessageHandler
    {
        public TaskCompletionSource<HttpResponseMessage>? Pending { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (!holdOthers || request.RequestUri!.Port == Primary.Port)
            {
                return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
            }

            Pending = new TaskCompletionSource<HttpResponseMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
            return Pending.Task;
        }
    }
}
