using Microsoft.Extensions.Options;
using SlaKit.Regions;
using SlaKit.Sip;

namespace SlaKit.Tests.Sip;

public class SipFailoverOptionsValidatorTests
{
    private readonly SipFailoverOptionsValidator _validator = new();

    [Fact]
    public void The_defaults_with_one_sip_region_are_valid()
    {
        var options = new SipFailoverOptions();
        options.Regions.Add(new Region("a", new Uri("sip:10.0.0.1")));

        Assert.True(_validator.Validate("carrier", options).Succeeded);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.T1);
        Assert.Equal(TimeSpan.FromSeconds(4), options.T2);
        Assert.Null(options.AttemptTimeout);
        Assert.Equal(SipTransportProtocol.Udp, options.Transport);
        Assert.Equal((TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60)), (options.ProvisionalTimeout, options.RingTimeout));
        Assert.Empty(options.CallFailoverStatusCodes);
        Assert.Empty(options.MaxConcurrentCalls);
    }

    [Fact]
    public void No_regions_is_invalid()
    {
        ValidateOptionsResult result = _validator.Validate("carrier", new SipFailoverOptions());

        Assert.True(result.Failed);
        Assert.Contains("SIP client 'carrier' has no regions", result.FailureMessage, StringComparison.Ordinal);
    }

    public static TheoryData<string, Action<SipFailoverOptions>> Problems => new()
    {
        { "two regions named 'A'", o => o.Regions.Add(new Region("A", new Uri("sip:10.0.0.2"))) },
        { "not a SIP URI", o => o.Regions.Add(new Region("web", new Uri("https://example.com/"))) },
        { "transport 'sctp'", o => o.Regions.Add(new Region("sctp", new Uri("sip:10.0.0.2;transport=sctp"))) },
        { "weight 0", o => o.Regions.Add(new Region("w", new Uri("sip:10.0.0.2")) { Weight = 0 }) },
        { "priority -1", o => o.Regions.Add(new Region("p", new Uri("sip:10.0.0.2")) { Priority = -1 }) },
        { "null region", o => o.Regions.Add(null!) },
        { "T1", o => o.T1 = TimeSpan.Zero },
        { "T1", o => o.T1 = TimeSpan.FromMinutes(2) },
        { "T2", o => o.T2 = TimeSpan.FromMilliseconds(100) },
        { "AttemptTimeout", o => o.AttemptTimeout = TimeSpan.Zero },
        { "AttemptTimeout", o => o.AttemptTimeout = TimeSpan.FromSeconds(33) },
        { "FailuresToMarkDown", o => o.FailuresToMarkDown = 0 },
        { "SuccessesToMarkUp", o => o.SuccessesToMarkUp = 0 },
        { "BreakDuration", o => o.BreakDuration = TimeSpan.FromMilliseconds(499) },
        { "FailbackDelay", o => o.FailbackDelay = TimeSpan.FromSeconds(-1) },
        { "MaxRetryAfter", o => o.MaxRetryAfter = TimeSpan.Zero },
        { "Transport", o => o.Transport = (SipTransportProtocol)5 },
        { "ProvisionalTimeout", o => o.ProvisionalTimeout = TimeSpan.Zero },
        { "ProvisionalTimeout", o => o.ProvisionalTimeout = TimeSpan.FromSeconds(33) },
        { "RingTimeout", o => o.RingTimeout = TimeSpan.FromMilliseconds(500) },
        { "RingTimeout", o => o.RingTimeout = TimeSpan.FromHours(2) },
        { "holds 486, the callee's own answer", o => o.CallFailoverStatusCodes.Add(486) },
        { "holds 603, the callee's own answer", o => o.CallFailoverStatusCodes.Add(603) },
        { "holds 404, the callee's own answer", o => o.CallFailoverStatusCodes.Add(404) },
        { "holds 600, the callee's own answer", o => o.CallFailoverStatusCodes.Add(600) },
        { "holds 200", o => o.CallFailoverStatusCodes.Add(200) },
        { "holds 700", o => o.CallFailoverStatusCodes.Add(700) },
        { "names 'nowhere'", o => o.MaxConcurrentCalls["nowhere"] = 10 },
        { "MaxConcurrentCalls of 'a' (0)", o => o.MaxConcurrentCalls["a"] = 0 },
        { "NerWindow (0)", o => o.NerWindow = 0 },
        { "NerWindow (10001)", o => o.NerWindow = 10_001 },
        { "NerMaxAge", o => o.NerMaxAge = TimeSpan.Zero },
        { "NerMaxAge", o => o.NerMaxAge = TimeSpan.FromDays(2) },
        { "MinimumNer (1.5)", o => o.MinimumNer = 1.5 },
        { "MinimumNer (-0.1)", o => o.MinimumNer = -0.1 },
        { "MinimumNer (NaN)", o => o.MinimumNer = double.NaN },
        { "DnsServers holds 'dns.example'", o => o.DnsServers.Add("dns.example") },
        { "DnsServers holds '127.0.0.1:0'", o => o.DnsServers.Add("127.0.0.1:0") },
        { "DnsServers holds ''", o => o.DnsServers.Add("") },
    };

    [Theory]
    [MemberData(nameof(Problems))]
    public void Each_problem_is_named(string named, Action<SipFailoverOptions> spoil)
    {
        var options = new SipFailoverOptions();
        options.Regions.Add(new Region("a", new Uri("sip:10.0.0.1")));
        spoil(options);

        ValidateOptionsResult result = _validator.Validate("carrier", options);

        Assert.True(result.Failed);
        Assert.Contains(named, result.FailureMessage, StringComparison.Ordinal);
    }
}
