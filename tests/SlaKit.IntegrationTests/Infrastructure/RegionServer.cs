using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SlaKit.IntegrationTests.Infrastructure;

/// <summary>
/// A real Kestrel server on 127.0.0.1 with an ephemeral port, standing in for one region. It answers every
/// request through <see cref="Behaviour"/> (switchable while running) and counts what it received.
/// </summary>
public sealed class RegionServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedRequest> _received = new();
    private int _aborted;
    private int _completed;

    private RegionServer(WebApplication app, string name)
    {
        _app = app;
        Name = name;
    }

    /// <summary>The region's name, also sent back in the <c>X-Region</c> header.</summary>
    public string Name { get; }

    /// <summary>The server's base URI, such as <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseUri { get; private set; } = null!;

    /// <summary>How the server answers; replace it at any time. Healthy (200 with the region's name) by default.</summary>
    public Func<HttpContext, Task> Behaviour { get; set; } = Healthy;

    /// <summary>Every request the server received, in arrival order.</summary>
    public IReadOnlyCollection<ReceivedRequest> Received => _received;

    /// <summary>How many requests the server received.</summary>
    public int Count => _received.Count;

    /// <summary>How many requests the client gave up on (closed the connection) while <see cref="Behaviour"/> was still answering them.</summary>
    public int Aborted => Volatile.Read(ref _aborted);

    /// <summary>How many requests the server has finished answering (or given up on).</summary>
    public int Completed => Volatile.Read(ref _completed);

    /// <summary>How many requests with <paramref name="method"/> the server received.</summary>
    public int CountOf(HttpMethod method) => _received.Count(r => r.Method == method.Method);

    /// <summary>Answers 200 with the region's name as the body.</summary>
    public static Task Healthy(HttpContext context)
    {
        context.Response.StatusCode = 200;
        return context.Response.WriteAsync("ok");
    }

    /// <summary>Answers with <paramref name="status"/>, and a Retry-After in seconds when given.</summary>
    public static Func<HttpContext, Task> Status(HttpStatusCode status, int? retryAfterSeconds = null) => context =>
    {
        context.Response.StatusCode = (int)status;
        if (retryAfterSeconds is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return Task.CompletedTask;
    };

    /// <summary>Waits <paramref name="delay"/> (or until the client gives up), then answers 200.</summary>
    public static Func<HttpContext, Task> Slow(TimeSpan delay) => async context =>
    {
        try
        {
            await Task.Delay(delay, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        await Healthy(context);
    };

    /// <summary>Never answers: holds the request until the client gives up, as a hung process behind a live socket does.</summary>
    public static Task Silent(HttpContext context) => Slow(TimeSpan.FromMinutes(10))(context);

    /// <summary>
    /// Answers the first request of each connection after <paramref name="setUp"/>, later ones at once: what a region's
    /// first answer costs a client (connection, TLS, the server's first-call compilation), made repeatable.
    /// </summary>
    public static Func<HttpContext, Task> ColdThenFast(TimeSpan setUp)
    {
        var seen = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        return context => seen.TryAdd(context.Connection.Id, true) ? Slow(setUp)(context) : Healthy(context);
    }

    /// <summary>Answers requests whose path ends with <c>/slow</c> after <paramref name="delay"/>, any other at once.</summary>
    public static Func<HttpContext, Task> SlowPath(TimeSpan delay) => context =>
        context.Request.Path.Value?.EndsWith("/slow", StringComparison.Ordinal) == true ? Slow(delay)(context) : Healthy(context);

    /// <summary>
    /// Serves requests whose path ends with <paramref name="path"/> with <paramref name="stream"/> and answers any other
    /// after 30 s: a region whose streams flow while its other requests hang, on the same connection over HTTP/2.
    /// </summary>
    public static Func<HttpContext, Task> StreamAt(string path, Func<HttpContext, Task> stream) => context =>
        context.Request.Path.Value?.EndsWith(path, StringComparison.Ordinal) == true ? stream(context) : Slow(TimeSpan.FromSeconds(30))(context);

    /// <summary>Reads the request, then drops the connection without answering: the request reached the server, no answer comes back.</summary>
    public static Task Drop(HttpContext context)
    {
        context.Abort();
        return Task.CompletedTask;
    }

    /// <summary>
    /// Starts a region on 127.0.0.1 over plain HTTP/1.1, or over HTTPS (HTTP/1.1 and HTTP/2) with <paramref name="certificate"/>;
    /// <paramref name="protocols"/>, when given, are the only ones it speaks (<see cref="HttpProtocols.Http2"/> over plain
    /// HTTP: HTTP/2 by prior knowledge alone, as a gRPC service's endpoint does).
    /// </summary>
    public static async Task<RegionServer> StartAsync(string name, X509Certificate2? certificate = null, HttpProtocols? protocols = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (certificate is null && protocols is { } only)
        {
            builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = only));
        }
        else if (certificate is null)
        {
            builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        }
        else
        {
            builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                listen.Protocols = protocols ?? HttpProtocols.Http1AndHttp2;
                listen.UseHttps(certificate);
            }));
        }

        WebApplication app = builder.Build();
        var server = new RegionServer(app, name);
        app.Run(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            server._received.Enqueue(new ReceivedRequest(
                context.Request.Method,
                context.Request.Path + context.Request.QueryString,
                body.ToArray(),
                context.Request.Headers["Idempotency-Key"].ToString(),
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)));
            context.Response.Headers["X-Region"] = name;
            await server.Behaviour(context);
            if (context.RequestAborted.IsCancellationRequested)
            {
                Interlocked.Increment(ref server._aborted);
            }

            Interlocked.Increment(ref server._completed);
        });
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        server.BaseUri = new Uri(address.EndsWith('/') ? address : address + "/");
        return server;
    }

    /// <summary>Shuts the region down gracefully: no new connection is taken, and requests in flight get until <paramref name="cancellationToken"/> to finish.</summary>
    public Task StopAsync(CancellationToken cancellationToken) => _app.StopAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        // A request still held by a slow behaviour must not hold the test up for the host's whole shutdown timeout.
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }
}

/// <summary>One request a <see cref="RegionServer"/> received.</summary>
public sealed record ReceivedRequest(string Method, string PathAndQuery, byte[] Body, string IdempotencyKey, IReadOnlyDictionary<string, string> Headers);
