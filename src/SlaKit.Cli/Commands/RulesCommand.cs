using System.CommandLine;
using SlaKit.Prometheus;

namespace SlaKit.Cli.Commands;

/// <summary>
/// <c>slakit rules --slo &lt;file&gt; [--output &lt;file&gt;]</c>: Prometheus recording and alerting rules for the SLOs of a
/// SlaKit SLO file or an OpenSLO document.
/// </summary>
internal static class RulesCommand
{
    public static Command Create()
    {
        var slo = new Option<string>("--slo")
        {
            Description = "The SLO file: SlaKit's format (version: 1, slos: [...]) or OpenSLO (apiVersion: openslo/v1, kind: SLO), in YAML or JSON.",
            Required = true,
        };
        var output = new Option<string>("--output") { Description = "Write the rules to this file instead of stdout." };
        var command = new Command("rules", "Prometheus recording rules and multi-window, multi-burn-rate alerts for SLOs, over SlaKit's metrics or OpenSLO queries.") { slo, output };
        command.SetAnswer(parse =>
        {
            string path = parse.GetValue(slo)!;
            IReadOnlyList<PrometheusSlo> slos = Read(path);
            string rules = PrometheusRules.Generate(slos);
            int alerts = slos.Sum(static s => s.AlertPolicy.Rules.Count);
            string names = string.Join(", ", slos.Select(static s => s.Slo.Name));
            var answer = new Answer()
                .Set("slos", names)
                .Set("alerts", alerts);

            if (parse.GetValue(output) is { } file)
            {
                CliInput.WriteFile(file, "--output", rules);
                return answer
                    .Set("output", file)
                    .Set("rules", (string?)null)
                    .Line($"Wrote the rules for {slos.Count} SLO(s) ({names}), {alerts} alerts, to {file}.");
            }

            answer.Set("output", (string?)null).Set("rules", rules);
            foreach (string line in rules.TrimEnd('\n').Split('\n'))
            {
                answer.Line(line);
            }

            return answer;
        });
        return command;
    }

    private static IReadOnlyList<PrometheusSlo> Read(string? path) =>
        CliInput.ReadFile(path, "--slo", static file =>
        {
            try
            {
                return SloDocument.ReadFile(file);
            }
            catch (SloDocumentException exception)
            {
                throw new CliUsageException(exception.Message);
            }
        });
}
