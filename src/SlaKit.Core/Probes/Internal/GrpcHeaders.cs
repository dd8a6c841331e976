using System.Globalization;
using System.Net.Http.Headers;

namespace SlaKit.Probes;

/// <summary>Reads gRPC's status out of response headers or trailers (PROTOCOL-HTTP2.md): for the health probe and the failover handler alike.</summary>
internal static class GrpcHeaders
{
    /// <summary>The <c>grpc-status</c> code in <paramref name="headers"/>; <see langword="null"/> when there is none or it is not a number.</summary>
    public static int? Status(HttpHeaders headers) =>
        headers.TryGetValues("grpc-status", out IEnumerable<string>? values) &&
        int.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out int code)
            ? code
            : null;
}
