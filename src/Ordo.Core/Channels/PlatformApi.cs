using System.Text.Json;
using Ordo.Core.Orders;

namespace Ordo.Core.Channels;

/// <summary>Where and as whom Ordo calls a shop's platform API (secrets already opened, in memory only).</summary>
public sealed record ApiConnection(Uri BaseUrl, string? AppKey, string? AppSecret, string? AccessToken);

/// <summary>A time range over the platform's order modified/update time, UTC, end exclusive.</summary>
public sealed record PullWindow(DateTimeOffset From, DateTimeOffset To);

/// <summary>
/// An HTTP request described as data, so that request building and signing stay pure and testable; the server sends it.
/// </summary>
public sealed record ApiCall(HttpMethod Method, Uri Url, IReadOnlyDictionary<string, string> Headers, string? Body = null, string? ContentType = null)
{
    public static readonly IReadOnlyDictionary<string, string> NoHeaders = new Dictionary<string, string>();
}

/// <summary>The platform's HTTP answer as received.</summary>
public sealed record ApiAnswer(int StatusCode, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) =>
        Headers.TryGetValue(name, out var v) ? v : Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
}

/// <summary>
/// A failure the platform reported (or a transport-level one): its code and message as the platform gave them,
/// whether trying again later can help (rate limits, 5xx, timeouts) and when, if the platform said.
/// </summary>
public sealed record ApiError(string Code, string Message, bool Retryable, TimeSpan? RetryAfter = null);

public sealed record ApiResult<T>(T? Value, ApiError? Error)
{
    public bool Succeeded => Error is null;
    public static ApiResult<T> Ok(T value) => new(value, null);
    public static ApiResult<T> Fail(ApiError error) => new(default, error);
}

/// <summary>
/// One page of a modified-time query: orders whose full native object came in the list, ids of orders the list only
/// names (fetched one by one with <see cref="IPlatformApi.GetOrder"/>), and the token of the next page (null: last page).
/// </summary>
public sealed record PullPage(IReadOnlyList<JsonElement> Orders, IReadOnlyList<string> OrderIdsToFetch, string? NextPageToken);

/// <summary>
/// A shipment to write back: the platform order, the carrier in the platform's own code space, the tracking number,
/// and for a split shipment the platform's sub-order (line) ids it covers.
/// </summary>
public sealed record ShipmentNotice(string PlatformOrderId, string CarrierCode, string TrackingNumber, IReadOnlyList<string>? SubOrderIds = null);

/// <summary>
/// A quantity to set on one platform listing: the platform's item (product, goods) id, its SKU (variant) id when the
/// item has several, and the units it may sell. <see cref="LocationId"/> is the stock location where the platform
/// keeps stock per location (Shopify). <see cref="CurrentQuantity"/> is what the platform holds now, filled in by
/// <see cref="IPlatformApi.ReadPrepareSetStock"/> for platforms whose stock call is a change, not a value (Kuaishou).
/// </summary>
public sealed record StockUpdate(string ItemId, string? SkuId, int Quantity, string? LocationId = null, int? CurrentQuantity = null);

/// <summary>
/// A platform's order API as Ordo uses it: list orders by modified time (pull sync), get one order (after an id-only
/// push), and send a shipment (write-back). Pure: builds signed requests as <see cref="ApiCall"/> and reads answers;
/// never throws, never does I/O, takes the time from its caller.
/// </summary>
public interface IPlatformApi
{
    IReadOnlyList<Platform> Platforms { get; }

    /// <summary>The longest time range one list query may cover (the platform's documented limit).</summary>
    TimeSpan MaxWindow { get; }

    ApiCall ListModified(ApiConnection connection, PullWindow window, string? pageToken, DateTimeOffset now);
    ApiResult<PullPage> ReadList(ApiAnswer answer);

    /// <summary>
    /// Reads a list answer knowing the page token its request was built with. Page-number paging needs this: list
    /// answers rarely say which page they are, so the next page cannot be told from the answer alone. Callers should
    /// use this overload; cursor platforms, whose answer carries the next cursor, need not override it.
    /// </summary>
    ApiResult<PullPage> ReadList(ApiAnswer answer, string? pageToken) => ReadList(answer);

    ApiCall GetOrder(ApiConnection connection, string platformOrderId, DateTimeOffset now);
    ApiResult<JsonElement> ReadOrder(ApiAnswer answer);

    /// <summary>
    /// A call to make before <see cref="Ship"/> when the platform needs ids Ordo does not keep (Shopify ships
    /// fulfillment orders, not orders); null when none is needed.
    /// </summary>
    ApiCall? PrepareShip(ApiConnection connection, ShipmentNotice shipment, DateTimeOffset now) => null;

    /// <summary>Completes the shipment with what <see cref="PrepareShip"/> answered.</summary>
    ApiResult<ShipmentNotice> ReadPrepareShip(ApiAnswer answer, ShipmentNotice shipment) => ApiResult<ShipmentNotice>.Ok(shipment);

    ApiCall Ship(ApiConnection connection, ShipmentNotice shipment, DateTimeOffset now);
    /// <summary>The platform's confirmation (kept with the write-back attempt), or its error.</summary>
    ApiResult<string> ReadShip(ApiAnswer answer);

    /// <summary>
    /// A call to make before <see cref="SetStock"/> when the platform's stock call changes stock by an amount rather
    /// than setting it (Kuaishou): it reads the listing's current quantity. Null when none is needed.
    /// </summary>
    ApiCall? PrepareSetStock(ApiConnection connection, StockUpdate update, DateTimeOffset now) => null;

    /// <summary>Completes the update with what <see cref="PrepareSetStock"/> answered (<see cref="StockUpdate.CurrentQuantity"/>).</summary>
    ApiResult<StockUpdate> ReadPrepareSetStock(ApiAnswer answer, StockUpdate update) => ApiResult<StockUpdate>.Ok(update);

    /// <summary>
    /// Sets the units the listing may sell to <see cref="StockUpdate.Quantity"/>, as an absolute value wherever the
    /// platform allows it, so that a retried or duplicated call changes nothing more.
    /// </summary>
    ApiCall SetStock(ApiConnection connection, StockUpdate update, DateTimeOffset now);

    /// <summary>The platform's confirmation (kept with the push), or its error.</summary>
    ApiResult<string> ReadSetStock(ApiAnswer answer);
}
