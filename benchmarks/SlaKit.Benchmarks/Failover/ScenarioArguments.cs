using System.Globalization;

namespace SlaKit.Benchmarks.Failover;

/// <summary>Reading the harness's <c>--name value</c> arguments; each error names the option and says what it wants.</summary>
internal static class ScenarioArguments
{
    /// <summary>Takes the option <paramref name="name"/> at <paramref name="i"/> (and its value); false when it is unknown.</summary>
    public delegate bool Option(string name, IReadOnlyList<string> args, ref int i);

    /// <summary>
    /// Reads <paramref name="args"/> option by option through <paramref name="take"/>; on an unknown or malformed option
    /// writes what is wrong (and <paramref name="usage"/>) to <paramref name="error"/> and returns false.
    /// </summary>
    public static async Task<bool> TryParseAsync(IReadOnlyList<string> args, string usage, TextWriter error, Option take)
    {
        try
        {
            for (int i = 0; i < args.Count; i++)
            {
                if (!take(args[i], args, ref i))
                {
                    throw new ArgumentException($"Unknown option '{args[i]}'. {usage}", nameof(args));
                }
            }

            return true;
        }
        catch (ArgumentException exception)
        {
            await error.WriteLineAsync(exception.Message);
            return false;
        }
    }

    /// <summary>Writes a scenario's report to <paramref name="folder"/>/<paramref name="fileName"/> and shows it on <paramref name="output"/>.</summary>
    public static async Task WriteReportAsync(TextWriter output, string folder, string fileName, string markdown)
    {
        Directory.CreateDirectory(folder);
        string file = Path.Combine(folder, fileName);
        await File.WriteAllTextAsync(file, markdown);
        await output.WriteLineAsync();
        await output.WriteLineAsync(markdown);
        await output.WriteLineAsync($"Written to {Path.GetFullPath(file)}");
    }

    /// <summary>The value after the option at <paramref name="i"/>, moving <paramref name="i"/> onto it.</summary>
    public static string Value(IReadOnlyList<string> args, ref int i)
    {
        string name = args[i];
        return i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value.", nameof(args));
    }

    /// <summary>The positive whole number after the option at <paramref name="i"/>.</summary>
    public static int Positive(IReadOnlyList<string> args, ref int i)
    {
        string name = args[i];
        return Positive(name, Value(args, ref i));
    }

    /// <summary>The whole number (zero or more) after the option at <paramref name="i"/>.</summary>
    public static int NonNegative(IReadOnlyList<string> args, ref int i)
    {
        string name = args[i];
        return NonNegative(name, Value(args, ref i));
    }

    /// <summary><paramref name="value"/> of option <paramref name="name"/> as a positive whole number.</summary>
    public static int Positive(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0
            ? n
            : throw new ArgumentException($"{name} must be a positive whole number, not '{value}'.", nameof(name));

    /// <summary><paramref name="value"/> of option <paramref name="name"/> as a whole number, zero or more.</summary>
    public static int NonNegative(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n)
            ? n
            : throw new ArgumentException($"{name} must be a whole number, not '{value}'.", nameof(name));
}
