using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Ordo.Server.Tests.Infrastructure;
using Shouldly;

namespace Ordo.Server.Tests.Inventory;

/// <summary>
/// Orders and stock end to end: an incoming order reserves its lines, a shortage holds it with the reason, payment
/// confirms, cancellation releases, shipment takes the units off on hand, a refund after shipment restocks, and an
/// unpaid order's reservation expires (on a clock the test moves) and the order is cancelled.
/// </summary>
public abstract class OrderStockTests(OrderStockTests.StockHost host) : CatalogueTestBase(host)
{
    /// <summary>A host whose clock the test can move forward (real time plus an offset, so jobs still run).</summary>
    public abstract class StockHost(Db kind) : OrdoHost(kind)
    {
        public MovableClock Clock { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder) =>
            builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }

    public sealed class MovableClock : TimeProvider
    {
        private long _offsetTicks;
        public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));
    }

    private StockHost StockServer => (StockHost)Host;

    private async Task<string> StockedSkuAsync(int units)
    {
        var sku = "SKU-" + Guid.NewGuid().ToString("N")[..8];
        await Host.EnsureSkuAsync(sku);
        (await Host.Client.PatchAsJsonAsync($"/api/v1/skus/{sku}/stock-settings", new { safetyBuffer = new { units = 0 } })).StatusCode.ShouldBe(HttpStatusCode.OK);
        var warehouse = "WH-" + Guid.NewGuid().ToString("N")[..8];
        (await Host.Client.PostAsJsonAsync("/api/v1/warehouses", new { code = warehouse, name = "华东仓", regions = new[] { "福建" } })).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await Host.Client.PostAsJsonAsync("/api/v1/inventory/receipts", new { sku, warehouse, quantity = units })).StatusCode.ShouldBe(HttpStatusCode.Created);
        return sku;
    }

    private async Task<string> OrderAsync(string sku, int quantity = 1, string status = "Paid")
    {
        var response = await Host.PostOrderAsync(TestOrders.Of(sku, quantity, status));
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.ReadObjectAsync())["orderNo"]!.GetValue<string>();
    }

    /// <summary>Waits for the stock job's effect (it runs in the background), up to 20 seconds.</summary>
    private async Task<JsonObject> EventuallyAsync(string url, Func<JsonObject, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var json = await Host.GetJsonAsync(url);
            if (done(json)) return json;
            if (DateTime.UtcNow > deadline) throw new ShouldAssertException($"still not as expected after 20 s: {json.ToJsonString()}");
            await Task.Delay(50);
        }
    }

    private static string[] Statuses(JsonObject order) =>
        order["reservations"]?.AsArray().Select(r => r!["status"]!.GetValue<string>()).ToArray() ?? [];

    private async Task<int> AtpAsync(string sku) => (await Host.GetJsonAsync($"/api/v1/inventory/{sku}"))["atp"]!.GetValue<int>();

    [Fact]
    public async Task Orders_reserve_until_the_stock_runs_out_then_are_held_for_the_shortage()
    {
        var sku = await StockedSkuAsync(2);

        var first = await OrderAsync(sku);
        var second = await OrderAsync(sku);
        var third = await OrderAsync(sku);

        var reserved = await EventuallyAsync($"/api/v1/orders/{first}", o => Statuses(o).Length == 1);
        reserved["reservations"]![0]!["sku"]!.GetValue<string>().ShouldBe(sku);
        reserved["reservations"]![0]!["status"]!.GetValue<string>().ShouldBe("active");
        await EventuallyAsync($"/api/v1/orders/{second}", o => Statuses(o).Length == 1);
        var held = await EventuallyAsync($"/api/v1/orders/{third}", o => o["status"]!.GetValue<string>() == "OnHold");
        held["holdReasons"]!.AsArray().Single()!["code"]!.GetValue<string>().ShouldBe("stock-shortage");
        held["holdReasons"]!.AsArray().Single()!["message"]!.GetValue<string>().ShouldContain(sku);
        Statuses(held).ShouldBeEmpty();
        (await AtpAsync(sku)).ShouldBe(0);
        (await Host.GetJsonAsync("/api/v1/inventory/ledger/check"))["balanced"]!.GetValue<bool>().ShouldBeTrue();
    }

    [Fact]
    public async Task An_arriving_order_is_decided_in_the_transaction_that_stores_it_and_its_answer_says_so()
    {
        var sku = await StockedSkuAsync(1);

        var first = await OrderAsync(sku);
        // No waiting: the reservation was written with the order.
        var reserved = await Host.GetJsonAsync($"/api/v1/orders/{first}");
        Statuses(reserved).ShouldBe(["active"]);

        var order = TestOrders.Example();
        order["lines"]![0]!["sku"] = sku;
        var response = await Host.PostOrderAsync(order);
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var answer = await response.ReadObjectAsync();
        answer["status"]!.GetValue<string>().ShouldBe("OnHold");
        answer["holdReasons"]!.AsArray().Single()!["code"]!.GetValue<string>().ShouldBe("stock-shortage");
        var held = await Host.GetJsonAsync($"/api/v1/orders/{answer["orderNo"]!.GetValue<string>()}");
        held["status"]!.GetValue<string>().ShouldBe("OnHold");
        Statuses(held).ShouldBeEmpty();
        (await AtpAsync(sku)).ShouldBe(0);
    }

    [Fact]
    public async Task Two_hundred_concurrent_orders_for_25_units_reserve_exactly_25()
    {
        var sku = await StockedSkuAsync(25);

        var numbers = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Task.Run(() => OrderAsync(sku))));

        int reserved = 0, held = 0;
        foreach (var orderNo in numbers)
        {
            var order = await EventuallyAsync($"/api/v1/orders/{orderNo}", o => Statuses(o).Length == 1 || o["status"]!.GetValue<string>() == "OnHold");
            if (Statuses(order).Length == 1) reserved++; else held++;
        }
        (reserved, held).ShouldBe((25, 175));
        var stock = await Host.GetJsonAsync($"/api/v1/inventory/{sku}");
        (stock["onHand"]!.GetValue<int>(), stock["reserved"]!.GetValue<int>(), stock["atp"]!.GetValue<int>()).ShouldBe((25, 25, 0));
        (await Host.GetJsonAsync("/api/v1/inventory/ledger/check"))["balanced"]!.GetValue<bool>().ShouldBeTrue();
    }

    [Fact]
    public async Task Cancellation_releases_shipment_deducts_and_a_refund_after_shipment_restocks()
    {
        var sku = await StockedSkuAsync(5);
        var cancelled = await OrderAsync(sku, 2);
        var shippedOrder = await OrderAsync(sku, 3);
        await EventuallyAsync($"/api/v1/orders/{cancelled}", o => Statuses(o).Length == 1);
        await EventuallyAsync($"/api/v1/orders/{shippedOrder}", o => Statuses(o).Length == 1);
        (await AtpAsync(sku)).ShouldBe(0);

        (await Host.ActAsync(cancelled, "cancel", new { reason = "buyer changed their mind" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        await EventuallyAsync($"/api/v1/orders/{cancelled}", o => Statuses(o).SequenceEqual(["released"]));
        (await AtpAsync(sku)).ShouldBe(2);

        foreach (var action in new[] { "accept", "allocate", "pick", "pack" })
            (await Host.ActAsync(shippedOrder, action)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await Host.ActAsync(shippedOrder, "ship", new { carrier = "SF", trackingNo = "SF1234567890" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        await EventuallyAsync($"/api/v1/orders/{shippedOrder}", o => Statuses(o).SequenceEqual(["shipped"]));
        var afterShipment = await Host.GetJsonAsync($"/api/v1/inventory/{sku}");
        (afterShipment["onHand"]!.GetValue<int>(), afterShipment["reserved"]!.GetValue<int>()).ShouldBe((2, 0));

        (await Host.ActAsync(shippedOrder, "request-refund", new { reason = "broken" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await Host.ActAsync(shippedOrder, "refund", new { reason = "broken in transit" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        await EventuallyAsync($"/api/v1/inventory/{sku}", i => i["onHand"]!.GetValue<int>() == 5);
        var kinds = (await Host.GetJsonAsync($"/api/v1/inventory/{sku}/ledger"))["items"]!.AsArray().Select(m => m!["kind"]!.GetValue<string>()).Reverse().ToArray();
        kinds.ShouldBe(["receipt", "reservation", "reservation", "release", "shipment", "return"]);
        (await Host.GetJsonAsync("/api/v1/inventory/ledger/check"))["balanced"]!.GetValue<bool>().ShouldBeTrue();
    }

    [Fact]
    public async Task An_unpaid_order_keeps_its_stock_for_30_minutes_then_is_cancelled_and_released()
    {
        var sku = await StockedSkuAsync(1);
        var unpaid = await OrderAsync(sku, status: "PendingPayment");
        var reserved = await EventuallyAsync($"/api/v1/orders/{unpaid}", o => Statuses(o).Length == 1);
        reserved["reservations"]![0]!["expiresAt"].ShouldNotBeNull();
        (await AtpAsync(sku)).ShouldBe(0);

        StockServer.Clock.Advance(TimeSpan.FromMinutes(29));
        await Task.Delay(1500);
        (await Host.GetJsonAsync($"/api/v1/orders/{unpaid}"))["status"]!.GetValue<string>().ShouldBe("PendingPayment");

        StockServer.Clock.Advance(TimeSpan.FromMinutes(2));
        var expired = await EventuallyAsync($"/api/v1/orders/{unpaid}", o => o["status"]!.GetValue<string>() == "Cancelled");
        Statuses(expired).ShouldBe(["released"]);
        (await AtpAsync(sku)).ShouldBe(1);
    }

    [Fact]
    public async Task Payment_confirms_and_the_reservation_no_longer_expires()
    {
        var sku = await StockedSkuAsync(1);
        var unpaid = await OrderAsync(sku, status: "PendingPayment");
        await EventuallyAsync($"/api/v1/orders/{unpaid}", o => Statuses(o).Length == 1);

        (await Host.ActAsync(unpaid, "pay")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var paid = await EventuallyAsync($"/api/v1/orders/{unpaid}", o => Statuses(o).SequenceEqual(["confirmed"]));
        paid["reservations"]![0]!["expiresAt"].ShouldBeNull();

        StockServer.Clock.Advance(TimeSpan.FromHours(1));
        await Task.Delay(1500);
        (await Host.GetJsonAsync($"/api/v1/orders/{unpaid}"))["status"]!.GetValue<string>().ShouldBe("Paid");
        (await AtpAsync(sku)).ShouldBe(0);
    }
}

public sealed class SqliteStockHost() : OrderStockTests.StockHost(Db.Sqlite);
public sealed class PostgresStockHost() : OrderStockTests.StockHost(Db.Postgres);
public sealed class OrderStockTestsOnSqlite(SqliteStockHost host) : OrderStockTests(host), IClassFixture<SqliteStockHost>;
public sealed class OrderStockTestsOnPostgres(PostgresStockHost host) : OrderStockTests(host), IClassFixture<PostgresStockHost>;
