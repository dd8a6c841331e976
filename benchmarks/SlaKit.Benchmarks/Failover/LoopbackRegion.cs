using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SlaKit.Benchmarks.Failover;

/// <summary>
/// A healthy region on 127.0.0.1: Kestrel on an ephemeral port, over HTTP or HTTPS, answering every request with 200
/// and its name, and counting the requests it received.
/// </summary>
internal sealed class LoopbackRegion : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;

    private LoopbackRegion(WebApplication app, Uri baseUri)
    {
        _app = app;
        BaseUri = baseUri;
    }

    /// <summary>The region's base URI, such as <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseUri { get; }

    /// <summary>Requests received so far.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Starts a region over plain HTTP, or over HTTPS with <paramref name="certificate"/>.</summary>
    public static async Task<LoopbackRegion> StartAsync(string name, X509Certificate2? certificate = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (certificate is null)
        {
            builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        }
        else
        {
            builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        }

        WebApplication app = builder.Build();
        byte[] body = System.Text.Encoding.UTF8.GetBytes($"{{\"region\":\"{name}\"}}");
        LoopbackRegion? region = null;
        app.Run(context =>
        {
            Interlocked.Increment(ref region!._requests);
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = body.Length;
            return context.Response.Body.WriteAsync(body, context.RequestAborted).AsTask();
        });
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        region = new LoopbackRegion(app, new Uri(address.EndsWith('/') ? address : address + "/"));
        return region;
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }
}
