using System.Net;

namespace SlaKit.Sip;

/// <summary>Where a connection hands what it receives: the transaction layer above it.</summary>
internal interface ISipResponseSink
{
    /// <summary>A well-formed response arrived.</summary>
    void OnResponse(SipResponse response);

    /// <summary>
    /// A well-formed request arrived: one within a dialog, such as the callee's BYE, from the server, or from
    /// <paramref name="from"/> when another peer sent it (see <see cref="SipConnection.SendToAsync"/>).
    /// </summary>
    void OnRequest(SipRequest request, IPEndPoint? from);

    /// <summary>The transport failed; every pending transaction on the connection is affected.</summary>
    void OnTransportError(SipTransportException error);
}
