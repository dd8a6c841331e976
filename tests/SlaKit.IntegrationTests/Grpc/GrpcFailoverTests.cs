using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
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
            // Every region tried failed: the caller gets UNAVAILABLE, gRPC's "try again", with what happened in the message.
            var error = await Assert.ThrowsAsync<global::Grpc.Core.RpcException>(async () => await client.ChargeAsync(new ChargeRequest { Id = $"{i}" }, cancellationToken: Ct));
            Assert.Equal(global::Grpc.Core.StatusCode.Unavailable, error.StatusCode);
            Assert.Contains("failed in every region tried: a: no answer within the attempt timeout", error.Status.Detail, StringComparison.Ordinal);
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
