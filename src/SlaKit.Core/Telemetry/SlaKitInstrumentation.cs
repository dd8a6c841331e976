namespace SlaKit.Telemetry;

/// <summary>
/// The names SlaKit publishes its telemetry under, for OpenTelemetry and <c>dotnet-counters</c>:
/// <c>AddMeter(SlaKitInstrumentation.MeterName)</c>, <c>AddSource(SlaKitInstrumentation.ActivitySourceName)</c>.
/// </summary>
public static class SlaKitInstrumentation
{
    /// <summary>The name of the <see cref="System.Diagnostics.Metrics.Meter"/> every SlaKit instrument belongs to: <c>SlaKit</c>.</summary>
    public const string MeterName = "SlaKit";

    /// <summary>The name of the <see cref="System.Diagnostics.ActivitySource"/> SlaKit's activities come from: <c>SlaKit</c>.</summary>
    public const string ActivitySourceName = "SlaKit";
}
