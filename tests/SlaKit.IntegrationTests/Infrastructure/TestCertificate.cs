using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SlaKit.IntegrationTests.Infrastructure;

/// <summary>A self-signed certificate for 127.0.0.1, made in the test, and a client handler that trusts exactly it.</summary>
public static class TestCertificate
{
    /// <summary>A new self-signed certificate for 127.0.0.1, ::1 and localhost, valid for a day around now.</summary>
    public static X509Certificate2 Create()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=slakit-test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using X509Certificate2 created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        // Kestrel needs the private key in a form the platform's TLS can use: round-trip through PKCS #12.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), password: null);
    }

    /// <summary>A socket handler that trusts <paramref name="certificate"/> and nothing else, as a client pinning its regions' certificate would.</summary>
    public static SocketsHttpHandler TrustingHandler(X509Certificate2 certificate)
    {
        string thumbprint = certificate.Thumbprint;
        return new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, presented, _, _) =>
                    presented is not null && string.Equals(presented.GetCertHashString(), thumbprint, StringComparison.OrdinalIgnoreCase),
            },
        };
    }
}
