using System.Globalization;

namespace Ordo.Bench;

/// <summary>Command-line options of <c>sync-latency</c>.</summary>
public sealed class SyncLatencyOptions
{
    public const string Usage = """
        Ordo sync-latency benchmark: how long a platform push takes to become an order in Ordo.

        usage: dotnet run -c Release --project bench/Ordo.Bench -- sync-latency [options]

          --db sqlite|postgres|both   databases to measure (default: both)
          --pushes N                  Douyin pushes to send, one id-only message (one new order) each (default: 10000)
          --rate R                    pushes per second, sent on a steady open-loop schedule (default: 500)
          --pg "<conn string>"        an existing PostgreSQL server, without Database (as for intake)
          --server-dll PATH           the Ordo server to measure (default: the Release build, built first)
          --no-build                  do not build the server first (use the existing Release build)
          --server-env KEY=VALUE      extra environment for the server (repeatable; shown in the report)
          --output PATH               markdown file whose "## Sync latency" section is written (default: docs/benchmarks.md;
                                      "-" or "none" to write nothing)

        Per database: a fresh Ordo server, a fake Douyin API on loopback holding the orders, a douyin shop connected to
        it with push enabled, and a webhook subscription (order.created) to a receiver in the benchmark. Latency is
        webhook arrival minus push send start; every 100th order is also polled through GET /api/v1/orders?q=.
        Target: p99 < 1 s at 500 pushes/s.
        """;

    public bool Help { get; private set; }
    public bool Sqlite { get; private set; } = true;
    public bool Postgres { get; private set; } = true;
    public int Pushes { get; private set; } = 10_000;
    public int Rate { get; private set; } = 500;
    public string? PostgresConnection { get; private set; }
    public string? ServerDll { get; private set; }
    public bool NoBuild { get; private set; }
    public List<KeyValuePair<string, string>> ServerEnvironment { get; } = [];
    public string? Output { get; private set; } = "docs/benchmarks.md";
    public string CommandLine { get; private set; } = "";

    /// <summary>The intake options sharing the server, database and build settings (for the shared helpers).</summary>
    public IntakeOptions Shared { get; private set; } = IntakeOptions.Parse([]);

    public static SyncLatencyOptions Parse(string[] args)
    {
        var o = new SyncLatencyOptions();
        var shared = new List<string>();
        var a = new BenchArgs(args);
        while (a.Next())
        {
            var arg = a.Current;
            switch (arg)
            {
                case "-h" or "--help": o.Help = true; break;
                case "--db": (o.Sqlite, o.Postgres) = a.Databases(); break;
                case "--pushes": o.Pushes = a.PositiveInt(1); break;
                case "--rate": o.Rate = a.PositiveInt(1); break;
                case "--pg": o.PostgresConnection = a.Value(); shared.AddRange(["--pg", o.PostgresConnection]); break;
                case "--server-dll": o.ServerDll = a.Value(); shared.AddRange(["--server-dll", o.ServerDll]); break;
                case "--no-build": o.NoBuild = true; shared.Add("--no-build"); break;
                case "--server-env": o.ServerEnvironment.Add(a.KeyValue()); break;
                case "--output": o.Output = a.OutputPath(); break;
                default: throw new ArgumentException($"unknown option '{arg}'");
            }
        }
        o.Shared = IntakeOptions.Parse([.. shared]);
        o.CommandLine = BenchArgs.CommandLine("sync-latency", args);
        return o;
    }
}
