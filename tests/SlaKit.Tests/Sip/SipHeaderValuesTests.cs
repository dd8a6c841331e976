using SlaKit.Sip;

namespace SlaKit.Tests.Sip;

/// <summary>
/// The readers of structured header values, one value at a time: Via (RFC 3261 §20.42, §25.1), CSeq (§20.16),
/// Retry-After (§20.33), the tag of From and To (§20.20, §20.39), and the first of several comma-separated values (§7.3.1).
/// </summary>
public class SipHeaderValuesTests
{
    [Theory]
    [InlineData("SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK776", "z9hG4bK776")]
    [InlineData("SIP/2.0/TCP pbx.example", "")]
    [InlineData("SIP / 2.0 / TLS\tpbx.example;branch=z9hG4bKa", "z9hG4bKa")]
    [InlineData("SIP/2.0/UDP pbx.example ; received = 10.0.0.9 ; branch = z9hG4bKb", "z9hG4bKb")]
    [InlineData("SIP/2.0/UDP [2001:db8::1]:5061;branch=z9hG4bKc", "z9hG4bKc")]
    [InlineData("SIP/2.0/UDP [2001:db8::1];rport;branch=z9hG4bKd", "z9hG4bKd")]
    [InlineData("SIP/2.0/UDP pbx.example;x=\"a;b \\\" c\";branch=z9hG4bKe", "z9hG4bKe")]
    [InlineData("SIP/2.0/UDP pbx.example;maddr=[2001:db8::9];branch=z9hG4bKf", "z9hG4bKf")]
    [InlineData("SIP/2.0/UDP pbx.example:65535", "")]
    [InlineData("SIP/2.0/UDP pbx.example;branch=z9hG4bKg  ", "z9hG4bKg")]
    public void A_well_formed_via_is_read_with_its_branch(string via, string branch)
    {
        Assert.True(SipHeaderValues.TryParseVia(via, out string read));
        Assert.Equal(branch, read);
    }

    [Theory]
    [InlineData("")]
    [InlineData("SIP/2.0/UDP")]
    [InlineData("SIP/2.0/UDPpbx.example")]
    [InlineData("SIP/2.0 pbx.example")]
    [InlineData("SIP//UDP pbx.example")]
    [InlineData("SIP/2.0/UDP  ")]
    [InlineData("SIP/2.0/UDP pbx.example:")]
    [InlineData("SIP/2.0/UDP pbx.example:0")]
    [InlineData("SIP/2.0/UDP pbx.example:65536")]
    [InlineData("SIP/2.0/UDP pbx.example:123456")]
    [InlineData("SIP/2.0/UDP pbx.example:50a")]
    [InlineData("SIP/2.0/UDP [2001:db8::1")]
    [InlineData("SIP/2.0/UDP [2001:db8::1]5060")]
    [InlineData("SIP/2.0/UDP [2001:db8::1]:")]
    [InlineData("SIP/2.0/UDP pbx.example branch=z9hG4bK")]
    [InlineData("SIP/2.0/UDP pbx.example;")]
    [InlineData("SIP/2.0/UDP pbx.example;=z9hG4bK")]
    [InlineData("SIP/2.0/UDP pbx.example;branch=")]
    [InlineData("SIP/2.0/UDP pbx.example;branch=\"z9hG4bK\"")]
    [InlineData("SIP/2.0/UDP pbx.example;x=\"never closed")]
    [InlineData("SIP/2.0/UDP pbx.example;x=\"ends in a quoted pair\\\"")]
    [InlineData("SIP/2.0/UDP pbx.example;x=\"a\"b")]
    [InlineData("SIP/2.0/UDP pbx..example")]
    public void A_malformed_via_is_refused(string via) =>
        Assert.False(SipHeaderValues.TryParseVia(via, out _));

    [Theory]
    [InlineData("SIP/2.0/UDP a.example;branch=z9hG4bK1, SIP/2.0/UDP b.example;branch=z9hG4bK2", "SIP/2.0/UDP a.example;branch=z9hG4bK1")]
    [InlineData("SIP/2.0/UDP a.example;x=\"1,2\";branch=z9hG4bK1 \t, SIP/2.0/UDP b.example", "SIP/2.0/UDP a.example;x=\"1,2\";branch=z9hG4bK1")]
    [InlineData("SIP/2.0/UDP a.example;x=\"\\\",\";branch=z9hG4bK1,b", "SIP/2.0/UDP a.example;x=\"\\\",\";branch=z9hG4bK1")]
    [InlineData("\\,a", "\\")]
    [InlineData("one", "one")]
    public void The_first_element_ends_at_the_first_comma_outside_quotes(string value, string first) =>
        Assert.Equal(first, SipHeaderValues.FirstElement(value).ToString());

    [Theory]
    [InlineData("\"Bob\" <sip:bob@b.example;tag=uri>;tag=8321234356", "8321234356")]
    [InlineData("<sip:bob@b.example;tag=uri>", null)]
    [InlineData("sip:bob@b.example;tag=1928", "1928")]
    [InlineData("sip:bob@b.example ; TAG = 77 ", "77")]
    [InlineData("sip:bob@b.example;tagx=1;tag=2", "2")]
    [InlineData("sip:bob@b.example;tag", null)]
    [InlineData("sip:bob@b.example", null)]
    public void The_tag_is_read_outside_the_uri(string nameAddr, string? tag)
    {
        Assert.Equal(tag, SipHeaderValues.Tag(nameAddr));
        Assert.Equal(tag is not null, SipHeaderValues.HasTag(nameAddr));
    }

    [Theory]
    [InlineData("120", 120)]
    [InlineData("0", 0)]
    [InlineData("18 (lunch)", 18)]
    [InlineData("18;duration=3600", 18)]
    [InlineData("18\t(x)", 18)]
    [InlineData("4294967295", 4294967295)]
    public void Retry_after_reads_its_seconds(string value, long seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), SipHeaderValues.ParseRetryAfter(value));

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("12x")]
    [InlineData("4294967296")]
    [InlineData("04294967295")]
    [InlineData("-5")]
    public void Retry_after_without_seconds_is_none(string value) =>
        Assert.Null(SipHeaderValues.ParseRetryAfter(value));

    [Theory]
    [InlineData("1 INVITE", 1, "INVITE")]
    [InlineData("0009 \t OPTIONS", 9, "OPTIONS")]
    [InlineData("2147483647 BYE", 2147483647, "BYE")]
    public void A_cseq_is_read(string value, long number, string method)
    {
        Assert.True(SipHeaderValues.TryParseCSeq(value, out long read, out string readMethod));
        Assert.Equal((number, method), (read, readMethod));
    }

    [Theory]
    [InlineData("1INVITE")]
    [InlineData("1 ")]
    [InlineData("1 IN VITE")]
    [InlineData("INVITE")]
    [InlineData("2147483648 INVITE")]
    [InlineData(" 1 INVITE")]
    public void A_malformed_cseq_is_refused(string value)
    {
        Assert.False(SipHeaderValues.TryParseCSeq(value, out long number, out string method));
        Assert.Equal((0L, ""), (number, method));
    }
}
