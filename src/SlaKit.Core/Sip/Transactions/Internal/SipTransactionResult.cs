namespace SlaKit.Sip;

/// <summary>What a client transaction reports to its user.</summary>
/// <param name="Outcome">How it ended.</param>
/// <param name="Response">The final response, when one arrived.</param>
/// <param name="Error">The transport error, when there was one: for a connection that did not open in time, which bound it missed.</param>
/// <param name="Elapsed">
/// From the transaction's start, before its connection opened, to its end: Timer F or B for a timeout, the round trip
/// when a response arrived on a connection already open.
/// </param>
/// <param name="Retransmissions">How many times the request was sent again (Timer E).</param>
internal readonly record struct SipTransactionResult(SipTransactionOutcome Outcome, SipResponse? Response, SipTransportException? Error, TimeSpan Elapsed, int Retransmissions);
