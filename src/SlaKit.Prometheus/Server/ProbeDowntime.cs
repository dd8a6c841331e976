namespace SlaKit.Prometheus.Server;

/// <summary>
/// The downtime a probe series shows, minute by minute, over calendar months: each minute in which the probe reported
/// a failure (a value of 0), or in which it was not scraped and its last sample was a failure, is down, the way a
/// provider's monthly SLA counts downtime minutes.
/// </summary>
public sealed class ProbeDowntime
{
    internal ProbeDowntime(string probe, IReadOnlyList<Incident> outages, IReadOnlyList<ProbeDowntimeMonth> months)
    {
        Probe = probe;
        Outages = outages;
        Months = months;
    }

    /// <summary>The probe series, as given.</summary>
    public string Probe { get; }

    /// <summary>Each stretch of consecutive down minutes, in order, as an incident of whole minutes.</summary>
    public IReadOnlyList<Incident> Outages { get; }

    /// <summary>Each month read, in order.</summary>
    public IReadOnlyList<ProbeDowntimeMonth> Months { get; }
}

/// <summary>One calendar month of a <see cref="ProbeDowntime"/>.</summary>
public sealed class ProbeDowntimeMonth
{
    internal ProbeDowntimeMonth(SlaPeriod month, int minutesDown, int minutesWithoutData)
    {
        Month = month;
        MinutesDown = minutesDown;
        MinutesWithoutData = minutesWithoutData;
    }

    /// <summary>The month (UTC).</summary>
    public SlaPeriod Month { get; }

    /// <summary>Minutes in which the probe reported a failure, or had no sample and its last one, within the server's lookback delta, was a failure.</summary>
    public int MinutesDown { get; }

    /// <summary>
    /// Minutes for which the probe has no value: no sample in the minute nor within the server's lookback delta (5
    /// minutes by default) before its end (not yet come, or not scraped); they are not counted as down.
    /// </summary>
    public int MinutesWithoutData { get; }
}
