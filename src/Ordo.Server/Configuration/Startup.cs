using Microsoft.Extensions.Options;
using Ordo.Data;
using Ordo.Data.Security;
using Ordo.Server.Demo;
using Ordo.Server.Security;

namespace Ordo.Server.Configuration;

public static class DatabaseSetup
{
    /// <summary>The database from configuration: <c>Ordo:Database:Provider</c> and <c>ConnectionStrings:Ordo</c>, defaulting to SQLite at <c>./data/ordo.db</c>.</summary>
    public static OrdoDatabase Create(IConfiguration configuration, OrdoOptions options)
    {
        var provider = options.Database.Provider.ToLowerInvariant() switch
        {
            "sqlite" => DatabaseProvider.Sqlite,
            "postgres" or "postgresql" or "npgsql" => DatabaseProvider.Postgres,
            var other => throw new InvalidOperationException($"Ordo:Database:Provider '{other}' is not supported; use sqlite or postgres."),
        };
        var connectionString = configuration.GetConnectionString("Ordo");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            if (provider == DatabaseProvider.Postgres)
                throw new InvalidOperationException("Ordo:Database:Provider is postgres but ConnectionStrings:Ordo is not set.");
            connectionString = $"Data Source={Path.Combine(options.DataDirectory, "ordo.db")}";
        }
        var database = OrdoDatabase.Create(provider, connectionString, options.Webhooks.MaxAttempts);
        database.StockPushDelay = TimeSpan.FromSeconds(options.Channels.StockPushDelaySeconds);
        database.StockPushMaxAttempts = options.Channels.StockPushMaxAttempts;
        return database;
    }
}

/// <summary>
/// What runs once before Ordo serves requests: schema migrations, the first admin API key, and demo data on a fresh
/// embedded database. Safe when several instances start together (PostgreSQL advisory locks).
/// </summary>
public sealed partial class StartupTasks(
    OrdoDatabase database, IOptions<OrdoOptions> options, TimeProvider clock, DemoData demo, ILogger<StartupTasks> log)
{
    private const long BootstrapLockKey = 0x4F52444F_424F4F54; // "ORDOBOOT"

    public async Task RunAsync(CancellationToken ct)
    {
        var applied = await Migrator.MigrateAsync(database, clock, ct);
        if (applied.Count > 0) LogMigrated(database.Provider.ToString(), string.Join(", ", applied));
        await BootstrapApiKeyAsync(ct);
        await SchedulePullsAsync(ct);

        if (options.Value.SeedsDemoData(database.Provider)) await demo.SeedIfEmptyAsync(ct);
    }

    /// <summary>Where the generated first admin key is saved (for the README's tour and the demo simulation).</summary>
    public static string AdminKeyFile(OrdoOptions options) => Path.GetFullPath(Path.Combine(options.DataDirectory, "admin-api-key.txt"));

    /// <summary>Every shop with an API to call has its pull scheduled (a no-op for shops that already have one pending).</summary>
    private Task SchedulePullsAsync(CancellationToken ct) =>
        database.WriteAsync(async s =>
        {
            // Instances starting together schedule once (PostgreSQL); SQLite has one writer anyway.
            if (s.IsPostgres) await s.ExecuteAsync("SELECT pg_advisory_xact_lock(@k)", ("k", BootstrapLockKey + 1));
            var now = clock.GetUtcNow();
            foreach (var shop in await Ordo.Data.Catalogue.CatalogueStore.ListShopsAsync(s))
                if (shop.ApiBaseUrl is not null) await Ordo.Server.Channels.PullSync.ScheduleAsync(s, shop.Code, now, now);
        }, ct);

    private async Task BootstrapApiKeyAsync(CancellationToken ct)
    {
        var configured = options.Value.Bootstrap.ApiKey;
        var generated = string.IsNullOrWhiteSpace(configured) ? ApiKeyFormat.NewKey() : null;
        var key = configured?.Trim() ?? generated!;
        var created = await database.WriteAsync(async s =>
        {
            if (s.IsPostgres) await s.ExecuteAsync("SELECT pg_advisory_xact_lock(@k)", ("k", BootstrapLockKey));
            if (await ApiKeyStore.AnyAsync(s)) return false;
            await ApiKeyStore.AddAsync(s, "bootstrap-admin", ApiKeyFormat.Prefix(key), ApiKeyFormat.Hash(key), [Roles.Admin], clock.GetUtcNow());
            return true;
        }, ct);
        if (!created) return;
        if (generated is null)
        {
            LogBootstrapConfigured();
            return;
        }
        // Shown once: only the hash is stored. Also written next to the embedded database for the README's tour.
        var file = AdminKeyFile(options.Value);
        Security.OwnerOnlyFile.Write(file, generated + Environment.NewLine);
        LogBootstrapGenerated(generated, file);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Database ({Provider}) migrated: {Migrations}")]
    private partial void LogMigrated(string provider, string migrations);

    [LoggerMessage(Level = LogLevel.Information, Message = "First start: the API key from Ordo:Bootstrap:ApiKey is now an admin key")]
    private partial void LogBootstrapConfigured();

    [LoggerMessage(Level = LogLevel.Warning, Message = "First start: admin API key (shown once) {ApiKey} - also saved to {File}. Send it as the X-Api-Key header; create other keys with POST /api/v1/api-keys")]
    private partial void LogBootstrapGenerated(string apiKey, string file);
}
