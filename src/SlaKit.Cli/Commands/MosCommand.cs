using System.CommandLine;
using System.Globalization;
using SlaKit.Probes;

namespace SlaKit.Cli.Commands;

/// <summary><c>slakit mos --latency &lt;ms&gt; --jitter &lt;ms&gt; --loss &lt;percent&gt;</c>: voice quality by the E-model.</summary>
internal static class MosCommand
{
    public static Command Create()
    {
        var latency = new Option<string>("--latency") { Description = "One-way latency in milliseconds, 0 to 10000.", Required = true };
        var jitter = new Option<string>("--jitter") { Description = "Jitter in milliseconds, 0 to 10000.", Required = true };
        var loss = new Option<string>("--loss") { Description = "Packet loss in percent, 0 to 100.", Required = true };
        var command = new Command("mos", "Estimated voice quality (R-factor, MOS, band) from latency, jitter and loss, by the simplified ITU-T G.107 E-model.") { latency, jitter, loss };
        command.SetAnswer(parse =>
        {
            double latencyMs = Number(parse.GetValue(latency)!, "--latency", 10_000);
            double jitterMs = Number(parse.GetValue(jitter)!, "--jitter", 10_000);
            double lossPercent = Number(parse.GetValue(loss)!, "--loss", 100);
            VoiceQualityEstimate estimate = VoiceQuality.Estimate(TimeSpan.FromMilliseconds(latencyMs), TimeSpan.FromMilliseconds(jitterMs), lossPercent);
            return new Answer()
                .Set("rFactor", estimate.RFactor)
                .Set("mos", estimate.Mos)
                .Set("band", estimate.Band.ToString())
                .Line(string.Create(CultureInfo.InvariantCulture,
                    $"R {estimate.RFactor:0.##}, MOS {estimate.Mos:0.00} ({estimate.Band}) for {CliInput.Number(latencyMs)} ms latency, {CliInput.Number(jitterMs)} ms jitter, {CliInput.Number(lossPercent)}% loss."));
        });
        return command;
    }

    private static double Number(string text, string option, double max)
    {
        if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal value) || value < 0 || value > (decimal)max)
        {
            throw new CliUsageException($"{option} '{text}' is not a number between 0 and {CliInput.Number(max)}.");
        }

        return (double)value;
    }
}
