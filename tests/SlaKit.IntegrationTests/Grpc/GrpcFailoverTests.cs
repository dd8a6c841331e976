using Grpc.Core;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using SlaKit.Grpc;
using SlaKit.Http;
using SlaKit.IntegrationTests.Infrastructure;
using SlaKit.Regions;

namespace SlaKit.IntegrationTests.Grpc;

/// <summary>A gRPC client made by <c>AddGrpcClient</c>, with its default primary handler, failing over between regions.</summary>
public sealed class GrpcFailoverTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_unary_call_goes_to_the_next_region_when_the_first_refuses_with_the_default_handler()
    {
        await using GrpcRegionServer b = await GrpcRegionServer.StartAsync("b");
        Uri refused = RefusedPort.Create();
        await using ServiceProvider provider = Client(refused, b.BaseUri);
        Payments.PaymentsClient client = provider.GetRequiredService<Payments.PaymentsClient>();

        ChargeReply reply = await client.ChargeAsync(new ChargeRequest { Id = "1" }, cancellationToken: Ct);

        Assert.Equal("b", reply.Region);
        Assert.Equal(1, b.Calls);
    }

    /// <summary>
    /// A unary call's body has no known length, so it is not replayed (buffering it to hedge is the gRPC issue's work):
    /// a silent first region costs calls their attempt timeout until it is marked down. What must never happen, and did
    /// when gRPC's balancer sent every attempt to the channel's address, is the healthy second region taking the blame.
    /// </summary>
    [Fact]
    public async Task A_black_holed_first_region_is_marked_down_and_the_second_serves_untouched_by_the_blame()
    {
        await using var hole = new BlackHole();
        await using GrpcRegionServer b = await GrpcRegionServer.StartAsync("b");
        await using ServiceProvider provider = Client(hole.BaseUri, b.BaseUri, o => o.AttemptTimeout = TimeSpan.FromSeconds(1));
        Payments.PaymentsClient client = provider.GetRequiredService<Payments.PaymentsClient>();
        IRegionHealthMonitor monitor = provider.GetRequiredService<IRegionHealthMonitorRegistry>().GetMonitor("PaymentsClient");

        for (int i = 0; i < 2; i++)
        {
            // Every region tried failed, with what happened in the message. A call that timed out where it was sent may
            // have been carried out: DEADLINE_EXCEEDED, not UNAVAILABLE, which would tell a retry policy to charge again.
            var error = await Assert.ThrowsAsync<global::Grpc.Core.RpcException>(async () => await client.ChargeAsync(new ChargeRequest { Id = $"{i}" }, cancellationToken: Ct));
            bool timedOut = error.Status.Detail.Contains("a: no answer within the attempt timeout", StringComparison.Ordinal);
            Assert.Equal(timedOut ? global::Grpc.Core.StatusCode.DeadlineExceeded : global::Grpc.Core.StatusCode.Unavailable, error.StatusCode);
            // The first waits out a's attempt timeout, which also closes the silent HTTP/2 connection. The second waits so
            // on a new connection, or fails at once if .NET's handler gave it the one being closed: a unary call's body is
            // not buffered, so it is not sent again (a buffered one would be). A failure of a's either way.
            Assert.StartsWith("POST /slakit.tests.Payments/Charge via client 'PaymentsClient' failed in every region tried: a: ", error.Status.Detail, StringComparison.Ordinal);
            Assert.DoesNotContain("b: ", error.Status.Detail, StringComparison.Ordinal);
            if (i == 0)
            {
                Assert.Contains("a: no answer within the attempt timeout", error.Status.Detail, StringComparison.Ordinal);
            }
        }

        ChargeReply reply = await client.ChargeAsync(new ChargeRequest { Id = "2" }, cancellationToken: Ct);

        Assert.Equal("b", reply.Region);
        Assert.Equal(1, b.Calls);
        Assert.Equal(RegionHealth.Unhealthy, monitor.GetStatus().Single(s => s.Region.Name == "a").Health);
        Assert.Equal(RegionHealth.Healthy, monitor.GetStatus().Single(s => s.Region.Name == "b").Health);
    }

    [Fact]
    public async Task An_unavailable_answer_counts_against_its_region_and_keeps_it_out_for_the_push_back_while_the_caller_sees_unavailable()
    {
        await using GrpcRegionServer a = await GrpcRegionServer.StartAsync("a");
        await using GrpcRegionServer b = await GrpcRegionServer.StartAsync("b");
        a.FailWith = new global::Grpc.Core.Status(global::Grpc.Core.StatusCode.Unavailable, "draining");
        await using ServiceProvider provider = Client(a.BaseUri, b.BaseUri);
        Payments.PaymentsClient client = provider.GetRequiredService<Payments.PaymentsClient>();

        // The call reached a's service, so it is not sent again: the caller gets a's answer, unchanged.
        var error = await Assert.ThrowsAsync<global::Grpc.Core.RpcException>(async () => await client.ChargeAsync(new ChargeRequest { Id = "1" }, cancellationToken: Ct));
        ChargeReply next = await client.ChargeAsync(new ChargeRequest { Id = "2" }, cancellationToken: Ct);

        Assert.Equal(global::Grpc.Core.StatusCode.Unavailable, error.StatusCode);
        Assert.Equal("draining", error.Status.Detail);
        Assert.Equal("b", next.Region);   // a is kept out for its 30 s push-back
        Assert.Equal((1, 1), (a.Calls, b.Calls));
    }

    [Fact]
    public async Task A_status_that_is_the_services_answer_goes_to_the_caller_and_leaves_the_region_healthy()
    {
        await using GrpcRegionServer a = await GrpcRegionServer.StartAsync("a");
        await using GrpcRegionServer b = await GrpcRegionServer.StartAsync("b");
        a.FailWith = new global::Grpc.Core.Status(global::Grpc.Core.StatusCode.NotFound, "no such charge");
        await using ServiceProvider provider = Client(a.BaseUri, b.BaseUri);
        Payments.PaymentsClient client = provider.GetRequiredService<Payments.PaymentsClient>();
        IRegionHealthMonitor monitor = provider.GetRequiredService<IRegionHealthMonitorRegistry>().GetMonitor("PaymentsClient");

        for (int i = 0; i < 3; i++)
        {
            var error = await Assert.ThrowsAsync<global::Grpc.Core.RpcException>(async () => await client.ChargeAsync(new ChargeRequest { Id = $"{i}" }, cancellationToken: Ct));
            Assert.Equal(global::Grpc.Core.StatusCode.NotFound, error.StatusCode);
        }

        Assert.Equal((3, 0), (a.Calls, b.Calls));
        Assert.Equal(RegionHealth.Healthy, monitor.GetStatus().Single(s => s.Region.Name == "a").Health);
    }

    [Fact]
    public async Task A_method_declared_idempotent_is_hedged_past_a_black_holed_region()
    {
        await using var hole = new BlackHole();
        await using GrpcRegionServer b = await GrpcRegionServer.StartAsync("b");
        await using ServiceProvider provider = Client(hole.BaseUri, b.BaseUri, o => o.IdempotentMethods.Add("slakit.tests.Payments/Charge"));
        Payments.PaymentsClient client = provider.GetRequiredService<Payments.PaymentsClient>();

        var replies = new List<string>();
        for (int i = 0; i < 3; i++)
        {
            replies.Add((await client.ChargeAsync(new ChargeRequest { Id = $"{i}" }, cancellationToken: Ct)).Region);
        }

        Assert.Equal(["b", "b", "b"], replies);
        Assert.Equal(3, b.Calls);
        Assert.True(hole.Accepted >= 1);
    }

    [Fact]
    public async Task Over_tls_a_unary_call_goes_to_the_next_region_when_the_first_refuses()
    {
        using X509Certificate2 certificate = TestCertificate.Create();
        await using GrpcRegionServer b = await GrpcRegionServer.StartAsync("b", certificate);
        var refused = new UriBuilder(RefusedPort.Create()) { Scheme = Uri.UriSchemeHttps }.Uri;
        var services = new ServiceCollection();
        services.AddGrpcClient<Payments.PaymentsClient>(o => o.Address = refused)
            .ConfigurePrimaryHttpMessageHandler(() => TestCertificate.TrustingHandler(certificate))
            .AddRegionFailover(o =>
            {
                o.Regions.Add(new Region("a", refused));
                o.Regions.Add(new Region("b", b.BaseUri) { Priority = 1 });
                o.WarmUp = false;
            });
        await using ServiceProvider provider = services.BuildServiceProvider();
        Payments.PaymentsClient client = provider.GetRequiredService<Payments.PaymentsClient>();

        ChargeReply first = await client.ChargeAsync(new ChargeRequest { Id = "1" }, cancellationToken: Ct);
        ChargeReply second = await client.ChargeAsync(new ChargeRequest { Id = "2" }, cancellationToken: Ct);

        Assert.Equal(Uri.UriSchemeHttps, b.BaseUri.Scheme);
        Assert.Equal(("b", "b"), (first.Region, second.Region));
        Assert.Equal(2, b.Calls);
    }

    [Fact]
    public async Task The_callers_deadline_bounds_the_attempt_and_is_not_held_against_the_region()
    {
        await using var hole = new BlackHole();
        await using GrpcRegionServer b = await GrpcRegionServer.StartAsync("b");
        await using ServiceProvider provider = Client(hole.BaseUri, b.BaseUri, o => (o.AttemptTimeout, o.TotalTimeout) = (TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30)));
        Payments.PaymentsClient client = provider.GetRequiredService<Payments.PaymentsClient>();
        IRegionHealthMonitor monitor = provider.GetRequiredService<IRegionHealthMonitorRegistry>().GetMonitor("PaymentsClient");

        var error = await Assert.ThrowsAsync<global::Grpc.Core.RpcException>(async () =>
            await client.ChargeAsync(new ChargeRequest { Id = "1" }, deadline: DateTime.UtcNow.AddMilliseconds(300), cancellationToken: Ct));

        // The caller's deadline, not the region's 30 s attempt timeout, ended the call; giving up is not the region's failure.
        Assert.Equal(global::Grpc.Core.StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.Equal(RegionHealth.Healthy, monitor.GetStatus().Single(s => s.Region.Name == "a").Health);
        Assert.Equal(0, b.Calls);
    }

    /// <summary>
    /// Every caller gives up before the attempt timeout. Each attempt its caller left past the region's usual latency runs
    /// on to that timeout, so the silent region is still found out; before, every such call failed at its deadline for good.
    /// </summary>
    [Fact]
    public async Task A_black_holed_first_region_is_marked_down_even_when_every_callers_deadline_is_shorter_than_the_attempt_timeout()
    {
        await using var hole = new BlackHole();
        await using GrpcRegionServer b = await GrpcRegionServer.StartAsync("b");
        await using ServiceProvider provider = Client(hole.BaseUri, b.BaseUri, o => o.AttemptTimeout = TimeSpan.FromSeconds(2));
        Payments.PaymentsClient client = provider.GetRequiredService<Payments.PaymentsClient>();
        IRegionHealthMonitor monitor = provider.GetRequiredService<IRegionHealthMonitorRegistry>().GetMonitor("PaymentsClient");
        RegionHealth A() => monitor.GetStatus().Single(s => s.Region.Name == "a").Health;

        for (int i = 0; i < 2; i++)
        {
            var error = await Assert.ThrowsAsync<global::Grpc.Core.RpcException>(async () =>
                await client.ChargeAsync(new ChargeRequest { Id = $"{i}" }, deadline: DateTime.UtcNow.AddMilliseconds(300), cancellationToken: Ct));
            Assert.Equal(global::Grpc.Core.StatusCode.DeadlineExceeded, error.StatusCode);
        }

        // Both attempts run on to their 2 s timeout: two failures of a's own.
        for (int waited = 0; A() != RegionHealth.Unhealthy && waited < 100; waited++)
        {
            await Task.Delay(100, Ct);
        }

        Assert.Equal(RegionHealth.Unhealthy, A());
        ChargeReply reply = await client.ChargeAsync(new ChargeRequest { Id = "2" }, deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: Ct);
        Assert.Equal("b", reply.Region);
        Assert.Equal(1, b.Calls);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // as through a proxy that drops trailers
    public async Task Unavailable_in_the_trailers_after_headers_or_no_status_at_all_moves_a_call_declared_idempotent_to_the_next_region(bool noStatus)
    {
        await using GrpcRegionServer a = await GrpcRegionServer.StartAsync("a");
        await using GrpcRegionServer b = await GrpcRegionServer.StartAsync("b");
        if (noStatus)
        {
            a.DropStatus = true;
        }
        else
        {
            (a.FailWith, a.FailAfterHeaders) = (new global::Grpc.Core.Status(global::Grpc.Core.StatusCode.Unavailable, "lost its database"), true);
        }

        // No hedging: the call must move on because of a's answer. With hedging, a first connection slower than the hedge
        // delay lets b's copy win the race, and a's failure is then recorded by the lost attempt after the caller has b's reply.
        await using ServiceProvider provider = Client(a.BaseUri, b.BaseUri, o =>
        {
            o.IdempotentMethods.Add("slakit.tests.Payments/Lookup");
            o.Hedging = HedgingMode.Off;
        });
        Payments.PaymentsClient client = provider.GetRequiredService<Payments.PaymentsClient>();
        IRegionHealthMonitor monitor = provider.GetRequiredService<IRegionHealthMonitorRegistry>().GetMonitor("PaymentsClient");

        ChargeReply reply = await client.LookupAsync(new ChargeRequest { Id = "1" }, cancellationToken: Ct);

        Assert.Equal("b", reply.Region);
        Assert.Equal((1, 1), (a.Calls, b.Calls));
        Assert.NotEqual(RegionHealth.Healthy, monitor.GetStatus().Single(s => s.Region.Name == "a").Health);
    }

    /// <summary>
    /// A call that moves on after a's UNAVAILABLE tells b it is the second attempt (gRFC A6's grpc-previous-rpc-attempts),
    /// as Grpc.Net.Client's own retries do; the first attempt says nothing.
    /// </summary>
    [Fact]
    public async Task The_attempt_after_a_failed_one_tells_its_service_how_many_went_before_it()
    {
        await using GrpcRegionServer a = await GrpcRegionServer.StartAsync("a");
        await using GrpcRegionServer b = await GrpcRegionServer.StartAsync("b");
        a.FailWith = new global::Grpc.Core.Status(global::Grpc.Core.StatusCode.Unavailable, "draining");
        await using ServiceProvider provider = Client(a.BaseUri, b.BaseUri, o =>
        {
            o.IdempotentMethods.Add("slakit.tests.Payments/Lookup");
            o.Hedging = HedgingMode.Off;
        });
        Payments.PaymentsClient client = provider.GetRequiredService<Payments.PaymentsClient>();

        ChargeReply reply = await client.LookupAsync(new ChargeRequest { Id = "1" }, deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: Ct);

        Assert.Equal("b", reply.Region);
        Assert.Equal([null], a.PreviousAttempts);
        Assert.Equal(["1"], b.PreviousAttempts);
    }

    /// <summary>
    /// The copy sent to b three seconds after the call began, a hedge past a silent region, tells b what remains of the
    /// caller's deadline: b's deadline is the caller's, not three seconds past it. The time the copy takes to reach b's
    /// service (a first connection, code not yet compiled) still adds to it, so the bound above is loose.
    /// </summary>
    [Fact]
    public async Task A_hedged_copy_gives_the_next_region_what_remains_of_the_callers_deadline()
    {
        await using var hole = new BlackHole();
        await using GrpcRegionServer b = await GrpcRegionServer.StartAsync("b");
        await using ServiceProvider provider = Client(hole.BaseUri, b.BaseUri, o =>
        {
            o.IdempotentMethods.Add("slakit.tests.Payments/Lookup");
            (o.Hedging, o.HedgingDelay) = (HedgingMode.Fixed, TimeSpan.FromSeconds(3));
        });
        Payments.PaymentsClient client = provider.GetRequiredService<Payments.PaymentsClient>();
        DateTime deadline = DateTime.UtcNow.AddSeconds(10);

        ChargeReply reply = await client.LookupAsync(new ChargeRequest { Id = "1" }, deadline: deadline, cancellationToken: Ct);

        Assert.Equal("b", reply.Region);
        Assert.InRange(Assert.Single(b.Deadlines), deadline - TimeSpan.FromMilliseconds(250), deadline + TimeSpan.FromSeconds(2.5)); // the whole budget again would be 3 s over
    }

    /// <summary>
    /// A call not safe to repeat streams its answer to the caller as it comes, so its region is judged by the status in the
    /// trailers once the caller has read them: UNAVAILABLE there is the region's failure, NOT_FOUND the service's answer.
    /// </summary>
    [Theory]
    [InlineData(global::Grpc.Core.StatusCode.Unavailable, RegionHealth.Unhealthy, "b")]
    [InlineData(global::Grpc.Core.StatusCode.NotFound, RegionHealth.Healthy, "a")]
    public async Task A_status_in_the_trailers_of_calls_not_safe_to_repeat_judges_their_region(global::Grpc.Core.StatusCode code, RegionHealth health, string next)
    {
        await using GrpcRegionServer a = await GrpcRegionServer.StartAsync("a");
        await using GrpcRegionServer b = await GrpcRegionServer.StartAsync("b");
        (a.FailWith, a.FailAfterHeaders) = (new global::Grpc.Core.Status(code, "as the test says"), true);
        await using ServiceProvider provider = Client(a.BaseUri, b.BaseUri);
        Payments.PaymentsClient client = provider.GetRequiredService<Payments.PaymentsClient>();
        IRegionHealthMonitor monitor = provider.GetRequiredService<IRegionHealthMonitorRegistry>().GetMonitor("PaymentsClient");

        for (int i = 0; i < 2; i++)
        {
            var error = await Assert.ThrowsAsync<global::Grpc.Core.RpcException>(async () => await client.ChargeAsync(new ChargeRequest { Id = $"{i}" }, cancellationToken: Ct));
            Assert.Equal(code, error.StatusCode);
        }

        Assert.Equal(health, monitor.GetStatus().Single(s => s.Region.Name == "a").Health);
        a.FailWith = null;
        ChargeReply reply = await client.ChargeAsync(new ChargeRequest { Id = "2" }, cancellationToken: Ct);
        Assert.Equal(next, reply.Region);
    }

    [Fact]
    public async Task Unavailable_in_the_trailers_after_headers_goes_to_the_caller_unchanged_for_a_call_not_safe_to_repeat()
    {
        await using GrpcRegionServer a = await GrpcRegionServer.StartAsync("a");
        await using GrpcRegionServer b = await GrpcRegionServer.StartAsync("b");
        (a.FailWith, a.FailAfterHeaders) = (new global::Grpc.Core.Status(global::Grpc.Core.StatusCode.Unavailable, "lost its database"), true);
        await using ServiceProvider provider = Client(a.BaseUri, b.BaseUri);
        Payments.PaymentsClient client = provider.GetRequiredService<Payments.PaymentsClient>();

        var error = await Assert.ThrowsAsync<global::Grpc.Core.RpcException>(async () => await client.ChargeAsync(new ChargeRequest { Id = "1" }, cancellationToken: Ct));

        Assert.Equal((global::Grpc.Core.StatusCode.Unavailable, "lost its database"), (error.StatusCode, error.Status.Detail));
        Assert.Equal((1, 0), (a.Calls, b.Calls));
    }

    [Fact]
    public async Task A_successful_reply_declared_idempotent_keeps_its_trailers_and_its_message()
    {
        await using GrpcRegionServer a = await GrpcRegionServer.StartAsync("a");
        await using GrpcRegionServer b = await GrpcRegionServer.StartAsync("b");
        await using ServiceProvider provider = Client(a.BaseUri, b.BaseUri, o => o.IdempotentMethods.Add("slakit.tests.Payments/Lookup"));
        Payments.PaymentsClient client = provider.GetRequiredService<Payments.PaymentsClient>();

        using var call = client.LookupAsync(new ChargeRequest { Id = "1" }, cancellationToken: Ct);
        ChargeReply reply = await call.ResponseAsync;

        Assert.Equal("a", reply.Region);
        Assert.Equal(global::Grpc.Core.StatusCode.OK, call.GetStatus().StatusCode);
        Assert.Equal((1, 0), (a.Calls, b.Calls));
    }

    [Theory]
    [InlineData(global::Grpc.Core.StatusCode.Internal, true)]
    [InlineData(global::Grpc.Core.StatusCode.ResourceExhausted, false)]
    public async Task The_statuses_that_fail_a_region_are_the_configured_set(global::Grpc.Core.StatusCode status, bool movesOn)
    {
        await using GrpcRegionServer a = await GrpcRegionServer.StartAsync("a");
        await using GrpcRegionServer b = await GrpcRegionServer.StartAsync("b");
        a.FailWith = new global::Grpc.Core.Status(status, "a's answer");
        await using ServiceProvider provider = Client(a.BaseUri, b.BaseUri, o =>
        {
            o.IdempotentMethods.Add("slakit.tests.Payments/Lookup");
            o.GrpcFailoverStatuses.Clear();
            o.GrpcFailoverStatuses.Add((int)global::Grpc.Core.StatusCode.Unavailable);
            o.GrpcFailoverStatuses.Add((int)global::Grpc.Core.StatusCode.Internal);
        });
        Payments.PaymentsClient client = provider.GetRequiredService<Payments.PaymentsClient>();

        if (movesOn)
        {
            Assert.Equal("b", (await client.LookupAsync(new ChargeRequest { Id = "1" }, cancellationToken: Ct)).Region);
        }
        else
        {
            var error = await Assert.ThrowsAsync<global::Grpc.Core.RpcException>(async () => await client.LookupAsync(new ChargeRequest { Id = "1" }, cancellationToken: Ct));
            Assert.Equal((status, "a's answer"), (error.StatusCode, error.Status.Detail));
        }

        Assert.Equal((1, movesOn ? 1 : 0), (a.Calls, b.Calls));
    }

    [Fact]
    public async Task A_server_streaming_call_is_sent_once_and_never_replayed()
    {
        await using GrpcRegionServer a = await GrpcRegionServer.StartAsync("a");
        await using GrpcRegionServer b = await GrpcRegionServer.StartAsync("b");
        (a.FailWith, a.FailAfterHeaders) = (new global::Grpc.Core.Status(global::Grpc.Core.StatusCode.Unavailable, "gone mid-stream"), true);
        await using ServiceProvider provider = Client(a.BaseUri, b.BaseUri, o => o.StreamingMethods.Add("slakit.tests.Payments/Watch"));
        Payments.PaymentsClient client = provider.GetRequiredService<Payments.PaymentsClient>();

        using var call = client.Watch(new ChargeRequest { Id = "1" }, cancellationToken: Ct);
        var replies = new List<string>();
        var error = await Assert.ThrowsAsync<global::Grpc.Core.RpcException>(async () =>
        {
            await foreach (ChargeReply reply in call.ResponseStream.ReadAllAsync(Ct))
            {
                replies.Add(reply.Region);
            }
        });

        // The first message was streamed to the caller as it came, and the failure after it is the caller's to see.
        Assert.Equal(["a"], replies);
        Assert.Equal(global::Grpc.Core.StatusCode.Unavailable, error.StatusCode);
        Assert.Equal((1, 0), (a.Calls, b.Calls));
    }

    /// <summary>
    /// A server stream the proto declares free of side effects (AddGrpcService lists it in both lists) moves to b when a
    /// fails it before its first message, a trailers-only UNAVAILABLE, as a draining region answers new calls.
    /// </summary>
    [Fact]
    public async Task A_server_stream_declared_safe_to_repeat_moves_on_when_its_region_fails_it_before_its_first_message()
    {
        await using GrpcRegionServer a = await GrpcRegionServer.StartAsync("a");
        await using GrpcRegionServer b = await GrpcRegionServer.StartAsync("b");
        a.FailWith = new global::Grpc.Core.Status(global::Grpc.Core.StatusCode.Unavailable, "draining");
        await using ServiceProvider provider = Client(a.BaseUri, b.BaseUri, o => o.AddGrpcService(Payments.Descriptor));
        Payments.PaymentsClient client = provider.GetRequiredService<Payments.PaymentsClient>();

        using var call = client.Watch(new ChargeRequest { Id = "1" }, deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: Ct);
        var replies = new List<string>();
        await foreach (ChargeReply reply in call.ResponseStream.ReadAllAsync(Ct))
        {
            replies.Add(reply.Region);
        }

        Assert.Equal(["b", "b"], replies);
        Assert.Equal((1, 1), (a.Calls, b.Calls));
    }

    [Fact]
    public async Task A_client_streaming_call_is_sent_once_and_an_unavailable_answer_is_not_replayed()
    {
        await using GrpcRegionServer a = await GrpcRegionServer.StartAsync("a");
        await using GrpcRegionServer b = await GrpcRegionServer.StartAsync("b");
        a.FailWith = new global::Grpc.Core.Status(global::Grpc.Core.StatusCode.Unavailable, "draining");
        await using ServiceProvider provider = Client(a.BaseUri, b.BaseUri, o => o.IdempotentMethods.Add("slakit.tests.Payments/Batch"));
        Payments.PaymentsClient client = provider.GetRequiredService<Payments.PaymentsClient>();

        using var call = client.Batch(cancellationToken: Ct);
        await call.RequestStream.WriteAsync(new ChargeRequest { Id = "1" }, Ct);
        await call.RequestStream.WriteAsync(new ChargeRequest { Id = "2" }, Ct);
        await call.RequestStream.CompleteAsync();
        var error = await Assert.ThrowsAsync<global::Grpc.Core.RpcException>(async () => await call.ResponseAsync);

        Assert.Equal((global::Grpc.Core.StatusCode.Unavailable, "draining"), (error.StatusCode, error.Status.Detail));
        Assert.Equal((1, 0), (a.Calls, b.Calls));
    }

    [Fact]
    public async Task A_client_streaming_call_goes_to_the_next_region_when_the_first_refuses_since_nothing_was_sent()
    {
        await using GrpcRegionServer b = await GrpcRegionServer.StartAsync("b");
        await using ServiceProvider provider = Client(RefusedPort.Create(), b.BaseUri);
        Payments.PaymentsClient client = provider.GetRequiredService<Payments.PaymentsClient>();

        using var call = client.Batch(cancellationToken: Ct);
        await call.RequestStream.WriteAsync(new ChargeRequest { Id = "1" }, Ct);
        await call.RequestStream.WriteAsync(new ChargeRequest { Id = "2" }, Ct);
        await call.RequestStream.CompleteAsync();

        Assert.Equal("b:2", (await call.ResponseAsync).Region);
        Assert.Equal(1, b.Calls);
    }

    /// <summary>
    /// A stream's first message may come long after it opens (a watch, a conversation): the attempt and total timeouts bound
    /// how long a region may take to answer a call that can move on, and a stream never moves on; the caller's deadline bounds it.
    /// </summary>
    [Fact]
    public async Task A_bidirectional_stream_outlives_the_attempt_timeout_and_is_sent_once()
    {
        await using GrpcRegionServer a = await GrpcRegionServer.StartAsync("a");
        await using GrpcRegionServer b = await GrpcRegionServer.StartAsync("b");
        a.StreamDelay = TimeSpan.FromMilliseconds(1500);
        await using ServiceProvider provider = Client(a.BaseUri, b.BaseUri, o =>
            (o.AttemptTimeout, o.TotalTimeout, o.HedgingDelay) = (TimeSpan.FromMilliseconds(400), TimeSpan.FromMilliseconds(600), TimeSpan.FromMilliseconds(50)));
        Payments.PaymentsClient client = provider.GetRequiredService<Payments.PaymentsClient>();

        using var call = client.Talk(cancellationToken: Ct);
        await call.RequestStream.WriteAsync(new ChargeRequest { Id = "1" }, Ct);
        await call.RequestStream.WriteAsync(new ChargeRequest { Id = "2" }, Ct);
        await call.RequestStream.CompleteAsync();
        var replies = new List<string>();
        await foreach (ChargeReply reply in call.ResponseStream.ReadAllAsync(Ct))
        {
            replies.Add(reply.Region);
        }

        Assert.Equal(["a:1", "a:2"], replies);
        Assert.Equal((1, 0), (a.Calls, b.Calls));
    }

    [Fact]
    public async Task A_stream_the_caller_cancels_after_its_first_reply_is_cancelled_at_the_server_too()
    {
        await using GrpcRegionServer a = await GrpcRegionServer.StartAsync("a");
        await using GrpcRegionServer b = await GrpcRegionServer.StartAsync("b");
        await using ServiceProvider provider = Client(a.BaseUri, b.BaseUri);
        Payments.PaymentsClient client = provider.GetRequiredService<Payments.PaymentsClient>();
        using var caller = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        using var call = client.Talk(cancellationToken: caller.Token);
        await call.RequestStream.WriteAsync(new ChargeRequest { Id = "1" }, Ct);
        Assert.True(await call.ResponseStream.MoveNext(Ct));
        Assert.Equal("a:1", call.ResponseStream.Current.Region);

        // The failover handler has long returned the response; the caller's token must still reach the stream.
        await caller.CancelAsync();

        RpcException cancelled = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10), Ct));
        Assert.Equal(StatusCode.Cancelled, cancelled.StatusCode);
        Assert.True(await Eventually.TrueAsync(() => a.CancelledTalks == 1, TimeSpan.FromSeconds(10), Ct), "the server never saw the call cancelled");
        Assert.Equal((1, 0), (a.Calls, b.Calls));
    }

    [Fact]
    public async Task A_server_stream_listed_as_streaming_outlives_the_attempt_timeout_and_is_sent_once()
    {
        await using GrpcRegionServer a = await GrpcRegionServer.StartAsync("a");
        await using GrpcRegionServer b = await GrpcRegionServer.StartAsync("b");
        a.StreamDelay = TimeSpan.FromMilliseconds(1500);
        await using ServiceProvider provider = Client(a.BaseUri, b.BaseUri, o =>
        {
            (o.AttemptTimeout, o.TotalTimeout) = (TimeSpan.FromMilliseconds(400), TimeSpan.FromMilliseconds(600));
            o.StreamingMethods.Add("slakit.tests.Payments/Watch");
        });
        Payments.PaymentsClient client = provider.GetRequiredService<Payments.PaymentsClient>();
        IRegionHealthMonitor monitor = provider.GetRequiredService<IRegionHealthMonitorRegistry>().GetMonitor("PaymentsClient");

        using var call = client.Watch(new ChargeRequest { Id = "1" }, cancellationToken: Ct);
        var replies = new List<string>();
        await foreach (ChargeReply reply in call.ResponseStream.ReadAllAsync(Ct))
        {
            replies.Add(reply.Region);
        }

        RegionStatus status = monitor.GetStatus().Single(s => s.Region.Name == "a");
        Assert.Equal(["a", "a"], replies);
        Assert.Equal((1, 0), (a.Calls, b.Calls));
        Assert.Equal(RegionHealth.Healthy, status.Health);
    }

    /// <summary>A gRPC client made by <c>AddGrpcClient</c> with its default handler, failing over from <paramref name="first"/> to <paramref name="second"/>.</summary>
    private static ServiceProvider Client(Uri first, Uri second, Action<RegionFailoverOptions>? more = null)
    {
        var services = new ServiceCollection();
        services.AddGrpcClient<Payments.PaymentsClient>(o => o.Address = first)
            .AddRegionFailover(o =>
            {
                o.Regions.Add(new Region("a", first));
                o.Regions.Add(new Region("b", second) { Priority = 1 });
                o.WarmUp = false;
                more?.Invoke(o);
            });
        return services.BuildServiceProvider();
    }
}
