using System.Text;
using SlaKit.Prometheus;
using SlaKit.Prometheus.Server;

namespace SlaKit.Tests.Prometheus;

/// <summary>The SLO document's edges (its size limit, empty and mixed documents, files with a byte-order mark), its exception, and the server options a reader refuses.</summary>
public sealed class SloDocumentEdgeTests
{
    /// <summary>The smallest SlaKit SLO file: one rolling SLO.</summary>
    internal const string SlaKitFile = """
        version: 1
        slos:
          - name: checkout
            target: 99.9
            window: 30d
        """;

    private const string OpenSlo = """
        apiVersion: openslo/v1
        kind: SLO
        metadata:
          name: checkout
        """;

    [Fact]
    public void A_document_exactly_at_the_size_limit_is_read_and_one_longer_is_refused_unread()
    {
        string atLimit = SlaKitFile + new string(' ', SloDocument.MaximumLength - SlaKitFile.Length);

        Assert.Single(SloDocument.Read(new StringReader(atLimit)));
        SloDocumentException error = Assert.Throws<SloDocumentException>(() => SloDocument.Read(new StringReader(atLimit + " ")));
        Assert.Equal($"slo: is longer than {SloDocument.MaximumLength} characters", error.Message);
    }

    [Theory]
    [InlineData("", "slo: holds no SLO")]
    [InlineData("---\n---\n", "slo: holds no SLO")]
    [InlineData("slos: [\n", "slo:2: is not valid YAML or JSON: ")]
    public void An_empty_or_broken_document_says_so(string text, string expected)
    {
        SloDocumentException error = Assert.Throws<SloDocumentException>(() => SloDocument.Read(new StringReader(text)));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stream_mixing_openslo_and_other_documents_names_the_first_that_is_not_openslo()
    {
        string mixed = OpenSlo + "\n---\nkind: Something\n";

        SloDocumentException error = Assert.Throws<SloDocumentException>(() => SloDocument.Read(new StringReader(mixed), "mixed.yaml"));

        Assert.Equal("mixed.yaml:6: is neither a SlaKit SLO file (a 'slos' list) nor an OpenSLO document ('apiVersion: openslo/v1')", error.Message);
        Assert.Equal(6, error.Line);
    }

    [Fact]
    public void A_file_is_read_with_its_byte_order_mark_and_named_by_its_file_name()
    {
        string path = Path.Combine(Path.GetTempPath(), $"slo-{Guid.NewGuid():N}.yaml");
        try
        {
            File.WriteAllText(path, "kind: Something\n", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
            SloDocumentException error = Assert.Throws<SloDocumentException>(() => SloDocument.ReadFile(path));
            Assert.StartsWith(Path.GetFileName(path) + ":1: is neither", error.Message, StringComparison.Ordinal);

            File.WriteAllText(path, SlaKitFile, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
            Assert.Equal("checkout", Assert.Single(SloDocument.ReadFile(path)).Slo.Name);
        }
        finally
        {
            File.Delete(path);
        }

        Assert.Equal("path", Assert.Throws<ArgumentNullException>(() => SloDocument.ReadFile(null!)).ParamName);
        Assert.Equal("reader", Assert.Throws<ArgumentNullException>(() => SloDocument.Read(null!)).ParamName);
    }

    [Fact]
    public void The_exception_places_its_problem_at_a_line_and_field_when_it_has_them()
    {
        Assert.Equal("a.yaml:3: slos[0].name: is empty", new SloDocumentException("a.yaml", 3, "slos[0].name", "is empty").Message);
        Assert.Equal("a.yaml: holds no SLO", new SloDocumentException("a.yaml", 0, "", "holds no SLO").Message);
        Assert.Equal("The SLO document cannot be read.", new SloDocumentException().Message);
        Assert.Equal(("", 0L), (new SloDocumentException("m").Field, new SloDocumentException("m", new IOException()).Line));
        Assert.Equal("", new SloDocumentException("m", new IOException()).Field);
        Assert.Equal("", new SloDocumentException().Field);
        Assert.Equal("field", Assert.Throws<ArgumentNullException>(() => new SloDocumentException("a.yaml", 1, null!, "x")).ParamName);
    }

    [Theory]
    [InlineData(null, null, null, null, 30, "Server")]
    [InlineData("/relative", null, null, null, 30, "Server")]
    [InlineData("ftp://127.0.0.1/", null, null, null, 30, "Server")]
    [InlineData("http://127.0.0.1:9090/", null, null, null, 0, "Timeout")]
    [InlineData("http://127.0.0.1:9090/", "t", "u", "p", 30, "BearerToken")]
    [InlineData("http://127.0.0.1:9090/", null, "u", null, 30, "UserName")]
    [InlineData("http://127.0.0.1:9090/", null, null, "p", 30, "UserName")]
    public void A_reader_refuses_server_options_it_cannot_use(string? server, string? token, string? user, string? password, int timeoutSeconds, string parameter)
    {
        var options = new PrometheusServerOptions
        {
            Server = server is null ? null : new Uri(server, UriKind.RelativeOrAbsolute),
            BearerToken = token,
            UserName = user,
            Password = password,
            Timeout = TimeSpan.FromSeconds(timeoutSeconds),
        };

        ArgumentException error = Assert.ThrowsAny<ArgumentException>(() => new PrometheusSlaReader(new HttpClient(), options));

        Assert.Equal(parameter, error.ParamName);
    }

    [Theory]
    [InlineData("https://prom.example/", null, null, null)]
    [InlineData("http://127.0.0.1:9090/", "t", null, null)]
    [InlineData("http://127.0.0.1:9090/", null, "u", "p")]
    public void A_reader_takes_http_or_https_with_one_kind_of_credentials(string server, string? token, string? user, string? password)
    {
        var options = new PrometheusServerOptions { Server = new Uri(server), BearerToken = token, UserName = user, Password = password, Timeout = TimeSpan.FromTicks(1) };

        Assert.NotNull(new PrometheusSlaReader(new HttpClient(), options));
    }
}
