using System.Text;
using CsCheck;
using SlaKit.Sip;
using SlaKit.Tests.Infrastructure;

namespace SlaKit.Tests.Sip;

/// <summary>
/// Random and mutated messages — 110,000 in all — against the parser and the stream framer: valid messages round-trip,
/// and whatever the bytes, nothing but a <see cref="SipParseException"/> within the input ever escapes. A mutation
/// run may run a sample of them (<see cref="FuzzScale"/>).
/// </summary>
public class SipParserFuzzTests
{
    private const string TokenChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`'~";
    private const string TextChars = "abcXYZ019 \t-.!%*_+`'~<>@:;=,\"/\\()[]?&#éß日本";

    // Bytes that sit on the grammar's boundaries: line ends, separators, quotes, and bytes that break UTF-8.
    private static readonly byte[] Interesting = [(byte)'\r', (byte)'\n', (byte)' ', (byte)'\t', (byte)':', (byte)';', (byte)',', (byte)'"', (byte)'<', (byte)'>', (byte)'=', (byte)'/', (byte)'0', (byte)'9', 0, 0x7F, 0x80, 0xC3, 0xFF];

    private static readonly Gen<string> Token = Gen.String[Gen.Char[TokenChars], 1, 12];
    private static readonly Gen<string> Text = Gen.String[Gen.Char[TextChars], 0, 40].Select(s => s.Trim(' ', '\t'));
    private static readonly Gen<string> Host = Gen.OneOf(
        Gen.Select(Gen.Int[0, 255], Gen.Int[0, 255], (a, b) => $"10.{a}.{b}.1"),
        Gen.String[Gen.Char["abcdefghij"], 1, 10].Select(s => s + ".example"),
        Gen.Const("[2001:db8::1]"));

    private static readonly Gen<string> Method = Gen.OneOf(Gen.OneOf<string>("OPTIONS", "REGISTER", "MESSAGE", "SUBSCRIBE", "NOTIFY", "INFO"), Token);

    // Headers whose value the parser checks, or that may appear once, are written by Build itself.
    private static readonly HashSet<string> Structured = new(StringComparer.OrdinalIgnoreCase) { "Via", "From", "To", "Call-ID", "CSeq", "Max-Forwards", "Content-Length" };

    private static readonly Gen<(string Name, string Value)[]> ExtraHeaders = Gen.Select(
        Gen.OneOf(Gen.OneOf<string>("Subject", "s", "Contact", "m", "k", "Content-Type", "c", "User-Agent", "Route", "X-Tenant", "Retry-After", "Warning"), Token)
            .Where(name => !Structured.Contains(SipHeaderNames.Canonical(name))),
        Text).Array[0, 8];

    private static readonly Gen<SipMessage> Valid = Gen.Select(
        Gen.Bool,
        Method,
        Host,
        Gen.Int[1, 65535],
        Gen.Int[100, 699],
        Text,
        Token,
        Gen.Long[0, int.MaxValue],
        Gen.Int[0, 255],
        Gen.String[Gen.Char[TokenChars + "@"], 1, 30],
        Token,
        ExtraHeaders,
        Gen.Byte.Array[0, 200],
        Build);

    private static readonly Gen<byte[]> Mutated =
        from message in Valid
        from mutations in Gen.Select(Gen.Int[0, 6], Gen.Int[0, int.MaxValue], Gen.Int[0, int.MaxValue], Gen.Byte).Array[1, 4]
        select Mutate(message.ToBytes(), mutations);

    private static readonly Gen<byte[]> RandomBytes = Gen.OneOf(
        Gen.Byte.Array[0, 300],
        Gen.String[Gen.Char[TokenChars + TextChars + "\r\n\r\n::::SIP/2.0"], 0, 300].Select(Encoding.UTF8.GetBytes));

    [Fact]
    public void Valid_messages_round_trip() =>
        Valid.Sample(
            message =>
            {
                SipMessage parsed = SipMessage.Parse(message.ToBytes());
                AssertSame(message, parsed);
            },
            iter: FuzzScale.Of(20_000));

    [Fact]
    public void Mutated_messages_throw_only_parse_exceptions_and_what_parses_writes_back()
    {
        var counts = new Counts();
        Mutated.Sample(bytes => ParseOrRefuse(bytes, counts), iter: FuzzScale.Of(60_000));

        // The mutations must reach past the start line, and leave some messages valid, or the test proves little.
        Assert.True(counts.Accepted > FuzzScale.Of(3_000), $"only {counts.Accepted} mutated messages parsed");
        Assert.True(counts.RefusedInHeaders > FuzzScale.Of(10_000), $"only {counts.RefusedInHeaders} were refused past the start line");
    }

    [Fact]
    public void Random_bytes_throw_only_parse_exceptions() =>
        RandomBytes.Sample(bytes => ParseOrRefuse(bytes, new Counts()), iter: FuzzScale.Of(20_000));

    [Fact]
    public void The_stream_framer_throws_only_parse_exceptions_on_mutated_streams() =>
        Gen.Select(Mutated.Array[1, 3], Gen.Int[1, 64]).Sample(
            input =>
            {
                byte[] stream = [.. input.Item1.SelectMany(m => m)];
                var framer = new SipStreamFramer();
                try
                {
                    for (int offset = 0; offset < stream.Length; offset += input.Item2)
                    {
                        ReadOnlySpan<byte> chunk = stream.AsSpan(offset, Math.Min(input.Item2, stream.Length - offset));
                        chunk.CopyTo(framer.GetWriteBuffer().Span);
                        framer.Advance(chunk.Length);
                        while (framer.TryReadMessage(out SipMessage? message))
                        {
                            Assert.NotNull(message.Headers["Call-ID"]);
                        }
                    }
                }
                catch (SipParseException e)
                {
                    Assert.InRange(e.Position, 0, SipMessage.MaxMessageSize);
                }
            },
            iter: FuzzScale.Of(10_000));

    private static void ParseOrRefuse(byte[] bytes, Counts counts)
    {
        SipMessage parsed;
        try
        {
            parsed = SipMessage.Parse(bytes);
        }
        catch (SipParseException e)
        {
            Assert.InRange(e.Position, 0, bytes.Length);
            if (e.Position > bytes.AsSpan().IndexOf("\r\n"u8))
            {
                Interlocked.Increment(ref counts.RefusedInHeaders);
            }

            return;
        }

        Interlocked.Increment(ref counts.Accepted);

        // What the parser accepts, it writes back in a form it accepts again; the lazily read values never throw.
        AssertSame(parsed, SipMessage.Parse(parsed.ToBytes()));
        _ = (parsed as SipResponse)?.RetryAfter;
        _ = SipHeaderValues.TopBranch(parsed);
    }

    private static void AssertSame(SipMessage expected, SipMessage actual)
    {
        switch (expected)
        {
            case SipRequest request:
                var actualRequest = Assert.IsType<SipRequest>(actual);
                Assert.Equal(request.Method, actualRequest.Method);
                Assert.Equal(request.RequestUri, actualRequest.RequestUri);
                break;
            case SipResponse response:
                var actualResponse = Assert.IsType<SipResponse>(actual);
                Assert.Equal(response.StatusCode, actualResponse.StatusCode);
                Assert.Equal(response.ReasonPhrase, actualResponse.ReasonPhrase);
                break;
        }

        // SequenceEqual rather than Assert.Equal on collections: this runs 80,000 times, and a failure prints both messages anyway.
        Assert.True(WithoutLength(expected).SequenceEqual(WithoutLength(actual)), "The headers differ.");
        Assert.True(expected.Body.Span.SequenceEqual(actual.Body.Span), "The bodies differ.");
    }

    private static IEnumerable<KeyValuePair<string, string>> WithoutLength(SipMessage message) =>
        message.Headers.Where(h => h.Key != "Content-Length");

    private sealed class Counts
    {
#pragma warning disable CA1051 // counted with Interlocked from the sampling threads
        public int Accepted;
        public int RefusedInHeaders;
#pragma warning restore CA1051
    }

    private static SipMessage Build(bool isRequest, string method, string host, int port, int status, string reason, string branch, long cseq, int maxForwards, string callId, string tag, (string Name, string Value)[] extra, byte[] body)
    {
        SipMessage message = isRequest ? new SipRequest(method, $"sip:{host}:{port}") : new SipResponse(status, reason);
        message.Headers.Add("Via", $"SIP/2.0/UDP {host}:{port};branch=z9hG4bK{branch};rport");
        if (isRequest)
        {
            message.Headers.Add("Max-Forwards", maxForwards.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        message.Headers.Add("From", $"<sip:alice@{host}>;tag={tag}");
        message.Headers.Add("To", $"\"Bob é\" <sip:bob@{host}>");
        message.Headers.Add("Call-ID", callId);
        message.Headers.Add("CSeq", $"{cseq} {method}");
        foreach ((string name, string value) in extra)
        {
            message.Headers.Add(name, value);
        }

        message.Body = body;
        return message;
    }

    private static byte[] Mutate(byte[] bytes, (int Kind, int A, int B, byte Value)[] mutations)
    {
        var data = new List<byte>(bytes);
        foreach ((int kind, int a, int b, byte value) in mutations)
        {
            int at = data.Count == 0 ? 0 : a % (data.Count + 1);
            switch (kind)
            {
                case 0 when at < data.Count:
                    data[at] = value; // any byte
                    break;
                case 1 when at < data.Count:
                    data[at] = Interesting[b % Interesting.Length];
                    break;
                case 2:
                    data.Insert(at, Interesting[b % Interesting.Length]);
                    break;
                case 3:
                    data.RemoveRange(at, Math.Min(b % 16, data.Count - at));
                    break;
                case 4:
                    data.RemoveRange(at, data.Count - at); // truncate
                    break;
                case 5:
                    int length = Math.Min(b % 40, data.Count - at);
                    data.InsertRange(at, data.GetRange(at, length)); // duplicate a slice, such as a header line
                    break;
                default:
                    int crlf = Encoding.ASCII.GetString([.. data]).IndexOf("\r\n", at % Math.Max(1, data.Count), StringComparison.Ordinal);
                    if (crlf >= 0)
                    {
                        data.RemoveAt(crlf); // a bare LF
                    }

                    break;
            }
        }

        return [.. data];
    }
}
