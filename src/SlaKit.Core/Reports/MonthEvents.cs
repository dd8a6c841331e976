namespace SlaKit.Reports;

/// <summary>One calendar month's events of an SLO counted in events (requests, calls): the good and the bad.</summary>
/// <param name="Month">The calendar month (UTC).</param>
/// <param name="Good">Events that met the SLO; zero or more.</param>
/// <param name="Bad">Events that did not; zero or more.</param>
public readonly record struct MonthEvents(SlaPeriod Month, long Good, long Bad);
