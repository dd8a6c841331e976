using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SlaKit.Http;
using SlaKit.Regions;

namespace SlaKit.IntegrationTests;

/// <summary>A bad failover configuration stops the application at start-up, naming the problem, before any request is sent.</summary>
public sealed class OptionsValidationTests
{
    private static readonly Uri A = new("http://127.0.0.1:1/");
    private static readonly Uri B = new("http://127.0.0.1:2/");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static IHost Build(Action<RegionFailoverOptions> configure)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddHttpClient("payments").AddRegionFailover(configure);
        return builder.Build();
    }

    private static void TwoRegions(RegionFailoverOptions o)
    {
        o.Regions.Add(new Region("a", A));
        o.Regions.Add(new Region("b", B) { Priority = 1 });
    }

    public static TheoryData<string, string> Problems => new()
    {
        { "no regions", "has no regions" },
        { "duplicate names", "two regions named 'a'" },
        { "duplicate names differing in case", "two regions named 'A'" },
        { "relative endpoint", "not an absolute http or https URI" },
        { "ftp endpoint", "not an absolute http or https URI" },
        { "zero attempt timeout", "AttemptTimeout (00:00:00) must be positive" },
        { "negative attempt timeout", "AttemptTimeout (-00:00:01) must be positive" },
        { "zero total timeout", "TotalTimeout (00:00:00) must be positive" },
        { "total timeout below attempt timeout", "TotalTimeout (00:00:01) is shorter than AttemptTimeout (00:00:02)" },
        { "zero hedging delay", "HedgingDelay (00:00:00) must be positive" },
        { "short break", "BreakDuration (00:00:00.1000000) must be at least 0.5 s" },
        { "zero failures to mark down", "FailuresToMarkDown (0) must be at least 1" },
        { "zero weight", "has weight 0" },
        { "http/3 to cleartext regions", "WarmUpVersion (3.0) cannot be spoken to region 'a' at 'http://127.0.0.1:1/'; HTTP/3 runs only over QUIC" },
    };

    private static void Apply(string problem, RegionFailoverOptions o)
    {
        switch (problem)
        {
            case "no regions":
                break;
            case "duplicate names":
                o.Regions.Add(new Region("a", A));
                o.Regions.Add(new Region("a", B));
                break;
            case "duplicate names differing in case":
                o.Regions.Add(new Region("a", A));
                o.Regions.Add(new Region("A", B));
                break;
            case "relative endpoint":
                o.Regions.Add(new Region("a", new Uri("/payments/", UriKind.Relative)));
                break;
            case "ftp endpoint":
                o.Regions.Add(new Region("a", new Uri("ftp://127.0.0.1/payments/")));
                break;
            case "zero weight":
                o.Regions.Add(new Region("a", A) { Weight = 0 });
                break;
            default:
                TwoRegions(o);
                switch (problem)
                {
                    case "zero attempt timeout": o.AttemptTimeout = TimeSpan.Zero; break;
                    case "negative attempt timeout": o.AttemptTimeout = TimeSpan.FromSeconds(-1); break;
                    case "zero total timeout": o.TotalTimeout = TimeSpan.Zero; break;
                    case "total timeout below attempt timeout":
                        o.AttemptTimeout = TimeSpan.FromSeconds(2);
                        o.TotalTimeout = TimeSpan.FromSeconds(1);
                        break;
                    case "zero hedging delay": o.HedgingDelay = TimeSpan.Zero; break;
                    case "short break": o.BreakDuration = TimeSpan.FromMilliseconds(100); break;
                    case "zero failures to mark down": o.FailuresToMarkDown = 0; break;
                    case "http/3 to cleartext regions": o.WarmUpVersion = System.Net.HttpVersion.Version30; break;
                    default: throw new ArgumentOutOfRangeException(nameof(problem), problem, "Unknown problem.");
                }

                break;
        }
    }

    [Theory]
    [MemberData(nameof(Problems))]
    public async Task A_bad_configuration_fails_start_up(string problem, string expected)
    {
        using IHost host = Build(o => Apply(problem, o));

        OptionsValidationException failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Ct));

        Assert.Equal("payments", failure.OptionsName);
        Assert.Contains(failure.Failures, f => f.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Every_problem_is_named_at_once()
    {
        using IHost host = Build(o =>
        {
            o.Regions.Add(new Region("a", new Uri("ftp://127.0.0.1/")));
            o.Regions.Add(new Region("a", A));
            o.AttemptTimeout = TimeSpan.FromSeconds(3);
            o.TotalTimeout = TimeSpan.FromSeconds(1);
        });

        OptionsValidationException failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Ct));

        Assert.Contains(failure.Failures, f => f.Contains("two regions named 'a'", StringComparison.Ordinal));
        Assert.Contains(failure.Failures, f => f.Contains("not an absolute http or https URI", StringComparison.Ordinal));
        Assert.Contains(failure.Failures, f => f.Contains("shorter than AttemptTimeout", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_good_configuration_starts()
    {
        using IHost host = Build(TwoRegions);

        await host.StartAsync(Ct);
        IRegionHealthMonitor monitor = host.Services.GetRequiredService<IRegionHealthMonitorRegistry>().GetMonitor("payments");
        Assert.Equal(["a", "b"], monitor.GetStatus().Select(s => s.Region.Name));
        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task Http3_probes_of_cleartext_regions_fail_start_up_naming_the_client_and_the_option()
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddHttpClient("payments").AddRegionFailover(TwoRegions).AddRegionProbes(p => p.Http.Version = System.Net.HttpVersion.Version30);
        using IHost host = builder.Build();

        OptionsValidationException failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Ct));

        Assert.Equal("payments", failure.OptionsName);
        Assert.Equal(typeof(RegionProbeOptions), failure.OptionsType);
        Assert.Contains(failure.Failures, f => f.StartsWith("Probes of client 'payments': Http.Version (3.0) cannot be spoken to region 'a'", StringComparison.Ordinal));
        Assert.Contains(failure.Failures, f => f.StartsWith("Probes of client 'payments': Http.Version (3.0) cannot be spoken to region 'b'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Only_the_bad_client_is_named_when_another_is_fine()
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddHttpClient("good").AddRegionFailover(TwoRegions);
        builder.Services.AddHttpClient("bad").AddRegionFailover(o => o.Regions.Add(new Region("x", new Uri("ftp://127.0.0.1/"))));
        using IHost host = builder.Build();

        OptionsValidationException failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Ct));

        Assert.Equal("bad", failure.OptionsName);
        Assert.All(failure.Failures, f => Assert.Contains("'bad'", f, StringComparison.Ordinal));
    }

    [Fact]
    public void Without_a_host_the_first_client_created_fails_validation()
    {
        var services = new ServiceCollection();
        services.AddHttpClient("payments").AddRegionFailover(o => o.Regions.Add(new Region("a", new Uri("ftp://127.0.0.1/"))));
        using ServiceProvider provider = services.BuildServiceProvider();

        OptionsValidationException failure = Assert.Throws<OptionsValidationException>(
            () => provider.GetRequiredService<IHttpClientFactory>().CreateClient("payments"));

        Assert.Contains(failure.Failures, f => f.Contains("not an absolute http or https URI", StringComparison.Ordinal));
    }
}
