using System.Net;
using System.Net.Http.Json;
using Ordo.Data.Inventory;
using Ordo.Server.Tests.Infrastructure;
using Ordo.Simulator.Platforms;
using Shouldly;

namespace Ordo.Server.Tests.ScaleOut;

/// <summary>
/// Channel stock push with two Ordo server processes on one PostgreSQL database: stock changes arrive through both at
/// once while both job runners push. However the pushes interleave, once the changes stop every platform must show
/// what the final ATP gives its channel (no change lost between a push reading ATP and a change committing), and no
/// push may be left pending.
/// </summary>
public sealed class ChannelStockPushTwoInstancesTests
{
    [Fact]
    public async Task Changes_through_two_instances_end_with_every_platform_showing_the_final_quantity()
    {
        TestDatabase.RequirePostgres();
        await using var database = await TestDatabase.CreateAsync(Db.Postgres);
        var environment = ServerProcess.PostgresEnvironment(database);
        environment["Ordo__Jobs__PollIntervalMilliseconds"] = "50";
        // A short debounce makes pushes overlap with the changes as much as possible.
        environment["Ordo__Channels__StockPushDelaySeconds"] = "0.05";
        await using var a = await ServerProcess.StartAsync(environment);
        await using var b = await ServerProcess.StartAsync(environment);
        using var clientA = a.AdminClient();
        using var clientB = b.AdminClient();

        var pool = new FakeShop("tb-key", "tb-secret", "tb-session");
        var share = new FakeShop("jd-key", "jd-secret", "jd-token");
        // Slow platforms keep each push running long after it read ATP: changes committed meanwhile must not be lost.
        pool.Latency = share.Latency = TimeSpan.FromMilliseconds(150);
        await using var poolFake = await FakePlatformHost.StartAsync(new TaobaoFake(), pool);
        await using var shareFake = await FakePlatformHost.StartAsync(new JdFake(), share);
        (await clientA.PostAsJsonAsync("/api/v1/shops", new
        {
            platform = "taobao", code = "TB-HOME", name = "TB", appKey = pool.AppKey, appSecret = pool.AppSecret, accessToken = pool.AccessToken,
            apiBaseUrl = poolFake.BaseUrl.ToString(), pullIntervalSeconds = 86400,
        })).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await clientB.PostAsJsonAsync("/api/v1/shops", new
        {
            platform = "jd", code = "JD-POP", name = "JD", appKey = share.AppKey, appSecret = share.AppSecret, accessToken = share.AccessToken,
            apiBaseUrl = shareFake.BaseUrl.ToString(), pullIntervalSeconds = 86400,
        })).StatusCode.ShouldBe(HttpStatusCode.Created);
        const string sku = "HOT-MUG";
        (await clientA.PostAsJsonAsync("/api/v1/skus", new { code = sku, name = "mug" })).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await clientB.PatchAsJsonAsync($"/api/v1/skus/{sku}/stock-settings", new { safetyBuffer = new { units = 0 } })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await clientA.PostAsJsonAsync("/api/v1/warehouses", new { code = "WH-1", name = "华东仓" })).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await clientB.PostAsJsonAsync("/api/v1/inventory/receipts", new { sku, warehouse = "WH-1", quantity = 500 })).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await clientA.PutAsJsonAsync($"/api/v1/skus/{sku}/channels", new
        {
            channels = new object[]
            {
                new { shop = "TB-HOME", platformItemId = "6001", platformSkuId = "7001" },
                new { shop = "JD-POP", sharePercent = 50m, platformItemId = "100001", platformSkuId = "100002" },
            },
        })).StatusCode.ShouldBe(HttpStatusCode.OK);

        // 8 workers, half on each instance, 30 changes each: receipts of 1 to 3 and adjustments of −1.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            var client = worker % 2 == 0 ? clientA : clientB;
            var random = new Random(worker);
            for (var i = 0; i < 30; i++)
            {
                var response = random.Next(3) == 0
                    ? await client.PostAsJsonAsync("/api/v1/inventory/adjustments", new { sku, warehouse = "WH-1", quantity = -1, reason = "damaged" })
                    : await client.PostAsJsonAsync("/api/v1/inventory/receipts", new { sku, warehouse = "WH-1", quantity = random.Next(1, 4) });
                response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
            }
        })));

        var atp = (await clientB.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>($"/api/v1/inventory/{sku}"))!["atp"]!.GetValue<int>();
        atp.ShouldBeGreaterThan(500);
        var until = DateTime.UtcNow.AddSeconds(60);
        while ((pool.StockOf("6001", "7001") != atp - atp / 2 || share.StockOf("100002") != atp / 2) && DateTime.UtcNow < until) await Task.Delay(100);
        share.StockOf("100002").ShouldBe(atp / 2, $"JD shows {share.StockOf("100002")}, ATP {atp}");
        pool.StockOf("6001", "7001").ShouldBe(atp - atp / 2, $"Taobao shows {pool.StockOf("6001", "7001")}, ATP {atp}");

        await using var db = await database.OpenMigratedAsync();
        until = DateTime.UtcNow.AddSeconds(30);
        long pending;
        while ((pending = await PendingAsync(db)) > 0 && DateTime.UtcNow < until) await Task.Delay(100);
        pending.ShouldBe(0);
        // Nothing arrived after the final quantity: the last call each platform took is the final one.
        share.StockUpdates.Last().Quantity.ShouldBe(atp / 2);
        pool.StockUpdates.Last().Quantity.ShouldBe(atp - atp / 2);
        (await db.ReadAsync(s => s.ScalarAsync<long>("SELECT COUNT(*) FROM jobs WHERE kind = @k AND status = 'failed'", ("k", ChannelStockStore.JobKind)))).ShouldBe(0);
    }

    private static Task<long> PendingAsync(Ordo.Data.OrdoDatabase db) =>
        db.ReadAsync(s => s.ScalarAsync<long>("SELECT COUNT(*) FROM jobs WHERE kind = @k AND status = 'pending'", ("k", ChannelStockStore.JobKind)));
}
