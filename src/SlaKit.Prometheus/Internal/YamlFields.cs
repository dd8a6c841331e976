using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SlaKit.Prometheus;

/// <summary>
/// The fields of one YAML mapping, read by name: each read marks its field as known, and
/// <see cref="RejectUnknown"/> then names the first field nobody read, so that a field SlaKit does not support
/// is an error rather than silently ignored.
/// </summary>
internal sealed class YamlFields
{
    private readonly YamlMappingNode _node;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    private YamlFields(YamlMappingNode node, string path, string source)
    {
        _node = node;
        Path = path;
        Source = source;
    }

    public string Path { get; }

    public string Source { get; }

    public long Line => _node.Start.Line;

    /// <summary>Reads <paramref name="node"/> as a mapping at <paramref name="path"/>.</summary>
    public static YamlFields Of(YamlNode node, string path, string source)
    {
        if (node is not YamlMappingNode mapping)
        {
            throw new SloDocumentException(source, node.Start.Line, path, "expected a mapping of fields");
        }

        foreach (YamlNode key in mapping.Children.Keys)
        {
            if (key is not YamlScalarNode { Value: not null })
            {
                throw new SloDocumentException(source, key.Start.Line, path, "field names must be plain strings");
            }
        }

        return new YamlFields(mapping, path, source);
    }

    public string FieldPath(string name) => Path.Length == 0 ? name : $"{Path}.{name}";

    public bool Has(string name) => Find(name) is not null;

    /// <summary>Marks a field as read without using it: it describes things SlaKit has no use for.</summary>
    public void Ignore(params string[] names)
    {
        foreach (string name in names)
        {
            _read.Add(name);
        }
    }

    public YamlNode? Node(string name)
    {
        _read.Add(name);
        return Find(name);
    }

    public string? String(string name)
    {
        YamlNode? node = Node(name);
        return node switch
        {
            null => null,
            YamlScalarNode scalar when scalar.Value is not null && !IsNull(scalar) => scalar.Value,
            YamlScalarNode => null,
            _ => throw Error(name, node, "expected a single value"),
        };
    }

    public string RequiredString(string name) =>
        String(name) is { Length: > 0 } value && !string.IsNullOrWhiteSpace(value)
            ? value
            : throw new SloDocumentException(Source, Find(name)?.Start.Line ?? Line, FieldPath(name), "is required");

    /// <summary>
    /// An SLO's name: required, and free of control characters, which would end up in rule names and labels that
    /// promtool then rejects.
    /// </summary>
    public string SloName(string name)
    {
        string value = RequiredString(name);
        int control = value.AsSpan().IndexOfAnyInRange('\u0000', '\u001f');
        if (control < 0)
        {
            control = value.AsSpan().IndexOfAnyInRange('\u007f', '\u009f');
        }

        return control < 0
            ? value
            : throw Error(name, $"contains the control character U+{(int)value[control]:X4}; an SLO name labels its series and rules");
    }

    /// <summary>
    /// A number as SlaKit reads them in every culture (ASCII digits and one <c>.</c>, white space around ignored), with an
    /// optional sign so that a negative one is named as out of range; exact, and refused when it has more digits than a
    /// decimal holds rather than rounded.
    /// </summary>
    public decimal? Decimal(string name)
    {
        string? text = String(name);
        if (text is null)
        {
            return null;
        }

        ReadOnlySpan<char> number = text.AsSpan().Trim();
        bool negative = number.StartsWith('-');
        if (negative || number.StartsWith('+'))
        {
            // The sign is the number's own: "- 5" is not a number.
            number = number.Length > 1 && !char.IsWhiteSpace(number[1]) ? number[1..] : [];
        }

        return NumberText.TryParseDecimal(number, out decimal value) switch
        {
            NumberRead.Number => negative ? -value : value,
            NumberRead.TooManyDigits => throw Error(name, Find(name)!, NumberText.TooManyDigits(text)),
            _ => throw Error(name, Find(name)!, $"'{text}' is not a number"),
        };
    }

    public bool? Boolean(string name)
    {
        string? text = String(name);
        return text switch
        {
            null => null,
            "true" or "True" or "TRUE" => true,
            "false" or "False" or "FALSE" => false,
            _ => throw Error(name, Find(name)!, $"'{text}' is not true or false"),
        };
    }

    public YamlFields? Map(string name)
    {
        YamlNode? node = Node(name);
        return node is null || node is YamlScalarNode scalar && IsNull(scalar) ? null : Of(node, FieldPath(name), Source);
    }

    public YamlFields RequiredMap(string name) =>
        Map(name) ?? throw new SloDocumentException(Source, Line, FieldPath(name), "is required");

    public IReadOnlyList<YamlNode> Sequence(string name)
    {
        YamlNode? node = Node(name);
        return node switch
        {
            null => [],
            YamlSequenceNode sequence => sequence.Children.ToArray(),
            YamlScalarNode scalar when IsNull(scalar) => [],
            _ => throw Error(name, node, "expected a list"),
        };
    }

    /// <summary>Fails naming the first field that was not read.</summary>
    public void RejectUnknown(string? hint = null)
    {
        foreach ((YamlNode key, YamlNode _) in _node.Children)
        {
            string name = ((YamlScalarNode)key).Value!;
            if (!_read.Contains(name))
            {
                throw new SloDocumentException(Source, key.Start.Line, FieldPath(name), "is not supported" + (hint is null ? "" : $" ({hint})"));
            }
        }
    }

    public SloDocumentException Error(string name, string problem) =>
        new(Source, Find(name)?.Start.Line ?? Line, FieldPath(name), problem);

    private SloDocumentException Error(string name, YamlNode node, string problem) =>
        new(Source, node.Start.Line, FieldPath(name), problem);

    private YamlNode? Find(string name) =>
        _node.Children.TryGetValue(new YamlScalarNode(name), out YamlNode? value) ? value : null;

    // YAML 1.2 core schema: null, Null, NULL, ~ and the empty plain scalar are null.
    private static bool IsNull(YamlScalarNode scalar) =>
        scalar.Style is ScalarStyle.Plain or ScalarStyle.Any && scalar.Value is "" or "~" or "null" or "Null" or "NULL";
}
