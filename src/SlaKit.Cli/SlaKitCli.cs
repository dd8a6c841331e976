using System.CommandLine;
using System.CommandLine.Help;
using SlaKit.Cli.Commands;

namespace SlaKit.Cli;

/// <summary>The <c>slakit</c> command line: builds the commands and runs one.</summary>
internal static class SlaKitCli
{
    /// <summary>Exit code for a computed answer.</summary>
    public const int Success = 0;

    /// <summary>Exit code for bad input: a malformed or out-of-range value, an unreadable file.</summary>
    public const int BadInput = 2;

    /// <summary>Exit code for an answer that could not be had from elsewhere: a server that did not answer, or had no data.</summary>
    public const int Failure = 1;

    /// <summary>Exit code for a command interrupted by Ctrl+C (SIGINT): 128 + 2, as shells report it.</summary>
    public const int Interrupted = 130;

    /// <summary>The option that switches every command to one JSON object on stdout.</summary>
    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Print exactly one JSON object on stdout instead of a readable answer.",
        Recursive = true,
    };

    /// <summary>Runs the command line <paramref name="args"/>, writing to the given streams.</summary>
    /// <returns>0 on success, 2 on bad input, 1 when a server the command asked could not answer, 130 when interrupted.</returns>
    public static int Run(string[] args, TextWriter output, TextWriter error) =>
        Parse(args, error) is { } parse ? parse.Invoke(new InvocationConfiguration { Output = output, Error = error }) : BadInput;

    /// <summary>
    /// Runs the command line <paramref name="args"/> as <see cref="Run"/> does, with <paramref name="cancellationToken"/>
    /// standing for Ctrl+C: a long-running command (probe, call) reports what it did until then and returns
    /// <see cref="Interrupted"/>.
    /// </summary>
    /// <returns>The exit code, as <see cref="Run"/>'s.</returns>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken) =>
        Parse(args, error) is { } parse ? parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken) : Task.FromResult(BadInput);

    /// <summary>Parses <paramref name="args"/>; <see langword="null"/>, with one line on <paramref name="error"/>, when they do not parse.</summary>
    private static ParseResult? Parse(string[] args, TextWriter error)
    {
        Command root = CreateRoot();
        // No response files: "@path" is an argument like any other (an incidents file may well be named so), and
        // System.CommandLine would read the file before any of SlaKit's checks, ending the process on a directory.
        ParseResult parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parse.Errors.Count > 0)
        {
            // One line, every problem the parser found (an unknown command also lacks a required one).
            error.WriteLine($"slakit: {string.Join("; ", parse.Errors.Select(static e => e.Message).Distinct())}");
            return null;
        }

        return parse;
    }

    private static Command CreateRoot()
    {
        // A plain command named after the tool, so help reads "slakit", not the assembly's name.
        var root = new Command("slakit", "SLA math from the shell: allowed downtime per calendar period, nines, composition, MTBF/MTTR, measured availability and credits.")
        {
            DowntimeCommand.Create(),
            NinesCommand.Create(),
            ComposeCommand.Create(),
            MtbfCommand.Create(),
            CreditCommand.Create(),
            MeasureCommand.Create(),
            MosCommand.Create(),
            ProbeCommand.Create(),
            CallCommand.Create(),
            BudgetCommand.Create(),
            RulesCommand.Create(),
            ReportCommand.Create(),
        };
        root.Options.Add(new HelpOption());
        root.Options.Add(new VersionOption());
        root.Options.Add(Json);
        return root;
    }

    /// <summary>
    /// Sets a command's action: computes its <see cref="Answer"/> and prints it, turning bad input into one
    /// line on stderr and exit code 2.
    /// </summary>
    public static void SetAnswer(this Command command, Func<ParseResult, Answer> answer)
    {
        command.SetAction(parse =>
        {
            TextWriter output = parse.InvocationConfiguration.Output;
            TextWriter error = parse.InvocationConfiguration.Error;
            try
            {
                answer(parse).WriteTo(output, parse.GetValue(Json));
                return Success;
            }
            catch (CliUsageException exception)
            {
                error.WriteLine($"slakit: {exception.Message}");
                return BadInput;
            }
        });
    }
}
