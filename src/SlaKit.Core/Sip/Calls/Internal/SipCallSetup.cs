namespace SlaKit.Sip;

/// <summary>
/// Places a call over one transaction layer, as the UAC's transaction user (RFC 3261 §13.2.2): the INVITE transaction,
/// the dialog a 2xx makes, and the ACK for that 2xx, sent again for each retransmission of it (§13.2.2.4).
/// </summary>
internal static class SipCallSetup
{
    /// <summary>
    /// Sends <paramref name="invite"/> and waits for its final response. A 2xx makes a dialog and is ACKed; a non-2xx has
    /// been ACKed by its transaction. Provisional responses go to <paramref name="provisional"/> as they come.
    /// </summary>
    /// <returns>The INVITE's outcome, and the dialog when a 2xx made one.</returns>
    public static async Task<(SipTransactionResult Result, SipDialog? Dialog)> InviteAsync(
        SipTransactionLayer layer, SipRequest invite, Action<SipResponse>? provisional, CancellationToken cancellationToken)
    {
        var acked = new AckedOk();
        SipTransactionResult result = await layer.InviteAsync(
            invite,
            response =>
            {
                if (response.StatusCode < 200)
                {
                    provisional?.Invoke(response);
                }
                else if (acked.Bytes is { } again)
                {
                    // A retransmitted 2xx: the ACK was lost, or crossed it; the same ACK goes again.
                    _ = layer.ResendAsync(again);
                }
            },
            cancellationToken).ConfigureAwait(false);

        if (result.Response is { StatusCode: >= 200 and < 300 } ok && SipDialog.FromInvite(invite, ok) is { } dialog)
        {
            acked.Bytes = await layer.SendAckAsync(dialog.Ack(), cancellationToken).ConfigureAwait(false);
            return (result, dialog);
        }

        return (result, null);
    }

    /// <summary>Ends the call (RFC 3261 §15.1.1): a BYE within the dialog, in a non-INVITE transaction of its own.</summary>
    public static Task<SipTransactionResult> ByeAsync(SipTransactionLayer layer, SipDialog dialog, CancellationToken cancellationToken) =>
        layer.SendAsync(dialog.Bye(), cancellationToken);

    /// <summary>The ACK sent for the 2xx, once there is one; read by the handler of retransmitted 2xx on another thread.</summary>
    private sealed class AckedOk
    {
        private volatile byte[]? _bytes;

        public byte[]? Bytes
        {
            get => _bytes;
            set => _bytes = value;
        }
    }
}
