using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Npgsql;

namespace Ordo.Bench;

/// <summary>
/// The intake benchmark: per database, a fresh Ordo server on a free loopback port, a shop and a SKU, then
/// single-request intake at concurrency 1, 8 and 32 and batch intake (1,000 orders per request) at concurrency 2.
/// </summary>
public sealed class IntakeBenchmark(IntakeOptions options)
{
    public const string ShopCode = "DY-BENCH";
    public const string Sku = "MUG-W";
    public const int BatchSize = 1000;
    public const int BatchConcurrency = 2;
    public const int WarmupOrders = 500;
    public const int WarmupBatches = 2;

    // Targets (see the usage text).
    public const double SingleTarget = 2_000;
    public const double SingleP99TargetMs = 50;
    public const double BatchTarget = 10_000;
    public const double MemoryTargetMb = 500;

    public async Task<int> RunAsync(CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        var total = Stopwatch.StartNew();
        var root = RepoRoot();
        var serverDll = await ServerDllAsync(root, ct);
        var machine = await MachineInfo.CollectAsync(root, ct);
        Console.WriteLine($"Ordo intake benchmark: {machine.Summary}");
        Console.WriteLine($"Server: {serverDll}");

        var apiKey = BenchHttp.NewApiKey();
        using var http = BenchHttp.Create(apiKey, 1024, TimeSpan.FromMinutes(5));

        var runs = await PostgresCluster.ForEachDatabaseAsync(options.Sqlite, options.Postgres, options.PostgresConnection, pg => pg is { } p
            ? RunDatabaseAsync("PostgreSQL", "postgres", (p.Connection, p.Description), p.Cluster is null ? null : p.Cluster.CpuSeconds, serverDll, apiKey, http, ct)
            : RunDatabaseAsync("SQLite", "sqlite", null, null, serverDll, apiKey, http, ct), ct);
        total.Stop();

        var targets = runs.SelectMany(Targets).ToList();
        Console.WriteLine();
        foreach (var run in runs)
        {
            Console.WriteLine($"{run.Title} ({run.Database})");
            Console.WriteLine(Report.Table(run));
            Console.WriteLine(run.Verification);
            Console.WriteLine();
        }
        foreach (var t in targets) Console.WriteLine(t.Line);
        Console.WriteLine($"Total time {total.Elapsed.TotalSeconds:0} s.");

        if (options.Output is { } output)
        {
            var path = Path.IsPathRooted(output) || options.Output != "docs/benchmarks.md" ? Path.GetFullPath(output) : Path.Combine(root, output);
            Report.WriteSection(path, machine, Report.IntakeSection(options, machine, started, total.Elapsed, serverDll, runs, targets));
            Console.WriteLine($"Wrote the \"## Intake\" section of {path}");
        }

        var failed = runs.Any(r => !r.Verified || r.Scenarios.Any(s => s.Errors > 0));
        if (failed) Console.Error.WriteLine("Some requests failed or the stored order count does not match: see above.");
        return failed ? 1 : 0;
    }

    private async Task<DatabaseRun> RunDatabaseAsync(
        string title, string provider, (string Connection, string Description)? postgres, Func<double>? databaseCpu,
        string serverDll, string apiKey, HttpClient http, CancellationToken ct)
    {
        Console.WriteLine();
        Console.WriteLine($"== {title} ==");
        // Anything else busy on the machine skews the figures: measure it before starting, and report it.
        var background = await ProcStats.MachineLoadAsync(TimeSpan.FromSeconds(2), ct);
        Console.WriteLine($"Machine load before the run: {background:0.00} cores busy" +
                          (background > 0.15 ? " - WARNING: something else is running; figures will be lower than on a quiet machine" : ""));
        await using var workspace = await BenchWorkspace.CreateAsync(provider, postgres, apiKey, options.ServerEnvironment, ct);
        var (workDir, env, description) = (workspace.WorkDir, workspace.Environment, workspace.Description);
        var factory = new OrderFactory(ShopCode, Sku);
        var scenarios = new List<ScenarioResult>();
        var requests = 0;   // all requests, warm-ups included (for the log volume per request)
        async Task<ScenarioResult> Counted(Task<ScenarioResult> scenario, bool report = true)
        {
            var r = await Measure(scenario, report);
            requests += r.Requests;
            return r;
        }
        Console.WriteLine($"Database: {description}" + (postgres is null ? $" ({Path.Combine(workDir, "data", "ordo.db")})" : ""));
        await using var server = await OrdoServerProcess.StartAsync(serverDll, workDir, env, http, ct);
        Console.WriteLine($"Ordo server pid {server.Pid} on {server.BaseAddress}");
        await CreateAsync(http, server, "api/v1/shops", new { platform = "douyin", code = ShopCode, name = "bench" }, ct);
        await CreateAsync(http, server, "api/v1/skus", new { code = Sku, name = "mug" }, ct);
        var load = new LoadGenerator(http, server.BaseAddress, databaseCpu);

        try
        {
            // Warm-up (JIT, connection pools, order number blocks); not reported.
            await Counted(load.SinglesAsync("warm-up", factory.Singles(WarmupOrders), 8, server.Pid, ct), report: false);
            foreach (var (concurrency, orders) in new[] { (1, options.Orders / 10), (8, options.Orders * 2 / 5), (32, options.Orders) })
                scenarios.Add(await Counted(load.SinglesAsync("single", factory.Singles(orders), concurrency, server.Pid, ct)));

            await Counted(load.BatchesAsync("warm-up batch", factory.Batches(WarmupBatches * BatchSize, BatchSize), WarmupBatches * BatchSize, BatchSize, BatchConcurrency, server.Pid, ct), report: false);
            scenarios.Add(await Counted(load.BatchesAsync("batch", factory.Batches(options.BatchOrders, BatchSize), options.BatchOrders, BatchSize, BatchConcurrency, server.Pid, ct)));

            // Every order must have been created once: Ordo's own counter, the API, and (PostgreSQL) the table itself.
            var created = await server.CreatedOrdersAsync(http, ct);
            var newest = await server.NewestPlatformOrderIdAsync(http, ct);
            long? stored = null;
            if (workspace.Connection is { } connection)
            {
                await using var c = new NpgsqlConnection(connection);
                await c.OpenAsync(ct);
                await using var count = new NpgsqlCommand("SELECT count(*) FROM orders", c);
                stored = (long)(await count.ExecuteScalarAsync(ct))!;
            }
            var verified = created == factory.Count && (stored is null || stored == factory.Count) && newest is not null;
            var verification = $"{(verified ? "Verified" : "MISMATCH")}: {factory.Count:N0} distinct orders sent (warm-ups included), " +
                               $"{created:N0} created by the server (ordo_orders_accepted_total{{outcome=\"created\"}})" +
                               (stored is null ? "" : $", {stored:N0} rows in the orders table") +
                               $", newest order readable through GET /api/v1/orders ({newest ?? "none"}).";
            var logBytes = new FileInfo(server.LogFile).Length;
            workspace.Keep = !verified || scenarios.Any(s => s.Errors > 0);
            if (workspace.Keep) Console.Error.WriteLine($"Keeping {workDir} (server log: {server.LogFile}) for inspection.");
            return new DatabaseRun(title, description, scenarios, verified, verification, logBytes, requests, factory.Count, background);
        }
        catch when (!ct.IsCancellationRequested)
        {
            workspace.Keep = true;
            Console.Error.WriteLine($"Server output (last lines of {server.LogFile}):\n{OrdoServerProcess.Tail(server.LogFile, 10)}");
            Console.Error.WriteLine($"Keeping {workDir} for inspection.");
            throw;
        }
    }

    private static async Task<ScenarioResult> Measure(Task<ScenarioResult> scenario, bool report = true)
    {
        var r = await scenario;
        if (report || r.Errors > 0)
            Console.WriteLine($"  {r.Name,-13} c={r.Concurrency,-3} {r.Orders,7:N0} orders {r.OrdersPerSecond,9:N0} orders/s  p50 {r.P50Ms,7:0.0} ms  p99 {r.P99Ms,7:0.0} ms  max {r.MaxMs,7:0.0} ms  " +
                              $"RSS {r.PeakRssBytes / 1e6,5:0} MB  CPU cores: {Report.Cpu(r.Cpu)} (server {r.ServerCpuMsPerOrder:0.00} ms/order)" +
                              (r.Errors > 0 ? $"  {r.Errors} ERRORS, e.g. {r.ErrorSamples.FirstOrDefault()}" : ""));
        // Let background work (SQLite checkpoints, autovacuum, the job runner) settle, and collect our garbage, between scenarios.
        GC.Collect();
        await Task.Delay(1000);
        return r;
    }

    private static async Task CreateAsync(HttpClient http, OrdoServerProcess server, string path, object body, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync(new Uri(server.BaseAddress, path), body, ct);
        if (response.StatusCode != HttpStatusCode.Created)
            throw new BenchmarkException($"POST /{path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
    }

    private static IEnumerable<TargetResult> Targets(DatabaseRun run)
    {
        var c32 = run.Scenarios.FirstOrDefault(s => s.Name == "single" && s.Concurrency == 32);
        var batch = run.Scenarios.FirstOrDefault(s => s.Name == "batch");
        string Errors(ScenarioResult s) => s.Errors > 0 ? $", {s.Errors} failed requests" : "";
        if (c32 is not null)
        {
            yield return new(run.Title, $"single-request intake >= {SingleTarget:N0} orders/s at concurrency 32",
                c32.OrdersPerSecond >= SingleTarget && c32.Errors == 0, $"{c32.OrdersPerSecond:N0} orders/s{Errors(c32)}");
            yield return new(run.Title, $"single-request p99 < {SingleP99TargetMs:0} ms at concurrency 32",
                c32.P99Ms < SingleP99TargetMs && c32.Errors == 0, $"p99 {c32.P99Ms:0.0} ms");
        }
        if (batch is not null)
            yield return new(run.Title, $"batch intake >= {BatchTarget:N0} orders/s",
                batch.OrdersPerSecond >= BatchTarget && batch.Errors == 0, $"{batch.OrdersPerSecond:N0} orders/s{Errors(batch)}");
        var peak = run.Scenarios.Max(s => s.PeakRssBytes) / 1e6;
        yield return new(run.Title, $"server memory < {MemoryTargetMb:0} MB under load", peak < MemoryTargetMb, $"peak RSS {peak:0} MB");
    }

    internal string RepoRoot()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Ordo.slnx"))) return dir.FullName;
        if (options.ServerDll is null) throw new BenchmarkException("run from the Ordo repository (no Ordo.slnx found above the current directory), or pass --server-dll");
        return Environment.CurrentDirectory;
    }

    internal async Task<string> ServerDllAsync(string root, CancellationToken ct)
    {
        if (options.ServerDll is { } given)
        {
            var full = Path.GetFullPath(given);
            return File.Exists(full) ? full : throw new BenchmarkException($"--server-dll {full} does not exist");
        }
        var dll = Path.Combine(root, "src", "Ordo.Server", "bin", "Release", "net10.0", "Ordo.Server.dll");
        if (options.NoBuild)
            return File.Exists(dll) ? dll : throw new BenchmarkException($"{dll} does not exist: build it with `dotnet build -c Release src/Ordo.Server` (or drop --no-build)");
        Console.WriteLine("Building the server: dotnet build -c Release src/Ordo.Server");
        var (code, output) = await PostgresCluster.Exec("dotnet", ["build", "-c", "Release", Path.Combine("src", "Ordo.Server"), "-nologo", "-v", "q"], ct, root);
        if (code != 0) throw new BenchmarkException($"`dotnet build -c Release src/Ordo.Server` failed:\n{output}");
        return dll;
    }

    internal static string WithDatabase(string connection, string database) =>
        new NpgsqlConnectionStringBuilder(connection) { Database = database }.ConnectionString;

    internal static async Task<string> PostgresVersionAsync(string connection, CancellationToken ct)
    {
        try
        {
            await using var c = new NpgsqlConnection(WithDatabase(connection, "postgres"));
            await c.OpenAsync(ct);
            await using var cmd = new NpgsqlCommand("SELECT current_setting('server_version') || ', fsync=' || current_setting('fsync') || ', synchronous_commit=' || current_setting('synchronous_commit')", c);
            return (string)(await cmd.ExecuteScalarAsync(ct))!;
        }
        catch (NpgsqlException ex)
        {
            throw new BenchmarkException($"cannot connect to PostgreSQL with --pg: {ex.Message}");
        }
    }
}

public sealed record DatabaseRun(
    string Title, string Database, IReadOnlyList<ScenarioResult> Scenarios, bool Verified, string Verification, long ServerLogBytes, int Requests, long OrdersSent,
    double BackgroundLoad);

public sealed record TargetResult(string Database, string Target, bool Pass, string Measured)
{
    public string Line => $"{(Pass ? "PASS" : "MISS")} {Database}: {Target} ({Measured})";
}

/// <summary>What the figures were measured on.</summary>
public sealed record MachineInfo(int Cores, string CpuModel, double MemoryGiB, string Os, string Kernel, string DotnetSdk, string Runtime)
{
    public string Summary => $"{Cores} cores ({CpuModel}), {MemoryGiB:0.0} GiB RAM, {Os}, Linux {Kernel}, .NET SDK {DotnetSdk} ({Runtime})";

    public static async Task<MachineInfo> CollectAsync(string root, CancellationToken ct)
    {
        static string Read(string file) => File.Exists(file) ? File.ReadAllText(file) : "";
        var nproc = await PostgresCluster.Exec("nproc", [], ct);
        var cores = int.TryParse(nproc.Output.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : Environment.ProcessorCount;
        var cpu = Read("/proc/cpuinfo").Split('\n').FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        var memLine = Read("/proc/meminfo").Split('\n').FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        var memKb = memLine is null ? 0 : long.Parse(memLine.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        var os = Read("/etc/os-release").Split('\n').FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?["PRETTY_NAME=".Length..].Trim('"') ?? "Linux";
        var sdk = await PostgresCluster.Exec("dotnet", ["--version"], ct, root);
        return new MachineInfo(cores, cpu, memKb / 1024.0 / 1024.0, os, Read("/proc/sys/kernel/osrelease").Trim(),
            sdk.Code == 0 ? sdk.Output.Trim() : "unknown", System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription);
    }
}
