using System.Globalization;

namespace Ordo.Bench;

/// <summary>A failure the benchmark explains to the user (no stack trace).</summary>
public sealed class BenchmarkException(string message) : Exception(message);

/// <summary>Command-line options of <c>intake</c>.</summary>
public sealed class IntakeOptions
{
    public const string Usage = """
        Ordo intake benchmark: starts a fresh Ordo server per database and loads it with orders.

        usage: dotnet run -c Release --project bench/Ordo.Bench -- intake [options]

          --db sqlite|postgres|both   databases to measure (default: both)
          --orders N                  orders for single-request intake at concurrency 32 (default: 20000);
                                      concurrency 1 and 8 send N/10 and 2N/5 (2,000 and 8,000 by default)
          --batch-orders N            orders for batch intake, in batches of 1,000 at concurrency 2 (default: 50000)
          --pg "<conn string>"        an existing PostgreSQL server, without Database (e.g.
                                      "Host=127.0.0.1;Port=5432;Username=postgres"); the benchmark creates and
                                      afterwards drops its own database. Without --pg a private PostgreSQL cluster
                                      (fsync on, default settings) is started in a temp directory and removed.
          --server-dll PATH           the Ordo server to measure (default: src/Ordo.Server/bin/Release/net10.0/
                                      Ordo.Server.dll, built first with `dotnet build -c Release src/Ordo.Server`)
          --no-build                  do not build the server first (use the existing Release build)
          --server-env KEY=VALUE      extra environment for the server, e.g. Logging__LogLevel__Default=Warning
                                      (repeatable; changes the configuration measured, so it is shown in the report)
          --output PATH               markdown file whose "## Intake" section is written (default: docs/benchmarks.md;
                                      "-" or "none" to write nothing)

        Targets: single-request intake >= 2,000 orders/s with p99 < 50 ms at concurrency 32; batch intake >= 10,000
        orders/s; server memory (peak RSS) < 500 MB. The load generator runs on the same machine as the server.
        """;

    public bool Help { get; private set; }
    public bool Sqlite { get; private set; } = true;
    public bool Postgres { get; private set; } = true;
    public int Orders { get; private set; } = 20_000;
    public int BatchOrders { get; private set; } = 50_000;
    public string? PostgresConnection { get; private set; }
    public string? ServerDll { get; private set; }
    public bool NoBuild { get; private set; }
    public List<KeyValuePair<string, string>> ServerEnvironment { get; } = [];
    public string? Output { get; private set; } = "docs/benchmarks.md";

    /// <summary>The command as the user typed it after <c>dotnet run ... --</c>, with any password masked.</summary>
    public string CommandLine { get; private set; } = "";

    public static IntakeOptions Parse(string[] args)
    {
        var o = new IntakeOptions();
        var a = new BenchArgs(args);
        while (a.Next())
        {
            var arg = a.Current;
            switch (arg)
            {
                case "-h" or "--help": o.Help = true; break;
                case "--db": (o.Sqlite, o.Postgres) = a.Databases(); break;
                case "--orders": o.Orders = a.PositiveInt(10); break;
                case "--batch-orders": o.BatchOrders = a.PositiveInt(1); break;
                case "--pg": o.PostgresConnection = a.Value(); break;
                case "--server-dll": o.ServerDll = a.Value(); break;
                case "--no-build": o.NoBuild = true; break;
                case "--server-env": o.ServerEnvironment.Add(a.KeyValue()); break;
                case "--output": o.Output = a.OutputPath(); break;
                default: throw new ArgumentException($"unknown option '{arg}'");
            }
        }
        o.CommandLine = BenchArgs.CommandLine("intake", args);
        return o;
    }
}
