namespace SlaKit.Tests.AvailabilityMath;

public class IncidentCsvExceptionTests
{
    [Fact]
    public void Constructor_prefixes_the_line_number()
    {
        var ex = new IncidentCsvException(7, "something is wrong.");
        Assert.Equal(7, ex.LineNumber);
        Assert.Equal("line 7: something is wrong.", ex.Message);
    }

    [Fact]
    public void Is_a_format_exception()
    {
        FormatException ex = Assert.ThrowsAny<FormatException>(() => IncidentCsv.Read(new StringReader("start,end\n\nnot,a,date")));
        IncidentCsvException csv = Assert.IsType<IncidentCsvException>(ex);
        Assert.Equal(3, csv.LineNumber);
        Assert.Contains("'not'", csv.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Message_for_end_before_start_names_both_times()
    {
        IncidentCsvException ex = Assert.Throws<IncidentCsvException>(
            () => IncidentCsv.Read(new StringReader("2026-02-03T11:00:00Z,2026-02-03T10:00:00Z")));
        Assert.Contains("2026-02-03T11:00:00Z", ex.Message, StringComparison.Ordinal);
        Assert.Contains("2026-02-03T10:00:00Z", ex.Message, StringComparison.Ordinal);
    }
}
