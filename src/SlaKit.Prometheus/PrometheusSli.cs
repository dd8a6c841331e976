using System.Text.RegularExpressions;
using SlaKit.Budgets;

namespace SlaKit.Prometheus;

/// <summary>
/// Where Prometheus finds an SLO's events: SlaKit's own <c>slakit_slo_events_total</c> counter (the default,
/// as OpenTelemetry's Prometheus exporter publishes the tracker's <c>slakit.slo.events</c>), or queries of
/// the service's own counters, as an OpenSLO <c>ratioMetric</c> gives them.
/// </summary>
/// <remarks>
/// <para>
/// A query is either a counter selector, such as <c>http_requests_total{job="checkout",code=~"5.."}</c>, whose
/// increase over each window is summed across the fleet; or an expression that holds the placeholder
/// <c>{{.window}}</c> and gives the per-second rate of events over that window, such as
/// <c>sum(rate(http_requests_total{code=~"5.."}[{{.window}}]))</c> (the convention of Sloth and other OpenSLO tools).
/// </para>
/// </remarks>
public sealed partial class PrometheusSli
{
    /// <summary>The name OpenTelemetry's Prometheus exporter gives SlaKit's <c>slakit.slo.events</c> counter: <c>slakit_slo_events_total</c>.</summary>
    public const string SlaKitEventsMetric = "slakit_slo_events_total";

    /// <summary>The placeholder a query expression holds where each window's length goes: <c>{{.window}}</c>.</summary>
    public const string WindowPlaceholder = "{{.window}}";

    private PrometheusSli(string? slaKitMetric, string? good, string? bad, string? total)
    {
        SlaKitMetric = slaKitMetric;
        GoodQuery = good;
        BadQuery = bad;
        TotalQuery = total;
    }

    /// <summary>
    /// SlaKit's own metric: the events an <see cref="ErrorBudgetTracker"/> records, tagged <c>slo</c> and
    /// <c>outcome</c> (<c>good</c> or <c>bad</c>), summed over every instance that exports them.
    /// </summary>
    /// <param name="metricName">
    /// The counter's name as Prometheus scrapes it; <see cref="SlaKitEventsMetric"/> by default, which is what
    /// the exporter writes unless its <c>DisableTotalNameSuffixForCounters</c> option drops the <c>_total</c>.
    /// </param>
    /// <returns>The SLI.</returns>
    /// <exception cref="ArgumentException"><paramref name="metricName"/> is not a Prometheus metric name.</exception>
    public static PrometheusSli SlaKitEvents(string metricName = SlaKitEventsMetric)
    {
        ArgumentNullException.ThrowIfNull(metricName);
        if (!MetricName().IsMatch(metricName))
        {
            throw new ArgumentException($"'{metricName}' is not a Prometheus metric name.", nameof(metricName));
        }

        return new PrometheusSli(metricName, null, null, null);
    }

    /// <summary>An SLI from a query of good events and a query of all events.</summary>
    /// <param name="goodQuery">Good events: a counter selector, or an expression holding <see cref="WindowPlaceholder"/>.</param>
    /// <param name="totalQuery">All events, in the same form.</param>
    /// <returns>The SLI.</returns>
    /// <exception cref="ArgumentException">
    /// A query is blank, or neither a selector nor an expression holding the placeholder; or one query is a selector and
    /// the other an expression (a count of events and a rate of them make no ratio).
    /// </exception>
    public static PrometheusSli FromGoodAndTotal(string goodQuery, string totalQuery)
    {
        CheckQuery(goodQuery, nameof(goodQuery));
        CheckQuery(totalQuery, nameof(totalQuery));
        CheckSameForm(goodQuery, totalQuery);
        return new PrometheusSli(null, goodQuery.Trim(), null, totalQuery.Trim());
    }

    /// <summary>An SLI from a query of bad events and a query of all events.</summary>
    /// <param name="badQuery">Bad events: a counter selector, or an expression holding <see cref="WindowPlaceholder"/>.</param>
    /// <param name="totalQuery">All events, in the same form.</param>
    /// <returns>The SLI.</returns>
    /// <exception cref="ArgumentException">
    /// A query is blank, or neither a selector nor an expression holding the placeholder; or one query is a selector and
    /// the other an expression (a count of events and a rate of them make no ratio).
    /// </exception>
    public static PrometheusSli FromBadAndTotal(string badQuery, string totalQuery)
    {
        CheckQuery(badQuery, nameof(badQuery));
        CheckQuery(totalQuery, nameof(totalQuery));
        CheckSameForm(badQuery, totalQuery);
        return new PrometheusSli(null, null, badQuery.Trim(), totalQuery.Trim());
    }

    /// <summary>The SlaKit counter's name, when this SLI reads SlaKit's metric; otherwise <see langword="null"/>.</summary>
    public string? SlaKitMetric { get; }

    /// <summary>The query of good events, when given.</summary>
    public string? GoodQuery { get; }

    /// <summary>The query of bad events, when given.</summary>
    public string? BadQuery { get; }

    /// <summary>The query of all events, unless this SLI reads SlaKit's metric.</summary>
    public string? TotalQuery { get; }

    /// <summary>Why a query cannot be used, or <see langword="null"/> when it can.</summary>
    internal static string? ProblemWith(string? query)
    {
        if (string.IsNullOrWhiteSpace(query))
        {
            return "a query must not be empty";
        }

        string trimmed = query.Trim();
        return IsSelector(trimmed) || HasPlaceholder(trimmed)
            ? null
            : $"'{trimmed}' is neither a counter selector (such as http_requests_total{{code=~\"5..\"}}) nor an expression holding {WindowPlaceholder}";
    }

    /// <summary>
    /// Why a query of good or bad events and the query of all events cannot be used together, or <see langword="null"/>
    /// when they can: both must be counter selectors, or both expressions holding the placeholder. A selector becomes
    /// a count of events over each window, an expression the rate per second its author wrote, and a count over a rate
    /// is off by the window's length in seconds (3,600 over an hour).
    /// </summary>
    internal static string? ProblemWithPair(string events, string totalQuery)
    {
        bool eventsSelector = IsSelector(events.Trim());
        bool totalSelector = IsSelector(totalQuery.Trim());
        return eventsSelector == totalSelector
            ? null
            : $"the queries must be of one form: '{(eventsSelector ? events : totalQuery).Trim()}' is a counter selector and '{(eventsSelector ? totalQuery : events).Trim()}' an expression holding {WindowPlaceholder}; write both as selectors or both as expressions of a rate";
    }

    private static void CheckSameForm(string events, string totalQuery)
    {
        if (ProblemWithPair(events, totalQuery) is { } problem)
        {
            throw new ArgumentException(char.ToUpperInvariant(problem[0]) + problem[1..] + ".", nameof(totalQuery));
        }
    }

    private static void CheckQuery(string query, string paramName)
    {
        ArgumentNullException.ThrowIfNull(query, paramName);
        if (ProblemWith(query) is { } problem)
        {
            throw new ArgumentException(char.ToUpperInvariant(problem[0]) + problem[1..] + ".", paramName);
        }
    }

    /// <summary>The error ratio over <paramref name="window"/>: bad events over all events, fleet-wide.</summary>
    internal string ErrorRatio(string sloName, string window)
    {
        if (SlaKitMetric is { } metric)
        {
            // A ratio of increases rather than of rates: the same value, but with whole counts and no
            // extrapolation it is one correctly rounded division, so a burn exactly at a threshold meets it.
            string slo = "slo=" + PromText.StringLiteral(sloName);
            string bad = $"{metric}{{{slo},outcome=\"bad\"}}";
            string total = $"{metric}{{{slo}}}";
            return $"(sum(increase({bad}[{window}])) or vector(0)) / sum(increase({total}[{window}]))";
        }

        string totalEvents = Events(TotalQuery!, window, allowMissing: false);
        if (BadQuery is { } badQuery)
        {
            return $"{Events(badQuery, window, allowMissing: true)} / {totalEvents}";
        }

        // (total − good) / total: a subtraction of whole counts stays exact, unlike 1 − good / total.
        return $"({totalEvents} - {Events(GoodQuery!, window, allowMissing: true)}) / {totalEvents}";
    }

    /// <summary>The number of all events over <paramref name="window"/>, fleet-wide.</summary>
    internal string EventCount(string sloName, string window, TimeSpan length)
    {
        if (SlaKitMetric is { } metric)
        {
            return $"sum(increase({metric}{{slo={PromText.StringLiteral(sloName)}}}[{window}]))";
        }

        string total = TotalQuery!.Trim();
        if (IsSelector(total))
        {
            return $"sum(increase({total}[{window}]))";
        }

        // A templated query gives a per-second rate; events are that rate times the window's seconds.
        return $"({Substitute(total, window)}) * {PromText.Number((decimal)length.Ticks / TimeSpan.TicksPerSecond)}";
    }

    private static string Events(string query, string window, bool allowMissing)
    {
        if (IsSelector(query))
        {
            // A counter that has not counted anything yet may not exist at all: count it as zero.
            string sum = $"sum(increase({query}[{window}]))";
            return allowMissing ? $"({sum} or vector(0))" : sum;
        }

        // A templated query is an expression over counters, and its series may be gone as a selector's may: the
        // good requests of a process that answers nothing but errors since its restart, or the failures of one that
        // has not failed. Absent, it is no events at all, or the whole ratio would be absent and no alert could fire.
        string expression = $"({Substitute(query, window)})";
        return allowMissing ? $"({expression} or vector(0))" : expression;
    }

    private static string Substitute(string query, string window) => Placeholder().Replace(query, window);

    private static bool IsSelector(string query) => query.Length > 0 && query != "{}" && Selector().IsMatch(query);

    private static bool HasPlaceholder(string query) => Placeholder().IsMatch(query);

    [GeneratedRegex(@"^[a-zA-Z_:][a-zA-Z0-9_:]*$", RegexOptions.CultureInvariant)]
    private static partial Regex MetricName();

    // A metric name, label matchers in braces, or both; quoted label values may hold anything but an unescaped quote.
    // Matchers are separated by commas, and one may follow the last, as PromQL allows.
    [GeneratedRegex("""^(?:[a-zA-Z_:][a-zA-Z0-9_:]*)?(?:\{\s*(?:[a-zA-Z_][a-zA-Z0-9_]*\s*(?:=~|!~|!=|=)\s*"(?:[^"\\]|\\.)*"\s*(?:,\s*[a-zA-Z_][a-zA-Z0-9_]*\s*(?:=~|!~|!=|=)\s*"(?:[^"\\]|\\.)*"\s*)*,?\s*)?\})?$""", RegexOptions.CultureInvariant)]
    private static partial Regex Selector();

    [GeneratedRegex(@"\{\{\s*\.window\s*\}\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();
}
