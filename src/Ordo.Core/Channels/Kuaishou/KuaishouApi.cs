using System.Globalization;
using System.Text.Json;
using Ordo.Core.Orders;
using static Ordo.Core.Channels.HttpAnswerChecks;

namespace Ordo.Core.Channels.Kuaishou;

/// <summary>
/// Kuaishou shop (快手小店) open API. Every call goes to <c>{base}/{method with '.' as '/'}</c> (e.g.
/// <c>open.order.cursor.list</c> → <c>/open/order/cursor/list</c>) with the common parameters <c>appkey</c>,
/// <c>method</c>, <c>version=1</c>, <c>param</c> (the business parameters as one JSON string), <c>access_token</c>,
/// <c>timestamp</c> (unix milliseconds), <c>signMethod=MD5</c> and <c>sign</c> = lower-case
/// md5hex(the other parameters sorted by name as <c>k=v</c> joined with '&amp;', then <c>&amp;signSecret=</c> + secret).
/// Reads are GET with everything in the query; the write-back is POST with everything in a form body
/// [U: the official SDK's POST layout was not seen; a form body is what the widely used Node client sends].
/// Credentials: <see cref="ApiConnection.AppKey"/> is the appkey and <see cref="ApiConnection.AppSecret"/> the app's
/// signSecret (签名密钥, which is not the OAuth appSecret). Answers are <c>{result, error_msg, data}</c> with
/// <c>result</c> 1 meaning success; newer gateways add <c>code/msg/sub_code/sub_msg</c>.
/// <para>
/// Stock push: Kuaishou's stock call, <c>open.item.sku.stock.update(kwaiItemId, skuId, skuChangeStock, changeType)</c>,
/// changes stock by an amount (<c>changeType</c> 1 adds, 2 removes; <c>skuChangeStock</c> above 0); no call that sets
/// a value was found. So Ordo first reads the SKU's stock with <c>open.item.get(kwaiItemId)</c>
/// (<c>data.skuList[].kwaiSkuId, skuStock</c>) and sends the difference to the wanted value: a retry reads again,
/// so it never applies a change twice; a sale on Kuaishou between the read and the change leaves the stock lower than
/// wanted, never higher [U: the incremental semantics rest on the SDK's description of the call; the field names of
/// open.item.get on several third-party clients].
/// </para>
/// </summary>
public sealed class KuaishouApi : IPlatformApi
{
    public const string ListMethod = "open.order.cursor.list";
    public const string DetailMethod = "open.order.detail";
    public const string ShipMethod = "open.seller.order.goods.deliver";
    public const string ItemMethod = "open.item.get";
    public const string StockMethod = "open.item.sku.stock.update";

    /// <summary><c>changeType</c> of <see cref="StockMethod"/>: 1 adds <c>skuChangeStock</c>, 2 removes it.</summary>
    public const int AddStock = 1, RemoveStock = 2;

    /// <summary>The documented page size limit of <c>open.order.cursor.list</c> is 50 (the brief's 100 is above it).</summary>
    public const int PageSize = 50;

    /// <summary>The cursor Kuaishou answers once the last page has been given.</summary>
    public const string LastCursor = "nomore";

    /// <summary><c>queryType</c> 2 selects orders by update time (1 is by creation time) [U: from third-party digests of the doc].</summary>
    public const int QueryByUpdateTime = 2;

    /// <summary><c>orderViewStatus</c> 1 is "all orders" [U: the view-status enum is separate from the order status enum].</summary>
    public const int AllOrders = 1;

    public IReadOnlyList<Platform> Platforms { get; } = [Platform.Kuaishou];

    /// <summary><c>beginTime</c> to <c>endTime</c> may span at most 7 days.</summary>
    public TimeSpan MaxWindow { get; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Codes that mean "too many calls, later will do" [U: 802006 (the app's daily quota used up) is known only from a
    /// third-party client; Kuaishou's error code table was not available].
    /// </summary>
    private static readonly HashSet<string> RateLimitCodes = ["802006"];

    /// <summary>Wording of throttling and busy answers, for codes not in the table above [U].</summary>
    private static readonly string[] RetryableWording = ["限流", "频繁", "频率", "额度", "繁忙", "稍后重试", "超时"];

    /// <summary>The URL path of an API method: its dots become slashes.</summary>
    public static string PathOf(string method) => "/" + method.Replace('.', '/');

    /// <summary>
    /// The request signature: lower-case md5hex of the parameters except <c>sign</c>, sorted by name (ordinal), as
    /// <c>k=v</c> joined with '&amp;', followed by <c>&amp;signSecret=</c> and the secret.
    /// </summary>
    public static string Sign(IEnumerable<KeyValuePair<string, string>> parameters, string signSecret)
    {
        var text = string.Join('&', parameters
            .Where(p => p.Key.Length > 0 && p.Key != "sign")
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => $"{p.Key}={p.Value}"));
        return Signing.Md5Hex(text + "&signSecret=" + signSecret);
    }

    public ApiCall ListModified(ApiConnection connection, PullWindow window, string? pageToken, DateTimeOffset now)
    {
        var param = JsonObject(w =>
        {
            w.WriteNumber("orderViewStatus", AllOrders);
            w.WriteNumber("pageSize", PageSize);
            w.WriteNumber("queryType", QueryByUpdateTime);
            w.WriteNumber("beginTime", window.From.ToUnixTimeMilliseconds());
            w.WriteNumber("endTime", window.To.ToUnixTimeMilliseconds());
            // The first page is asked with an empty cursor; later pages with the cursor the previous answer gave.
            w.WriteString("cursor", pageToken ?? "");
        });
        return Get(connection, ListMethod, param, now);
    }

    public ApiResult<PullPage> ReadList(ApiAnswer answer)
    {
        var envelope = Envelope(answer);
        if (envelope.Error is { } error) return ApiResult<PullPage>.Fail(error);
        var root = envelope.Value;
        if (NativeReader.Get(root, "data") is not { ValueKind: JsonValueKind.Object } data)
            return ApiResult<PullPage>.Fail(Unexpected("the answer has no data object", answer));

        var orders = new List<JsonElement>();
        if (NativeReader.Get(data, "orderList") is { } list)
        {
            if (list.ValueKind != JsonValueKind.Array) return ApiResult<PullPage>.Fail(Unexpected("data.orderList is not an array", answer));
            foreach (var order in list.EnumerateArray())
            {
                if (order.ValueKind != JsonValueKind.Object) return ApiResult<PullPage>.Fail(Unexpected("data.orderList holds a non-object", answer));
                orders.Add(order.Clone());
            }
        }
        var cursor = NativeReader.Get(data, "cursor") is { } c ? (c.ValueKind == JsonValueKind.String ? c.GetString() : c.GetRawText()) : null;
        // An empty page ends the pull even if a cursor came with it, so a misbehaving cursor cannot loop forever.
        var next = orders.Count == 0 || string.IsNullOrEmpty(cursor) || cursor == LastCursor ? null : cursor;
        return ApiResult<PullPage>.Ok(new PullPage(orders, [], next));
    }

    /// <summary>As <see cref="ReadList(ApiAnswer)"/>, and refuses a cursor that did not move, which would repeat the page forever.</summary>
    public ApiResult<PullPage> ReadList(ApiAnswer answer, string? pageToken)
    {
        var page = ReadList(answer);
        if (page.Value is { NextPageToken: { } next } && next == (pageToken ?? ""))
            return ApiResult<PullPage>.Fail(new ApiError("ordo.cursor_stuck", $"Kuaishou answered the same cursor '{next}' it was asked with", Retryable: false));
        return page;
    }

    public ApiCall GetOrder(ApiConnection connection, string platformOrderId, DateTimeOffset now) =>
        Get(connection, DetailMethod, JsonObject(w => WriteId(w, "oid", platformOrderId)), now);

    public ApiResult<JsonElement> ReadOrder(ApiAnswer answer)
    {
        var envelope = Envelope(answer);
        if (envelope.Error is { } error) return ApiResult<JsonElement>.Fail(error);
        if (NativeReader.Get(envelope.Value, "data") is { ValueKind: JsonValueKind.Object } data && NativeReader.Get(data, "orderBaseInfo") is not null)
            return ApiResult<JsonElement>.Ok(data.Clone());
        return ApiResult<JsonElement>.Fail(Unexpected("the answer has no data.orderBaseInfo", answer));
    }

    /// <summary>
    /// <c>open.seller.order.goods.deliver(orderId, expressNo, expressCode)</c>. A Kuaishou order holds one item and the
    /// call ships the whole order (split delivery is not supported), so sub-order ids are not sent.
    /// </summary>
    public ApiCall Ship(ApiConnection connection, ShipmentNotice shipment, DateTimeOffset now)
    {
        var param = JsonObject(w =>
        {
            WriteId(w, "orderId", shipment.PlatformOrderId);
            w.WriteString("expressNo", shipment.TrackingNumber);
            // Kuaishou's carrier codes are numbers; a non-numeric code is passed as given and Kuaishou's refusal kept.
            WriteId(w, "expressCode", shipment.CarrierCode);
        });
        return Post(connection, ShipMethod, param, now);
    }

    /// <summary>The confirmation is Kuaishou's answer body itself (it carries the request id).</summary>
    public ApiResult<string> ReadShip(ApiAnswer answer)
    {
        var envelope = Envelope(answer);
        return envelope.Error is { } error ? ApiResult<string>.Fail(error) : ApiResult<string>.Ok(answer.Body.Trim());
    }

    /// <summary>Reads the listing's stock first: the stock call changes stock by an amount.</summary>
    public ApiCall? PrepareSetStock(ApiConnection connection, StockUpdate update, DateTimeOffset now) =>
        Get(connection, ItemMethod, JsonObject(w => WriteId(w, "kwaiItemId", update.ItemId)), now);

    /// <summary>The update with <see cref="StockUpdate.CurrentQuantity"/>: the <c>skuStock</c> of the listing's SKU (of the only SKU when none is named).</summary>
    public ApiResult<StockUpdate> ReadPrepareSetStock(ApiAnswer answer, StockUpdate update)
    {
        var envelope = Envelope(answer);
        if (envelope.Error is { } error) return ApiResult<StockUpdate>.Fail(error);
        if (NativeReader.Get(envelope.Value, "data") is not { ValueKind: JsonValueKind.Object } data
            || NativeReader.Get(data, "skuList") is not { ValueKind: JsonValueKind.Array } skus)
            return ApiResult<StockUpdate>.Fail(Unexpected("the answer has no data.skuList", answer));
        var all = skus.EnumerateArray().Where(s => s.ValueKind == JsonValueKind.Object).ToList();
        var sku = update.SkuId is { Length: > 0 } wanted
            ? all.FirstOrDefault(s => NonEmptyText(s, "kwaiSkuId") == wanted)
            : all.Count == 1 ? all[0] : default;
        if (sku.ValueKind != JsonValueKind.Object)
            return ApiResult<StockUpdate>.Fail(new ApiError("ordo.sku_not_found",
                update.SkuId is null ? $"item {update.ItemId} has {all.Count} SKUs: name the SKU (platformSkuId)" : $"item {update.ItemId} has no SKU {update.SkuId}", false));
        return NativeReader.Get(sku, "skuStock") is { ValueKind: JsonValueKind.Number } stock && stock.TryGetInt32(out var current)
            ? ApiResult<StockUpdate>.Ok(update with { SkuId = NonEmptyText(sku, "kwaiSkuId"), CurrentQuantity = current })
            : ApiResult<StockUpdate>.Fail(Unexpected("the SKU has no skuStock", answer));
    }

    /// <summary>
    /// The change from <see cref="StockUpdate.CurrentQuantity"/> (0 when unknown) to the wanted quantity. Callers skip
    /// the call when the two are equal: Kuaishou refuses a change of 0.
    /// </summary>
    public ApiCall SetStock(ApiConnection connection, StockUpdate update, DateTimeOffset now)
    {
        var change = update.Quantity - (update.CurrentQuantity ?? 0);
        var param = JsonObject(w =>
        {
            WriteId(w, "kwaiItemId", update.ItemId);
            WriteId(w, "skuId", update.SkuId ?? "");
            w.WriteNumber("skuChangeStock", Math.Abs(change));
            w.WriteNumber("changeType", change >= 0 ? AddStock : RemoveStock);
        });
        return Post(connection, StockMethod, param, now);
    }

    public ApiResult<string> ReadSetStock(ApiAnswer answer) => ReadShip(answer);

    private static ApiCall Post(ApiConnection connection, string method, string param, DateTimeOffset now) =>
        new(HttpMethod.Post, new Uri(BaseOf(connection) + PathOf(method)), ApiCall.NoHeaders,
            Encode(Signed(connection, method, param, now)), "application/x-www-form-urlencoded");

    private static ApiCall Get(ApiConnection connection, string method, string param, DateTimeOffset now) =>
        new(HttpMethod.Get, new Uri(BaseOf(connection) + PathOf(method) + "?" + Encode(Signed(connection, method, param, now))), ApiCall.NoHeaders);

    private static List<KeyValuePair<string, string>> Signed(ApiConnection connection, string method, string param, DateTimeOffset now)
    {
        var parameters = new List<KeyValuePair<string, string>>
        {
            new("appkey", connection.AppKey ?? ""),
            new("method", method),
            new("version", "1"),
            new("param", param),
            new("access_token", connection.AccessToken ?? ""),
            new("timestamp", now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)),
            new("signMethod", "MD5"),
        };
        parameters.Add(new("sign", Sign(parameters, connection.AppSecret ?? "")));
        return parameters;
    }

    private static string BaseOf(ApiConnection connection) => connection.BaseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/');

    private static string Encode(IEnumerable<KeyValuePair<string, string>> parameters) =>
        string.Join('&', parameters.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));

    /// <summary>Ids and codes Kuaishou types as Long/Integer go out as JSON numbers when they are numeric.</summary>
    private static void WriteId(Utf8JsonWriter w, string name, string value)
    {
        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)) w.WriteNumber(name, number);
        else w.WriteString(name, value);
    }


    /// <summary>
    /// The answer's JSON root when Kuaishou reported success, else the error: HTTP 429 and 5xx and throttling answers
    /// are retryable; the platform's own code (<c>sub_code</c>, else <c>code</c>, else <c>result</c>) and message
    /// (<c>sub_msg</c>, else <c>error_msg</c>, else <c>msg</c>) are kept as given.
    /// </summary>
    private static ApiResult<JsonElement> Envelope(ApiAnswer answer)
    {
        var (root, unreadable) = HttpAnswerChecks.ReadRoot(answer);
        if (unreadable is not null) return ApiResult<JsonElement>.Fail(unreadable);

        var succeeded = NativeReader.Get(root, "result") is { ValueKind: JsonValueKind.Number } r && r.TryGetInt64(out var result) && result == 1;
        // Some gateway answers carry only code/sub_code (no result): those are errors too.
        var code = NonEmptyText(root, "sub_code") ?? NonEmptyText(root, "code") ?? NonEmptyText(root, "result");
        if (!succeeded && code is not null)
        {
            var message = NonEmptyText(root, "sub_msg") ?? NonEmptyText(root, "error_msg") ?? NonEmptyText(root, "msg") ?? "";
            var retryable = RateLimitCodes.Contains(code) || RetryableWording.Any(message.Contains);
            return ApiResult<JsonElement>.Fail(new ApiError(code, message, retryable, retryable ? HttpAnswerChecks.RetryAfter(answer) : null));
        }
        if (answer.StatusCode is < 200 or >= 300)
            return ApiResult<JsonElement>.Fail(new ApiError($"http_{answer.StatusCode}", NativeReader.Fragment(answer.Body), Retryable: false));
        if (!succeeded) return ApiResult<JsonElement>.Fail(Unexpected("the answer has no result field", answer));
        return ApiResult<JsonElement>.Ok(root);
    }


}
