using System.CommandLine;

namespace SlaKit.Cli.Commands;

/// <summary>The <c>--period</c> and <c>--year-days</c> options, for commands that spread downtime over a period.</summary>
internal sealed class PeriodOptions
{
    private readonly Option<string> _period = new("--period")
    {
        Description = "year|quarter|month|week|day (year, quarter and month by --year-days), a calendar period YYYY|YYYY-Qn|YYYY-MM, or a rolling duration such as 30d.",
        DefaultValueFactory = _ => "year",
    };

    private readonly Option<string> _yearDays = YearDaysOption();

    /// <summary>Creates the <c>--year-days</c> option on its own.</summary>
    public static Option<string> YearDaysOption() => new("--year-days")
    {
        Description = "How long a bare year is: 365 (default) or 365.2425 (the Gregorian average); a month is a twelfth of it.",
        DefaultValueFactory = _ => "365",
    };

    /// <summary>Adds both options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(_period);
        command.Options.Add(_yearDays);
    }

    /// <summary>Reads the period the options describe.</summary>
    public SlaPeriod Read(ParseResult parse)
    {
        YearConvention convention = CliInput.YearDays(parse.GetValue(_yearDays)!);
        return CliInput.Period(parse.GetValue(_period)!, convention);
    }
}
