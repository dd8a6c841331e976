using SlaKit.IntegrationTests.Infrastructure;

namespace SlaKit.IntegrationTests.Prometheus;

/// <summary>
/// The tests' side of <see cref="PrometheusServer"/>: without the program they skip, unless
/// <c>SLAKIT_REQUIRE_PROMETHEUS=1</c> (or <c>SLAKIT_REQUIRE_EXTERNAL_TOOLS=1</c>) is set, as CI sets it, when they fail.
/// </summary>
public sealed partial class PrometheusServer
{
    /// <summary>The path of <c>prometheus</c>; skips the test, or fails it when the server is required, if there is none.</summary>
    public static string RequirePath()
    {
        ExternalProgram.Require(Find() is not null, "SLAKIT_REQUIRE_PROMETHEUS", Install);
        return Find()!;
    }
}
