using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ordo.Core.Orders;

namespace Ordo.Core.Channels.Jd;

/// <summary>
/// The JD POP order API (JOS): every call is a signed form POST to <c>{apiBaseUrl}/routerjson</c> with the common
/// parameters <c>method, app_key, access_token, timestamp, v=2.0</c> and the business parameters as one JSON text in
/// <c>360buy_param_json</c>; sign = <see cref="Signing.SortedParamsMd5"/> over all of them (the JSON text included).
/// <list type="bullet">
/// <item>Pull: <c>jingdong.pop.order.search</c> with <c>dateType=0</c> (modified time), <c>start_date</c>/<c>end_date</c>
/// (at most one month apart), every order state and the required <c>optional_fields</c>. It returns whole order
/// objects, so no detail call is needed per order.</item>
/// <item>Paging: <c>page</c>/<c>page_size</c> (100), walked from the last page back (<see cref="RouterGateway.NextPage"/>).</item>
/// <item>Detail: <c>jingdong.pop.order.get</c> (<c>order_id</c>). Write-back: <c>jingdong.pop.order.shipment</c>
/// (<c>orderId, logiCoprId, logiNo</c>); it ships the whole order, so the sub-order ids of a split shipment are not
/// sent [U: JOS split shipping is a separate flow, not covered].</item>
/// <item>Stock push: <c>jingdong.stock.write.updateSkuStock</c> (<c>skuId</c>, <c>stockNum</c>: the JD SKU's sellable
/// stock, set, not added) [U: the parameters rest on the JOS SDK's request class; the answer's envelope is read by the
/// JOS naming rule and a <c>success=false</c> in it is taken as a refusal].</item>
/// <item>Errors: <c>error_response{code, zh_desc, en_desc}</c>; an <c>apiResult</c>/<c>…_result</c> with
/// <c>success=false</c> inside a normal answer. Codes 1 (service unavailable), 2 (app call limited), 43 (system
/// error) and 65–67 (back-end timeout, unavailable, unknown failure) are worth retrying.</item>
/// </list>
/// Pure and thread-safe: builds requests and reads answers, never throws.
/// </summary>
public sealed class JdApi : IPlatformApi
{
    public const string GatewayPath = "/routerjson";
    public const string ListMethod = "jingdong.pop.order.search";
    public const string DetailMethod = "jingdong.pop.order.get";
    public const string ShipMethod = "jingdong.pop.order.shipment";
    public const string StockMethod = "jingdong.stock.write.updateSkuStock";
    public const string ParamJson = "360buy_param_json";
    public const int PageSize = 100;

    /// <summary>
    /// Every state the search accepts: the eight its current documentation lists plus the LBP/SOPL states older
    /// versions list [U: the current gateway might refuse those three; drop them if it does].
    /// </summary>
    public static readonly IReadOnlyList<string> OrderStates =
    [
        "WAIT_SELLER_STOCK_OUT", "WAIT_GOODS_RECEIVE_CONFIRM", "WAIT_SELLER_DELIVERY", "PAUSE", "FINISHED_L",
        "TRADE_CANCELED", "LOCKED", "POP_ORDER_PAUSE",
        "SEND_TO_DISTRIBUTION_CENER", "DISTRIBUTION_CENTER_RECEIVED", "RECEIPTS_CONFIRM",
    ];

    /// <summary>The <c>orderInfo</c> fields <see cref="JdOrderAdapter"/> reads (names as in the SDK's OrderSearchInfo).</summary>
    public const string OptionalFields =
        "orderId,venderId,orderType,payType,orderState,orderStateRemark,orderStartTime,paymentConfirmTime,modified," +
        "orderEndTime,pin,open_id_buyer,orderTotalPrice,orderSellerPrice,sellerDiscount,freightPrice,balanceUsed," +
        "orderPayment,orderRemark,venderRemark,waybill,logisticsId,consigneeInfo,itemInfoList,couponDetailList";

    private const string ListEnvelope = "jingdong_pop_order_search_responce";
    private const string DetailEnvelope = "jingdong_pop_order_get_responce";
    private const string ShipEnvelope = "jingdong_pop_order_shipment_responce";
    private const string StockEnvelope = "jingdong_stock_write_updateSkuStock_responce";

    private static readonly HashSet<string> RetryableCodes = ["1", "2", "43", "65", "66", "67"];

    public IReadOnlyList<Platform> Platforms { get; } = [Platform.Jd];

    /// <summary>
    /// JOS: start and end "must not be more than one month apart"; read as the shortest month, 28 days, so that no
    /// reading of "one month" is exceeded.
    /// </summary>
    public TimeSpan MaxWindow { get; } = TimeSpan.FromDays(28);

    public ApiCall ListModified(ApiConnection connection, PullWindow window, string? pageToken, DateTimeOffset now)
    {
        var page = RouterGateway.PageOf(pageToken) ?? 1;
        return Call(connection, ListMethod, now, new JsonObject
        {
            ["start_date"] = RouterGateway.ChinaText(window.From),
            ["end_date"] = RouterGateway.ChinaText(window.To),
            ["order_state"] = string.Join(',', OrderStates),
            ["optional_fields"] = OptionalFields,
            ["page"] = page.ToString(CultureInfo.InvariantCulture),
            ["page_size"] = PageSize.ToString(CultureInfo.InvariantCulture),
            ["dateType"] = 0,   // 0: by modified time (order state or waybill changed); 1 would be creation time
        });
    }

    public ApiResult<PullPage> ReadList(ApiAnswer answer) => RouterGateway.SinglePageOnly(ReadList(answer, null));

    public ApiResult<PullPage> ReadList(ApiAnswer answer, string? pageToken)
    {
        if (Open(answer, ListEnvelope, out var response) is { } error) return ApiResult<PullPage>.Fail(error);
        if (NativeReader.Get(response, "searchorderinfo_result") is not { ValueKind: JsonValueKind.Object } result)
            return ApiResult<PullPage>.Fail(RouterGateway.Unexpected("no searchorderinfo_result in the answer", response));
        if (Refusal(result) is { } refused) return ApiResult<PullPage>.Fail(refused);
        var orders = new List<JsonElement>();
        // An empty page may leave the list out.
        if (NativeReader.Get(result, "orderInfoList") is { } list)
        {
            if (list.ValueKind != JsonValueKind.Array) return ApiResult<PullPage>.Fail(RouterGateway.Unexpected("orderInfoList is not a list", list));
            orders.AddRange(list.EnumerateArray());
        }
        return RouterGateway.NextPage(RouterGateway.PageOf(pageToken), RouterGateway.Long(result, "orderTotal"), PageSize, orders, []);
    }

    public ApiCall GetOrder(ApiConnection connection, string platformOrderId, DateTimeOffset now) =>
        Call(connection, DetailMethod, now, new JsonObject
        {
            ["order_id"] = platformOrderId,
            ["optional_fields"] = OptionalFields,
        });

    /// <summary>The <c>orderInfo</c> object itself (what <see cref="JdOrderAdapter"/> reads, as the search returns it).</summary>
    public ApiResult<JsonElement> ReadOrder(ApiAnswer answer)
    {
        if (Open(answer, DetailEnvelope, out var response) is { } error) return ApiResult<JsonElement>.Fail(error);
        if (NativeReader.Get(response, "orderDetailInfo") is not { ValueKind: JsonValueKind.Object } detail)
            return ApiResult<JsonElement>.Fail(RouterGateway.Unexpected("no orderDetailInfo in the answer", response));
        if (Refusal(detail) is { } refused) return ApiResult<JsonElement>.Fail(refused);
        return NativeReader.Get(detail, "orderInfo") is { ValueKind: JsonValueKind.Object } order
            ? ApiResult<JsonElement>.Ok(order)
            : ApiResult<JsonElement>.Fail(RouterGateway.Unexpected("the answer holds no orderInfo", detail));
    }

    public ApiCall Ship(ApiConnection connection, ShipmentNotice shipment, DateTimeOffset now) =>
        Call(connection, ShipMethod, now, new JsonObject
        {
            // A number where the id is one (as JOS documents it), else the text as given.
            ["orderId"] = Number(shipment.PlatformOrderId),
            ["logiCoprId"] = shipment.CarrierCode,
            ["logiNo"] = shipment.TrackingNumber,
        });

    public ApiResult<string> ReadShip(ApiAnswer answer)
    {
        if (Open(answer, ShipEnvelope, out var response) is { } error) return ApiResult<string>.Fail(error);
        if (NativeReader.Get(response, "sopjosshipment_result") is not { ValueKind: JsonValueKind.Object } result)
            return ApiResult<string>.Fail(RouterGateway.Unexpected("no sopjosshipment_result in the answer", response));
        if (RouterGateway.IsTrue(result, "success")) return ApiResult<string>.Ok(response.GetRawText());
        return ApiResult<string>.Fail(new ApiError(
            RouterGateway.Text(result, "errorCode") ?? "shipment-refused",
            Describe(RouterGateway.Text(result, "chineseErrCode"), RouterGateway.Text(result, "englishErrCode")) ?? "JOS refused the shipment",
            false));
    }

    /// <summary>JD keeps stock per JD SKU: the listing's SKU id, or its item id for a ware sold as one SKU.</summary>
    public ApiCall SetStock(ApiConnection connection, StockUpdate update, DateTimeOffset now) =>
        Call(connection, StockMethod, now, new JsonObject
        {
            ["skuId"] = Number(update.SkuId is { Length: > 0 } sku ? sku : update.ItemId),
            ["stockNum"] = update.Quantity,
        });

    public ApiResult<string> ReadSetStock(ApiAnswer answer)
    {
        if (Open(answer, StockEnvelope, out var response) is { } error) return ApiResult<string>.Fail(error);
        if (NativeReader.Get(response, "success") is { } success && !RouterGateway.IsTrue(response, "success") && success.ValueKind != JsonValueKind.Null)
            return ApiResult<string>.Fail(new ApiError("stock-refused", "JOS did not confirm the stock update: " + RouterGateway.Snippet(response.GetRawText()), false));
        return Refusal(response) is { } refused ? ApiResult<string>.Fail(refused) : ApiResult<string>.Ok(response.GetRawText());
    }

    /// <summary>A number where the id is one (as JOS documents its ids), else the text as given.</summary>
    private static JsonNode? Number(string id) =>
        long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? JsonValue.Create(n) : JsonValue.Create(id);

    /// <summary>Reads a JOS <c>error_response</c> (retryable or not, code and descriptions as JOS gave them).</summary>
    public static ApiError Error(JsonElement error)
    {
        var code = RouterGateway.Text(error, "code") ?? "?";
        var message = Describe(RouterGateway.Text(error, "zh_desc"), RouterGateway.Text(error, "en_desc")) ?? "";
        return new ApiError(code, message, RetryableCodes.Contains(code));
    }

    private static string? Describe(string? zh, string? en) => zh is null ? en : en is null ? zh : $"{zh} ({en})";

    /// <summary>
    /// <c>apiResult.success=false</c>: JOS answered but refused (e.g. an order not of this shop); its code and reason
    /// are kept, not retried.
    /// </summary>
    private static ApiError? Refusal(JsonElement holder)
    {
        if (NativeReader.Get(holder, "apiResult") is not { ValueKind: JsonValueKind.Object } result || RouterGateway.IsTrue(result, "success")) return null;
        return new ApiError(
            RouterGateway.Text(result, "numberCode") ?? RouterGateway.Text(result, "englishErrCode") ?? "api-result",
            Describe(RouterGateway.Text(result, "chineseErrCode"), RouterGateway.Text(result, "englishErrCode")) ?? "JOS refused the call",
            false);
    }

    private static ApiCall Call(ApiConnection connection, string method, DateTimeOffset now, JsonObject business) =>
        RouterGateway.SignedFormPost(RouterGateway.Endpoint(connection.BaseUrl, GatewayPath), new Dictionary<string, string>
        {
            ["method"] = method,
            ["app_key"] = connection.AppKey ?? "",
            ["access_token"] = connection.AccessToken ?? "",
            ["timestamp"] = RouterGateway.ChinaText(now),
            ["v"] = "2.0",
            [ParamJson] = business.ToJsonString(),
        }, connection.AppSecret);

    /// <summary>The response object inside <paramref name="envelope"/>, or why there is none (transport, JOS error, other answer).</summary>
    private static ApiError? Open(ApiAnswer answer, string envelope, out JsonElement response)
    {
        response = default;
        var (root, error) = RouterGateway.Json(answer);
        if (error is not null) return error;
        if (NativeReader.Get(root, "error_response") is { ValueKind: JsonValueKind.Object } jos) return Error(jos);
        if (NativeReader.Get(root, envelope) is not { ValueKind: JsonValueKind.Object } found) return RouterGateway.Unexpected($"no {envelope} in the answer", root);
        // The envelope's own code is "0" on success; anything else is an error in another shape.
        if (RouterGateway.Text(found, "code") is { } code && code != "0") return Error(found);
        response = found;
        return null;
    }
}
