using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/SlaKit.Benchmarks -- --filter '*ErrorBudget*'
BenchmarkSwitcher.FromAssembly(typeof(SlaKit.Benchmarks.ErrorBudgetTrackerBenchmarks).Assembly).Run(args);
