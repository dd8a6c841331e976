using SlaKit.Probes;

namespace SlaKit.Regions;

/// <summary>A scheduled probe of a region finished.</summary>
public sealed class ProbeCompletedEventArgs : EventArgs
{
    /// <summary>Creates the event's data.</summary>
    /// <param name="regionName">The region probed.</param>
    /// <param name="result">What the probe found.</param>
    public ProbeCompletedEventArgs(string regionName, HealthProbeResult result)
    {
        RegionName = regionName;
        Result = result;
    }

    /// <summary>The region probed.</summary>
    public string RegionName { get; }

    /// <summary>What the probe found.</summary>
    public HealthProbeResult Result { get; }
}
