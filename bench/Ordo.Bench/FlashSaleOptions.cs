namespace Ordo.Bench;

/// <summary>
/// Command-line options of the two stock benchmarks, which share one run: <c>flash-sale</c> (one hot SKU with few
/// units, many one-unit orders at once) and <c>many-skus</c> (many orders spread over many SKUs with enough stock).
/// </summary>
public sealed class FlashSaleOptions
{
    public const string Usage = """
        Ordo stock benchmarks: reservation decisions under load, through the HTTP API.

        usage: dotnet run -c Release --project bench/Ordo.Bench -- flash-sale [options]
               dotnet run -c Release --project bench/Ordo.Bench -- many-skus [options]

          flash-sale: N one-unit orders for ONE SKU with few units and no safety buffer, all at once; exactly the
                      units are reserved and every other order is held. Target: >= 5,000 decisions/s, p99 < 100 ms.
                      Defaults: --orders 10000 --units 100 --skus 1 --instances 3 --batch 1
          many-skus:  N one-unit orders over many SKUs that all have enough stock (each order draws its SKU at
                      random); every order is reserved. Target: >= 10,000 reserved lines/s.
                      Defaults: --orders 100000 --units 100 --skus 10000 --instances 1 --batch 1000

          --db sqlite|postgres|both   databases to measure (default: both)
          --orders N                  one-unit orders to send
          --units N                   units in stock per SKU
          --skus N                    SKUs the orders are spread over
          --instances N               Ordo server processes on PostgreSQL (SQLite always runs one)
          --concurrency N             requests in flight at most (default: 256 for single orders, 2 for batches)
          --batch N                   orders per request: 1 sends POST /api/v1/orders, more POST /api/v1/orders:batch
          --pg "<conn string>"        an existing PostgreSQL server, without Database (as for intake)
          --server-dll PATH           the Ordo server to measure (default: the Release build, built first)
          --no-build                  do not build the server first (use the existing Release build)
          --server-env KEY=VALUE      extra environment for the servers (repeatable; shown in the report)
          --output PATH               markdown file whose "## Flash sale" or "## Many SKUs" section is written
                                      (default: docs/benchmarks.md; "-" or "none" to write nothing)

        Per database: fresh Ordo servers on one database, the SKUs received into stock, then all orders sent at once,
        round robin over the instances. A reservation decision is a reservation or a shortage hold; its latency is its
        time in the database minus the order's arrival. Verified: exactly the expected units reserved, every other
        order held, stock never negative, ledger equal to balances.
        """;

    public bool Help { get; private set; }
    /// <summary>true for <c>many-skus</c>, false for <c>flash-sale</c>.</summary>
    public bool ManySkus { get; private set; }
    public bool Sqlite { get; private set; } = true;
    public bool Postgres { get; private set; } = true;
    public int Orders { get; private set; }
    public int Units { get; private set; }
    public int Skus { get; private set; }
    public int Instances { get; private set; }
    public int Concurrency { get; private set; }
    public int Batch { get; private set; }
    public string? PostgresConnection { get; private set; }
    public List<KeyValuePair<string, string>> ServerEnvironment { get; } = [];
    public string? Output { get; private set; } = "docs/benchmarks.md";
    public string CommandLine { get; private set; } = "";
    public IntakeOptions Shared { get; private set; } = IntakeOptions.Parse([]);

    public static FlashSaleOptions Parse(string benchmark, string[] args)
    {
        var many = benchmark == "many-skus";
        var o = new FlashSaleOptions
        {
            ManySkus = many,
            Orders = many ? 100_000 : 10_000,
            Units = 100,
            Skus = many ? 10_000 : 1,
            Instances = many ? 1 : 3,
            Batch = many ? 1000 : 1,
        };
        int? concurrency = null;
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
                case "--units": o.Units = a.PositiveInt(1); break;
                case "--skus": o.Skus = a.PositiveInt(1); break;
                case "--instances": o.Instances = a.PositiveInt(1); break;
                case "--concurrency": concurrency = a.PositiveInt(1); break;
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
        if (!many && o.Units < 2) throw new ArgumentException("--units must be at least 2 for flash-sale (they are split over two warehouses)");
        o.Concurrency = concurrency ?? (o.Batch == 1 ? 256 : 2);
        o.Shared = IntakeOptions.Parse([.. shared]);
        o.CommandLine = BenchArgs.CommandLine(benchmark, args);
        return o;
    }
}
