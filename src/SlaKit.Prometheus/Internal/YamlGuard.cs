using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace SlaKit.Prometheus;

/// <summary>
/// Reads a YAML text's events once, before anything builds nodes from it, and refuses what would exhaust the reader:
/// nesting deeper than <see cref="SloDocument.MaximumDepth"/> (node building recurses, and 30,000 nested <c>[</c> end the
/// process with a stack overflow) and aliases (a few hundred bytes of aliases to aliases expand into billions of
/// nodes). The parser itself keeps its state on the heap and reads each event once, so this pass is linear in the text.
/// </summary>
internal static class YamlGuard
{
    /// <summary>Throws <see cref="SloDocumentException"/> at the first alias or the first level beyond the limit.</summary>
    /// <exception cref="YamlException">The text is not valid YAML.</exception>
    public static void Check(string text, string source)
    {
        var parser = new Parser(new StringReader(text));
        int depth = 0;
        while (parser.MoveNext())
        {
            switch (parser.Current)
            {
                case AnchorAlias alias:
                    throw new SloDocumentException(source, alias.Start.Line, "",
                        $"uses the alias *{alias.Value}; SLO files may not use YAML aliases (write the value out)");
                case MappingStart or SequenceStart:
                    if (++depth > SloDocument.MaximumDepth)
                    {
                        throw new SloDocumentException(source, parser.Current.Start.Line, "",
                            $"nests deeper than {SloDocument.MaximumDepth} levels");
                    }

                    break;
                case MappingEnd or SequenceEnd:
                    depth--;
                    break;
            }
        }
    }
}
