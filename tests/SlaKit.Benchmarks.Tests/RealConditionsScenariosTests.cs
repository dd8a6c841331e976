using SlaKit.Benchmarks.Failover;

namespace SlaKit.Benchmarks.Tests;

/// <summary>The far-primary and cold-start reports: their targets are judged from the figures, and bad arguments refused.</summary>
public class RealConditionsScenariosTests
{
    [Fact]
    public void Far_primary_targets_are_met_only_within_their_bounds()
    {
        string met = FarPrimaryScenario.Markdown([new("SlaKit", 100, 100, 96, 4, 230, 153, 230)], 150, 100, https: true);
        string missed = FarPrimaryScenario.Markdown([new("SlaKit", 100, 99, 94, 6, 230, 153, 230)], 150, 100, https: true);

        Assert.Contains("- met: SlaKit: the far primary served 96 of 100 (target ≥ 95 of 100)", met, StringComparison.Ordinal);
        Assert.Contains("- met: SlaKit: 4 requests sent to the secondary (target ≤ 5 of 100)", met, StringComparison.Ordinal);
        Assert.Contains("| SlaKit | 96 of 100 | 4 | 100/100 | 230.0 | 153.0 | 230.0 |", met, StringComparison.Ordinal);
        Assert.Contains("- **not met**: SlaKit: the far primary served 94 of 100", missed, StringComparison.Ordinal);
        Assert.Contains("- **not met**: SlaKit: 6 requests sent to the secondary", missed, StringComparison.Ordinal);
        Assert.Contains("- **not met**: SlaKit: 1 failed (target 0)", missed, StringComparison.Ordinal);
    }

    [Fact]
    public void Cold_start_counts_the_runs_that_marked_a_healthy_region_down_and_compares_first_requests()
    {
        string report = ColdStartScenario.Markdown(
        [
            new("primary-direct", 100, "primary", 5, 5, 0, []),
            new("primary-direct", 120, "primary", 5, 5, 0, []),
            new("slakit", 110, "secondary", 4, 5, 0, []),
            new("slakit", 130, "primary", 5, 5, 0, ["primary Degraded: it has not answered"]),
        ], runs: 2);

        Assert.Contains("| SlaKit | 2 | 1 | 110.0 | 130.0 | 1 of 2 | 9 of 10 | – |", report, StringComparison.Ordinal);
        Assert.Contains("- **not met**: slakit: a healthy region was marked down in 1 of 2 runs (target 0)", report, StringComparison.Ordinal);
        Assert.Contains("- slakit: 110.0 ms = 1.10× (100.0 ms)", report, StringComparison.Ordinal);
    }

    [Fact]
    public void Grpc_targets_are_judged_against_the_secondary_called_directly()
    {
        string report = GrpcScenario.Markdown(
        [
            new("black-hole", "SlaKit", 200, 200, 112, 1.10, 2.0, 112, 1, ""),
            new("black-hole", "secondary direct", 200, 200, 1.5, 1.00, 1.8, 3, 0, ""),
            new("unavailable", "SlaKit", 200, 199, 4, 1.30, 2.0, 9, 2, "1 Unavailable"),
            new("unavailable", "secondary direct", 200, 200, 1.5, 1.00, 1.8, 3, 0, ""),
        ], healthy: 20, calls: 200, pauseMs: 20, smoke: false);

        Assert.Contains("| black-hole | SlaKit | 200/200 | 112.0 | 1.10 | 2.00 | 112.0 | 1 | – |", report, StringComparison.Ordinal);
        Assert.Contains("- met: black-hole: SlaKit's first call took 112.0 ms (target ≤ 250 ms)", report, StringComparison.Ordinal);
        Assert.Contains("- met: black-hole: SlaKit's p50 is 1.10× the secondary's called directly (target ≤ 1.2×)", report, StringComparison.Ordinal);
        Assert.Contains("- **not met**: unavailable: SlaKit's p50 is 1.30×", report, StringComparison.Ordinal);
        Assert.Contains("- **not met**: unavailable: 1 SlaKit calls failed (target 0)", report, StringComparison.Ordinal);
        Assert.DoesNotContain("unavailable: SlaKit's first call", report, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--calls", "0")]
    [InlineData("--pause", "x")]
    [InlineData("--sideways")]
    public async Task Grpc_refuses_bad_arguments_with_a_message(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        Assert.Equal(2, await GrpcScenario.RunAsync(args, output, error));
        Assert.Contains(args[0], error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--requests", "0")]
    [InlineData("--delay", "x")]
    [InlineData("--bogus")]
    [InlineData("--out")]
    public async Task Far_primary_refuses_bad_arguments_with_a_message(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        Assert.Equal(2, await FarPrimaryScenario.RunAsync(args, output, error));
        Assert.Contains(args[0], error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--runs", "-1")]
    [InlineData("--nope")]
    public async Task Cold_start_refuses_bad_arguments_with_a_message(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        Assert.Equal(2, await ColdStartScenario.RunAsync(args, output, error));
        Assert.Contains(args[0], error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--methods", "PUT")]
    [InlineData("--faults", "flapping")]
    [InlineData("--budget", "0")]
    [InlineData("--requests")]
    [InlineData("--sideways")]
    public async Task Compose_refuses_bad_arguments_with_a_message(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        Assert.Equal(2, await CompositionScenario.RunAsync(args, output, error));
        Assert.Contains(args[0], error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_counts_what_the_regions_received_per_request_and_shows_no_first_success_when_none_came()
    {
        string report = CompositionScenario.Markdown(
        [
            new("standard resilience, then failover", "POST", "black-hole", 15, 15, 2, 15, 17, 0.55, 15141, ""),
            new("AddRegionFailover alone", "GET", "all-503", 15, 0, 15, 15, 30, 0.67, double.NaN, "15 failover exhausted"),
        ], requests: 20, healthy: 5, budget: TimeSpan.FromSeconds(20), smoke: false);

        Assert.Contains("| POST | black-hole | standard resilience, then failover | 15/15 | 2 | 15 | 1.13 | 17 | 0.55 | 15141 |  |", report, StringComparison.Ordinal);
        Assert.Contains("| GET | all-503 | AddRegionFailover alone | 0/15 | 15 | 15 | 2.00 | 30 | 0.67 | – | 15 failover exhausted |", report, StringComparison.Ordinal);
        Assert.DoesNotContain("Smoke run", report, StringComparison.Ordinal);
    }
}
