using System.Net;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;

namespace SlaKit.Benchmarks.Overhead;

/// <summary>
/// What a handler adds to one healthy GET whose answer has a body still to read, as every answer from a socket has: the
/// in-memory terminal answers 200 with a 64-byte body behind a stream (not in memory as an array) and a Content-Length,
/// and each request reads it to its end. SlaKit watches such a body, so that one breaking off counts against its region.
/// </summary>
[MemoryDiagnoser]
public class StreamedBodyOverheadBenchmarks : IDisposable
{
    internal const string Plain = "plain";
    internal const string SlaKitFailover = "slakit";

    private static readonly byte[] Body = new byte[64];

    private readonly byte[] _buffer = new byte[128];
    private ServiceProvider _services = null!;
    private HttpMessageInvoker _plain = null!;
    private HttpMessageInvoker _slaKit = null!;

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        OverheadClients.Plain(services, Plain, static () => new StreamedBodyHandler());
        OverheadClients.Plain(services, SlaKitFailover, static () => new StreamedBodyHandler()).WithRegionFailover();
        _services = services.BuildServiceProvider();
        IHttpMessageHandlerFactory factory = _services.GetRequiredService<IHttpMessageHandlerFactory>();
        _plain = new HttpMessageInvoker(factory.CreateHandler(Plain), disposeHandler: false);
        _slaKit = new HttpMessageInvoker(factory.CreateHandler(SlaKitFailover), disposeHandler: false);
    }

    [GlobalCleanup]
    public void Cleanup() => Dispose();

    public void Dispose()
    {
        _plain?.Dispose();
        _slaKit?.Dispose();
        _services?.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true)]
    public Task<int> PlainInvoker() => SendAsync(_plain);

    [Benchmark]
    public Task<int> SlaKitRegionFailover() => SendAsync(_slaKit);

    private async Task<int> SendAsync(HttpMessageInvoker invoker)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, OverheadClients.RequestUri);
        using HttpResponseMessage response = await invoker.SendAsync(request, CancellationToken.None).ConfigureAwait(false);
        Stream body = await response.Content.ReadAsStreamAsync(CancellationToken.None).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            int total = 0;
            for (int read; (read = await body.ReadAsync(_buffer, CancellationToken.None).ConfigureAwait(false)) > 0;)
            {
                total += read;
            }

            return total;
        }
    }

    /// <summary>Answers 200 at once with <see cref="Body"/> behind a stream and its Content-Length, as a socket's answer comes.</summary>
    private sealed class StreamedBodyHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var content = new StreamContent(new MemoryStream(Body, writable: false));
            content.Headers.ContentLength = Body.Length;
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request, Content = content });
        }
    }
}
