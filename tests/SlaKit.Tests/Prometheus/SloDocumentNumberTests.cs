using System.Globalization;
using CsCheck;
using SlaKit.Prometheus;

namespace SlaKit.Tests.Prometheus;

/// <summary>
/// Hostile numbers in SLO files (the decisions per kind of input are in <see cref="HostileNumbers"/>): each is the exact
/// number or a <see cref="SloDocumentException"/> naming its field; never another exception, never a rounded target.
/// </summary>
/// <remarks>
/// The numbers an SLO file takes: SlaKit's format's <c>target</c> and <c>sliceTarget</c> (percentages), <c>window</c>,
/// <c>sliceLength</c> and <c>latencyThreshold</c> (durations); OpenSLO's <c>target</c> and <c>timeSliceTarget</c>
/// (ratios), <c>targetPercent</c>, and the <c>duration</c> and <c>timeSliceWindow</c> shorthands.
/// </remarks>
public sealed class SloDocumentNumberTests
{
    private static IReadOnlyList<PrometheusSlo> Read(string text) => SloDocument.Read(new StringReader(text), "slo.yaml");

    /// <summary>A SlaKit SLO file with one field's value replaced; the value is quoted, so YAML keeps it as written.</summary>
    private static string SlaKitFile(string field, string value)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["name"] = "a", ["target"] = "99.9", ["window"] = "30d", ["budgeting"] = "time-slices", ["sliceLength"] = "5m",
            ["sliceTarget"] = "95", ["latencyThreshold"] = "300ms",
        };
        fields[field] = value;
        return "version: 1\nslos:\n  - " + string.Join("\n    ", fields.Select(static f => $"{f.Key}: {Quoted(f.Value)}")) + "\n";
    }

    private static string OpenSloFile(string field, string value)
    {
        string objective = field switch
        {
            "targetPercent" => $"targetPercent: {Quoted(value)}",
            "target" => $"target: {Quoted(value)}",
            _ => "target: 0.999",
        };
        string slice = field == "timeSliceTarget" ? Quoted(value) : "0.95";
        return $"""
            apiVersion: openslo/v1
            kind: SLO
            metadata:
              name: a
            spec:
              service: s
              indicator:
                metadata:
                  name: i
                spec:
                  ratioMetric:
                    counter: true
                    good:
                      metricSource:
                        type: Prometheus
                        spec:
                          query: good_total
                    total:
                      metricSource:
                        type: Prometheus
                        spec:
                          query: all_total
              timeWindow:
                - duration: 28d
                  isRolling: true
              budgetingMethod: Timeslices
              objectives:
                - {objective}
                  timeSliceTarget: {slice}
                  timeSliceWindow: 1m
            """;
    }

    /// <summary>A YAML double-quoted scalar holding exactly <paramref name="value"/>.</summary>
    private static string Quoted(string value) =>
        "\"" + string.Concat(value.Select(static c => c switch
        {
            '"' => "\\\"",
            '\\' => "\\\\",
            _ when c < ' ' || c is '\u007f' or '\u0085' or '\u2028' or '\u2029' or '\u00a0' or '\u202f' => $"\\u{(int)c:X4}",
            _ => c.ToString(),
        })) + "\"";

    public static TheoryData<string, string> EveryHostileNumberInEveryField()
    {
        var data = new TheoryData<string, string>();
        foreach (string field in (string[])["slakit:target", "slakit:sliceTarget", "slakit:window", "slakit:sliceLength", "slakit:latencyThreshold", "openslo:target", "openslo:targetPercent", "openslo:timeSliceTarget"])
        {
            foreach (string text in HostileNumbers.NotNumbers)
            {
                // A sign is read, and a negative number named as out of range: "+5" is a valid percentage.
                if (!(text == "+5" && field is "slakit:target" or "slakit:sliceTarget" or "openslo:targetPercent"))
                {
                    data.Add(field, text);
                }
            }
        }

        return data;
    }

    private static string File(string field, string value) =>
        field.StartsWith("slakit:", StringComparison.Ordinal) ? SlaKitFile(field["slakit:".Length..], value) : OpenSloFile(field["openslo:".Length..], value);

    [Theory]
    [MemberData(nameof(EveryHostileNumberInEveryField))]
    public void A_hostile_number_is_named_by_its_field(string field, string text)
    {
        SloDocumentException exception = Assert.Throws<SloDocumentException>(() => Read(File(field, text)));

        Assert.EndsWith(field[(field.IndexOf(':', StringComparison.Ordinal) + 1)..], exception.Field, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("slakit:target", "99.999999999999999999999999999")]
    [InlineData("slakit:target", "99.9999999999999999999999999999999999999")]
    [InlineData("slakit:target", "0.0000000000000000000000000001")]
    [InlineData("slakit:sliceTarget", "99.999999999999999999999999999")]
    [InlineData("openslo:targetPercent", "99.999999999999999999999999999")]
    [InlineData("openslo:target", "0.99999999999999999999999999999")]
    [InlineData("openslo:timeSliceTarget", "0.99999999999999999999999999999")]
    [InlineData("openslo:timeSliceTarget", "0.000000000000000000000000000001")]
    public void A_number_with_more_digits_than_counted_is_named_so(string field, string text)
    {
        SloDocumentException exception = Assert.Throws<SloDocumentException>(() => Read(File(field, text)));

        Assert.Contains("has more digits than SlaKit counts with", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("slakit:target", " 99.95 ", "99.95")]
    [InlineData("slakit:target", "99.99999999999999999999999", "99.99999999999999999999999")]
    [InlineData("slakit:target", "1", "1")]
    [InlineData("openslo:target", "0.9999999999999999999999999999", "99.99999999999999999999999999")]
    [InlineData("openslo:targetPercent", "+99.5", "99.5")]
    public void A_target_is_exact(string field, string text, string percent) =>
        Assert.Equal(decimal.Parse(percent, CultureInfo.InvariantCulture), Assert.Single(Read(File(field, text))).Slo.Target.PercentExact);

    [Fact]
    public void An_openslo_slice_target_is_exact_not_read_through_a_double()
    {
        // As a double, 0.99999999999999999 is 1: every slice would have had to be perfect.
        PrometheusSlo slo = Assert.Single(Read(OpenSloFile("timeSliceTarget", "0.99999999999999999")));

        Assert.Equal(99.999999999999999m, slo.Slo.BudgetingMethod.SliceTarget.PercentExact);
    }

    [Fact]
    public void Property_an_slo_target_is_the_exact_percentage_or_an_error_naming_it()
    {
        Gen.Select(HostileNumbers.Text, Gen.Bool).Sample((text, openSlo) =>
        {
            // YAML numbers may carry a sign of their own, right before the digits. SlaKit's own format takes a target
            // below 1 for a ratio written by mistake; OpenSLO's targetPercent has no such rule.
            string trimmed = text.Trim();
            decimal? exact = trimmed.StartsWith('+') && trimmed.Length > 1 && !char.IsWhiteSpace(trimmed[1]) ? HostileNumbers.Exact(trimmed[1..]) : HostileNumbers.Exact(text);
            bool valid = exact is { } p && (openSlo ? p > 0m : p >= 1m) && p < 100m && (p / 1.000000000000000000000000000000000m).Scale <= 26;
            string file = openSlo ? OpenSloFile("targetPercent", text) : SlaKitFile("target", text);
            if (valid)
            {
                Assert.Equal(exact, Assert.Single(Read(file)).Slo.Target.PercentExact);
            }
            else
            {
                Assert.Contains("target", Assert.Throws<SloDocumentException>(() => Read(file)).Field, StringComparison.Ordinal);
            }
        }, iter: 5_000);
    }

    [Fact]
    public void Property_slo_durations_are_what_the_duration_reader_reads_or_an_error_naming_them()
    {
        Gen.Select(HostileNumbers.Text, Gen.OneOf<string>("d", "h", "m", "ms", "s", "")).Sample((number, unit) =>
        {
            string text = number + unit;
            bool read = DurationText.TryParse(text, out TimeSpan length);
            IReadOnlyList<PrometheusSlo> slos;
            try
            {
                slos = Read(SlaKitFile("latencyThreshold", text));
            }
            catch (SloDocumentException exception)
            {
                Assert.Equal("slos[0].latencyThreshold", exception.Field);
                Assert.False(read && length > TimeSpan.Zero, $"'{text}' is {length}");
                return;
            }

            Assert.True(read);
            Assert.Equal(length, Assert.Single(slos).Slo.LatencyThreshold);
        }, iter: 5_000);
    }
}
