using System.Security.Cryptography;
using Npgsql;

namespace Ordo.Bench;

/// <summary>
/// Where one benchmarked Ordo server runs: a fresh temp directory, the server's environment (this database, demo data
/// off, jobs on, the benchmark's API key, then any <c>--server-env</c>) and, on PostgreSQL, a database of its own.
/// Disposing drops the database and deletes the directory, unless <see cref="Keep"/> was set for inspection.
/// </summary>
internal sealed class BenchWorkspace : IAsyncDisposable
{
    private readonly string? _database;
    private readonly string? _adminConnection;

    private BenchWorkspace(string workDir, Dictionary<string, string> environment, string? database, string? adminConnection, string? connection, string description)
    {
        WorkDir = workDir;
        Environment = environment;
        _database = database;
        _adminConnection = adminConnection;
        Connection = connection;
        Description = description;
    }

    public string WorkDir { get; }
    public Dictionary<string, string> Environment { get; }
    /// <summary>The server's PostgreSQL connection string, or null on SQLite.</summary>
    public string? Connection { get; }
    public string Description { get; }
    public bool Keep { get; set; }

    public static async Task<BenchWorkspace> CreateAsync(
        string provider, (string Connection, string Description)? postgres, string apiKey, IEnumerable<KeyValuePair<string, string>> serverEnvironment, CancellationToken ct)
    {
        var workDir = Directory.CreateTempSubdirectory("ordo-bench.").FullName;
        var env = new Dictionary<string, string>
        {
            ["Ordo__Database__Provider"] = provider,
            ["Ordo__DataDirectory"] = Path.Combine(workDir, "data"),
            ["Ordo__DemoData"] = "false",
            ["Ordo__Bootstrap__ApiKey"] = apiKey,
            ["Ordo__Jobs__Enabled"] = "true",
        };
        string? database = null, admin = null, connection = null;
        string description;
        if (postgres is { } pg)
        {
            database = $"ordo_bench_{DateTime.UtcNow:yyyyMMdd_HHmmss}_{RandomNumberGenerator.GetHexString(6, lowercase: true)}";
            admin = IntakeBenchmark.WithDatabase(pg.Connection, "postgres");
            await using (var c = new NpgsqlConnection(admin))
            {
                await c.OpenAsync(ct);
                await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", c);
                await create.ExecuteNonQueryAsync(ct);
            }
            connection = IntakeBenchmark.WithDatabase(pg.Connection, database);
            env["ConnectionStrings__Ordo"] = connection;
            description = $"{pg.Description}; database {database}";
        }
        else description = "SQLite, a new file in a fresh temp directory";
        foreach (var (k, v) in serverEnvironment) env[k] = v;
        return new BenchWorkspace(workDir, env, database, admin, connection, description);
    }

    public async ValueTask DisposeAsync()
    {
        if (_database is not null)
        {
            try
            {
                await using var admin = new NpgsqlConnection(_adminConnection);
                await admin.OpenAsync(CancellationToken.None);
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)", admin);
                await drop.ExecuteNonQueryAsync(CancellationToken.None);
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
            {
                Console.Error.WriteLine($"warning: could not drop database {_database}: {ex.Message}");
            }
        }
        if (!Keep)
        {
            try { Directory.Delete(WorkDir, recursive: true); }
            catch (IOException) { }
        }
    }
}
