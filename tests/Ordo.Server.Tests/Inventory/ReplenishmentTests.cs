using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Ordo.Core.Orders;
using Ordo.Server.Tests.Infrastructure;
using Shouldly;

namespace Ordo.Server.Tests.Inventory;

/// <summary>
/// <c>GET /api/v1/inventory/replenishment</c>: the SKUs whose ATP is below factor × average daily sales of the whole
/// China days before today, from the orders received then and not cancelled. The host's clock is moved a day on so
/// that today's orders fall in the window.
/// </summary>
public abstract class ReplenishmentTests(OrderStockTests.StockHost host) : CatalogueTestBase(host)
{
    private OrderStockTests.StockHost StockServer => (OrderStockTests.StockHost)Host;

    private async Task<string> StockedSkuAsync(string warehouse, int units)
    {
        var sku = "SKU-" + Guid.NewGuid().ToString("N")[..8];
        await Host.EnsureSkuAsync(sku);
        (await Host.Client.PatchAsJsonAsync($"/api/v1/skus/{sku}/stock-settings", new { safetyBuffer = new { units = 0 } })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await Host.Client.PostAsJsonAsync("/api/v1/inventory/receipts", new { sku, warehouse, quantity = units })).StatusCode.ShouldBe(HttpStatusCode.Created);
        return sku;
    }

    private async Task OrderAsync(string sku, int quantity, string status = "Paid")
    {
        var response = await Host.PostOrderAsync(TestOrders.Of(sku, quantity, status));
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    private async Task WaitForAtpAsync(string sku, int atp)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await Host.GetJsonAsync($"/api/v1/inventory/{sku}"))["atp"]!.GetValue<int>() != atp)
        {
            if (DateTime.UtcNow > deadline) throw new ShouldAssertException($"ATP of {sku} is not {atp} after 20 s");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task A_sku_selling_faster_than_its_stock_covers_is_listed_with_the_reason_and_one_that_is_covered_is_not()
    {
        var warehouse = "WH-" + Guid.NewGuid().ToString("N")[..8];
        (await Host.Client.PostAsJsonAsync("/api/v1/warehouses", new { code = warehouse, name = "华东仓", regions = new[] { "福建" } })).StatusCode.ShouldBe(HttpStatusCode.Created);
        var hot = await StockedSkuAsync(warehouse, 16);
        var calm = await StockedSkuAsync(warehouse, 100);
        await OrderAsync(hot, 10);
        await OrderAsync(hot, 4);
        await OrderAsync(calm, 7);
        await OrderAsync(calm, 500, status: "Cancelled");   // would trigger if cancelled orders counted
        await WaitForAtpAsync(hot, 2);
        await WaitForAtpAsync(calm, 93);

        // Today's sales are not in the window (today is not over yet)...
        var today = await Host.GetJsonAsync("/api/v1/inventory/replenishment");
        today["items"]!.AsArray().Select(i => i!["sku"]!.GetValue<string>()).ShouldNotContain(hot);

        // ...tomorrow they are: 14 units in 7 days is 2 a day, 1.5 × 2 = 3 > ATP 2.
        StockServer.Clock.Advance(TimeSpan.FromDays(1));
        var report = await Host.GetJsonAsync("/api/v1/inventory/replenishment");
        var soldOn = ChinaTime.DateOf(StockServer.Clock.GetUtcNow()).AddDays(-1);
        report["windowDays"]!.GetValue<int>().ShouldBe(7);
        report["to"]!.GetValue<string>().ShouldBe(soldOn.ToString("yyyy-MM-dd"));
        report["from"]!.GetValue<string>().ShouldBe(soldOn.AddDays(-6).ToString("yyyy-MM-dd"));
        var items = report["items"]!.AsArray().Select(i => i!.AsObject()).ToDictionary(i => i["sku"]!.GetValue<string>());
        items.ShouldContainKey(hot);
        items.ShouldNotContainKey(calm);
        var item = items[hot];
        (item["atp"]!.GetValue<int>(), item["unitsSold"]!.GetValue<int>(), item["averageDailySales"]!.GetValue<decimal>(), item["level"]!.GetValue<decimal>()).ShouldBe((2, 14, 2m, 3m));
        item["reason"]!.GetValue<string>().ShouldBe(
            $"ATP 2 is below 1.5 × average daily sales 2 over 7 days ({soldOn.AddDays(-6):yyyy-MM-dd} to {soldOn:yyyy-MM-dd}) = 3: replenish");

        // A factor of 1 and a 1-day window: calm sold 7 with 93 left, hot 14 with 2 left.
        var shortWindow = await Host.GetJsonAsync("/api/v1/inventory/replenishment?windowDays=1&factor=1");
        var shortItems = shortWindow["items"]!.AsArray().Select(i => i!["sku"]!.GetValue<string>()).ToList();
        shortItems.ShouldContain(hot);
        shortItems.ShouldNotContain(calm);
    }

    [Fact]
    public async Task A_bundle_sold_counts_as_sales_of_its_components()
    {
        var warehouse = "WH-" + Guid.NewGuid().ToString("N")[..8];
        (await Host.Client.PostAsJsonAsync("/api/v1/warehouses", new { code = warehouse, name = "华东仓", regions = new[] { "福建" } })).StatusCode.ShouldBe(HttpStatusCode.Created);
        var cup = await StockedSkuAsync(warehouse, 10);
        var set = "SET-" + Guid.NewGuid().ToString("N")[..8];
        await Host.EnsureSkuAsync(set);
        (await Host.Client.PatchAsJsonAsync($"/api/v1/skus/{set}/stock-settings", new { components = new[] { new { sku = cup, quantity = 2 } } })).StatusCode.ShouldBe(HttpStatusCode.OK);
        await OrderAsync(set, 3);
        await WaitForAtpAsync(cup, 4);

        StockServer.Clock.Advance(TimeSpan.FromDays(1));
        // One day: 6 cups sold, 1.5 × 6 = 9 > ATP 4; the bundle itself has no stock to replenish.
        var items = (await Host.GetJsonAsync("/api/v1/inventory/replenishment?windowDays=1"))["items"]!.AsArray().Select(i => i!.AsObject()).ToList();
        items.Select(i => i["sku"]!.GetValue<string>()).ShouldNotContain(set);
        var item = items.Single(i => i["sku"]!.GetValue<string>() == cup);
        (item["atp"]!.GetValue<int>(), item["unitsSold"]!.GetValue<int>(), item["level"]!.GetValue<decimal>()).ShouldBe((4, 6, 9m));
    }

    [Theory]
    [InlineData("windowDays=0", "windowDays")]
    [InlineData("windowDays=367", "windowDays")]
    [InlineData("windowDays=seven", "windowDays")]
    [InlineData("factor=0", "factor")]
    [InlineData("factor=-1", "factor")]
    [InlineData("factor=abc", "factor")]
    public async Task Bad_parameters_are_refused_with_the_field(string query, string field)
    {
        var response = await Host.Client.GetAsync("/api/v1/inventory/replenishment?" + query);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await response.ReadObjectAsync())["field"]!.GetValue<string>().ShouldBe(field);
    }
}

public sealed class ReplenishmentTestsOnSqlite(SqliteStockHost host) : ReplenishmentTests(host), IClassFixture<SqliteStockHost>;
public sealed class ReplenishmentTestsOnPostgres(PostgresStockHost host) : ReplenishmentTests(host), IClassFixture<PostgresStockHost>;
