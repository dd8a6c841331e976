using SlaKit.Sip;

namespace SlaKit.Tests.Sip;

public class SipHeadersTests
{
    [Fact]
    public void Names_compare_without_case_and_compact_forms_expand()
    {
        var headers = new SipHeaders();
        headers.Add("i", "abc");
        headers.Add("v", "SIP/2.0/UDP a;branch=z9hG4bK1");
        headers.Add("call-id", "def");
        headers.Add("x-tenant", "t1");

        Assert.Equal(["Call-ID", "Via", "Call-ID", "x-tenant"], headers.Select(h => h.Key));
        Assert.Equal("abc", headers["CALL-ID"]);
        Assert.Equal("abc", headers["i"]);
        Assert.Equal(["abc", "def"], headers.GetValues("Call-Id"));
        Assert.Equal("t1", headers["X-Tenant"]);
        Assert.Null(headers["Subject"]);
        Assert.False(headers.Contains("s"));
    }

    [Fact]
    public void Set_keeps_one_line_where_the_first_was()
    {
        var headers = new SipHeaders();
        headers.Add("Route", "<sip:a;lr>");
        headers.Add("Subject", "x");
        headers.Add("Route", "<sip:b;lr>");

        headers.Set("route", "<sip:c;lr>");

        Assert.Equal([new("Route", "<sip:c;lr>"), new KeyValuePair<string, string>("Subject", "x")], headers);
        Assert.True(headers.Remove("ROUTE"));
        Assert.False(headers.Remove("Route"));
        Assert.Equal(1, headers.Count);
    }

    [Fact]
    public void Values_are_trimmed_and_may_not_break_the_framing()
    {
        var headers = new SipHeaders();
        headers.Add("Subject", "  hello\t");
        Assert.Equal("hello", headers["Subject"]);

        Assert.Throws<ArgumentException>("value", () => headers.Add("Subject", "x\r\nVia: forged"));
        Assert.Throws<ArgumentException>("value", () => headers.Add("Subject", "x\0"));
        Assert.Throws<ArgumentException>("name", () => headers.Add("Bad Name", "x"));
        Assert.Throws<ArgumentException>("name", () => headers.Add("Bad:Name", "x"));
        Assert.Throws<ArgumentException>("name", () => headers.Set("", "x"));
        Assert.Throws<ArgumentNullException>("name", () => headers.Add(null!, "x"));
    }

    [Fact]
    public void A_control_character_may_be_escaped_inside_a_quoted_string_but_a_line_break_never()
    {
        // RFC 3261 §25.1 quoted-pair, as a parsed To of RFC 4475 §3.1.1.2 has it, so that a response can copy it.
        var headers = new SipHeaders();
        headers.Add("To", "\"NUL:\\\0 DEL:\\\u007F\" <sip:a@example.com>");
        Assert.Equal("\"NUL:\\\0 DEL:\\\u007F\" <sip:a@example.com>", headers["To"]);

        Assert.Throws<ArgumentException>("value", () => headers.Add("To", "NUL:\\\0 <sip:a@example.com>"));
        Assert.Throws<ArgumentException>("value", () => headers.Add("To", "\"NUL:\0\" <sip:a@example.com>"));
        Assert.Throws<ArgumentException>("value", () => headers.Add("To", "\"x\\\r\nVia: forged\""));
        Assert.Throws<ArgumentException>("value", () => headers.Add("To", "\"x\\\nVia: forged\""));
    }
}
