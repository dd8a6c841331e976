using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SlaKit.Http;
using SlaKit.Probes;
using SlaKit.Regions;

namespace SlaKit.Tests.Probes;

/// <summary>HTTP probe options that no probe could use are refused: by the probe itself, and at host start when the host makes the probes.</summary>
public class HttpProbeOptionsTests
{
    public static TheoryData<string, string> Problems => new()
    {
        { "timeout", "Timeout (00:00:00) must be positive and at most 49.7 days (4,294,967,294 ms)" },
        { "redirects", "MaxRedirects (-1) must not be negative" },
        { "degraded-at-zero", "DegradedLatency (00:00:00) must be positive: every answer would be Degraded" },
        { "degraded-negative", "DegradedLatency (-00:00:01) must be positive: every answer would be Degraded" },
        { "status-99", "ExpectedStatusCodes (99) is not an HTTP status code (100 to 599): no answer could match it" },
        { "status-600", "ExpectedStatusCodes (600) is not an HTTP status code (100 to 599): no answer could match it" },
        { "version-1.0", "Version (1.0) must be 1.1, 2.0 or 3.0" },
        { "version-2.1", "Version (2.1) must be 1.1, 2.0 or 3.0" },
    };

    [Theory]
    [MemberData(nameof(Problems))]
    public void A_probe_refuses_them_naming_its_options(string problem, string expected)
    {
        ArgumentException refused = Assert.Throws<ArgumentException>(() => new HttpProbe(new Uri("http://127.0.0.1/"), Broken(problem)));

        Assert.Equal("options", refused.ParamName);
        Assert.StartsWith(expected + ".", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Problems))]
    public void Host_start_refuses_them_naming_the_client(string problem, string expected)
    {
        var options = new RegionProbeOptions();
        Configure(options.Http, problem);

        ValidateOptionsResult result = Validator().Validate("payments", options);

        Assert.True(result.Failed);
        Assert.Equal([$"Probes of client 'payments': Http.{expected}."], result.Failures);
    }

    [Fact]
    public void Sound_options_pass()
    {
        var options = new RegionProbeOptions();
        options.Http.ExpectedStatusCodes.Add(204);
        options.Http.ExpectedStatusCodes.Add(100);
        options.Http.ExpectedStatusCodes.Add(599);
        options.Http.DegradedLatency = TimeSpan.FromMilliseconds(1);
        options.Http.Version = System.Net.HttpVersion.Version20;

        Assert.True(Validator().Validate("payments", options).Succeeded);
        using var probe = new HttpProbe(new Uri("http://127.0.0.1/"), options.Http);
        Assert.Equal(new Uri("http://127.0.0.1/"), probe.Target);
    }

    [Fact]
    public void A_probe_refuses_http3_to_a_cleartext_target_and_takes_it_to_an_https_one()
    {
        var options = new HttpProbeOptions { Version = new Version(3, 0) };

        ArgumentException refused = Assert.Throws<ArgumentException>(() => new HttpProbe(new Uri("http://127.0.0.1/health"), options));

        Assert.Equal("options", refused.ParamName);
        Assert.StartsWith(
            "Version (3.0) cannot be spoken to 'http://127.0.0.1/health'; HTTP/3 runs only over QUIC, which is always encrypted, so it needs an https endpoint",
            refused.Message,
            StringComparison.Ordinal);
        using var secure = new HttpProbe(new Uri("https://127.0.0.1/health"), options);
    }

    [Fact]
    public void Host_start_refuses_http3_probes_of_a_cleartext_region_naming_the_client_and_the_region()
    {
        var options = new RegionProbeOptions();
        options.Http.Version = new Version(3, 0);
        RegionProbeOptionsValidator validator = Validator(new Region("eu", new Uri("https://eu.example/")), new Region("us", new Uri("http://us.example/")));

        ValidateOptionsResult result = validator.Validate("payments", options);

        Assert.True(result.Failed);
        Assert.Equal(
            ["Probes of client 'payments': Http.Version (3.0) cannot be spoken to region 'us' at 'http://us.example/'; HTTP/3 runs only over QUIC, which is always encrypted, so it needs an https endpoint (2.0 speaks HTTP/2 in cleartext)."],
            result.Failures);

        // HTTP/2 over cleartext is spoken by prior knowledge; a probe the factory makes does not use these options.
        options.Http.Version = new Version(2, 0);
        Assert.True(validator.Validate("payments", options).Succeeded);
        options.Http.Version = new Version(3, 0);
        options.ProbeFactory = (_, _) => new DelegateProbe(_ => ValueTask.FromResult(HealthProbeResult.Healthy(TimeSpan.Zero, "up")));
        Assert.True(validator.Validate("payments", options).Succeeded);
    }

    /// <summary>The validator as the host makes it, for a failover client "payments" with <paramref name="regions"/>.</summary>
    private static RegionProbeOptionsValidator Validator(params Region[] regions)
    {
        var services = new ServiceCollection();
        services.AddOptions<RegionFailoverOptions>("payments").Configure(o =>
        {
            foreach (Region region in regions)
            {
                o.Regions.Add(region);
            }
        });
        return new RegionProbeOptionsValidator(services.BuildServiceProvider().GetRequiredService<IOptionsMonitor<RegionFailoverOptions>>());
    }

    private static HttpProbeOptions Broken(string problem)
    {
        var options = new HttpProbeOptions();
        Configure(options, problem);
        return options;
    }

    private static void Configure(HttpProbeOptions options, string problem)
    {
        switch (problem)
        {
            case "timeout": options.Timeout = TimeSpan.Zero; break;
            case "redirects": options.MaxRedirects = -1; break;
            case "degraded-at-zero": options.DegradedLatency = TimeSpan.Zero; break;
            case "degraded-negative": options.DegradedLatency = TimeSpan.FromSeconds(-1); break;
            case "status-99": options.ExpectedStatusCodes.Add(99); break;
            case "status-600": options.ExpectedStatusCodes.Add(600); break;
            case "version-1.0": options.Version = System.Net.HttpVersion.Version10; break;
            case "version-2.1": options.Version = new Version(2, 1); break;
            default: throw new ArgumentOutOfRangeException(nameof(problem), problem, "Unknown case.");
        }
    }
}
