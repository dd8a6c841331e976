using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SlaKit.Benchmarks.Failover;

/// <summary>One region of the gRPC scenario: a Kestrel gRPC server on 127.0.0.1, HTTP/2 without TLS, counting its calls.</summary>
internal sealed class GrpcRegion : IAsyncDisposable
{
    private WebApplication _app = null!;
    private int _calls;
    private volatile bool _unavailable;

    private GrpcRegion(string name) => Name = name;

    public string Name { get; }

    public Uri BaseUri { get; private set; } = null!;

    /// <summary>Calls that reached the service.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>Whether every call is answered UNAVAILABLE at once, in a trailers-only answer, as a draining region answers.</summary>
    public bool Unavailable
    {
        get => _unavailable;
        set => _unavailable = value;
    }

    public static async Task<GrpcRegion> StartAsync(string name)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        var region = new GrpcRegion(name);
        builder.Services.AddSingleton(region);
        WebApplication app = builder.Build();
        region._app = app;
        app.MapGrpcService<BalancesService>();
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        region.BaseUri = new Uri(address.TrimEnd('/') + "/");
        return region;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class BalancesService(GrpcRegion region) : Balances.BalancesBase
    {
        public override Task<BalanceReply> Get(BalanceQuery request, ServerCallContext context)
        {
            Interlocked.Increment(ref region._calls);
            return region.Unavailable
                ? throw new RpcException(new Status(StatusCode.Unavailable, $"{region.Name} is draining"))
                : Task.FromResult(new BalanceReply { Region = region.Name, Cents = 12_345 });
        }
    }
}
