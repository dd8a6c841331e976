using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.HealthCheck;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SlaKit.IntegrationTests.Grpc;

/// <summary>A real Kestrel gRPC server on 127.0.0.1 (HTTP/2, without TLS or with a certificate made in the test), standing in for one region.</summary>
public sealed class GrpcRegionServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Region _region;

    private GrpcRegionServer(WebApplication app, Region region)
    {
        _app = app;
        _region = region;
    }

    /// <summary>The standard health service (grpc.health.v1), when the server has one; the server as a whole ("") starts SERVING.</summary>
    public HealthServiceImpl? Health => _app.Services.GetService<HealthServiceImpl>();

    /// <summary>The region's name, returned in every reply.</summary>
    public string Name => _region.Name;

    /// <summary>The server's base URI, such as <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseUri { get; private set; } = null!;

    /// <summary>The protocol of each HEAD request the server got (a client's warm-up), such as <c>HTTP/2</c>.</summary>
    public IReadOnlyList<string> HeadRequests => [.. _region.Heads];

    /// <summary>How many calls reached the service.</summary>
    public int Calls => Volatile.Read(ref _region.Calls);

    /// <summary>The deadline of each unary call the service answered, as its <c>grpc-timeout</c> set it (<see cref="DateTime.MaxValue"/> for none).</summary>
    public IReadOnlyList<DateTime> Deadlines => [.. _region.Deadlines];

    /// <summary>The <c>grpc-previous-rpc-attempts</c> of each unary call the service got (<see langword="null"/> for none).</summary>
    public IReadOnlyList<string?> PreviousAttempts => [.. _region.PreviousAttempts];

    /// <summary>
    /// Whether unary calls are answered as through a proxy that drops trailers: a 200 <c>application/grpc</c> reply with the
    /// message and no <c>grpc-status</c> at all.
    /// </summary>
    public bool DropStatus
    {
        get => _region.DropStatus;
        set => _region.DropStatus = value;
    }

    /// <summary>How many bidirectional calls (<c>Talk</c>) the service saw cancelled by their client while it read or wrote.</summary>
    public int CancelledTalks => Volatile.Read(ref _region.CancelledTalks);

    /// <summary>The status the service fails every call with before answering (a trailers-only answer); none to answer.</summary>
    public Status? FailWith
    {
        get => _region.FailWith;
        set => _region.FailWith = value;
    }

    /// <summary>
    /// Whether <see cref="FailWith"/> comes after the response headers (and, in a streaming reply, after one message):
    /// the status then arrives in the trailers, as when a service fails once it has started answering.
    /// </summary>
    public bool FailAfterHeaders
    {
        get => _region.FailAfterHeaders;
        set => _region.FailAfterHeaders = value;
    }

    /// <summary>How long a streaming method waits before its first message (and so before its response headers).</summary>
    public TimeSpan StreamDelay
    {
        get => _region.StreamDelay;
        set => _region.StreamDelay = value;
    }

    public static async Task<GrpcRegionServer> StartAsync(string name, X509Certificate2? certificate = null, bool withHealth = true)
    {
        var region = new Region(name);
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0, o =>
        {
            o.Protocols = HttpProtocols.Http2;
            if (certificate is not null)
            {
                o.UseHttps(certificate);
            }
        }));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(region);
        if (withHealth)
        {
            var health = new HealthServiceImpl();
            health.SetStatus("", HealthCheckResponse.Types.ServingStatus.Serving);
            builder.Services.AddSingleton(health);
        }

        WebApplication app = builder.Build();
        app.Use(async (context, next) =>
        {
            if (HttpMethods.IsHead(context.Request.Method))
            {
                region.Heads.Enqueue(context.Request.Protocol);
            }

            if (region.DropStatus && context.Request.Path.StartsWithSegments("/slakit.tests.Payments", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref region.Calls);
                await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
                context.Response.ContentType = "application/grpc";
                await context.Response.Body.WriteAsync(Framed(new ChargeReply { Region = region.Name }), context.RequestAborted);
                return;
            }

            await next(context);
        });
        app.MapGrpcService<PaymentsService>();
        if (withHealth)
        {
            app.MapGrpcService<HealthServiceImpl>();
        }

        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new GrpcRegionServer(app, region) { BaseUri = new Uri(address.EndsWith('/') ? address : address + "/") };
    }

    /// <summary>A gRPC message as it travels: uncompressed (0), its length in four bytes, big-endian, then its bytes.</summary>
    private static byte[] Framed(ChargeReply reply)
    {
        byte[] message = global::Google.Protobuf.MessageExtensions.ToByteArray(reply);
        byte[] framed = new byte[5 + message.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(framed.AsSpan(1), message.Length);
        message.CopyTo(framed, 5);
        return framed;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>What the service knows of its region.</summary>
    private sealed class Region(string name)
    {
        public readonly string Name = name;
        public int Calls;
        public int CancelledTalks;
        public volatile StrongBox<Status>? Failure;
        public volatile bool FailAfterHeaders;
        public volatile bool DropStatus;
        public readonly System.Collections.Concurrent.ConcurrentQueue<DateTime> Deadlines = new();
        public readonly System.Collections.Concurrent.ConcurrentQueue<string?> PreviousAttempts = new();
        public readonly System.Collections.Concurrent.ConcurrentQueue<string> Heads = new();
        public TimeSpan StreamDelay;

        public Status? FailWith
        {
            get => Failure?.Value;
            set => Failure = value is { } status ? new StrongBox<Status>(status) : null;
        }
    }

    private sealed class PaymentsService(Region region) : Payments.PaymentsBase
    {
        public override async Task<ChargeReply> Charge(ChargeRequest request, ServerCallContext context)
        {
            Interlocked.Increment(ref region.Calls);
            region.Deadlines.Enqueue(context.Deadline);
            region.PreviousAttempts.Enqueue(context.RequestHeaders.GetValue("grpc-previous-rpc-attempts"));
            await FailIfAskedAsync(context);
            return new ChargeReply { Region = region.Name };
        }

        public override Task<ChargeReply> Lookup(ChargeRequest request, ServerCallContext context) => Charge(request, context);

        public override async Task Watch(ChargeRequest request, IServerStreamWriter<ChargeReply> responseStream, ServerCallContext context)
        {
            Interlocked.Increment(ref region.Calls);
            await Task.Delay(region.StreamDelay, context.CancellationToken);
            await AnswerTwiceAsync(responseStream, context);
        }

        public override async Task<ChargeReply> Batch(IAsyncStreamReader<ChargeRequest> requestStream, ServerCallContext context)
        {
            Interlocked.Increment(ref region.Calls);
            int count = 0;
            await foreach (ChargeRequest _ in requestStream.ReadAllAsync(context.CancellationToken))
            {
                count++;
            }

            await FailIfAskedAsync(context);
            return new ChargeReply { Region = $"{region.Name}:{count}" };
        }

        public override async Task Talk(IAsyncStreamReader<ChargeRequest> requestStream, IServerStreamWriter<ChargeReply> responseStream, ServerCallContext context)
        {
            Interlocked.Increment(ref region.Calls);
            await Task.Delay(region.StreamDelay, context.CancellationToken);
            if (region.FailWith is { } status && !region.FailAfterHeaders)
            {
                throw new RpcException(status);
            }

            try
            {
                await foreach (ChargeRequest message in requestStream.ReadAllAsync(context.CancellationToken))
                {
                    await responseStream.WriteAsync(new ChargeReply { Region = $"{region.Name}:{message.Id}" }, context.CancellationToken);
                    if (region.FailWith is { } late)
                    {
                        throw new RpcException(late);
                    }
                }
            }
            catch (Exception) when (context.CancellationToken.IsCancellationRequested)
            {
                Interlocked.Increment(ref region.CancelledTalks);
                throw;
            }
        }

        /// <summary>Two replies, or one and then the failure, when the region is failing after its headers.</summary>
        private async Task AnswerTwiceAsync(IServerStreamWriter<ChargeReply> responseStream, ServerCallContext context)
        {
            if (region.FailWith is { } status && !region.FailAfterHeaders)
            {
                throw new RpcException(status);
            }

            await responseStream.WriteAsync(new ChargeReply { Region = region.Name }, context.CancellationToken);
            if (region.FailWith is { } late)
            {
                throw new RpcException(late);
            }

            await responseStream.WriteAsync(new ChargeReply { Region = region.Name }, context.CancellationToken);
        }

        private async Task FailIfAskedAsync(ServerCallContext context)
        {
            if (region.FailWith is not { } status)
            {
                return;
            }

            if (region.FailAfterHeaders)
            {
                // Headers first: the status then travels in the trailers, after a header block without it.
                await context.WriteResponseHeadersAsync(new Metadata());
                throw new RpcException(status);
            }

            // Thrown before any message is written: the answer is trailers-only, the status in its headers.
            throw new RpcException(status, new Metadata { { "grpc-retry-pushback-ms", "30000" } });
        }
    }
}
