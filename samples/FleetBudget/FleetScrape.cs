using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace FleetBudget;

/// <summary>One scrape of every instance: each one's events and 5-minute burn rate, and the fleet's sums.</summary>
internal sealed partial record FleetScrape(IReadOnlyList<FleetScrape.Instance> Instances)
{
    // The SLO's error budget: 1 − 99.9%.
    private const decimal Budget = 0.001m;

    public static FleetScrape Empty { get; } = new([]);

    public sealed record Instance(string Name, long Good, long Bad, double? BurnRate5m, bool Reachable);

    public long Good => Instances.Sum(static instance => instance.Good);

    public long Bad => Instances.Sum(static instance => instance.Bad);

    public string ErrorRatioText => Good + Bad == 0 ? "-" : Math.Round((decimal)Bad / (Good + Bad), 6).ToString(CultureInfo.InvariantCulture);

    public static async Task<FleetScrape> ReadAsync(HttpClient http, IReadOnlyList<string> names, IReadOnlyList<int> ports)
    {
        var instances = new List<Instance>();
        for (int i = 0; i < names.Count; i++)
        {
            try
            {
                string text = await http.GetStringAsync(new Uri($"http://127.0.0.1:{ports[i].ToString(CultureInfo.InvariantCulture)}/metrics"));
                instances.Add(Parse(names[i], text));
            }
            catch (HttpRequestException)
            {
                instances.Add(new Instance(names[i], 0, 0, null, Reachable: false));
            }
        }

        return new FleetScrape(instances);
    }

    public string Describe(TimeSpan elapsed)
    {
        var line = new StringBuilder();
        for (int i = 0; i < Instances.Count; i++)
        {
            Instance instance = Instances[i];
            string time = i == 0 ? $"{(int)elapsed.TotalSeconds,4}s" : "     ";
            string burn = instance.BurnRate5m is { } rate ? Math.Round(rate, 1).ToString("0.0", CultureInfo.InvariantCulture) + "x" : "-";
            line.Append(CultureInfo.InvariantCulture, $"{time}  {instance.Name,-10} {instance.Good,8} {instance.Bad,8} {burn,8} |");
            if (i == 0)
            {
                decimal? fleetBurn = Good + Bad == 0 ? null : (decimal)Bad / (Good + Bad) / Budget;
                line.Append(CultureInfo.InvariantCulture, $" fleet {Good,9} {Bad,8} {(fleetBurn is { } b ? Math.Round(b, 1).ToString("0.0", CultureInfo.InvariantCulture) + "x" : "-"),5}");
            }

            if (!instance.Reachable)
            {
                line.Append(" (unreachable)");
            }

            if (i < Instances.Count - 1)
            {
                line.Append('\n');
            }
        }

        return line.ToString();
    }

    private static Instance Parse(string name, string exposition)
    {
        long good = 0, bad = 0;
        double? burn = null;
        foreach (Match sample in Sample().Matches(exposition))
        {
            string labels = sample.Groups["labels"].Value;
            double value = double.Parse(sample.Groups["value"].Value, CultureInfo.InvariantCulture);
            switch (sample.Groups["name"].Value)
            {
                case "slakit_slo_events_total" when labels.Contains("outcome=\"good\"", StringComparison.Ordinal):
                    good = (long)value;
                    break;
                case "slakit_slo_events_total" when labels.Contains("outcome=\"bad\"", StringComparison.Ordinal):
                    bad = (long)value;
                    break;
                case "slakit_error_budget_burn_rate" when labels.Contains("window=\"5m\"", StringComparison.Ordinal):
                    burn = value;
                    break;
            }
        }

        return new Instance(name, good, bad, burn, Reachable: true);
    }

    [GeneratedRegex(@"^(?<name>slakit_[a-z_]+)\{(?<labels>[^}]*)\} (?<value>\S+)", RegexOptions.Multiline)]
    private static partial Regex Sample();
}
