using System.Runtime.InteropServices;
using Ordo.Bench;

// Ordo load generator. Benchmarks:
//   dotnet run -c Release --project bench/Ordo.Bench -- intake [options]         (see IntakeOptions.Usage)
//   dotnet run -c Release --project bench/Ordo.Bench -- sync-latency [options]   (see SyncLatencyOptions.Usage)
//   dotnet run -c Release --project bench/Ordo.Bench -- flash-sale [options]     (see FlashSaleOptions.Usage)
//   dotnet run -c Release --project bench/Ordo.Bench -- many-skus [options]      (see FlashSaleOptions.Usage)
// The benchmark starts its own Ordo server processes (and, without --pg, its own PostgreSQL cluster).

if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
{
    Console.WriteLine(IntakeOptions.Usage);
    Console.WriteLine(SyncLatencyOptions.Usage);
    Console.WriteLine(FlashSaleOptions.Usage);
    return args.Length == 0 ? 2 : 0;
}

if (args[0] is not ("intake" or "sync-latency" or "flash-sale" or "many-skus"))
{
    Console.Error.WriteLine($"unknown benchmark '{args[0]}' (expected intake, sync-latency, flash-sale or many-skus)");
    Console.Error.WriteLine(IntakeOptions.Usage);
    Console.Error.WriteLine(SyncLatencyOptions.Usage);
    Console.Error.WriteLine(FlashSaleOptions.Usage);
    return 2;
}

var usage = args[0] switch { "intake" => IntakeOptions.Usage, "sync-latency" => SyncLatencyOptions.Usage, _ => FlashSaleOptions.Usage };
Func<CancellationToken, Task<int>> benchmark;
try
{
    if (args[0] == "intake")
    {
        var options = IntakeOptions.Parse(args[1..]);
        if (options.Help) { Console.WriteLine(usage); return 0; }
        benchmark = new IntakeBenchmark(options).RunAsync;
    }
    else if (args[0] is "flash-sale" or "many-skus")
    {
        var options = FlashSaleOptions.Parse(args[0], args[1..]);
        if (options.Help) { Console.WriteLine(usage); return 0; }
        benchmark = new FlashSaleBenchmark(options).RunAsync;
    }
    else
    {
        var options = SyncLatencyOptions.Parse(args[1..]);
        if (options.Help) { Console.WriteLine(usage); return 0; }
        benchmark = new SyncLatencyBenchmark(options).RunAsync;
    }
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    Console.Error.WriteLine(usage);
    return 2;
}

using var cts = new CancellationTokenSource();
// First Ctrl-C (or SIGTERM): stop the load and clean up (servers, PostgreSQL, temp dirs); a second one ends us at once.
void Interrupt(PosixSignalContext context)
{
    if (cts.IsCancellationRequested) return;
    context.Cancel = true;
    Console.Error.WriteLine("Interrupted: stopping the load and cleaning up...");
    cts.Cancel();
}
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupt);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt);

try
{
    return await benchmark(cts.Token);
}
catch (OperationCanceledException) when (cts.IsCancellationRequested)
{
    Console.Error.WriteLine("Cancelled.");
    return 130;
}
catch (BenchmarkException ex)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    return 1;
}
