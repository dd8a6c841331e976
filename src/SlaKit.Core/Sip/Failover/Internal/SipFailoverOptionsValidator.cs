using System.Net;
using Microsoft.Extensions.Options;
using SlaKit.Regions;

namespace SlaKit.Sip;

/// <summary>Checks <see cref="SipFailoverOptions"/>, naming every problem at once.</summary>
internal sealed class SipFailoverOptionsValidator : IValidateOptions<SipFailoverOptions>
{
    public ValidateOptionsResult Validate(string? name, SipFailoverOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<string> failures = Problems(name, options);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Throws when the options are invalid, for clients created without dependency injection.</summary>
    /// <exception cref="ArgumentException">The options are invalid; the message names each problem.</exception>
    public static void ThrowIfInvalid(string name, SipFailoverOptions options, string paramName)
    {
        List<string> failures = Problems(name, options);
        if (failures.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", failures), paramName);
        }
    }

    /// <summary>The DNS servers of valid options, as endpoints (port 53 when none is given).</summary>
    public static IReadOnlyList<IPEndPoint> DnsServers(SipFailoverOptions options) => [.. options.DnsServers.Select(DnsServer).OfType<IPEndPoint>()];

    /// <summary>A DNS server written as an address with an optional port (53 when none); <see langword="null"/> when it is not one.</summary>
    public static IPEndPoint? DnsServer(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        // IPAddress.TryParse also reads "[::1]:5300" and "127.0.0.1:5300", dropping the port: only text without one is an
        // address alone. A port follows "]:" in bracketed IPv6, or the one ':' of IPv4.
        int close = text.LastIndexOf(']');
        bool portGiven = close >= 0 ? text.IndexOf(':', close) > close : text.Count(static c => c == ':') == 1;
        if (!portGiven && IPAddress.TryParse(text, out IPAddress? address))
        {
            return new IPEndPoint(address, 53);
        }

        return IPEndPoint.TryParse(text, out IPEndPoint? endpoint) && endpoint.Port > 0 ? endpoint : null;
    }

    public static List<string> Problems(string? name, SipFailoverOptions options)
    {
        var failures = new List<string>();
        string client = string.IsNullOrEmpty(name) ? "the default SIP client" : $"SIP client '{name}'";

        if (!Enum.IsDefined(options.Transport))
        {
            failures.Add($"{client}: Transport '{options.Transport}' is not a SIP transport.");
        }

        RegionSetRules.Check(failures, client, options, region =>
            SipTarget.TryParse(region.Endpoint.OriginalString, SipTransportProtocol.Udp, out _, out string? error)
                ? null
                : $"Region '{region.Name}' of {client}: {error}");

        if (options.T1 <= TimeSpan.Zero || options.T1 > TimeSpan.FromMinutes(1))
        {
            failures.Add($"{client}: T1 ({options.T1}) must be positive and at most one minute.");
        }

        if (options.T2 < options.T1)
        {
            failures.Add($"{client}: T2 ({options.T2}) must be at least T1 ({options.T1}).");
        }

        if (options.AttemptTimeout is { } attempt && (attempt <= TimeSpan.Zero || attempt > options.T1 * 64))
        {
            failures.Add($"{client}: AttemptTimeout ({attempt}) must be positive and at most Timer F, 64 x T1 ({options.T1 * 64}).");
        }

        if (options.ConnectTimeout <= TimeSpan.Zero || options.ConnectTimeout > TimeSpan.FromHours(1))
        {
            failures.Add($"{client}: ConnectTimeout ({options.ConnectTimeout}) must be positive and at most one hour.");
        }

        if (options.ProvisionalTimeout <= TimeSpan.Zero || options.ProvisionalTimeout > options.T1 * 64)
        {
            failures.Add($"{client}: ProvisionalTimeout ({options.ProvisionalTimeout}) must be positive and at most Timer B, 64 x T1 ({options.T1 * 64}).");
        }

        if (options.RingTimeout < options.ProvisionalTimeout || options.RingTimeout <= TimeSpan.Zero || options.RingTimeout > TimeSpan.FromHours(1))
        {
            failures.Add($"{client}: RingTimeout ({options.RingTimeout}) must be at least ProvisionalTimeout ({options.ProvisionalTimeout}) and at most one hour.");
        }

        if (options.ProgressTimeout is { } progress && (progress <= TimeSpan.Zero || progress > TimeSpan.FromHours(1)))
        {
            failures.Add($"{client}: ProgressTimeout ({progress}) must be positive and at most one hour, or null to wait for RingTimeout.");
        }

        foreach (int code in options.CallFailoverStatusCodes)
        {
            if (code is < 300 or > 699)
            {
                failures.Add($"{client}: CallFailoverStatusCodes holds {code}; only final responses other than 2xx, 300 to 699, can move a call on.");
            }
            else if (SipCallRules.IsCalleeAnswer(code))
            {
                failures.Add($"{client}: CallFailoverStatusCodes holds {code}, the callee's own answer; another trunk would ring the same person.");
            }
        }

        if (options.NerWindow is < 1 or > 10_000)
        {
            failures.Add($"{client}: NerWindow ({options.NerWindow}) must be between 1 and 10000 calls.");
        }

        if (options.NerMaxAge <= TimeSpan.Zero || options.NerMaxAge > TimeSpan.FromDays(1))
        {
            failures.Add($"{client}: NerMaxAge ({options.NerMaxAge}) must be positive and at most one day.");
        }

        if (options.MinimumNer is { } ner && !(ner is >= 0 and <= 1))
        {
            failures.Add($"{client}: MinimumNer ({ner.ToString(System.Globalization.CultureInfo.InvariantCulture)}) must be between 0 and 1.");
        }

        foreach (string server in options.DnsServers)
        {
            if (DnsServer(server) is null)
            {
                failures.Add($"{client}: DnsServers holds '{server}', which is not an IP address with an optional port, such as 127.0.0.1:5353.");
            }
        }

        foreach ((string region, int limit) in options.MaxConcurrentCalls)
        {
            if (!options.Regions.Any(r => string.Equals(r.Name, region, StringComparison.OrdinalIgnoreCase)))
            {
                failures.Add($"{client}: MaxConcurrentCalls names '{region}', which is not one of its regions.");
            }

            if (limit < 1)
            {
                failures.Add($"{client}: MaxConcurrentCalls of '{region}' ({limit}) must be at least 1.");
            }
        }

        return failures;
    }
}
