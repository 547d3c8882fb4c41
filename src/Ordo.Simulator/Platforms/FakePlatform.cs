using System.Collections.Concurrent;
using Ordo.Core.Orders;

namespace Ordo.Simulator.Platforms;

/// <summary>An HTTP request as a fake platform sees it: method, path, query, headers (case-insensitive) and body text.</summary>
public sealed record FakeRequest(string Method, string Path, IReadOnlyDictionary<string, string> Query, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) =>
        Headers.TryGetValue(name, out var v) ? v : Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
}

/// <summary>
/// A fake platform's answer; <paramref name="Headers"/> are extra response headers for platforms whose protocol lives
/// partly in headers (Shopify's and WordPress's <c>Link</c> paging, <c>Retry-After</c>).
/// </summary>
public sealed record FakeResponse(int StatusCode, string Body, string ContentType = "application/json", IReadOnlyDictionary<string, string>? Headers = null);

/// <summary>An order a fake platform holds: its id, its modified time (what pull queries filter on) and its native JSON.</summary>
public sealed record FakeOrder(string PlatformOrderId, DateTimeOffset ModifiedAt, string NativeJson);

/// <summary>A shipment a fake platform received through its write-back call.</summary>
public sealed record FakeShipment(string PlatformOrderId, string CarrierCode, string TrackingNumber, IReadOnlyList<string> SubOrderIds, DateTimeOffset At);

/// <summary>A stock-update call a fake platform received: the listing (item, and SKU when named) and the quantity it now sells.</summary>
public sealed record FakeStockUpdate(string ItemId, string? SkuId, int Quantity, DateTimeOffset At);

/// <summary>
/// One shop on a fake platform: the credentials it checks signatures with, its orders, the shipments written back to
/// it, and switches to simulate trouble (an outage answering 502, write-backs failing). Thread-safe.
/// </summary>
public sealed class FakeShop(string appKey, string appSecret, string accessToken)
{
    public string AppKey { get; } = appKey;
    public string AppSecret { get; } = appSecret;
    public string AccessToken { get; } = accessToken;
    public ConcurrentDictionary<string, FakeOrder> Orders { get; } = new();
    public ConcurrentQueue<FakeShipment> Shipments { get; } = new();
    /// <summary>While true every API call answers HTTP 502.</summary>
    public volatile bool Down;
    /// <summary>How many of the next write-back calls fail with a platform error (counts down).</summary>
    public int FailNextShipments;
    /// <summary>How long the platform takes to answer each call over HTTP (a slow platform widens races for tests to find).</summary>
    public TimeSpan Latency { get; set; }
    /// <summary>Calls answered, for tests that check paging and rate limits.</summary>
    public int Calls;
    /// <summary>The quantity each listing sells, by <see cref="StockKey"/>: what stock-update calls set.</summary>
    public ConcurrentDictionary<string, int> Stock { get; } = new();
    /// <summary>Every stock-update call taken, in order.</summary>
    public ConcurrentQueue<FakeStockUpdate> StockUpdates { get; } = new();
    /// <summary>How many of the next stock-update calls fail with a platform error (counts down).</summary>
    public int FailNextStockUpdates;

    public void Put(FakeOrder order) => Orders[order.PlatformOrderId] = order;

    public static string StockKey(string itemId, string? skuId) => string.IsNullOrEmpty(skuId) ? itemId : $"{itemId}/{skuId}";

    /// <summary>The quantity a listing sells now; null when no stock was ever set for it.</summary>
    public int? StockOf(string itemId, string? skuId = null) => Stock.TryGetValue(StockKey(itemId, skuId), out var q) ? q : null;

    /// <summary>Records a stock-update call: the listing now sells <paramref name="quantity"/>.</summary>
    public void SetStock(string itemId, string? skuId, int quantity, DateTimeOffset now)
    {
        skuId = string.IsNullOrEmpty(skuId) ? null : skuId;
        Stock[StockKey(itemId, skuId)] = quantity;
        StockUpdates.Enqueue(new FakeStockUpdate(itemId, skuId, quantity, now));
    }
}

/// <summary>
/// A fake of one platform's order API speaking its documented format: list by modified time with paging, order
/// detail, and the ship (write-back) call; it refuses requests whose signature or token does not match the shop's.
/// Used by tests and by <c>ordo simulate</c>. Pure request handling: the hosting is elsewhere.
/// </summary>
public interface IFakePlatformApi
{
    IReadOnlyList<Platform> Platforms { get; }

    /// <summary>Answers one request for <paramref name="shop"/>, or null when the path is not part of this API.</summary>
    FakeResponse? Handle(FakeRequest request, FakeShop shop, DateTimeOffset now);

    /// <summary>
    /// A realistic native order for this platform (the shape its order-detail API returns), for the simulator:
    /// <paramref name="status"/> is the canonical status to express in the platform's own enum.
    /// </summary>
    FakeOrder NewOrder(string platformOrderId, OrderStatus status, DateTimeOffset createdAt, DateTimeOffset modifiedAt, string sku, int quantity, decimal unitPrice);
}
