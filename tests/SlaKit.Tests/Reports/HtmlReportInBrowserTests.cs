using SlaKit.Reports;

namespace SlaKit.Tests.Reports;

/// <summary>The HTML report as a browser shows and prints it: headless Chromium renders the page and the charts.</summary>
public sealed class HtmlReportInBrowserTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("slakit-browser-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task The_page_renders_its_bars_in_the_sla_colours_on_a_white_sheet()
    {
        Chromium.Require();
        string page = Path.Combine(_directory, "report.html");
        await File.WriteAllTextAsync(page, ReportData.Quarter(sla: 99.95).Render(SlaReportFormat.Html), TestContext.Current.CancellationToken);
        string screenshot = Path.Combine(_directory, "report.png");

        await Chromium.RunAsync(page, _directory, $"--screenshot={screenshot}", "--window-size=1200,1600", "--hide-scrollbars");

        PngImage image = PngImage.Read(await File.ReadAllBytesAsync(screenshot, TestContext.Current.CancellationToken));
        Assert.Equal(1200, image.Width);
        Assert.Equal(1600, image.Height);

        // Two months missed (red bars) and one met (a green bar), each tens of pixels wide and tall.
        Assert.True(image.Count(0xc6, 0x28, 0x28) > 2 * 1500, "too few red pixels: the missed months' bars did not render");
        Assert.True(image.Count(0x2e, 0x7d, 0x32) > 1500, "too few green pixels: the met month's bar did not render");

        // The sheet is white and the page around it grey, as the stylesheet says.
        Assert.Equal((byte)0xff, image[600, 300].R);
        Assert.Equal(((byte)0xee, (byte)0xf1, (byte)0xf5), image[20, 20]);
    }

    [Fact]
    public async Task The_page_prints_to_a_pdf()
    {
        Chromium.Require();
        string page = Path.Combine(_directory, "report.html");
        await File.WriteAllTextAsync(page, ReportData.Quarter().Render(SlaReportFormat.Html), TestContext.Current.CancellationToken);
        string pdf = Path.Combine(_directory, "report.pdf");

        await Chromium.RunAsync(page, _directory, $"--print-to-pdf={pdf}", "--no-pdf-header-footer");

        byte[] bytes = await File.ReadAllBytesAsync(pdf, TestContext.Current.CancellationToken);
        Assert.Equal("%PDF-"u8.ToArray(), bytes[..5]);
        string text = System.Text.Encoding.Latin1.GetString(bytes);

        // A4 is 595 x 842 points; a quarter's report fits on one to three pages.
        Assert.Contains("/MediaBox [0 0 594.9", text, StringComparison.Ordinal);
        int pages = System.Text.RegularExpressions.Regex.Count(text, @"/Type\s*/Page[^s]");
        Assert.InRange(pages, 1, 3);
    }

    [Fact]
    public async Task A_report_of_events_renders_its_bars_and_its_budget_line()
    {
        Chromium.Require();
        SlaReport report = SlaReport.CreateFromEvents(
            [
                new MonthEvents(SlaPeriod.CalendarMonth(2026, 9), 1999, 1),
                new MonthEvents(SlaPeriod.CalendarMonth(2026, 10), 99_000, 1_000),
                new MonthEvents(SlaPeriod.CalendarMonth(2026, 11), 800, 1),
            ],
            Availability.FromPercent(99.9),
            new SlaReportOptions { Credits = CreditSchedule.Parse("99.9:10,99:25") });
        string page = Path.Combine(_directory, "events.html");
        await File.WriteAllTextAsync(page, report.Render(SlaReportFormat.Html), TestContext.Current.CancellationToken);
        string screenshot = Path.Combine(_directory, "events.png");

        await Chromium.RunAsync(page, _directory, $"--screenshot={screenshot}", "--window-size=1200,1600", "--hide-scrollbars");

        PngImage image = PngImage.Read(await File.ReadAllBytesAsync(screenshot, TestContext.Current.CancellationToken));

        // October and November missed (red bars), September met (a green bar).
        Assert.True(image.Count(0xc6, 0x28, 0x28) > 2 * 1500, "too few red pixels: the missed months' bars did not render");
        Assert.True(image.Count(0x2e, 0x7d, 0x32) > 1500, "too few green pixels: the met month's bar did not render");
    }
}
