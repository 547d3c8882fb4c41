using System.Globalization;
using System.Text;
using System.Text.Json;
using Ordo.Core.Orders;

namespace Ordo.Core.Channels.WooCommerce;

/// <summary>
/// The WooCommerce REST API v3 (<c>/wp-json/wc/v3</c>) as Ordo uses it, authenticated with HTTP Basic: consumer key
/// (<see cref="ApiConnection.AppKey"/>) and consumer secret (<see cref="ApiConnection.AppSecret"/>). WooCommerce
/// accepts Basic only over HTTPS; a plain-HTTP site wants OAuth 1.0a, which Ordo does not speak, so shops must use an
/// https base URL [U: the local fake accepts Basic over HTTP].
/// <list type="bullet">
/// <item>Pull: <c>GET /orders?modified_after&amp;modified_before&amp;dates_are_gmt=true&amp;orderby=modified&amp;order=asc&amp;per_page=100&amp;page=N</c>
/// (WooCommerce 5.8+). The list returns full orders. Pages are numbered from 1; the token is the page number. The
/// next page is the <c>page</c> of the <c>Link</c> header's <c>rel="next"</c> URL (the answer does not repeat the
/// page it is), and a page shorter than <c>per_page</c> or at <c>X-WP-TotalPages</c> is the last.</item>
/// <item>Detail: <c>GET /orders/{id}</c>, answering the order object itself.</item>
/// <item>Stock push: <c>PUT /products/{id}</c> or <c>/products/{id}/variations/{vid}</c> with <c>manage_stock</c> and
/// <c>stock_quantity</c>.</item>
/// <item>Write-back: core WooCommerce has no tracking API, so Ship is one <c>PUT /orders/{id}</c> setting
/// <c>status: completed</c> (WooCommerce's "fulfilled") and recording the shipment in the order's <c>meta_data</c>
/// under <c>_ordo_tracking_number</c> and <c>_ordo_carrier</c> (an order note would need a second call). The keys
/// start with '_' so the values stay out of the editable custom-fields box. Core has no partial shipment: a split
/// shipment completes the order too, and the keys hold the latest shipment's values.</item>
/// </list>
/// Errors are <c>{code, message, data{status}}</c> and kept verbatim; 429 and 5xx are retryable.
/// </summary>
public sealed class WooCommerceApi : IPlatformApi
{
    public const string TrackingNumberKey = "_ordo_tracking_number";
    public const string CarrierKey = "_ordo_carrier";

    /// <summary>Orders per page; 100 is WooCommerce's documented maximum.</summary>
    public int PageSize { get; init; } = 100;

    public IReadOnlyList<Platform> Platforms { get; } = [Platform.Woocommerce];

    /// <summary>
    /// WooCommerce documents no limit on a modified-time range [U]; 30 days keeps one pull short. Numbered pages
    /// shift when an order of an earlier page is modified during the pull (it leaves the window and the rest move up
    /// one place, so the first order of the next page is passed over): a caller that must not miss one repeats or
    /// overlaps windows.
    /// </summary>
    public TimeSpan MaxWindow => TimeSpan.FromDays(30);

    public ApiCall ListModified(ApiConnection connection, PullWindow window, string? pageToken, DateTimeOffset now)
    {
        // A token Ordo did not produce cannot be trusted to be a page; starting over repeats orders, never skips them.
        var page = int.TryParse(pageToken, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p >= 1 ? p : 1;
        // WordPress's date query compares strictly (after < modified < before) on whole seconds, so the end-exclusive
        // window [From, To) is sent as (first second ≥ From − 1 s, first second ≥ To). The times go without an offset:
        // with dates_are_gmt=true WordPress reads them as GMT, while an offset would make it convert them to the
        // site's zone before comparing with the GMT column.
        var query = RestHttp.Query(
            ("modified_after", Time(RestHttp.CeilingSecond(window.From).AddSeconds(-1))),
            ("modified_before", Time(RestHttp.CeilingSecond(window.To))),
            ("dates_are_gmt", "true"),
            ("orderby", "modified"),
            ("order", "asc"),
            ("per_page", PerPage.ToString(CultureInfo.InvariantCulture)),
            ("page", page.ToString(CultureInfo.InvariantCulture)));
        return new ApiCall(HttpMethod.Get, Url(connection, "orders?" + query), Headers(connection));
    }

    private int PerPage => Math.Clamp(PageSize, 1, 100);

    public ApiResult<PullPage> ReadList(ApiAnswer answer)
    {
        if (Error(answer) is { } error) return ApiResult<PullPage>.Fail(error);
        if (RestHttp.Json(answer.Body) is not { ValueKind: JsonValueKind.Array } body)
            return ApiResult<PullPage>.Fail(RestHttp.Unexpected(answer, "expected a JSON array of orders"));
        var orders = body.EnumerateArray().ToList();
        if (orders.Any(o => o.ValueKind != JsonValueKind.Object))
            return ApiResult<PullPage>.Fail(RestHttp.Unexpected(answer, "every element must be an order object"));

        string? next = null;
        if (orders.Count >= PerPage
            && RestHttp.LinkTarget(answer.Header("Link"), "next") is { } url
            && int.TryParse(RestHttp.QueryValue(url, "page"), NumberStyles.None, CultureInfo.InvariantCulture, out var nextPage))
        {
            var beyondTotal = int.TryParse(answer.Header("X-WP-TotalPages")?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var total)
                              && nextPage > total;
            if (!beyondTotal) next = nextPage.ToString(CultureInfo.InvariantCulture);
        }
        return ApiResult<PullPage>.Ok(new PullPage(orders, [], next));
    }

    public ApiCall GetOrder(ApiConnection connection, string platformOrderId, DateTimeOffset now) =>
        new(HttpMethod.Get, Url(connection, "orders/" + Uri.EscapeDataString(platformOrderId)), Headers(connection));

    public ApiResult<JsonElement> ReadOrder(ApiAnswer answer)
    {
        if (Error(answer) is { } error) return ApiResult<JsonElement>.Fail(error);
        return RestHttp.Json(answer.Body) is { ValueKind: JsonValueKind.Object } order && NativeReader.Get(order, "id") is not null
            ? ApiResult<JsonElement>.Ok(order)
            : ApiResult<JsonElement>.Fail(RestHttp.Unexpected(answer, "expected an order object"));
    }

    public ApiCall Ship(ApiConnection connection, ShipmentNotice shipment, DateTimeOffset now)
    {
        var body = RestHttp.JsonText(w =>
        {
            w.WriteStartObject();
            w.WriteString("status", "completed");
            w.WriteStartArray("meta_data");
            WriteMeta(w, TrackingNumberKey, shipment.TrackingNumber);
            WriteMeta(w, CarrierKey, shipment.CarrierCode);
            w.WriteEndArray();
            w.WriteEndObject();
        });
        return new ApiCall(HttpMethod.Put, Url(connection, "orders/" + Uri.EscapeDataString(shipment.PlatformOrderId)), Headers(connection),
            body, "application/json");
    }

    /// <summary>
    /// <c>PUT /products/{id}</c>, or <c>PUT /products/{id}/variations/{variation id}</c> for a variation, with
    /// <c>manage_stock: true</c> (WooCommerce ignores <c>stock_quantity</c> otherwise) and <c>stock_quantity</c>: the value is set.
    /// </summary>
    public ApiCall SetStock(ApiConnection connection, StockUpdate update, DateTimeOffset now)
    {
        var path = "products/" + Uri.EscapeDataString(update.ItemId)
            + (update.SkuId is { Length: > 0 } variation ? "/variations/" + Uri.EscapeDataString(variation) : "");
        var body = RestHttp.JsonText(w =>
        {
            w.WriteStartObject();
            w.WriteBoolean("manage_stock", true);
            w.WriteNumber("stock_quantity", update.Quantity);
            w.WriteEndObject();
        });
        return new ApiCall(HttpMethod.Put, Url(connection, path), Headers(connection), body, "application/json");
    }

    /// <summary>The confirmation is the updated product's (or variation's) id and stock, e.g. <c>product 794 stock 7</c>.</summary>
    public ApiResult<string> ReadSetStock(ApiAnswer answer)
    {
        if (Error(answer) is { } error) return ApiResult<string>.Fail(error);
        if (RestHttp.Json(answer.Body) is not { ValueKind: JsonValueKind.Object } product
            || NativeReader.Get(product, "id") is not { ValueKind: JsonValueKind.Number or JsonValueKind.String } id)
            return ApiResult<string>.Fail(RestHttp.Unexpected(answer, "expected the updated product object"));
        var stock = NativeReader.Get(product, "stock_quantity") is { ValueKind: JsonValueKind.Number } q ? q.GetRawText() : "?";
        return ApiResult<string>.Ok($"product {IdText(id)} stock {stock}");
    }

    /// <summary>An id as text, whether WordPress sent it as a number or a string.</summary>
    private static string? IdText(JsonElement id) => id.ValueKind == JsonValueKind.String ? id.GetString() : id.GetRawText();

    private static void WriteMeta(Utf8JsonWriter w, string key, string value)
    {
        w.WriteStartObject();
        w.WriteString("key", key);
        w.WriteString("value", value);
        w.WriteEndObject();
    }

    /// <summary>The confirmation is the updated order's id and status, e.g. <c>order 727 completed</c>.</summary>
    public ApiResult<string> ReadShip(ApiAnswer answer)
    {
        if (Error(answer) is { } error) return ApiResult<string>.Fail(error);
        if (RestHttp.Json(answer.Body) is not { ValueKind: JsonValueKind.Object } order
            || NativeReader.Get(order, "id") is not { ValueKind: JsonValueKind.Number or JsonValueKind.String } id)
            return ApiResult<string>.Fail(RestHttp.Unexpected(answer, "expected the updated order object"));
        var status = NativeReader.Get(order, "status") is { ValueKind: JsonValueKind.String } s ? " " + s.GetString() : "";
        return ApiResult<string>.Ok($"order {IdText(id)}{status}");
    }

    /// <summary>
    /// WooCommerce's (WordPress's) error for a non-2xx answer: <c>code</c> and <c>message</c> verbatim; a body that is
    /// not such an object (a gateway's HTML page) gives the HTTP status as the code. Null for a success.
    /// </summary>
    public static ApiError? Error(ApiAnswer answer)
    {
        if (RestHttp.IsSuccess(answer.StatusCode)) return null;
        var retryable = RestHttp.IsRetryableStatus(answer.StatusCode);
        var retryAfter = retryable ? RestHttp.RetryAfter(answer) : null;
        if (RestHttp.Json(answer.Body) is { ValueKind: JsonValueKind.Object } body
            && NativeReader.Get(body, "code") is { ValueKind: JsonValueKind.String } code)
        {
            var message = NativeReader.Get(body, "message") is { ValueKind: JsonValueKind.String } m ? m.GetString()! : "";
            return new ApiError(code.GetString()!, message, retryable, retryAfter);
        }
        return new ApiError(answer.StatusCode.ToString(CultureInfo.InvariantCulture), RestHttp.Snippet(answer.Body), retryable, retryAfter);
    }

    private static string Time(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);

    private static Uri Url(ApiConnection connection, string pathAndQuery) => new($"{RestHttp.Base(connection.BaseUrl)}/wp-json/wc/v3/{pathAndQuery}");

    /// <summary>HTTP Basic: base64(UTF-8 "consumer_key:consumer_secret").</summary>
    public static string BasicAuthorization(string? consumerKey, string? consumerSecret) =>
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{consumerKey}:{consumerSecret}"));

    private static Dictionary<string, string> Headers(ApiConnection connection) => new()
    {
        ["Authorization"] = BasicAuthorization(connection.AppKey, connection.AppSecret),
        ["Accept"] = "application/json",
    };
}
