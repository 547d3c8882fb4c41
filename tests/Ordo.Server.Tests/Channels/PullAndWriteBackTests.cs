using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Ordo.Core.Orders;
using Ordo.Server.Tests.Infrastructure;
using Ordo.Simulator.Platforms;
using Shouldly;

namespace Ordo.Server.Tests.Channels;

/// <summary>
/// Against each platform's fake API on a local port: pull sync brings every order, and after a run of 502s (an outage
/// of the platform while orders kept coming) the next pull brings every missed one with nothing duplicated; a
/// shipment is written back with the platform's call, retried after failures, and given up with an alert when the
/// platform keeps refusing, until a person triggers it again.
/// </summary>
public abstract class PullAndWriteBackTests(OrdoHost host) : CatalogueTestBase(host)
{
    public static TheoryData<string> Platforms => new(FakePlatforms.All.SelectMany(f => f.Platforms).Select(p => p.Name()).Distinct());

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private Task<ConnectedFake> ConnectAsync(Platform platform, Action<FakeShop> seed) => ConnectedFake.StartAsync(Host, platform, seed);

    private static void AddOrders(FakeShop shop, Platform platform, int count, DateTimeOffset modifiedFrom, TimeSpan spread, string prefix)
    {
        var fake = FakePlatforms.For(platform);
        for (var i = 0; i < count; i++)
        {
            var modified = modifiedFrom + spread * i / Math.Max(1, count);
            shop.Put(fake.NewOrder($"{prefix}{i:D5}", OrderStatus.Paid, modified - TimeSpan.FromMinutes(1), modified, TestOrders.Sku, 1 + i % 3, 19.90m));
        }
    }

    private async Task<List<JsonNode>> OrdersOfAsync(string shop)
    {
        var all = new List<JsonNode>();
        string? cursor = null;
        do
        {
            var page = await Host.GetJsonAsync($"/api/v1/orders?shop={shop}&limit=200{(cursor is null ? "" : "&cursor=" + cursor)}");
            all.AddRange(page["items"]!.AsArray().Select(o => o!));
            cursor = page["nextCursor"]?.GetValue<string>();
        } while (cursor is not null);
        return all;
    }

    private async Task WaitForOrdersAsync(string shop, int count, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        int seen;
        while ((seen = (await OrdersOfAsync(shop)).Count) < count && DateTime.UtcNow < deadline) await Task.Delay(200);
        if (seen != count)
        {
            var sync = (await Host.GetJsonAsync($"/api/v1/shops/{shop}/sync")).ToJsonString();
            var rejected = (await Host.GetJsonAsync("/api/v1/inbox?status=rejected&limit=3")).ToJsonString();
            seen.ShouldBe(count, $"{what}; sync {sync}; rejected {rejected[..Math.Min(rejected.Length, 800)]}");
        }
    }

    [Theory]
    [MemberData(nameof(Platforms))]
    public async Task Pull_brings_every_order_and_after_an_outage_every_missed_one_without_duplicates(string platformName)
    {
        Platforms.ShouldNotBeEmpty();
        var platform = Enum.Parse<Platform>(platformName, ignoreCase: true);
        var now = DateTimeOffset.UtcNow;
        var prefix = "9" + Random.Shared.Next(100_000, 999_999);
        await using var c = await ConnectAsync(platform, shop => AddOrders(shop, platform, 130, now.AddMinutes(-50), TimeSpan.FromMinutes(45), prefix + "1"));

        await WaitForOrdersAsync(c.Code, 130, "orders after the first pull");

        // The platform answers 502 for a while; 217 orders are placed meanwhile.
        c.Shop.Down = true;
        AddOrders(c.Shop, platform, 217, DateTimeOffset.UtcNow, TimeSpan.FromSeconds(5), prefix + "2");
        (await Host.Client.PostAsync($"/api/v1/shops/{c.Code}/sync", null)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var deadline = DateTime.UtcNow + Patience;
        while ((await Host.GetJsonAsync($"/api/v1/shops/{c.Code}/sync"))["failures"]!.GetValue<int>() == 0 && DateTime.UtcNow < deadline) await Task.Delay(100);
        (await Host.GetJsonAsync($"/api/v1/shops/{c.Code}/sync"))["lastError"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
        c.Shop.Down = false;

        await WaitForOrdersAsync(c.Code, 347, "orders after the outage");
        var orders = await OrdersOfAsync(c.Code);
        orders.Select(o => o["platformOrderId"]!.GetValue<string>()).Distinct().Count().ShouldBe(347);
        orders.ShouldAllBe(o => o["status"]!.GetValue<string>() == "Paid");
        var sync = await Host.GetJsonAsync($"/api/v1/shops/{c.Code}/sync");
        sync["failures"]!.GetValue<int>().ShouldBe(0);
    }

    private static string CarrierFor(Platform platform) => platform switch
    {
        Platform.Jd => "463",
        Platform.Pinduoduo => "115",
        Platform.Douyin => "zhongtong",
        Platform.Shopify or Platform.Woocommerce => "ZTO Express",
        _ => "ZTO",
    };

    private async Task<string> ShipOneAsync(ConnectedFake c, Platform platform, string tracking)
    {
        var order = (await OrdersOfAsync(c.Code)).First(o => o["status"]!.GetValue<string>() == "Paid");
        var no = order["orderNo"]!.GetValue<string>();
        foreach (var action in new[] { "accept", "allocate", "pick", "pack" })
            (await Host.ActAsync(no, action, new { reason = "test" })).StatusCode.ShouldBe(HttpStatusCode.OK, action);
        (await Host.ActAsync(no, "ship", new { reason = "test", carrier = CarrierFor(platform), trackingNo = tracking })).StatusCode.ShouldBe(HttpStatusCode.OK);
        return no;
    }

    private async Task<JsonNode> WaitForWriteBackAsync(string orderNo, string status)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var items = (await Host.GetJsonAsync($"/api/v1/write-backs?orderNo={orderNo}"))["items"]!.AsArray();
            if (items.Count > 0 && items[0]!["status"]!.GetValue<string>() == status) return items[0]!;
            if (DateTime.UtcNow > deadline) throw new ShouldAssertException($"write-back of {orderNo} did not become {status}: {items.ToJsonString()}");
            await Task.Delay(150);
        }
    }

    [Theory]
    [MemberData(nameof(Platforms))]
    public async Task A_shipment_is_written_back_retried_after_failures_and_given_up_with_an_alert(string platformName)
    {
        var platform = Enum.Parse<Platform>(platformName, ignoreCase: true);
        var prefix = "8" + Random.Shared.Next(100_000, 999_999);
        await using var c = await ConnectAsync(platform, shop => AddOrders(shop, platform, 3, DateTimeOffset.UtcNow.AddMinutes(-20), TimeSpan.FromMinutes(10), prefix));
        await WaitForOrdersAsync(c.Code, 3, "orders pulled");

        // Two failures, then success within the three attempts this host allows.
        c.Shop.FailNextShipments = 2;
        var first = await ShipOneAsync(c, platform, "YT" + prefix + "01");
        var done = await WaitForWriteBackAsync(first, "succeeded");
        done["attempts"]!.GetValue<int>().ShouldBe(3);
        var detail = await Host.GetJsonAsync($"/api/v1/write-backs/{done["id"]}");
        detail["attempts"]!.AsArray().Select(a => a!["outcome"]!.GetValue<string>()).ShouldBe(["failed", "failed", "succeeded"]);
        c.Shop.Shipments.ShouldContain(s => s.TrackingNumber == "YT" + prefix + "01");

        // The platform keeps refusing: given up after three attempts, alert raised; a person retries once it is fixed.
        c.Shop.FailNextShipments = 1000;
        var second = await ShipOneAsync(c, platform, "YT" + prefix + "02");
        var failed = await WaitForWriteBackAsync(second, "failed");
        failed["lastError"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
        // The alert is raised by the give-up step that runs after the last attempt's outcome is committed.
        var metricsDeadline = DateTime.UtcNow + Patience;
        while (!(await Host.Client.GetStringAsync("/metrics")).Contains("ordo_writeback_failures_total", StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > metricsDeadline) throw new ShouldAssertException("no ordo_writeback_failures_total in /metrics after the write-back failed");
            await Task.Delay(100);
        }
        c.Shop.FailNextShipments = 0;
        (await Host.Client.PostAsync($"/api/v1/write-backs/{failed["id"]}/retry", null)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await WaitForWriteBackAsync(second, "succeeded");
        c.Shop.Shipments.ShouldContain(s => s.TrackingNumber == "YT" + prefix + "02");
    }
}

/// <summary>Fast retries so that outages and failing write-backs play out in seconds.</summary>
public abstract class ChannelHost(Db kind) : OrdoHost(kind)
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
    [
        new("Ordo:Channels:PullRetryBaseSeconds", "0.2"),
        new("Ordo:Channels:WriteBackRetryMinutes", "0.003"),
        new("Ordo:Channels:WriteBackMaxAttempts", "3"),
        new("Ordo:Channels:InitialPullHours", "2"),
    ];
}

public sealed class SqliteChannelHost() : ChannelHost(Db.Sqlite);
public sealed class PostgresChannelHost() : ChannelHost(Db.Postgres);

public sealed class PullAndWriteBackTestsOnSqlite(SqliteChannelHost host) : PullAndWriteBackTests(host), IClassFixture<SqliteChannelHost>;
public sealed class PullAndWriteBackTestsOnPostgres(PostgresChannelHost host) : PullAndWriteBackTests(host), IClassFixture<PostgresChannelHost>;
