using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using SlaKit.Regions;
using SlaKit.Sip;

namespace SlaKit.Cli.Commands;

/// <summary>
/// <c>slakit call &lt;request-uri&gt; --trunk &lt;sip-uri&gt; ...</c>: places one test call through the trunks in order,
/// as operators check a trunk, hangs up after <c>--hold</c>, and prints each attempt. Exit 0 when a trunk answered, 1 when
/// none did or the callee was busy or declined, 2 on malformed input, 130 when interrupted by Ctrl+C (a call under way is
/// hung up first, and reported as far as it went).
/// </summary>
internal static class CallCommand
{
    /// <summary>Exit code when no trunk carried the call, or the callee did not take it.</summary>
    public const int NotAnswered = 1;

    /// <summary>
    /// How long the BYE of a call interrupted by Ctrl+C, or the CANCEL of one interrupted before it was answered, may
    /// take: the command line ends the process 2 s after Ctrl+C.
    /// </summary>
    private static readonly TimeSpan InterruptedByeBound = TimeSpan.FromSeconds(1.5);

    /// <summary>
    /// The SDP offer of the test call (RFC 4566): one audio stream, G.711 µ-law and A-law, on the discard port: the call
    /// is answered and ended, no media is meant to flow.
    /// </summary>
    private static readonly byte[] Offer =
        "v=0\r\no=slakit 1 1 IN IP4 0.0.0.0\r\ns=slakit call\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\nm=audio 9 RTP/AVP 0 8\r\na=sendrecv\r\n"u8.ToArray();

    public static Command Create()
    {
        var requestUri = new Argument<string>("request-uri") { Description = "Whom to call, such as sip:+4930123456@carrier.example." };
        var trunks = new Option<string[]>("--trunk")
        {
            Description = "A trunk to call through, in order of preference: sip:host[:port][;transport=udp|tcp|tls] or sips:host[:port]; a host name is looked up in DNS (RFC 3263: NAPTR, SRV and A/AAAA without a port, its A/AAAA with one, each address a server to fail over to). Repeat for each trunk.",
            Required = true,
            AllowMultipleArgumentsPerToken = false,
        };
        var hold = new Option<string>("--hold") { Description = "How long to keep the answered call before hanging up, such as 2s.", DefaultValueFactory = _ => "2s" };
        var provisional = new Option<string>("--provisional-timeout")
        {
            Description = "How long a trunk may stay silent (no 100 Trying, no ringing) after the INVITE is sent before the call moves to the next, such as 1s; a TCP or TLS connection's set-up is not counted.",
            DefaultValueFactory = _ => "1s",
        };
        var dns = new Option<string?>("--dns") { Description = "The DNS server for trunks named by host, such as 127.0.0.1:53; the system's by default." };
        var command = new Command("call", "Place one test call through the trunks in order, hang up after --hold, and print each attempt. Exit 0 when a trunk answered, 1 when none did or the callee said busy or declined, 2 on malformed input, 130 when interrupted (a call under way is hung up first).")
        {
            requestUri, trunks, hold, provisional, dns,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            TextWriter output = parse.InvocationConfiguration.Output;
            TextWriter error = parse.InvocationConfiguration.Error;
            try
            {
                SipRequest invite = Invite(parse.GetValue(requestUri)!);
                TimeSpan held = CliInput.Duration(parse.GetValue(hold)!, "--hold");
                if (held > TimerDuration.Maximum)
                {
                    throw new CliUsageException($"--hold '{parse.GetValue(hold)}' is longer than {TimerDuration.MaximumText}.");
                }

                SipFailoverOptions options = Options(parse.GetValue(trunks) ?? [], CliInput.Duration(parse.GetValue(provisional)!, "--provisional-timeout"), parse.GetValue(dns));
                SipFailoverClient client;
                try
                {
                    client = new SipFailoverClient("slakit-call", options);
                }
                catch (ArgumentException e)
                {
                    throw new CliUsageException(e.Message.Replace(" (Parameter 'options')", "", StringComparison.Ordinal));
                }

                await using (client.ConfigureAwait(false))
                {
                    (Answer answer, int exit) = await CallAsync(client, invite, held, cancellationToken).ConfigureAwait(false);
                    answer.WriteTo(output, parse.GetValue(SlaKitCli.Json));
                    return exit;
                }
            }
            catch (CliUsageException exception)
            {
                await error.WriteLineAsync($"slakit: {exception.Message}").ConfigureAwait(false);
                return SlaKitCli.BadInput;
            }
        });
        return command;
    }

    private static async Task<(Answer Answer, int Exit)> CallAsync(SipFailoverClient client, SipRequest invite, TimeSpan held, CancellationToken cancellationToken)
    {
        try
        {
            SipCall call;
            try
            {
                call = await client.InviteAsync(invite, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl+C while the call was being set up. An INVITE already sent is cancelled once the trunk answers it
                // (RFC 3261 §9.1: not before a provisional), and a 2xx crossing the CANCEL is ACKed and ended with a BYE:
                // that runs in the client's background, given a short time before the client is disposed.
                bool ended = await client.DrainAsync(InterruptedByeBound).ConfigureAwait(false);
                string how = ended
                    ? "the call attempt was ended"
                    : $"the call attempt was abandoned; the trunk did not answer its CANCEL within {DurationText.Format(InterruptedByeBound)}";
                return (new Answer().Set("interrupted", true).Line($"Interrupted before any trunk answered; {how}."), SlaKitCli.Interrupted);
            }

            await using (call.ConfigureAwait(false))
            {
                long answered = TimeProvider.System.GetTimestamp();
                bool interrupted = false;
                if (held > TimeSpan.Zero)
                {
                    try
                    {
                        await Task.Delay(held, TimeProvider.System, cancellationToken).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                    {
                        // Ctrl+C during the call: it is hung up now, and reported as far as it went.
                        interrupted = true;
                    }
                }

                TimeSpan heldFor = interrupted ? TimeSpan.FromMilliseconds(Math.Round(TimeProvider.System.GetElapsedTime(answered).TotalMilliseconds)) : held;
                string ended;

                // Once interrupted, the BYE gets a short bound of its own: the command line ends the process soon after Ctrl+C.
                using CancellationTokenSource? byeBound = interrupted ? new CancellationTokenSource(InterruptedByeBound, TimeProvider.System) : null;
                try
                {
                    ended = await call.ByeAsync(byeBound?.Token ?? cancellationToken).ConfigureAwait(false) is { } answer ? $"ended with BYE ({answer.StatusText})" : "already ended";
                }
                catch (Exception e) when (e is TimeoutException or IOException)
                {
                    ended = $"its BYE failed: {e.Message}";
                }
                catch (OperationCanceledException) when (byeBound is { IsCancellationRequested: true })
                {
                    ended = $"its BYE had no answer within {DurationText.Format(InterruptedByeBound)}";
                }

                Answer described = Describe(call.Attempts, call.Trunk);
                if (interrupted)
                {
                    described.Set("interrupted", true)
                        .Line(string.Create(CultureInfo.InvariantCulture, $"Call carried by {call.Trunk.Name}; interrupted after {DurationText.Format(heldFor)} of {DurationText.Format(held)}, {ended}."));
                    return (described, SlaKitCli.Interrupted);
                }

                described.Line(string.Create(CultureInfo.InvariantCulture, $"Call carried by {call.Trunk.Name}; held {DurationText.Format(held)}, {ended}."));
                return (described, SlaKitCli.Success);
            }
        }
        catch (SipCallDeclinedException declined)
        {
            return (Describe(declined.Outcomes, null).Line($"The callee did not take the call on {declined.Trunk.Name}: {declined.Response?.StatusText ?? "no answer"}."), NotAnswered);
        }
        catch (SipFailoverException failed)
        {
            return (Describe(failed.Outcomes, null).Line("No trunk carried the call."), NotAnswered);
        }
    }

    /// <summary>
    /// The answer: each attempt in order (trunk, outcome, code, elapsed time and post-dial delay), the trunk that carried
    /// the call, and the decisive attempt's final code and post-dial delay.
    /// </summary>
    private static Answer Describe(IReadOnlyList<SipAttemptOutcome> attempts, Region? carried)
    {
        var answer = new Answer();
        var list = new JsonArray();
        foreach (SipAttemptOutcome attempt in attempts)
        {
            int? code = attempt.Response?.StatusCode;
            double elapsed = Math.Round(attempt.Duration.TotalMilliseconds, 3);
            list.Add(new JsonObject
            {
                ["trunk"] = attempt.Region.Name,
                ["outcome"] = Outcome(attempt.Kind),
                ["code"] = code,
                ["elapsedMs"] = elapsed,
                ["pddMs"] = attempt.PostDialDelay is { } pdd ? Math.Round(pdd.TotalMilliseconds, 3) : null,
                ["address"] = attempt.Target?.ToString(),
            });
            string what = attempt.Response?.StatusText ?? attempt.Error ?? attempt.Kind.ToString();
            string pddText = attempt.PostDialDelay is { } delay ? string.Create(CultureInfo.InvariantCulture, $", PDD {delay.TotalMilliseconds:0.#} ms") : "";
            answer.Line(string.Create(CultureInfo.InvariantCulture, $"{attempt.Region.Name}: {Outcome(attempt.Kind)}, {what}, after {elapsed:0.#} ms{pddText}"));
        }

        SipAttemptOutcome? last = attempts.Count > 0 ? attempts[^1] : null;
        return answer
            .Set("trunk", carried?.Name)
            .Set("pddMs", last?.PostDialDelay is { } lastPdd ? Math.Round(lastPdd.TotalMilliseconds, 3) : null)
            .Set("finalCode", last?.Response?.StatusCode)
            .Set("attempts", list);
    }

    /// <summary>An attempt's outcome as the JSON names it: <c>answered</c>, <c>declined</c>, <c>no_answer</c>, …</summary>
    private static string Outcome(SipAttemptOutcomeKind kind) => kind switch
    {
        SipAttemptOutcomeKind.Answered => "answered",
        SipAttemptOutcomeKind.Declined => "declined",
        SipAttemptOutcomeKind.NoAnswer => "no_answer",
        SipAttemptOutcomeKind.ServiceUnavailable => "service_unavailable",
        SipAttemptOutcomeKind.FailureStatus => "failure_status",
        SipAttemptOutcomeKind.Timeout => "timeout",
        SipAttemptOutcomeKind.AtCapacity => "at_capacity",
        _ => "transport_error",
    };

    /// <summary>
    /// Whether <paramref name="uri"/> names a callee as RFC 3261 §19.1.1 writes one: <c>sip:</c> or <c>sips:</c>, a user,
    /// <c>@</c>, a host name or address with an optional port, then parameters or headers; nothing that would break the
    /// To header it is also written into (angle brackets, quotes, spaces).
    /// </summary>
    private static bool IsWhomToCall(string uri)
    {
        int colon = uri.IndexOf(':', StringComparison.Ordinal);
        string scheme = colon < 0 ? "" : uri[..colon];
        if (!(scheme.Equals("sip", StringComparison.OrdinalIgnoreCase) || scheme.Equals("sips", StringComparison.OrdinalIgnoreCase)) ||
            uri.AsSpan().IndexOfAny("<>\" \t") >= 0)
        {
            return false;
        }

        string rest = uri[(colon + 1)..];
        int at = rest.LastIndexOf('@');
        if (at <= 0)
        {
            return false;
        }

        // The host and port are read as a SIP target's are (RFC 3261 §25.1's host, a port from 1 to 65535).
        string hostPort = rest[(at + 1)..];
        int end = hostPort.AsSpan().IndexOfAny(';', '?');
        return SipTarget.TryParse($"{scheme}:{(end < 0 ? hostPort : hostPort[..end])}", SipTransportProtocol.Udp, out _, out _);
    }

    private static SipRequest Invite(string requestUri)
    {
        if (!IsWhomToCall(requestUri))
        {
            throw new CliUsageException($"request-uri '{requestUri}' is not whom to call: use sip:user@host, such as sip:+4930123456@carrier.example.");
        }

        SipRequest invite;
        try
        {
            invite = new SipRequest("INVITE", requestUri) { Body = Offer };
        }
        catch (ArgumentException)
        {
            throw new CliUsageException($"request-uri '{requestUri}' is not a SIP URI: use sip:user@host, such as sip:+4930123456@carrier.example.");
        }

        invite.Headers.Add("Content-Type", "application/sdp");
        invite.Headers.Add("User-Agent", "slakit call");
        return invite;
    }

    /// <summary>One region per trunk, in the order given; each trunk is named by its URI.</summary>
    private static SipFailoverOptions Options(string[] trunks, TimeSpan provisionalTimeout, string? dns)
    {
        if (trunks.Length == 0)
        {
            throw new CliUsageException("--trunk is required: the SIP URI of each trunk to call through, in order.");
        }

        var options = new SipFailoverOptions { ProvisionalTimeout = provisionalTimeout };
        for (int i = 0; i < trunks.Length; i++)
        {
            if (!SipTarget.TryParse(trunks[i], out _))
            {
                throw new CliUsageException($"--trunk '{trunks[i]}' is not a SIP URI: use sip:host[:port][;transport=udp|tcp|tls] or sips:host[:port].");
            }

            if (!Uri.TryCreate(trunks[i].Trim(), UriKind.Absolute, out Uri? endpoint))
            {
                throw new CliUsageException($"--trunk '{trunks[i]}' is not a URI.");
            }

            options.Regions.Add(new Region(trunks[i].Trim(), endpoint) { Priority = i });
        }

        if (dns is not null)
        {
            options.DnsServers.Add(dns);
        }

        return options;
    }
}
