using System.Xml.Linq;
using SlaKit.Benchmarks.Failover;

namespace SlaKit.Benchmarks.Tests;

public class LatencyChartTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    [Fact]
    public void The_chart_is_svg_with_a_dot_per_answered_request_and_a_cross_per_failure()
    {
        ClientRun[] runs =
        [
            new(HarnessClient.SlaKit, Fault.BlackHole,
            [
                new RequestSample(0, TimeSpan.FromSeconds(-1), TimeSpan.FromMilliseconds(0.4), true, "200"),
                new RequestSample(1, TimeSpan.Zero, TimeSpan.FromMilliseconds(103), true, "200"),
                new RequestSample(2, TimeSpan.FromSeconds(0.2), TimeSpan.FromMilliseconds(0.5), true, "200"),
            ], 2, 3),
            new(HarnessClient.Plain, Fault.BlackHole,
            [
                new RequestSample(0, TimeSpan.FromSeconds(-1), TimeSpan.FromMilliseconds(0.4), true, "200"),
                new RequestSample(1, TimeSpan.Zero, TimeSpan.FromSeconds(30), false, "caller gave up"),
            ], 1, 2),
        ];
        using var writer = new StringWriter();

        LatencyChart.Write(writer, "black-hole & co", runs);

        XElement root = XDocument.Parse(writer.ToString()).Root!;
        Assert.Equal(Svg + "svg", root.Name);
        XElement[] groups = [.. root.Elements(Svg + "g")];
        Assert.Equal(2, groups.Length);
        Assert.Equal(3, groups[0].Elements(Svg + "circle").Count());
        Assert.Single(groups[1].Elements(Svg + "circle"));
        Assert.Single(groups[1].Elements(Svg + "path"));
        Assert.Contains(root.Elements(Svg + "text"), t => t.Value == "black-hole & co");
        Assert.Contains(root.Elements(Svg + "text"), t => t.Value == "SlaKit");
        Assert.Contains(root.Elements(Svg + "text"), t => t.Value == "plain HttpClient");
    }

    [Fact]
    public void A_slower_answer_is_drawn_higher()
    {
        ClientRun run = new(HarnessClient.SlaKit, Fault.Slow,
        [
            new RequestSample(0, TimeSpan.Zero, TimeSpan.FromMilliseconds(1), true, "200"),
            new RequestSample(1, TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(500), true, "200"),
        ], 0, 2);
        using var writer = new StringWriter();

        LatencyChart.Write(writer, "slow", [run]);

        double[] ys = [.. XDocument.Parse(writer.ToString()).Root!.Element(Svg + "g")!.Elements(Svg + "circle")
            .Select(static c => double.Parse(c.Attribute("cy")!.Value, System.Globalization.CultureInfo.InvariantCulture))];
        Assert.True(ys[1] < ys[0], $"500 ms at y {ys[1]} should be above 1 ms at y {ys[0]}");
    }
}
