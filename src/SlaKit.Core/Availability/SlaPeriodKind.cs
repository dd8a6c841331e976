namespace SlaKit;

/// <summary>What sort of <see cref="SlaPeriod"/> a period is.</summary>
public enum SlaPeriodKind
{
    /// <summary>A fixed duration, such as a day, a week or a rolling 30-day window.</summary>
    Rolling = 0,

    /// <summary>A conventional year (<see cref="YearConvention"/>).</summary>
    Year = 1,

    /// <summary>A conventional quarter, a fourth of a conventional year.</summary>
    Quarter = 2,

    /// <summary>A conventional month, a twelfth of a conventional year.</summary>
    Month = 3,

    /// <summary>A civil calendar month in UTC.</summary>
    CalendarMonth = 4,

    /// <summary>A civil calendar quarter in UTC.</summary>
    CalendarQuarter = 5,

    /// <summary>A civil calendar year in UTC.</summary>
    CalendarYear = 6,
}
