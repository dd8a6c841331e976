using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using SlaKit.Regions;

namespace SlaKit.Benchmarks.Failover;

/// <summary>
/// Builds each client the way an application does, through <see cref="IHttpClientFactory"/>, over one socket handler
/// whose connections to the primary go through the <see cref="FaultProxy"/>, with an <see cref="AttemptCounter"/> above it.
/// </summary>
internal static class HarnessClients
{
    /// <summary>The name every harness client is registered under.</summary>
    public const string ClientName = "harness";

    /// <summary>A container holding one client of <paramref name="kind"/>; dispose it to close the client's connections.</summary>
    public static ServiceProvider Build(HarnessClient kind, Uri primary, Uri secondary, IPEndPoint? proxy, AttemptCounter counter, string? trustedThumbprint = null)
    {
        var services = new ServiceCollection();
        Add(services, kind, primary, secondary, proxy, counter, trustedThumbprint);
        return services.BuildServiceProvider();
    }

    /// <summary>
    /// Adds one client of <paramref name="kind"/> to <paramref name="services"/>: its connections to the primary pass
    /// <paramref name="proxy"/> when one is given, and over HTTPS it trusts the certificate whose SHA-1 thumbprint is <paramref name="trustedThumbprint"/> alone.
    /// </summary>
    public static void Add(IServiceCollection services, HarnessClient kind, Uri primary, Uri secondary, IPEndPoint? proxy, AttemptCounter counter, string? trustedThumbprint = null)
    {
        IHttpClientBuilder builder = services.AddHttpClient(ClientName, client =>
            {
                client.BaseAddress = kind == HarnessClient.SecondaryDirect ? secondary : primary;

                // The caller's token bounds each request (see the harness); the resilience handlers turn this off anyway.
                client.Timeout = System.Threading.Timeout.InfiniteTimeSpan;
            })
            .ConfigurePrimaryHttpMessageHandler(() => counter.Over(SocketHandler(primary, proxy, trustedThumbprint)))
            .RemoveAllLoggers();

        switch (kind)
        {
            case HarnessClient.StandardResilience:
                builder.AddStandardResilienceHandler();
                break;
            case HarnessClient.StandardHedging:
                AddStandardHedging(builder, primary, secondary);
                break;
            case HarnessClient.SlaKit:
                builder.AddRegionFailover(options =>
                {
                    options.Regions.Add(new Region("primary", primary) { Priority = 0 });
                    options.Regions.Add(new Region("secondary", secondary) { Priority = 1 });
                });
                break;
        }
    }

    /// <summary>.NET's standard hedging handler over two ordered endpoint groups, the primary's first: the harness's peer.</summary>
    public static void AddStandardHedging(IHttpClientBuilder builder, Uri primary, Uri secondary) =>
        builder.AddStandardHedgingHandler(routing => routing.ConfigureOrderedGroups(groups =>
        {
            groups.Groups.Add(new UriEndpointGroup { Endpoints = { new WeightedUriEndpoint { Uri = primary } } });
            groups.Groups.Add(new UriEndpointGroup { Endpoints = { new WeightedUriEndpoint { Uri = secondary } } });
        }));

    /// <summary>The client of a container built by <see cref="Build"/>.</summary>
    public static HttpClient Client(IServiceProvider services) => services.GetRequiredService<IHttpClientFactory>().CreateClient(ClientName);

    /// <summary>
    /// A socket handler that connects to <paramref name="proxy"/> whenever a request is for the primary's host and port,
    /// so the URI (and the TLS host name) stay the primary's while the bytes pass the proxy.
    /// </summary>
    internal static SocketsHttpHandler SocketHandler(Uri primary, IPEndPoint? proxy, string? trustedThumbprint) => new()
    {
        AllowAutoRedirect = false,
        SslOptions = new SslClientAuthenticationOptions
        {
            // The regions' own self-signed certificate, and nothing else.
            RemoteCertificateValidationCallback = trustedThumbprint is null
                ? null
                : (_, presented, _, _) => presented is not null && string.Equals(presented.GetCertHashString(), trustedThumbprint, StringComparison.OrdinalIgnoreCase),
        },
        ConnectCallback = async (context, cancellationToken) =>
        {
            DnsEndPoint target = context.DnsEndPoint;
            EndPoint endPoint = proxy is not null && string.Equals(target.Host, primary.IdnHost, StringComparison.OrdinalIgnoreCase) && target.Port == primary.Port
                ? proxy
                : target;
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(endPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}
