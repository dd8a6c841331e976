using System.Security.Cryptography;

namespace SlaKit.Sip;

/// <summary>The identifiers a UAC makes up, random enough to be unique across space and time (RFC 3261 §8.1.1).</summary>
internal static class SipIds
{
    /// <summary>A Via branch: the RFC 3261 magic cookie and 64 random bits (§8.1.1.7).</summary>
    public static string NewBranch() => SipSyntax.BranchCookie + RandomNumberGenerator.GetHexString(16, lowercase: true);

    /// <summary>A From tag with 64 random bits (§19.3 asks for at least 32).</summary>
    public static string NewTag() => RandomNumberGenerator.GetHexString(16, lowercase: true);

    /// <summary>A Call-ID with 128 random bits (§8.1.1.4).</summary>
    public static string NewCallId() => RandomNumberGenerator.GetHexString(32, lowercase: true);
}
