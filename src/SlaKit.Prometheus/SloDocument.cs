using System.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SlaKit.Prometheus;

/// <summary>
/// Reads SLO files, in YAML or JSON: SlaKit's own format (a <c>slos</c> list) or OpenSLO documents
/// (<c>apiVersion: openslo/v1</c>, <c>kind: SLO</c>).
/// </summary>
/// <remarks>
/// <para>SlaKit's format, version 1 (JSON works too, as the same fields in an object):</para>
/// <code>
/// version: 1
/// slos:
///   - name: checkout            # labels the SLO's metrics and alerts
///     target: 99.9              # percent, from 1 to below 100 (0.999 is refused as a ratio)
///     window: 30d               # a rolling window (1h to 366d), or calendar-month
///     timeZone: Europe/Berlin   # calendar-month only; UTC when absent
///     budgeting: events         # or time-slices
///     sliceLength: 1m           # time-slices: whole minutes, 1m to 60m
///     sliceTarget: 95           # time-slices: percent (1 to 100) of good events that makes a slice good
///     latencyThreshold: 300ms   # optional: a request is good when faster than this
///     metric: slakit_slo_events_total   # optional: the counter's name as scraped
/// </code>
/// <para>
/// OpenSLO documents are read from a <c>ratioMetric</c> with good or bad
/// and total Prometheus queries, a rolling or calendar-month <c>timeWindow</c>, <c>Occurrences</c> or
/// <c>Timeslices</c>, one objective with <c>target</c> or <c>targetPercent</c>. Several documents may share a file,
/// separated by <c>---</c>; <c>kind: SLI</c> documents serve <c>indicatorRef</c>, <c>kind: Service</c> documents are
/// skipped. Any field SlaKit does not support is an error that names it.
/// </para>
/// </remarks>
public static class SloDocument
{
    /// <summary>The version of SlaKit's own SLO file format that this reads: 1.</summary>
    public const int Version = 1;

    /// <summary>The longest SLO file read: 4 MiB.</summary>
    public const int MaximumLength = 4 * 1024 * 1024;

    /// <summary>The most SLOs one file may hold: 1,000.</summary>
    public const int MaximumSlos = 1000;

    /// <summary>The deepest nesting of mappings and sequences read: 64 levels. An SLO file needs fewer than ten.</summary>
    public const int MaximumDepth = 64;

    /// <summary>Reads the SLOs of a file.</summary>
    /// <param name="path">The file's path.</param>
    /// <returns>The SLOs, in the order the file gives them.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is <see langword="null"/>.</exception>
    /// <exception cref="SloDocumentException">The file is malformed, longer than <see cref="MaximumLength"/>, nests deeper than
    /// <see cref="MaximumDepth"/>, uses a YAML alias, or uses an unsupported field.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static IReadOnlyList<PrometheusSlo> ReadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return Read(reader, Path.GetFileName(path));
    }

    /// <summary>Reads the SLOs of a text.</summary>
    /// <param name="reader">The YAML or JSON text.</param>
    /// <param name="source">A name for the text in error messages, such as its file name; <c>slo</c> when <see langword="null"/>.</param>
    /// <returns>The SLOs, in the order the text gives them.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="reader"/> is <see langword="null"/>.</exception>
    /// <exception cref="SloDocumentException">The text is malformed, longer than <see cref="MaximumLength"/>, nests deeper than
    /// <see cref="MaximumDepth"/>, uses a YAML alias, or uses an unsupported field.</exception>
    public static IReadOnlyList<PrometheusSlo> Read(TextReader reader, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        source ??= "slo";
        var text = new StringBuilder();
        var buffer = new char[8192];
        int read;
        while ((read = reader.Read(buffer, 0, buffer.Length)) > 0)
        {
            text.Append(buffer, 0, read);
            if (text.Length > MaximumLength)
            {
                throw new SloDocumentException(source, 0, "", $"is longer than {MaximumLength} characters");
            }
        }

        var stream = new YamlStream();
        try
        {
            stream.Load(new YamlGuard(new Parser(new StringReader(text.ToString())), source));
        }
        catch (YamlException exception)
        {
            throw new SloDocumentException(source, exception.Start.Line, "", $"is not valid YAML or JSON: {exception.Message}", exception);
        }

        YamlNode[] roots = [.. stream.Documents.Select(static document => document.RootNode).Where(static node => node is not YamlScalarNode { Value: null or "" })];
        if (roots.Length == 0)
        {
            throw new SloDocumentException(source, 0, "", "holds no SLO");
        }

        if (roots.All(OpenSloReader.IsOpenSlo))
        {
            return OpenSloReader.Read(roots, source);
        }

        if (roots.Length == 1 && roots[0] is YamlMappingNode mapping && mapping.Children.ContainsKey(new YamlScalarNode("slos")))
        {
            return SlaKitSloReader.Read(roots[0], source);
        }

        YamlNode culprit = roots.FirstOrDefault(static root => !OpenSloReader.IsOpenSlo(root)) ?? roots[0];
        throw new SloDocumentException(source, culprit.Start.Line, "",
            "is neither a SlaKit SLO file (a 'slos' list) nor an OpenSLO document ('apiVersion: openslo/v1')");
    }
}
