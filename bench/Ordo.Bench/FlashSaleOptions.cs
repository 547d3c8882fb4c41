namespace Ordo.Bench;

/// <summary>Command-line options of <c>flash-sale</c>.</summary>
public sealed class FlashSaleOptions
{
    public const string Usage = """
        Ordo flash-sale benchmark: many one-unit orders for one SKU with little stock, at once.

        usage: dotnet run -c Release --project bench/Ordo.Bench -- flash-sale [options]

          --db sqlite|postgres|both   databases to measure (default: both)
          --orders N                  one-unit orders to send (default: 10000)
          --units N                   units of the SKU in stock, no safety buffer (default: 100)
          --instances N               Ordo server processes on PostgreSQL (default: 3; SQLite always runs one)
          --concurrency N             requests in flight at most (default: 256)
          --batch N                   orders per request: 1 sends POST /api/v1/orders, more POST /api/v1/orders:batch (default: 1)
          --pg "<conn string>"        an existing PostgreSQL server, without Database (as for intake)
          --server-dll PATH           the Ordo server to measure (default: the Release build, built first)
          --no-build                  do not build the server first (use the existing Release build)
          --server-env KEY=VALUE      extra environment for the servers (repeatable; shown in the report)
          --output PATH               markdown file whose "## Flash sale" section is written (default: docs/benchmarks.md;
                                      "-" or "none" to write nothing)

        Per database: fresh Ordo servers on one database, a SKU with N units in two warehouses, then all orders sent
        at once through the HTTP API, spread over the instances. A reservation decision is a reservation or a
        shortage hold; its latency is its time in the database minus the order's arrival. Verified: exactly the units
        reserved, every other order held, stock never negative, ledger equal to balances.
        Target: >= 5,000 decisions/s, p99 < 100 ms.
        """;

    public bool Help { get; private set; }
    public bool Sqlite { get; private set; } = true;
    public bool Postgres { get; private set; } = true;
    public int Orders { get; private set; } = 10_000;
    public int Units { get; private set; } = 100;
    public int Instances { get; private set; } = 3;
    public int Concurrency { get; private set; } = 256;
    public int Batch { get; private set; } = 1;
    public string? PostgresConnection { get; private set; }
    public List<KeyValuePair<string, string>> ServerEnvironment { get; } = [];
    public string? Output { get; private set; } = "docs/benchmarks.md";
    public string CommandLine { get; private set; } = "";
    public IntakeOptions Shared { get; private set; } = IntakeOptions.Parse([]);

    public static FlashSaleOptions Parse(string[] args)
    {
        var o = new FlashSaleOptions();
        var shared = new List<string>();
        var a = new BenchArgs(args);
        while (a.Next())
        {
            var arg = a.Current;
            switch (arg)
            {
                case "-h" or "--help": o.Help = true; break;
                case "--db": (o.Sqlite, o.Postgres) = a.Databases(); break;
                case "--orders": o.Orders = a.PositiveInt(1); break;
                case "--units": o.Units = a.PositiveInt(2); break;
                case "--instances": o.Instances = a.PositiveInt(1); break;
                case "--concurrency": o.Concurrency = a.PositiveInt(1); break;
                case "--batch": o.Batch = a.PositiveInt(1); break;
                case "--pg": o.PostgresConnection = a.Value(); shared.AddRange(["--pg", o.PostgresConnection]); break;
                case "--server-dll": shared.AddRange(["--server-dll", a.Value()]); break;
                case "--no-build": shared.Add("--no-build"); break;
                case "--server-env": o.ServerEnvironment.Add(a.KeyValue()); break;
                case "--output": o.Output = a.OutputPath(); break;
                default: throw new ArgumentException($"unknown option '{arg}'");
            }
        }
        if (o.Batch > 1000) throw new ArgumentException("--batch is at most 1000 (the batch endpoint's limit)");
        o.Shared = IntakeOptions.Parse([.. shared]);
        o.CommandLine = BenchArgs.CommandLine("flash-sale", args);
        return o;
    }
}
