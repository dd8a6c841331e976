using System.Net;

namespace SlaKit.Benchmarks.Overhead;

/// <summary>
/// The end of every pipeline in the overhead benchmarks: answers 200 at once without touching a socket, so the
/// time and memory measured are the handlers' own.
/// </summary>
internal sealed class InMemoryHandler : HttpMessageHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request });

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        new(HttpStatusCode.OK) { RequestMessage = request };
}
