using SlaKit.Benchmarks.Failover;

namespace SlaKit.Benchmarks.Tests;

public class HarnessOptionsTests
{
    [Fact]
    public void Defaults_run_every_fault_locally()
    {
        HarnessOptions options = HarnessOptions.Parse([]);

        Assert.Equal(100, options.Requests);
        Assert.Equal(10, options.Healthy);
        Assert.Equal(100, options.WarmUp);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Timeout);
        Assert.Equal(FaultNames.All, options.Faults);
        Assert.Null(options.Primary);
        Assert.False(options.Smoke);
    }

    [Fact]
    public void Smoke_makes_a_short_run_that_options_can_still_adjust()
    {
        HarnessOptions options = HarnessOptions.Parse(["--smoke", "--requests", "8"]);

        Assert.True(options.Smoke);
        Assert.Equal(8, options.Requests);
        Assert.Equal(2, options.Healthy);
        Assert.Equal(0, options.WarmUp);
        Assert.Equal(TimeSpan.FromSeconds(2), options.Timeout);
    }

    [Fact]
    public void Warm_up_can_be_set_or_turned_off()
    {
        Assert.Equal(250, HarnessOptions.Parse(["--warm-up", "250"]).WarmUp);
        Assert.Equal(0, HarnessOptions.Parse(["--warm-up", "0"]).WarmUp);
    }

    [Fact]
    public void A_teams_endpoints_and_path_are_taken()
    {
        HarnessOptions options = HarnessOptions.Parse(
            ["--primary", "https://eu-west.example/", "--secondary", "https://eu-central.example/v1/", "--path", "/health", "--faults", "black-hole,refused"]);

        Assert.Equal(new Uri("https://eu-west.example/"), options.Primary);
        Assert.Equal(new Uri("https://eu-central.example/v1/"), options.Secondary);
        Assert.Equal("/health", options.Path);
        Assert.Equal([Fault.BlackHole, Fault.Refused], options.Faults);
    }

    [Theory]
    [InlineData("--primary", "http://a.example/")]
    [InlineData("--path", "/health")]
    [InlineData("--requests", "0")]
    [InlineData("--requests", "ten")]
    [InlineData("--faults", "meteor")]
    [InlineData("--primary", "ftp://a.example/", "--secondary", "http://b.example/")]
    [InlineData("--healthy", "100")]
    [InlineData("--warm-up", "-1")]
    [InlineData("--colour", "blue")]
    [InlineData("--out")]
    public void Bad_arguments_are_refused_with_a_message(params string[] args)
    {
        ArgumentException error = Assert.ThrowsAny<ArgumentException>(() => HarnessOptions.Parse(args));
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }
}
