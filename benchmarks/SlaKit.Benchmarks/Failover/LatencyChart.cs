using System.Globalization;
using System.Xml;

namespace SlaKit.Benchmarks.Failover;

/// <summary>
/// An SVG chart of one fault: every request of every client as a point, at the time it started relative to the
/// fault's onset (x, seconds) and the time the caller waited (y, milliseconds, log scale). Failed requests are crosses.
/// </summary>
internal static class LatencyChart
{
    private const double Width = 960;
    private const double Height = 440;
    private const double Left = 70;
    private const double Right = 190;
    private const double Top = 40;
    private const double Bottom = 50;

    // Log scale from 0.1 ms to 100 s covers a loopback answer and the longest timeout alike.
    private const double MinLog = -1;
    private const double MaxLog = 5;

    public static void Write(TextWriter writer, string title, IReadOnlyList<ClientRun> runs)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(runs);
        double minX = 0;
        double maxX = 1;
        foreach (RequestSample sample in runs.SelectMany(static r => r.Samples))
        {
            minX = Math.Min(minX, sample.SinceFault.TotalSeconds);
            maxX = Math.Max(maxX, sample.SinceFault.TotalSeconds);
        }

        maxX = Math.Ceiling(maxX);
        minX = Math.Floor(minX);
        double X(double seconds) => Left + ((seconds - minX) / (maxX - minX) * (Width - Left - Right));
        double Y(double milliseconds) =>
            Top + ((MaxLog - Math.Clamp(Math.Log10(Math.Max(milliseconds, 1e-3)), MinLog, MaxLog)) / (MaxLog - MinLog) * (Height - Top - Bottom));

        using var svg = XmlWriter.Create(writer, new XmlWriterSettings { Indent = true, OmitXmlDeclaration = true });
        svg.WriteStartElement("svg", "http://www.w3.org/2000/svg");
        Attr(svg, "width", Width);
        Attr(svg, "height", Height);
        svg.WriteAttributeString("viewBox", Invariant($"0 0 {Width} {Height}"));
        svg.WriteAttributeString("font-family", "sans-serif");
        svg.WriteAttributeString("font-size", "12");
        Rect(svg, 0, 0, Width, Height, "white");
        Text(svg, Left, 22, title, "15");

        // Grid and axes: a line per decade, a tick per second (or per 5 or 10 seconds on long runs).
        for (int decade = (int)MinLog; decade <= MaxLog; decade++)
        {
            double y = Y(Math.Pow(10, decade));
            Line(svg, Left, y, Width - Right, y, "#e0e0e0", null);
            Text(svg, Left - 8, y + 4, DecadeLabel(decade), null, "end");
        }

        double step = maxX - minX > 60 ? 10 : maxX - minX > 20 ? 5 : 1;
        for (double second = Math.Ceiling(minX / step) * step; second <= maxX; second += step)
        {
            double x = X(second);
            Line(svg, x, Height - Bottom, x, Height - Bottom + 4, "#444", null);
            Text(svg, x, Height - Bottom + 18, second.ToString("0", CultureInfo.InvariantCulture), null, "middle");
        }

        Line(svg, Left, Top, Left, Height - Bottom, "#444", null);
        Line(svg, Left, Height - Bottom, Width - Right, Height - Bottom, "#444", null);
        Text(svg, (Left + Width - Right) / 2, Height - 10, "seconds since the fault began (request start)", null, "middle");
        Text(svg, 14, Top - 12, "wait (ms, log)", null);
        Line(svg, X(0), Top, X(0), Height - Bottom, "#b00", "5,4");
        Text(svg, X(0) + 4, Top + 12, "fault on", null);

        int legendRow = 0;
        foreach (ClientRun run in runs)
        {
            string colour = Colour(run.Client);
            svg.WriteStartElement("g");
            svg.WriteAttributeString("fill", colour);
            svg.WriteAttributeString("stroke", colour);
            foreach (RequestSample sample in run.Samples)
            {
                double x = X(sample.SinceFault.TotalSeconds);
                double y = Y(sample.Latency.TotalMilliseconds);
                if (sample.Succeeded)
                {
                    svg.WriteStartElement("circle");
                    Attr(svg, "cx", x);
                    Attr(svg, "cy", y);
                    Attr(svg, "r", 2.2);
                    svg.WriteAttributeString("stroke", "none");
                    svg.WriteEndElement();
                }
                else
                {
                    svg.WriteStartElement("path");
                    svg.WriteAttributeString("d", Invariant($"M{x - 4:F1},{y - 4:F1}L{x + 4:F1},{y + 4:F1}M{x - 4:F1},{y + 4:F1}L{x + 4:F1},{y - 4:F1}"));
                    svg.WriteAttributeString("stroke-width", "1.6");
                    svg.WriteEndElement();
                }
            }

            svg.WriteEndElement();

            double legendY = Top + 10 + (legendRow++ * 20);
            svg.WriteStartElement("circle");
            Attr(svg, "cx", Width - Right + 20);
            Attr(svg, "cy", legendY - 4);
            Attr(svg, "r", 5);
            svg.WriteAttributeString("fill", colour);
            svg.WriteEndElement();
            Text(svg, Width - Right + 32, legendY, HarnessClientNames.Name(run.Client), null);
        }

        Text(svg, Width - Right + 14, Top + 20 + (legendRow * 20), "× a failed request", null);
        svg.WriteEndElement();
    }

    private static string Colour(HarnessClient client) => client switch
    {
        HarnessClient.SecondaryDirect => "#7f7f7f",
        HarnessClient.Plain => "#d62728",
        HarnessClient.StandardResilience => "#ff7f0e",
        HarnessClient.StandardHedging => "#1f77b4",
        _ => "#2ca02c",
    };

    private static string DecadeLabel(int decade) => decade switch
    {
        < 0 => Math.Pow(10, decade).ToString("0.#", CultureInfo.InvariantCulture),
        < 3 => Math.Pow(10, decade).ToString("0", CultureInfo.InvariantCulture),
        _ => Math.Pow(10, decade - 3).ToString("0", CultureInfo.InvariantCulture) + " s",
    };

    private static void Line(XmlWriter svg, double x1, double y1, double x2, double y2, string stroke, string? dash)
    {
        svg.WriteStartElement("line");
        Attr(svg, "x1", x1);
        Attr(svg, "y1", y1);
        Attr(svg, "x2", x2);
        Attr(svg, "y2", y2);
        svg.WriteAttributeString("stroke", stroke);
        if (dash is not null)
        {
            svg.WriteAttributeString("stroke-dasharray", dash);
        }

        svg.WriteEndElement();
    }

    private static void Rect(XmlWriter svg, double x, double y, double width, double height, string fill)
    {
        svg.WriteStartElement("rect");
        Attr(svg, "x", x);
        Attr(svg, "y", y);
        Attr(svg, "width", width);
        Attr(svg, "height", height);
        svg.WriteAttributeString("fill", fill);
        svg.WriteEndElement();
    }

    private static void Text(XmlWriter svg, double x, double y, string content, string? size, string? anchor = null)
    {
        svg.WriteStartElement("text");
        Attr(svg, "x", x);
        Attr(svg, "y", y);
        if (size is not null)
        {
            svg.WriteAttributeString("font-size", size);
        }

        if (anchor is not null)
        {
            svg.WriteAttributeString("text-anchor", anchor);
        }

        svg.WriteString(content);
        svg.WriteEndElement();
    }

    private static void Attr(XmlWriter svg, string name, double value) =>
        svg.WriteAttributeString(name, value.ToString("0.#", CultureInfo.InvariantCulture));

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
