using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Ordo.Bench;

/// <summary>
/// A private PostgreSQL cluster in a temp directory, like test.sh starts for the tests, but with fsync on and otherwise
/// default settings (benchmark figures must be durable ones). Owned by the "postgres" user when we run as root.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string _dir;
    private bool _started;

    private PostgresCluster(string bin, string dir, int port)
    {
        _bin = bin;
        _dir = dir;
        Port = port;
    }

    public int Port { get; }
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres";
    public string Description { get; private set; } = "";

    /// <summary>
    /// The PostgreSQL a benchmark measures: the server given with <c>--pg</c>, or else a private cluster started here
    /// (returned so the caller disposes of it).
    /// </summary>
    /// <summary>
    /// Runs <paramref name="run"/> on SQLite and then on PostgreSQL, as chosen: on <paramref name="given"/> (--pg) or
    /// on a private cluster started for it and stopped after. The PostgreSQL run gets the server's connection string,
    /// its description and the private cluster (null with --pg).
    /// </summary>
    public static async Task<List<T>> ForEachDatabaseAsync<T>(bool sqlite, bool postgres, string? given,
        Func<(string Connection, string Description, PostgresCluster? Cluster)?, Task<T>> run, CancellationToken ct)
    {
        var runs = new List<T>();
        PostgresCluster? cluster = null;
        try
        {
            if (sqlite) runs.Add(await run(null));
            if (postgres)
            {
                var pg = await ForBenchmarkAsync(given, ct);
                cluster = pg.Cluster;
                runs.Add(await run(pg));
            }
        }
        finally
        {
            if (cluster is not null) await cluster.DisposeAsync();
        }
        return runs;
    }

    public static async Task<(string Connection, string Description, PostgresCluster? Cluster)> ForBenchmarkAsync(string? given, CancellationToken ct)
    {
        if (given is { } pg) return (pg, $"PostgreSQL {await IntakeBenchmark.PostgresVersionAsync(pg, ct)} from --pg", null);
        Console.WriteLine("Starting a private PostgreSQL cluster (fsync on, default settings)...");
        var cluster = await StartAsync(ct);
        return (cluster.ConnectionString, cluster.Description, cluster);
    }

    public static async Task<PostgresCluster> StartAsync(CancellationToken ct)
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "postgres")) && File.Exists(Path.Combine(d, "pg_ctl")))
                .OrderByDescending(d => Version.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : new Version(0, 0))
                .FirstOrDefault()
            : null;
        if (bin is null)
            throw new BenchmarkException("PostgreSQL server not found in /usr/lib/postgresql/*/bin: install it (sudo apt-get install postgresql), pass --pg \"<connection string>\", or use --db sqlite");

        var dir = Directory.CreateTempSubdirectory("ordo-bench-pg.").FullName;
        var cluster = new PostgresCluster(bin, dir, FreePort());
        try
        {
            if (IsRoot) await Exec("chown", ["postgres:postgres", dir], ct);
            var init = await AsPostgres(Path.Combine(bin, "initdb"), ["-D", cluster.Data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"], ct);
            if (init.Code != 0) throw new BenchmarkException($"initdb failed:\n{init.Output}");
            // fsync, synchronous_commit and full_page_writes stay at their (durable) defaults.
            var options = $"-c listen_addresses=127.0.0.1 -p {cluster.Port} -k {dir}";
            var start = await AsPostgres(Path.Combine(bin, "pg_ctl"), ["-D", cluster.Data, "-l", Path.Combine(dir, "server.log"), "-o", options, "-w", "-t", "60", "start"], ct);
            cluster._started = start.Code == 0 || File.Exists(Path.Combine(cluster.Data, "postmaster.pid"));
            if (start.Code != 0)
            {
                var log = File.Exists(Path.Combine(dir, "server.log")) ? File.ReadAllText(Path.Combine(dir, "server.log")) : "";
                throw new BenchmarkException($"PostgreSQL did not start:\n{start.Output}\n{log}");
            }
            await using var conn = new NpgsqlConnection(cluster.ConnectionString);
            await conn.OpenAsync(ct);
            await using var cmd = new NpgsqlCommand("SELECT current_setting('server_version') || ', fsync=' || current_setting('fsync') || ', synchronous_commit=' || current_setting('synchronous_commit') || ', shared_buffers=' || current_setting('shared_buffers')", conn);
            cluster.Description = $"private PostgreSQL {await cmd.ExecuteScalarAsync(ct)} (default settings)";
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    private string Data => Path.Combine(_dir, "data");

    /// <summary>CPU seconds used so far by the cluster: the postmaster and all its backends (living or exited).</summary>
    public double CpuSeconds()
    {
        try
        {
            var pidLine = File.ReadLines(Path.Combine(Data, "postmaster.pid")).First();
            return ProcStats.ProcessTreeCpuSeconds(int.Parse(pidLine, System.Globalization.CultureInfo.InvariantCulture));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or InvalidOperationException) { return 0; }
    }

    public async ValueTask DisposeAsync()
    {
        if (_started)
        {
            _started = false;
            await AsPostgres(Path.Combine(_bin, "pg_ctl"), ["-D", Data, "-m", "fast", "-w", "-t", "60", "stop"], CancellationToken.None);
        }
        try { Directory.Delete(_dir, recursive: true); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"warning: could not remove {_dir}: {ex.Message}");
        }
    }

    private static bool IsRoot { get; } = File.ReadLines("/proc/self/status")
        .FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal))?.Split('\t', StringSplitOptions.RemoveEmptyEntries) is [_, "0", ..];

    /// <summary>PostgreSQL refuses to run as root, so as root its tools run as the "postgres" user.</summary>
    private static Task<(int Code, string Output)> AsPostgres(string tool, IEnumerable<string> args, CancellationToken ct) =>
        IsRoot ? Exec("runuser", ["-u", "postgres", "--", tool, .. args], ct, workingDirectory: "/") : Exec(tool, args, ct);

    internal static async Task<(int Code, string Output)> Exec(string file, IEnumerable<string> args, CancellationToken ct, string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new BenchmarkException($"could not start {file}");
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        return (p.ExitCode, (await stdout) + (await stderr));
    }

    /// <summary>A loopback port nobody listens on right now.</summary>
    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}
