using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Ordo.Core.Orders;

namespace Ordo.Core.Channels.Douyin;

/// <summary>
/// Douyin shop's (抖店) open API as Ordo uses it. Each method has its own path (<c>order.searchList</c> at
/// <c>/order/searchList</c>); the common parameters go in the query: <c>app_key</c>, <c>method</c>,
/// <c>access_token</c>, <c>timestamp</c> (<c>yyyy-MM-dd HH:mm:ss</c>, China time, within 10 minutes of the platform's
/// clock), <c>v=2</c>, <c>sign_method=md5</c> and <c>sign</c>; the business parameters are <c>param_json</c>, a JSON
/// object with its keys sorted, sent as the POST body (<c>application/json</c>) as the API guide asks.
/// <para>
/// <c>sign</c> = md5hex(secret + "app_key" + app_key + "method" + method + "param_json" + param_json + "timestamp" +
/// timestamp + "v" + "2" + secret), lower case; access_token is not signed (API guide; the official SDKs build the
/// same string, the current ones with HMAC-SHA256 and a unix-seconds timestamp [U: the guide's md5 and
/// date-time form is used]).
/// </para>
/// <list type="bullet">
/// <item>Pull: <c>order.searchList</c> by update time (unix seconds) ordered by update time, oldest first, page
/// 0-based, size at most 100. Its <c>shop_order_list</c> holds full order objects (the fields of
/// <c>order.orderDetail</c>), and the answer echoes <c>page</c>, <c>size</c> and <c>total</c>, so the next page
/// follows from the answer alone.</item>
/// <item>Stock push: <c>sku.syncStock</c> (product_id, sku_id, stock_num, incremental=false: the value is set, not
/// added; an incremental update would need an idempotent_id).</item>
/// <item>Answers are <c>{code, msg, sub_code, sub_msg, data}</c>, <c>code</c> 10000 meaning success; 20000 (service
/// unavailable), 60000 (traffic limited) and 90000 (other, e.g. "try later") are retryable.</item>
/// </list>
/// Pure: builds requests and reads answers, never throws, takes the time from its caller.
/// </summary>
public sealed class DouyinApi : IPlatformApi
{
    public const string ListMethod = "order.searchList";
    public const string DetailMethod = "order.orderDetail";
    public const string ShipMethod = "order.logisticsAdd";
    public const string StockMethod = "sku.syncStock";

    public const string SuccessCode = "10000";

    /// <summary>The documented maximum page size.</summary>
    public const int PageSize = 100;

    /// <summary>
    /// No limit on the update-time range was found in the facts file [U]; a day keeps each query to a few pages,
    /// which matters because offset paging is exposed to orders moving while it runs.
    /// </summary>
    public static readonly TimeSpan Window = TimeSpan.FromDays(1);

    private static readonly HashSet<string> RetryableCodes = ["20000", "60000", "90000"];
    private static readonly HashSet<string> RetryableSubCodes = ["isv.traffic-limited", "dop.service-error"];

    /// <summary>Compact, keys as given, non-ASCII and HTML characters unescaped (as the SDKs serialise param_json).</summary>
    private static readonly JsonSerializerOptions ParamJsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public IReadOnlyList<Platform> Platforms { get; } = [Platform.Douyin];

    public TimeSpan MaxWindow => Window;

    /// <summary>Path of a method: <c>order.searchList</c> → <c>/order/searchList</c>.</summary>
    public static string PathOf(string method) => "/" + method.Replace('.', '/');

    /// <summary>
    /// One page of orders whose update time falls in <paramref name="window"/>, as whole seconds (From and To rounded
    /// down) read as inclusive [U]: consecutive windows share one second, which can repeat an order, never miss one.
    /// </summary>
    public ApiCall ListModified(ApiConnection connection, PullWindow window, string? pageToken, DateTimeOffset now)
    {
        var page = int.TryParse(pageToken, NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : 0;
        return Call(connection, ListMethod, now, new Dictionary<string, object>
        {
            ["update_time_start"] = window.From.ToUnixTimeSeconds(),
            ["update_time_end"] = window.To.ToUnixTimeSeconds(),
            ["order_by"] = "update_time",
            ["order_asc"] = true,
            ["page"] = page,
            ["size"] = PageSize,
        });
    }

    public ApiResult<PullPage> ReadList(ApiAnswer answer)
    {
        var (document, data, error) = Open(answer);
        if (error is not null) return ApiResult<PullPage>.Fail(error);
        using (document)
        {
            if (NativeReader.Get(data, "shop_order_list") is { } list && list.ValueKind != JsonValueKind.Array)
                return ApiResult<PullPage>.Fail(HttpAnswerChecks.Invalid("data.shop_order_list is not an array"));
            // Non-objects are passed on too, so that the adapter reports them instead of their silently vanishing.
            var orders = NativeReader.Get(data, "shop_order_list") is { } l ? l.EnumerateArray().Select(o => o.Clone()).ToList() : [];

            var page = Number(data, "page");
            var size = Number(data, "size");
            var total = Number(data, "total");
            if (page is null || size is null || total is null)
                return ApiResult<PullPage>.Fail(HttpAnswerChecks.Invalid($"data lacks page, size or total: {HttpAnswerChecks.Snippet(answer.Body)}"));
            // An empty page ends the pull even if total says otherwise (orders left the window while paging).
            var more = orders.Count > 0 && size > 0 && (page.Value + 1) * size.Value < total.Value;
            return ApiResult<PullPage>.Ok(new PullPage(orders, [], more ? (page.Value + 1).ToString(CultureInfo.InvariantCulture) : null));
        }
    }

    public ApiCall GetOrder(ApiConnection connection, string platformOrderId, DateTimeOffset now) =>
        Call(connection, DetailMethod, now, new Dictionary<string, object> { ["shop_order_id"] = platformOrderId });

    /// <summary>The <c>shop_order_detail</c> object (what <see cref="DouyinOrderAdapter"/> reads).</summary>
    public ApiResult<JsonElement> ReadOrder(ApiAnswer answer)
    {
        var (document, data, error) = Open(answer);
        if (error is not null) return ApiResult<JsonElement>.Fail(error);
        using (document)
        {
            if (NativeReader.Get(data, "shop_order_detail") is not { ValueKind: JsonValueKind.Object } order)
                return ApiResult<JsonElement>.Fail(HttpAnswerChecks.Invalid($"no data.shop_order_detail in {HttpAnswerChecks.Snippet(answer.Body)}"));
            return ApiResult<JsonElement>.Ok(order.Clone());
        }
    }

    /// <summary>
    /// <c>order.logisticsAdd</c> with the carrier's Douyin <c>company_code</c> and the tracking number as
    /// <c>logistics_code</c>. It ships the whole shop order: splitting by sub-order is a different call
    /// (multi-pack, not in the facts file [U]), so <see cref="ShipmentNotice.SubOrderIds"/> is not sent.
    /// </summary>
    public ApiCall Ship(ApiConnection connection, ShipmentNotice shipment, DateTimeOffset now) =>
        Call(connection, ShipMethod, now, new Dictionary<string, object>
        {
            ["order_id"] = shipment.PlatformOrderId,
            ["company_code"] = shipment.CarrierCode,
            ["logistics_code"] = shipment.TrackingNumber,
        });

    /// <summary>The whole success answer as text (it carries the platform's <c>log_id</c>).</summary>
    public ApiResult<string> ReadShip(ApiAnswer answer)
    {
        var (document, _, error) = Open(answer);
        if (error is not null) return ApiResult<string>.Fail(error);
        using (document) return ApiResult<string>.Ok(document!.RootElement.GetRawText());
    }

    public ApiCall SetStock(ApiConnection connection, StockUpdate update, DateTimeOffset now)
    {
        var business = new Dictionary<string, object>
        {
            ["product_id"] = update.ItemId,
            ["stock_num"] = update.Quantity,
            ["incremental"] = false,
        };
        // sku_id is a number in the documentation; product_id (19 digits) goes as text, as order ids do.
        if (update.SkuId is { Length: > 0 } sku)
            business["sku_id"] = long.TryParse(sku, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : sku;
        return Call(connection, StockMethod, now, business);
    }

    /// <summary>The whole success answer as text (with the platform's <c>log_id</c>).</summary>
    public ApiResult<string> ReadSetStock(ApiAnswer answer) => ReadShip(answer);

    /// <summary>
    /// The signature over the documented parameters (exposed so that the fake checks requests with the same recipe).
    /// </summary>
    public static string Sign(string appKey, string appSecret, string method, string paramJson, string timestamp) =>
        Signing.Md5Hex(SignText(appKey, appSecret, method, paramJson, timestamp));

    /// <summary>The text both sign methods digest: secret, the five parameters as name + value, secret.</summary>
    public static string SignText(string appKey, string appSecret, string method, string paramJson, string timestamp) =>
        $"{appSecret}app_key{appKey}method{method}param_json{paramJson}timestamp{timestamp}v2{appSecret}";

    /// <summary><c>yyyy-MM-dd HH:mm:ss</c> in China time (GMT+8).</summary>
    public static string Timestamp(DateTimeOffset now) =>
        now.ToOffset(ChinaTime.Offset).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>param_json: the business parameters as a JSON object with keys in ordinal order.</summary>
    public static string ParamJson(IReadOnlyDictionary<string, object> parameters) =>
        JsonSerializer.Serialize(new SortedDictionary<string, object>(parameters.ToDictionary(), StringComparer.Ordinal), ParamJsonOptions);

    private static ApiCall Call(ApiConnection connection, string method, DateTimeOffset now, IReadOnlyDictionary<string, object> business)
    {
        var appKey = connection.AppKey ?? "";
        var paramJson = ParamJson(business);
        var timestamp = Timestamp(now);
        var query = new List<KeyValuePair<string, string>>
        {
            new("app_key", appKey),
            new("method", method),
            new("timestamp", timestamp),
            new("v", "2"),
            new("sign_method", "md5"),
            new("sign", Sign(appKey, connection.AppSecret ?? "", method, paramJson, timestamp)),
        };
        if (!string.IsNullOrEmpty(connection.AccessToken)) query.Insert(1, new("access_token", connection.AccessToken));

        var url = new StringBuilder(connection.BaseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/')).Append(PathOf(method)).Append('?');
        url.AppendJoin('&', query.Select(q => Uri.EscapeDataString(q.Key) + "=" + Uri.EscapeDataString(q.Value)));
        return new ApiCall(HttpMethod.Post, new Uri(url.ToString()), ApiCall.NoHeaders, paramJson, "application/json");
    }

    /// <summary>Status, JSON and <c>code</c> checks common to every call; on success, the document and its <c>data</c>.</summary>
    private static (JsonDocument? Document, JsonElement Data, ApiError? Error) Open(ApiAnswer answer)
    {
        var status = HttpAnswerChecks.StatusFailure(answer);
        var (document, invalid) = HttpAnswerChecks.ParseObject(answer);
        if (document is null) return (null, default, status ?? invalid);
        var root = document.RootElement;
        var code = HttpAnswerChecks.Text(root, "code");
        if (code.Length > 0 && code != SuccessCode)
        {
            var error = PlatformError(root, code, status);
            document.Dispose();
            return (null, default, error);
        }
        if (status is not null || code.Length == 0)
        {
            document.Dispose();
            return (null, default, status ?? HttpAnswerChecks.Invalid($"the answer has no code: {HttpAnswerChecks.Snippet(answer.Body)}"));
        }
        // ReadShip needs only the code; the others check data themselves.
        return (document, NativeReader.Get(root, "data") ?? default, null);
    }

    private static ApiError PlatformError(JsonElement root, string code, ApiError? status)
    {
        var message = HttpAnswerChecks.Text(root, "msg");
        var subCode = HttpAnswerChecks.Text(root, "sub_code");
        var subMessage = HttpAnswerChecks.Text(root, "sub_msg");
        var full = subCode.Length == 0 && subMessage.Length == 0 ? message : $"{message} (sub_code {subCode}: {subMessage})";
        var retryable = RetryableCodes.Contains(code) || RetryableSubCodes.Contains(subCode) || status?.Retryable == true;
        return new ApiError(code, full, retryable, status?.RetryAfter);
    }

    private static long? Number(JsonElement obj, string name) =>
        NativeReader.Get(obj, name) is { } e
            ? e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var n) ? n
            : e.ValueKind == JsonValueKind.String && long.TryParse(e.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out n) ? n
            : null
            : null;
}
