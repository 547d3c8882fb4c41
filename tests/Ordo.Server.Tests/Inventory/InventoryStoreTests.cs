using Ordo.Core.Inventory;
using Ordo.Core.Orders;
using Ordo.Data;
using Ordo.Data.Catalogue;
using Ordo.Data.Inventory;
using Ordo.Server.Tests.Infrastructure;
using Shouldly;

namespace Ordo.Server.Tests.Inventory;

/// <summary>The stock ledger and reservations on a real database: all or nothing, never below zero, never promised twice.</summary>
public abstract class InventoryStoreTests(Db kind) : DatabaseTestBase(kind)
{
    private static readonly DateTimeOffset Now = new(2026, 11, 11, 0, 0, 0, TimeSpan.Zero);
    private static readonly Actor Clerk = new(ActorKind.User, "clerk@example.com");

    private async Task SetUpAsync(params (string Sku, string Warehouse, int OnHand)[] stock)
    {
        await Database.WriteAsync(async s =>
        {
            foreach (var w in stock.Select(x => x.Warehouse).Distinct())
                await InventoryStore.TryCreateWarehouseAsync(s, new Warehouse(w, w, [], WarehouseKind.Own, false, 10), Now);
            foreach (var sku in stock.Select(x => x.Sku).Distinct())
            {
                await CatalogueStore.TryCreateSkuAsync(s, sku, sku, Now);
                // No buffer: these tests count units exactly.
                await InventoryStore.UpdateSkuAsync(s, sku, new SkuStockChanges(Buffer: SafetyBuffer.None), Now);
            }
            var booking = await InventoryStore.BookAsync(s, stock.Select(x =>
                new StockChange(x.Sku, x.Warehouse, MovementKind.Receipt, StockLedger.DeltaOf(MovementKind.Receipt, x.OnHand), "opening stock", "GRN-1")).ToList(), Clerk, Now);
            booking.Booked.ShouldBeTrue();
        });
    }

    private static OrderStockRequest Request(long orderId, string sku, int quantity, OrderStatus status = OrderStatus.Paid) =>
        new(orderId, Platform.Douyin, status, new ReservationRequest($"DY{orderId:D10}", null, [new RequestedLine(1, sku, quantity)]));

    [Fact]
    public async Task A_booking_that_a_balance_cannot_take_writes_nothing()
    {
        await SetUpAsync(("SKU-A", "WH-1", 5), ("SKU-B", "WH-1", 1));

        var booking = await Database.WriteAsync(s => InventoryStore.BookAsync(s,
        [
            new StockChange("SKU-A", "WH-1", MovementKind.Adjustment, StockLedger.DeltaOf(MovementKind.Adjustment, -2), "damaged", null),
            new StockChange("SKU-B", "WH-1", MovementKind.Adjustment, StockLedger.DeltaOf(MovementKind.Adjustment, -2), "damaged", null),
        ], Clerk, Now));

        booking.Booked.ShouldBeFalse();
        booking.Refusal!.ShouldContain("SKU-B");
        var a = await Database.ReadAsync(s => InventoryStore.BalancesOfSkuAsync(s, "SKU-A"));
        a.Single().OnHand.ShouldBe(5);
        (await Database.ReadAsync(s => InventoryStore.LedgerAsync(s, "SKU-A", null, null, 10))).Count.ShouldBe(1);
        (await Database.ReadAsync(InventoryStore.CheckLedgerAsync)).ShouldBeEmpty();
    }

    [Fact]
    public async Task The_ledger_cannot_be_edited()
    {
        await SetUpAsync(("SKU-A", "WH-1", 5));

        await Should.ThrowAsync<Exception>(() => Database.WriteAsync(s => s.ExecuteAsync("UPDATE stock_movements SET on_hand_delta = 500")));
        await Should.ThrowAsync<Exception>(() => Database.WriteAsync(s => s.ExecuteAsync("DELETE FROM stock_movements")));
        (await Database.ReadAsync(s => InventoryStore.LedgerAsync(s, "SKU-A", null, null, 10))).Single().Delta.OnHand.ShouldBe(5);
    }

    [Fact]
    public async Task Concurrent_orders_for_a_hot_sku_reserve_exactly_the_stock()
    {
        const int stock = 20, orders = 120;
        await SetUpAsync(("HOT", "WH-1", stock));

        var decisions = await Task.WhenAll(Enumerable.Range(1, orders).Select(i => Task.Run(() =>
            Database.WriteAsync(s => InventoryStore.ReserveAsync(s, [Request(i, "HOT", 1)], ReservationPolicy.Default, Clerk, Now)))));

        decisions.Count(d => d.Single().IsReserved).ShouldBe(stock);
        decisions.Count(d => !d.Single().IsReserved).ShouldBe(orders - stock);
        var balance = (await Database.ReadAsync(s => InventoryStore.BalancesOfSkuAsync(s, "HOT"))).Single();
        balance.OnHand.ShouldBe(stock);
        balance.Reserved.ShouldBe(stock);
        balance.Atp.ShouldBe(0);
        (await Database.ReadAsync(s => s.ScalarAsync<long>("SELECT COUNT(*) FROM reservations WHERE sku = 'HOT'"))).ShouldBe(stock);
        (await Database.ReadAsync(InventoryStore.CheckLedgerAsync)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Concurrent_orders_over_two_skus_in_opposite_order_neither_deadlock_nor_oversell()
    {
        await SetUpAsync(("SKU-X", "WH-1", 10), ("SKU-Y", "WH-1", 10));
        ReservationRequest Both(int i, bool xFirst) => new($"PD{i:D10}", null, xFirst
            ? [new RequestedLine(1, "SKU-X", 1), new RequestedLine(2, "SKU-Y", 1)]
            : [new RequestedLine(1, "SKU-Y", 1), new RequestedLine(2, "SKU-X", 1)]);

        var decisions = await Task.WhenAll(Enumerable.Range(1, 40).Select(i => Task.Run(() =>
            Database.WriteAsync(s => InventoryStore.ReserveAsync(s, [new OrderStockRequest(i, Platform.Pinduoduo, OrderStatus.Paid, Both(i, i % 2 == 0))],
                ReservationPolicy.Default, Clerk, Now)))));

        decisions.Count(d => d.Single().IsReserved).ShouldBe(10);
        foreach (var sku in new[] { "SKU-X", "SKU-Y" })
            (await Database.ReadAsync(s => InventoryStore.BalancesOfSkuAsync(s, sku))).Single().Reserved.ShouldBe(10);
        (await Database.ReadAsync(InventoryStore.CheckLedgerAsync)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Release_ship_and_restock_move_the_right_numbers_once()
    {
        await SetUpAsync(("SKU-A", "WH-1", 10));
        var decided = await Database.WriteAsync(s => InventoryStore.ReserveAsync(s, [Request(1, "SKU-A", 3, OrderStatus.PendingPayment), Request(2, "SKU-A", 4)], ReservationPolicy.Default, Clerk, Now));
        decided.ShouldAllBe(d => d.IsReserved);
        var reservations = await Database.ReadAsync(s => InventoryStore.ReservationsOfOrderAsync(s, 1));
        reservations.Single().ExpiresAt.ShouldBe(Now.AddMinutes(30));
        (await Database.ReadAsync(s => InventoryStore.ExpiredOrdersAsync(s, Now.AddMinutes(31), 10))).ShouldBe([(1L, "DY0000000001")]);

        await Database.WriteAsync(s => InventoryStore.ApplyEffectAsync(s, 1, "DY0000000001", StockEffect.Release, "cancelled", Clerk, Now));
        await Database.WriteAsync(s => InventoryStore.ApplyEffectAsync(s, 1, "DY0000000001", StockEffect.Release, "cancelled again", Clerk, Now));
        await Database.WriteAsync(s => InventoryStore.ApplyEffectAsync(s, 2, "DY0000000002", StockEffect.Ship, "shipped", Clerk, Now));
        var afterShip = (await Database.ReadAsync(s => InventoryStore.BalancesOfSkuAsync(s, "SKU-A"))).Single();
        (afterShip.OnHand, afterShip.Reserved).ShouldBe((6, 0));

        await Database.WriteAsync(s => InventoryStore.ApplyEffectAsync(s, 2, "DY0000000002", StockEffect.Restock, "refunded", Clerk, Now));
        var afterReturn = (await Database.ReadAsync(s => InventoryStore.BalancesOfSkuAsync(s, "SKU-A"))).Single();
        (afterReturn.OnHand, afterReturn.Reserved).ShouldBe((10, 0));
        (await Database.ReadAsync(s => InventoryStore.ExpiredOrdersAsync(s, Now.AddHours(1), 10))).ShouldBeEmpty();
        var kinds = (await Database.ReadAsync(s => InventoryStore.LedgerAsync(s, "SKU-A", null, null, 20))).Select(m => m.Kind).Reverse().ToList();
        kinds.ShouldBe([MovementKind.Receipt, MovementKind.Reservation, MovementKind.Reservation, MovementKind.Release, MovementKind.Shipment, MovementKind.Return]);
        (await Database.ReadAsync(InventoryStore.CheckLedgerAsync)).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_bundle_reserves_its_components()
    {
        await SetUpAsync(("CUP", "WH-1", 10), ("LID", "WH-1", 3));
        await Database.WriteAsync(async s =>
        {
            await CatalogueStore.TryCreateSkuAsync(s, "CUP-SET", "cup set", Now);
            await InventoryStore.SetBundleAsync(s, "CUP-SET", [new BundleComponent("CUP", 2), new BundleComponent("LID", 1)]);
        });

        var decided = await Database.WriteAsync(s => InventoryStore.ReserveAsync(s, [Request(1, "CUP-SET", 2), Request(2, "CUP-SET", 2)], ReservationPolicy.Default, Clerk, Now));

        decided[0].IsReserved.ShouldBeTrue();
        decided[0].Reserved.Select(r => (r.Sku, r.Quantity, r.BundleSku)).ShouldBe([("CUP", 4, "CUP-SET"), ("LID", 2, "CUP-SET")]);
        decided[1].IsReserved.ShouldBeFalse();
        decided[1].Shortages.Single().Sku.ShouldBe("LID");
        (await Database.ReadAsync(s => InventoryStore.BalancesOfSkuAsync(s, "CUP"))).Single().Reserved.ShouldBe(4);
    }
}

public sealed class InventoryStoreTestsOnSqlite() : InventoryStoreTests(Db.Sqlite);
public sealed class InventoryStoreTestsOnPostgres() : InventoryStoreTests(Db.Postgres);
