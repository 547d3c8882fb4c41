using Npgsql;
using Ordo.Data;

namespace Ordo.Server.Tests.Infrastructure;

public enum Db { Sqlite, Postgres }

/// <summary>
/// A fresh, empty database for one test host: a temporary SQLite file, or a new PostgreSQL database on the server
/// named by <c>ORDO_TEST_PG</c> (test.sh starts one). Without that variable PostgreSQL tests are skipped, unless
/// <c>ORDO_TEST_REQUIRE_PG=1</c> (CI), where they fail.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string? _sqliteDir;
    private readonly string? _pgName;

    private TestDatabase(Db kind, string provider, string connectionString, string? sqliteDir, string? pgName)
    {
        Kind = kind;
        Provider = provider;
        ConnectionString = connectionString;
        _sqliteDir = sqliteDir;
        _pgName = pgName;
    }

    public Db Kind { get; }
    public string Provider { get; }
    public string ConnectionString { get; }

    public static string? PostgresServer => Environment.GetEnvironmentVariable("ORDO_TEST_PG");

    public static void RequirePostgres()
    {
        if (!string.IsNullOrEmpty(PostgresServer)) return;
        if (Environment.GetEnvironmentVariable("ORDO_TEST_REQUIRE_PG") == "1")
            throw new InvalidOperationException("ORDO_TEST_REQUIRE_PG=1 but ORDO_TEST_PG is not set: PostgreSQL tests cannot run.");
        Assert.Skip("PostgreSQL not configured (ORDO_TEST_PG); run ./test.sh to start one.");
    }

    public static async Task<TestDatabase> CreateAsync(Db kind)
    {
        if (kind == Db.Sqlite)
        {
            var dir = Path.Combine(Path.GetTempPath(), "ordo-test-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(dir);
            return new TestDatabase(kind, "sqlite", $"Data Source={Path.Combine(dir, "ordo.db")}", dir, null);
        }
        RequirePostgres();
        var name = "ordo_test_" + Guid.NewGuid().ToString("N")[..16];
        await using (var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(PostgresServer) { Database = "postgres", Pooling = false }.ConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync();
        }
        var cs = new NpgsqlConnectionStringBuilder(PostgresServer) { Database = name }.ConnectionString;
        return new TestDatabase(kind, "postgres", cs, null, name);
    }

    /// <summary>An <see cref="OrdoDatabase"/> on this database, migrated, for tests below the HTTP layer.</summary>
    public async Task<OrdoDatabase> OpenMigratedAsync()
    {
        var db = OrdoDatabase.Create(Kind == Db.Postgres ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite, ConnectionString);
        await Migrator.MigrateAsync(db, TimeProvider.System);
        return db;
    }

    public async ValueTask DisposeAsync()
    {
        if (_sqliteDir is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(_sqliteDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
        if (_pgName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(PostgresServer) { Database = "postgres", Pooling = false }.ConnectionString);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_pgName} WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
