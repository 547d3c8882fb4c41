using System.Globalization;
using System.Text;
using System.Text.Json;
using Ordo.Core.Orders;

namespace Ordo.Core.Channels.Pinduoduo;

/// <summary>
/// Pinduoduo's open API (POP gateway) as Ordo uses it. Every call is a form POST to <c>{apiBaseUrl}/api/router</c>
/// carrying the common parameters <c>type</c> (the method), <c>client_id</c>, <c>access_token</c>, <c>timestamp</c>
/// (unix seconds, within 10 minutes of the platform's clock), <c>data_type=JSON</c> and <c>version=V1</c>, the business
/// parameters, and <c>sign</c> = <see cref="Signing.SortedParamsMd5"/> over all of them.
/// <list type="bullet">
/// <item>Pull: <c>pdd.order.number.list.increment.get</c> by last-update time (unix seconds, at most 30 minutes per
/// call, page size at most 100). Its <c>order_sn_list</c> holds full order objects (the fields of
/// <c>pdd.order.information.get</c>'s <c>order_info</c>), so no per-order fetch is needed.</item>
/// <item>Paging runs from the last page back to the first, as the platform documents to avoid missing orders that
/// shift between pages while others are updated: the first call (page 1, with <c>total_count</c>) tells how many
/// pages there are, then pages N … 1 follow (page 1 is read again, so nothing that shifted onto it is lost).
/// Because the answers do not say which page they are, reading them needs the request's token:
/// <see cref="ReadList(ApiAnswer, string?)"/>.</item>
/// <item>Stock push: <c>pdd.goods.quantity.update</c> (goods_id, sku_id, quantity, update_type=1: a full update that
/// sets the value) [U: the answer's <c>goods_quantity_update_response.is_success</c> rests on one SDK].</item>
/// <item>Errors come as <c>{"error_response":{error_code, error_msg, sub_code, sub_msg}}</c>.</item>
/// </list>
/// Pure: builds requests and reads answers, never throws, takes the time from its caller.
/// </summary>
public sealed class PinduoduoApi : IPlatformApi
{
    public const string RouterPath = "/api/router";
    public const string ListMethod = "pdd.order.number.list.increment.get";
    public const string DetailMethod = "pdd.order.information.get";
    public const string ShipMethod = "pdd.logistics.online.send";
    public const string StockMethod = "pdd.goods.quantity.update";

    public const string ListResponse = "order_sn_increment_get_response";
    public const string DetailResponse = "order_info_get_response";
    public const string ShipResponse = "logistics_online_send_response";
    public const string StockResponse = "goods_quantity_update_response";

    /// <summary>The documented maximum page size.</summary>
    public const int PageSize = 100;

    /// <summary><c>end_updated_at - start_updated_at &lt;= 30min</c>.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Error codes that mean "slow down" [U: 70031 "调用过于频繁" from practice, not from a published table]; any
    /// error whose message speaks of frequency, throttling or a busy system is treated the same way.
    /// </summary>
    private static readonly HashSet<string> RateLimitCodes = ["70031"];

    private static readonly string[] BusyWords = ["频繁", "限流", "繁忙", "稍后重试"];

    public IReadOnlyList<Platform> Platforms { get; } = [Platform.Pinduoduo];

    public TimeSpan MaxWindow => Window;

    /// <summary>
    /// One page of orders whose last update falls in <paramref name="window"/>. Both bounds go as whole seconds
    /// (From and To rounded down), read by the platform as inclusive [U]: consecutive windows then share one second,
    /// which can only repeat an order, never miss one. The platform advises an end at least 3 minutes before its
    /// own clock; choosing windows is the caller's part.
    /// </summary>
    public ApiCall ListModified(ApiConnection connection, PullWindow window, string? pageToken, DateTimeOffset now)
    {
        var page = PageOf(pageToken);
        var parameters = Common(connection, ListMethod, now);
        parameters["start_updated_at"] = Seconds(window.From);
        parameters["end_updated_at"] = Seconds(window.To);
        parameters["is_lucky_flag"] = "0";   // lucky-draw and ordinary orders alike
        parameters["order_status"] = "5";    // every shipping state
        parameters["refund_status"] = "5";   // every after-sale state
        parameters["page"] = (page ?? 1).ToString(CultureInfo.InvariantCulture);
        parameters["page_size"] = PageSize.ToString(CultureInfo.InvariantCulture);
        // The first call needs total_count to know the last page; later ones only need their orders, and has_next
        // mode is the cheaper one for the platform.
        parameters["use_has_next"] = page is null ? "false" : "true";
        return Post(connection, parameters);
    }

    /// <summary>
    /// Reads the answer to the first call (page token null) only: later answers carry no total and no page number,
    /// so they are refused here with <c>ordo.page_context_required</c>; use <see cref="ReadList(ApiAnswer, string?)"/>.
    /// </summary>
    public ApiResult<PullPage> ReadList(ApiAnswer answer) => Read(answer, requestedPage: null, contextKnown: false);

    public ApiResult<PullPage> ReadList(ApiAnswer answer, string? requestedPageToken) =>
        Read(answer, PageOf(requestedPageToken), contextKnown: true);

    public ApiCall GetOrder(ApiConnection connection, string platformOrderId, DateTimeOffset now)
    {
        var parameters = Common(connection, DetailMethod, now);
        parameters["order_sn"] = platformOrderId;
        return Post(connection, parameters);
    }

    /// <summary>The <c>order_info</c> object (what <see cref="PinduoduoOrderAdapter"/> reads).</summary>
    public ApiResult<JsonElement> ReadOrder(ApiAnswer answer)
    {
        var (document, error) = Open(answer);
        if (error is not null) return ApiResult<JsonElement>.Fail(error);
        using (document)
        {
            var root = document!.RootElement;
            if (NativeReader.Get(root, DetailResponse) is not { ValueKind: JsonValueKind.Object } response
                || NativeReader.Get(response, "order_info") is not { ValueKind: JsonValueKind.Object } order)
                return ApiResult<JsonElement>.Fail(HttpAnswerChecks.Invalid($"no {DetailResponse}.order_info in {HttpAnswerChecks.Snippet(answer.Body)}"));
            return ApiResult<JsonElement>.Ok(order.Clone());
        }
    }

    /// <summary>
    /// <c>pdd.logistics.online.send</c> with the carrier's Pinduoduo <c>logistics_id</c> and the tracking number.
    /// The call ships the whole order: it takes no sub-order ids, so <see cref="ShipmentNotice.SubOrderIds"/> is not
    /// sent (Pinduoduo orders carry one goods line).
    /// </summary>
    public ApiCall Ship(ApiConnection connection, ShipmentNotice shipment, DateTimeOffset now)
    {
        var parameters = Common(connection, ShipMethod, now);
        parameters["order_sn"] = shipment.PlatformOrderId;
        parameters["logistics_id"] = shipment.CarrierCode;
        parameters["tracking_number"] = shipment.TrackingNumber;
        return Post(connection, parameters);
    }

    /// <summary>The <c>logistics_online_send_response</c> object as text when <c>is_success</c> is true.</summary>
    public ApiResult<string> ReadShip(ApiAnswer answer) => Confirmed(answer, ShipResponse, "shipment");

    /// <summary>Pinduoduo keeps stock per SKU; sku_id names it (a goods item always has at least one SKU).</summary>
    public ApiCall SetStock(ApiConnection connection, StockUpdate update, DateTimeOffset now)
    {
        var parameters = Common(connection, StockMethod, now);
        parameters["goods_id"] = update.ItemId;
        if (update.SkuId is { Length: > 0 } sku) parameters["sku_id"] = sku;
        parameters["quantity"] = update.Quantity.ToString(CultureInfo.InvariantCulture);
        // 1: full update (the value is set); 2 would add to the stock.
        parameters["update_type"] = "1";
        return Post(connection, parameters);
    }

    public ApiResult<string> ReadSetStock(ApiAnswer answer) => Confirmed(answer, StockResponse, "stock update");

    /// <summary>The <paramref name="envelope"/> object as text when its <c>is_success</c> is true.</summary>
    private static ApiResult<string> Confirmed(ApiAnswer answer, string envelope, string what)
    {
        var (document, error) = Open(answer);
        if (error is not null) return ApiResult<string>.Fail(error);
        using (document)
        {
            var root = document!.RootElement;
            if (NativeReader.Get(root, envelope) is not { ValueKind: JsonValueKind.Object } response)
                return ApiResult<string>.Fail(HttpAnswerChecks.Invalid($"no {envelope} in {HttpAnswerChecks.Snippet(answer.Body)}"));
            if (NativeReader.Get(response, "is_success") is { ValueKind: JsonValueKind.True })
                return ApiResult<string>.Ok(response.GetRawText());
            return ApiResult<string>.Fail(new ApiError("is_success_false", $"the platform did not confirm the {what}: {HttpAnswerChecks.Snippet(response.GetRawText())}", false));
        }
    }

    private static ApiResult<PullPage> Read(ApiAnswer answer, int? requestedPage, bool contextKnown)
    {
        var (document, error) = Open(answer);
        if (error is not null) return ApiResult<PullPage>.Fail(error);
        using (document)
        {
            var root = document!.RootElement;
            if (NativeReader.Get(root, ListResponse) is not { ValueKind: JsonValueKind.Object } response)
                return ApiResult<PullPage>.Fail(HttpAnswerChecks.Invalid($"no {ListResponse} in {HttpAnswerChecks.Snippet(answer.Body)}"));

            var orders = new List<JsonElement>();
            if (NativeReader.Get(response, "order_sn_list") is { } list)
            {
                if (list.ValueKind != JsonValueKind.Array)
                    return ApiResult<PullPage>.Fail(HttpAnswerChecks.Invalid($"{ListResponse}.order_sn_list is not an array"));
                // Non-objects are passed on too, so that the adapter reports them instead of their silently vanishing.
                orders.AddRange(list.EnumerateArray().Select(o => o.Clone()));
            }

            long? total = NativeReader.Get(response, "total_count") is { ValueKind: JsonValueKind.Number } t && t.TryGetInt64(out var n) ? n : null;
            string? next;
            if (requestedPage is { } page)
            {
                next = page > 1 ? (page - 1).ToString(CultureInfo.InvariantCulture) : null;
            }
            else if (total is { } count)
            {
                var pages = (count + PageSize - 1) / PageSize;
                next = pages > 1 ? pages.ToString(CultureInfo.InvariantCulture) : null;
            }
            else
            {
                return ApiResult<PullPage>.Fail(contextKnown
                    ? HttpAnswerChecks.Invalid($"the first page has no total_count: {HttpAnswerChecks.Snippet(answer.Body)}")
                    : new ApiError("ordo.page_context_required",
                        "a Pinduoduo list answer without total_count does not say which page it is; read it with the page token it was requested with", false));
            }
            return ApiResult<PullPage>.Ok(new PullPage(orders, [], next));
        }
    }

    /// <summary>Status, JSON and <c>error_response</c> checks common to every call.</summary>
    private static (JsonDocument? Document, ApiError? Error) Open(ApiAnswer answer)
    {
        // The gateway answers errors with HTTP 200 and error_response; a 4xx/5xx may still carry one, which says more.
        var status = HttpAnswerChecks.StatusFailure(answer);
        var (document, invalid) = HttpAnswerChecks.ParseObject(answer);
        if (document is null) return (null, status ?? invalid);
        if (NativeReader.Get(document.RootElement, "error_response") is { ValueKind: JsonValueKind.Object } platformError)
        {
            var error = PlatformError(platformError, status);
            document.Dispose();
            return (null, error);
        }
        if (status is not null) { document.Dispose(); return (null, status); }
        return (document, null);
    }

    /// <summary>The platform's code and message as given; retryable for rate limits, or when the HTTP status was.</summary>
    private static ApiError PlatformError(JsonElement e, ApiError? status)
    {
        var code = HttpAnswerChecks.Text(e, "error_code");
        var message = HttpAnswerChecks.Text(e, "error_msg");
        var subCode = HttpAnswerChecks.Text(e, "sub_code");
        var subMessage = HttpAnswerChecks.Text(e, "sub_msg");
        var full = subCode.Length == 0 && subMessage.Length == 0 ? message : $"{message} (sub_code {subCode}: {subMessage})";
        var busy = RateLimitCodes.Contains(code) || BusyWords.Any(w => message.Contains(w, StringComparison.Ordinal) || subMessage.Contains(w, StringComparison.Ordinal));
        return new ApiError(code.Length == 0 ? "error_response" : code, full, busy || status?.Retryable == true, status?.RetryAfter);
    }

    private static Dictionary<string, string> Common(ApiConnection connection, string method, DateTimeOffset now)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["type"] = method,
            ["client_id"] = connection.AppKey ?? "",
            ["timestamp"] = Seconds(now),
            ["data_type"] = "JSON",
            ["version"] = "V1",
        };
        // Calls without a shop's authorisation leave access_token out rather than sending it empty.
        if (!string.IsNullOrEmpty(connection.AccessToken)) parameters["access_token"] = connection.AccessToken;
        return parameters;
    }

    private static ApiCall Post(ApiConnection connection, Dictionary<string, string> parameters)
    {
        parameters["sign"] = Signing.SortedParamsMd5(parameters, connection.AppSecret ?? "");
        var body = new StringBuilder();
        foreach (var (k, v) in parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (body.Length > 0) body.Append('&');
            body.Append(Uri.EscapeDataString(k)).Append('=').Append(Uri.EscapeDataString(v));
        }
        return new ApiCall(HttpMethod.Post, Url(connection.BaseUrl, RouterPath), ApiCall.NoHeaders, body.ToString(), "application/x-www-form-urlencoded");
    }

    /// <summary>The base URL (the real gateway or a fake, possibly with a path prefix) joined with the API path.</summary>
    internal static Uri Url(Uri baseUrl, string path) => new(baseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/') + path);

    private static string Seconds(DateTimeOffset instant) => instant.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>The page a token names (1-based), or null for the first call; a token Ordo did not make counts as none.</summary>
    private static int? PageOf(string? token) =>
        int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var page) && page >= 1 ? page : null;
}
