namespace SlaKit.Sip;

/// <summary>Bytes that are not a well-formed SIP message, or that exceed the codec's limits.</summary>
/// <remarks>The codec throws nothing else on bad input, whatever the bytes are.</remarks>
public sealed class SipParseException : FormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="position">The 0-based offset of the byte where the problem was found.</param>
    /// <param name="message">What is wrong, in words.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="position"/> is negative.</exception>
    public SipParseException(int position, string message)
        : base($"{message} (at byte {position})")
    {
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        Position = position;
    }

    /// <summary>The 0-based offset of the byte where the problem was found.</summary>
    public int Position { get; }
}
