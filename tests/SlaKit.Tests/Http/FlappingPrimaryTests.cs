using System.Net;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using SlaKit.Http;
using SlaKit.Regions;

namespace SlaKit.Tests.Http;

/// <summary>
/// A primary that fails now and then, on the fake clock: each failure moves one request to the backup, which is
/// neither a switch of traffic nor worth more than a debug line.
/// </summary>
public sealed class FlappingPrimaryTests : HeldRegionTests
{
    private Task<HttpResponseMessage> Get() =>
        Invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://payments.invalid/x"), TestContext.Current.CancellationToken);

    private async Task<string?> ServedAsync(HttpStatusCode aAnswers)
    {
        Task<HttpResponseMessage> sending = Get();
        Held held = await Terminal.NextHeldAsync();
        held.Answer(aAnswers);
        using HttpResponseMessage response = await sending.WaitAsync(Wait, TestContext.Current.CancellationToken);
        return response.RequestMessage!.GetServedRegion();
    }

    [Fact]
    public async Task Each_lone_failure_of_the_primary_moves_its_request_to_the_backup_without_a_switch_and_logs_its_health_at_debug()
    {
        using var switches = new MetricCollector<long>(Telemetry.Switches);
        var served = new List<string?>();
        for (int i = 0; i < 3; i++)
        {
            served.Add(await ServedAsync(HttpStatusCode.OK));
            served.Add(await ServedAsync(HttpStatusCode.ServiceUnavailable));
        }

        served.Add(await ServedAsync(HttpStatusCode.OK));

        Assert.Equal(["a", "b", "a", "b", "a", "b", "a"], served);
        Assert.Equal(RegionHealth.Healthy, A.HealthAt(Time.GetUtcNow()));
        Assert.Empty(switches.GetMeasurementSnapshot());
        Assert.DoesNotContain(Logs.Collector.GetSnapshot(), static r => r.Id.Name == "RegionSwitched");
        Assert.DoesNotContain(Logs.Collector.GetSnapshot(), static r => r.Level >= LogLevel.Information);
        Assert.Equal(
            ["Degraded", "Healthy", "Degraded", "Healthy", "Degraded", "Healthy"],
            Logs.Collector.GetSnapshot().Where(static r => r.Id.Name == "RegionHealthChanged" && r.Level == LogLevel.Debug).Select(static r => r.StructuredState!.Single(static p => p.Key == "Health").Value));
        Assert.Equal(6, Changes.Count);
    }
}
