using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SlaKit.Regions;

namespace SlaKit.Http;

/// <summary>
/// Warms every failover client whose <see cref="RegionFailoverOptions.WarmUp"/> is on when the host starts: two
/// <c>HEAD</c> requests to each region, all regions at once, within <see cref="RegionFailoverOptions.WarmUpTimeout"/>.
/// </summary>
/// <remarks>
/// The requests go through the client's own handler chain, found below the <see cref="RegionFailoverHandler"/> that
/// <see cref="IHttpMessageHandlerFactory"/> hands out for the client name, so the connections they open are the ones
/// the first customer requests use. The first answer carries the connection set-up and is not held against the
/// region (see <see cref="LatencyWindow.Record"/>); the second gives the region a latency to be judged by.
/// </remarks>
internal sealed class RegionWarmUpService : IHostedService
{
    private const int RequestsPerRegion = 2;

    private readonly HttpRegionSets _registry;
    private readonly IHttpMessageHandlerFactory _handlers;
    private readonly ILoggerFactory _loggerFactory;

    public RegionWarmUpService(HttpRegionSets registry, IHttpMessageHandlerFactory handlers, ILoggerFactory? loggerFactory = null)
    {
        _registry = registry;
        _handlers = handlers;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var warmUps = new List<Task>();
        foreach (string name in _registry.ClientNames)
        {
            HttpRegionSet client = _registry.GetClient(name);
            if (client.Options.WarmUp && FindFailoverHandler(_handlers.CreateHandler(name)) is { } handler)
            {
                warmUps.Add(WarmUpClientAsync(client, handler, cancellationToken));
            }
        }

        await Task.WhenAll(warmUps).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The client's failover handler in the chain the factory made for it; <see langword="null"/> if another handler hides it.</summary>
    internal static RegionFailoverHandler? FindFailoverHandler(HttpMessageHandler? handler)
    {
        while (handler is DelegatingHandler delegating)
        {
            if (delegating is RegionFailoverHandler failover)
            {
                return failover;
            }

            handler = delegating.InnerHandler;
        }

        return null;
    }

    private async Task WarmUpClientAsync(HttpRegionSet client, RegionFailoverHandler handler, CancellationToken hostStopping)
    {
        // One bound, on the client's clock, for all its regions at once.
        using var timeout = new CancellationTokenSource(client.Options.WarmUpTimeout, client.Time);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(hostStopping, timeout.Token);
        ILogger logger = _loggerFactory.CreateLogger($"SlaKit.Http.RegionFailover.{client.ClientName}");
        try
        {
            await Task.WhenAll(client.Regions.Select(region => WarmUpRegionAsync(client, handler, region, logger, bounded.Token, hostStopping))).ConfigureAwait(false);
        }
        finally
        {
            // A region's wait may end at the bound a moment before the bound's own timer fires: cancel what is still in
            // flight now, before the sources are disposed and their timers with them, or a request that hangs (a
            // black-holed region) would hold its connection for the life of the process.
            await timeout.CancelAsync().ConfigureAwait(false);
        }
    }

    private static async Task WarmUpRegionAsync(
        HttpRegionSet client, RegionFailoverHandler handler, TrackedRegion region, ILogger logger, CancellationToken bounded, CancellationToken hostStopping)
    {
        var answers = new TimeSpan[RequestsPerRegion];
        string? failure = null;
        bool regionFailed = true;
        async Task WarmAsync()
        {
            for (int i = 0; i < RequestsPerRegion; i++)
            {
                answers[i] = await handler.WarmUpAsync(region, client.Options.WarmUpPath, bounded).ConfigureAwait(false);
            }
        }

        try
        {
            // The region's requests together are waited for no longer than the warm-up timeout, even if a handler
            // below does not honour the cancellation that bound sends.
            // On the thread pool: a handler below that blocks (a token fetched synchronously) holds neither the host's
            // start nor the other regions' warm-up past the bound.
            await Task.Run(WarmAsync, CancellationToken.None).WaitAsync(client.Options.WarmUpTimeout, client.Time, hostStopping).ConfigureAwait(false);
        }
        catch (HttpRequestException exception)
        {
            failure = $"a transport error: {exception.Message}";
        }
        catch (Exception exception) when ((exception is OperationCanceledException or TimeoutException) && !hostStopping.IsCancellationRequested)
        {
            failure = $"no answer within the warm-up timeout of {DurationText.Format(client.Options.WarmUpTimeout)}";
        }
#pragma warning disable CA1031 // Warm-up is never fatal: whatever a handler below throws is reported, and the host starts.
        catch (Exception exception) when (!hostStopping.IsCancellationRequested)
#pragma warning restore CA1031
        {
            // Not the region's fault as far as anyone can tell (a handler below refused the request): reported only.
            failure = $"{exception.GetType().Name}: {exception.Message}";
            regionFailed = false;
        }

        if (failure is not null)
        {
            FailoverLog.RegionWarmUpFailed(logger, client.ClientName, region.Region.Name, failure);
            if (regionFailed)
            {
                region.RecordFailure(client.Time.GetUtcNow(), $"it did not answer the warm-up: {failure}");
            }

            return;
        }

        FailoverLog.RegionWarmedUp(logger, client.ClientName, region.Region.Name, answers[0].TotalMilliseconds, answers[^1].TotalMilliseconds);
    }
}
