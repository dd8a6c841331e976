using System.Text.Json;
using System.Text.Json.Nodes;

namespace SlaKit.Cli;

/// <summary>
/// A command's answer: named values for <c>--json</c> and readable lines for everyone else.
/// </summary>
internal sealed class Answer
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private readonly JsonObject _json = [];
    private readonly List<string> _lines = [];

    /// <summary>Adds a number; <see langword="null"/> is written as JSON null.</summary>
    public Answer Set(string name, double? value)
    {
        _json[name] = value is { } number ? JsonValue.Create(number) : null;
        return this;
    }

    /// <summary>
    /// Adds a whole number, a count, exactly; <see langword="null"/> is written as JSON null. As a double, a count above
    /// 2^53 would lose its last digits and one from 10^15 up would be written with an exponent.
    /// </summary>
    public Answer Set(string name, long? value)
    {
        _json[name] = value is { } number ? JsonValue.Create(number) : null;
        return this;
    }

    /// <summary>Adds a string; <see langword="null"/> is written as JSON null.</summary>
    public Answer Set(string name, string? value)
    {
        _json[name] = value is null ? null : JsonValue.Create(value);
        return this;
    }

    /// <summary>Adds a flag; <see langword="null"/> is written as JSON null.</summary>
    public Answer Set(string name, bool? value)
    {
        _json[name] = value is { } flag ? JsonValue.Create(flag) : null;
        return this;
    }

    /// <summary>Adds a JSON value such as an array; <see langword="null"/> is written as JSON null.</summary>
    public Answer Set(string name, JsonNode? value)
    {
        _json[name] = value;
        return this;
    }

    /// <summary>Adds a readable line.</summary>
    public Answer Line(string text)
    {
        _lines.Add(text);
        return this;
    }

    /// <summary>Writes the JSON object or the readable lines.</summary>
    public void WriteTo(TextWriter output, bool json)
    {
        if (json)
        {
            output.WriteLine(_json.ToJsonString(Indented));
            return;
        }

        foreach (string line in _lines)
        {
            output.WriteLine(line);
        }
    }
}
