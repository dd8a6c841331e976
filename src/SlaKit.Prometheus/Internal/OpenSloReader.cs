using System.Globalization;
using System.Text.RegularExpressions;
using SlaKit.Budgets;
using YamlDotNet.RepresentationModel;

namespace SlaKit.Prometheus;

/// <summary>
/// Reads OpenSLO v1 documents (the OpenSLO specification, <c>apiVersion: openslo/v1</c>) into SLOs:
/// <c>kind: SLO</c> with an inline <c>indicator</c> or an <c>indicatorRef</c> to a <c>kind: SLI</c> document
/// in the same file, whose <c>ratioMetric</c> counts good or bad events and all events with Prometheus queries.
/// </summary>
internal static partial class OpenSloReader
{
    public const string ApiVersion = "openslo/v1";

    public static bool IsOpenSlo(YamlNode root) =>
        root is YamlMappingNode mapping &&
        mapping.Children.TryGetValue(new YamlScalarNode("apiVersion"), out YamlNode? version) &&
        version is YamlScalarNode { Value: { } text } && text.StartsWith("openslo/", StringComparison.Ordinal);

    public static IReadOnlyList<PrometheusSlo> Read(IReadOnlyList<YamlNode> roots, string source)
    {
        var documents = new List<(YamlFields Fields, string Kind)>();
        var indicators = new Dictionary<string, YamlFields>(StringComparer.Ordinal);
        for (int i = 0; i < roots.Count; i++)
        {
            string path = roots.Count == 1 ? "" : $"[document {i + 1}]";
            YamlFields document = YamlFields.Of(roots[i], path, source);
            string version = document.RequiredString("apiVersion");
            if (version != ApiVersion)
            {
                throw document.Error("apiVersion", $"'{version}' is not supported: SlaKit reads {ApiVersion}");
            }

            string kind = document.RequiredString("kind");
            switch (kind)
            {
                case "SLO":
                    documents.Add((document, kind));
                    break;
                case "SLI":
                    string name = document.RequiredMap("metadata").RequiredString("name");
                    if (!indicators.TryAdd(name, document))
                    {
                        throw document.Error("metadata", $"a second SLI is named '{name}'");
                    }

                    break;
                case "Service":
                    // Describes the service the SLOs belong to; nothing in it changes how they are evaluated.
                    break;
                default:
                    throw document.Error("kind", $"'{kind}' is not supported: SlaKit reads SLO documents, and SLI documents they refer to");
            }
        }

        if (documents.Count == 0)
        {
            throw new SloDocumentException(source, 0, "", "holds no OpenSLO document of kind SLO");
        }

        if (documents.Count > SloDocument.MaximumSlos)
        {
            throw new SloDocumentException(source, 0, "", $"holds {documents.Count} SLO documents, more than the {SloDocument.MaximumSlos} a file may hold");
        }

        var slos = new List<PrometheusSlo>(documents.Count);
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach ((YamlFields fields, _) in documents)
        {
            PrometheusSlo slo = ReadSlo(fields, indicators);
            if (!names.TryAdd(slo.Slo.Name, slos.Count + 1))
            {
                throw fields.RequiredMap("metadata").Error("name", $"'{slo.Slo.Name}' is also the name of SLO document {names[slo.Slo.Name]}; each SLO needs its own name, which labels its series");
            }

            slos.Add(slo);
        }

        return slos;
    }

    private static PrometheusSlo ReadSlo(YamlFields document, Dictionary<string, YamlFields> indicators)
    {
        document.Ignore("apiVersion", "kind");
        YamlFields metadata = document.RequiredMap("metadata");
        string name = metadata.SloName("name");
        metadata.Ignore("displayName", "labels", "annotations");
        metadata.RejectUnknown();

        YamlFields spec = document.RequiredMap("spec");
        document.RejectUnknown();
        spec.Ignore("description", "service");

        PrometheusSli sli = Indicator(spec, indicators);
        SloWindow window = TimeWindow(spec);
        (Availability target, SloBudgetingMethod method) = Objective(spec);
        spec.RejectUnknown("SlaKit generates its own burn-rate alerts and reads one indicator, timeWindow and objective");
        return new PrometheusSlo(new Slo(name, target, window, method), sli);
    }

    private static PrometheusSli Indicator(YamlFields spec, Dictionary<string, YamlFields> indicators)
    {
        YamlFields? inline = spec.Map("indicator");
        string? reference = spec.String("indicatorRef");
        if (inline is not null && reference is not null)
        {
            throw spec.Error("indicatorRef", "give either indicator or indicatorRef, not both");
        }

        YamlFields indicator;
        if (inline is not null)
        {
            indicator = inline;
            YamlFields? metadata = indicator.Map("metadata");
            if (metadata is not null)
            {
                metadata.Ignore("name", "displayName", "labels", "annotations");
                metadata.RejectUnknown();
            }
        }
        else if (reference is not null)
        {
            if (!indicators.TryGetValue(reference, out YamlFields? referenced))
            {
                throw spec.Error("indicatorRef", $"no SLI document named '{reference}' is in the file");
            }

            indicator = referenced;
            indicator.Ignore("apiVersion", "kind", "metadata");
        }
        else
        {
            throw spec.Error("indicator", "is required (or indicatorRef)");
        }

        YamlFields indicatorSpec = indicator.RequiredMap("spec");
        indicator.RejectUnknown();
        indicatorSpec.Ignore("description");
        YamlFields ratio = indicatorSpec.Map("ratioMetric")
            ?? throw indicatorSpec.Error(indicatorSpec.Has("thresholdMetric") ? "thresholdMetric" : "ratioMetric",
                "SlaKit reads ratioMetric indicators only (good or bad events over all events)");
        indicatorSpec.RejectUnknown("SlaKit reads ratioMetric indicators only");

        bool? counter = ratio.Boolean("counter");
        if (counter != true)
        {
            throw ratio.Error("counter", "must be true: SlaKit reads counters of events, whose increase over each window it compares");
        }

        string? good = Query(ratio, "good");
        string? bad = Query(ratio, "bad");
        string total = Query(ratio, "total") ?? throw ratio.Error("total", "is required: the query of all events");
        ratio.RejectUnknown("a ratioMetric here has counter, good or bad, and total");
        if ((good ?? bad) is { } events && PrometheusSli.ProblemWithPair(events, total) is { } mixed)
        {
            throw ratio.Error("total", mixed);
        }
        return (good, bad) switch
        {
            (not null, null) => PrometheusSli.FromGoodAndTotal(good, total),
            (null, not null) => PrometheusSli.FromBadAndTotal(bad, total),
            (null, null) => throw ratio.Error("good", "give good or bad: the query of good or of bad events"),
            _ => throw ratio.Error("bad", "give good or bad, not both"),
        };
    }

    private static string? Query(YamlFields ratio, string name)
    {
        YamlFields? metric = ratio.Map(name);
        if (metric is null)
        {
            return null;
        }

        YamlFields source = metric.RequiredMap("metricSource");
        metric.RejectUnknown();
        string type = source.RequiredString("type");
        if (!type.Equals("Prometheus", StringComparison.OrdinalIgnoreCase))
        {
            throw source.Error("type", $"'{type}' is not supported: SlaKit generates rules for Prometheus");
        }

        if (source.Has("metricSourceRef"))
        {
            throw source.Error("metricSourceRef", "is not supported: give the query inline");
        }

        YamlFields querySpec = source.RequiredMap("spec");
        source.RejectUnknown();
        string query = querySpec.RequiredString("query");
        querySpec.RejectUnknown("a Prometheus metric source has query");
        if (PrometheusSli.ProblemWith(query) is { } problem)
        {
            throw querySpec.Error("query", problem);
        }

        return query;
    }

    private static SloWindow TimeWindow(YamlFields spec)
    {
        IReadOnlyList<YamlNode> windows = spec.Sequence("timeWindow");
        if (windows.Count != 1)
        {
            throw spec.Error("timeWindow", windows.Count == 0 ? "is required: one window" : "must hold exactly one window");
        }

        YamlFields window = YamlFields.Of(windows[0], spec.FieldPath("timeWindow") + "[0]", spec.Source);
        string duration = window.RequiredString("duration");
        bool rolling = window.Boolean("isRolling") ?? false;
        YamlFields? calendar = window.Map("calendar");
        window.RejectUnknown("a timeWindow has duration, isRolling and calendar");
        Match match = Duration().Match(duration);
        if (!match.Success)
        {
            throw window.Error("duration", $"'{duration}' is not an OpenSLO duration such as 28d, 1w or 1M");
        }

        long count = long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        string unit = match.Groups[2].Value;
        if (rolling)
        {
            if (calendar is not null)
            {
                throw window.Error("calendar", "applies only to a calendar window (isRolling: false)");
            }

            TimeSpan length = unit switch
            {
                "m" => TimeSpan.FromMinutes(count),
                "h" => TimeSpan.FromHours(count),
                "d" => TimeSpan.FromDays(count),
                "w" => TimeSpan.FromDays(7 * count),
                _ => throw window.Error("duration", $"'{duration}' is not supported for a rolling window: months, quarters and years have no fixed length (use days, such as 30d)"),
            };
            if (length < SloWindow.MinimumLength || length > SloWindow.MaximumLength)
            {
                throw window.Error("duration", $"'{duration}' is not from 1h to 366d");
            }

            return SloWindow.Rolling(length);
        }

        if (count != 1 || unit != "M")
        {
            throw window.Error("duration", $"'{duration}' is not supported for a calendar window: SlaKit judges calendar windows by the month (1M)");
        }

        if (calendar is null)
        {
            return SloWindow.CalendarMonth();
        }

        string? zoneId = calendar.String("timeZone");
        TimeZoneInfo zone = zoneId is null ? TimeZoneInfo.Utc : SlaKitSloReader.TimeZone(calendar, zoneId);
        if (calendar.String("startTime") is { } start)
        {
            // A calendar month starts at local midnight on the first; any other start would be a different window.
            if (!DateTime.TryParseExact(start, ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd"], CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime startTime))
            {
                throw calendar.Error("startTime", $"'{start}' is not a time such as 2026-01-01 00:00:00");
            }

            if (startTime.Day != 1 || startTime.TimeOfDay != TimeSpan.Zero)
            {
                throw calendar.Error("startTime", $"'{start}' is not supported: a calendar month starts at midnight on the first");
            }
        }

        calendar.RejectUnknown("a calendar has startTime and timeZone");
        return SloWindow.CalendarMonth(zone);
    }

    private static (Availability Target, SloBudgetingMethod Method) Objective(YamlFields spec)
    {
        string method = spec.RequiredString("budgetingMethod");
        IReadOnlyList<YamlNode> objectives = spec.Sequence("objectives");
        if (objectives.Count != 1)
        {
            throw spec.Error("objectives", objectives.Count == 0 ? "is required: one objective" : "must hold exactly one objective: SlaKit's SLO has one target");
        }

        YamlFields objective = YamlFields.Of(objectives[0], spec.FieldPath("objectives") + "[0]", spec.Source);
        objective.Ignore("displayName", "name");
        decimal? ratio = objective.Decimal("target");
        decimal? percent = objective.Decimal("targetPercent");
        Availability target = (ratio, percent) switch
        {
            ({ } r, null) when r > 0m && r < 1m => Availability.FromPercentExact(r * 100m),
            ({ }, null) => throw objective.Error("target", $"'{objective.String("target")}' is not a ratio above 0 and below 1, such as 0.999"),
            (null, { } p) when p > 0m && p < 100m => Availability.FromPercentExact(p),
            (null, { }) => throw objective.Error("targetPercent", $"'{objective.String("targetPercent")}' is not a percentage above 0 and below 100, such as 99.9"),
            (null, null) => throw objective.Error("target", "is required (or targetPercent)"),
            _ => throw objective.Error("targetPercent", "give target or targetPercent, not both"),
        };
        if (target == Availability.Perfect || target == Availability.Zero || target.PercentExact != (ratio * 100m ?? percent))
        {
            string field = ratio is null ? "targetPercent" : "target";
            throw objective.Error(field, NumberText.TooManyDigits(objective.String(field)));
        }

        SloBudgetingMethod budgeting;
        switch (method)
        {
            case "Occurrences":
                foreach (string sliceField in (string[])["timeSliceTarget", "timeSliceWindow"])
                {
                    if (objective.Has(sliceField))
                    {
                        throw objective.Error(sliceField, "applies only to budgetingMethod: Timeslices");
                    }
                }

                budgeting = SloBudgetingMethod.Events;
                break;
            case "Timeslices":
                decimal sliceTarget = objective.Decimal("timeSliceTarget") ?? throw objective.Error("timeSliceTarget", "is required for Timeslices: a ratio such as 0.95");
                if (sliceTarget <= 0m || sliceTarget > 1m)
                {
                    throw objective.Error("timeSliceTarget", $"'{objective.String("timeSliceTarget")}' is not a ratio above 0 and at most 1");
                }

                string sliceText = objective.String("timeSliceWindow") ?? throw objective.Error("timeSliceWindow", "is required for Timeslices: a duration such as 1m");
                Match slice = Duration().Match(sliceText);
                TimeSpan sliceLength = !slice.Success ? TimeSpan.Zero : slice.Groups[2].Value switch
                {
                    "m" => TimeSpan.FromMinutes(long.Parse(slice.Groups[1].Value, CultureInfo.InvariantCulture)),
                    "h" => TimeSpan.FromHours(long.Parse(slice.Groups[1].Value, CultureInfo.InvariantCulture)),
                    _ => TimeSpan.Zero,
                };
                if (sliceLength < SloBudgetingMethod.MinimumSliceLength || sliceLength > SloBudgetingMethod.MaximumSliceLength)
                {
                    throw objective.Error("timeSliceWindow", $"'{sliceText}' is not supported: SlaKit's slices are whole minutes from 1m to 60m");
                }

                // Exact: through a double, 0.99999999999999999 would become 1.
                Availability sliceAvailability = Availability.FromPercentExact(sliceTarget * 100m);
                if (sliceAvailability == Availability.Zero || sliceAvailability.PercentExact != sliceTarget * 100m)
                {
                    throw objective.Error("timeSliceTarget", NumberText.TooManyDigits(objective.String("timeSliceTarget")));
                }

                budgeting = SloBudgetingMethod.TimeSlices(sliceLength, sliceAvailability);
                break;
            default:
                throw spec.Error("budgetingMethod", $"'{method}' is not supported (use Occurrences or Timeslices)");
        }

        objective.RejectUnknown("an objective here has target or targetPercent, and timeSliceTarget and timeSliceWindow for Timeslices");
        return (target, budgeting);
    }

    // OpenSLO v1 duration shorthand: a whole number and one of m, h, d, w, M, Q, Y.
    [GeneratedRegex("^([0-9]{1,6})(m|h|d|w|M|Q|Y)$", RegexOptions.CultureInvariant)]
    private static partial Regex Duration();
}
