using System.Globalization;
using System.Text;

namespace Ordo.Bench;

/// <summary>Markdown output: the results tables and the "## Intake" section of docs/benchmarks.md.</summary>
public static class Report
{
    public const string SectionHeading = "## Intake";

    public static string Table(DatabaseRun run)
    {
        var sb = new StringBuilder();
        sb.AppendLine("| Scenario | Concurrency | Orders | Requests | Failed | Orders/s | p50 (ms) | p99 (ms) | Max (ms) | Server peak RSS (MB) | CPU cores: server / load gen / PostgreSQL / other | Server CPU per order (ms) |");
        sb.AppendLine("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
        foreach (var s in run.Scenarios)
        {
            var scenario = s.Name == "batch" ? $"batch ({IntakeBenchmark.BatchSize:N0} orders/request)" : "single request";
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {scenario} | {s.Concurrency} | {s.Orders:N0} | {s.Requests:N0} | {s.Errors:N0} | {s.OrdersPerSecond:N0} | {s.P50Ms:0.0} | {s.P99Ms:0.0} | {s.MaxMs:0.0} | {s.PeakRssBytes / 1e6:0} | {Cpu(s.Cpu)} | {s.ServerCpuMsPerOrder:0.00} |"));
        }
        return sb.ToString().TrimEnd();
    }

    /// <summary>"server / load gen / PostgreSQL / other" in cores; PostgreSQL is "-" when not measured.</summary>
    public static string Cpu(CpuSplit c) => string.Create(CultureInfo.InvariantCulture,
        $"{c.Server:0.00} / {c.LoadGenerator:0.00} / {(c.Database is { } d ? d.ToString("0.00", CultureInfo.InvariantCulture) : "-")} / {c.Other:0.00}");

    /// <summary>The start every benchmark section shares: heading, the exact command, when and where it ran, and who shared the cores.</summary>
    public static StringBuilder SectionStart(string heading, string commandLine, DateTimeOffset started, TimeSpan elapsed, MachineInfo machine, string sharing)
    {
        var sb = new StringBuilder();
        sb.AppendLine(heading);
        sb.AppendLine();
        sb.AppendLine("Measured with (from the repository root):");
        sb.AppendLine();
        sb.AppendLine("```sh");
        sb.AppendLine(commandLine);
        sb.AppendLine("```");
        sb.AppendLine();
        sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"Run {started:yyyy-MM-dd HH:mm} UTC ({elapsed.TotalMinutes:0.0} min) on {machine.Summary}."));
        sb.AppendLine(sharing);
        sb.AppendLine();
        return sb;
    }

    public static string IntakeSection(
        IntakeOptions options, MachineInfo machine, DateTimeOffset started, TimeSpan elapsed, string serverDll,
        IReadOnlyList<DatabaseRun> runs, IReadOnlyList<TargetResult> targets)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = SectionStart(SectionHeading, options.CommandLine, started, elapsed, machine,
            "The load generator runs on the same machine as the server and competes with it (and with PostgreSQL) for the same cores.");
        sb.AppendLine("How: per database a fresh Ordo server (Release build, default configuration: demo data off, jobs on, default logging) " +
                      "on a free loopback port with an empty database, one shop and one SKU. Every order is distinct (own platformOrderId). " +
                      "Request bodies are serialised before timing; one HttpClient (SocketsHttpHandler, HTTP/1.1 keep-alive) with N concurrent " +
                      "workers. Latency is per request, from send to the last byte of the answer. A single-request answer must be 201 Created; " +
                      "a batch answer must be 200 with every item created. Orders/s counts successfully created orders over the scenario's wall time. " +
                      $"A warm-up of {IntakeBenchmark.WarmupOrders} single orders and {IntakeBenchmark.WarmupBatches} batches is not reported. " +
                      "Server peak RSS is the kernel's VmHWM of the server process (reset before each scenario), cross-checked by sampling VmRSS every 50 ms. " +
                      "CPU is the average number of cores busy during the scenario, from /proc: the server process, the load generator, " +
                      "the private PostgreSQL cluster (postmaster and backends; \"-\" when not measured), and everything else " +
                      "(kernel work not charged to a process, other programs).");
        Report.ServerEnvironmentNote(sb, options.ServerEnvironment);
        if (runs.SelectMany(r => r.Scenarios).Any(s => !s.PeakIsPerScenario))
            sb.AppendLine().AppendLine("Note: the peak RSS could not be reset between scenarios here, so each figure is the peak since the server started.");

        foreach (var run in runs)
        {
            Report.RunStart(sb, run.Title, run.Database, Table(run), run.Verification);
            var busy = run.BackgroundLoad > 0.15 ? " (something else was running: figures are lower than on a quiet machine)" : "";
            sb.AppendLine(string.Create(inv, $"Machine load just before the run: {run.BackgroundLoad:0.00} cores busy{busy}."));
            sb.AppendLine(string.Create(inv, $"The server wrote {run.ServerLogBytes / 1e6:N0} MB of console log during the run ({run.ServerLogBytes / 1024.0 / Math.Max(1, run.Requests):0.0} KiB per request, warm-ups included)."));
            sb.AppendLine();
            foreach (var t in targets.Where(t => t.Database == run.Title))
                sb.AppendLine($"- **{(t.Pass ? "PASS" : "MISS")}** {t.Target}: {t.Measured}");
        }
        return sb.ToString().TrimEnd() + "\n";
    }

    /// <summary>The line naming the server settings a run changed with <c>--server-env</c>, if any.</summary>
    public static void ServerEnvironmentNote(StringBuilder sb, IReadOnlyCollection<KeyValuePair<string, string>> environment)
    {
        if (environment.Count > 0)
            sb.AppendLine().AppendLine("Server configuration changed with --server-env: " +
                                       string.Join(", ", environment.Select(kv => $"`{kv.Key}={kv.Value}`")) + ".");
    }

    /// <summary>What opens one database's results: its heading, the database (without the throwaway database's name), the table and the verification.</summary>
    public static void RunStart(StringBuilder sb, string title, string database, string table, string verification)
    {
        sb.AppendLine();
        sb.AppendLine($"### {title}");
        sb.AppendLine();
        sb.AppendLine($"Database: {database.Split("; database ")[0]}.");
        sb.AppendLine();
        sb.AppendLine(table);
        sb.AppendLine();
        sb.AppendLine(verification);
    }

    /// <summary>Writes <paramref name="section"/> in place of the file's <paramref name="heading"/> section ("## Intake" by default) (or appends it), creating the file with a header if needed.</summary>
    public static void WriteSection(string path, MachineInfo machine, string section, string heading = SectionHeading)
    {
        var text = File.Exists(path) ? File.ReadAllText(path).ReplaceLineEndings("\n") : Header(machine);
        var lines = text.Split('\n').ToList();
        int start = -1, end = lines.Count;
        var inFence = false;
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal)) inFence = !inFence;
            if (inFence) continue;
            if (start < 0 && line.TrimEnd() == heading) start = i;
            else if (start >= 0 && i > start && line.StartsWith("## ", StringComparison.Ordinal)) { end = i; break; }
        }

        string result;
        if (start < 0)
            result = text.TrimEnd() + "\n\n" + section;
        else
        {
            var before = string.Join('\n', lines.Take(start)).TrimEnd();
            var after = end < lines.Count ? string.Join('\n', lines.Skip(end)).TrimEnd() : "";
            result = (before.Length > 0 ? before + "\n\n" : "") + section + (after.Length > 0 ? "\n" + after + "\n" : "");
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, result);
    }

    private static string Header(MachineInfo machine) => string.Create(CultureInfo.InvariantCulture, $"""
        # Ordo benchmarks

        The figures below come from the load generator in `bench/Ordo.Bench`, run with the command shown in each section;
        re-running a command replaces only its own section. Unless a section says otherwise they were measured on:

        - Machine: {machine.Cores} cores (`nproc`), {machine.CpuModel}, {machine.MemoryGiB:0.0} GiB RAM (`/proc/meminfo`)
        - OS: {machine.Os}, Linux {machine.Kernel}
        - .NET: SDK {machine.DotnetSdk} (`dotnet --version`), {machine.Runtime}
        - Date: {DateTime.UtcNow:yyyy-MM-dd}

        Load generator and server share the machine, so the load generator's CPU use counts against the server.

        """);
}
