namespace SlaKit.Regions;

/// <summary>A monitor whose regions stop taking callers' requests as trials while probes watch them: the probes decide when a region is back.</summary>
internal interface IActivelyProbed
{
    /// <summary>A probe of <paramref name="regionName"/> starts.</summary>
    void ProbeStarted(string regionName);

    /// <summary>A probe of <paramref name="regionName"/> has stopped.</summary>
    void ProbeStopped(string regionName);
}
