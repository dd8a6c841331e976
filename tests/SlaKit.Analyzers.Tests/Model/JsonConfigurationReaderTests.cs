using SlaKit.Analyzers.Configuration;

namespace SlaKit.Analyzers.Tests.Model;

public sealed class JsonConfigurationReaderTests
{
    [Fact]
    public void Objects_and_arrays_flatten_to_colon_paths_that_ignore_case()
    {
        ConfigurationData data = JsonConfigurationReader.TryRead("""
            {
              "A": { "B": "x", "List": [ "first", { "C": 2.5 } ], "Flag": true, "None": null },
              "Escaped": "quote \" backslash \\ slash \/ tab \t unicode \u00e9"
            }
            """)!;

        Assert.Equal("x", data.GetValue("a:b"));
        Assert.Equal("first", data.GetValue("A:List:0"));
        Assert.Equal("2.5", data.GetValue("A:LIST:1:C"));
        Assert.Equal("True", data.GetValue("A:Flag"));
        Assert.Null(data.GetValue("A:None"));
        Assert.True(data.HasSection("A:None"));
        Assert.Equal("quote \" backslash \\ slash / tab \t unicode \u00e9", data.GetValue("Escaped"));
        Assert.Equal(["B", "Flag", "List", "None"], data.GetChildKeys("A"));
        Assert.Equal(["0", "1"], data.GetChildKeys("A:List"));
    }

    [Fact]
    public void Comments_and_trailing_commas_are_accepted()
    {
        ConfigurationData data = JsonConfigurationReader.TryRead("""
            // leading comment
            {
              /* block
                 comment */
              "A": [1, 2,], // after
              "B": { "C": "d", },
            }
            """)!;

        Assert.Equal(["0", "1"], data.GetChildKeys("A"));
        Assert.Equal("d", data.GetValue("B:C"));
    }

    [Fact]
    public void An_overlay_replaces_values_key_by_key()
    {
        ConfigurationData baseData = JsonConfigurationReader.TryRead("""{ "R": [ { "N": "a", "E": "x" }, { "N": "b" } ] }""")!;
        ConfigurationData overlay = JsonConfigurationReader.TryRead("""{ "R": [ { "E": "y" }, {}, { "N": "c" } ] }""")!;

        ConfigurationData merged = baseData.Overlay(overlay);

        Assert.Equal(["0", "1", "2"], merged.GetChildKeys("R"));
        Assert.Equal("a", merged.GetValue("R:0:N"));
        Assert.Equal("y", merged.GetValue("R:0:E"));
        Assert.Equal("x", baseData.GetValue("R:0:E"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("[1, 2]")]
    [InlineData("{ \"A\": }")]
    [InlineData("{ \"A\": 1 \"B\": 2 }")]
    [InlineData("{ \"A\": \"unterminated }")]
    [InlineData("{ \"A\": tru }")]
    [InlineData("{ \"A\": \"\\q\" }")]
    [InlineData("{ \"A\": 1 } trailing")]
    [InlineData("{ /* unclosed ")]
    public void Text_that_is_not_a_settings_object_is_not_read(string text) =>
        Assert.Null(JsonConfigurationReader.TryRead(text));

    [Fact]
    public void Nesting_deeper_than_a_settings_file_needs_is_not_read()
    {
        string deep = string.Concat(Enumerable.Repeat("{\"a\":", 100)) + "1" + new string('}', 100);
        Assert.Null(JsonConfigurationReader.TryRead(deep));
        string fine = string.Concat(Enumerable.Repeat("{\"a\":", 10)) + "1" + new string('}', 10);
        Assert.Equal("1", JsonConfigurationReader.TryRead(fine)!.GetValue(string.Join(':', Enumerable.Repeat("a", 10))));
    }
}
