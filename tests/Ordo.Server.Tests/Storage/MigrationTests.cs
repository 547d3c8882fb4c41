using System.Text.Json.Nodes;
using Ordo.Core.Orders;
using Ordo.Data;
using Ordo.Data.Orders;
using Ordo.Server.Tests.Infrastructure;
using Shouldly;

namespace Ordo.Server.Tests.Storage;

/// <summary>A database left by an earlier Ordo is upgraded at start with its rows intact.</summary>
public abstract class MigrationTests(Db kind) : IAsyncLifetime
{
    private TestDatabase _database = null!;

    public async ValueTask InitializeAsync()
    {
        if (kind == Db.Postgres) TestDatabase.RequirePostgres();
        _database = await TestDatabase.CreateAsync(kind);
    }

    public async ValueTask DisposeAsync() => await _database.DisposeAsync();

    private OrdoDatabase Open() =>
        OrdoDatabase.Create(kind == Db.Postgres ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite, _database.ConnectionString);

    [Fact]
    public async Task Order_events_keep_their_rows_and_ids_when_their_foreign_key_is_dropped()
    {
        var now = new DateTimeOffset(2026, 11, 11, 2, 0, 0, TimeSpan.Zero);
        string orderNo;
        List<StoredOrderEvent> before;
        await using (var old = Open())
        {
            (await Migrator.MigrateAsync(old, TimeProvider.System, upTo: "0004_push_feeds")).ShouldContain("0004_push_feeds");
            var data = CanonicalOrderParser.Parse(TestOrders.Example().ToJsonString()).Value!;
            var order = Order.Create(OrderNo.Create("DY", new DateOnly(2026, 11, 11), 7), data, [], new Actor(ActorKind.System, "test"), now,
                new JsonObject { ["inboxId"] = 1 });
            order.Apply(new OrderActionRequest(OrderAction.Hold, "checking the address"), new Actor(ActorKind.User, "ops@example.com"), now.AddMinutes(1))
                .Succeeded.ShouldBeTrue();
            await old.WriteAsync(async s => (await OrderStore.TryInsertManyAsync(s, [order])).ShouldBeEmpty());
            orderNo = order.State.OrderNo;
            before = await old.ReadAsync(s => OrderStore.EventsAsync(s, order.State.Id));
            before.Count.ShouldBe(2);
        }

        await using var upgraded = Open();
        (await Migrator.MigrateAsync(upgraded, TimeProvider.System)).ShouldContain("0005_event_rows_without_foreign_key");
        var stored = (await upgraded.ReadAsync(s => OrderStore.FindByNoAsync(s, orderNo)))!;
        var after = await upgraded.ReadAsync(s => OrderStore.EventsAsync(s, stored.State.Id));
        after.Select(e => (e.Id, e.OrderId, e.Event.Sequence, e.Event.Type, e.Event.To, e.Event.Actor, e.Event.Reason, e.Event.OccurredAt))
            .ShouldBe(before.Select(e => (e.Id, e.OrderId, e.Event.Sequence, e.Event.Type, e.Event.To, e.Event.Actor, e.Event.Reason, e.Event.OccurredAt)));

        // New events of the order continue its sequence, with ids after the old ones.
        stored.Apply(new OrderActionRequest(OrderAction.Release, "address confirmed"), new Actor(ActorKind.User, "ops@example.com"), now.AddMinutes(2))
            .Succeeded.ShouldBeTrue();
        await upgraded.WriteAsync(s => OrderStore.UpdateAsync(s, stored));
        var latest = await upgraded.ReadAsync(s => OrderStore.EventsAsync(s, stored.State.Id));
        latest.Count.ShouldBe(3);
        latest[2].Id.ShouldBeGreaterThan(before.Max(e => e.Id));
    }
}

public sealed class MigrationTestsOnSqlite() : MigrationTests(Db.Sqlite);
public sealed class MigrationTestsOnPostgres() : MigrationTests(Db.Postgres);
