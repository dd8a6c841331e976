using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using SlaKit.Http;
using SlaKit.Regions;

namespace SlaKit.Tests.Http;

/// <summary>
/// A failover client of two regions on the fake clock over a <see cref="HeldTerminal"/>: region a's answers come when
/// the test says, region b answers at once. Every health change is kept in <see cref="Changes"/>.
/// </summary>
public abstract class HeldRegionTests : IDisposable
{
    /// <summary>How long a test waits for something to happen on another thread.</summary>
    protected static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    private readonly FailoverTelemetry _telemetry = new(null);

    protected HeldRegionTests()
    {
        Terminal.Time = Time;
        Start();
    }

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero));

    protected HeldTerminal Terminal { get; } = new();

    protected List<(string Region, RegionHealth To, string Reason)> Changes { get; } = [];

    /// <summary>What the client logged.</summary>
    protected FakeLogger Logs { get; } = new();

    internal HttpRegionSet Client { get; private set; } = null!;

    protected HttpMessageInvoker Invoker { get; private set; } = null!;

    internal TrackedRegion A => Client.Regions[0];

    internal TrackedRegion B => Client.Regions[1];

    /// <summary>The client's telemetry, on a meter of its own.</summary>
    internal FailoverTelemetry Telemetry => _telemetry;

    public void Dispose()
    {
        Terminal.ReleaseAll();
        Invoker.Dispose();
        _telemetry.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Makes the client anew (the one before disposed), with <paramref name="configure"/> applied to its options.</summary>
    protected void Start(Action<RegionFailoverOptions>? configure = null)
    {
        Invoker?.Dispose();
        var options = new RegionFailoverOptions();
        options.Regions.Add(new Region("a", new Uri("http://a.invalid/")));
        options.Regions.Add(new Region("b", new Uri("http://b.invalid/")) { Priority = 1 });
        configure?.Invoke(options);
        Client = new HttpRegionSet("payments", options, Time, Logs, _telemetry);
        Client.Core.HealthChanged += (_, e) =>
        {
            lock (Changes)
            {
                Changes.Add((e.Region.Name, e.Current, e.Reason));
            }
        };
        Invoker = new HttpMessageInvoker(new RegionFailoverHandler(Client) { InnerHandler = Terminal });
    }

    protected static void Until(Func<bool> condition, string what) =>
        Assert.True(SpinWait.SpinUntil(condition, Wait), $"timed out waiting until {what}");
}
