using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FailoverDemo;

/// <summary>
/// A local stand-in for one region: Kestrel on 127.0.0.1 with an ephemeral port. When black-holed it still
/// accepts connections and requests but never answers, as a region behind a cut fibre looks to its clients.
/// </summary>
internal sealed class DemoRegion : IAsyncDisposable
{
    private readonly WebApplication _app;
    private volatile bool _blackHoled;

    private DemoRegion(WebApplication app, string name)
    {
        _app = app;
        Name = name;
    }

    public string Name { get; }

    public Uri BaseUri { get; private set; } = null!;

    public bool BlackHoled
    {
        get => _blackHoled;
        set => _blackHoled = value;
    }

    public static async Task<DemoRegion> StartAsync(string name)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        WebApplication app = builder.Build();
        var region = new DemoRegion(app, name);
        app.MapGet("/api/balance/{account}", async (string account, HttpContext context) =>
        {
            if (region.BlackHoled)
            {
                // Never answer; the client gives up when it likes.
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(static _ => { }, TaskScheduler.Default);
                return Results.Empty;
            }

            return Results.Text($"{{\"account\":\"{account}\",\"region\":\"{name}\"}}", "application/json");
        });
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        region.BaseUri = new Uri(address.TrimEnd('/') + "/");
        return region;
    }

    public async ValueTask DisposeAsync()
    {
        BlackHoled = false;
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
