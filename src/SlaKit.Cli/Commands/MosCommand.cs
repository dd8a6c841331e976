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
            decimal latencyMs = CliInput.Number(parse.GetValue(latency)!, "--latency", 10_000m);
            decimal jitterMs = CliInput.Number(parse.GetValue(jitter)!, "--jitter", 10_000m);
            decimal lossPercent = CliInput.Number(parse.GetValue(loss)!, "--loss", 100m);
            VoiceQualityEstimate estimate = VoiceQuality.Estimate(Milliseconds(latencyMs), Milliseconds(jitterMs), NumberText.ToDouble(lossPercent));
            return new Answer()
                .Set("rFactor", estimate.RFactor)
                .Set("mos", estimate.Mos)
                .Set("band", estimate.Band.ToString())
                .Line(string.Create(CultureInfo.InvariantCulture,
                    $"R {estimate.RFactor:0.##}, MOS {estimate.Mos:0.00} ({estimate.Band}) for {Availability.Normalize(latencyMs)} ms latency, {Availability.Normalize(jitterMs)} ms jitter, {Availability.Normalize(lossPercent)}% loss."));
        });
        return command;
    }

    /// <summary>Milliseconds as a duration, to the nearest tick.</summary>
    private static TimeSpan Milliseconds(decimal milliseconds) =>
        TimeSpan.FromTicks((long)Math.Round(milliseconds * TimeSpan.TicksPerMillisecond, MidpointRounding.AwayFromZero));
}
