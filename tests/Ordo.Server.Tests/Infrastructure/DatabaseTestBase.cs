using Ordo.Data;

namespace Ordo.Server.Tests.Infrastructure;

/// <summary>Tests below the HTTP layer: a fresh, migrated database of the given kind per test.</summary>
public abstract class DatabaseTestBase(Db kind) : IAsyncLifetime
{
    private TestDatabase? _database;

    protected OrdoDatabase Database { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        if (kind == Db.Postgres) TestDatabase.RequirePostgres();
        _database = await TestDatabase.CreateAsync(kind);
        Database = await _database.OpenMigratedAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_database is null) return;
        await Database.DisposeAsync();
        await _database.DisposeAsync();
    }
}
