namespace SlaKit;

/// <summary>Turns a local wall-clock time into the instant it names, where clock changes make that ambiguous.</summary>
internal static class LocalTime
{
    /// <summary>
    /// The earliest instant at which <paramref name="zone"/>'s clocks read <paramref name="local"/>. Where a clock change
    /// skips that time, the first whole minute after it that exists; where the clocks go back over it, so that it
    /// happens twice, the first of the two (the one with the larger offset, before the change).
    /// </summary>
    /// <param name="local">A wall-clock time in the zone; its kind is ignored.</param>
    /// <param name="zone">The time zone.</param>
    /// <returns>The instant, at offset zero.</returns>
    public static DateTimeOffset FirstInstant(DateTime local, TimeZoneInfo zone)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(1);
        }

        TimeSpan offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }
}
