using System.Globalization;
using System.Text;

namespace SlaKit.Prometheus;

/// <summary>How numbers, durations and strings are written into PromQL and into a rules file.</summary>
internal static class PromText
{
    /// <summary>
    /// A number written exactly as the decimal it is: <c>0.0144</c>, never <c>0.014400000000000001</c>, and
    /// never in exponent form (PromQL reads both, people read only the first).
    /// </summary>
    public static string Number(decimal value) => Availability.Normalize(value).ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// A burn rate held as a <see cref="double"/> read back as the decimal it was written as: a double carries
    /// 15 significant digits, and the conversion to decimal keeps exactly those, so 14.4 stays 14.4.
    /// </summary>
    public static decimal Exact(double value) => Availability.Normalize((decimal)value);

    /// <summary>
    /// A PromQL duration (Prometheus' <c>model.Duration</c>): units largest first, each once, no spaces —
    /// <c>5m</c>, <c>1h</c>, <c>3d</c>, <c>1d12h</c>, <c>7m30s</c> — to the millisecond, the finest unit PromQL has.
    /// </summary>
    public static string Duration(TimeSpan duration)
    {
        long milliseconds = (long)Math.Round(duration.TotalMilliseconds, MidpointRounding.AwayFromZero);
        if (milliseconds <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(duration), duration, "A PromQL duration must be at least a millisecond.");
        }

        var text = new StringBuilder();
        foreach ((string unit, long size) in Units)
        {
            long count = milliseconds / size;
            if (count > 0)
            {
                text.Append(count.ToString(CultureInfo.InvariantCulture)).Append(unit);
                milliseconds -= count * size;
            }
        }

        return text.ToString();
    }

    private static readonly (string Unit, long Milliseconds)[] Units =
    [
        ("d", 86_400_000),
        ("h", 3_600_000),
        ("m", 60_000),
        ("s", 1_000),
        ("ms", 1),
    ];

    /// <summary>A PromQL string literal in double quotes, with backslashes and quotes escaped (PromQL follows Go's string syntax).</summary>
    public static string StringLiteral(string value)
    {
        var text = new StringBuilder(value.Length + 2).Append('"');
        foreach (char c in value)
        {
            switch (c)
            {
                case '\\': text.Append(@"\\"); break;
                case '"': text.Append("\\\""); break;
                case '\n': text.Append(@"\n"); break;
                case '\r': text.Append(@"\r"); break;
                case '\t': text.Append(@"\t"); break;
                default: text.Append(c); break;
            }
        }

        return text.Append('"').ToString();
    }

    /// <summary>
    /// A YAML scalar in single quotes (YAML 1.2 §7.3.2: the only escape is a doubled quote), so that no value —
    /// <c>true</c>, <c>1e3</c>, a PromQL expression full of braces and colons — is read as anything but a string.
    /// </summary>
    public static string YamlString(string value)
    {
        if (value.Contains('\n', StringComparison.Ordinal) || value.Contains('\r', StringComparison.Ordinal))
        {
            // A line break inside single quotes would be folded into a space; a double-quoted scalar keeps it.
            return "\"" + value.Replace("\\", @"\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)
                .Replace("\n", @"\n", StringComparison.Ordinal).Replace("\r", @"\r", StringComparison.Ordinal) + "\"";
        }

        return "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
    }
}
