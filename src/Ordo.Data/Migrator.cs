using System.Reflection;

namespace Ordo.Data;

/// <summary>
/// Applies the versioned SQL scripts embedded under <c>Migrations/{sqlite|postgres}/NNNN_name.sql</c> in order, each in
/// its own transaction, recording them in <c>schema_migrations</c>. EF Core's design-time tools are not available to
/// this project, and plain SQL keeps each provider's schema explicit (partial indexes, identity columns).
/// On PostgreSQL a transaction-scoped advisory lock makes instances that start together migrate one at a time.
/// </summary>
public static class Migrator
{
    private const long AdvisoryLockKey = 0x4F52444F_4D494752; // "ORDOMIGR"

    /// <summary>The migration that creates the inventory tables.</summary>
    public const string InventorySchema = "0007_inventory";

    /// <summary>The migration that creates the channel stock tables.</summary>
    public const string ChannelStockSchema = "0009_channel_stock";

    /// <summary>The migration that adds the personal-data columns (key id per row, the phone's blind index).</summary>
    public const string PersonalDataSchema = "0012_personal_data";

    /// <summary>
    /// Applies the scripts not yet applied; with <paramref name="upTo"/>, only those up to that version (e.g.
    /// <c>0004_push_feeds</c>), which makes a database as an earlier Ordo left it, to test upgrades.
    /// </summary>
    public static async Task<IReadOnlyList<string>> MigrateAsync(OrdoDatabase database, TimeProvider clock, CancellationToken ct = default, string? upTo = null)
    {
        var folder = database.Provider == DatabaseProvider.Postgres ? "postgres" : "sqlite";
        var assembly = typeof(Migrator).Assembly;
        var scripts = assembly.GetManifestResourceNames()
            .Where(n => n.Contains($".Migrations.{folder}.", StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n => (Resource: n, Name: n[(n.IndexOf($".{folder}.", StringComparison.Ordinal) + folder.Length + 2)..^4]))
            .OrderBy(s => s.Name, StringComparer.Ordinal)
            .Where(s => upTo is null || string.CompareOrdinal(s.Name, upTo) <= 0)
            .ToList();
        if (upTo is not null && scripts.All(s => s.Name != upTo)) throw new ArgumentException($"no migration is named '{upTo}'", nameof(upTo));

        var applied = new List<string>();
        await database.WriteAsync(async s =>
        {
            if (s.IsPostgres) await s.ExecuteAsync("SELECT pg_advisory_xact_lock(@k)", ("k", AdvisoryLockKey));
            await s.ExecuteAsync(s.IsPostgres
                ? "CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)"
                : "CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at TEXT NOT NULL)");
            var done = (await s.QueryAsync("SELECT version FROM schema_migrations", r => r.String("version"))).ToHashSet();
            foreach (var (resource, name) in scripts)
            {
                if (done.Contains(name)) continue;
                await s.ExecuteAsync(Read(assembly, resource));
                await s.ExecuteAsync("INSERT INTO schema_migrations (version, applied_at) VALUES (@v, @at)", ("v", name), ("at", clock.GetUtcNow()));
                applied.Add(name);
            }
        }, ct);
        // A database migrated only part of the way (an upgrade test) has no inventory tables yet.
        if (upTo is not null && string.CompareOrdinal(upTo, InventorySchema) < 0) database.InventoryUnavailable();
        if (upTo is not null && string.CompareOrdinal(upTo, ChannelStockSchema) < 0) database.ChannelStockMissing();
        if (upTo is not null && string.CompareOrdinal(upTo, PersonalDataSchema) < 0) database.PersonalDataColumnsMissing();
        return applied;
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
