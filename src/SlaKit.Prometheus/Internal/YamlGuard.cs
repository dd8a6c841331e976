using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace SlaKit.Prometheus;

/// <summary>
/// A parser that refuses, event by event as nodes are built from it, what would exhaust the reader: nesting deeper than
/// <see cref="SloDocument.MaximumDepth"/> (node building recurses, and 30,000 nested <c>[</c> end the process with a
/// stack overflow) and aliases (a few hundred bytes of aliases to aliases make billions of nodes to compare). Each event
/// is checked before the node it opens is built, so the text is read once and nothing runs deep or long first.
/// </summary>
/// <param name="parser">The parser of the text.</param>
/// <param name="source">The text's name in errors.</param>
internal sealed class YamlGuard(IParser parser, string source) : IParser
{
    private int _depth;

    public ParsingEvent? Current => parser.Current;

    /// <exception cref="SloDocumentException">At the first alias or the first level beyond the limit.</exception>
    /// <exception cref="YamlException">The text is not valid YAML.</exception>
    public bool MoveNext()
    {
        if (!parser.MoveNext())
        {
            return false;
        }

        switch (parser.Current)
        {
            case AnchorAlias alias:
                throw new SloDocumentException(source, alias.Start.Line, "",
                    $"uses the alias *{alias.Value}; SLO files may not use YAML aliases (write the value out)");
            case MappingStart or SequenceStart:
                if (++_depth > SloDocument.MaximumDepth)
                {
                    throw new SloDocumentException(source, parser.Current.Start.Line, "",
                        $"nests deeper than {SloDocument.MaximumDepth} levels");
                }

                break;
            case MappingEnd or SequenceEnd:
                _depth--;
                break;
        }

        return true;
    }
}
