using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SlaKit.Grpc;
using SlaKit.Http;
using SlaKit.IntegrationTests.Infrastructure;
using SlaKit.Regions;

namespace SlaKit.IntegrationTests.Grpc;

/// <summary>A service's methods declared to the failover from its own proto (payments.proto), through SlaKit.Grpc.</summary>
public sealed class GrpcServiceDeclarationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void The_protos_idempotency_level_and_streaming_sort_the_methods()
    {
        var options = new RegionFailoverOptions();
        options.IdempotentMethods.Add("slakit.tests.Payments/Talk");

        RegionFailoverOptions returned = options.AddGrpcService(Payments.Descriptor);

        // Watch, a server stream with no side effects, is in both lists; Talk, a bidirectional stream, is never replayed.
        Assert.Same(options, returned);
        Assert.Equal(System.Net.HttpVersion.Version20, options.WarmUpVersion);
        Assert.Equal(["slakit.tests.Payments/Lookup", "slakit.tests.Payments/Watch"], options.IdempotentMethods.Order(StringComparer.Ordinal));
        Assert.Equal(
            ["slakit.tests.Payments/Batch", "slakit.tests.Payments/Talk", "slakit.tests.Payments/Watch"],
            options.StreamingMethods.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_regions_are_warmed_up_over_http2_so_the_first_call_finds_its_connection_open()
    {
        await using GrpcRegionServer a = await GrpcRegionServer.StartAsync("a");
        await using GrpcRegionServer b = await GrpcRegionServer.StartAsync("b");
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddGrpcClient<Payments.PaymentsClient>(o => o.Address = a.BaseUri)
            .AddRegionFailover(o =>
            {
                o.Regions.Add(new Region("a", a.BaseUri));
                o.Regions.Add(new Region("b", b.BaseUri) { Priority = 1 });
                o.AddGrpcService(Payments.Descriptor);
            });
        using IHost host = builder.Build();

        await host.StartAsync(Ct);
        ChargeReply reply = await host.Services.GetRequiredService<Payments.PaymentsClient>().LookupAsync(new ChargeRequest { Id = "1" }, cancellationToken: Ct);

        Assert.Equal(["HTTP/2", "HTTP/2"], a.HeadRequests);
        Assert.Equal(["HTTP/2", "HTTP/2"], b.HeadRequests);
        Assert.Equal("a", reply.Region);
        await host.StopAsync(Ct);
    }

    [Fact]
    public void Null_arguments_are_refused_by_name()
    {
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => ((RegionFailoverOptions)null!).AddGrpcService(Payments.Descriptor)).ParamName);
        Assert.Equal("service", Assert.Throws<ArgumentNullException>(() => new RegionFailoverOptions().AddGrpcService(null!)).ParamName);
    }

    [Fact]
    public async Task A_method_the_proto_declares_without_side_effects_is_hedged_past_a_black_hole_and_one_with_them_is_not()
    {
        await using var hole = new BlackHole();
        await using GrpcRegionServer b = await GrpcRegionServer.StartAsync("b");
        var services = new ServiceCollection();
        services.AddGrpcClient<Payments.PaymentsClient>(o => o.Address = hole.BaseUri)
            .AddRegionFailover(o =>
            {
                o.Regions.Add(new Region("a", hole.BaseUri));
                o.Regions.Add(new Region("b", b.BaseUri) { Priority = 1 });
                o.WarmUp = false;
                o.AttemptTimeout = TimeSpan.FromSeconds(1);
                o.AddGrpcService(Payments.Descriptor);
            });
        await using ServiceProvider provider = services.BuildServiceProvider();
        Payments.PaymentsClient client = provider.GetRequiredService<Payments.PaymentsClient>();

        ChargeReply lookup = await client.LookupAsync(new ChargeRequest { Id = "1" }, cancellationToken: Ct);
        var charge = await Assert.ThrowsAsync<global::Grpc.Core.RpcException>(async () => await client.ChargeAsync(new ChargeRequest { Id = "2" }, cancellationToken: Ct));

        Assert.Equal("b", lookup.Region);
        // Sent to the black hole and timed out there: it may have been carried out, so it is not UNAVAILABLE ("try again").
        Assert.Equal(global::Grpc.Core.StatusCode.DeadlineExceeded, charge.StatusCode);
        Assert.Equal(1, b.Calls);
    }
}
