using System.Runtime.InteropServices;
using Ordo.Bench;

// Ordo load generator. One benchmark so far:
//   dotnet run -c Release --project bench/Ordo.Bench -- intake [options]     (see IntakeOptions.Usage)
// The benchmark starts its own Ordo server processes (and, without --pg, its own PostgreSQL cluster).

if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
{
    Console.WriteLine(IntakeOptions.Usage);
    return args.Length == 0 ? 2 : 0;
}

if (args[0] != "intake")
{
    Console.Error.WriteLine($"unknown benchmark '{args[0]}'");
    Console.Error.WriteLine(IntakeOptions.Usage);
    return 2;
}

IntakeOptions options;
try
{
    options = IntakeOptions.Parse(args[1..]);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    Console.Error.WriteLine(IntakeOptions.Usage);
    return 2;
}
if (options.Help)
{
    Console.WriteLine(IntakeOptions.Usage);
    return 0;
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
    return await new IntakeBenchmark(options).RunAsync(cts.Token);
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
