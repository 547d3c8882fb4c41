using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ordo.Core.Channels;
using Ordo.Core.Orders;
using Ordo.Simulator.Platforms;

namespace Ordo.Simulator;

/// <param name="Duration">How long <see cref="Simulation.RunAsync"/> places orders; null: until cancelled (the server's demo
/// mode), with the outage and the burst coming back every <see cref="Simulation.OpenEndedCycle"/>.</param>
/// <param name="OrdersPerSecond">Across all shops; a burst runs at ten times this.</param>
public sealed record SimulationOptions(TimeSpan? Duration, double OrdersPerSecond, string ShopPrefix = "SIM", int Seed = 0)
{
    /// <summary>
    /// Shop codes without a per-run suffix (<c>{prefix}-{channel code}</c>), and a shop that already exists is
    /// reconnected to this run's fakes instead of refused: a simulation started again uses the same shops.
    /// </summary>
    public bool FixedShopCodes { get; init; }

    /// <summary>
    /// When set, each fake shop's credentials are derived from it and the shop code (HMAC-SHA-256) instead of drawn at
    /// random, so that a shop's credentials stored in Ordo still match its fake after a restart. Keep it secret.
    /// </summary>
    public string? CredentialSeed { get; init; }
}

/// <summary>What the simulation did, for its summary line and for tests. Written by <see cref="Simulation.RunAsync"/> only.</summary>
public sealed class SimulationReport
{
    public int OrdersPlaced;
    public int Updates;
    public int PushesSent;
    public int PushesRefusedByOrdo;
    public int DuplicatePushes;
    public int StalePushes;
    /// <summary>Length of the last outage.</summary>
    public int OutageSeconds;
    public int Outages;
    public Platform? LastOutage;
    public Dictionary<Platform, int> PlacedByPlatform { get; } = [];
}

/// <summary>
/// Drives realistic traffic into a running Ordo: one fake shop per platform served on a loopback port and connected
/// to Ordo (credentials, apiBaseUrl, push on), SKUs in the catalogue, then orders placed on the fakes over time — some
/// unpaid and paid later, some cancelled before shipping — announced by signed pushes where the platform pushes over
/// HTTP (Douyin, Youzan, Shopify, WooCommerce) and otherwise left for the pull sync; duplicate and out-of-order pushes,
/// a promotion-night burst and a platform outage (502s) along the way. Ordo's job is to end up with every order, once.
/// </summary>
public sealed class Simulation(HttpClient ordo, SimulationOptions options, Action<string> log) : IAsyncDisposable
{
    public static readonly string[] Skus = ["SIM-MUG", "SIM-TEE", "SIM-BOX"];
    private static readonly Platform[] PlatformsSimulated =
        [Platform.Taobao, Platform.Jd, Platform.Pinduoduo, Platform.Douyin, Platform.Kuaishou, Platform.Youzan, Platform.Shopify, Platform.Woocommerce];

    /// <summary>Length of one round of outage and burst when the simulation runs without an end.</summary>
    public static readonly TimeSpan OpenEndedCycle = TimeSpan.FromMinutes(5);
    /// <summary>How long an open-ended simulation keeps an order on its fake (pulls, updates, write-backs); older ones are forgotten so memory stays flat.</summary>
    public static readonly TimeSpan OpenEndedMemory = TimeSpan.FromHours(1);

    private readonly List<(Platform Platform, string Code, FakePlatformHost Host)> _shops = [];
    private readonly Random _random = new(options.Seed == 0 ? Environment.TickCount : options.Seed);
    private readonly IReadOnlyList<(Platform Platform, string Code)> _codes = ShopCodes(options);
    public SimulationReport Report { get; } = new();

    /// <summary>The shops this simulation drives, one per platform; known before they are started.</summary>
    public IReadOnlyList<(Platform Platform, string Code)> Shops => _codes;

    /// <summary>The fake platforms' base URLs once they are started, by shop code.</summary>
    public IReadOnlyDictionary<string, Uri> ApiBaseUrls => _shops.ToDictionary(s => s.Code, s => s.Host.BaseUrl);

    /// <summary>
    /// The orders each fake holds, by shop code: what a simulation started again hands to
    /// <see cref="StartPlatformsAsync"/>, so that Ordo's fetches and write-backs of them still find them.
    /// </summary>
    public IReadOnlyDictionary<string, List<FakeOrder>> HeldOrders => _shops.ToDictionary(s => s.Code, s => s.Host.Shop.Orders.Values.ToList());

    private static List<(Platform, string)> ShopCodes(SimulationOptions options)
    {
        var run = options.FixedShopCodes ? "" : "-" + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        return PlatformsSimulated.Select(p => (p, $"{options.ShopPrefix}-{p.ChannelCode()}{run}")).ToList();
    }

    /// <summary>Starts the fake platforms and connects a shop for each to Ordo.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        await StartPlatformsAsync(null, null, ct);
        await ConnectAsync(ct);
    }

    /// <summary>
    /// Starts one fake platform per shop on a loopback port: the port in <paramref name="preferredPorts"/> (by shop
    /// code) when it is free, so that Ordo's stored apiBaseUrl still reaches it, otherwise any free port; each fake
    /// holds the shop's orders from <paramref name="heldOrders"/> (see <see cref="HeldOrders"/>). Needs no Ordo.
    /// </summary>
    public async Task StartPlatformsAsync(IReadOnlyDictionary<string, int>? preferredPorts, IReadOnlyDictionary<string, List<FakeOrder>>? heldOrders, CancellationToken ct)
    {
        foreach (var (platform, code) in _codes)
        {
            var shop = NewShop(platform, code);
            foreach (var order in heldOrders?.GetValueOrDefault(code) ?? []) shop.Put(order);
            var host = await FakePlatformHost.StartAsync(FakePlatforms.For(platform), shop, ct: ct, port: preferredPorts?.GetValueOrDefault(code) ?? 0);
            _shops.Add((platform, code, host));
        }
    }

    private FakeShop NewShop(Platform platform, string code)
    {
        // Kuaishou pushes carry an AES key: a valid base64 secret serves both its API and its push.
        if (options.CredentialSeed is not { } seed)
            return new FakeShop("sim-" + platform.Name(), Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)), "token-" + Guid.NewGuid().ToString("N")[..12]);
        byte[] Derive(string purpose) => HMACSHA256.HashData(Encoding.UTF8.GetBytes(seed), Encoding.UTF8.GetBytes($"{purpose}:{code}"));
        return new FakeShop("sim-" + platform.Name(), Convert.ToBase64String(Derive("secret")[..16]), "token-" + Convert.ToHexStringLower(Derive("token"))[..12]);
    }

    /// <summary>Creates the SKUs and connects each started fake's shop to Ordo (credentials, apiBaseUrl, push on).</summary>
    public async Task ConnectAsync(CancellationToken ct)
    {
        foreach (var sku in Skus)
        {
            var r = await ordo.PostAsJsonAsync("/api/v1/skus", new { code = sku, name = sku }, ct);
            if (r.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.Conflict)) throw new InvalidOperationException($"creating SKU {sku}: {(int)r.StatusCode}");
        }
        foreach (var (platform, code, host) in _shops)
        {
            var shop = host.Shop;
            var connection = new Dictionary<string, object>
            {
                ["appKey"] = shop.AppKey, ["appSecret"] = shop.AppSecret, ["accessToken"] = shop.AccessToken, ["apiBaseUrl"] = host.BaseUrl.ToString(),
                ["pullIntervalSeconds"] = 10, ["pushEnabled"] = true,
            };
            var response = await ordo.PostAsJsonAsync("/api/v1/shops",
                new Dictionary<string, object>(connection) { ["platform"] = platform.Name(), ["code"] = code, ["name"] = $"模拟店 {platform.Name()}" }, ct);
            if (response.StatusCode == HttpStatusCode.Conflict && options.FixedShopCodes)
                response = await ordo.PatchAsJsonAsync($"/api/v1/shops/{code}", connection, ct);
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"connecting {code}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
            log($"shop {code}: fake {platform.Name()} API at {host.BaseUrl}");
        }
        await StockUpAsync(ct);
    }

    /// <summary>Units the simulation receives for a SKU at the start and whenever its ATP falls below <see cref="ReorderLevel"/>.</summary>
    public const int ReceiptUnits = 2000;
    public const int ReorderLevel = 500;
    private string? _warehouse;

    /// <summary>
    /// When the merchant keeps stock in Ordo (a warehouse exists), the simulated SKUs get opening stock (booked once,
    /// by its reference, however often the simulation starts) and are sold on every fake shop, so that their stock is
    /// pushed to the platforms: the live-stream channels on fixed shares, the rest from the shared pool, and only the
    /// core channels once ATP is low. Without a warehouse the SKUs hold no stock and none of this applies.
    /// </summary>
    private async Task StockUpAsync(CancellationToken ct)
    {
        var warehouses = await ordo.GetFromJsonAsync<JsonElement>("/api/v1/warehouses", ct);
        var list = warehouses.ValueKind == JsonValueKind.Array ? warehouses : warehouses.GetProperty("items");
        if (list.GetArrayLength() == 0) return;
        _warehouse = list[0].GetProperty("code").GetString();
        for (var i = 0; i < Skus.Length; i++)
        {
            await ReceiveAsync(Skus[i], "simulation-opening-stock", ct);
            var item = (880_001 + i).ToString(CultureInfo.InvariantCulture);
            var channels = new List<Dictionary<string, object?>>();
            foreach (var (platform, code, host) in _shops)
            {
                // Shopify and WooCommerce list the product itself here; the others a SKU of an item. Each fake
                // platform knows the listing before Ordo pushes to it (Kuaishou reads the stock it shows first).
                var sku = platform is Platform.Shopify or Platform.Woocommerce ? null : (990_001 + i).ToString(CultureInfo.InvariantCulture);
                host.Shop.Stock.TryAdd(FakeShop.StockKey(item, sku), 0);
                channels.Add(new()
                {
                    ["shop"] = code,
                    ["core"] = platform is Platform.Taobao or Platform.Jd or Platform.Shopify,
                    ["sharePercent"] = platform switch { Platform.Douyin => 20m, Platform.Kuaishou => 10m, _ => null },
                    ["platformItemId"] = item,
                    ["platformSkuId"] = sku,
                    ["platformLocationId"] = platform == Platform.Shopify ? "655441491" : null,
                });
            }
            using var response = await ordo.PutAsJsonAsync($"/api/v1/skus/{Skus[i]}/channels", new { lowStockThreshold = ReorderLevel / 5, channels }, ct);
            if (!response.IsSuccessStatusCode) log($"listing {Skus[i]} on the shops answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
        }
        log($"stock: {string.Join(", ", Skus)} received into {_warehouse} and listed on every shop");
    }

    /// <summary>Receives more of every simulated SKU whose ATP fell below the reorder level (the merchant restocking).</summary>
    private async Task ReplenishAsync(CancellationToken ct)
    {
        if (_warehouse is null) return;
        foreach (var sku in Skus)
        {
            var stock = await ordo.GetFromJsonAsync<JsonElement>($"/api/v1/inventory/{sku}", ct);
            if (stock.GetProperty("atp").GetInt32() >= ReorderLevel) continue;
            await ReceiveAsync(sku, $"simulation-restock-{DateTimeOffset.UtcNow:yyyyMMddHHmmss}", ct);
            log($"stock: {sku} restocked with {ReceiptUnits} units");
        }
    }

    private async Task ReceiveAsync(string sku, string reference, CancellationToken ct)
    {
        using var response = await ordo.PostAsJsonAsync("/api/v1/inventory/receipts",
            new { sku, warehouse = _warehouse, quantity = ReceiptUnits, reference, reason = "simulated supplier delivery" }, ct);
        if (!response.IsSuccessStatusCode) log($"receiving {sku} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
    }

    /// <summary>Runs the traffic for the configured duration, or until <paramref name="ct"/> is cancelled when there is none.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        var end = options.Duration is { } duration ? started + duration : DateTimeOffset.MaxValue;
        var cycle = options.Duration ?? OpenEndedCycle;
        var cycleStart = started;
        var placed = new List<(int Shop, FakeOrder Order, OrderStatus Status)>();
        var sequence = 0;
        var outageDone = false;
        (FakeShop Shop, DateTimeOffset Until)? outage = null;
        while (DateTimeOffset.UtcNow < end && !ct.IsCancellationRequested)
        {
            var now = DateTimeOffset.UtcNow;
            if (now >= cycleStart + cycle)
            {
                cycleStart += cycle;
                outageDone = false;
                Forget(placed, now - OpenEndedMemory);
                await ReplenishAsync(ct);
            }
            if (outage is { } current && now >= current.Until)
            {
                current.Shop.Down = false;
                outage = null;
                log("outage over");
            }
            // A platform outage of a tenth of the cycle: its API answers 502 while its buyers keep ordering.
            if (!outageDone && now >= cycleStart + cycle / 3)
            {
                outageDone = true;
                var down = _shops[_random.Next(_shops.Count)];
                down.Host.Shop.Down = true;
                Report.OutageSeconds = (int)Math.Max(1, cycle.TotalSeconds / 10);
                Report.Outages++;
                Report.LastOutage = down.Platform;
                outage = (down.Host.Shop, now.AddSeconds(Report.OutageSeconds));
                log($"outage: {down.Platform.Name()} answers 502 for {Report.OutageSeconds} s");
            }
            var burstAt = cycleStart + cycle / 2;
            var burst = now >= burstAt && now < burstAt + TimeSpan.FromSeconds(3);
            var count = burst ? 10 : 1;
            for (var k = 0; k < count; k++)
            {
                var shopIndex = sequence++ % _shops.Count;
                var (platform, _, host) = _shops[shopIndex];
                var fake = host.Api;
                var unpaid = _random.NextDouble() < 0.25;
                var id = NewId(platform, sequence);
                var order = fake.NewOrder(id, unpaid ? OrderStatus.PendingPayment : OrderStatus.Paid, now.AddSeconds(-30), now,
                    Skus[_random.Next(Skus.Length)], 1 + _random.Next(3), 19.90m + _random.Next(0, 5) * 10);
                host.Shop.Put(order);
                placed.Add((shopIndex, order, unpaid ? OrderStatus.PendingPayment : OrderStatus.Paid));
                Report.OrdersPlaced++;
                Report.PlacedByPlatform[platform] = Report.PlacedByPlatform.GetValueOrDefault(platform) + 1;
                await PushAsync(shopIndex, order, ct);
                if (_random.NextDouble() < 0.05) { Report.DuplicatePushes++; await PushAsync(shopIndex, order, ct); }
            }
            // Earlier orders move on: unpaid ones get paid (or are cancelled), a few paid ones are cancelled before shipping.
            if (placed.Count > 5 && _random.NextDouble() < 0.4)
            {
                var i = _random.Next(placed.Count);
                var (shopIndex, before, status) = placed[i];
                var next = status == OrderStatus.PendingPayment ? (_random.NextDouble() < 0.8 ? OrderStatus.Paid : OrderStatus.Cancelled)
                    : status == OrderStatus.Paid && _random.NextDouble() < 0.2 ? OrderStatus.Cancelled : (OrderStatus?)null;
                if (next is { } moved)
                {
                    var host = _shops[shopIndex].Host;
                    var later = host.Api.NewOrder(before.PlatformOrderId, moved, before.ModifiedAt.AddSeconds(-30), DateTimeOffset.UtcNow, Skus[0], 1, 19.90m);
                    host.Shop.Put(later);
                    placed[i] = (shopIndex, later, moved);
                    Report.Updates++;
                    await PushAsync(shopIndex, later, ct);
                    // The older version arrives after the newer one, as platforms' pushes do: Ordo must keep the newer.
                    if (_random.NextDouble() < 0.3) { Report.StalePushes++; await PushAsync(shopIndex, before, ct); }
                }
            }
            await Task.Delay(TimeSpan.FromSeconds(1 / Math.Max(0.1, options.OrdersPerSecond)), ct);
        }
    }

    /// <summary>Drops orders last changed before <paramref name="before"/> from the fakes and from those that may still change.</summary>
    private void Forget(List<(int Shop, FakeOrder Order, OrderStatus Status)> placed, DateTimeOffset before)
    {
        placed.RemoveAll(p => p.Order.ModifiedAt < before);
        foreach (var (_, _, host) in _shops)
            foreach (var (id, order) in host.Shop.Orders)
                if (order.ModifiedAt < before) host.Shop.Orders.TryRemove(id, out _);
    }

    private static string NewId(Platform platform, int sequence)
    {
        var stamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds() % 100_000_000;
        return platform switch
        {
            Platform.Pinduoduo => $"{DateTimeOffset.UtcNow:yyMMdd}-{stamp:D8}{sequence:D7}",
            Platform.Youzan => $"E{DateTimeOffset.UtcNow:yyyyMMdd}{stamp:D8}{sequence:D6}",
            // WooCommerce order ids are post ids: small integers.
            Platform.Woocommerce => (100_000 + stamp % 1_000_000 * 100 + sequence % 100).ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ => $"6{stamp:D8}{sequence:D7}",
        };
    }

    /// <summary>Sends the platform's own push for the order, signed as the platform signs it; platforms without an HTTP push are pulled.</summary>
    private async Task PushAsync(int shopIndex, FakeOrder order, CancellationToken ct)
    {
        var (platform, code, host) = _shops[shopIndex];
        var shop = host.Shop;
        string body;
        var headers = new List<(string, string)>();
        switch (platform)
        {
            case Platform.Douyin:
                var data = new JsonObject { ["p_id"] = order.PlatformOrderId, ["s_ids"] = new JsonArray(order.PlatformOrderId), ["shop_id"] = 1, ["order_status"] = 2 }.ToJsonString();
                body = new JsonArray(new JsonObject { ["tag"] = "101", ["msg_id"] = Guid.NewGuid().ToString("N"), ["data"] = data }).ToJsonString();
                headers.Add(("event-sign", Signing.Md5Hex(shop.AppKey, Encoding.UTF8.GetBytes(body), shop.AppSecret)));
                break;
            case Platform.Youzan:
                var msg = Uri.EscapeDataString(new JsonObject { ["tid"] = order.PlatformOrderId }.ToJsonString());
                body = new JsonObject
                {
                    ["client_id"] = shop.AppKey, ["kdt_id"] = 1, ["id"] = order.PlatformOrderId, ["type"] = "trade_TradeBuyerPay", ["status"] = "WAIT_SELLER_SEND_GOODS",
                    ["msg"] = msg, ["msg_id"] = Guid.NewGuid().ToString("N"), ["version"] = 1, ["sendCount"] = 0, ["test"] = false,
                }.ToJsonString();
                headers.Add(("Event-Sign", Signing.Md5Hex(shop.AppKey, Encoding.UTF8.GetBytes(body), shop.AppSecret)));
                headers.Add(("Client-Id", shop.AppKey));
                headers.Add(("Event-Type", "trade_TradeBuyerPay"));
                break;
            case Platform.Shopify:
                body = order.NativeJson;
                headers.Add(("X-Shopify-Hmac-Sha256", Signing.HmacSha256Base64(shop.AppSecret, Encoding.UTF8.GetBytes(body))));
                headers.Add(("X-Shopify-Topic", "orders/updated"));
                headers.Add(("X-Shopify-Webhook-Id", Guid.NewGuid().ToString()));
                break;
            case Platform.Woocommerce:
                body = order.NativeJson;
                headers.Add(("X-WC-Webhook-Signature", Signing.HmacSha256Base64(shop.AppSecret, Encoding.UTF8.GetBytes(body))));
                headers.Add(("X-WC-Webhook-Topic", "order.updated"));
                headers.Add(("X-WC-Webhook-Delivery-ID", Guid.NewGuid().ToString("N")));
                break;
            default:
                return; // pulled
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/hooks/{platform.Name()}/{code}")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        // The same client as the API calls (an Ordo API key on a push is ignored: the hook checks the platform's signature).
        using var response = await ordo.SendAsync(request, ct);
        Report.PushesSent++;
        if (!response.IsSuccessStatusCode)
        {
            Report.PushesRefusedByOrdo++;
            log($"push to {code} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, _, host) in _shops) await host.DisposeAsync();
    }
}
