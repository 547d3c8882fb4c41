using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Ordo.Core.Orders;
using Ordo.Data;
using Ordo.Data.Inventory;
using Ordo.Data.Jobs;
using Ordo.Server.Tests.Infrastructure;
using Ordo.Simulator.Platforms;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;

namespace Ordo.Server.Tests.Inventory;

/// <summary>
/// Channel stock push end to end, against each platform's fake API on a loopback port: a stock change reaches the
/// platform with the quantity <c>ChannelStock.Allocate</c> gives (shares, the shared pool, core channels alone at or
/// below the threshold), an order's reservation lowers it, a burst of changes gives one call per channel, an
/// unchanged quantity no call, a failing platform is retried until it takes the push, and bad settings are refused
/// with a problem naming the field.
/// </summary>
public abstract class ChannelStockPushTests(OrdoHost host) : CatalogueTestBase(host)
{
    /// <summary>Pushes due 1.5 s after a change, failed pushes retried after 0.3 s (doubling to 1 s).</summary>
    public abstract class PushHost(Db kind) : OrdoHost(kind)
    {
        protected override IEnumerable<KeyValuePair<string, string>> Settings =>
        [
            new("Ordo:Channels:StockPushDelaySeconds", "1.5"),
            new("Ordo:Channels:StockPushRetrySeconds", "0.3"),
            new("Ordo:Channels:StockPushMaxRetrySeconds", "1"),
        ];
    }

    public static TheoryData<string> Platforms => new(FakePlatforms.All.SelectMany(f => f.Platforms).Select(p => p.Name()).Distinct());

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private const string Item = "7001001", PlatformSku = "8002002", Location = "9003003";

    /// <summary>The quantity a fake platform shows for the listing, as each platform keys its stock.</summary>
    private static int? Shown(ConnectedFake c) => c.Platform switch
    {
        Platform.Jd => c.Shop.StockOf(PlatformSku),
        Platform.Shopify => c.Shop.StockOf(Item, Location),
        _ => c.Shop.StockOf(Item, PlatformSku),
    };

    private static object Listing(ConnectedFake c, bool core = false, decimal? sharePercent = null) => new
    {
        shop = c.Code, core, sharePercent, platformItemId = Item,
        platformSkuId = c.Platform == Platform.Shopify ? null : PlatformSku,
        platformLocationId = c.Platform == Platform.Shopify ? Location : null,
    };

    /// <summary>A shop on the platform's fake; Kuaishou's stock call changes stock by an amount, so its fake must know the SKU, as the platform does.</summary>
    private Task<ConnectedFake> ConnectAsync(Platform platform) =>
        ConnectedFake.StartAsync(Host, platform, shop =>
        {
            if (platform == Platform.Kuaishou) shop.Stock[FakeShop.StockKey(Item, PlatformSku)] = 0;
        }, pullIntervalSeconds: 86400);

    /// <summary>A SKU without safety buffer (ATP = on hand − reserved) in a new warehouse; returns the SKU and the warehouse.</summary>
    private async Task<(string Sku, string Warehouse)> NewSkuAsync()
    {
        var sku = "CSP-" + Guid.NewGuid().ToString("N")[..8];
        await Host.EnsureSkuAsync(sku);
        (await Host.Client.PatchAsJsonAsync($"/api/v1/skus/{sku}/stock-settings", new { safetyBuffer = new { units = 0 } })).StatusCode.ShouldBe(HttpStatusCode.OK);
        var warehouse = "WH-" + Guid.NewGuid().ToString("N")[..8];
        (await Host.Client.PostAsJsonAsync("/api/v1/warehouses", new { code = warehouse, name = "华东仓", regions = new[] { "福建" } })).StatusCode.ShouldBe(HttpStatusCode.Created);
        return (sku, warehouse);
    }

    private async Task ReceiveAsync(string sku, string warehouse, int quantity) =>
        (await Host.Client.PostAsJsonAsync("/api/v1/inventory/receipts", new { sku, warehouse, quantity })).StatusCode.ShouldBe(HttpStatusCode.Created);

    private async Task AdjustAsync(string sku, string warehouse, int quantity) =>
        (await Host.Client.PostAsJsonAsync("/api/v1/inventory/adjustments", new { sku, warehouse, quantity, reason = "damaged" })).StatusCode.ShouldBe(HttpStatusCode.Created);

    private async Task<JsonObject> SetChannelsAsync(string sku, object settings)
    {
        var response = await Host.Client.PutAsJsonAsync($"/api/v1/skus/{sku}/channels", settings);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.ReadObjectAsync();
    }

    private async Task<JsonArray> ChannelsAsync(string sku) => (await Host.GetJsonAsync($"/api/v1/skus/{sku}/channels"))["channels"]!.AsArray();

    private static async Task EventuallyAsync(Func<Task<bool>> done, Func<Task<string>> what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await done())
        {
            if (DateTime.UtcNow > deadline) throw new ShouldAssertException($"not reached within {Patience.TotalSeconds} s: {await what()}");
            await Task.Delay(100);
        }
    }

    private Task WaitShownAsync(string sku, params (ConnectedFake Channel, int Quantity)[] expected) =>
        EventuallyAsync(
            () => Task.FromResult(expected.All(e => Shown(e.Channel) == e.Quantity)),
            async () => $"platforms show {string.Join(", ", expected.Select(e => $"{e.Channel.Code}={Shown(e.Channel)?.ToString() ?? "nothing"} (want {e.Quantity})"))}; " +
                        (await Host.GetJsonAsync($"/api/v1/skus/{sku}/channels")).ToJsonString());

    /// <summary>How many push jobs the SKU has had (pending, done or failed).</summary>
    private Task<long> PushJobsAsync(string sku) =>
        Host.Services.GetRequiredService<OrdoDatabase>().ReadAsync(s =>
            s.ScalarAsync<long>("SELECT COUNT(*) FROM jobs WHERE ordering_key = @k", ("k", ChannelStockStore.OrderingKey(sku))));

    /// <summary>Waits until no push of the SKU is pending (queued, waiting for a retry or running).</summary>
    private Task WaitNoPendingPushAsync(string sku) =>
        EventuallyAsync(async () =>
        {
            var db = Host.Services.GetRequiredService<OrdoDatabase>();
            var pending = await db.ReadAsync(s => JobStore.ListAsync(s, ChannelStockStore.JobKind, JobStatus.Pending, null, 200));
            return !pending.Any(j => j.OrderingKey == ChannelStockStore.OrderingKey(sku));
        }, () => Task.FromResult($"a push of {sku} is still pending"));

    [Theory]
    [MemberData(nameof(Platforms))]
    public async Task A_receipt_is_pushed_to_the_platform_with_its_stock_update_call(string platformName)
    {
        var platform = Enum.Parse<Platform>(platformName, ignoreCase: true);
        var (sku, warehouse) = await NewSkuAsync();
        await using var channel = await ConnectAsync(platform);
        await SetChannelsAsync(sku, new { channels = new[] { Listing(channel) } });
        await WaitShownAsync(sku, (channel, 0));

        await ReceiveAsync(sku, warehouse, 7);

        await WaitShownAsync(sku, (channel, 7));
        await WaitNoPendingPushAsync(sku);
        var view = (await ChannelsAsync(sku))[0]!;
        view["platform"]!.GetValue<string>().ShouldBe(platform.Name());
        view["offeredQuantity"]!.GetValue<int>().ShouldBe(7);
        view["offeredReason"]!.GetValue<string>().ShouldBe("shared pool: ATP 7");
        view["pushedQuantity"]!.GetValue<int>().ShouldBe(7);
        view["pushedAt"].ShouldNotBeNull();
        view["inSync"]!.GetValue<bool>().ShouldBeTrue();
        view["lastError"].ShouldBeNull();
        view["lastAnswer"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task Shares_the_pool_and_core_channels_at_the_threshold_reach_the_platforms_as_computed()
    {
        var (sku, warehouse) = await NewSkuAsync();
        await using var tmall = await ConnectAsync(Platform.Taobao);
        await using var jd = await ConnectAsync(Platform.Jd);
        await using var pdd = await ConnectAsync(Platform.Pinduoduo);
        await SetChannelsAsync(sku, new
        {
            lowStockThreshold = 10,
            channels = new[] { Listing(tmall, core: true, sharePercent: 30m), Listing(jd, core: false), Listing(pdd, core: true) },
        });
        await ReceiveAsync(sku, warehouse, 100);
        // 30% of 100 to the share channel, the other 70 offered to each pool channel.
        await WaitShownAsync(sku, (tmall, 30), (jd, 70), (pdd, 70));

        await AdjustAsync(sku, warehouse, -92);
        // ATP 8 is at or below 10: the non-core channel gets 0, core channels share ATP as if it were not there.
        await WaitShownAsync(sku, (tmall, 2), (jd, 0), (pdd, 6));
        var channels = await ChannelsAsync(sku);
        channels[1]!["offeredReason"]!.GetValue<string>().ShouldBe("ATP 8 at or below threshold 10: non-core channel offered 0");
        channels[0]!["offeredReason"]!.GetValue<string>().ShouldBe("30% of ATP 8 (ATP 8 at or below threshold 10: core channels only)");
    }

    [Fact]
    public async Task An_order_s_reservation_lowers_the_quantity_pushed()
    {
        var (sku, warehouse) = await NewSkuAsync();
        await using var channel = await ConnectAsync(Platform.Taobao);
        await SetChannelsAsync(sku, new { channels = new[] { Listing(channel) } });
        await ReceiveAsync(sku, warehouse, 10);
        await WaitShownAsync(sku, (channel, 10));

        var order = TestOrders.Example();
        order["lines"]![0]!["sku"] = sku;
        order["lines"]![0]!["quantity"] = 3;
        order["amounts"]!["goods"] = 297.00m;
        order["amounts"]!["paid"] = 287.00m;
        (await Host.PostOrderAsync(order)).StatusCode.ShouldBe(HttpStatusCode.Created);

        await WaitShownAsync(sku, (channel, 7));
    }

    [Fact]
    public async Task A_bundle_on_a_channel_is_pushed_when_its_components_change()
    {
        var (component, warehouse) = await NewSkuAsync();
        var bundle = "CSP-B-" + Guid.NewGuid().ToString("N")[..8];
        await Host.EnsureSkuAsync(bundle);
        (await Host.Client.PatchAsJsonAsync($"/api/v1/skus/{bundle}/stock-settings", new { components = new[] { new { sku = component, quantity = 2 } } }))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        await using var channel = await ConnectAsync(Platform.Kuaishou);
        await SetChannelsAsync(bundle, new { channels = new[] { Listing(channel) } });

        await ReceiveAsync(component, warehouse, 9);

        // Two components a bundle: 9 make 4.
        await WaitShownAsync(bundle, (channel, 4));
        (await ChannelsAsync(bundle))[0]!["offeredReason"]!.GetValue<string>().ShouldBe("shared pool: ATP 4");
    }

    [Fact]
    public async Task A_burst_of_changes_within_the_debounce_window_gives_one_call_per_channel()
    {
        var (sku, warehouse) = await NewSkuAsync();
        await using var a = await ConnectAsync(Platform.Douyin);
        await using var b = await ConnectAsync(Platform.Youzan);
        await SetChannelsAsync(sku, new { channels = new[] { Listing(a, sharePercent: 50m), Listing(b) } });
        await WaitShownAsync(sku, (a, 0), (b, 0));
        await WaitNoPendingPushAsync(sku);
        var before = (a.Shop.StockUpdates.Count, b.Shop.StockUpdates.Count);
        var jobsBefore = await PushJobsAsync(sku);

        for (var i = 0; i < 5; i++) await ReceiveAsync(sku, warehouse, 2);

        await WaitShownAsync(sku, (a, 5), (b, 5));
        await WaitNoPendingPushAsync(sku);
        a.Shop.StockUpdates.Count.ShouldBe(before.Item1 + 1);
        b.Shop.StockUpdates.Count.ShouldBe(before.Item2 + 1);
        // The five changes shared one push job.
        (await PushJobsAsync(sku)).ShouldBe(jobsBefore + 1);
    }

    [Fact]
    public async Task Only_channels_whose_quantity_changed_are_called()
    {
        var (sku, warehouse) = await NewSkuAsync();
        await using var share = await ConnectAsync(Platform.Taobao);
        await using var pool = await ConnectAsync(Platform.Jd);
        await SetChannelsAsync(sku, new { channels = new[] { Listing(share, sharePercent: 50m), Listing(pool) } });
        await ReceiveAsync(sku, warehouse, 10);
        await WaitShownAsync(sku, (share, 5), (pool, 5));
        await WaitNoPendingPushAsync(sku);
        var shareCalls = share.Shop.StockUpdates.Count;

        // ATP 11: 50% is still 5, the pool's 6 is new.
        await ReceiveAsync(sku, warehouse, 1);
        await WaitShownAsync(sku, (share, 5), (pool, 6));
        await WaitNoPendingPushAsync(sku);
        share.Shop.StockUpdates.Count.ShouldBe(shareCalls);

        // Goods announced in transit change the balance but not ATP (in transit is not promised by default): the
        // push runs and calls no one.
        var poolCalls = pool.Shop.StockUpdates.Count;
        (await Host.Client.PostAsJsonAsync("/api/v1/inventory/inbound", new { sku, warehouse, quantity = 20 })).StatusCode.ShouldBe(HttpStatusCode.Created);
        await WaitNoPendingPushAsync(sku);
        share.Shop.StockUpdates.Count.ShouldBe(shareCalls);
        pool.Shop.StockUpdates.Count.ShouldBe(poolCalls);
    }

    [Fact]
    public async Task A_listing_moved_to_another_platform_item_is_pushed_though_the_quantity_did_not_change()
    {
        var (sku, warehouse) = await NewSkuAsync();
        await using var channel = await ConnectAsync(Platform.Taobao);
        await SetChannelsAsync(sku, new { channels = new[] { Listing(channel) } });
        await ReceiveAsync(sku, warehouse, 3);
        await WaitShownAsync(sku, (channel, 3));

        var moved = await SetChannelsAsync(sku, new { channels = new[] { new { shop = channel.Code, platformItemId = "7009999", platformSkuId = PlatformSku } } });
        moved["channels"]![0]!["pushedQuantity"].ShouldBeNull();
        await EventuallyAsync(() => Task.FromResult(channel.Shop.StockOf("7009999", PlatformSku) == 3),
            async () => (await ChannelsAsync(sku)).ToJsonString());
    }

    [Fact]
    public async Task A_failing_platform_is_retried_with_the_error_visible_until_it_takes_the_push()
    {
        var (sku, warehouse) = await NewSkuAsync();
        await using var failing = await ConnectAsync(Platform.Pinduoduo);
        await using var healthy = await ConnectAsync(Platform.Woocommerce);
        await SetChannelsAsync(sku, new { channels = new[] { Listing(failing), Listing(healthy) } });
        await WaitShownAsync(sku, (failing, 0), (healthy, 0));
        failing.Shop.FailNextStockUpdates = 1_000;

        await ReceiveAsync(sku, warehouse, 4);

        await WaitShownAsync(sku, (healthy, 4));
        await EventuallyAsync(async () => (await ChannelsAsync(sku))[0]!["attempts"]!.GetValue<int>() >= 2,
            async () => (await ChannelsAsync(sku)).ToJsonString());
        var failingView = (await ChannelsAsync(sku))[0]!;
        failingView["lastError"]!.GetValue<string>().ShouldContain("50001");
        failingView["pushedQuantity"]!.GetValue<int>().ShouldBe(0);
        failingView["inSync"]!.GetValue<bool>().ShouldBeFalse();
        var healthyCalls = healthy.Shop.StockUpdates.Count;

        failing.Shop.FailNextStockUpdates = 0;
        await WaitShownAsync(sku, (failing, 4), (healthy, 4));
        await WaitNoPendingPushAsync(sku);
        var recovered = (await ChannelsAsync(sku))[0]!;
        recovered["attempts"]!.GetValue<int>().ShouldBe(0);
        recovered["lastError"].ShouldBeNull();
        recovered["inSync"]!.GetValue<bool>().ShouldBeTrue();
        // The retries called only the channel that failed.
        healthy.Shop.StockUpdates.Count.ShouldBe(healthyCalls);
    }

    [Fact]
    public async Task A_platform_that_keeps_failing_is_given_up_with_an_alert_and_the_next_change_pushes_again()
    {
        var (sku, warehouse) = await NewSkuAsync();
        await using var channel = await ConnectAsync(Platform.Douyin);
        await SetChannelsAsync(sku, new { channels = new[] { Listing(channel) } });
        await WaitShownAsync(sku, (channel, 0));
        channel.Shop.FailNextStockUpdates = 1_000_000;

        await ReceiveAsync(sku, warehouse, 6);

        // 20 attempts, 0.3 s doubling to 1 s apart.
        var db = Host.Services.GetRequiredService<OrdoDatabase>();
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (await db.ReadAsync(s => s.ScalarAsync<long>("SELECT COUNT(*) FROM jobs WHERE ordering_key = @k AND status = 'failed'",
                   ("k", ChannelStockStore.OrderingKey(sku)))) == 0)
        {
            if (DateTime.UtcNow > deadline) throw new ShouldAssertException("the push was not given up: " + (await ChannelsAsync(sku)).ToJsonString());
            await Task.Delay(200);
        }
        var failed = (await ChannelsAsync(sku))[0]!;
        failed["attempts"]!.GetValue<int>().ShouldBe(20);
        failed["lastError"]!.GetValue<string>().ShouldContain("50002");
        (await (await Host.NewClient(null).GetAsync("/metrics")).Content.ReadAsStringAsync()).ShouldContain("ordo_stockpush_failures_total");

        channel.Shop.FailNextStockUpdates = 0;
        await ReceiveAsync(sku, warehouse, 1);
        await WaitShownAsync(sku, (channel, 7));
    }

    [Fact]
    public async Task Settings_that_cannot_be_kept_are_refused_with_a_problem_naming_the_field()
    {
        var (sku, _) = await NewSkuAsync();
        await using var a = await ConnectAsync(Platform.Taobao);
        await using var b = await ConnectAsync(Platform.Jd);
        await using var shopify = await ConnectAsync(Platform.Shopify);

        async Task<JsonObject> RefusedAsync(object body, string url = "")
        {
            var response = await Host.Client.PutAsJsonAsync(url.Length > 0 ? url : $"/api/v1/skus/{sku}/channels", body);
            response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
            var problem = await response.ReadObjectAsync();
            problem["status"]!.GetValue<int>().ShouldBe((int)response.StatusCode);
            return problem;
        }

        var over = await RefusedAsync(new { channels = new[] { Listing(a, sharePercent: 60m), Listing(b, sharePercent: 40.5m) } });
        over["status"]!.GetValue<int>().ShouldBe(422);
        over["field"]!.GetValue<string>().ShouldBe("channels");
        over["detail"]!.GetValue<string>().ShouldBe($"shares sum to 100.5%, more than 100%: {a.Code} (60%), {b.Code} (40.5%)");

        var unknown = await RefusedAsync(new { channels = new object[] { Listing(a), new { shop = "NO-SUCH-SHOP", platformItemId = "1" } } });
        unknown["status"]!.GetValue<int>().ShouldBe(422);
        unknown["field"]!.GetValue<string>().ShouldBe("channels[1].shop");
        unknown["detail"]!.GetValue<string>().ShouldContain("'NO-SUCH-SHOP' does not exist");

        var noItem = await RefusedAsync(new { channels = new object[] { new { shop = a.Code } } });
        noItem["field"]!.GetValue<string>().ShouldBe("channels[0].platformItemId");

        var noLocation = await RefusedAsync(new { channels = new object[] { new { shop = shopify.Code, platformItemId = "808950810" } } });
        noLocation["field"]!.GetValue<string>().ShouldBe("channels[0].platformLocationId");

        var threshold = await RefusedAsync(new { lowStockThreshold = -1, channels = Array.Empty<object>() });
        threshold["field"]!.GetValue<string>().ShouldBe("lowStockThreshold");

        (await RefusedAsync(new { channels = Array.Empty<object>() }, "/api/v1/skus/NO-SUCH-SKU/channels"))["status"]!.GetValue<int>().ShouldBe(404);

        // Nothing was kept.
        var view = await Host.GetJsonAsync($"/api/v1/skus/{sku}/channels");
        view["channels"]!.AsArray().ShouldBeEmpty();
        view["lowStockThreshold"].ShouldBeNull();
    }
}

public sealed class SqlitePushHost() : ChannelStockPushTests.PushHost(Db.Sqlite);
public sealed class PostgresPushHost() : ChannelStockPushTests.PushHost(Db.Postgres);
public sealed class ChannelStockPushTestsOnSqlite(SqlitePushHost host) : ChannelStockPushTests(host), IClassFixture<SqlitePushHost>;
public sealed class ChannelStockPushTestsOnPostgres(PostgresPushHost host) : ChannelStockPushTests(host), IClassFixture<PostgresPushHost>;
