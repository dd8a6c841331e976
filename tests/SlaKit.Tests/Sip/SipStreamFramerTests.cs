using SlaKit.Sip;
using static SlaKit.Tests.Sip.SipTestMessages;

namespace SlaKit.Tests.Sip;

public class SipStreamFramerTests
{
    private readonly SipStreamFramer _framer = new();

    [Fact]
    public void Splits_messages_by_content_length_and_skips_keepalive_crlfs()
    {
        string withBody = Ok.Replace("Content-Length: 0", "Content-Length: 4", StringComparison.Ordinal) + "body";
        Feed("\r\n\r\n" + withBody + "\r\n" + Ok);

        Assert.True(_framer.TryReadMessage(out SipMessage? first));
        Assert.Equal("body"u8.ToArray(), first.Body.ToArray());
        Assert.True(_framer.TryReadMessage(out SipMessage? second));
        Assert.True(second.Body.IsEmpty);
        Assert.False(_framer.TryReadMessage(out _));
    }

    [Fact]
    public void Waits_for_the_rest_of_a_message_that_arrives_byte_by_byte()
    {
        string withBody = Ok.Replace("Content-Length: 0", "Content-Length: 3", StringComparison.Ordinal) + "abc";
        byte[] bytes = Bytes(withBody);
        int complete = 0;
        for (int i = 0; i < bytes.Length; i++)
        {
            bytes.AsSpan(i, 1).CopyTo(_framer.GetWriteBuffer().Span);
            _framer.Advance(1);
            if (_framer.TryReadMessage(out SipMessage? message))
            {
                complete++;
                Assert.Equal(bytes.Length - 1, i);
                Assert.Equal(200, Assert.IsType<SipResponse>(message).StatusCode);
            }
        }

        Assert.Equal(1, complete);
    }

    [Fact]
    public void A_message_without_content_length_cannot_be_framed()
    {
        Feed(Ok.Replace("Content-Length: 0\r\n", "", StringComparison.Ordinal));

        SipParseException error = Assert.Throws<SipParseException>(() => _framer.TryReadMessage(out _));
        Assert.Contains("Content-Length", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_header_section_that_never_ends_is_refused_at_the_size_limit()
    {
        byte[] filler = new byte[SipMessage.MaxMessageSize];
        filler.AsSpan().Fill((byte)'a');
        filler.CopyTo(_framer.GetWriteBuffer().Span);
        _framer.Advance(filler.Length);

        Assert.Equal(SipMessage.MaxMessageSize, Assert.Throws<SipParseException>(() => _framer.TryReadMessage(out _)).Position);
    }

    [Fact]
    public void A_refused_message_that_is_well_framed_is_skipped_with_its_body_and_reported()
    {
        var dropped = new List<SipParseException>();
        var framer = new SipStreamFramer(dropped.Add);

        // The body looks like a message of its own: skipping by Content-Length must not read it as one.
        string refused = Ok.Replace("CSeq: ", "CSeq: 99999999999", StringComparison.Ordinal)
            .Replace("Content-Length: 0", "Content-Length: " + Ok.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal) + Ok;
        string good = Ok.Replace("200 OK", "180 Ringing", StringComparison.Ordinal);
        byte[] bytes = Bytes(refused + good);

        // Byte by byte: the refused message is skipped only once its whole body is in.
        var taken = new List<int>();
        for (int i = 0; i < bytes.Length; i++)
        {
            bytes.AsSpan(i, 1).CopyTo(framer.GetWriteBuffer().Span);
            framer.Advance(1);
            if (framer.TryReadMessage(out SipMessage? message))
            {
                taken.Add(Assert.IsType<SipResponse>(message).StatusCode);
            }
        }

        Assert.Equal([180], taken);
        Assert.Contains("CSeq", Assert.Single(dropped).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("l: 0", true)]
    [InlineData("content-length :\t0", true)]
    [InlineData("Content-Length: 0\r\nl: 0", false)]
    [InlineData("Content-Length: 0\r\n 1", false)]
    [InlineData("Content-Length: ０", false)]
    [InlineData("Content-Length: 99999999999999999999", false)]
    [InlineData("Content-Length: -0", false)]
    [InlineData("Content-Length: 0000000000000000", true)]
    [InlineData("Content-Length: 00000000000000000", false)]
    [InlineData("Content-Length: 0\r\nSubject: a\r\n b", true)]
    public void A_refused_message_is_skipped_only_when_its_one_content_length_is_certain(string contentLength, bool skipped)
    {
        var dropped = new List<SipParseException>();
        var framer = new SipStreamFramer(dropped.Add);
        string refused = Ok.Replace("CSeq: ", "CSeq: 99999999999", StringComparison.Ordinal).Replace("Content-Length: 0", contentLength, StringComparison.Ordinal);
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(refused + Ok);
        bytes.CopyTo(framer.GetWriteBuffer().Span);
        framer.Advance(bytes.Length);

        if (skipped)
        {
            Assert.True(framer.TryReadMessage(out SipMessage? next));
            Assert.Equal(200, Assert.IsType<SipResponse>(next).StatusCode);
            Assert.Single(dropped);
        }
        else
        {
            // The extent is unknown: the parser's own reason ends the stream, and nothing is reported as skipped.
            Assert.Throws<SipParseException>(() => framer.TryReadMessage(out _));
            Assert.Empty(dropped);
        }
    }

    [Fact]
    public void A_refused_message_is_skipped_without_a_callback_too()
    {
        Feed(Ok.Replace("CSeq: ", "CSeq: 99999999999", StringComparison.Ordinal) + Ok);

        Assert.True(_framer.TryReadMessage(out SipMessage? next));
        Assert.Equal(200, Assert.IsType<SipResponse>(next).StatusCode);
        Assert.False(_framer.TryReadMessage(out _));
    }

    [Fact]
    public void A_refused_message_whose_first_header_line_is_folded_is_still_framed_by_its_length()
    {
        // The parser refuses the fold where a field should start; the length is certain all the same.
        Feed(Ok.Replace("200 OK\r\n", "200 OK\r\n folded\r\n", StringComparison.Ordinal) + Ok);

        Assert.True(_framer.TryReadMessage(out SipMessage? next));
        Assert.Equal(200, Assert.IsType<SipResponse>(next).StatusCode);
    }

    [Fact]
    public void A_start_line_is_never_read_as_a_content_length()
    {
        // "l" is Content-Length's compact form, but on the start line it is no header: the extent is unknown.
        Feed("l: 4\r\n" + Ok[(Ok.IndexOf('\n', StringComparison.Ordinal) + 1)..].Replace("Content-Length: 0\r\n", "", StringComparison.Ordinal) + "abcd");

        Assert.Throws<SipParseException>(() => _framer.TryReadMessage(out _));
    }

    [Fact]
    public void What_is_left_of_a_partly_read_message_moves_to_the_front_of_the_buffer()
    {
        byte[] second = Bytes(Ok.Replace("200 OK", "180 Ringing", StringComparison.Ordinal));
        Feed(Ok + "\r\n" + Ok.Replace("200 OK", "180 Ringing", StringComparison.Ordinal)[..10]);

        Assert.True(_framer.TryReadMessage(out _));
        Assert.False(_framer.TryReadMessage(out _));
        Memory<byte> free = _framer.GetWriteBuffer();
        second.AsSpan(10).CopyTo(free.Span);
        _framer.Advance(second.Length - 10);

        Assert.Equal(SipMessage.MaxMessageSize - 10, free.Length);   // the keep-alive CRLF gone, ten bytes kept
        Assert.True(_framer.TryReadMessage(out SipMessage? message));
        Assert.Equal(180, Assert.IsType<SipResponse>(message).StatusCode);
        Assert.Equal(SipMessage.MaxMessageSize, _framer.GetWriteBuffer().Length);
    }

    [Fact]
    public void A_lone_keep_alive_frees_its_bytes()
    {
        Feed("\r\n");

        Assert.False(_framer.TryReadMessage(out _));
        Assert.Equal(SipMessage.MaxMessageSize, _framer.GetWriteBuffer().Length);
    }

    [Fact]
    public void Many_messages_larger_together_than_the_buffer_are_all_read()
    {
        string large = Ok.Replace("Content-Length: 0", "Content-Length: 30000", StringComparison.Ordinal) + new string('x', 30000);
        int read = 0;
        for (int i = 0; i < 5; i++)
        {
            Feed(large);
            while (_framer.TryReadMessage(out SipMessage? message))
            {
                Assert.Equal(30000, message.Body.Length);
                read++;
            }
        }

        Assert.Equal(5, read);
    }

    [Fact]
    public void The_largest_framed_message_is_read_and_a_longer_one_is_refused()
    {
        string head = Ok.Replace("Content-Length: 0", "Content-Length: 00000", StringComparison.Ordinal);
        int body = SipMessage.MaxMessageSize - head.Length;
        string largest = head.Replace("00000", body.ToString("D5", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal) + new string('x', body);
        Feed(largest);

        Assert.True(_framer.TryReadMessage(out SipMessage? message));
        Assert.Equal(body, message.Body.Length);

        Feed(head.Replace("00000", (body + 1).ToString("D5", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        var error = Assert.Throws<SipParseException>(() => _framer.TryReadMessage(out _));
        Assert.Equal($"the message is longer than {SipMessage.MaxMessageSize} bytes (at byte {head.Length})", error.Message);
    }

    [Fact]
    public void Advance_counts_only_bytes_that_fit()
    {
        int free = _framer.GetWriteBuffer().Length;

        Assert.Throws<ArgumentOutOfRangeException>("count", () => _framer.Advance(-1));
        Assert.Throws<ArgumentOutOfRangeException>("count", () => _framer.Advance(free + 1));
        _framer.Advance(free);
        Assert.Throws<ArgumentOutOfRangeException>("count", () => _framer.Advance(1));
        Assert.Equal(
            $"no end of the header section within {SipMessage.MaxMessageSize} bytes (at byte {SipMessage.MaxMessageSize})",
            Assert.Throws<SipParseException>(() => _framer.TryReadMessage(out _)).Message);
    }

    private void Feed(string text)
    {
        byte[] bytes = Bytes(text);
        bytes.CopyTo(_framer.GetWriteBuffer().Span);
        _framer.Advance(bytes.Length);
    }
}
