using SlaKit.Sip;

namespace SlaKit.Tests.Sip;

/// <summary>The <c>host</c> rule of RFC 3261 §25.1 at its edges: lengths, octets, labels and brackets.</summary>
public class SipHostTests
{
    private static readonly string Label63 = new('a', 63);

    public static TheoryData<string, bool> Hosts => new()
    {
        { "pbx.example", true },
        { "pbx.example.", true },
        { "a", true },
        { "a-b.c-d", true },
        { "10.0.0.1", true },
        { "255.255.255.255", true },
        { "[::1]", true },
        { "[2001:db8::1]", true },
        { Label63 + ".example", true },
        { string.Join('.', Enumerable.Repeat("abcdefg", 32)), true },             // 255 characters
        { string.Join('.', Enumerable.Repeat("abcdefg", 32)) + "h", false },      // 256
        { "", false },
        { ".", false },
        { "[]", false },
        { "[::1", false },
        { "[10.0.0.1]", false },
        { "10.0.0", false },
        { "10.0.0.1.2", false },
        { "10.0..1", false },
        { "10.0.0.256", false },
        { "10.0.0.0001", false },
        { "pbx..example", false },
        { "-pbx.example", false },
        { "pbx-.example", false },
        { "pbx.example-", false },
        { "pbx.-example", false },
        { "pbx_1.example", false },
        { "pbx.9example", false },
        { Label63 + "a.example", false },
        { "a.example..", false },
    };

    [Theory]
    [MemberData(nameof(Hosts))]
    public void Is_a_host_exactly_as_the_grammar_says(string host, bool expected) =>
        Assert.Equal(expected, SipHost.IsHost(host));

    [Theory]
    [InlineData("10.0.0.1", true)]
    [InlineData("0.0.0.0", true)]
    [InlineData("1.2.3", false)]
    [InlineData("1.2.3.4.5", false)]
    [InlineData("1.2.3.+4", false)]
    [InlineData("1.2.3. 4", false)]
    [InlineData("pbx.example", false)]
    public void Ipv4_is_four_dotted_octets(string host, bool expected) =>
        Assert.Equal(expected, SipHost.IsIPv4(host));
}
