using Google.Protobuf.Reflection;
using SlaKit.Http;

namespace SlaKit.Grpc;

/// <summary>Declares a gRPC service's methods to a failover client from the service's own proto.</summary>
public static class GrpcServiceRegionFailoverExtensions
{
    /// <summary>
    /// Reads <paramref name="service"/>'s methods (the generated <c>Descriptor</c> of a service class, such as
    /// <c>Payments.Descriptor</c>) into <paramref name="options"/>: a unary method whose proto declares
    /// <c>option idempotency_level = NO_SIDE_EFFECTS</c> or <c>IDEMPOTENT</c> goes into
    /// <see cref="RegionFailoverOptions.IdempotentMethods"/>, so that its calls are hedged and move to another region on
    /// UNAVAILABLE; a client, server or bidirectional stream goes into <see cref="RegionFailoverOptions.StreamingMethods"/>,
    /// never timed out by the failover, and a server stream declared so goes into both, so that it moves to another region
    /// when its region fails it before its answer's headers. Every other method is left as it is: a unary call not safe
    /// to repeat.
    /// The warm-up is made over HTTP/2 (<see cref="RegionFailoverOptions.WarmUpVersion"/>), as the calls are.
    /// </summary>
    /// <param name="options">The failover client's options.</param>
    /// <param name="service">The service's descriptor.</param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="service"/> is <see langword="null"/>.</exception>
    /// <remarks>
    /// C#'s generated client neither sends a call's idempotency level nor marks a server stream on the wire, so this is how the
    /// failover learns them; names are written <c>package.Service/Method</c>, as the calls' paths are.
    /// </remarks>
    public static RegionFailoverOptions AddGrpcService(this RegionFailoverOptions options, ServiceDescriptor service)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(service);

        // gRPC is HTTP/2: the warm-up opens the connection the calls will use.
        options.WarmUpVersion = System.Net.HttpVersion.Version20;

        foreach (MethodDescriptor method in service.Methods)
        {
            string name = $"{service.FullName}/{method.Name}";
            if (method.IsClientStreaming)
            {
                // Its messages are written as the call runs: never sent twice, whatever the proto declares.
                options.IdempotentMethods.Remove(name);
                options.StreamingMethods.Add(name);
            }
            else if (method.IsServerStreaming)
            {
                options.StreamingMethods.Add(name);
                if (IsSafeToRepeat(method))
                {
                    options.IdempotentMethods.Add(name);
                }
            }
            else if (IsSafeToRepeat(method))
            {
                options.IdempotentMethods.Add(name);
            }
        }

        return options;
    }

    /// <summary>Whether the method's proto declares it safe to call twice: <c>NO_SIDE_EFFECTS</c> or <c>IDEMPOTENT</c> (descriptor.proto, MethodOptions).</summary>
    private static bool IsSafeToRepeat(MethodDescriptor method) =>
        method.GetOptions()?.IdempotencyLevel is MethodOptions.Types.IdempotencyLevel.NoSideEffects or MethodOptions.Types.IdempotencyLevel.Idempotent;
}
