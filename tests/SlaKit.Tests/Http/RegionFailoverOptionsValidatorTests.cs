using Microsoft.Extensions.Options;
using SlaKit.Http;
using SlaKit.Regions;

namespace SlaKit.Tests.Http;

public class RegionFailoverOptionsValidatorTests
{
    private static RegionFailoverOptions Valid()
    {
        var options = new RegionFailoverOptions();
        options.Regions.Add(new Region("a", new Uri("https://a.example/")));
        options.Regions.Add(new Region("b", new Uri("https://b.example/base/")) { Priority = 1 });
        return options;
    }

    private static ValidateOptionsResult Validate(RegionFailoverOptions options) =>
        new RegionFailoverOptionsValidator().Validate("payments", options);

    [Fact]
    public void Defaults_with_two_regions_are_valid()
    {
        Assert.True(Validate(Valid()).Succeeded);
    }

    [Fact]
    public void A_server_stream_declared_safe_to_repeat_is_listed_in_both_method_lists()
    {
        RegionFailoverOptions options = Valid();
        options.StreamingMethods.Add("pkg.Svc/Watch");
        options.IdempotentMethods.Add("pkg.Svc/Watch");

        Assert.True(Validate(options).Succeeded);
    }

    [Fact]
    public void Documented_defaults_hold()
    {
        var options = new RegionFailoverOptions();

        Assert.Equal(TimeSpan.FromSeconds(5), options.AttemptTimeout);
        Assert.Equal(TimeSpan.FromSeconds(15), options.TotalTimeout);
        Assert.Equal(HedgingMode.Adaptive, options.Hedging);
        Assert.Equal(TimeSpan.FromMilliseconds(100), options.HedgingDelay);
        Assert.Equal(3, options.AdaptiveHedgingMultiplier);
        Assert.Null(options.MaxAttempts);
        Assert.Equal(2, options.FailuresToMarkDown);
        Assert.Equal(2, options.SuccessesToMarkUp);
        Assert.Equal(4, options.MaxLateAttempts);
        Assert.Equal(TimeSpan.FromSeconds(2), options.ColdStartAllowance);
        Assert.True(options.WarmUp);
        Assert.Equal("", options.WarmUpPath);
        Assert.Equal(TimeSpan.FromSeconds(5), options.WarmUpTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), options.BreakDuration);
        Assert.Equal(TimeSpan.FromSeconds(30), options.FailbackDelay);
        Assert.Equal(1024 * 1024, options.ReplayBufferLimit);
        Assert.Equal(RegionSelectionMode.PriorityWeighted, options.Selection);
    }

    public static TheoryData<string, string> Broken => new()
    {
        { "no-regions", "has no regions" },
        { "duplicate", "two regions named 'A'" },
        { "relative", "not an absolute http or https URI" },
        { "ftp", "not an absolute http or https URI" },
        { "query", "query or fragment" },
        { "weight", "weight 0" },
        { "priority", "priority -1" },
        { "attempt-timeout", "AttemptTimeout (00:00:00) must be positive" },
        { "total-timeout", "TotalTimeout (-00:00:01) must be positive" },
        { "total-below-attempt", "TotalTimeout (00:00:01) is shorter than AttemptTimeout" },
        { "hedging-delay", "HedgingDelay" },
        { "multiplier", "AdaptiveHedgingMultiplier" },
        { "max-attempts", "MaxAttempts (0)" },
        { "failures", "FailuresToMarkDown (0)" },
        { "late", "MaxLateAttempts (0)" },
        { "cold", "ColdStartAllowance (00:00:00) must be positive" },
        { "warm-up-timeout", "WarmUpTimeout (00:00:00) must be positive" },
        { "warm-up-path", "WarmUpPath 'https://elsewhere.example/' is not a relative path" },
        { "successes", "SuccessesToMarkUp (0)" },
        { "break", "BreakDuration" },
        { "failback", "FailbackDelay" },
        { "replay", "ReplayBufferLimit" },
        { "ratio", "CircuitBreakerFailureRatio" },
        { "throughput", "CircuitBreakerMinimumThroughput" },
        { "hedging-mode", "not a hedging mode" },
        { "fixed-hedging-delay-of-100-days", "HedgingDelay (100.00:00:00) is longer than a timer accepts, 49.7 days" },
        { "total-timeout-of-100-days", "TotalTimeout (100.00:00:00) is longer than a timer accepts" },
        { "attempt-timeout-of-2-days", "AttemptTimeout (2.00:00:00) must be at most 1 day" },
        { "attempt-timeout-of-5-ms", "AttemptTimeout (00:00:00.0050000) must be at least 10 ms" },
        { "break-of-2-days", "BreakDuration (2.00:00:00) must be at most 1 day" },
        { "sampling-of-2-days", "CircuitBreakerSamplingDuration (2.00:00:00) must be at most 1 day" },
        { "failback-of-100-days", "FailbackDelay (100.00:00:00) must not be negative or longer than 49.7 days" },
        { "retry-after-of-100-days", "MaxRetryAfter (100.00:00:00) is longer than a timer accepts" },
        { "warm-up-timeout-of-100-days", "WarmUpTimeout (100.00:00:00) is longer than a timer accepts" },
        { "idempotent-method", "IdempotentMethods entry 'Charge' is not a gRPC method written package.Service/Method" },
        { "streaming-method", "StreamingMethods entry 'Watch' is not a gRPC method written package.Service/Method" },
        { "warm-up-version", "WarmUpVersion (1.0) must be 1.1, 2.0 or 3.0" },
        { "http3-to-cleartext", "client 'payments': WarmUpVersion (3.0) cannot be spoken to region 'c' at 'http://c.example/'; HTTP/3 runs only over QUIC, which is always encrypted, so it needs an https endpoint (2.0 speaks HTTP/2 in cleartext)." },
        { "grpc-status-ok", "GrpcFailoverStatuses entry 0 is not a gRPC failure status" },
        { "grpc-status-17", "GrpcFailoverStatuses entry 17 is not a gRPC failure status" },
        { "grpc-status-negative", "GrpcFailoverStatuses entry -1 is not a gRPC failure status" },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public void Each_problem_is_named(string problem, string expected)
    {
        RegionFailoverOptions options = Valid();
        switch (problem)
        {
            case "no-regions": options.Regions.Clear(); break;
            case "duplicate": options.Regions.Add(new Region("A", new Uri("https://c.example/"))); break;
            case "relative": options.Regions.Add(new Region("c", new Uri("/relative", UriKind.Relative))); break;
            case "ftp": options.Regions.Add(new Region("c", new Uri("ftp://c.example/"))); break;
            case "query": options.Regions.Add(new Region("c", new Uri("https://c.example/?x=1"))); break;
            case "weight": options.Regions.Add(new Region("c", new Uri("https://c.example/")) { Weight = 0 }); break;
            case "priority": options.Regions.Add(new Region("c", new Uri("https://c.example/")) { Priority = -1 }); break;
            case "attempt-timeout": options.AttemptTimeout = TimeSpan.Zero; break;
            case "total-timeout": options.TotalTimeout = TimeSpan.FromSeconds(-1); break;
            case "total-below-attempt": options.TotalTimeout = TimeSpan.FromSeconds(1); break;
            case "hedging-delay": options.HedgingDelay = TimeSpan.Zero; break;
            case "multiplier": options.AdaptiveHedgingMultiplier = 0.5; break;
            case "max-attempts": options.MaxAttempts = 0; break;
            case "failures": options.FailuresToMarkDown = 0; break;
            case "late": options.MaxLateAttempts = 0; break;
            case "cold": options.ColdStartAllowance = TimeSpan.Zero; break;
            case "warm-up-timeout": options.WarmUpTimeout = TimeSpan.Zero; break;
            case "warm-up-path": options.WarmUpPath = "https://elsewhere.example/"; break;
            case "successes": options.SuccessesToMarkUp = 0; break;
            case "break": options.BreakDuration = TimeSpan.FromMilliseconds(100); break;
            case "failback": options.FailbackDelay = TimeSpan.FromSeconds(-1); break;
            case "replay": options.ReplayBufferLimit = -1; break;
            case "ratio": options.CircuitBreakerFailureRatio = 1.5; break;
            case "throughput": options.CircuitBreakerMinimumThroughput = 1; break;
            case "hedging-mode": options.Hedging = (HedgingMode)42; break;
            case "fixed-hedging-delay-of-100-days": options.Hedging = HedgingMode.Fixed; options.HedgingDelay = TimeSpan.FromDays(100); break;
            case "total-timeout-of-100-days": options.TotalTimeout = TimeSpan.FromDays(100); break;
            case "attempt-timeout-of-2-days": options.AttemptTimeout = TimeSpan.FromDays(2); options.TotalTimeout = TimeSpan.FromDays(3); break;
            case "attempt-timeout-of-5-ms": options.AttemptTimeout = TimeSpan.FromMilliseconds(5); break;
            case "break-of-2-days": options.BreakDuration = TimeSpan.FromDays(2); break;
            case "sampling-of-2-days": options.CircuitBreakerSamplingDuration = TimeSpan.FromDays(2); break;
            case "failback-of-100-days": options.FailbackDelay = TimeSpan.FromDays(100); break;
            case "retry-after-of-100-days": options.MaxRetryAfter = TimeSpan.FromDays(100); break;
            case "warm-up-timeout-of-100-days": options.WarmUpTimeout = TimeSpan.FromDays(100); break;
            case "idempotent-method": options.IdempotentMethods.Add("Charge"); break;
            case "streaming-method": options.StreamingMethods.Add("Watch"); break;
            case "warm-up-version": options.WarmUpVersion = System.Net.HttpVersion.Version10; break;
            case "http3-to-cleartext": options.Regions.Add(new Region("c", new Uri("http://c.example/")) { Priority = 2 }); options.WarmUpVersion = System.Net.HttpVersion.Version30; break;
            case "grpc-status-ok": options.GrpcFailoverStatuses.Add(0); break;
            case "grpc-status-17": options.GrpcFailoverStatuses.Add(17); break;
            case "grpc-status-negative": options.GrpcFailoverStatuses.Add(-1); break;
        }

        ValidateOptionsResult result = Validate(options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, failure => failure.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        RegionFailoverOptions options = Valid();
        options.AttemptTimeout = TimeSpan.Zero;
        options.FailuresToMarkDown = 0;
        options.Regions.Add(new Region("a", new Uri("https://dup.example/")));

        ValidateOptionsResult result = Validate(options);

        Assert.Equal(3, result.Failures!.Count());
    }

    [Theory]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    [InlineData(double.NaN)]
    [InlineData(1e300)]
    [InlineData(1000.0000000001)]
    [InlineData(0.9999999999)]
    [InlineData(-0.0)]
    public void An_adaptive_hedging_multiplier_a_delay_cannot_be_made_of_is_refused(double multiplier)
    {
        // An infinite or huge k passed the old "at least 1" check, then overflowed a TimeSpan on some later request.
        RegionFailoverOptions options = Valid();
        options.AdaptiveHedgingMultiplier = multiplier;

        ValidateOptionsResult result = Validate(options);

        Assert.True(result.Failed);
        Assert.Contains("AdaptiveHedgingMultiplier", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("must be from 1 to 1000", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(1000.0)]
    public void An_adaptive_hedging_multiplier_at_either_bound_is_valid(double multiplier)
    {
        RegionFailoverOptions options = Valid();
        options.AdaptiveHedgingMultiplier = multiplier;

        Assert.True(Validate(options).Succeeded);
    }

    [Fact]
    public void Every_value_exactly_at_its_bound_is_valid()
    {
        RegionFailoverOptions options = Valid();
        options.AttemptTimeout = TimeSpan.FromMilliseconds(10);
        options.TotalTimeout = TimeSpan.FromMilliseconds(10);
        options.MaxAttempts = 1;
        options.ReplayBufferLimit = 0;
        options.CircuitBreakerFailureRatio = 1;
        options.CircuitBreakerMinimumThroughput = 2;
        options.CircuitBreakerSamplingDuration = TimeSpan.FromDays(1);
        options.BreakDuration = TimeSpan.FromDays(1);
        options.GrpcFailoverStatuses.Clear();
        options.GrpcFailoverStatuses.Add(1);
        options.GrpcFailoverStatuses.Add(16);
        options.WarmUpVersion = new Version(3, 0); // every region is https, as HTTP/3 needs

        ValidateOptionsResult result = Validate(options);

        Assert.True(result.Succeeded, result.FailureMessage);

        options.AttemptTimeout = TimeSpan.FromDays(1);
        options.TotalTimeout = TimeSpan.FromDays(1);
        options.WarmUpVersion = new Version(2, 0);
        Assert.True(Validate(options).Succeeded, Validate(options).FailureMessage);
    }

    [Fact]
    public void Values_just_past_their_bounds_are_refused()
    {
        RegionFailoverOptions options = Valid();
        options.AttemptTimeout = TimeSpan.FromDays(1) + TimeSpan.FromTicks(1);
        options.TotalTimeout = TimeSpan.FromDays(2);
        options.CircuitBreakerSamplingDuration = TimeSpan.FromMilliseconds(499);
        options.CircuitBreakerFailureRatio = 1.0000001;
        options.CircuitBreakerMinimumThroughput = 1;
        options.WarmUpVersion = new Version(3, 1);
        options.Selection = (RegionSelectionMode)9;

        string[] failures = [.. Validate(options).Failures!];

        Assert.Equal(
        [
            "client 'payments': WarmUpVersion (3.1) must be 1.1, 2.0 or 3.0.",
            "client 'payments': Selection '9' is not a selection mode.",
            "client 'payments': CircuitBreakerSamplingDuration (00:00:00.4990000) must be at least 0.5 s.",
            "client 'payments': AttemptTimeout (1.00:00:00.0000001) must be at most 1 day.",
            "client 'payments': CircuitBreakerFailureRatio (1.0000001) must be in (0, 1].",
            "client 'payments': CircuitBreakerMinimumThroughput (1) must be at least 2.",
        ], failures);
    }

    [Fact]
    public void The_default_client_is_named_as_such_and_null_options_are_refused()
    {
        RegionFailoverOptions options = Valid();
        options.MaxAttempts = 0;

        Assert.Equal("the default client: MaxAttempts (0) must be at least 1.", Assert.Single(new RegionFailoverOptionsValidator().Validate("", options).Failures!));
        Assert.Equal("the default client: MaxAttempts (0) must be at least 1.", Assert.Single(new RegionFailoverOptionsValidator().Validate(null, options).Failures!));
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => new RegionFailoverOptionsValidator().Validate("payments", null!)).ParamName);
    }

    [Fact]
    public void An_endpoint_with_only_a_fragment_is_refused()
    {
        RegionFailoverOptions options = Valid();
        options.Regions.Add(new Region("c", new Uri("https://c.example/#x")) { Priority = 2 });

        Assert.Equal(
            "Region 'c' of client 'payments' has endpoint 'https://c.example/#x' with a query or fragment; give a base URI.",
            Assert.Single(Validate(options).Failures!));
    }

    [Fact]
    public void Http3_is_refused_once_for_each_cleartext_region_and_http2_is_not()
    {
        RegionFailoverOptions options = Valid();
        options.Regions.Clear();
        options.Regions.Add(new Region("a", new Uri("http://a.example/")));
        options.Regions.Add(new Region("b", new Uri("https://b.example/")) { Priority = 1 });
        options.Regions.Add(new Region("c", new Uri("http://c.example/")) { Priority = 2 });
        options.WarmUpVersion = System.Net.HttpVersion.Version30;

        string[] failures = [.. Validate(options).Failures!];

        Assert.Equal(2, failures.Length);
        Assert.Contains("region 'a' at 'http://a.example/'", failures[0], StringComparison.Ordinal);
        Assert.Contains("region 'c' at 'http://c.example/'", failures[1], StringComparison.Ordinal);

        options.WarmUpVersion = System.Net.HttpVersion.Version20;
        Assert.True(Validate(options).Succeeded, Validate(options).FailureMessage);
    }
}
