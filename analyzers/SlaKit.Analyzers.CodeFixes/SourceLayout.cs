using Microsoft.CodeAnalysis.Text;

namespace SlaKit.Analyzers.CodeFixes;

/// <summary>How a document lays its text out, so that the code a fix writes looks like the code around it.</summary>
internal static class SourceLayout
{
    /// <summary>The document's line break, judged by its first line: <c>\r\n</c> or <c>\n</c>.</summary>
    public static string NewLine(SourceText text) =>
        text.Lines.Count > 1 && text.Lines[0].EndIncludingLineBreak - text.Lines[0].End == 2 ? "\r\n" : "\n";

    /// <summary>The whitespace that starts the line holding <paramref name="position"/>.</summary>
    public static string Indentation(SourceText text, int position)
    {
        string line = text.Lines.GetLineFromPosition(position).ToString();
        return line.Substring(0, line.Length - line.TrimStart().Length);
    }
}
