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
/// SlaKit's meter exported by OpenTelemetry's Prometheus exporter on 127.0.0.1. When it stops recording it prints its
/// tracker's own counts (<c>totals good=… bad=… burn5m=… burn1h=…</c>) and keeps exporting for <c>--linger</c>
/// seconds, so that a Prometheus server scrapes the final values. <c>--wait</c> holds the first event back until a line
/// comes on standard input (zeros are exported meanwhile); <c>--fail-rate</c> and <c>--incident-rate</c> set the share of requests that fail outside and
/// inside the incident.
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
        var linger = TimeSpan.FromSeconds(int.Parse(Value(args, "--linger") ?? "0", CultureInfo.InvariantCulture));

        // Exporting zeros until told to start lets Prometheus's increase() count every event from the first.
        bool waitForInput = args.Contains("--wait");

        // Normally one request in 5000 fails (a tenth of the budget); during the incident one in 20.
        double normalRate = double.Parse(Value(args, "--fail-rate") ?? "0.0002", CultureInfo.InvariantCulture);
        double incidentRate = double.Parse(Value(args, "--incident-rate") ?? "0.05", CultureInfo.InvariantCulture);

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

        if (waitForInput)
        {
            await Console.In.ReadLineAsync();
            Console.WriteLine("recording");
        }

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

            double failureRate = elapsed >= failFrom && elapsed < failTo ? incidentRate : normalRate;
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

        ErrorBudgetSnapshot snapshot = tracker.GetSnapshot();
        SloEventCounts counts = snapshot.CountsOver(TimeSpan.FromHours(1));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"totals good={counts.Good} bad={counts.Bad} burn5m={snapshot.BurnRate(TimeSpan.FromMinutes(5)):0.##} burn1h={snapshot.BurnRate(TimeSpan.FromHours(1)):0.##}"));
        await Task.Delay(linger);
        return 0;
    }

    private static string? Value(string[] args, string name)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }
}
