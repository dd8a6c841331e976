using System.Net.Sockets;
using System.Text;
using SlaKit.Sip;

namespace SlaKit.Tests.Sip;

/// <summary>Messages for tests: wire text with CRLFs, and responses that answer a request as a UAS would.</summary>
internal static class SipTestMessages
{
    /// <summary>A minimal valid OPTIONS request, lines joined with CRLF.</summary>
    public const string Options =
        "OPTIONS sip:carrier.example SIP/2.0\r\n" +
        "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK776asdhds\r\n" +
        "Max-Forwards: 70\r\n" +
        "To: <sip:carrier.example>\r\n" +
        "From: <sip:alice@example.com>;tag=1928301774\r\n" +
        "Call-ID: a84b4c76e66710\r\n" +
        "CSeq: 63104 OPTIONS\r\n" +
        "Content-Length: 0\r\n" +
        "\r\n";

    /// <summary>A minimal valid 200 response.</summary>
    public const string Ok =
        "SIP/2.0 200 OK\r\n" +
        "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK776asdhds;received=10.0.0.1\r\n" +
        "To: <sip:carrier.example>;tag=93810874\r\n" +
        "From: <sip:alice@example.com>;tag=1928301774\r\n" +
        "Call-ID: a84b4c76e66710\r\n" +
        "CSeq: 63104 OPTIONS\r\n" +
        "Content-Length: 0\r\n" +
        "\r\n";

    public static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>A response to <paramref name="request"/> as RFC 3261 §8.2.6 builds it: Via, From, Call-ID and CSeq copied, To tagged.</summary>
    public static SipResponse ResponseTo(SipRequest request, int statusCode, string reason, params (string Name, string Value)[] extra)
    {
        var response = new SipResponse(statusCode, reason);
        foreach (string via in request.Headers.GetValues("Via"))
        {
            response.Headers.Add("Via", via);
        }

        response.Headers.Add("From", request.Headers["From"]!);
        response.Headers.Add("To", request.Headers["To"]! + ";tag=uas1");
        response.Headers.Add("Call-ID", request.Headers["Call-ID"]!);
        response.Headers.Add("CSeq", request.Headers["CSeq"]!);
        foreach ((string name, string value) in extra)
        {
            response.Headers.Add(name, value);
        }

        return response;
    }

    /// <summary>
    /// The next request a server reads from its TCP stream through <paramref name="peer"/>; the test fails when the
    /// stream ends, or after ten seconds without one.
    /// </summary>
    public static async Task<SipRequest> ReceiveRequestAsync(Socket peer, SipStreamFramer framer, CancellationToken cancellationToken)
    {
        SipMessage? message;
        while (!framer.TryReadMessage(out message))
        {
            int read = await peer.ReceiveAsync(framer.GetWriteBuffer(), SocketFlags.None, cancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
            Assert.NotEqual(0, read);
            framer.Advance(read);
        }

        return Assert.IsType<SipRequest>(message);
    }

    /// <summary>The branch of a request's topmost Via.</summary>
    public static string Branch(SipMessage message)
    {
        string via = message.Headers["Via"]!;
        int start = via.IndexOf("branch=", StringComparison.Ordinal) + "branch=".Length;
        int end = via.IndexOf(';', start);
        return end < 0 ? via[start..] : via[start..end];
    }
}
