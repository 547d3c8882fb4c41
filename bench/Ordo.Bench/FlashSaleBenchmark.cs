using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Ordo.Data;

namespace Ordo.Bench;

/// <summary>
/// The two stock benchmarks. <c>flash-sale</c>: per database, fresh Ordo servers (several on PostgreSQL, one on
/// SQLite) on one database, a SKU with few units and no safety buffer, then many one-unit orders for it sent at once
/// through the HTTP API. <c>many-skus</c>: many one-unit orders spread at random over many SKUs that each have enough
/// stock. Each order gets a reservation decision (reserved, or held for the shortage); the decisions are read back
/// from the database with their times, and the stock is checked: exactly the expected units reserved, never
/// negative, ledger equal to balances.
/// </summary>
public sealed class FlashSaleBenchmark(FlashSaleOptions options)
{
    public const string FlashSaleHeading = "## Flash sale";
    public const string ManySkusHeading = "## Many SKUs";
    private const string Shop = "DY-FLASH";
    private const string WarmSku = "WARM-1";
    private const long FirstOrderId = 6_936_476_700_000_000_000;
    private const int WarmupOrders = 300;
    public const double FlashSaleDecisionsPerSecond = 5000;
    public const double FlashSaleP99Ms = 100;
    public const double ManySkusLinesPerSecond = 10_000;

    private string SectionHeading => options.ManySkus ? ManySkusHeading : FlashSaleHeading;

    private string[] Skus => options.Skus == 1
        ? ["FLASH-1"]
        : Enumerable.Range(1, options.Skus).Select(i => $"SKU-{i:D6}").ToArray();

    public async Task<int> RunAsync(CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        var total = Stopwatch.StartNew();
        var helper = new IntakeBenchmark(options.Shared);
        var root = helper.RepoRoot();
        var serverDll = await helper.ServerDllAsync(root, ct);
        var machine = await MachineInfo.CollectAsync(root, ct);
        Console.WriteLine($"Ordo {(options.ManySkus ? "many-SKUs" : "flash-sale")} benchmark: {machine.Summary}");
        var apiKey = BenchHttp.NewApiKey();
        using var http = BenchHttp.Create(apiKey, Math.Max(options.Concurrency, SetupConcurrency) + 16, TimeSpan.FromSeconds(300));

        var runs = await PostgresCluster.ForEachDatabaseAsync(options.Sqlite, options.Postgres, options.PostgresConnection, pg => pg is { } p
            ? RunDatabaseAsync("PostgreSQL", "postgres", (p.Connection, p.Description), options.Instances, serverDll, apiKey, http, ct)
            : RunDatabaseAsync("SQLite", "sqlite", null, 1, serverDll, apiKey, http, ct), ct);
        total.Stop();

        Console.WriteLine();
        foreach (var run in runs)
        {
            Console.WriteLine($"{run.Title}: {run.Database}");
            Console.WriteLine(Table(run));
            Console.WriteLine(run.Verification);
            Console.WriteLine(TargetLine(run));
            Console.WriteLine();
        }
        if (options.Output is { } output)
        {
            var path = Path.IsPathRooted(output) || options.Output != "docs/benchmarks.md" ? Path.GetFullPath(output) : Path.Combine(root, output);
            Report.WriteSection(path, machine, Section(machine, started, total.Elapsed, runs), SectionHeading);
            Console.WriteLine($"Wrote the \"{SectionHeading}\" section of {path}");
        }
        var failed = runs.Any(r => !r.Verified);
        if (failed) Console.Error.WriteLine("The stock was not decided correctly: see above.");
        return failed ? 1 : 0;
    }

    private sealed record FlashRun(
        string Title, string Database, int Instances, int Orders, int Skus, int Units, int RequestErrors, double SendSeconds,
        double[] RequestMs, double[] DecisionMs, double DecisionsPerSecond, double DecisionSpanSeconds, long Reserved, long Held,
        bool Verified, string Verification, double ServerCpu);

    private bool Passed(FlashRun r) => r.Verified && (options.ManySkus
        ? r.DecisionsPerSecond >= ManySkusLinesPerSecond
        : r.DecisionsPerSecond >= FlashSaleDecisionsPerSecond && Percentile(r.DecisionMs, 0.99) < FlashSaleP99Ms);

    private string TargetLine(FlashRun r) => options.ManySkus
        ? string.Create(CultureInfo.InvariantCulture,
            $"- **{(Passed(r) ? "PASS" : "MISS")}** >= {ManySkusLinesPerSecond:N0} order lines reserved/s over {r.Skus:N0} SKUs: {r.DecisionsPerSecond:N0}/s (p99 {Percentile(r.DecisionMs, 0.99):0.0} ms)")
        : string.Create(CultureInfo.InvariantCulture,
            $"- **{(Passed(r) ? "PASS" : "MISS")}** >= {FlashSaleDecisionsPerSecond:N0} reservation decisions/s with p99 < {FlashSaleP99Ms} ms: {r.DecisionsPerSecond:N0}/s, p99 {Percentile(r.DecisionMs, 0.99):0.0} ms");

    private const int SetupConcurrency = 16;

    private async Task<FlashRun> RunDatabaseAsync(
        string title, string provider, (string Connection, string Description)? postgres, int instances, string serverDll, string apiKey, HttpClient http, CancellationToken ct)
    {
        Console.WriteLine();
        Console.WriteLine($"== {title}, {instances} instance(s) ==");
        var background = await ProcStats.MachineLoadAsync(TimeSpan.FromSeconds(2), ct);
        for (var settle = 0; settle < 10 && background > 0.15; settle++)
            background = await ProcStats.MachineLoadAsync(TimeSpan.FromSeconds(2), ct);
        await using var workspace = await BenchWorkspace.CreateAsync(provider, postgres, apiKey, options.ServerEnvironment, ct);
        var servers = new List<OrdoServerProcess>();
        try
        {
            for (var i = 0; i < instances; i++)
            {
                var dir = Path.Combine(workspace.WorkDir, $"instance-{i + 1}");
                Directory.CreateDirectory(dir);
                servers.Add(await OrdoServerProcess.StartAsync(serverDll, dir, workspace.Environment, http, ct));
            }
            Console.WriteLine($"Database: {workspace.Description}; servers: {string.Join(", ", servers.Select(s => $"pid {s.Pid} on {s.BaseAddress}"))}");
            var first = servers[0].BaseAddress;
            var skus = Skus;
            var setup = Stopwatch.StartNew();
            await PostAsync(http, first, "api/v1/shops", new { platform = "douyin", code = Shop, name = "flash sale" }, ct);
            await PostAsync(http, first, "api/v1/warehouses", new { code = "WH-EAST", name = "华东仓", regions = new[] { "福建", "浙江" }, priority = 10 }, ct);
            await PostAsync(http, first, "api/v1/warehouses", new { code = "WH-SOUTH", name = "华南仓", regions = new[] { "广东" }, priority = 20 }, ct);
            // The flash-sale SKU's units are split over both warehouses; many SKUs each sit in one of them.
            await ForEachAsync([.. skus, WarmSku], async (code, i) =>
            {
                var units = code == WarmSku ? WarmupOrders * 2 : options.Units;
                await PostAsync(http, first, "api/v1/skus", new { code, name = code }, ct);
                await PatchAsync(http, first, $"api/v1/skus/{code}/stock-settings", new { safetyBuffer = new { units = 0 } }, ct);
                if (skus.Length == 1 && code != WarmSku)
                {
                    await PostAsync(http, first, "api/v1/inventory/receipts", new { sku = code, warehouse = "WH-EAST", quantity = units / 2 }, ct);
                    await PostAsync(http, first, "api/v1/inventory/receipts", new { sku = code, warehouse = "WH-SOUTH", quantity = units - units / 2 }, ct);
                }
                else
                    await PostAsync(http, first, "api/v1/inventory/receipts", new { sku = code, warehouse = i % 2 == 0 ? "WH-EAST" : "WH-SOUTH", quantity = units }, ct);
            }, ct);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{skus.Length:N0} SKU(s) with {options.Units:N0} units each set up in {setup.Elapsed.TotalSeconds:0.0} s"));

            await using var db = OrdoDatabase.Create(postgres is null ? DatabaseProvider.Sqlite : DatabaseProvider.Postgres,
                workspace.Connection ?? $"Data Source={Path.Combine(workspace.WorkDir, "data", "ordo.db")}");

            // Warm-up (JIT, pools) on another SKU, with platform order ids of their own: not reported.
            var warm = new OrderFactory(Shop, WarmSku) { FirstPlatformOrderId = 6_936_476_690_000_000_000 };
            await SendBodiesAsync(http, servers, warm.Singles(WarmupOrders), Math.Min(options.Concurrency, 64), ct);
            await WaitDecidedAsync(db, WarmupOrders, ct);

            var factory = new OrderFactory(Shop, skus) { FirstPlatformOrderId = FirstOrderId };
            var bodies = options.Batch == 1 ? factory.Singles(options.Orders) : factory.Batches(options.Orders, options.Batch);
            // What the stock allows: per SKU, its units at most (one unit per order, no safety buffer).
            var expectedReserved = factory.Drawn.Values.Sum(n => Math.Min(n, options.Units));
            var cpu0 = servers.Sum(s => ProcStats.ProcessCpuSeconds(s.Pid));
            var send = Stopwatch.StartNew();
            var sent = await SendBodiesAsync(http, servers, bodies, options.Concurrency, ct);
            var errors = sent.Errors;
            send.Stop();
            TimeSpan decidedAfter;
            try { decidedAfter = await WaitDecidedAsync(db, WarmupOrders + options.Orders, ct); }
            catch (BenchmarkException)
            {
                workspace.Keep = true;
                Console.Error.WriteLine($"kept {workspace.WorkDir} for inspection");
                throw;
            }
            var cpu = (servers.Sum(s => ProcStats.ProcessCpuSeconds(s.Pid)) - cpu0) / Math.Max(0.001, send.Elapsed.TotalSeconds + decidedAfter.TotalSeconds);

            // When each order's decision was known: its request's answer, or its decision in the database if that came
            // later (a reservation's creation, or the shortage hold event); minus when its request was sent.
            var decidedAt = await db.ReadAsync(s => s.QueryAsync(
                """
                SELECT o.platform_order_id AS id, r.created_at AS decided_at FROM orders o JOIN reservations r ON r.order_id = o.id WHERE r.sku <> @warm
                UNION ALL
                SELECT o.platform_order_id AS id, e.occurred_at AS decided_at FROM orders o JOIN order_events e ON e.order_id = o.id
                WHERE e.type = 'order.status_changed' AND e.to_status = 'OnHold' AND e.actor_id = 'inventory'
                  AND o.id IN (SELECT id FROM orders WHERE status = 'OnHold')
                """, r => (Id: long.Parse(r.String("id"), CultureInfo.InvariantCulture), Decided: r.Instant("decided_at")), ("warm", WarmSku)), ct);
            var known = new Dictionary<long, DateTimeOffset>();
            foreach (var (id, decided) in decidedAt)
            {
                var body = (int)((id - FirstOrderId) / options.Batch);
                var at = decided > sent.AnsweredAt[body] ? decided : sent.AnsweredAt[body];
                known[id] = known.TryGetValue(id, out var earlier) && earlier > at ? earlier : at;
            }
            var decisionMs = known.Select(k => (k.Value - sent.SentAt[(int)((k.Key - FirstOrderId) / options.Batch)]).TotalMilliseconds).Order().ToArray();
            var span = known.Count == 0 ? 0 : (known.Values.Max() - sent.SentAt.Min()).TotalSeconds;

            var reserved = await db.ReadAsync(s => s.ScalarAsync<long>("SELECT COALESCE(SUM(quantity), 0) FROM reservations WHERE sku <> @w AND status IN ('active', 'confirmed')", ("w", WarmSku)), ct);
            var held = await db.ReadAsync(s => s.ScalarAsync<long>(
                "SELECT COUNT(*) FROM orders WHERE status = 'OnHold' AND id NOT IN (SELECT order_id FROM reservations)"), ct);
            var negative = await db.ReadAsync(s => s.ScalarAsync<long>("SELECT COUNT(*) FROM stock_balances WHERE on_hand < 0 OR reserved < 0 OR reserved > on_hand"), ct);
            var differences = await db.ReadAsync(Ordo.Data.Inventory.InventoryStore.CheckLedgerAsync, ct);
            var verified = errors == 0 && reserved == expectedReserved && held == options.Orders - expectedReserved && negative == 0 && differences.Count == 0
                           && decisionMs.Length == options.Orders;
            var verification = string.Create(CultureInfo.InvariantCulture,
                $"Verified: {options.Orders:N0} orders sent ({errors} requests not answered 201/200), {reserved:N0} units reserved (expected {expectedReserved:N0}), {held:N0} orders held for the shortage (expected {options.Orders - expectedReserved:N0}), {decisionMs.Length:N0} decisions found, {negative} balances negative or over-reserved, ledger {(differences.Count == 0 ? "equal to the balances" : $"DIFFERS in {differences.Count} balances")}.");
            Console.WriteLine(verification);
            return new FlashRun(title, workspace.Description, instances, options.Orders, skus.Length, options.Units, errors, send.Elapsed.TotalSeconds,
                sent.Ms, decisionMs, decisionMs.Length / Math.Max(0.001, span), span, reserved, held, verified, verification, cpu);
        }
        finally
        {
            foreach (var server in servers) await server.DisposeAsync();
        }
    }

    private static Task ForEachAsync(string[] items, Func<string, int, Task> body, CancellationToken ct) =>
        Parallel.ForEachAsync(Enumerable.Range(0, items.Length), new ParallelOptions { MaxDegreeOfParallelism = SetupConcurrency, CancellationToken = ct },
            async (i, _) => await body(items[i], i));

    private sealed record Sent(double[] Ms, DateTimeOffset[] SentAt, DateTimeOffset[] AnsweredAt, int Errors);

    /// <summary>Sends every body at once (at most <paramref name="concurrency"/> in flight), round robin over the servers; answers when each was sent and answered, each request's time (ms, sorted) and the failures.</summary>
    private static async Task<Sent> SendBodiesAsync(HttpClient http, List<OrdoServerProcess> servers, byte[][] bodies, int concurrency, CancellationToken ct)
    {
        var gate = new SemaphoreSlim(concurrency);
        var ms = new double[bodies.Length];
        var sentAt = new DateTimeOffset[bodies.Length];
        var answeredAt = new DateTimeOffset[bodies.Length];
        var errors = 0;
        var path = bodies.Length > 0 && bodies[0][0] == (byte)'[' ? "api/v1/orders:batch" : "api/v1/orders";
        var tasks = new Task[bodies.Length];
        for (var i = 0; i < bodies.Length; i++)
        {
            await gate.WaitAsync(ct);
            var n = i;
            tasks[n] = Task.Run(async () =>
            {
                try
                {
                    sentAt[n] = DateTimeOffset.UtcNow;
                    var start = Stopwatch.GetTimestamp();
                    using var content = new ByteArrayContent(bodies[n]);
                    content.Headers.ContentType = new("application/json");
                    using var response = await http.PostAsync(new Uri(servers[n % servers.Count].BaseAddress, path), content, ct);
                    await response.Content.LoadIntoBufferAsync(ct);
                    ms[n] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                    answeredAt[n] = DateTimeOffset.UtcNow;
                    if (response.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.OK)) Interlocked.Increment(ref errors);
                }
                catch (HttpRequestException) { Interlocked.Increment(ref errors); }
                finally { gate.Release(); }
            }, ct);
        }
        await Task.WhenAll(tasks);
        var sorted = (double[])ms.Clone();
        Array.Sort(sorted);
        return new Sent(sorted, sentAt, answeredAt, errors);
    }

    /// <summary>Waits until <paramref name="orders"/> orders have a decision (a reservation or a shortage hold); answers how long that took.</summary>
    private static async Task<TimeSpan> WaitDecidedAsync(OrdoDatabase db, int orders, CancellationToken ct)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var decided = await db.ReadAsync(s => s.ScalarAsync<long>(
                """
                SELECT (SELECT COUNT(DISTINCT order_id) FROM reservations)
                     + (SELECT COUNT(*) FROM orders WHERE status = 'OnHold' AND id NOT IN (SELECT order_id FROM reservations))
                """), ct);
            if (decided >= orders) return waited.Elapsed;
            if (waited.Elapsed > TimeSpan.FromMinutes(10)) throw new BenchmarkException($"only {decided} of {orders} orders decided after 10 minutes");
            await Task.Delay(200, ct);
        }
    }

    private static async Task PostAsync(HttpClient http, Uri server, string path, object body, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync(new Uri(server, path), body, ct);
        if (!response.IsSuccessStatusCode) throw new BenchmarkException($"POST {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
    }

    private static async Task PatchAsync(HttpClient http, Uri server, string path, object body, CancellationToken ct)
    {
        using var response = await http.PatchAsJsonAsync(new Uri(server, path), body, ct);
        if (!response.IsSuccessStatusCode) throw new BenchmarkException($"PATCH {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static string Table(FlashRun r) => string.Create(CultureInfo.InvariantCulture, $"""
        | Measure | Samples | p50 (ms) | p90 (ms) | p99 (ms) | Max (ms) |
        |---|--:|--:|--:|--:|--:|
        | order sent → its stock decision known (answer, or a later decision in the database) | {r.DecisionMs.Length:N0} | {Percentile(r.DecisionMs, 0.5):0.0} | {Percentile(r.DecisionMs, 0.9):0.0} | {Percentile(r.DecisionMs, 0.99):0.0} | {(r.DecisionMs.Length > 0 ? r.DecisionMs[^1] : double.NaN):0.0} |
        | HTTP request answered | {r.RequestMs.Length:N0} | {Percentile(r.RequestMs, 0.5):0.0} | {Percentile(r.RequestMs, 0.9):0.0} | {Percentile(r.RequestMs, 0.99):0.0} | {(r.RequestMs.Length > 0 ? r.RequestMs[^1] : double.NaN):0.0} |

        | Instances | Orders | SKUs | Units per SKU | Reserved | Held | Sending (s) | Orders sent (/s) | Decisions (/s) | Servers' CPU (cores) |
        |--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|
        | {r.Instances} | {r.Orders:N0} | {r.Skus:N0} | {r.Units:N0} | {r.Reserved:N0} | {r.Held:N0} | {r.SendSeconds:0.0} | {r.Orders / r.SendSeconds:N0} | {r.DecisionsPerSecond:N0} | {r.ServerCpu:0.00} |
        """);

    private string Section(MachineInfo machine, DateTimeOffset started, TimeSpan elapsed, List<FlashRun> runs)
    {
        var sb = Report.SectionStart(SectionHeading, options.CommandLine, started, elapsed, machine,
            "The benchmark (the HTTP clients) runs on the same machine as the servers and the database and competes with them for the same cores.");
        sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"""
            How: per database, fresh Ordo servers (Release build, default configuration) on one new database: {options.Instances} on PostgreSQL, 1 on SQLite. A
            douyin shop; {(options.ManySkus ? $"{options.Skus:N0} SKUs with {options.Units:N0} units each and no safety buffer, half in each of two warehouses; then {options.Orders:N0} one-unit orders, each for a SKU drawn at random, all sent at once" : $"a SKU with {options.Units:N0} units and no safety buffer, in two warehouses; then {options.Orders:N0} one-unit orders for it, all sent at once")}
            ({(options.Batch == 1 ? "one POST /api/v1/orders each" : $"POST /api/v1/orders:batch of {options.Batch}")}, at most {options.Concurrency} requests in flight, round robin over the instances).
            Each order arrives and its stock is decided in the transaction that stores it: reserved, or held for the shortage
            (`stock-shortage`); the answer carries the decision. A decision's latency runs from the moment its request is sent to its answer,
            or to its decision in the database (the reservation row's creation, or the hold event) where that came later. Decisions per
            second = decisions / (last decision known − first request sent). {WarmupOrders} orders for another SKU go first and are not
            reported. The benchmark reads the decisions back from the database and checks the stock.
            """));
        sb.AppendLine();
        foreach (var r in runs)
        {
            sb.AppendLine($"### {r.Title}");
            sb.AppendLine();
            sb.AppendLine($"Database: {r.Database}.");
            sb.AppendLine();
            sb.AppendLine(Table(r));
            sb.AppendLine();
            sb.AppendLine(r.Verification);
            sb.AppendLine();
            sb.AppendLine(TargetLine(r));
            sb.AppendLine();
        }
        return sb.ToString();
    }
}
