using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace SlaKit.Sip;

/// <summary>
/// How TLS connections to SIP servers are made (<c>sips:</c> URIs and <c>transport=tls</c>, RFC 3261 §26.2): how the
/// server's certificate is checked, and which certificates the client offers to a server that asks for one.
/// </summary>
/// <remarks>
/// By default the system checks the server's certificate: a trusted chain, issued for the target's domain (RFC 5922
/// §7.2: the domain of the URI, also when DNS gave another host for it). Set in code; configuration cannot bind delegates
/// or certificates.
/// </remarks>
public sealed class SipTlsOptions
{
    /// <summary>
    /// Decides whether the server's certificate is accepted, in place of the system's check, for example to trust a
    /// carrier's private certificate authority or pin a certificate. <see langword="null"/> (the default) keeps the system's check.
    /// </summary>
    public RemoteCertificateValidationCallback? ServerCertificateValidation { get; set; }

    /// <summary>The certificates offered to a server that asks for one (mutual TLS, as many carriers require). Empty by default.</summary>
    public X509CertificateCollection ClientCertificates { get; } = [];

    /// <summary>
    /// The name the server's certificate must be issued for, and the name sent in SNI. <see langword="null"/> (the
    /// default) uses the target's domain.
    /// </summary>
    public string? TargetHost { get; set; }
}
