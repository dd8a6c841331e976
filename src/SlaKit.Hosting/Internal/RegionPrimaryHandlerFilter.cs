using Microsoft.Extensions.Http;

namespace SlaKit.Http;

/// <summary>
/// Adjusts the primary handler of every failover client so that each attempt reaches the region it was sent to:
/// <list type="bullet">
/// <item>Automatic redirection is off, so a region answering 3xx cannot send the client to a host outside its
/// configured regions; the redirect reaches the caller as the region's answer instead.</item>
/// <item>gRPC's own load balancing is off. A gRPC channel (Grpc.Net.Client) that finds a bare
/// <see cref="SocketsHttpHandler"/> at the bottom of its handler chain wraps the chain in its balancer and connects to
/// the channel's configured address whatever host the request names, so every attempt of a failover client would go
/// to the first region (and fail with it). The handler property <c>__GrpcLoadBalancingDisabled</c> is gRPC's switch
/// for a handler that routes requests itself (.NET service discovery sets it for the same reason); it means nothing
/// to a plain <see cref="HttpClient"/>.</item>
/// <item>Its HTTP/2 connections are watched (<see cref="Http2ConnectionStream"/>, through
/// <see cref="SocketsHttpHandler.PlaintextStreamFilter"/>, after the application's own filter if it has one), so that a
/// connection that has gone silent is closed when an attempt times out on it, as an HTTP/1.1 connection would be.
/// Keep-alive PINGs are left to the application (<see cref="SocketsHttpHandler.KeepAlivePingDelay"/>): many gRPC
/// servers allow one every five minutes and close a connection that pings more often (GOAWAY ENHANCE_YOUR_CALM).</item>
/// </list>
/// </summary>
/// <remarks>
/// <para>The handler adjusted is the one at the bottom of the primary handler: a primary handler that is a
/// <see cref="DelegatingHandler"/> (a <c>GrpcWebHandler</c> around a <see cref="SocketsHttpHandler"/>) is walked down
/// through <see cref="DelegatingHandler.InnerHandler"/>, as gRPC walks it.</para>
/// <para>A filter rather than a builder action: it runs after every action, so it also sees a primary handler set by
/// <c>ConfigurePrimaryHttpMessageHandler</c> after <c>AddRegionFailover</c> (as <c>AddGrpcClient</c> sets one).</para>
/// </remarks>
internal sealed class RegionPrimaryHandlerFilter : IHttpMessageHandlerBuilderFilter
{
    /// <summary>The <see cref="SocketsHttpHandler.Properties"/> key that turns gRPC's load balancing off for the handler.</summary>
    internal const string GrpcLoadBalancingDisabled = "__GrpcLoadBalancingDisabled";

    /// <summary>The <see cref="SocketsHttpHandler.Properties"/> key that marks a handler whose connections are already watched.</summary>
    internal const string ConnectionsWatched = "slakit.connections-watched";

    private readonly HashSet<string> _names;
    private readonly HttpRegionSets _clients;

    public RegionPrimaryHandlerFilter(IEnumerable<RegionFailoverClientName> names, HttpRegionSets clients)
    {
        _names = names.Select(static n => n.Name).ToHashSet(StringComparer.Ordinal);
        _clients = clients;
    }

    public Action<HttpMessageHandlerBuilder> Configure(Action<HttpMessageHandlerBuilder> next)
    {
        ArgumentNullException.ThrowIfNull(next);
        return builder =>
        {
            next(builder);
            if (builder.Name is not { } name || !_names.Contains(name))
            {
                return;
            }

            // Only set when not yet set: a primary handler instance reused across handler rotations has already sent
            // requests, and setting a property then throws.
            switch (Innermost(builder.PrimaryHandler))
            {
                case SocketsHttpHandler sockets:
                    if (sockets.AllowAutoRedirect)
                    {
                        sockets.AllowAutoRedirect = false;
                    }

                    sockets.Properties[GrpcLoadBalancingDisabled] = true;
                    if (sockets.Properties.TryAdd(ConnectionsWatched, true))
                    {
                        HttpRegionSet client = _clients.GetClient(name);
                        WatchConnections(sockets, client);
                        BoundConnect(sockets, client.Options);
                    }

                    break;
                case HttpClientHandler { AllowAutoRedirect: true } handler:
                    handler.AllowAutoRedirect = false;
                    break;
            }
        };
    }

    /// <summary>
    /// Gives a handler left with no <see cref="SocketsHttpHandler.ConnectTimeout"/> (infinite, .NET's default) the
    /// client's <see cref="RegionFailoverOptions.ColdStartAllowance"/>, at most its
    /// <see cref="RegionFailoverOptions.AttemptTimeout"/>: the longest a first answer, connection and TLS included, is
    /// expected to take. A region whose address drops the SYN (a route black-holed, a firewall) or whose TLS handshake
    /// never ends otherwise holds a connection attempt for the kernel's two minutes of SYN retries, or for ever; a
    /// request not safe to repeat then times out where it was never sent, instead of going on to the next region as a
    /// connection that failed lets it, and a gRPC stream, which has no attempt timeout, waits on it until its deadline.
    /// A timeout the application set is kept.
    /// </summary>
    private static void BoundConnect(SocketsHttpHandler sockets, RegionFailoverOptions options)
    {
        if (sockets.ConnectTimeout == Timeout.InfiniteTimeSpan)
        {
            sockets.ConnectTimeout = options.ColdStartAllowance < options.AttemptTimeout ? options.ColdStartAllowance : options.AttemptTimeout;
        }
    }

    /// <summary>
    /// The handler that makes the connections: the primary handler itself, or the one at the bottom of the delegating
    /// handlers it is made of (a <c>GrpcWebHandler</c>, a logging or metering handler). That is where gRPC looks for a
    /// <see cref="SocketsHttpHandler"/> to balance over, and the one whose redirects and connections matter.
    /// </summary>
    private static HttpMessageHandler? Innermost(HttpMessageHandler? handler)
    {
        while (handler is DelegatingHandler { InnerHandler: { } inner })
        {
            handler = inner;
        }

        return handler;
    }

    private static void WatchConnections(SocketsHttpHandler sockets, HttpRegionSet client)
    {
        Func<SocketsHttpPlaintextStreamFilterContext, CancellationToken, ValueTask<Stream>>? own = sockets.PlaintextStreamFilter;
        sockets.PlaintextStreamFilter = own is null
            ? (context, _) => new ValueTask<Stream>(client.WatchConnection(context, context.PlaintextStream))
            : async (context, cancellationToken) =>
                // Stryker disable once Boolean : equivalent; ConfigureAwait(true), see docs/quality.md.
                client.WatchConnection(context, await own(context, cancellationToken).ConfigureAwait(false));
    }
}
