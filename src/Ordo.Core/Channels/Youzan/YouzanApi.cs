using System.Globalization;
using System.Text.Json;
using Ordo.Core.Orders;
using static Ordo.Core.Channels.HttpAnswerChecks;

namespace Ordo.Core.Channels.Youzan;

/// <summary>
/// Youzan cloud (有赞云) API: <c>POST {base}/api/{method}/{version}?access_token=…</c> with the business parameters as
/// a JSON body. Authentication is the access token alone, and only in the URL query (Youzan ignores it in a header or
/// the body); there is no request signature. Answers come with HTTP 200 even on failure: gateway errors as
/// <c>{"gw_err_resp":{err_code, err_msg, trace_id}}</c>, business results as <c>{success, code, message, data}</c>
/// with <c>code</c> 200 meaning success. Times are China time <c>yyyy-MM-dd HH:mm:ss</c>.
/// <para>
/// Stock push: <c>youzan.item.sku.update(item_id, sku_id, quantity)</c> for a SKU of an item, and
/// <c>youzan.item.update(item_id, quantity)</c> for an item without SKUs; both set the quantity (an update of the
/// field, never an addition) [U: this pair rests on one ERP's stock sync seen in public code; Youzan's
/// <c>youzan.item.quantity.update</c> also exists, but which of its <c>type</c> codes sets rather than adds was not
/// found in a reliable source, so it is not used].
/// </para>
/// </summary>
public sealed class YouzanApi : IPlatformApi
{
    public const string ListMethod = "youzan.trades.sold.get";
    /// <summary>4.0.4 is the current list version (4.0.0 only for orders from before 2020).</summary>
    public const string ListVersion = "4.0.4";
    public const string DetailMethod = "youzan.trade.get";
    public const string DetailVersion = "4.0.2";
    public const string ShipMethod = "youzan.logistics.online.confirm";
    public const string ShipVersion = "3.0.0";
    public const string SkuStockMethod = "youzan.item.sku.update";
    public const string ItemStockMethod = "youzan.item.update";
    public const string StockVersion = "3.0.0";

    /// <summary><c>page_size</c> is at most 100.</summary>
    public const int PageSize = 100;

    /// <summary><c>page_no</c> is at most 100, so one window yields at most 10,000 orders.</summary>
    public const int MaxPageNo = 100;

    public const string TimeFormat = "yyyy-MM-dd HH:mm:ss";

    public IReadOnlyList<Platform> Platforms { get; } = [Platform.Youzan];

    /// <summary>
    /// <c>start_update</c> to <c>end_update</c> may span at most 3 months; 89 days is three months whichever they are
    /// (February to April included). A busy shop may still hold more than 10,000 updates in that time: the list then
    /// fails with <c>ordo.window_too_large</c> and the window has to be cut smaller.
    /// </summary>
    public TimeSpan MaxWindow { get; } = TimeSpan.FromDays(89);

    /// <summary>Gateway code for "too many requests".</summary>
    private static readonly HashSet<string> GatewayRetryable = ["4101"];

    /// <summary>
    /// Business codes worth retrying: 500100004 and 123000042 (throttled), 106100118 (timed out) and -100 (the write-back
    /// failed, try again). 106000001 is documented as a timeout but was also seen refusing a too-long range, so it is
    /// judged by its wording.
    /// </summary>
    private static readonly HashSet<string> BusinessRetryable = ["500100004", "123000042", "141500203", "106100118", "-100"];

    private static readonly string[] RetryableWording = ["限流", "频繁", "繁忙", "超时", "稍后重试"];

    public ApiCall ListModified(ApiConnection connection, PullWindow window, string? pageToken, DateTimeOffset now)
    {
        var body = JsonObject(w =>
        {
            // Whole seconds only: the start rounds down and the (exclusive) end up, so the range never falls short;
            // the overlap with the next window is harmless because intake is idempotent.
            w.WriteString("start_update", ChinaTime(Floor(window.From)));
            w.WriteString("end_update", ChinaTime(Ceiling(window.To)));
            w.WriteNumber("page_no", PageOf(pageToken));
            w.WriteNumber("page_size", PageSize);
        });
        return Post(connection, ListMethod, ListVersion, body);
    }

    /// <summary>
    /// Reads a list answer without knowing its page: enough when everything fit on one page; when more pages remain
    /// it fails with <c>ordo.page_unknown</c> (Youzan's answer does not say which page it is), so use
    /// <see cref="ReadList(ApiAnswer, string?)"/>.
    /// </summary>
    public ApiResult<PullPage> ReadList(ApiAnswer answer) => Read(answer, page: null);

    public ApiResult<PullPage> ReadList(ApiAnswer answer, string? pageToken) => Read(answer, PageOf(pageToken));

    private static ApiResult<PullPage> Read(ApiAnswer answer, int? page)
    {
        var envelope = Envelope(answer);
        if (envelope.Error is { } error) return ApiResult<PullPage>.Fail(error);
        if (NativeReader.Get(envelope.Value, "data") is not { ValueKind: JsonValueKind.Object } data)
            return ApiResult<PullPage>.Fail(Unexpected("the answer has no data object", answer));

        var orders = new List<JsonElement>();
        if (NativeReader.Get(data, "full_order_info_list") is { } list)
        {
            if (list.ValueKind != JsonValueKind.Array) return ApiResult<PullPage>.Fail(Unexpected("data.full_order_info_list is not an array", answer));
            foreach (var entry in list.EnumerateArray())
            {
                if (NativeReader.Get(entry, "full_order_info") is not { ValueKind: JsonValueKind.Object } order)
                    return ApiResult<PullPage>.Fail(Unexpected("an entry of data.full_order_info_list has no full_order_info object", answer));
                orders.Add(order.Clone());
            }
        }

        long? total = NativeReader.Get(data, "total_results") is { } t
            && (t.ValueKind == JsonValueKind.Number ? t.TryGetInt64(out var n)
                : t.ValueKind == JsonValueKind.String && long.TryParse(t.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out n))
            ? n : null;
        // An empty page always ends the pull, so an inconsistent total cannot make it loop.
        var more = orders.Count > 0 && (total is { } all ? (long)(page ?? 1) * PageSize < all : orders.Count >= PageSize);
        if (!more) return ApiResult<PullPage>.Ok(new PullPage(orders, [], null));
        if (page is not { } current)
            return ApiResult<PullPage>.Fail(new ApiError("ordo.page_unknown",
                "Youzan's list answer does not say which page it is; read it with ReadList(answer, pageToken)", Retryable: false));
        if (current >= MaxPageNo)
            return ApiResult<PullPage>.Fail(new ApiError("ordo.window_too_large",
                $"the window holds {total?.ToString(CultureInfo.InvariantCulture) ?? "more than " + MaxPageNo * PageSize} orders and Youzan pages stop at {MaxPageNo}; pull it in smaller windows", Retryable: false));
        return ApiResult<PullPage>.Ok(new PullPage(orders, [], (current + 1).ToString(CultureInfo.InvariantCulture)));
    }

    public ApiCall GetOrder(ApiConnection connection, string platformOrderId, DateTimeOffset now) =>
        Post(connection, DetailMethod, DetailVersion, JsonObject(w => w.WriteString("tid", platformOrderId)));

    /// <summary>The <c>full_order_info</c> object of <c>data</c>, the form <see cref="YouzanOrderAdapter"/> reads.</summary>
    public ApiResult<JsonElement> ReadOrder(ApiAnswer answer)
    {
        var envelope = Envelope(answer);
        if (envelope.Error is { } error) return ApiResult<JsonElement>.Fail(error);
        if (NativeReader.Get(envelope.Value, "data") is { ValueKind: JsonValueKind.Object } data
            && NativeReader.Get(data, "full_order_info") is { ValueKind: JsonValueKind.Object } order)
            return ApiResult<JsonElement>.Ok(order.Clone());
        return ApiResult<JsonElement>.Fail(Unexpected("the answer has no data.full_order_info", answer));
    }

    /// <summary>
    /// <c>youzan.logistics.online.confirm(tid, is_no_express=0, out_stype, out_sid[, oids])</c>: <c>out_stype</c> is
    /// Youzan's carrier id (from <c>youzan.logistics.express.get</c>), <c>oids</c> the sub-orders of a split shipment
    /// as one comma-separated string.
    /// </summary>
    public ApiCall Ship(ApiConnection connection, ShipmentNotice shipment, DateTimeOffset now) =>
        Post(connection, ShipMethod, ShipVersion, JsonObject(w =>
        {
            w.WriteString("tid", shipment.PlatformOrderId);
            w.WriteNumber("is_no_express", 0);
            w.WriteString("out_stype", shipment.CarrierCode);
            w.WriteString("out_sid", shipment.TrackingNumber);
            if (shipment.SubOrderIds is { Count: > 0 } oids) w.WriteString("oids", string.Join(',', oids));
        }));

    /// <summary>The confirmation is Youzan's answer body (with its trace id); <c>data.is_success</c> false is a failure.</summary>
    public ApiResult<string> ReadShip(ApiAnswer answer)
    {
        var envelope = Envelope(answer);
        if (envelope.Error is { } error) return ApiResult<string>.Fail(error);
        if (NativeReader.Get(envelope.Value, "data") is { } data && NativeReader.Get(data, "is_success") is { ValueKind: JsonValueKind.False })
            return ApiResult<string>.Fail(new ApiError("ordo.not_confirmed", $"Youzan answered data.is_success=false: {NativeReader.Fragment(answer.Body)}", Retryable: false));
        return ApiResult<string>.Ok(answer.Body.Trim());
    }

    public ApiCall SetStock(ApiConnection connection, StockUpdate update, DateTimeOffset now) =>
        Post(connection, update.SkuId is { Length: > 0 } ? SkuStockMethod : ItemStockMethod, StockVersion, JsonObject(w =>
        {
            RestHttp.WriteId(w, "item_id", update.ItemId);
            if (update.SkuId is { Length: > 0 } sku) RestHttp.WriteId(w, "sku_id", sku);
            w.WriteNumber("quantity", update.Quantity);
        }));

    /// <summary>As <see cref="ReadShip"/>: the answer body, unless <c>data.is_success</c> is false.</summary>
    public ApiResult<string> ReadSetStock(ApiAnswer answer) => ReadShip(answer);

    /// <summary>China time as Youzan writes it.</summary>
    public static string ChinaTime(DateTimeOffset instant) =>
        instant.ToOffset(Orders.ChinaTime.Offset).ToString(TimeFormat, CultureInfo.InvariantCulture);

    private static DateTimeOffset Floor(DateTimeOffset t) => t.AddTicks(-(t.UtcTicks % TimeSpan.TicksPerSecond));

    private static DateTimeOffset Ceiling(DateTimeOffset t) =>
        t.UtcTicks % TimeSpan.TicksPerSecond == 0 ? t : Floor(t).AddSeconds(1);

    /// <summary>The page a token names; the first page has no token. A token Ordo did not make starts over at page 1.</summary>
    private static int PageOf(string? pageToken) =>
        int.TryParse(pageToken, NumberStyles.None, CultureInfo.InvariantCulture, out var page) && page >= 1 ? page : 1;

    private static ApiCall Post(ApiConnection connection, string method, string version, string body) =>
        new(HttpMethod.Post,
            new Uri($"{connection.BaseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/')}/api/{method}/{version}?access_token={Uri.EscapeDataString(connection.AccessToken ?? "")}"),
            ApiCall.NoHeaders, body, "application/json");


    /// <summary>
    /// The answer's JSON root when Youzan reported success, else its error with code and message as given. HTTP 429
    /// and 5xx, the gateway's 4101 and the throttling/timeout business codes are retryable; token (4201–4203),
    /// permission (4204) and parameter errors are not.
    /// </summary>
    private static ApiResult<JsonElement> Envelope(ApiAnswer answer)
    {
        var (root, unreadable) = HttpAnswerChecks.ReadRoot(answer);
        if (unreadable is not null) return ApiResult<JsonElement>.Fail(unreadable);

        if (NativeReader.Get(root, "gw_err_resp") is { ValueKind: JsonValueKind.Object } gateway)
        {
            var code = NonEmptyText(gateway, "err_code") ?? "";
            var retryable = GatewayRetryable.Contains(code);
            return ApiResult<JsonElement>.Fail(new ApiError(code, NonEmptyText(gateway, "err_msg") ?? "", retryable, retryable ? HttpAnswerChecks.RetryAfter(answer) : null));
        }
        // Older 3.0.0 interfaces answer {"error_response":{code, msg}}.
        if (NativeReader.Get(root, "error_response") is { ValueKind: JsonValueKind.Object } legacy)
            return ApiResult<JsonElement>.Fail(Business(NonEmptyText(legacy, "code") ?? "", NonEmptyText(legacy, "msg") ?? NonEmptyText(legacy, "message") ?? "", answer));

        var status = NonEmptyText(root, "code");
        var failed = NativeReader.Get(root, "success") is { ValueKind: JsonValueKind.False } || status is not null && status != "200";
        if (failed) return ApiResult<JsonElement>.Fail(Business(status ?? "", NonEmptyText(root, "message") ?? NonEmptyText(root, "msg") ?? "", answer));
        if (answer.StatusCode is < 200 or >= 300)
            return ApiResult<JsonElement>.Fail(new ApiError($"http_{answer.StatusCode}", NativeReader.Fragment(answer.Body), Retryable: false));
        return ApiResult<JsonElement>.Ok(root);
    }

    private static ApiError Business(string code, string message, ApiAnswer answer)
    {
        var retryable = BusinessRetryable.Contains(code) || RetryableWording.Any(message.Contains);
        return new ApiError(code, message, retryable, retryable ? HttpAnswerChecks.RetryAfter(answer) : null);
    }


}
