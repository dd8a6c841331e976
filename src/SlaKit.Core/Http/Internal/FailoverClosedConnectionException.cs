namespace SlaKit.Http;

/// <summary>
/// What a read or write of an HTTP/2 connection that the failover closed (<see cref="Http2ConnectionStream.Abort"/>)
/// fails with, so that a request the handler put on that connection after it was closed, which never left, can be told
/// from one that was on its way when it was.
/// </summary>
internal sealed class FailoverClosedConnectionException : IOException
{
    /// <summary>A closing at <paramref name="closedAt"/>, a timestamp of the client's <see cref="TimeProvider"/>.</summary>
    public FailoverClosedConnectionException(long closedAt, Exception? inner = null)
        : base("The connection was closed by the region failover: nothing had come in on it while an attempt timed out.", inner)
    {
        ClosedAt = closedAt;
    }

    /// <summary>When the connection was closed, as a timestamp of the client's <see cref="TimeProvider"/>.</summary>
    public long ClosedAt { get; }

    /// <summary>Whether <paramref name="exception"/>, or an exception inside it, is one of these.</summary>
    public static bool IsIn(Exception? exception)
    {
        for (Exception? cause = exception; cause is not null; cause = cause.InnerException)
        {
            if (cause is FailoverClosedConnectionException)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether <paramref name="exception"/> is the failure of a request sent on a connection the failover had closed
    /// before the timestamp <paramref name="started"/>, when the request's attempt began: none of its bytes were written
    /// on that connection, since every write after the closing fails, and .NET's handler gave it no other.
    /// </summary>
    public static bool ClosedBefore(Exception exception, long started)
    {
        for (Exception? cause = exception; cause is not null; cause = cause.InnerException)
        {
            if (cause is FailoverClosedConnectionException closed)
            {
                return closed.ClosedAt < started;
            }
        }

        return false;
    }
}
