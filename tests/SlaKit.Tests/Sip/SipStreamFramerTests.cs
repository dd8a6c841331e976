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

    private void Feed(string text)
    {
        byte[] bytes = Bytes(text);
        bytes.CopyTo(_framer.GetWriteBuffer().Span);
        _framer.Advance(bytes.Length);
    }
}
