return SlaKit.Cli.SlaKitCli.Run(args, Console.Out, Console.Error);
