using SlaKit.Budgets;
using SlaKit.Prometheus;

namespace SlaKit.Tests.Prometheus;

public sealed class SloDocumentTests
{
    private static IReadOnlyList<PrometheusSlo> Read(string text) => SloDocument.Read(new StringReader(text), "slo.yaml");

    private static SloDocumentException Fails(string text) => Assert.Throws<SloDocumentException>(() => Read(text));

    [Fact]
    public void Reads_every_field_of_slakits_own_format()
    {
        IReadOnlyList<PrometheusSlo> slos = Read("""
            # Two SLOs of the shop.
            version: 1
            slos:
              - name: checkout
                target: 99.9
                window: 30d
                latencyThreshold: 300ms
              - name: search
                target: 99.5
                window: calendar-month
                timeZone: Europe/Berlin
                budgeting: time-slices
                sliceLength: 5m
                sliceTarget: 95
                metric: slakit_slo_events
            """);

        Assert.Equal(2, slos.Count);
        Slo checkout = slos[0].Slo;
        Assert.Equal("checkout", checkout.Name);
        Assert.Equal(Availability.FromPercent(99.9), checkout.Target);
        Assert.Equal(TimeSpan.FromDays(30), checkout.Window.NominalLength);
        Assert.False(checkout.Window.IsCalendarMonth);
        Assert.Equal(TimeSpan.FromMilliseconds(300), checkout.LatencyThreshold);
        Assert.Same(SloBudgetingMethod.Events, checkout.BudgetingMethod);
        Assert.Equal(PrometheusSli.SlaKitEventsMetric, slos[0].Sli.SlaKitMetric);
        Assert.Equal(14.4, slos[0].AlertPolicy.Rules[0].BurnRate);

        Slo search = slos[1].Slo;
        Assert.True(search.Window.IsCalendarMonth);
        Assert.Equal("Europe/Berlin", search.Window.TimeZone!.Id);
        Assert.Equal(TimeSpan.FromMinutes(5), search.BudgetingMethod.SliceLength);
        Assert.Equal(Availability.FromPercent(95), search.BudgetingMethod.SliceTarget);
        Assert.Equal("slakit_slo_events", slos[1].Sli.SlaKitMetric);
    }

    [Fact]
    public void Reads_the_same_format_written_as_json()
    {
        IReadOnlyList<PrometheusSlo> slos = Read("""{ "version": 1, "slos": [ { "name": "checkout", "target": 99.95, "window": "28d" } ] }""");

        Assert.Equal("checkout: 99.95% over 28d", slos.Single().ToString());
    }

    [Fact]
    public void Reads_a_file_and_names_it_in_errors()
    {
        string path = Path.Combine(Path.GetTempPath(), $"slakit-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, "version: 1\nslos:\n  - name: checkout\n    target: 99.9\n    window: 30 days\n");
        try
        {
            SloDocumentException error = Assert.Throws<SloDocumentException>(() => SloDocument.ReadFile(path));

            Assert.StartsWith($"{Path.GetFileName(path)}:5: slos[0].window: '30 days'", error.Message, StringComparison.Ordinal);
            Assert.Equal("slos[0].window", error.Field);
            Assert.Equal(5, error.Line);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("version: 1\nslos:\n  - name: a\n    target: 99.9\n    window: 30d\n    targt: 99\n", "slos[0].targt", "is not supported")]
    [InlineData("version: 1\nslos:\n  - name: a\n    target: 100\n    window: 30d\n", "slos[0].target", "'100' is not a percentage in (0, 100)")]
    [InlineData("version: 1\nslos:\n  - name: a\n    target: high\n    window: 30d\n", "slos[0].target", "'high' is not a number")]
    [InlineData("version: 1\nslos:\n  - name: a\n    window: 30d\n", "slos[0].target", "is required")]
    [InlineData("version: 1\nslos:\n  - target: 99.9\n    window: 30d\n", "slos[0].name", "is required")]
    [InlineData("version: 1\nslos:\n  - name: a\n    target: 99.9\n    window: 30m\n", "slos[0].window", "'30m' is neither calendar-month nor a duration from 1h to 366d")]
    [InlineData("version: 1\nslos:\n  - name: a\n    target: 99.9\n    window: 30d\n    timeZone: UTC\n", "slos[0].timeZone", "applies only to 'window: calendar-month'")]
    [InlineData("version: 1\nslos:\n  - name: a\n    target: 99.9\n    window: calendar-month\n    timeZone: Mars/Olympus\n", "slos[0].timeZone", "'Mars/Olympus' is not a time zone")]
    [InlineData("version: 1\nslos:\n  - name: a\n    target: 99.9\n    window: 30d\n    budgeting: slices\n", "slos[0].budgeting", "'slices' is neither events nor time-slices")]
    [InlineData("version: 1\nslos:\n  - name: a\n    target: 99.9\n    window: 30d\n    sliceLength: 1m\n", "slos[0].sliceLength", "applies only to 'budgeting: time-slices'")]
    [InlineData("version: 1\nslos:\n  - name: a\n    target: 99.9\n    window: 30d\n    budgeting: time-slices\n    sliceLength: 90s\n    sliceTarget: 95\n", "slos[0].sliceLength", "'90s' is not a whole number of minutes")]
    [InlineData("version: 1\nslos:\n  - name: a\n    target: 99.9\n    window: 30d\n    budgeting: time-slices\n    sliceLength: 1m\n", "slos[0].sliceTarget", "is required for time slices")]
    [InlineData("version: 1\nslos:\n  - name: a\n    target: 99.9\n    window: 30d\n    metric: slakit.slo.events\n", "slos[0].metric", "'slakit.slo.events' is not a Prometheus metric name")]
    [InlineData("version: 1\nslos:\n  - name: a\n    target: 99.9\n    window: 30d\n    latencyThreshold: fast\n", "slos[0].latencyThreshold", "'fast' is not a positive duration")]
    [InlineData("version: 2\nslos: []\n", "version", "'2' is not supported")]
    [InlineData("slos:\n  - name: a\n", "version", "is required")]
    [InlineData("version: 1\nslos: []\n", "slos", "lists no SLO")]
    [InlineData("version: 1\nslos:\n  - a\n", "slos[0]", "expected a mapping of fields")]
    [InlineData("version: 1\nslos: {}\nextra: 1\n", "slos", "expected a list")]
    public void A_bad_slakit_file_names_the_field_at_fault(string text, string field, string problem)
    {
        SloDocumentException error = Fails(text);

        Assert.Equal(field, error.Field);
        Assert.Contains($": {field}: {problem}", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("slo.yaml:", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("target: 0.999", "slos[0].target", "'0.999' is a ratio; write the target as a percent, e.g. 99.9")]
    [InlineData("target: \"0.5\"", "slos[0].target", "'0.5' is a ratio; write the target as a percent, e.g. 50")]
    [InlineData("target: 99.9\n    budgeting: time-slices\n    sliceLength: 1m\n    sliceTarget: 0.95", "slos[0].sliceTarget", "'0.95' is a ratio; write the target as a percent, e.g. 95")]
    public void A_target_written_as_a_ratio_is_refused_with_the_percentage_it_means(string target, string field, string problem)
    {
        SloDocumentException error = Fails($"version: 1\nslos:\n  - name: a\n    window: 30d\n    {target}\n");

        Assert.Equal(field, error.Field);
        Assert.Equal($"slo.yaml:{error.Line}: {field}: {problem}", error.Message);
        Assert.Equal(field.EndsWith("sliceTarget", StringComparison.Ordinal) ? 8 : 5, error.Line);
    }

    [Theory]
    [InlineData("", "holds no SLO")]
    [InlineData("name: checkout\n", "is neither a SlaKit SLO file")]
    [InlineData("version: 1\nslos: [\n", "is not valid YAML or JSON")]
    public void A_file_that_is_no_slo_document_says_so(string text, string problem) =>
        Assert.Contains(problem, Fails(text).Message, StringComparison.Ordinal);

    [Fact]
    public void An_oversized_file_is_refused_before_it_is_parsed()
    {
        string text = "# " + new string('x', SloDocument.MaximumLength) + "\n";

        Assert.Contains($"is longer than {SloDocument.MaximumLength} characters", Fails(text).Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task Thirty_thousand_nested_brackets_are_refused_at_the_depth_limit_instead_of_overflowing_the_stack()
    {
        string text = "version: 1\nslos: " + new string('[', 30_000) + new string(']', 30_000) + "\n";

        SloDocumentException error = await Task.Run(() => Fails(text), TestContext.Current.CancellationToken);

        Assert.Equal("slo.yaml:2: nests deeper than 64 levels", error.Message);
    }

    [Theory]
    [InlineData(64, false)]
    [InlineData(65, true)]
    public void The_depth_limit_is_64_levels(int levels, bool refused)
    {
        string text = new string('[', levels) + new string(']', levels);

        SloDocumentException error = Fails(text);

        Assert.Equal(refused, error.Message.Contains("nests deeper", StringComparison.Ordinal));
    }

    [Fact(Timeout = 30_000)]
    public async Task An_alias_bomb_used_as_a_key_is_refused_before_anything_expands()
    {
        // Each level holds nine aliases of the one before: *i names 9^8 copies of "lol".
        var text = new System.Text.StringBuilder("a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n");
        for (char level = 'b'; level <= 'i'; level++)
        {
            string previous = $"*{(char)(level - 1)}";
            text.Append($"{level}: &{level} [{string.Join(',', Enumerable.Repeat(previous, 9))}]\n");
        }

        text.Append("? *i\n: boom\n");

        SloDocumentException error = await Task.Run(() => Fails(text.ToString()), TestContext.Current.CancellationToken);

        Assert.Equal("slo.yaml:2: uses the alias *a; SLO files may not use YAML aliases (write the value out)", error.Message);
    }

    [Fact]
    public void A_target_just_under_100_is_read_exactly()
    {
        PrometheusSlo slo = Assert.Single(Read("""
            version: 1
            slos:
              - name: checkout
                target: 99.99999999999999999999999
                window: 30d
            """));

        Assert.Equal(0.0000000000000000000000001m, slo.Slo.Target.UnavailabilityExact);
    }

    [Theory]
    [InlineData("1e-28")]
    [InlineData("0.0000000000000000000000000001")]
    public void A_tiny_slice_target_is_read_or_refused_with_the_field_named(string sliceTarget)
    {
        string text = $"""
            version: 1
            slos:
              - name: checkout
                target: 99.9
                window: 30d
                budgeting: time-slices
                sliceLength: 5m
                sliceTarget: {sliceTarget}
            """;

        try
        {
            PrometheusSlo slo = Assert.Single(Read(text));
            Assert.True(slo.Slo.BudgetingMethod.IsTimeSlices);
        }
        catch (SloDocumentException error)
        {
            Assert.Contains("sliceTarget", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Two_slos_with_one_name_are_refused_at_the_second()
    {
        SloDocumentException error = Fails("""
            version: 1
            slos:
              - name: checkout
                target: 99.9
                window: 30d
              - name: checkout
                target: 99
                window: 7d
            """);

        Assert.Equal("slo.yaml:6: slos[1].name: 'checkout' is also the name of slos[0]; each SLO needs its own name, which labels its series", error.Message);
    }

    [Theory]
    [InlineData("\"check\\aout\"", "U+0007")]
    [InlineData("\"check\\nout\"", "U+000A")]
    [InlineData("\"check\\x85out\"", "U+0085")]
    public void A_control_character_in_a_name_is_refused(string name, string named)
    {
        SloDocumentException error = Fails($"""
            version: 1
            slos:
              - name: {name}
                target: 99.9
                window: 30d
            """);

        Assert.Contains($"slos[0].name: contains the control character {named}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void More_slos_than_the_limit_are_refused_before_any_is_built()
    {
        var text = new System.Text.StringBuilder("version: 1\nslos:\n");
        for (int i = 0; i <= SloDocument.MaximumSlos; i++)
        {
            text.Append($"  - {{name: s{i}, target: 99.9, window: 30d}}\n");
        }

        SloDocumentException error = Fails(text.ToString());

        Assert.Contains("lists 1001 SLOs, more than the 1000 a file may hold", error.Message, StringComparison.Ordinal);
    }
}
