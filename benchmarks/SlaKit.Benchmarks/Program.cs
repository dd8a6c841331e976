using BenchmarkDotNet.Running;
using SlaKit.Benchmarks.Failover;

// dotnet run -c Release --project benchmarks/SlaKit.Benchmarks -- --filter '*HandlerOverhead*'   BenchmarkDotNet suites
// dotnet run -c Release --project benchmarks/SlaKit.Benchmarks -- failover [options]            the failover latency harness
if (args.Length > 0 && args[0] == "failover")
{
    return await FailoverHarness.RunAsync(args[1..], Console.Out, Console.Error);
}

BenchmarkSwitcher.FromAssembly(typeof(FailoverHarness).Assembly).Run(args);
return 0;
