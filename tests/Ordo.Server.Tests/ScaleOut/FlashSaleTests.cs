using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Ordo.Server.Tests.Infrastructure;
using Shouldly;

namespace Ordo.Server.Tests.ScaleOut;

/// <summary>
/// A flash sale as deployed, at CI size: two Ordo server processes on one PostgreSQL database take 600 concurrent
/// one-unit orders for a SKU with 40 units. Exactly 40 are reserved, the rest are held for the shortage, stock never
/// goes below zero and the ledger equals the balances. (The full-size run, 10,000 orders on three instances, is the
/// flash-sale benchmark in bench/.)
/// </summary>
public sealed class FlashSaleTests
{
    private const int Units = 40;
    private const int Orders = 600;

    [Fact]
    public async Task Two_processes_reserve_exactly_the_stock_of_a_hot_sku()
    {
        TestDatabase.RequirePostgres();
        await using var database = await TestDatabase.CreateAsync(Db.Postgres);
        var environment = ServerProcess.PostgresEnvironment(database);
        await using var a = await ServerProcess.StartAsync(environment);
        await using var b = await ServerProcess.StartAsync(environment);
        using var clientA = a.AdminClient();
        using var clientB = b.AdminClient();
        const string sku = "FLASH-1";
        (await clientA.PostAsJsonAsync("/api/v1/shops", new { platform = "douyin", code = TestOrders.Shop, name = "flagship" })).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await clientA.PostAsJsonAsync("/api/v1/skus", new { code = sku, name = "限量款" })).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await clientA.PatchAsJsonAsync($"/api/v1/skus/{sku}/stock-settings", new { safetyBuffer = new { units = 0 } })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await clientA.PostAsJsonAsync("/api/v1/warehouses", new { code = "WH-1", name = "华东仓" })).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await clientA.PostAsJsonAsync("/api/v1/warehouses", new { code = "WH-2", name = "华南仓" })).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await clientB.PostAsJsonAsync("/api/v1/inventory/receipts", new { sku, warehouse = "WH-1", quantity = Units / 2 })).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await clientB.PostAsJsonAsync("/api/v1/inventory/receipts", new { sku, warehouse = "WH-2", quantity = Units / 2 })).StatusCode.ShouldBe(HttpStatusCode.Created);
        // Instance B learns of the first warehouse within its 5-second look-up; wait it out so both queue stock jobs.
        await Task.Delay(TimeSpan.FromSeconds(5.5));

        var numbers = (await Task.WhenAll(Enumerable.Range(0, 32).Select(worker => Task.Run(async () =>
        {
            var client = worker % 2 == 0 ? clientA : clientB;
            var mine = new List<string>();
            for (var i = 0; i < Orders / 32 + (worker < Orders % 32 ? 1 : 0); i++)
            {
                var order = TestOrders.Example();
                order["lines"]![0]!["sku"] = sku;
                var response = await client.PostAsync("/api/v1/orders", new StringContent(order.ToJsonString(), Encoding.UTF8, "application/json"));
                response.StatusCode.ShouldBe(HttpStatusCode.Created);
                mine.Add((await response.ReadObjectAsync())["orderNo"]!.GetValue<string>());
            }
            return mine;
        })))).SelectMany(n => n).ToList();
        numbers.Count.ShouldBe(Orders);

        await using var db = await database.OpenMigratedAsync();
        var deadline = DateTime.UtcNow.AddSeconds(120);
        long decided;
        while ((decided = await db.ReadAsync(s => s.ScalarAsync<long>(
                   "SELECT (SELECT COUNT(DISTINCT order_id) FROM reservations) + (SELECT COUNT(*) FROM orders WHERE status = 'OnHold')"))) < Orders)
        {
            if (DateTime.UtcNow > deadline) throw new ShouldAssertException($"only {decided} of {Orders} orders decided after 120 s");
            await Task.Delay(200);
        }

        (await db.ReadAsync(s => s.ScalarAsync<long>("SELECT COALESCE(SUM(quantity), 0) FROM reservations WHERE status = 'active' OR status = 'confirmed'"))).ShouldBe(Units);
        (await db.ReadAsync(s => s.ScalarAsync<long>("SELECT COUNT(*) FROM orders WHERE status = 'OnHold'"))).ShouldBe(Orders - Units);
        (await db.ReadAsync(s => s.ScalarAsync<long>("SELECT COUNT(*) FROM stock_balances WHERE on_hand < 0 OR reserved > on_hand"))).ShouldBe(0);
        (await db.ReadAsync(s => s.ScalarAsync<long>("SELECT SUM(reserved) FROM stock_balances WHERE sku = 'FLASH-1'"))).ShouldBe(Units);
        (await clientA.GetFromJsonAsync<JsonObject>("/api/v1/inventory/ledger/check"))!["balanced"]!.GetValue<bool>().ShouldBeTrue();
        (await clientB.GetFromJsonAsync<JsonObject>($"/api/v1/inventory/{sku}"))!["atp"]!.GetValue<int>().ShouldBe(0);
    }
}
