using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Ordo.Core.Orders;
using Ordo.Server.Channels;
using Ordo.Server.Configuration;
using Ordo.Server.Tests.Infrastructure;
using Ordo.Simulator.Platforms;
using Shouldly;

namespace Ordo.Server.Tests.Channels;

/// <summary>An Ordo host with the Pinduoduo PMC transport on, pointed at a fake PMC feed started before it.</summary>
public class PmcHost(Db kind) : OrdoHost(kind)
{
    /// <summary>Frames not acknowledged within this are sent again.</summary>
    public static readonly TimeSpan AckTimeout = TimeSpan.FromSeconds(2);

    public FakePmcServer Pmc { get; private set; } = null!;

    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
    [
        new("Ordo:Channels:Pinduoduo:Pmc:Enabled", "true"),
        new("Ordo:Channels:Pinduoduo:Pmc:Address", Pmc.Address),
        new("Ordo:Channels:Pinduoduo:Pmc:ReconnectBaseSeconds", "0.2"),
        new("Ordo:Channels:Pinduoduo:Pmc:ReconnectMaxSeconds", "1"),
        new("Ordo:Channels:Pinduoduo:Pmc:RefreshSeconds", "0.3"),
        // Orders of these tests are modified long before this, so only the push (never a pull) can bring them.
        new("Ordo:Channels:InitialPullHours", "1"),
    ];

    public override async ValueTask InitializeAsync()
    {
        Pmc = await FakePmcServer.StartAsync(AckTimeout);
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Pmc.DisposeAsync();
    }
}

public sealed class PmcSqliteHost() : PmcHost(Db.Sqlite);
public sealed class PmcPostgresHost() : PmcHost(Db.Postgres);

/// <summary>
/// Pinduoduo PMC over a real WebSocket to the fake feed: a frame brings its order through the PDD API fake, the Ack
/// follows storage, repeats and malformed frames, a wrong secret, a dropped connection and a mall that is no shop.
/// </summary>
public abstract class PmcFeedTests(PmcHost host) : CatalogueTestBase(host)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private FakePmcServer Pmc => ((PmcHost)Host).Pmc;

    private sealed record Connected(string Code, long MallId, FakeShop App, FakePlatformHost Api) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Api.DisposeAsync();
    }

    private async Task<Connected> ConnectAsync(string? wrongSecret = null, bool waitUntilConnected = true)
    {
        var app = new FakeShop("pdd-" + Guid.NewGuid().ToString("N")[..8], "secret-" + Guid.NewGuid().ToString("N"), "token-" + Guid.NewGuid().ToString("N")[..10]);
        Pmc.AddApp(app);
        var api = await FakePlatformHost.StartAsync(new PinduoduoFake(), app);
        var mallId = Random.Shared.NextInt64(100_000, 999_999_999);
        var code = "PDD-M" + Guid.NewGuid().ToString("N")[..8];
        var response = await Host.Client.PostAsJsonAsync("/api/v1/shops", new
        {
            platform = "pinduoduo", code, name = code, appKey = app.AppKey, appSecret = wrongSecret ?? app.AppSecret, accessToken = app.AccessToken,
            apiBaseUrl = api.BaseUrl.ToString(), pullIntervalSeconds = 86_400, pushEnabled = true, platformShopId = mallId.ToString(),
        });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        if (waitUntilConnected) await WaitUntilAsync(async () => (await HealthAsync(code))?["state"]?.GetValue<string>() == "connected", "the PMC connection opens");
        return new Connected(code, mallId, app, api);
    }

    private async Task<JsonNode?> HealthAsync(string shop) =>
        (await Host.GetJsonAsync($"/api/v1/push-connections?shop={shop}"))["items"]!.AsArray().SingleOrDefault();

    private static string NewOrderSn() => $"{DateTime.UtcNow:yyMMdd}-{Random.Shared.NextInt64(100_000_000_000_000, 999_999_999_999_999)}";

    private static FakeOrder OldOrder(string orderSn)
    {
        var modified = DateTimeOffset.UtcNow - TimeSpan.FromDays(10);
        return new PinduoduoFake().NewOrder(orderSn, OrderStatus.Paid, modified - TimeSpan.FromMinutes(5), modified, TestOrders.Sku, 2, 29.90m);
    }

    private async Task<JsonArray> OrdersAsync(string orderSn) => (await Host.GetJsonAsync($"/api/v1/orders?q={orderSn}"))["items"]!.AsArray();

    private async Task<JsonArray> AttemptsAsync(string shop) => (await Host.GetJsonAsync($"/api/v1/shops/{shop}/push-attempts?limit=200"))["items"]!.AsArray();

    private async Task<List<JsonNode>> InboxAsync(string? status, string containing) =>
        (await Host.GetJsonAsync($"/api/v1/inbox?limit=200{(status is null ? "" : "&status=" + status)}"))["items"]!.AsArray()
            .Where(i => i!["payload"]!.GetValue<string>().Contains(containing, StringComparison.Ordinal)).Select(i => i!).ToList();

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new ShouldAssertException($"waited {Patience.TotalSeconds} s for: {what}");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task A_frame_brings_its_order_through_the_API_and_is_acknowledged_only_after_it_was_stored()
    {
        await using var shop = await ConnectAsync();
        var orderSn = NewOrderSn();
        string? frameId = null;
        var storedWhenAcked = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        Pmc.OnAck = async ack =>
        {
            // Ordo's state at the moment its Ack arrives: the attempt is committed with the inbox item and the fetch job.
            if (ack.Id != frameId) return;
            var attempts = await AttemptsAsync(shop.Code);
            storedWhenAcked.TrySetResult(attempts.Any(a => a!["outcome"]!.GetValue<string>() == "accepted" && a["bodyExcerpt"]!.GetValue<string>().Contains(ack.Id)));
        };
        try
        {
            frameId = Pmc.PlaceOrder(shop.App, shop.MallId, OldOrder(orderSn));

            await WaitUntilAsync(async () => (await OrdersAsync(orderSn)).Count == 1, "the order is fetched and taken in");
            var order = (await OrdersAsync(orderSn)).Single()!;
            order["platform"]!.GetValue<string>().ShouldBe("pinduoduo");
            order["shopCode"]!.GetValue<string>().ShouldBe(shop.Code);
            order["status"]!.GetValue<string>().ShouldBe("Paid");
            await WaitUntilAsync(() => Task.FromResult(Pmc.IsAcknowledged(frameId)), "the frame is acknowledged");
            (await storedWhenAcked.Task.WaitAsync(Patience)).ShouldBeTrue("the Ack arrived before the frame was stored");
            var kept = (await InboxAsync(null, orderSn)).Single(i => i["format"]!.GetValue<string>() == "pinduoduo.push");
            kept["source"]!.GetValue<string>().ShouldBe("pmc:pinduoduo");
            kept["shopCode"]!.GetValue<string>().ShouldBe(shop.Code);
            // The push's item records what its fetch became, committed with the order itself.
            kept["status"]!.GetValue<string>().ShouldBe("accepted");
            kept["outcome"]!.GetValue<string>().ShouldBe("fetched:created");
            kept["orderNo"]!.GetValue<string>().ShouldBe(order["orderNo"]!.GetValue<string>());
        }
        finally
        {
            Pmc.OnAck = null;
        }
    }

    [Fact]
    public async Task A_repeated_frame_is_acknowledged_and_creates_nothing_new()
    {
        await using var shop = await ConnectAsync();
        var orderSn = NewOrderSn();
        var frameId = Pmc.PlaceOrder(shop.App, shop.MallId, OldOrder(orderSn));
        await WaitUntilAsync(async () => (await OrdersAsync(orderSn)).Count == 1, "the order arrives");
        await WaitUntilAsync(() => Task.FromResult(Pmc.IsAcknowledged(frameId)), "the frame is acknowledged");
        var acksBefore = Pmc.Acks.Count(a => a.Id == frameId);

        // The same frame again (as PMC does when an Ack is lost, or to a second Ordo instance).
        var frame = $$$"""{"id":{{{frameId}}},"commandType":"Common","sendTime":1740801606000,"message":{"type":"pdd_trade_TradeConfirmed","mallID":{{{shop.MallId}}},"content":"{\"mall_id\":{{{shop.MallId}}},\"tid\":\"{{{orderSn}}}\"}"}}""";
        Pmc.SendRaw(shop.App.AppKey, frame, frameId, "pdd_trade_TradeConfirmed", shop.MallId.ToString());

        await WaitUntilAsync(() => Task.FromResult(Pmc.Acks.Count(a => a.Id == frameId) > acksBefore), "the repeat is acknowledged");
        await WaitUntilAsync(async () => (await AttemptsAsync(shop.Code)).Any(a => a!["reason"]?.GetValue<string>()?.Contains("taken before") == true),
            "the repeat is recorded as skipped");
        var kept = (await InboxAsync(null, orderSn)).Where(i => i["format"]!.GetValue<string>() == "pinduoduo.push").ToList();
        kept.Count(i => i["payload"]!.GetValue<string>().Contains(frameId)).ShouldBe(1);
        (await OrdersAsync(orderSn)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_wrong_secret_opens_no_connection_and_the_health_says_why()
    {
        var refusedBefore = Pmc.RefusedHandshakes;
        await using var shop = await ConnectAsync(wrongSecret: "not-the-secret", waitUntilConnected: false);

        await WaitUntilAsync(async () => (await HealthAsync(shop.Code))?["lastError"] is not null, "the health shows the error");
        var health = (await HealthAsync(shop.Code))!;
        health["state"]!.GetValue<string>().ShouldNotBe("connected");
        health["lastError"]!.GetValue<string>().ShouldContain("401");
        health["appKey"]!.GetValue<string>().ShouldBe(shop.App.AppKey);
        Pmc.RefusedHandshakes.ShouldBeGreaterThan(refusedBefore);
        Pmc.OpenConnectionsOf(shop.App.AppKey).ShouldBe(0);
    }

    [Fact]
    public async Task After_the_server_drops_the_connection_the_client_reconnects_and_later_frames_arrive()
    {
        await using var shop = await ConnectAsync();
        var first = NewOrderSn();
        Pmc.PlaceOrder(shop.App, shop.MallId, OldOrder(first));
        await WaitUntilAsync(async () => (await OrdersAsync(first)).Count == 1, "the first order arrives");
        var connectedAt = (await HealthAsync(shop.Code))!["connectedAt"]!.GetValue<DateTimeOffset>();

        Pmc.DropConnections();
        await WaitUntilAsync(async () => (await HealthAsync(shop.Code)) is { } h && h["state"]!.GetValue<string>() == "connected"
                                          && h["connectedAt"]!.GetValue<DateTimeOffset>() > connectedAt, "the client reconnects");
        var second = NewOrderSn();
        Pmc.PlaceOrder(shop.App, shop.MallId, OldOrder(second));

        await WaitUntilAsync(async () => (await OrdersAsync(second)).Count == 1, "the order placed after the reconnect arrives");
        (await HealthAsync(shop.Code))!["failures"]!.GetValue<int>().ShouldBe(0);
    }

    [Fact]
    public async Task A_malformed_frame_is_kept_as_rejected_and_acknowledged()
    {
        await using var shop = await ConnectAsync();
        const string id = "4611686018427387904";
        var frame = $$$"""{"id":{{{id}}},"commandType":"Common","sendTime":1740801606000,"message":{"type":"pdd_trade_TradeConfirmed","mallID":{{{shop.MallId}}},"content":"not json at all"}}""";

        Pmc.SendRaw(shop.App.AppKey, frame, id, "pdd_trade_TradeConfirmed", shop.MallId.ToString());

        await WaitUntilAsync(() => Task.FromResult(Pmc.IsAcknowledged(id)), "the malformed frame is acknowledged");
        var rejected = (await InboxAsync("rejected", id)).Single();
        rejected["source"]!.GetValue<string>().ShouldBe("pmc:pinduoduo");
        rejected["errors"]!.ToJsonString().ShouldContain("message.content");
        (await AttemptsAsync(shop.Code)).ShouldContain(a => a!["outcome"]!.GetValue<string>() == "unreadable");
    }

    [Fact]
    public async Task A_frame_for_a_mall_that_is_no_shop_is_recorded_as_refused_and_acknowledged()
    {
        await using var shop = await ConnectAsync();
        var strangerMall = shop.MallId + 1;
        var orderSn = NewOrderSn();

        var frameId = Pmc.Publish(shop.App.AppKey, strangerMall, "pdd_trade_TradeConfirmed", orderSn);

        await WaitUntilAsync(() => Task.FromResult(Pmc.IsAcknowledged(frameId)), "the frame is acknowledged");
        var attempt = (await AttemptsAsync($"mall:{strangerMall}")).Single()!;
        attempt["outcome"]!.GetValue<string>().ShouldBe("refused");
        attempt["reason"]!.GetValue<string>().ShouldContain(strangerMall.ToString());
        (await InboxAsync(null, orderSn)).ShouldBeEmpty();
    }
}

public sealed class PmcFeedTestsOnSqlite(PmcSqliteHost host) : PmcFeedTests(host), IClassFixture<PmcSqliteHost>;
public sealed class PmcFeedTestsOnPostgres(PmcPostgresHost host) : PmcFeedTests(host), IClassFixture<PmcPostgresHost>;

/// <summary>
/// The connection alone against the fake feed, with a handler that fails once as a database would: no Ack leaves before
/// the handler succeeded, so the feed redelivers. Runs once: no database is involved.
/// </summary>
public sealed class PmcConnectionTests : IAsyncLifetime
{
    private FakePmcServer _pmc = null!;

    public async ValueTask InitializeAsync() => _pmc = await FakePmcServer.StartAsync(TimeSpan.FromSeconds(1));

    public async ValueTask DisposeAsync() => await _pmc.DisposeAsync();

    [Fact]
    public async Task A_frame_whose_storage_fails_is_not_acknowledged_and_comes_again()
    {
        var app = new FakeShop("pdd-unit", "unit-secret", "t");
        _pmc.AddApp(app);
        var calls = 0;
        var stored = false;
        var ackedBeforeStored = false;
        _pmc.OnAck = _ => { ackedBeforeStored |= !Volatile.Read(ref stored); return Task.CompletedTask; };
        var options = new PmcOptions { Address = _pmc.Address, ReconnectBaseSeconds = 0.1, ReconnectMaxSeconds = 0.5 };
        var connection = new PmcConnection(app.AppKey, app.AppSecret, options, (frame, ct) =>
        {
            if (Interlocked.Increment(ref calls) == 1) throw new InvalidOperationException("the database is down");
            Volatile.Write(ref stored, true);
            return Task.FromResult(Ordo.Core.Channels.Pinduoduo.PinduoduoPmcMessages.AckFrameFor(
                System.Text.Json.JsonDocument.Parse(frame).RootElement, DateTimeOffset.UtcNow));
        }, TimeProvider.System, NullLogger<PmcConnection>.Instance);
        using var stop = new CancellationTokenSource();
        var running = connection.RunAsync(stop.Token);

        var id = _pmc.Publish(app.AppKey, 77, "pdd_trade_TradeConfirmed", "250301-000000000000001");

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!_pmc.IsAcknowledged(id) && DateTime.UtcNow < deadline) await Task.Delay(50);
        _pmc.IsAcknowledged(id).ShouldBeTrue();
        calls.ShouldBeGreaterThanOrEqualTo(2);
        _pmc.Deliveries(id).ShouldBeGreaterThanOrEqualTo(2);
        ackedBeforeStored.ShouldBeFalse();
        connection.Health().Failures.ShouldBe(0);

        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(30));
        connection.Health().State.ShouldBe("stopped");
        while (_pmc.OpenConnectionsOf(app.AppKey) > 0 && DateTime.UtcNow < deadline) await Task.Delay(50);
        _pmc.OpenConnectionsOf(app.AppKey).ShouldBe(0);
    }
}
