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

    private void Feed(string text)
    {
        byte[] bytes = Bytes(text);
        bytes.CopyTo(_framer.GetWriteBuffer().Span);
        _framer.Advance(bytes.Length);
    }
}
