using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GrpcFailover;

/// <summary>What a region does with each call.</summary>
internal enum RegionFault
{
    /// <summary>Answers.</summary>
    None,

    /// <summary>Takes the call and never answers, as a region behind a cut fibre looks to its clients.</summary>
    BlackHole,

    /// <summary>Answers UNAVAILABLE at once, as a region that is draining or has lost a dependency.</summary>
    Unavailable,
}

/// <summary>A local stand-in for one region: a Kestrel gRPC server on 127.0.0.1 (HTTP/2 without TLS) on an ephemeral port.</summary>
internal sealed class DemoRegion : IAsyncDisposable
{
    private WebApplication _app = null!;
    private volatile RegionFault _fault;

    private DemoRegion(string name) => Name = name;

    public string Name { get; }

    public Uri BaseUri { get; private set; } = null!;

    public RegionFault Fault
    {
        get => _fault;
        set => _fault = value;
    }

    public static async Task<DemoRegion> StartAsync(string name)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        var region = new DemoRegion(name);
        builder.Services.AddSingleton(region);
        WebApplication app = builder.Build();
        region._app = app;
        app.MapGrpcService<AccountsService>();
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        region.BaseUri = new Uri(address.TrimEnd('/') + "/");
        return region;
    }

    public async ValueTask DisposeAsync()
    {
        Fault = RegionFault.None;
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class AccountsService(DemoRegion region) : Accounts.AccountsBase
    {
        public override async Task<Balance> GetBalance(BalanceRequest request, ServerCallContext context)
        {
            switch (region.Fault)
            {
                case RegionFault.BlackHole:
                    // Never answer; the client gives up when it likes.
                    await Task.Delay(Timeout.Infinite, context.CancellationToken).ContinueWith(static _ => { }, TaskScheduler.Default);
                    throw new RpcException(new Status(StatusCode.Cancelled, "the caller gave up"));
                case RegionFault.Unavailable:
                    throw new RpcException(new Status(StatusCode.Unavailable, $"{region.Name} is draining"));
                default:
                    return new Balance { Account = request.Account, Cents = 12_345, Region = region.Name };
            }
        }
    }
}
