using System.Text;

namespace SlaKit.Sip;

/// <summary>What SlaKit reads of a session description (SDP, RFC 8866), which it otherwise carries unread.</summary>
internal static class SipSessionDescriptions
{
    /// <summary>
    /// The origin line (<c>o=</c>, RFC 8866 §5.2) of <paramref name="sdp"/>, without its line end; <see langword="null"/>
    /// when it has none. Its session version stays the same while the session does not change (RFC 3264 §8), so two equal
    /// origin lines from one party mean the same session.
    /// </summary>
    public static string? Origin(ReadOnlySpan<byte> sdp)
    {
        while (!sdp.IsEmpty)
        {
            int end = sdp.IndexOf((byte)'\n');
            ReadOnlySpan<byte> line = end < 0 ? sdp : sdp[..end];
            sdp = end < 0 ? default : sdp[(end + 1)..];
            if (line.StartsWith("o="u8))
            {
                return Encoding.UTF8.GetString(line.TrimEnd((byte)'\r'));
            }
        }

        return null;
    }
}
