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
        Assert.Equal(TimeSpan.FromSeconds(20), options.ProgressTimeout);
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
        { "ConnectTimeout", o => o.ConnectTimeout = TimeSpan.Zero },
        { "ConnectTimeout", o => o.ConnectTimeout = TimeSpan.FromHours(1) + TimeSpan.FromTicks(1) },
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
        { "ProgressTimeout", o => o.ProgressTimeout = TimeSpan.Zero },
        { "ProgressTimeout", o => o.ProgressTimeout = TimeSpan.FromHours(1) + TimeSpan.FromTicks(1) },
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

    public static TheoryData<string, Action<SipFailoverOptions>> ValidAtTheBound => new()
    {
        { "T1 of one minute", o => (o.T1, o.T2) = (TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1)) },
        { "T1 of one tick", o => (o.T1, o.ProvisionalTimeout) = (TimeSpan.FromTicks(1), TimeSpan.FromTicks(64)) },
        { "T2 equal to T1", o => o.T2 = o.T1 },
        { "AttemptTimeout of Timer F", o => o.AttemptTimeout = TimeSpan.FromSeconds(32) },
        { "ProvisionalTimeout of Timer B", o => o.ProvisionalTimeout = TimeSpan.FromSeconds(32) },
        { "RingTimeout equal to ProvisionalTimeout", o => o.RingTimeout = o.ProvisionalTimeout },
        { "RingTimeout of one hour", o => o.RingTimeout = TimeSpan.FromHours(1) },
        { "no ProgressTimeout", o => o.ProgressTimeout = null },
        { "ProgressTimeout of one hour, past the RingTimeout", o => o.ProgressTimeout = TimeSpan.FromHours(1) },
        { "failover codes 300 and 699", o => { o.CallFailoverStatusCodes.Add(300); o.CallFailoverStatusCodes.Add(699); } },
        { "NerWindow of 1", o => o.NerWindow = 1 },
        { "NerWindow of 10000", o => o.NerWindow = 10_000 },
        { "NerMaxAge of one day", o => o.NerMaxAge = TimeSpan.FromDays(1) },
        { "MinimumNer of 0", o => o.MinimumNer = 0 },
        { "MinimumNer of 1", o => o.MinimumNer = 1 },
        { "a DNS server with a port", o => o.DnsServers.Add("127.0.0.1:5353") },
        { "a DNS server without one", o => o.DnsServers.Add("::1") },
    };

    [Theory]
    [MemberData(nameof(ValidAtTheBound))]
    public void Each_bound_itself_is_valid(string bound, Action<SipFailoverOptions> set)
    {
        var options = new SipFailoverOptions();
        options.Regions.Add(new Region("a", new Uri("sip:10.0.0.1")));
        set(options);

        ValidateOptionsResult result = _validator.Validate("carrier", options);

        Assert.True(result.Succeeded, $"{bound}: {result.FailureMessage}");
    }

    public static TheoryData<Action<SipFailoverOptions>, string[]> JustPastTheBound => new()
    {
        { o => o.T1 = TimeSpan.Zero, ["SIP client 'carrier': T1 (00:00:00) must be positive and at most one minute.", "ProvisionalTimeout (00:00:01) must be positive and at most Timer B, 64 x T1 (00:00:00)."] },
        { o => (o.T1, o.T2) = (TimeSpan.FromMinutes(1) + TimeSpan.FromTicks(1), TimeSpan.FromMinutes(2)), ["SIP client 'carrier': T1 (00:01:00.0000001) must be positive and at most one minute."] },
        { o => o.T2 = TimeSpan.FromMilliseconds(499), ["SIP client 'carrier': T2 (00:00:00.4990000) must be at least T1 (00:00:00.5000000)."] },
        { o => o.AttemptTimeout = TimeSpan.FromSeconds(32) + TimeSpan.FromTicks(1), ["SIP client 'carrier': AttemptTimeout (00:00:32.0000001) must be positive and at most Timer F, 64 x T1 (00:00:32)."] },
        { o => o.AttemptTimeout = TimeSpan.FromTicks(-1), ["AttemptTimeout (-00:00:00.0000001) must be positive"] },
        { o => (o.ProvisionalTimeout, o.RingTimeout) = (TimeSpan.FromSeconds(32) + TimeSpan.FromTicks(1), TimeSpan.FromMinutes(1)), ["SIP client 'carrier': ProvisionalTimeout (00:00:32.0000001) must be positive and at most Timer B, 64 x T1 (00:00:32)."] },
        { o => (o.ProvisionalTimeout, o.RingTimeout) = (TimeSpan.Zero, TimeSpan.Zero), ["ProvisionalTimeout (00:00:00) must be positive", "SIP client 'carrier': RingTimeout (00:00:00) must be at least ProvisionalTimeout (00:00:00) and at most one hour."] },
        { o => o.RingTimeout = TimeSpan.FromHours(1) + TimeSpan.FromTicks(1), ["RingTimeout (01:00:00.0000001) must be at least ProvisionalTimeout (00:00:01) and at most one hour."] },
        { o => o.RingTimeout = TimeSpan.FromSeconds(1) - TimeSpan.FromTicks(1), ["RingTimeout (00:00:00.9999999) must be at least"] },
        { o => o.CallFailoverStatusCodes.Add(299), ["SIP client 'carrier': CallFailoverStatusCodes holds 299; only final responses other than 2xx, 300 to 699, can move a call on."] },
        { o => o.CallFailoverStatusCodes.Add(700), ["CallFailoverStatusCodes holds 700; only final responses"] },
        { o => o.CallFailoverStatusCodes.Add(603), ["SIP client 'carrier': CallFailoverStatusCodes holds 603, the callee's own answer; another trunk would ring the same person."] },
        { o => o.NerWindow = 10_001, ["SIP client 'carrier': NerWindow (10001) must be between 1 and 10000 calls."] },
        { o => o.NerWindow = 0, ["NerWindow (0) must be between 1 and 10000 calls."] },
        { o => o.NerMaxAge = TimeSpan.FromDays(1) + TimeSpan.FromTicks(1), ["SIP client 'carrier': NerMaxAge (1.00:00:00.0000001) must be positive and at most one day."] },
        { o => o.NerMaxAge = TimeSpan.Zero, ["NerMaxAge (00:00:00) must be positive"] },
        { o => o.MinimumNer = 1.0000001, ["SIP client 'carrier': MinimumNer (1.0000001) must be between 0 and 1."] },
        { o => o.MinimumNer = -1e-9, ["MinimumNer (-1E-09) must be between 0 and 1."] },
        { o => o.DnsServers.Add("127.0.0.1:0"), ["SIP client 'carrier': DnsServers holds '127.0.0.1:0', which is not an IP address with an optional port, such as 127.0.0.1:5353."] },
        { o => o.DnsServers.Add(" "), ["DnsServers holds ' ', which is not an IP address"] },
        { o => o.MaxConcurrentCalls["a"] = 0, ["SIP client 'carrier': MaxConcurrentCalls of 'a' (0) must be at least 1."] },
    };

    [Theory]
    [MemberData(nameof(JustPastTheBound))]
    public void Just_past_each_bound_the_problem_is_named_alone(Action<SipFailoverOptions> spoil, string[] expected)
    {
        var options = new SipFailoverOptions();
        options.Regions.Add(new Region("a", new Uri("sip:10.0.0.1")));
        spoil(options);

        ValidateOptionsResult result = _validator.Validate("carrier", options);

        Assert.True(result.Failed);
        List<string> failures = [.. result.Failures!];
        Assert.Equal(expected.Length, failures.Count);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Contains(expected[i], failures[i], StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Without_a_name_the_default_client_is_named()
    {
        ValidateOptionsResult result = _validator.Validate(null, new SipFailoverOptions { T1 = TimeSpan.Zero });

        Assert.Contains("the default SIP client: T1 (00:00:00)", result.FailureMessage, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>("options", () => _validator.Validate("carrier", null!));
    }

    [Fact]
    public void A_client_made_with_invalid_options_names_every_problem_in_one_exception()
    {
        var options = new SipFailoverOptions { NerWindow = 0, NerMaxAge = TimeSpan.Zero };
        options.Regions.Add(new Region("a", new Uri("sip:10.0.0.1")));

        ArgumentException thrown = Assert.Throws<ArgumentException>("options", () => new SipFailoverClient("carrier", options));

        Assert.StartsWith(
            "SIP client 'carrier': NerWindow (0) must be between 1 and 10000 calls. SIP client 'carrier': NerMaxAge (00:00:00) must be positive and at most one day.",
            thrown.Message,
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1:53")]
    [InlineData("127.0.0.1:5353", "127.0.0.1:5353")]
    [InlineData("[::1]:5300", "[::1]:5300")]
    [InlineData("::1", "[::1]:53")]
    [InlineData("[::1]", "[::1]:53")]
    [InlineData("[::1]:0", null)]
    [InlineData("127.0.0.1:65536", null)]
    [InlineData("127.0.0.1:0", null)]
    [InlineData("dns.example", null)]
    [InlineData(" ", null)]
    [InlineData(null, null)]
    public void A_dns_server_is_an_address_with_port_53_unless_it_names_one(string? text, string? expected) =>
        Assert.Equal(expected, SipFailoverOptionsValidator.DnsServer(text)?.ToString());
}

