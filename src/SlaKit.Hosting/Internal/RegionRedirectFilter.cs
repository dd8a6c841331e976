using Microsoft.Extensions.Http;

namespace SlaKit.Http;

/// <summary>
/// Turns off automatic redirection in the primary handler of every failover client, so that a region answering
/// 3xx cannot send the client to a host outside its configured regions; the redirect reaches the caller as the
/// region's answer instead.
/// </summary>
/// <remarks>
/// A filter rather than a builder action: it runs after every action, so it also sees a primary handler set by
/// <c>ConfigurePrimaryHttpMessageHandler</c> after <c>AddRegionFailover</c>.
/// </remarks>
internal sealed class RegionRedirectFilter : IHttpMessageHandlerBuilderFilter
{
    private readonly HashSet<string> _names;

    public RegionRedirectFilter(IEnumerable<RegionFailoverClientName> names) =>
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

            // Only set when on: a primary handler instance reused across handler rotations has already sent requests,
            // and setting the property then throws.
            switch (builder.PrimaryHandler)
            {
                case SocketsHttpHandler { AllowAutoRedirect: true } sockets:
                    sockets.AllowAutoRedirect = false;
                    break;
                case HttpClientHandler { AllowAutoRedirect: true } handler:
                    handler.AllowAutoRedirect = false;
                    break;
            }
        };
    }
}
