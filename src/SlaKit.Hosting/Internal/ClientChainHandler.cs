using SlaKit.Probes;

namespace SlaKit.Http;

/// <summary>
/// Sends a probe's request the way the failover client named <paramref name="clientName"/> sends an attempt: through the
/// handlers below its <see cref="RegionFailoverHandler"/> in the chain <see cref="IHttpMessageHandlerFactory"/> hands out
/// now, so over the client's own connections, with its TLS settings (a private CA, a client certificate), its proxy and its
/// own handlers. The chain is asked for at each request, so the factory's handler rotation goes on. A chain whose
/// failover handler is hidden from view (another handler type wraps it) leaves the probe its own connection pool.
/// </summary>
internal sealed class ClientChainHandler(IHttpMessageHandlerFactory handlers, string clientName) : HttpMessageHandler
{
    private readonly Lazy<HttpMessageInvoker> _own = new(static () => new HttpMessageInvoker(HttpProbe.OwnHandler()));

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        RegionWarmUpService.FindFailoverHandler(handlers.CreateHandler(clientName)) is { } failover
            ? failover.SendBelowAsync(request, cancellationToken)
            : _own.Value.SendAsync(request, cancellationToken);

    protected override void Dispose(bool disposing)
    {
        if (disposing && _own.IsValueCreated)
        {
            _own.Value.Dispose();
        }

        base.Dispose(disposing);
    }
}
