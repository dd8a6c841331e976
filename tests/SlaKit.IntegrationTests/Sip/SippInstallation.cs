using SlaKit.IntegrationTests.Infrastructure;

namespace SlaKit.IntegrationTests.Sip;

/// <summary>
/// Whether SIPp is installed. Without it the SIP interop tests skip, unless <c>SLAKIT_REQUIRE_SIPP=1</c> (or
/// <c>SLAKIT_REQUIRE_EXTERNAL_TOOLS=1</c>) is set, as CI sets it, in which case they fail.
/// </summary>
public static class SippInstallation
{
    private const string Install = "sipp is not installed: apt-get install -y sip-tester";

    private static readonly Lazy<string?> Found = new(() => ExternalProgram.Find("sipp"));

    /// <summary>The path of <c>sipp</c>; skips the test, or fails it when SIPp is required, if there is none.</summary>
    public static string RequirePath()
    {
        ExternalProgram.Require(Found.Value is not null, "SLAKIT_REQUIRE_SIPP", Install);
        return Found.Value!;
    }
}
