using System.Globalization;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using SlaKit.Budgets;
using SlaKit.Prometheus;
using SlaKit.Telemetry;

namespace FleetBudget;

/// <summary>
/// One instance of the checkout service: 200 synthetic requests a second, each recorded against the SLO, and
/// SlaKit's meter exported by OpenTelemetry's Prometheus exporter on 127.0.0.1.
/// </summary>
internal static class CheckoutInstance
{
    private const int RequestsPerTick = 20;
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    public static async Task<int> RunAsync(string[] args)
    {
        string name = Value(args, "--name") ?? "checkout";
        int port = int.Parse(Value(args, "--port") ?? "9464", CultureInfo.InvariantCulture);
        var duration = TimeSpan.FromSeconds(int.Parse(Value(args, "--seconds") ?? "40", CultureInfo.InvariantCulture));
        var failFrom = TimeSpan.FromSeconds(int.Parse(Value(args, "--fail-from") ?? "0", CultureInfo.InvariantCulture));
        var failTo = TimeSpan.FromSeconds(int.Parse(Value(args, "--fail-to") ?? "0", CultureInfo.InvariantCulture));

        // The same SLO file the Prometheus rules were generated from, so the slo label matches.
        Slo slo = SloDocument.ReadFile(Path.Combine(AppContext.BaseDirectory, "slo.yaml")).Single().Slo;
        using MeterProvider metrics = Sdk.CreateMeterProviderBuilder()
            .ConfigureResource(resource => resource.AddService("checkout", serviceInstanceId: name))
            .AddMeter(SlaKitInstrumentation.MeterName)
            .AddPrometheusHttpListener(options =>
            {
                options.Host = "127.0.0.1";
                options.Port = port;
            })
            .Build();
        using var tracker = new ErrorBudgetTracker(slo);

        // Seeded by the port: every run of the sample draws the same failures for each instance.
        var random = new Random(port);
        var started = TimeProvider.System.GetTimestamp();
        using var ticks = new PeriodicTimer(Tick);
        while (await ticks.WaitForNextTickAsync())
        {
            TimeSpan elapsed = TimeProvider.System.GetElapsedTime(started);
            if (elapsed >= duration)
            {
                break;
            }

            // Normally one request in 5000 fails (a tenth of the budget); during the incident one in 20.
            double failureRate = elapsed >= failFrom && elapsed < failTo ? 0.05 : 0.0002;
            for (int i = 0; i < RequestsPerTick; i++)
            {
                if (random.NextDouble() < failureRate)
                {
                    tracker.RecordFailure();
                }
                else
                {
                    tracker.RecordSuccess();
                }
            }
        }

        return 0;
    }

    private static string? Value(string[] args, string name)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }
}
