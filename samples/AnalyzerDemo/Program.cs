using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SlaKit;
using SlaKit.Regions;

// Every failover in this assembly should deliver five nines.
[assembly: SlaTarget(99.999)]

// Each registration below trips one of SlaKit's build-time rules. They show up as warnings when the project builds:
//   dotnet build samples/AnalyzerDemo --no-incremental
IConfiguration configuration = new ConfigurationBuilder()
    .SetBasePath(AppContext.BaseDirectory)
    .AddJsonFile("appsettings.json")
    .Build();
var services = new ServiceCollection();

// SLA0001: one region leaves nowhere to fail over to.
services.AddHttpClient("orders").AddRegionFailover(options =>
    options.Regions.Add(new Region("eu-west", new Uri("https://eu-west.orders.example/"))));

// SLA0002: one fixed address and no failover. The code fix adds AddRegionFailover with a fallback to fill in.
services.AddHttpClient("payments", client => client.BaseAddress = new Uri("https://payments.example/"));

// SLA0003: a "secondary" on the primary's host is the same machine.
services.AddHttpClient("stock").AddRegionFailover(options =>
{
    options.Regions.Add(new Region("primary", new Uri("https://stock.example/")));
    options.Regions.Add(new Region("secondary", new Uri("https://stock.example:8443/")) { Priority = 1 });
});

// SLA0004: appsettings.json gives the Shipping section one region (the project passes it with
// <AdditionalFiles Include="appsettings*.json" />).
services.AddHttpClient("shipping").AddRegionFailover(configuration.GetSection("Shipping"));

// SLA0005: 99.95% and 95% in parallel compose to 99.9975%, short of the assembly's 99.999% target.
services.AddHttpClient("billing").AddRegionFailover(options =>
{
    options.Regions.Add(new Region("eu-west", new Uri("https://eu-west.billing.example/")) { Availability = Availability.FromPercent(99.95) });
    options.Regions.Add(new Region("backup", new Uri("https://backup.billing.example/")) { Availability = Availability.FromPercent(95) });
});

// SLA0006: the standard resilience handler added after the failover runs inside each region attempt, where its
// retries hold a failing region until the failover's attempt timeout cuts them. The code fix adds it before.
services.AddHttpClient("refunds")
    .AddRegionFailover(options =>
    {
        options.Regions.Add(new Region("eu-west", new Uri("https://eu-west.refunds.example/")));
        options.Regions.Add(new Region("us-east", new Uri("https://us-east.refunds.example/")) { Priority = 1 });
    })
    .AddStandardResilienceHandler();

using ServiceProvider provider = services.BuildServiceProvider();
Console.WriteLine("Registered the orders, payments, stock, shipping, billing and refunds clients.");
Console.WriteLine("SlaKit's analyzer reports on them at build time: run `dotnet build samples/AnalyzerDemo --no-incremental` and read its warnings,");
Console.WriteLine("or see docs/rules/SLA0001.md to SLA0006.md.");
Console.WriteLine($"The billing regions compose to {Availability.Parallel(Availability.FromPercent(99.95), Availability.FromPercent(95))}.");
