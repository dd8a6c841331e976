namespace SlaKit.Regions;

/// <summary>A monitor that stops trying callers' requests on its Unhealthy regions while probes watch them.</summary>
internal interface IActivelyProbed
{
    void ProbeStarted();

    void ProbeStopped();
}
