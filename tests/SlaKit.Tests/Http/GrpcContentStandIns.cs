#pragma warning disable SA1403, SA1402, CA1812 // Stand-ins for the client's own types, named as it names them.
namespace Grpc.Net.Client.Internal
{
    /// <summary>Named as Grpc.Net.Client names the body of a client stream.</summary>
    internal sealed class PushStreamContent<TRequest, TResponse> : ByteArrayContent
    {
        public PushStreamContent()
            : base([])
        {
        }
    }

    /// <summary>Named as Grpc.Net.Client names the body of a unary call.</summary>
    internal sealed class PushUnaryContent<TRequest, TResponse> : ByteArrayContent
    {
        public PushUnaryContent()
            : base([])
        {
        }
    }
}

namespace SlaKit.Tests.Http.Elsewhere
{
    /// <summary>The same name outside Grpc.Net.Client.</summary>
    internal sealed class PushStreamContent<TRequest, TResponse> : ByteArrayContent
    {
        public PushStreamContent()
            : base([])
        {
        }
    }
}
#pragma warning restore SA1403, SA1402, CA1812
