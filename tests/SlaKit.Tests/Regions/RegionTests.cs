using SlaKit.Regions;

namespace SlaKit.Tests.Regions;

public class RegionTests
{
    private static readonly Uri Endpoint = new("http://127.0.0.1:1/");

    [Fact]
    public void A_region_needs_a_name_and_an_endpoint_and_says_which_is_missing()
    {
        Assert.Throws<ArgumentNullException>("name", () => new Region(null!, Endpoint));
        Assert.Throws<ArgumentException>("name", () => new Region(" ", Endpoint));
        Assert.Throws<ArgumentNullException>("endpoint", () => new Region("eu-west", null!));
    }

    [Fact]
    public void A_region_reads_as_its_name_and_endpoint()
    {
        Assert.Equal("eu-west (http://127.0.0.1:1/)", new Region("eu-west", Endpoint).ToString());
    }
}
