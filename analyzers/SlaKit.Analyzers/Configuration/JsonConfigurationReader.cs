using System;
using System.Globalization;
using System.Text;

namespace SlaKit.Analyzers.Configuration;

/// <summary>
/// Reads an appsettings JSON file (RFC 8259, plus the comments and trailing commas the .NET JSON configuration
/// provider accepts) into <see cref="ConfigurationData"/>. An analyzer cannot rely on System.Text.Json being
/// loadable in every compiler host, so this small reader does the job; a file it cannot read is ignored.
/// </summary>
internal sealed class JsonConfigurationReader
{
    /// <summary>Deeper nesting than this is not a settings file; the reader gives up rather than recurse further.</summary>
    private const int MaxDepth = 64;

    private readonly string _text;
    private readonly ConfigurationData _data = new();
    private int _position;

    private JsonConfigurationReader(string text) => _text = text;

    public static ConfigurationData? TryRead(string text)
    {
        var reader = new JsonConfigurationReader(text);
        try
        {
            reader.SkipTrivia();
            if (!reader.TryPeek('{'))
            {
                return null;
            }

            reader.ReadValue(string.Empty, 0);
            reader.SkipTrivia();
            return reader._position == text.Length ? reader._data : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private void ReadValue(string path, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new FormatException("Nested too deeply.");
        }

        SkipTrivia();
        char c = Peek();
        switch (c)
        {
            case '{':
                ReadObject(path, depth);
                break;
            case '[':
                ReadArray(path, depth);
                break;
            case '"':
                _data.SetValue(path, ReadString());
                break;
            default:
                _data.SetValue(path, ReadLiteral());
                break;
        }
    }

    private void ReadObject(string path, int depth)
    {
        Expect('{');
        if (path.Length > 0)
        {
            _data.AddContainer(path);
        }

        SkipTrivia();
        while (!TryPeek('}'))
        {
            SkipTrivia();
            string name = ReadString();
            SkipTrivia();
            Expect(':');
            ReadValue(path.Length == 0 ? name : path + ":" + name, depth + 1);
            if (!SkipSeparator('}'))
            {
                break;
            }
        }

        Expect('}');
    }

    private void ReadArray(string path, int depth)
    {
        Expect('[');
        _data.AddContainer(path);
        SkipTrivia();
        int index = 0;
        while (!TryPeek(']'))
        {
            ReadValue(path + ":" + index.ToString(CultureInfo.InvariantCulture), depth + 1);
            index++;
            if (!SkipSeparator(']'))
            {
                break;
            }
        }

        Expect(']');
    }

    /// <summary>After a member or element: a comma (possibly trailing), or the closing bracket.</summary>
    private bool SkipSeparator(char close)
    {
        SkipTrivia();
        if (TryPeek(','))
        {
            _position++;
            SkipTrivia();
            return true;
        }

        if (TryPeek(close))
        {
            return false;
        }

        throw new FormatException("Expected a comma.");
    }

    private string ReadString()
    {
        Expect('"');
        var builder = new StringBuilder();
        while (true)
        {
            char c = Next();
            if (c == '"')
            {
                return builder.ToString();
            }

            if (c != '\\')
            {
                builder.Append(c);
                continue;
            }

            char escape = Next();
            switch (escape)
            {
                case '"':
                case '\\':
                case '/':
                    builder.Append(escape);
                    break;
                case 'b':
                    builder.Append('\b');
                    break;
                case 'f':
                    builder.Append('\f');
                    break;
                case 'n':
                    builder.Append('\n');
                    break;
                case 'r':
                    builder.Append('\r');
                    break;
                case 't':
                    builder.Append('\t');
                    break;
                case 'u':
                    if (_position + 4 > _text.Length ||
                        !int.TryParse(_text.Substring(_position, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int code))
                    {
                        throw new FormatException("Bad \\u escape.");
                    }

                    builder.Append((char)code);
                    _position += 4;
                    break;
                default:
                    throw new FormatException("Bad escape.");
            }
        }
    }

    /// <summary>A number, <c>true</c>, <c>false</c> or <c>null</c>, kept as its text (null as no value).</summary>
    private string? ReadLiteral()
    {
        int start = _position;
        while (_position < _text.Length && (char.IsLetterOrDigit(_text[_position]) || _text[_position] is '-' or '+' or '.'))
        {
            _position++;
        }

        string literal = _text.Substring(start, _position - start);
        return literal switch
        {
            "" => throw new FormatException("Expected a value."),
            "null" => null,
            "true" => "True",
            "false" => "False",
            _ when literal[0] == '-' || char.IsDigit(literal[0]) => literal,
            _ => throw new FormatException("Unexpected literal."),
        };
    }

    private void SkipTrivia()
    {
        while (_position < _text.Length)
        {
            char c = _text[_position];
            if (char.IsWhiteSpace(c) || c == '\uFEFF')
            {
                _position++;
            }
            else if (c == '/' && _position + 1 < _text.Length && _text[_position + 1] == '/')
            {
                int end = _text.IndexOf('\n', _position);
                _position = end < 0 ? _text.Length : end + 1;
            }
            else if (c == '/' && _position + 1 < _text.Length && _text[_position + 1] == '*')
            {
                int end = _text.IndexOf("*/", _position + 2, StringComparison.Ordinal);
                if (end < 0)
                {
                    throw new FormatException("Unclosed comment.");
                }

                _position = end + 2;
            }
            else
            {
                return;
            }
        }
    }

    private bool TryPeek(char expected) => _position < _text.Length && _text[_position] == expected;

    private char Peek() => _position < _text.Length ? _text[_position] : throw new FormatException("Unexpected end.");

    private char Next() => _position < _text.Length ? _text[_position++] : throw new FormatException("Unexpected end.");

    private void Expect(char expected)
    {
        if (Next() != expected)
        {
            throw new FormatException("Expected '" + expected + "'.");
        }
    }
}
