using System.Text;
using SlaKit.Sip;

namespace SlaKit.Tests.Sip;

/// <summary>
/// Each way a message can be malformed, with the exact reason and the byte the parser points at: the reason is what an
/// operator reads in the log when a carrier's messages are dropped, so a wrong one is a bug too.
/// </summary>
public class SipParseErrorTests
{
    private const string Heads =
        "Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1\r\n" +
        "From: <sip:a@x.example>;tag=1\r\n" +
        "To: <sip:b@x.example>\r\n" +
        "Call-ID: c1\r\n" +
        "CSeq: 1 OPTIONS\r\n";

    private const string Ok = "SIP/2.0 200 OK\r\n";
    private const string Request = "OPTIONS sip:x.example SIP/2.0\r\n";
    private const string End = "Content-Length: 0\r\n\r\n";

    /// <summary>The wire text, the reason, and where the parser must point: at <c>marker</c>'s first occurrence plus <c>offset</c> (a missing header: the empty line).</summary>
    public static TheoryData<string, string, string, int> Malformed => new()
    {
        { "", "the message has no start line", "", 0 },
        { "\r\n\r\n", "the message has no start line", "", 4 },
        { "SIP/2.0 200 OK", "a line does not end with CRLF", "", 14 },
        { "SIP/2.0 200 OK\n" + Heads + End, "a line feed without a carriage return before it", "\n", 0 },
        { "SIP/2.0 200 OK\rX" + Heads + End, "a carriage return not followed by a line feed", "\r", 0 },
        { Ok + Heads, "the header section does not end with an empty line", "", (Ok + Heads).Length },
        { Ok + " folded\r\n" + Heads + End, "a folded continuation line where a header field should start", " folded", 0 },
        { "SIP/2.1 200 OK\r\n" + Heads + End, "the version is not SIP/2.0", "", 0 },
        { "SIP/2.0\r\n" + Heads + End, "expected a space after SIP/2.0", "", 7 },
        { "SIP/2.0_200 OK\r\n" + Heads + End, "expected a space after SIP/2.0", "", 7 },
        { "SIP/2.0 20 OK\r\n" + Heads + End, "expected a three-digit status code from 100 to 699", "", 8 },
        { "SIP/2.0 2x0 OK\r\n" + Heads + End, "expected a three-digit status code from 100 to 699", "", 8 },
        { "SIP/2.0 700 OK\r\n" + Heads + End, "expected a three-digit status code from 100 to 699", "", 8 },
        { "SIP/2.0 099 OK\r\n" + Heads + End, "expected a three-digit status code from 100 to 699", "", 8 },
        { "SIP/2.0 200\r\n" + Heads + End, "expected a space after the status code", "", 11 },
        { "SIP/2.0 200OK\r\n" + Heads + End, "expected a space after the status code", "", 11 },
        { "SIP/2.0 200 O\u0001K\r\n" + Heads + End, "a control character (0x01) in a header value or reason phrase", "\u0001", 0 },
        { "@PTIONS sip:x.example SIP/2.0\r\n" + Heads + End, "the start line does not begin with a method or SIP/2.0", "", 0 },
        { "OPTIONS\tsip:x.example SIP/2.0\r\n" + Heads + End, "expected a single space after the method", "\t", 0 },
        { "OPTIONS\r\n" + Heads + End, "expected a single space after the method", "\r", 0 },
        { "OPTIONS  sip:x.example SIP/2.0\r\n" + Heads + End, "expected a Request-URI followed by a space and SIP/2.0", "", 8 },
        { "OPTIONS sip:x\u0001y SIP/2.0\r\n" + Heads + End, "the Request-URI holds a byte that is not printable ASCII", "\u0001", 0 },
        { "OPTIONS sip:x\u007Fy SIP/2.0\r\n" + Heads + End, "the Request-URI holds a byte that is not printable ASCII", "\u007F", 0 },
        { "OPTIONS x.example SIP/2.0\r\n" + Heads + End, "the Request-URI has no scheme", "x.example", 0 },
        { "OPTIONS sip:x.example SIP/2.1\r\n" + Heads + End, "the request line does not end with SIP/2.0", "SIP/2.1", 0 },
        { Ok + ": x\r\n" + Heads + End, "a header field name must be a token", ": x", 0 },
        { Ok + "Subject x\r\n" + Heads + End, "expected ':' after the header name 'Subject'", "Subject x", 8 },
        { Ok + "Subject  \r\n" + Heads + End, "expected ':' after the header name 'Subject'", "Subject  ", 9 },
        { Ok + "Subject: a\u0002b\r\n" + Heads + End, "a control character (0x02) in a header value or reason phrase", "\u0002", 0 },
        { Ok + Heads + "CSeq: 2 OPTIONS\r\n" + End, "the message has more than one CSeq header", "CSeq: 2", 0 },
        { Ok + Heads + "Call-ID: c2\r\n" + End, "the message has more than one Call-ID header", "Call-ID: c2", 0 },
        { Ok + Heads.Replace("Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1\r\n", "") + End, "the message has no Via header", "\r\n\r\n", 2 },
        { Ok + Heads.Replace("From: <sip:a@x.example>;tag=1\r\n", "") + End, "the message has no From header", "\r\n\r\n", 2 },
        { Ok + Heads.Replace("To: <sip:b@x.example>\r\n", "") + End, "the message has no To header", "\r\n\r\n", 2 },
        { Ok + Heads.Replace("Call-ID: c1\r\n", "") + End, "the message has no Call-ID header", "\r\n\r\n", 2 },
        { Ok + Heads.Replace("CSeq: 1 OPTIONS\r\n", "") + End, "the message has no CSeq header", "\r\n\r\n", 2 },
        { Request + Heads + End, "the message has no Max-Forwards header", "\r\n\r\n", 2 },
        { Ok + Heads.Replace("Call-ID: c1", "Call-ID: c 1") + End, "Call-ID is empty or holds white space", "Call-ID", 0 },
        { Ok + Heads.Replace("Call-ID: c1", "Call-ID:") + End, "Call-ID is empty or holds white space", "Call-ID", 0 },
        { Ok + Heads.Replace("From: <sip:a@x.example>;tag=1", "From: ") + End, "From is empty", "From", 0 },
        { Ok + Heads.Replace("To: <sip:b@x.example>", "To: \"Bob <sip:b@x.example>") + End, "To has a quoted string that does not end", "To:", 0 },
        { Ok + Heads.Replace("CSeq: 1 OPTIONS", "CSeq: 1OPTIONS") + End, "CSeq is not a sequence number below 2^31 followed by a method", "CSeq", 0 },
        { Ok + Heads + "Max-Forwards: 256\r\n" + End, "Max-Forwards is not a number from 0 to 255", "Max-Forwards", 0 },
        { Ok + Heads + "Content-Length: 65537\r\n\r\n", "Content-Length is not a number of bytes up to 65536", "Content-Length", 0 },
        { Ok + Heads.Replace("branch=z9hG4bK1", "branch=z9hG4bK1, SIP/2.0/UDP") + End, "Via is not SIP/2.0/transport host[:port] followed by parameters", "Via", 0 },
        { Request + "Max-Forwards: 70\r\n" + Heads.Replace("1 OPTIONS", "1 INVITE") + End, "the CSeq method 'INVITE' is not the request's method 'OPTIONS'", "CSeq", 0 },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void A_malformed_message_is_refused_with_its_reason_and_position(string wire, string reason, string marker, int offset)
    {
        var error = Assert.Throws<SipParseException>(() => SipMessage.Parse(Encoding.Latin1.GetBytes(wire)));

        int position = (marker.Length == 0 ? 0 : wire.IndexOf(marker, StringComparison.Ordinal)) + offset;
        Assert.Equal($"{reason} (at byte {position})", error.Message);
        Assert.Equal(position, error.Position);
    }

    [Fact]
    public void Bytes_that_are_not_utf8_are_pointed_at()
    {
        byte[] wire = [.. Encoding.ASCII.GetBytes(Ok + "Subject: ab"), 0xC3, (byte)'(', .. Encoding.ASCII.GetBytes("\r\n" + Heads + End)];

        var error = Assert.Throws<SipParseException>(() => SipMessage.Parse(wire));

        // The value's text starts right after the colon, at the space: the bad byte is its fourth.
        Assert.Equal(Ok.Length + "Subject: ab".Length, error.Position);
        Assert.StartsWith("bytes that are not valid UTF-8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_largest_message_parses_and_one_byte_more_is_refused()
    {
        string head = Ok + Heads + "Subject: ";
        string tail = "\r\n" + End;
        string largest = head + new string('x', SipMessage.MaxMessageSize - head.Length - tail.Length) + tail;

        Assert.Equal(SipMessage.MaxMessageSize, largest.Length);
        Assert.Equal(200, ((SipResponse)SipMessage.Parse(Encoding.ASCII.GetBytes(largest))).StatusCode);
        var error = Assert.Throws<SipParseException>(() => SipMessage.Parse(Encoding.ASCII.GetBytes(largest + "x")));
        Assert.Equal($"the message is longer than {SipMessage.MaxMessageSize} bytes (at byte {SipMessage.MaxMessageSize})", error.Message);
    }

    [Fact]
    public void The_most_header_fields_parse_and_one_more_is_refused()
    {
        // Heads and End hold six fields; the rest are padding.
        string padding = string.Concat(Enumerable.Range(0, SipMessage.MaxHeaderCount - 6).Select(i => $"X-{i}: {i}\r\n"));
        string most = Ok + Heads + padding + End;

        Assert.Equal(SipMessage.MaxHeaderCount, SipMessage.Parse(Encoding.ASCII.GetBytes(most)).Headers.Count);
        string tooMany = Ok + Heads + padding + "X-last: 1\r\n" + End;
        var error = Assert.Throws<SipParseException>(() => SipMessage.Parse(Encoding.ASCII.GetBytes(tooMany)));
        Assert.Equal($"the message has more than {SipMessage.MaxHeaderCount} header fields (at byte {tooMany.IndexOf("Content-Length", StringComparison.Ordinal)})", error.Message);
    }

    [Fact]
    public void Folded_lines_join_with_one_space_and_keep_quoted_pairs_across_the_fold()
    {
        string wire = Ok + "Subject: a\r\n b\r\n \t\r\n\tc\r\n" + "Warning: 399 x \"one\r\n \\\u0001two\"\r\n" +
            Heads.Replace("branch=z9hG4bK1", "branch=z9hG4bK1 ,  SIP/2.0/UDP b.example;branch=z9hG4bK2") + End;

        SipMessage message = SipMessage.Parse(Encoding.ASCII.GetBytes(wire));

        Assert.Equal("a b c", message.Headers["Subject"]);
        Assert.Equal("399 x \"one \\\u0001two\"", message.Headers["Warning"]);
        Assert.Equal("SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1 ,  SIP/2.0/UDP b.example;branch=z9hG4bK2", message.Headers["Via"]);
    }
}
