using System.Text;
using SlaKit.Sip;
using static SlaKit.Tests.Sip.SipTestMessages;

namespace SlaKit.Tests.Sip;

public class SipMessageTests
{
    [Fact]
    public void Parses_a_request_line_and_its_headers_in_order()
    {
        var request = Assert.IsType<SipRequest>(SipMessage.Parse(Bytes(Options)));

        Assert.Equal("OPTIONS", request.Method);
        Assert.Equal("sip:carrier.example", request.RequestUri);
        Assert.Equal(["Via", "Max-Forwards", "To", "From", "Call-ID", "CSeq", "Content-Length"], request.Headers.Select(h => h.Key));
        Assert.Equal("a84b4c76e66710", request.Headers["call-id"]);
        Assert.True(request.Body.IsEmpty);
    }

    [Fact]
    public void Parses_a_status_line_with_an_empty_or_utf8_reason_phrase()
    {
        var ok = Assert.IsType<SipResponse>(SipMessage.Parse(Bytes(Ok)));
        Assert.Equal(200, ok.StatusCode);
        Assert.Equal("OK", ok.ReasonPhrase);

        var empty = Assert.IsType<SipResponse>(SipMessage.Parse(Bytes(Ok.Replace("200 OK", "200 ", StringComparison.Ordinal))));
        Assert.Equal("", empty.ReasonPhrase);

        var accented = Assert.IsType<SipResponse>(SipMessage.Parse(Bytes(Ok.Replace("200 OK", "480 Temporairement indisponible é", StringComparison.Ordinal))));
        Assert.Equal("Temporairement indisponible é", accented.ReasonPhrase);
    }

    [Fact]
    public void Expands_compact_header_names()
    {
        string compact =
            "MESSAGE sip:bob@example.com SIP/2.0\r\n" +
            "v: SIP/2.0/TCP 10.0.0.1;branch=z9hG4bKa\r\n" +
            "Max-Forwards: 70\r\n" +
            "t: <sip:bob@example.com>\r\n" +
            "f: <sip:alice@example.com>;tag=1\r\n" +
            "i: c1\r\n" +
            "CSeq: 1 MESSAGE\r\n" +
            "c: text/plain\r\n" +
            "m: <sip:alice@10.0.0.1>\r\n" +
            "k: path\r\n" +
            "s: hello\r\n" +
            "l: 2\r\n" +
            "\r\n" +
            "hi";

        SipMessage message = SipMessage.Parse(Bytes(compact));

        Assert.Equal(
            ["Via", "Max-Forwards", "To", "From", "Call-ID", "CSeq", "Content-Type", "Contact", "Supported", "Subject", "Content-Length"],
            message.Headers.Select(h => h.Key));
        Assert.Equal("hi", Encoding.UTF8.GetString(message.Body.Span));
    }

    [Fact]
    public void Joins_folded_lines_with_one_space()
    {
        string folded = Options.Replace("Call-ID: a84b4c76e66710\r\n", "Subject: I know you're there,\r\n   pick up the phone\r\n\t and talk to me!\r\nCall-ID: a84b4c76e66710\r\n", StringComparison.Ordinal);

        SipMessage message = SipMessage.Parse(Bytes(folded));

        Assert.Equal("I know you're there, pick up the phone and talk to me!", message.Headers["Subject"]);
    }

    [Fact]
    public void Ignores_crlfs_before_the_start_line()
    {
        SipMessage message = SipMessage.Parse(Bytes("\r\n\r\n" + Options));

        Assert.Equal("OPTIONS", Assert.IsType<SipRequest>(message).Method);
    }

    [Fact]
    public void Takes_the_body_from_content_length_or_the_rest_of_the_datagram()
    {
        string withBody = Options.Replace("Content-Length: 0", "Content-Length: 5", StringComparison.Ordinal) + "helloEXTRA";
        Assert.Equal("hello", Encoding.UTF8.GetString(SipMessage.Parse(Bytes(withBody)).Body.Span));

        string withoutLength = Options.Replace("Content-Length: 0\r\n", "", StringComparison.Ordinal) + "all of it";
        Assert.Equal("all of it", Encoding.UTF8.GetString(SipMessage.Parse(Bytes(withoutLength)).Body.Span));
    }

    [Fact]
    public void Numbers_may_have_leading_zeros_however_many()
    {
        // RFC 3261 gives these fields as 1*DIGIT; RFC 4475 §3.1.1.1 sends "Max-Forwards: 0068" and "CSeq: 0009".
        string padded = Options
            .Replace("Max-Forwards: 70", "Max-Forwards: 000000000000070", StringComparison.Ordinal)
            .Replace("CSeq: 63104", "CSeq: 00000000000063104", StringComparison.Ordinal)
            .Replace("Content-Length: 0", "Content-Length: 0000000000003", StringComparison.Ordinal) + "abc";

        SipMessage message = SipMessage.Parse(Bytes(padded));

        Assert.True(SipHeaderValues.TryParseMaxForwards(message.Headers["Max-Forwards"]!, out int hops));
        Assert.Equal(70, hops);
        Assert.True(SipHeaderValues.TryParseCSeq(message.Headers["CSeq"]!, out long sequence, out _));
        Assert.Equal(63104, sequence);
        Assert.Equal("abc", Encoding.UTF8.GetString(message.Body.Span));

        // The bounds still hold after the zeros.
        Assert.Throws<SipParseException>(() => SipMessage.Parse(Bytes(Options.Replace("Max-Forwards: 70", "Max-Forwards: 0000256", StringComparison.Ordinal))));
        Assert.Throws<SipParseException>(() => SipMessage.Parse(Bytes(Options.Replace("CSeq: 63104", "CSeq: 0002147483648", StringComparison.Ordinal))));
        Assert.Throws<SipParseException>(() => SipMessage.Parse(Bytes(Options.Replace("Content-Length: 0", "Content-Length: 00065537", StringComparison.Ordinal))));
    }

    [Fact]
    public void Reads_retry_after_delta_seconds_with_a_comment_and_parameters()
    {
        var response = new SipResponse(503, "Service Unavailable");
        Assert.Null(response.RetryAfter);

        response.Headers.Set("Retry-After", "18000;duration=3600");
        Assert.Equal(TimeSpan.FromSeconds(18000), response.RetryAfter);

        response.Headers.Set("Retry-After", "120 (I'm in a meeting)");
        Assert.Equal(TimeSpan.FromSeconds(120), response.RetryAfter);

        response.Headers.Set("Retry-After", "soon");
        Assert.Null(response.RetryAfter);

        response.Headers.Set("Retry-After", "12x");
        Assert.Null(response.RetryAfter);
    }

    [Fact]
    public void Serializes_with_a_content_length_taken_from_the_body()
    {
        var request = new SipRequest("MESSAGE", "sip:bob@example.com") { Body = Encoding.UTF8.GetBytes("héllo") };
        request.Headers.Add("Content-Length", "999");
        request.Headers.Add("Content-Type", "text/plain");

        string text = Encoding.UTF8.GetString(request.ToBytes());

        Assert.Equal("MESSAGE sip:bob@example.com SIP/2.0\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n\r\nhéllo", text);
    }

    [Fact]
    public void A_serialized_message_parses_back_to_the_same_message()
    {
        var request = (SipRequest)SipMessage.Parse(Bytes(Options));
        request.Body = Encoding.UTF8.GetBytes("v=0");

        var again = (SipRequest)SipMessage.Parse(request.ToBytes());

        Assert.Equal(request.Method, again.Method);
        Assert.Equal(request.RequestUri, again.RequestUri);
        Assert.Equal(request.Headers.Where(h => h.Key != "Content-Length"), again.Headers.Where(h => h.Key != "Content-Length"));
        Assert.Equal("3", again.Headers["Content-Length"]);
        Assert.Equal("v=0", Encoding.UTF8.GetString(again.Body.Span));
    }

    [Fact]
    public void Constructors_reject_what_cannot_be_written()
    {
        Assert.Throws<ArgumentException>("method", () => new SipRequest("OPT IONS", "sip:a"));
        Assert.Throws<ArgumentException>("requestUri", () => new SipRequest("OPTIONS", "sip:a b"));
        Assert.Throws<ArgumentException>("requestUri", () => new SipRequest("OPTIONS", "no-scheme"));
        Assert.Throws<ArgumentOutOfRangeException>("statusCode", () => new SipResponse(99, "x"));
        Assert.Throws<ArgumentOutOfRangeException>("statusCode", () => new SipResponse(700, "x"));
        Assert.Throws<ArgumentException>("reasonPhrase", () => new SipResponse(200, "OK\r\nVia: x"));
    }

    public static TheoryData<string, string, string> Malformed => new()
    {
        // name, message, the text at whose first occurrence the error is reported ("" = end of input, CRLFCRLF = the empty line)
        { "bare LF ends a line", Options.Replace("Max-Forwards: 70\r\n", "Max-Forwards: 70\n", StringComparison.Ordinal), "\nTo:" },
        { "CR without LF", Options.Replace("Max-Forwards: 70\r\n", "Max-Forwards: 70\rX\n", StringComparison.Ordinal), "\rX" },
        { "no empty line after the headers", Options[..^2], "" },
        { "header without a colon", Options.Replace("Max-Forwards: 70", "Max-Forwards 70", StringComparison.Ordinal), "70\r\n" },
        { "header name not a token", Options.Replace("Max-Forwards: 70", "Max Forwards: 70", StringComparison.Ordinal), "Forwards:" },
        { "method not a token", Options.Replace("OPTIONS sip", "OPT@ONS sip", StringComparison.Ordinal), "@" },
        { "wrong version", Options.Replace("SIP/2.0\r\nVia", "SIP/3.0\r\nVia", StringComparison.Ordinal), "SIP/3.0" },
        { "status code too low", Ok.Replace("200 OK", "099 OK", StringComparison.Ordinal), "099" },
        { "status code too high", Ok.Replace("200 OK", "700 OK", StringComparison.Ordinal), "700" },
        { "no space after the status code", Ok.Replace("200 OK", "200OK", StringComparison.Ordinal), "OK" },
        { "content length beyond the body", Options.Replace("Content-Length: 0", "Content-Length: 10", StringComparison.Ordinal) + "short", "" },
        { "content length not a number", Options.Replace("Content-Length: 0", "Content-Length: -1", StringComparison.Ordinal), "Content-Length" },
        { "two CSeq headers", Options.Replace("Content-Length: 0", "CSeq: 2 OPTIONS\r\nContent-Length: 0", StringComparison.Ordinal), "CSeq: 2" },
        { "CSeq of another method", Options.Replace("63104 OPTIONS", "63104 INVITE", StringComparison.Ordinal), "CSeq" },
        { "CSeq beyond 2^31", Options.Replace("63104 OPTIONS", "2147483648 OPTIONS", StringComparison.Ordinal), "CSeq" },
        { "no Via", Options.Replace("Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK776asdhds\r\n", "", StringComparison.Ordinal), "\r\n\r\n" },
        { "no Max-Forwards in a request", Options.Replace("Max-Forwards: 70\r\n", "", StringComparison.Ordinal), "\r\n\r\n" },
        { "Max-Forwards above 255", Options.Replace("Max-Forwards: 70", "Max-Forwards: 256", StringComparison.Ordinal), "Max-Forwards" },
        { "Via without sent-by", Options.Replace("SIP/2.0/UDP 10.0.0.1:5060;", "SIP/2.0/UDP ;", StringComparison.Ordinal), "Via" },
        { "Via with a port of 0", Options.Replace("10.0.0.1:5060", "10.0.0.1:0", StringComparison.Ordinal), "Via" },
        { "Call-ID with a space", Options.Replace("a84b4c76e66710", "a84b c76", StringComparison.Ordinal), "Call-ID" },
        { "control character in a value", Options.Replace("<sip:carrier.example>", "<sip:carrier\u0001.example>", StringComparison.Ordinal), "\u0001" },
        { "control character escaped outside a quoted string", Options.Replace("<sip:carrier.example>", "\\\u0001 <sip:carrier.example>", StringComparison.Ordinal), "\u0001" },
        { "control character unescaped in a quoted string", Options.Replace("<sip:carrier.example>", "\"a\u0001\" <sip:carrier.example>", StringComparison.Ordinal), "\u0001" },
        { "From with a quoted string that does not end", Options.Replace("From: <sip:alice", "From: \"Alice <sip:alice", StringComparison.Ordinal), "From:" },
        { "continuation line first", Options.Replace("Via:", " Via:", StringComparison.Ordinal), " Via:" },
        { "empty message", "", "" },
        { "only CRLFs", "\r\n\r\n", "" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_messages_throw_a_parse_exception_at_the_offending_byte(string name, string message, string at)
    {
        byte[] bytes = Bytes(message);
        int expected = at.Length == 0 ? bytes.Length : Encoding.UTF8.GetByteCount(message[..message.IndexOf(at, StringComparison.Ordinal)]);
        if (at == "\r\n\r\n")
        {
            expected += 2; // a missing header is reported at the empty line that ends the header section
        }

        SipParseException error = Assert.Throws<SipParseException>(() => SipMessage.Parse(bytes));

        Assert.True(expected == error.Position, $"{name}: expected position {expected}, got {error.Position} ({error.Message})");
        Assert.Contains($"(at byte {error.Position})", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_utf8_is_reported_at_its_first_bad_byte()
    {
        byte[] bytes = Bytes(Options.Replace("Call-ID", "Subject: ab\u00ffcd\r\nCall-ID", StringComparison.Ordinal));
        int at = Encoding.UTF8.GetByteCount(Options[..Options.IndexOf("Call-ID", StringComparison.Ordinal)] + "Subject: ab");
        bytes[at] = 0xFF; // a lone 0xFF is never valid UTF-8
        bytes[at + 1] = (byte)'x';

        SipParseException error = Assert.Throws<SipParseException>(() => SipMessage.Parse(bytes));

        Assert.Equal(at, error.Position);
    }

    [Fact]
    public void Messages_beyond_the_size_and_header_limits_are_refused()
    {
        byte[] huge = Bytes(Options.Replace("Content-Length: 0", $"Content-Length: {SipMessage.MaxMessageSize}", StringComparison.Ordinal) + new string('x', SipMessage.MaxMessageSize));
        Assert.Equal(SipMessage.MaxMessageSize, Assert.Throws<SipParseException>(() => SipMessage.Parse(huge)).Position);

        string manyHeaders = string.Concat(Enumerable.Range(0, SipMessage.MaxHeaderCount).Select(i => $"X-H{i}: {i}\r\n"));
        string message = Options.Replace("Content-Length: 0\r\n", manyHeaders, StringComparison.Ordinal);
        SipParseException error = Assert.Throws<SipParseException>(() => SipMessage.Parse(Bytes(message)));
        // The options request keeps 6 headers, so the 101st is X-H94.
        Assert.Equal(Encoding.UTF8.GetByteCount(message[..message.IndexOf($"X-H{SipMessage.MaxHeaderCount - 6}:", StringComparison.Ordinal)]), error.Position);
    }
}
