using System.Globalization;

namespace SlaKit.Http;

/// <summary>
/// The <c>grpc-timeout</c> request header (PROTOCOL-HTTP2.md): <c>Timeout → "grpc-timeout" TimeoutValue TimeoutUnit</c>,
/// a positive integer of at most 8 ASCII digits followed by <c>H</c>, <c>M</c>, <c>S</c>, <c>m</c>, <c>u</c> or <c>n</c>.
/// It is relative, counted from when the call is sent, so a copy sent later must say how much of it remains.
/// </summary>
internal static class GrpcTimeout
{
    /// <summary>The header's name.</summary>
    public const string Header = "grpc-timeout";

    /// <summary>The largest TimeoutValue: 8 digits.</summary>
    private const long LargestValue = 99_999_999;

    /// <summary>The units, finest first, with the ticks in one of each (a nanosecond is a hundredth of a tick).</summary>
    private static readonly (char Unit, long Ticks)[] Units =
    [
        ('u', TimeSpan.TicksPerMicrosecond),
        ('m', TimeSpan.TicksPerMillisecond),
        ('S', TimeSpan.TicksPerSecond),
        ('M', TimeSpan.TicksPerMinute),
        ('H', TimeSpan.TicksPerHour),
    ];

    /// <summary>
    /// What a copy says when none of the caller's time remains: <c>1m</c>. It is still sent, so that the caller gets the
    /// answer its deadline calls for, DEADLINE_EXCEEDED from the server, rather than a failover error that would read as
    /// UNAVAILABLE ("try again"); a caller that enforces its own deadline (Grpc.Net.Client does) has given up by then
    /// anyway. The spec's TimeoutValue is positive, so <c>0</c> is not one, and ASP.NET Core's gRPC server reads
    /// <c>1n</c> as zero ticks and ignores it as invalid, which would give the call no deadline at all; one millisecond
    /// is the least that servers read as a deadline, and it runs out as the call starts.
    /// </summary>
    public const string Least = "1m";

    /// <summary>
    /// Reads <paramref name="value"/> as PROTOCOL-HTTP2.md writes a timeout; <see langword="false"/> for anything else (a
    /// value of more than 8 digits, no digits, an unknown unit), which is then left as the caller wrote it.
    /// </summary>
    public static bool TryParse(string? value, out TimeSpan timeout)
    {
        timeout = default;
        if (value is null || value.Length is < 2 or > 9 ||
            !long.TryParse(value.AsSpan(0, value.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out long amount))
        {
            return false;
        }

        long? ticks = value[^1] switch
        {
            'H' => amount * TimeSpan.TicksPerHour,
            'M' => amount * TimeSpan.TicksPerMinute,
            'S' => amount * TimeSpan.TicksPerSecond,
            'm' => amount * TimeSpan.TicksPerMillisecond,
            'u' => amount * TimeSpan.TicksPerMicrosecond,
            'n' => amount / TimeSpan.NanosecondsPerTick,
            _ => null,
        };
        if (ticks is not { } known)
        {
            return false;
        }

        timeout = TimeSpan.FromTicks(known);
        return true;
    }

    /// <summary>
    /// <paramref name="remaining"/> in the spec's format, in the finest unit whose value fits in 8 digits, rounded down
    /// so that a copy never claims more time than the caller gave (what is lost is less than one unit, at most a
    /// hundred-thousandth of the value). Nothing remaining is written <see cref="Least"/>; more than 99,999,999 hours is written as that.
    /// </summary>
    public static string Format(TimeSpan remaining)
    {
        long ticks = remaining.Ticks;
        if (ticks <= 0)
        {
            return Least;
        }

        if (ticks <= LargestValue / TimeSpan.NanosecondsPerTick)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{ticks * TimeSpan.NanosecondsPerTick}n");
        }

        foreach ((char unit, long perUnit) in Units)
        {
            long amount = ticks / perUnit;
            if (amount <= LargestValue)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{amount}{unit}");
            }
        }

        return string.Create(CultureInfo.InvariantCulture, $"{LargestValue}H");
    }
}
