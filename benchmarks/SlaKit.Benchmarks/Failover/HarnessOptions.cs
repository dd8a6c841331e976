namespace SlaKit.Benchmarks.Failover;

/// <summary>
/// What one run of the harness does; parsed from the arguments after <c>failover</c>.
/// </summary>
internal sealed record HarnessOptions
{
    /// <summary>Requests in each client's sequence; 100 by default.</summary>
    public int Requests { get; init; } = 100;

    /// <summary>Requests made before the fault starts, so the chart shows the change; a tenth of <see cref="Requests"/> by default.</summary>
    public int? HealthyRequests { get; init; }

    /// <summary>Healthy requests every client makes, unmeasured, before the first fault; 100 by default, none in a smoke run.</summary>
    public int WarmUp { get; init; } = 100;

    /// <summary>The pause between one answer and the next request; 20 ms by default.</summary>
    public TimeSpan Pause { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>How long the caller waits for each request before cancelling it; 30 s by default, the standard handlers' own total timeout.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>No new request starts once a client's run has lasted this long; 30 s by default.</summary>
    public TimeSpan Budget { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Where the reports go; <c>BenchmarkDotNet.Artifacts/failover</c> by default.</summary>
    public string Output { get; init; } = System.IO.Path.Combine("BenchmarkDotNet.Artifacts", "failover");

    /// <summary>The faults to run; all of them by default.</summary>
    public IReadOnlyList<Fault> Faults { get; init; } = FaultNames.All;

    /// <summary>A team's own primary; with <see cref="Secondary"/>, replaces the local Kestrel regions.</summary>
    public Uri? Primary { get; init; }

    /// <summary>A team's own secondary.</summary>
    public Uri? Secondary { get; init; }

    /// <summary>The GET path each request asks for; <c>api/balance/42</c> locally.</summary>
    public string Path { get; init; } = "api/balance/42";

    /// <summary>Whether this is the smoke run CI makes: few requests, short timeouts, figures that mean nothing.</summary>
    public bool Smoke { get; init; }

    /// <summary>The requests made before the fault.</summary>
    public int Healthy => HealthyRequests ?? Math.Max(1, Requests / 10);

    public const string Usage =
        "usage: failover [--requests N] [--healthy N] [--warm-up N] [--pause MS] [--timeout S] [--budget S] [--faults 503,refused,black-hole,slow,flapping] " +
        "[--out DIR] [--primary URL --secondary URL [--path PATH]] [--smoke]";

    /// <summary>Parses the arguments after <c>failover</c>.</summary>
    /// <exception cref="ArgumentException">An argument is unknown, malformed or missing its value; the message names it.</exception>
    public static HarnessOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = new HarnessOptions();
        bool pathGiven = false;
        if (args.Contains("--smoke"))
        {
            options = options with
            {
                Smoke = true,
                Requests = 6,
                HealthyRequests = 2,
                WarmUp = 0,
                Pause = TimeSpan.FromMilliseconds(5),
                Timeout = TimeSpan.FromSeconds(2),
                Budget = TimeSpan.FromSeconds(3),
            };
        }

        for (int i = 0; i < args.Count; i++)
        {
            string name = args[i];
            if (name == "--smoke")
            {
                continue;
            }

            string value = i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value.", nameof(args));
            options = name switch
            {
                "--requests" => options with { Requests = ScenarioArguments.Positive(name, value) },
                "--healthy" => options with { HealthyRequests = ScenarioArguments.NonNegative(name, value) },
                "--warm-up" => options with { WarmUp = ScenarioArguments.NonNegative(name, value) },
                "--pause" => options with { Pause = TimeSpan.FromMilliseconds(ScenarioArguments.NonNegative(name, value)) },
                "--timeout" => options with { Timeout = TimeSpan.FromSeconds(ScenarioArguments.Positive(name, value)) },
                "--budget" => options with { Budget = TimeSpan.FromSeconds(ScenarioArguments.Positive(name, value)) },
                "--out" => options with { Output = value },
                "--faults" => options with { Faults = ParseFaults(value) },
                "--primary" => options with { Primary = AbsoluteHttp(name, value) },
                "--secondary" => options with { Secondary = AbsoluteHttp(name, value) },
                "--path" => options with { Path = value },
                _ => throw new ArgumentException($"Unknown option '{name}'. {Usage}", nameof(args)),
            };
            pathGiven |= name == "--path";
        }

        if ((options.Primary is null) != (options.Secondary is null))
        {
            throw new ArgumentException("--primary and --secondary go together.", nameof(args));
        }

        if (pathGiven && options.Primary is null)
        {
            throw new ArgumentException("--path needs --primary and --secondary.", nameof(args));
        }

        if (options.Healthy >= options.Requests)
        {
            throw new ArgumentException($"--healthy ({options.Healthy}) must be less than --requests ({options.Requests}).", nameof(args));
        }

        return options;
    }

    private static Uri AbsoluteHttp(string name, string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out Uri? uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new ArgumentException($"{name} must be an absolute http or https URL, not '{value}'.", nameof(name));

    private static Fault[] ParseFaults(string value)
    {
        string[] names = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var faults = new Fault[names.Length];
        for (int i = 0; i < names.Length; i++)
        {
            if (!FaultNames.TryParse(names[i], out faults[i]))
            {
                throw new ArgumentException($"--faults: unknown fault '{names[i]}' (known: {string.Join(", ", FaultNames.All.Select(FaultNames.Name))}).", nameof(value));
            }
        }

        return faults.Length > 0 ? faults : throw new ArgumentException("--faults names no fault.", nameof(value));
    }
}
