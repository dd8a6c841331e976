namespace SlaKit.Tests.AvailabilityMath;

public class IncidentCsvTests
{
    private static readonly DateTimeOffset Ten = new(2026, 2, 3, 10, 0, 0, TimeSpan.Zero);

    private static IReadOnlyList<Incident> Read(string text) => IncidentCsv.Read(new StringReader(text));

    [Fact]
    public void Read_header_comments_blank_lines_and_weights()
    {
        const string csv = """
            start,end,weight
            # the February outage
            2026-02-03T10:00:00Z,2026-02-03T11:00:00Z

               
            2026-02-03T11:00:00+01:00,2026-02-03T12:30:00+01:00,0.5
              # indented comment
            2026-02-04T09:15Z , 2026-02-04T09:15:30.25Z , 1
            """;
        IReadOnlyList<Incident> incidents = Read(csv);
        Assert.Equal(3, incidents.Count);
        Assert.Equal(new Incident(Ten, Ten.AddHours(1)), incidents[0]);
        Assert.Equal(new Incident(Ten, Ten.AddMinutes(90), 0.5), incidents[1]);
        Assert.Equal(TimeSpan.FromHours(1), incidents[1].Start.Offset);
        Assert.Equal(new DateTimeOffset(2026, 2, 4, 9, 15, 0, TimeSpan.Zero), incidents[2].Start);
        Assert.Equal(TimeSpan.FromSeconds(30.25), incidents[2].Duration);
        Assert.Equal(1.0, incidents[2].Weight);
    }

    [Fact]
    public void Read_without_header_reads_the_first_line()
    {
        IReadOnlyList<Incident> incidents = Read("2026-02-03T10:00:00Z,2026-02-03T10:05:00Z\r\n2026-02-03T11:00:00-05:00,2026-02-03T11:00:00-05:00\r\n");
        Assert.Equal(2, incidents.Count);
        Assert.Equal(TimeSpan.FromMinutes(5), incidents[0].Duration);
        Assert.Equal(new DateTimeOffset(2026, 2, 3, 16, 0, 0, TimeSpan.Zero), incidents[1].Start);
        Assert.Equal(TimeSpan.Zero, incidents[1].Duration);
    }

    [Fact]
    public void Read_empty_or_only_header_is_no_incidents()
    {
        Assert.Empty(Read(""));
        Assert.Empty(Read("start,end\n"));
        Assert.Empty(Read("# nothing yet\n\n"));
    }

    [Fact]
    public void Read_feeds_measurement()
    {
        const string csv = """
            start,end
            2026-01-31T23:00:00Z,2026-02-01T01:00:00Z
            2026-02-01T00:30:00+00:00,2026-02-01T01:30:00Z
            """;
        IReadOnlyList<MeasuredAvailability> months = AvailabilityMeasurement.MeasureCalendarMonths(
            Read(csv), SlaPeriod.CalendarMonth(2026, 1), SlaPeriod.CalendarMonth(2026, 2));
        Assert.Equal(TimeSpan.FromHours(1), months[0].Downtime);
        Assert.Equal(TimeSpan.FromMinutes(90), months[1].Downtime);
    }

    [Theory]
    // Missing offset.
    [InlineData("2026-02-03T10:00:00,2026-02-03T11:00:00Z", 1)]
    [InlineData("2026-02-03T10:00:00Z,2026-02-03T11:00:00", 1)]
    // Garbage.
    [InlineData("2026-02-03T10:00:00Z,2026-02-03T11:00:00Z\nhello,world", 2)]
    [InlineData("2026-02-03T10:00:00Z,2026-02-03T11:00:00Z\n\n# c\n2026-02-03 10:00:00Z,2026-02-03T11:00:00Z", 4)]
    [InlineData("2026-02-03T10:00:00Z,2026-02-03T11:00:00Z\n2026-02-30T10:00:00Z,2026-02-30T11:00:00Z", 2)]
    [InlineData("2026-02-03,2026-02-04", 1)]
    [InlineData("start,end\n1,2", 2)]
    // End before start.
    [InlineData("start,end\n2026-02-03T11:00:00Z,2026-02-03T10:59:59Z", 2)]
    [InlineData("2026-02-03T11:00:00+01:00,2026-02-03T09:30:00Z", 1)]
    // Wrong field count.
    [InlineData("start,end\n2026-02-03T10:00:00Z", 2)]
    [InlineData("start,end\n\n2026-02-03T10:00:00Z,2026-02-03T11:00:00Z,0.5,extra", 3)]
    // Bad weight.
    [InlineData("2026-02-03T10:00:00Z,2026-02-03T11:00:00Z,0", 1)]
    [InlineData("2026-02-03T10:00:00Z,2026-02-03T11:00:00Z,1.5", 1)]
    [InlineData("2026-02-03T10:00:00Z,2026-02-03T11:00:00Z,-0.5", 1)]
    [InlineData("2026-02-03T10:00:00Z,2026-02-03T11:00:00Z,half", 1)]
    [InlineData("2026-02-03T10:00:00Z,2026-02-03T11:00:00Z,", 1)]
    public void Read_BadLine_NamesTheLine(string csv, int lineNumber)
    {
        IncidentCsvException ex = Assert.Throws<IncidentCsvException>(() => Read(csv));
        Assert.Equal(lineNumber, ex.LineNumber);
        Assert.StartsWith($"line {lineNumber}: ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_header_is_only_allowed_before_the_first_row()
    {
        IncidentCsvException ex = Assert.Throws<IncidentCsvException>(
            () => Read("2026-02-03T10:00:00Z,2026-02-03T11:00:00Z\nstart,end"));
        Assert.Equal(2, ex.LineNumber);
    }

    [Fact]
    public void Read_header_may_follow_comments_and_blank_lines()
    {
        IReadOnlyList<Incident> incidents = Read("# exported incidents\n\nstart,end\n2026-02-03T10:00:00Z,2026-02-03T11:00:00Z");

        Incident only = Assert.Single(incidents);
        Assert.Equal(TimeSpan.FromHours(1), only.Duration);
    }

    [Fact]
    public void Read_file_reads_a_file()
    {
        string path = Path.Combine(Path.GetTempPath(), $"slakit-incidents-{Guid.NewGuid():N}.csv");
        try
        {
            File.WriteAllText(path, "start,end\n2026-02-03T10:00:00Z,2026-02-03T10:30:00Z\n");
            Incident incident = Assert.Single(IncidentCsv.ReadFile(path));
            Assert.Equal(TimeSpan.FromMinutes(30), incident.Duration);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Read_file_bad_arguments_throw()
    {
        Assert.Throws<ArgumentException>(() => IncidentCsv.ReadFile(""));
        Assert.Throws<ArgumentNullException>(() => IncidentCsv.ReadFile(null!));
        Assert.Throws<ArgumentNullException>(() => IncidentCsv.Read(null!));
        Assert.Throws<FileNotFoundException>(() => IncidentCsv.ReadFile(Path.Combine(Path.GetTempPath(), $"slakit-missing-{Guid.NewGuid():N}.csv")));
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-0")]
    public void Read_a_weight_that_is_no_number_in_range_names_its_line(string weight)
    {
        var error = Assert.Throws<IncidentCsvException>(() => Read($"start,end,weight\n2026-02-03T10:00:00Z,2026-02-03T11:00:00Z,{weight}\n"));

        Assert.Equal(2, error.LineNumber);
        Assert.Contains($"'{weight}' is not a weight in (0, 1]", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("hello world")]
    [InlineData("hello,world")]
    [InlineData("incidents")]
    public void Read_a_line_of_text_is_no_header_but_a_bad_row(string line)
    {
        var error = Assert.Throws<IncidentCsvException>(() => Read(line + "\n"));

        Assert.Equal(1, error.LineNumber);
    }

    [Theory]
    [InlineData("Start time,End time")]
    [InlineData("START,END,WEIGHT")]
    public void Read_headers_name_the_start_and_the_end(string header)
    {
        IReadOnlyList<Incident> incidents = Read(header + "\n2026-02-03T10:00:00Z,2026-02-03T11:00:00Z\n");

        Assert.Single(incidents);
    }

    [Fact]
    public void Read_an_endless_line_stops_at_the_line_limit()
    {
        var error = Assert.Throws<IncidentCsvException>(() => IncidentCsv.Read(new StreamReader(new EndlessStream(0))));

        Assert.Equal(1, error.LineNumber);
        Assert.Contains("longer than 1024 characters", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_endless_blank_lines_stop_at_the_length_limit()
    {
        var error = Assert.Throws<IncidentCsvException>(() => IncidentCsv.Read(new StreamReader(new EndlessStream((byte)'\n'))));

        Assert.Contains($"longer than {IncidentCsv.MaximumLength} characters", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_more_incidents_than_the_limit_is_refused_at_the_first_one_over()
    {
        var text = new System.Text.StringBuilder();
        for (int i = 0; i <= IncidentCsv.MaximumIncidents; i++)
        {
            text.Append("2026-02-03T10:00Z,2026-02-03T10:01Z\n");
        }

        var error = Assert.Throws<IncidentCsvException>(() => Read(text.ToString()));

        Assert.Equal(IncidentCsv.MaximumIncidents + 1, error.LineNumber);
        Assert.Contains("more than 100000 incidents", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A stream of one byte forever, as /dev/zero is.</summary>
    private sealed class EndlessStream(byte value) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            Array.Fill(buffer, value, offset, count);
            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
