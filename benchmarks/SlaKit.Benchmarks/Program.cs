using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using SlaKit.Benchmarks.Failover;
using SlaKit.Benchmarks.Prometheus;

// dotnet run -c Release --project benchmarks/SlaKit.Benchmarks -- --filter '*HandlerOverhead*'   BenchmarkDotNet suites
// dotnet run -c Release --project benchmarks/SlaKit.Benchmarks -- failover [options]            the failover latency harness
// dotnet run -c Release --project benchmarks/SlaKit.Benchmarks -- failover far-primary [options]  a preferred region far away
// dotnet run -c Release --project benchmarks/SlaKit.Benchmarks -- failover cold-start [options]   fresh processes over HTTPS
// dotnet run -c Release --project benchmarks/SlaKit.Benchmarks -- failover grpc [options]         gRPC regions, unary calls
// dotnet run -c Release --project benchmarks/SlaKit.Benchmarks -- failover sip [options]          SIP calls across SIPp trunks
// dotnet run -c Release --project benchmarks/SlaKit.Benchmarks -- failover compose [options]      with .NET's resilience handlers
// dotnet run -c Release --project benchmarks/SlaKit.Benchmarks -- prometheus page [options]       burn to page in a real Prometheus
if (args.Length > 1 && args[0] == "prometheus" && args[1] == "page")
{
    return await PageLatencyScenario.RunAsync(args[2..], Console.Out, Console.Error);
}

if (args.Length > 1 && args[0] == "failover" && args[1] == "far-primary")
{
    return await FarPrimaryScenario.RunAsync(args[2..], Console.Out, Console.Error);
}

if (args.Length > 1 && args[0] == "failover" && args[1] == "cold-start")
{
    return await ColdStartScenario.RunAsync(args[2..], Console.Out, Console.Error);
}

if (args.Length > 1 && args[0] == "failover" && args[1] == "grpc")
{
    return await GrpcScenario.RunAsync(args[2..], Console.Out, Console.Error);
}

if (args.Length > 1 && args[0] == "failover" && args[1] == "sip")
{
    return await SipCallScenario.RunAsync(args[2..], Console.Out, Console.Error);
}

if (args.Length > 1 && args[0] == "failover" && args[1] == "compose")
{
    return await CompositionScenario.RunAsync(args[2..], Console.Out, Console.Error);
}

if (args.Length > 0 && args[0] == ColdStartScenario.ChildCommand)
{
    return await ColdStartScenario.RunChildAsync(args[1..], Console.Out);
}

if (args.Length > 0 && args[0] == "failover")
{
    return await FailoverHarness.RunAsync(args[1..], Console.Out, Console.Error);
}

IEnumerable<Summary> summaries = BenchmarkSwitcher.FromAssembly(typeof(FailoverHarness).Assembly).Run(args);

// A benchmark that did not build or run fails the process, so a smoke run in CI notices.
bool failed = summaries.Any(static s => s.HasCriticalValidationErrors || s.Reports.Any(static r => !r.Success));
return failed ? 1 : 0;
