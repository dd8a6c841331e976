using SlaKit.Sip;

namespace SlaKit.Tests.Sip;

public class SipDurationsTests
{
    [Theory]
    [InlineData(0.2844, "0.284ms")]
    [InlineData(9.99, "9.99ms")]
    [InlineData(809.4, "809ms")]
    [InlineData(999.49, "999ms")]
    [InlineData(999.5, "1s")]
    [InlineData(999.6, "1s")]
    [InlineData(32000, "32s")]
    [InlineData(62500, "1m 2.5s")]
    public void Formats_round_trips_and_timeouts_readably(double milliseconds, string expected) =>
        Assert.Equal(expected, SipDurations.Format(TimeSpan.FromMilliseconds(milliseconds)));
}
