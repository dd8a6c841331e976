return SlaKit.Cli.SlakitCli.Run(args, Console.Out, Console.Error);
