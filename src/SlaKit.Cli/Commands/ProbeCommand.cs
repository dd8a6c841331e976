using System.CommandLine;
using System.Globalization;
using System.Net;
using SlaKit.Probes;
using SlaKit.Sip;

namespace SlaKit.Cli.Commands;

/// <summary>
/// <c>slakit probe &lt;target&gt;</c>: checks an endpoint as SlaKit's probes do. Exit code 0 when healthy, 1 when not,
/// 2 for a malformed target, 130 when interrupted (Ctrl+C), after printing the probes made until then.
/// </summary>
internal static class ProbeCommand
{
    /// <summary>Exit code when the target is not healthy.</summary>
    public const int NotHealthy = 1;

    public static Command Create()
    {
        var target = new Argument<string>("target") { Description = "http(s)://host[:port]/path, tcp://host:port, grpc(s)://host:port[/service] (the gRPC health protocol), sip:host[:port][;transport=udp|tcp|tls] or sips:host[:port] (a host without a port is looked up in DNS, RFC 3263)." };
        var timeout = new Option<string>("--timeout") { Description = "How long each probe may take, such as 2s or 500ms.", DefaultValueFactory = _ => "2s" };
        var count = new Option<string>("--count") { Description = "How many probes to send, 1 to 100.", DefaultValueFactory = _ => "1" };
        var interval = new Option<string>("--interval") { Description = "The pause between probes, such as 1s.", DefaultValueFactory = _ => "1s" };
        var dns = new Option<string?>("--dns") { Description = "The DNS server for a SIP target named by host without a port (RFC 3263), such as 127.0.0.1:53; the system's by default." };
        var command = new Command("probe", "Probe an endpoint: status (Healthy/Degraded/Unhealthy), latency and detail. Exit 0 when healthy, 1 when not, 2 on a malformed target, 130 when interrupted (what was probed until then is printed).")
        {
            target, timeout, count, interval, dns,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            TextWriter output = parse.InvocationConfiguration.Output;
            TextWriter error = parse.InvocationConfiguration.Error;
            try
            {
                TimeSpan each = CliInput.Duration(parse.GetValue(timeout)!, "--timeout");
                if (!TimerDuration.IsPositiveAndAccepted(each))
                {
                    throw new CliUsageException($"--timeout '{parse.GetValue(timeout)}' must be longer than zero and at most {TimerDuration.MaximumText}.");
                }

                int probes = CliInput.Count(parse.GetValue(count)!, "--count", 1, 100);
                TimeSpan pause = CliInput.Duration(parse.GetValue(interval)!, "--interval");
                if (pause > TimerDuration.Maximum)
                {
                    throw new CliUsageException($"--interval '{parse.GetValue(interval)}' is longer than {TimerDuration.MaximumText}.");
                }
                IHealthProbe probe = CreateProbe(parse.GetValue(target)!, each, parse.GetValue(dns));
                try
                {
                    var results = new List<HealthProbeResult>(probes);
                    try
                    {
                        for (int i = 0; i < probes; i++)
                        {
                            if (i > 0 && pause > TimeSpan.Zero)
                            {
                                await Task.Delay(pause, TimeProvider.System, cancellationToken).ConfigureAwait(false);
                            }

                            HealthProbeResult result = await probe.ProbeAsync(cancellationToken).ConfigureAwait(false);

                            // A probe that reports Ctrl+C as its own "no answer" (a SIP OPTIONS probe does) measured nothing.
                            cancellationToken.ThrowIfCancellationRequested();
                            results.Add(result);
                        }
                    }
                    catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                    {
                        // Ctrl+C: what was measured so far is still worth printing, as ping prints its statistics.
                        Answer interrupted = results.Count > 0 ? Answer(parse.GetValue(target)!, results) : new Answer().Set("target", parse.GetValue(target)!).Set("probes", 0);
                        interrupted.Set("interrupted", true)
                            .Line(string.Create(CultureInfo.InvariantCulture, $"Interrupted after {results.Count} of {probes} probes."))
                            .WriteTo(output, parse.GetValue(SlaKitCli.Json));
                        return SlaKitCli.Interrupted;
                    }

                    Answer(parse.GetValue(target)!, results).WriteTo(output, parse.GetValue(SlaKitCli.Json));
                    return results.All(static r => r.Status == ProbeStatus.Healthy) ? SlaKitCli.Success : NotHealthy;
                }
                finally
                {
                    await ProbeDisposal.DisposeAsync(probe).ConfigureAwait(false);
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

    private static Answer Answer(string target, List<HealthProbeResult> results)
    {
        ProbeStatus worst = results.Max(static r => r.Status);
        double[] latencies = results.Select(static r => r.Latency.TotalMilliseconds).Order().ToArray();
        double median = Math.Round(latencies[(latencies.Length - 1) / 2], 3);
        HealthProbeResult last = results[^1];
        var answer = new Answer()
            .Set("target", target)
            .Set("status", worst.ToString())
            .Set("latencyMs", median)
            .Set("detail", last.Detail)
            .Set("probes", results.Count);
        foreach (HealthProbeResult result in results)
        {
            answer.Line(string.Create(CultureInfo.InvariantCulture, $"{target}: {result.Status} in {result.Latency.TotalMilliseconds:0.###} ms — {result.Detail}"));
        }

        if (results.Count > 1)
        {
            answer.Line(string.Create(CultureInfo.InvariantCulture, $"{results.Count} probes: worst {worst}, median {median:0.###} ms."));
        }

        return answer;
    }

    /// <summary>The probe for a target; the caller disposes it.</summary>
    internal static IHealthProbe CreateProbe(string target, TimeSpan timeout, string? dns = null)
    {
        if (target.StartsWith("sip:", StringComparison.OrdinalIgnoreCase) || target.StartsWith("sips:", StringComparison.OrdinalIgnoreCase))
        {
            // One OPTIONS (RFC 3261 §11), bounded by --timeout rather than by Timer F's 32 s.
            if (!SipTarget.TryParse(target, out SipTarget? sip))
            {
                throw new CliUsageException($"target '{target}' is not a SIP URI: use sip:host[:port][;transport=udp|tcp|tls] or sips:host[:port].");
            }

            IReadOnlyList<IPEndPoint> servers = DnsServer(dns);
            return sip.NeedsServiceLookup
                ? new ResolvingSipProbe(sip, timeout, servers)
                : new SipOptionsProbe(sip, new SipOptionsProbeOptions { Timeout = timeout });
        }

        if (dns is not null)
        {
            throw new CliUsageException("--dns applies to sip: and sips: targets only.");
        }

        if (Uri.TryCreate(target, UriKind.Absolute, out Uri? uri))
        {
            if (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            {
                return new HttpProbe(uri, new HttpProbeOptions { Timeout = timeout });
            }

            if (uri.Scheme == "tcp" && !uri.IsDefaultPort && uri.Port > 0 && uri.AbsolutePath is "/" or "" && uri.Host.Length > 0)
            {
                return new TcpProbe(uri.Host, uri.Port, timeout);
            }

            // grpc://host:port[/service] asks grpc.health.v1.Health/Check over HTTP/2 without TLS, grpcs:// with TLS; the
            // path, when given, names the service whose health to ask for.
            if (uri.Scheme is "grpc" or "grpcs" && !uri.IsDefaultPort && uri.Port > 0 && uri.Host.Length > 0 && string.IsNullOrEmpty(uri.Query))
            {
                var server = new UriBuilder(uri.Scheme == "grpcs" ? Uri.UriSchemeHttps : Uri.UriSchemeHttp, uri.Host, uri.Port).Uri;
                return new GrpcHealthProbe(server, Uri.UnescapeDataString(uri.AbsolutePath.Trim('/')), timeout);
            }
        }

        throw new CliUsageException($"target '{target}' is not a probe target: use http(s)://host[:port]/path, tcp://host:port, grpc(s)://host:port[/service] or sip:host[:port][;transport=udp|tcp|tls].");
    }

    private static IReadOnlyList<IPEndPoint> DnsServer(string? dns)
    {
        if (dns is null)
        {
            return [];
        }

        return SipFailoverOptionsValidator.DnsServer(dns) is { } server
            ? [server]
            : throw new CliUsageException($"--dns '{dns}' is not an IP address with an optional port, such as 127.0.0.1:53.");
    }

    /// <summary>
    /// A probe of a SIP target named by host without a port: RFC 3263 finds its servers (NAPTR, SRV, A), and the first is
    /// sent one OPTIONS; the detail names the server that answered.
    /// </summary>
    private sealed class ResolvingSipProbe(SipTarget name, TimeSpan timeout, IReadOnlyList<IPEndPoint> dns) : IHealthProbe
    {
        private readonly SipServiceResolver _resolver = new(dns, TimeProvider.System, Random.Shared);

        public async ValueTask<HealthProbeResult> ProbeAsync(CancellationToken cancellationToken)
        {
            long started = TimeProvider.System.GetTimestamp();
            IReadOnlyList<SipTarget> servers;

            // --timeout bounds the whole probe, the DNS lookups included: a resolver that does not answer would otherwise
            // hold each probe for its own retries (seconds per record type).
            using (var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                bounded.CancelAfter(timeout);
                try
                {
                    servers = await _resolver.ResolveAsync(name, bounded.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    return HealthProbeResult.Unhealthy(TimeProvider.System.GetElapsedTime(started), $"DNS gave no answer for {name.Host} within {DurationText.Format(timeout)}");
                }
                catch (SipTransportException e)
                {
                    return HealthProbeResult.Unhealthy(TimeProvider.System.GetElapsedTime(started), e.Message);
                }
            }

            TimeSpan left = timeout - TimeProvider.System.GetElapsedTime(started);
            if (left <= TimeSpan.Zero)
            {
                return HealthProbeResult.Unhealthy(TimeProvider.System.GetElapsedTime(started), $"DNS took the whole {DurationText.Format(timeout)} to find {servers[0]}");
            }

            var probe = new SipOptionsProbe(servers[0], new SipOptionsProbeOptions { Timeout = left });
            await using (probe.ConfigureAwait(false))
            {
                HealthProbeResult result = await probe.ProbeAsync(cancellationToken).ConfigureAwait(false);
                return result with { Detail = $"{result.Detail} from {servers[0]}" };
            }
        }
    }
}
