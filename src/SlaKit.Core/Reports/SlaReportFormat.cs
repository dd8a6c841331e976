namespace SlaKit.Reports;

/// <summary>The forms an <see cref="SlaReport"/> is written in.</summary>
public enum SlaReportFormat
{
    /// <summary>Markdown: tables, with the charts as inline SVG (shown by viewers that render HTML in Markdown).</summary>
    Markdown = 0,

    /// <summary>One self-contained HTML page with inline SVG charts and a print stylesheet (A4).</summary>
    Html = 1,

    /// <summary>One JSON object: every figure as a number, the charts as SVG strings.</summary>
    Json = 2,
}
