using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using SlaKit.Http;
using SlaKit.Regions;

namespace SlaKit.Tests.Regions;

/// <summary>The checks every protocol's options share: thresholds at and just past their bounds, and region entries as configured.</summary>
public class RegionSetRulesTests
{
    private static readonly TimeSpan TimerMaximum = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    [Fact]
    public void Thresholds_exactly_at_their_bounds_are_accepted()
    {
        RegionFailoverOptions options = Options();
        options.FailuresToMarkDown = 1;
        options.SuccessesToMarkUp = 1;
        options.BreakDuration = RegionSetOptions.MinimumBreak;
        options.FailbackDelay = TimeSpan.Zero;
        options.MaxRetryAfter = TimerMaximum;

        Assert.Empty(Check(options));

        options.BreakDuration = TimerMaximum;
        options.FailbackDelay = TimerMaximum;
        Assert.Empty(Check(options));
    }

    [Fact]
    public void Thresholds_just_past_their_bounds_are_refused_each_with_its_reason()
    {
        RegionFailoverOptions options = Options();
        options.FailuresToMarkDown = 0;
        options.BreakDuration = RegionSetOptions.MinimumBreak - TimeSpan.FromTicks(1);
        options.FailbackDelay = TimeSpan.FromTicks(-1);
        options.MaxRetryAfter = TimerMaximum + TimeSpan.FromTicks(1);

        Assert.Equal(
        [
            "client 'payments': FailuresToMarkDown (0) must be at least 1.",
            "client 'payments': BreakDuration (00:00:00.4999999) must be at least 0.5 s.",
            "client 'payments': FailbackDelay (-00:00:00.0000001) must not be negative or longer than 49.7 days (4,294,967,294 ms).",
            "client 'payments': MaxRetryAfter (49.17:02:47.2940001) is longer than a timer accepts, 49.7 days (4,294,967,294 ms).",
        ], Check(options));

        options = Options();
        options.BreakDuration = TimerMaximum + TimeSpan.FromTicks(1);
        options.FailbackDelay = TimerMaximum + TimeSpan.FromTicks(1);
        Assert.Equal(
        [
            "client 'payments': BreakDuration (49.17:02:47.2940001) is longer than a timer accepts, 49.7 days (4,294,967,294 ms).",
            "client 'payments': FailbackDelay (49.17:02:47.2940001) must not be negative or longer than 49.7 days (4,294,967,294 ms).",
        ], Check(options));
    }

    [Fact]
    public void Entries_that_read_whole_pass()
    {
        IConfigurationSection section = Section(("Regions:0:Name", "eu"), ("Regions:0:Endpoint", "https://eu.example/"), ("Regions:0:Availability", "99.95"));

        ValidateOptionsResult result = Validator(section).Validate("payments", Options());

        Assert.True(result.Succeeded);
    }

    [Fact]
    public void No_entries_with_regions_given_in_code_pass_and_without_them_the_section_looked_in_is_named()
    {
        IConfigurationSection section = Section(("Timeout", "00:00:05"));

        Assert.True(Validator(section).Validate("payments", Options()).Succeeded);

        ValidateOptionsResult none = Validator(section).Validate("payments", new RegionFailoverOptions());
        Assert.Equal(
            "Client 'payments': no region entries at Clients:payments:Regions (give Regions:0:Name and Regions:0:Endpoint there, or regions in code).",
            Assert.Single(none.Failures!));

        IConfiguration root = new ConfigurationBuilder().AddInMemoryCollection([new("Timeout", "00:00:05")]).Build();
        ValidateOptionsResult atRoot = new RegionEntriesValidator<RegionFailoverOptions>("payments", () => root).Validate("payments", new RegionFailoverOptions());
        Assert.Contains("no region entries at the configuration given:Regions", Assert.Single(atRoot.Failures!), StringComparison.Ordinal);
    }

    [Fact]
    public void Entries_that_binding_dropped_are_counted()
    {
        IConfigurationSection section = Section(
            ("Regions:0:Name", "eu"), ("Regions:0:Endpoint", "https://eu.example/"),
            ("Regions:1:Name", "us"), ("Regions:1:Endpoint", "https://us.example/"));

        ValidateOptionsResult result = Validator(section).Validate("payments", Options());

        Assert.Equal(
            "Client 'payments': configuration gives 2 region entries at Clients:payments:Regions, but only 1 could be read.",
            Assert.Single(result.Failures!));
    }

    [Fact]
    public void Each_unreadable_field_is_named_with_its_entry()
    {
        IConfigurationSection section = Section(
            ("Regions:0:Name", "eu"), ("Regions:0:Availability", "ninety-nine"),
            ("Regions:1:Name", "us"), ("Regions:1:Endpoint", "https://us.example/"), ("Regions:1:Availability", "101"));

        ValidateOptionsResult result = Validator(section).Validate("payments", Options());

        Assert.Equal(
        [
            "Client 'payments': region entry 0 (Clients:payments:Regions:0) has no Endpoint.",
            "Client 'payments': region entry 0 (Clients:payments:Regions:0) has Availability 'ninety-nine', which is not a percentage in [0, 100] such as 99.95.",
            "Client 'payments': region entry 1 (Clients:payments:Regions:1) has Availability '101', which is not a percentage in [0, 100] such as 99.95.",
        ], result.Failures);
    }

    [Fact]
    public void Another_clients_options_are_skipped()
    {
        Assert.True(Validator(Section(("Timeout", "1"))).Validate("orders", new RegionFailoverOptions()).Skipped);
    }

    private static RegionFailoverOptions Options()
    {
        var options = new RegionFailoverOptions();
        options.Regions.Add(new Region("eu", new Uri("https://eu.example/")));
        return options;
    }

    private static List<string> Check(RegionFailoverOptions options)
    {
        var failures = new List<string>();
        RegionSetRules.Check(failures, "client 'payments'", options, static _ => null);
        return failures;
    }

    private static IConfigurationSection Section(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(static v => new KeyValuePair<string, string?>("Clients:payments:" + v.Key, v.Value)))
            .Build()
            .GetSection("Clients:payments");

    private static RegionEntriesValidator<RegionFailoverOptions> Validator(IConfigurationSection section) => new("payments", () => section);
}
