using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using DnsClient;

namespace SlaKit.Tests.Sip;

/// <summary>One resource record the <see cref="LoopbackDnsServer"/> serves: its owner name, type, TTL and RDATA (RFC 1035 §3.2.1).</summary>
internal sealed record DnsTestRecord(string Name, QueryType Type, uint Ttl, byte[] Data)
{
    /// <summary>An A record (RFC 1035 §3.4.1).</summary>
    public static DnsTestRecord A(string name, string address, uint ttl = 300) =>
        new(name, QueryType.A, ttl, IPAddress.Parse(address).GetAddressBytes());

    /// <summary>An AAAA record (RFC 3596 §2.2).</summary>
    public static DnsTestRecord Aaaa(string name, string address, uint ttl = 300) =>
        new(name, QueryType.AAAA, ttl, IPAddress.Parse(address).GetAddressBytes());

    /// <summary>An SRV record (RFC 2782): priority, weight, port, target.</summary>
    public static DnsTestRecord Srv(string name, ushort priority, ushort weight, ushort port, string target, uint ttl = 300)
    {
        var data = new List<byte>();
        AddUInt16(data, priority);
        AddUInt16(data, weight);
        AddUInt16(data, port);
        AddName(data, target);
        return new(name, QueryType.SRV, ttl, [.. data]);
    }

    /// <summary>A NAPTR record (RFC 3403 §4.1): order, preference, flags, services, regexp (empty), replacement.</summary>
    public static DnsTestRecord Naptr(string name, ushort order, ushort preference, string flags, string services, string replacement, uint ttl = 300)
    {
        var data = new List<byte>();
        AddUInt16(data, order);
        AddUInt16(data, preference);
        AddCharacterString(data, flags);
        AddCharacterString(data, services);
        AddCharacterString(data, "");
        AddName(data, replacement);
        return new(name, QueryType.NAPTR, ttl, [.. data]);
    }

    internal static void AddUInt16(List<byte> data, ushort value)
    {
        data.Add((byte)(value >> 8));
        data.Add((byte)value);
    }

    /// <summary>A name as labels, uncompressed (RFC 1035 §3.1); "." or "" is the root.</summary>
    internal static void AddName(List<byte> data, string name)
    {
        foreach (string label in name.TrimEnd('.').Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            AddCharacterString(data, label);
        }

        data.Add(0);
    }

    private static void AddCharacterString(List<byte> data, string text)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(text);
        data.Add((byte)bytes.Length);
        data.AddRange(bytes);
    }
}

/// <summary>
/// A DNS server on 127.0.0.1 for tests: it answers each UDP query with the records added for its name and type (and, for
/// an SRV query, the additional records added for it), and counts the queries it was asked. Nothing leaves loopback.
/// </summary>
internal sealed class LoopbackDnsServer : IAsyncDisposable
{
    private readonly UdpClient _socket = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly List<DnsTestRecord> _answers = [];
    private readonly List<(string Name, QueryType Type, DnsTestRecord Record)> _additionals = [];
    private readonly List<(string Name, QueryType Type)> _queries = [];
    private readonly Dictionary<(string Name, QueryType Type), int> _failures = [];
    private readonly Task _loop;

    public LoopbackDnsServer() => _loop = ServeAsync();

    /// <summary>Where the server listens.</summary>
    public IPEndPoint EndPoint => (IPEndPoint)_socket.Client.LocalEndPoint!;

    /// <summary>Serves <paramref name="records"/> as answers to queries for their names and types.</summary>
    public void Add(params DnsTestRecord[] records)
    {
        lock (_gate)
        {
            _answers.AddRange(records);
        }
    }

    /// <summary>Sends <paramref name="record"/> in the additional section of every answer to a query for <paramref name="name"/> and <paramref name="type"/>.</summary>
    public void AddAdditional(string name, QueryType type, DnsTestRecord record)
    {
        lock (_gate)
        {
            _additionals.Add((name, type, record));
        }
    }

    /// <summary>Answers queries for <paramref name="name"/> and <paramref name="type"/> with <paramref name="responseCode"/> and no records (2 is SERVFAIL, 3 NXDOMAIN, 5 REFUSED).</summary>
    public void Fail(string name, QueryType type, int responseCode)
    {
        lock (_gate)
        {
            _failures[(name.ToLowerInvariant(), type)] = responseCode;
        }
    }

    /// <summary>Forgets every record: from now on each query gets an empty answer.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _answers.Clear();
            _additionals.Clear();
        }
    }

    /// <summary>The queries asked so far, in order.</summary>
    public IReadOnlyList<(string Name, QueryType Type)> Queries
    {
        get
        {
            lock (_gate)
            {
                return [.. _queries];
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Dispose();
        try
        {
            await _loop;
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // The loop ends with the socket.
        }

        _stop.Dispose();
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            UdpReceiveResult query = await _socket.ReceiveAsync(_stop.Token);
            byte[] answer = Answer(query.Buffer);
            await _socket.SendAsync(answer, query.RemoteEndPoint, _stop.Token);
        }
    }

    private byte[] Answer(byte[] query)
    {
        // The question: the name's labels from offset 12, then its type and class (RFC 1035 §4.1.2).
        int offset = 12;
        var labels = new List<string>();
        while (query[offset] != 0)
        {
            int length = query[offset];
            labels.Add(Encoding.ASCII.GetString(query, offset + 1, length));
            offset += length + 1;
        }

        offset++;
        string name = string.Join('.', labels);
        var type = (QueryType)BinaryPrimitives.ReadUInt16BigEndian(query.AsSpan(offset));
        int questionEnd = offset + 4;

        List<DnsTestRecord> answers;
        List<DnsTestRecord> additionals;
        int responseCode;
        lock (_gate)
        {
            _queries.Add((name, type));
            responseCode = _failures.GetValueOrDefault((name.ToLowerInvariant(), type));
            answers = responseCode != 0 ? [] : [.. _answers.Where(r => r.Type == type && string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase))];
            additionals = responseCode != 0 ? [] : [.. _additionals.Where(a => a.Type == type && string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase)).Select(a => a.Record)];
        }

        var reply = new List<byte>();
        DnsTestRecord.AddUInt16(reply, BinaryPrimitives.ReadUInt16BigEndian(query));

        // QR, AA, RD as asked, RA; NOERROR (an empty answer, not NXDOMAIN: the name exists, the type has no records)
        // unless a failure was set for the name and type.
        DnsTestRecord.AddUInt16(reply, (ushort)(0x8480 | (query[2] & 0x01) << 8 | responseCode));
        DnsTestRecord.AddUInt16(reply, 1);
        DnsTestRecord.AddUInt16(reply, (ushort)answers.Count);
        DnsTestRecord.AddUInt16(reply, 0);
        DnsTestRecord.AddUInt16(reply, (ushort)additionals.Count);
        reply.AddRange(query.AsSpan(12, questionEnd - 12).ToArray());
        foreach (DnsTestRecord record in answers.Concat(additionals))
        {
            DnsTestRecord.AddName(reply, record.Name);
            DnsTestRecord.AddUInt16(reply, (ushort)record.Type);
            DnsTestRecord.AddUInt16(reply, 1);
            reply.Add((byte)(record.Ttl >> 24));
            reply.Add((byte)(record.Ttl >> 16));
            reply.Add((byte)(record.Ttl >> 8));
            reply.Add((byte)record.Ttl);
            DnsTestRecord.AddUInt16(reply, (ushort)record.Data.Length);
            reply.AddRange(record.Data);
        }

        return [.. reply];
    }
}
