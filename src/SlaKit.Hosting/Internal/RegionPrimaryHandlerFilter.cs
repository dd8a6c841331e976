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
/// </list>
/// </summary>
/// <remarks>
/// A filter rather than a builder action: it runs after every action, so it also sees a primary handler set by
/// <c>ConfigurePrimaryHttpMessageHandler</c> after <c>AddRegionFailover</c> (as <c>AddGrpcClient</c> sets one).
/// </remarks>
internal sealed class RegionPrimaryHandlerFilter : IHttpMessageHandlerBuilderFilter
{
    /// <summary>The <see cref="SocketsHttpHandler.Properties"/> key that turns gRPC's load balancing off for the handler.</summary>
    internal const string GrpcLoadBalancingDisabled = "__GrpcLoadBalancingDisabled";

    private readonly HashSet<string> _names;

    public RegionPrimaryHandlerFilter(IEnumerable<RegionFailoverClientName> names) =>
        _names = names.Select(static n => n.Name).ToHashSet(StringComparer.Ordinal);

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
            switch (builder.PrimaryHandler)
            {
                case SocketsHttpHandler sockets:
                    if (sockets.AllowAutoRedirect)
                    {
                        sockets.AllowAutoRedirect = false;
                    }

                    sockets.Properties[GrpcLoadBalancingDisabled] = true;
                    break;
                case HttpClientHandler { AllowAutoRedirect: true } handler:
                    handler.AllowAutoRedirect = false;
                    break;
            }
        };
    }
}
