return Hyperfit.Cli.HyperfitCli.Run(args);
