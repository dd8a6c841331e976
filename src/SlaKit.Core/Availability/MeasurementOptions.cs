namespace SlaKit;

/// <summary>How <see cref="AvailabilityMeasurement"/> counts downtime.</summary>
public sealed record MeasurementOptions
{
    /// <summary>The defaults: downtime counted to the tick.</summary>
    public static MeasurementOptions Default { get; } = new();

    /// <summary>
    /// Count only whole minutes of each outage, as public cloud SLAs do: an outage's duration and
    /// downtime are rounded down to whole minutes, and an outage shorter than a minute is not counted at
    /// all (nor is it an incident for MTTR and MTBF). <see langword="false"/> by default.
    /// </summary>
    public bool WholeMinutesOnly { get; init; }
}
