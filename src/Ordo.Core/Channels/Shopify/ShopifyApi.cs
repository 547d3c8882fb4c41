using System.Globalization;
using System.Text.Json;
using Ordo.Core.Orders;

namespace Ordo.Core.Channels.Shopify;

/// <summary>
/// Shopify's REST Admin API (version <see cref="ApiVersion"/>) as Ordo uses it. Every call carries the shop's access
/// token in <c>X-Shopify-Access-Token</c>; there is no request signature.
/// <list type="bullet">
/// <item>Pull: <c>GET /admin/api/{v}/orders.json?status=any&amp;updated_at_min&amp;updated_at_max&amp;limit&amp;order=updated_at asc</c>.
/// The list returns full orders. Paging is by cursor: the next page is the <c>page_info</c> of the <c>Link</c>
/// header's <c>rel="next"</c> URL, and a request carrying <c>page_info</c> may carry nothing else but <c>limit</c>
/// (the filters travel inside the cursor), so later pages send only those two.</item>
/// <item>Detail: <c>GET /admin/api/{v}/orders/{id}.json</c>, answering <c>{"order": …}</c>.</item>
/// <item>Write-back: <c>POST /admin/api/{v}/fulfillments.json</c> with
/// <c>fulfillment{line_items_by_fulfillment_order[{fulfillment_order_id}], tracking_info{number, company}, notify_customer}</c>.
/// Shopify removed order-level fulfilment (API 2022-07): a fulfilment is created for fulfillment orders, so
/// <see cref="ShipmentNotice.SubOrderIds"/> carries the order's fulfillment order ids (an empty
/// <c>fulfillment_order_line_items</c> fulfils everything left on each). Ship is one call, so those ids are looked
/// up beforehand with <see cref="FulfillmentOrders"/> and <see cref="ReadFulfillmentOrders"/>
/// [U: sub-order ids as fulfillment order ids is Ordo's reading. A notice without them is still sent as documented
/// and Shopify refuses it: guessing ids, or fulfilling by order, is not possible in one call.]</item>
/// <item>Stock push: <c>POST /admin/api/{v}/inventory_levels/set.json</c> with <c>location_id</c>,
/// <c>inventory_item_id</c> and <c>available</c> (the value is set). Shopify keeps stock per inventory item (one per
/// variant) and location, so a listing names the inventory item and the location.</item>
/// </list>
/// Errors: 429 (with <c>Retry-After</c> in seconds, e.g. <c>2.0</c>) and 5xx are retryable; 401, 402, 403, 404, 422
/// and 423 are not. Shopify has no error codes: the code is the HTTP status and the message is the <c>errors</c>
/// value verbatim (a string as is, an object or array as its JSON text).
/// </summary>
public sealed class ShopifyApi : IPlatformApi
{
    public const string ApiVersion = "2024-10";
    public const string TokenHeader = "X-Shopify-Access-Token";

    /// <summary>Orders per page; 250 is Shopify's documented maximum.</summary>
    public int PageSize { get; init; } = 250;

    /// <summary>
    /// Whether Shopify e-mails the buyer the shipping confirmation. On by default: it is what the admin's "mark as
    /// fulfilled" does by default, so buyers hear of a shipment written back by Ordo as they would otherwise.
    /// </summary>
    public bool NotifyCustomer { get; init; } = true;

    public IReadOnlyList<Platform> Platforms { get; } = [Platform.Shopify];

    /// <summary>
    /// Shopify documents no limit on <c>updated_at_min</c>/<c>updated_at_max</c> [U]; 30 days keeps one cursor chain
    /// (whose lifetime Shopify does not document) reasonably short.
    /// </summary>
    public TimeSpan MaxWindow => TimeSpan.FromDays(30);

    public ApiCall ListModified(ApiConnection connection, PullWindow window, string? pageToken, DateTimeOffset now)
    {
        var limit = Math.Clamp(PageSize, 1, 250).ToString(CultureInfo.InvariantCulture);
        // Both bounds are inclusive ("at or after", "at or before") and Shopify's times are whole seconds, so the
        // end-exclusive window becomes [first second ≥ From, last second < To]: nothing is read twice at a boundary.
        var query = pageToken is null
            ? RestHttp.Query(
                ("status", "any"),
                ("updated_at_min", Time(RestHttp.CeilingSecond(window.From))),
                ("updated_at_max", Time(RestHttp.CeilingSecond(window.To).AddSeconds(-1))),
                ("limit", limit),
                ("order", "updated_at asc"))
            : RestHttp.Query(("page_info", pageToken), ("limit", limit));
        return Get(connection, "orders.json?" + query);
    }

    public ApiResult<PullPage> ReadList(ApiAnswer answer)
    {
        if (Error(answer) is { } error) return ApiResult<PullPage>.Fail(error);
        if (RestHttp.Json(answer.Body) is not { ValueKind: JsonValueKind.Object } body
            || !body.TryGetProperty("orders", out var orders) || orders.ValueKind != JsonValueKind.Array)
            return ApiResult<PullPage>.Fail(RestHttp.Unexpected(answer, "expected {\"orders\": […]}"));

        var list = orders.EnumerateArray().ToList();
        if (list.Any(o => o.ValueKind != JsonValueKind.Object))
            return ApiResult<PullPage>.Fail(RestHttp.Unexpected(answer, "every element of orders must be an object"));
        var next = RestHttp.LinkTarget(answer.Header("Link"), "next") is { } url ? RestHttp.QueryValue(url, "page_info") : null;
        return ApiResult<PullPage>.Ok(new PullPage(list, [], string.IsNullOrEmpty(next) ? null : next));
    }

    public ApiCall GetOrder(ApiConnection connection, string platformOrderId, DateTimeOffset now) =>
        Get(connection, $"orders/{Uri.EscapeDataString(platformOrderId)}.json");

    public ApiResult<JsonElement> ReadOrder(ApiAnswer answer)
    {
        if (Error(answer) is { } error) return ApiResult<JsonElement>.Fail(error);
        return RestHttp.Json(answer.Body) is { ValueKind: JsonValueKind.Object } body
               && body.TryGetProperty("order", out var order) && order.ValueKind == JsonValueKind.Object
            ? ApiResult<JsonElement>.Ok(order)
            : ApiResult<JsonElement>.Fail(RestHttp.Unexpected(answer, "expected {\"order\": {…}}"));
    }

    /// <summary>The order's fulfillment orders (<c>GET /orders/{id}/fulfillment_orders.json</c>): the ids Ship needs.</summary>
    /// <summary>Shipping needs the order's fulfillment order ids, unless the shipment names them already.</summary>
    public ApiCall? PrepareShip(ApiConnection connection, ShipmentNotice shipment, DateTimeOffset now) =>
        shipment.SubOrderIds is { Count: > 0 } ? null : FulfillmentOrders(connection, shipment.PlatformOrderId, now);

    public ApiResult<ShipmentNotice> ReadPrepareShip(ApiAnswer answer, ShipmentNotice shipment)
    {
        var ids = ReadFulfillmentOrders(answer);
        if (!ids.Succeeded) return ApiResult<ShipmentNotice>.Fail(ids.Error!);
        return ids.Value!.Count == 0
            ? ApiResult<ShipmentNotice>.Fail(new ApiError("ordo.nothing_to_fulfil", $"order {shipment.PlatformOrderId} has no open fulfillment order on Shopify", false))
            : ApiResult<ShipmentNotice>.Ok(shipment with { SubOrderIds = ids.Value });
    }

    public ApiCall FulfillmentOrders(ApiConnection connection, string platformOrderId, DateTimeOffset now) =>
        Get(connection, $"orders/{Uri.EscapeDataString(platformOrderId)}/fulfillment_orders.json");

    /// <summary>The ids of the fulfillment orders that can still be fulfilled (status <c>open</c> or <c>in_progress</c>).</summary>
    public ApiResult<IReadOnlyList<string>> ReadFulfillmentOrders(ApiAnswer answer)
    {
        if (Error(answer) is { } error) return ApiResult<IReadOnlyList<string>>.Fail(error);
        if (RestHttp.Json(answer.Body) is not { ValueKind: JsonValueKind.Object } body
            || !body.TryGetProperty("fulfillment_orders", out var list) || list.ValueKind != JsonValueKind.Array)
            return ApiResult<IReadOnlyList<string>>.Fail(RestHttp.Unexpected(answer, "expected {\"fulfillment_orders\": […]}"));

        var ids = new List<string>();
        foreach (var fo in list.EnumerateArray())
        {
            if (NativeReader.Get(fo, "status") is not { ValueKind: JsonValueKind.String } status
                || status.GetString() is not ("open" or "in_progress")) continue;
            switch (NativeReader.Get(fo, "id"))
            {
                case { ValueKind: JsonValueKind.Number } n: ids.Add(n.GetRawText()); break;
                case { ValueKind: JsonValueKind.String } s when s.GetString() is { Length: > 0 } text: ids.Add(text); break;
            }
        }
        return ApiResult<IReadOnlyList<string>>.Ok(ids);
    }

    public ApiCall Ship(ApiConnection connection, ShipmentNotice shipment, DateTimeOffset now)
    {
        var body = RestHttp.JsonText(w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("fulfillment");
            w.WriteStartArray("line_items_by_fulfillment_order");
            foreach (var id in (shipment.SubOrderIds ?? []).Distinct(StringComparer.Ordinal))
            {
                // No fulfillment_order_line_items: everything still open on that fulfillment order ships.
                w.WriteStartObject();
                RestHttp.WriteId(w, "fulfillment_order_id", id);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartObject("tracking_info");
            w.WriteString("number", shipment.TrackingNumber);
            w.WriteString("company", shipment.CarrierCode);
            w.WriteEndObject();
            w.WriteBoolean("notify_customer", NotifyCustomer);
            w.WriteEndObject();
            w.WriteEndObject();
        });
        return new ApiCall(HttpMethod.Post, Url(connection, "fulfillments.json"), Headers(connection), body, "application/json");
    }

    /// <summary>The confirmation is the new fulfillment's id and status, e.g. <c>fulfillment 4100000000001 success</c>.</summary>
    public ApiResult<string> ReadShip(ApiAnswer answer)
    {
        if (Error(answer) is { } error) return ApiResult<string>.Fail(error);
        if (RestHttp.Json(answer.Body) is not { ValueKind: JsonValueKind.Object } body
            || NativeReader.Get(body, "fulfillment") is not { ValueKind: JsonValueKind.Object } fulfillment
            || NativeReader.Get(fulfillment, "id") is not { ValueKind: JsonValueKind.Number or JsonValueKind.String })
            return ApiResult<string>.Fail(RestHttp.Unexpected(answer, "expected {\"fulfillment\": {\"id\": …}}"));
        var status = NativeReader.Get(fulfillment, "status") is { ValueKind: JsonValueKind.String } s ? " " + s.GetString() : "";
        return ApiResult<string>.Ok($"fulfillment {IdText(fulfillment, "id")}{status}");
    }

    public ApiCall SetStock(ApiConnection connection, StockUpdate update, DateTimeOffset now)
    {
        var body = RestHttp.JsonText(w =>
        {
            w.WriteStartObject();
            // Without a location Shopify refuses the call (422), which is kept as the push's error.
            if (update.LocationId is { Length: > 0 } location) RestHttp.WriteId(w, "location_id", location);
            RestHttp.WriteId(w, "inventory_item_id", update.ItemId);
            w.WriteNumber("available", update.Quantity);
            w.WriteEndObject();
        });
        return new ApiCall(HttpMethod.Post, Url(connection, "inventory_levels/set.json"), Headers(connection), body, "application/json");
    }

    /// <summary>The confirmation is the inventory level as Shopify answered it, e.g. <c>inventory item 808950810 at 655441491: 7 available</c>.</summary>
    public ApiResult<string> ReadSetStock(ApiAnswer answer)
    {
        if (Error(answer) is { } error) return ApiResult<string>.Fail(error);
        if (RestHttp.Json(answer.Body) is not { ValueKind: JsonValueKind.Object } body
            || NativeReader.Get(body, "inventory_level") is not { ValueKind: JsonValueKind.Object } level)
            return ApiResult<string>.Fail(RestHttp.Unexpected(answer, "expected {\"inventory_level\": {…}}"));
        return ApiResult<string>.Ok(
            $"inventory item {IdText(level, "inventory_item_id")} at {IdText(level, "location_id")}: {IdText(level, "available")} available");
    }

    private static string IdText(JsonElement obj, string name) => NativeReader.Get(obj, name) switch
    {
        { ValueKind: JsonValueKind.String } s => s.GetString()!,
        { ValueKind: JsonValueKind.Number } n => n.GetRawText(),
        _ => "?",
    };

    /// <summary>Shopify's error for a non-2xx answer, or null for a success.</summary>
    public static ApiError? Error(ApiAnswer answer)
    {
        if (RestHttp.IsSuccess(answer.StatusCode)) return null;
        var code = answer.StatusCode.ToString(CultureInfo.InvariantCulture);
        var message = RestHttp.Json(answer.Body) is { ValueKind: JsonValueKind.Object } body && NativeReader.Get(body, "errors") is { } errors
            ? errors.ValueKind == JsonValueKind.String ? errors.GetString()! : errors.GetRawText()
            : RestHttp.Snippet(answer.Body);
        var retryable = RestHttp.IsRetryableStatus(answer.StatusCode);
        return new ApiError(code, message, retryable, retryable ? RestHttp.RetryAfter(answer) : null);
    }

    /// <summary>ISO 8601 in UTC, whole seconds.</summary>
    private static string Time(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static ApiCall Get(ApiConnection connection, string pathAndQuery) =>
        new(HttpMethod.Get, Url(connection, pathAndQuery), Headers(connection));

    private static Uri Url(ApiConnection connection, string pathAndQuery) =>
        new($"{RestHttp.Base(connection.BaseUrl)}/admin/api/{ApiVersion}/{pathAndQuery}");

    private static Dictionary<string, string> Headers(ApiConnection connection) => new()
    {
        [TokenHeader] = connection.AccessToken ?? "",
        ["Accept"] = "application/json",
    };
}
