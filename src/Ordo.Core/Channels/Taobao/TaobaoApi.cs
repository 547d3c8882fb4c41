using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ordo.Core.Orders;

namespace Ordo.Core.Channels.Taobao;

/// <summary>
/// The Taobao/Tmall order API (TOP REST): every call is a signed form POST to <c>{apiBaseUrl}/router/rest</c> with
/// the common parameters <c>method, app_key, session, timestamp, format=json, v=2.0, sign_method=md5, sign</c>
/// (timestamp in China time, sign = <see cref="Signing.SortedParamsMd5"/> over all other parameters).
/// <list type="bullet">
/// <item>Pull: <c>taobao.trades.sold.increment.get</c> by <c>start_modified</c>/<c>end_modified</c> (at most one day).
/// It returns only part of each trade (no buyer message, seller memo or oaid), so it is asked for ids only and the
/// trades come back as <see cref="PullPage.OrderIdsToFetch"/>, each read with <c>taobao.trade.fullinfo.get</c>.</item>
/// <item>Paging: <c>page_no</c>/<c>page_size</c> (100), walked from the last page back as TOP advises
/// (<see cref="RouterGateway.NextPage"/>): the first request asks for the total (<c>use_has_next=false</c>), the
/// others use <c>use_has_next=true</c>, which TOP says answers more reliably.</item>
/// <item>Write-back: <c>taobao.logistics.offline.send</c> (tid, out_sid, company_code; <c>sub_tid</c> and
/// <c>is_split=1</c> for a split shipment).</item>
/// <item>Stock push: <c>taobao.item.quantity.update</c> (num_iid, sku_id for a SKU of the item, quantity, type=1: a full
/// update, which sets the value rather than adding to it). Tmall shops take the same call through TOP [U: Tmall also
/// has <c>tmall.item.quantity.update</c>; the Taobao call is used for both].</item>
/// <item>Errors: <c>error_response{code,msg,sub_code,sub_msg}</c>. Call limits (codes 4–8), "service unavailable" (10)
/// and any <c>isp.*</c> sub-code (TOP's own failures) are worth retrying; <c>isv.*</c> and parameter, signature and
/// session errors are not.</item>
/// </list>
/// Pure and thread-safe: builds requests and reads answers, never throws.
/// </summary>
public sealed partial class TaobaoApi : IPlatformApi
{
    public const string GatewayPath = "/router/rest";
    public const string ListMethod = "taobao.trades.sold.increment.get";
    public const string DetailMethod = "taobao.trade.fullinfo.get";
    public const string ShipMethod = "taobao.logistics.offline.send";
    public const string StockMethod = "taobao.item.quantity.update";
    public const int PageSize = 100;

    /// <summary>The list is read for ids only (the trades are fetched whole); <c>modified</c> is kept for diagnosis.</summary>
    public const string ListFields = "tid,modified";

    /// <summary>Every trade field <see cref="TaobaoOrderAdapter"/> reads; <c>orders</c> returns the sub-orders whole.</summary>
    public const string DetailFields =
        "tid,tid_str,type,status,created,pay_time,modified,end_time,consign_time,buyer_nick,buyer_open_uid," +
        "receiver_name,receiver_mobile,receiver_phone,receiver_state,receiver_city,receiver_district,receiver_town," +
        "receiver_address,receiver_zip,total_fee,payment,post_fee,discount_fee,adjust_fee,coupon_fee," +
        "buyer_message,buyer_memo,seller_memo,seller_flag,orders";

    private const string ListEnvelope = "trades_sold_increment_get_response";
    private const string DetailEnvelope = "trade_fullinfo_get_response";
    private const string ShipEnvelope = "logistics_offline_send_response";
    private const string StockEnvelope = "item_quantity_update_response";

    /// <summary>Platform-level codes meaning "not now": call limits (4–8) and service unavailable (10).</summary>
    private static readonly HashSet<string> RetryableCodes = ["4", "5", "6", "7", "8", "10"];

    public IReadOnlyList<Platform> Platforms { get; } = [Platform.Taobao, Platform.Tmall];

    /// <summary>TOP: <c>end_modified − start_modified ≤ 1 day</c>.</summary>
    public TimeSpan MaxWindow { get; } = TimeSpan.FromDays(1);

    public ApiCall ListModified(ApiConnection connection, PullWindow window, string? pageToken, DateTimeOffset now)
    {
        var page = RouterGateway.PageOf(pageToken);
        // type is left out: TOP then returns its default set (guarantee_trade, auto_delivery, ec, cod, step), which
        // covers ordinary sales [U: shops selling other trade types would need them listed].
        return Call(connection, ListMethod, now, new()
        {
            ["fields"] = ListFields,
            ["start_modified"] = RouterGateway.ChinaText(window.From),
            ["end_modified"] = RouterGateway.ChinaText(window.To),
            ["page_no"] = (page ?? 1).ToString(CultureInfo.InvariantCulture),
            ["page_size"] = PageSize.ToString(CultureInfo.InvariantCulture),
            // Only the first request needs the total (to find the last page); has_next paging is TOP's faster path.
            ["use_has_next"] = page is null ? "false" : "true",
        });
    }

    public ApiResult<PullPage> ReadList(ApiAnswer answer) => RouterGateway.SinglePageOnly(ReadList(answer, null));

    public ApiResult<PullPage> ReadList(ApiAnswer answer, string? pageToken)
    {
        if (Open(answer, ListEnvelope, out var response) is { } error) return ApiResult<PullPage>.Fail(error);
        var ids = new List<string>();
        // An empty result has no "trades" at all.
        if (NativeReader.Get(response, "trades") is { } trades)
        {
            if (NativeReader.Get(trades, "trade") is not { ValueKind: JsonValueKind.Array } list)
                return ApiResult<PullPage>.Fail(RouterGateway.Unexpected("trades.trade is not a list", trades));
            foreach (var trade in list.EnumerateArray())
            {
                if (TradeId(trade) is not { } id) return ApiResult<PullPage>.Fail(RouterGateway.Unexpected("a trade without tid", trade));
                ids.Add(id);
            }
        }
        return RouterGateway.NextPage(RouterGateway.PageOf(pageToken), RouterGateway.Long(response, "total_results"), PageSize, [], ids);
    }

    public ApiCall GetOrder(ApiConnection connection, string platformOrderId, DateTimeOffset now) =>
        Call(connection, DetailMethod, now, new()
        {
            ["fields"] = DetailFields,
            ["tid"] = platformOrderId,
            // Asks for the oaid (needed to decrypt the receiver later) [U: value written as TOP's boolean text].
            ["include_oaid"] = "true",
        });

    /// <summary>The trade object itself (what <see cref="TaobaoOrderAdapter"/> reads).</summary>
    public ApiResult<JsonElement> ReadOrder(ApiAnswer answer)
    {
        if (Open(answer, DetailEnvelope, out var response) is { } error) return ApiResult<JsonElement>.Fail(error);
        return NativeReader.Get(response, "trade") is { ValueKind: JsonValueKind.Object } trade
            ? ApiResult<JsonElement>.Ok(trade)
            : ApiResult<JsonElement>.Fail(RouterGateway.Unexpected("the answer holds no trade", response));
    }

    public ApiCall Ship(ApiConnection connection, ShipmentNotice shipment, DateTimeOffset now)
    {
        var parameters = new Dictionary<string, string>
        {
            ["tid"] = shipment.PlatformOrderId,
            ["out_sid"] = shipment.TrackingNumber,
            ["company_code"] = shipment.CarrierCode,
        };
        if (shipment.SubOrderIds is { Count: > 0 } lines)
        {
            // A split shipment names the sub-orders (oid) this parcel carries; the rest stay to be shipped.
            parameters["sub_tid"] = string.Join(',', lines);
            parameters["is_split"] = "1";
        }
        return Call(connection, ShipMethod, now, parameters);
    }

    public ApiResult<string> ReadShip(ApiAnswer answer)
    {
        if (Open(answer, ShipEnvelope, out var response) is { } error) return ApiResult<string>.Fail(error);
        if (NativeReader.Get(response, "shipping") is { } shipping && RouterGateway.IsTrue(shipping, "is_success"))
            return ApiResult<string>.Ok(response.GetRawText());
        return ApiResult<string>.Fail(new ApiError("ship-not-confirmed", "TOP did not confirm the shipment: " + RouterGateway.Snippet(response.GetRawText()), false));
    }

    public ApiCall SetStock(ApiConnection connection, StockUpdate update, DateTimeOffset now)
    {
        var parameters = new Dictionary<string, string>
        {
            ["num_iid"] = update.ItemId,
            ["quantity"] = update.Quantity.ToString(CultureInfo.InvariantCulture),
            // 1: full update (the value is set), 2 would add it to what the item has.
            ["type"] = "1",
        };
        if (update.SkuId is { Length: > 0 } sku) parameters["sku_id"] = sku;
        return Call(connection, StockMethod, now, parameters);
    }

    /// <summary>The <c>item_quantity_update_response</c> (the item's id, quantity and modified time) as text.</summary>
    public ApiResult<string> ReadSetStock(ApiAnswer answer)
    {
        if (Open(answer, StockEnvelope, out var response) is { } error) return ApiResult<string>.Fail(error);
        return NativeReader.Get(response, "item") is { ValueKind: JsonValueKind.Object }
            ? ApiResult<string>.Ok(response.GetRawText())
            : ApiResult<string>.Fail(RouterGateway.Unexpected("TOP did not answer the item it updated", response));
    }

    /// <summary>Reads a TOP error object (retryable or not, code and message as TOP gave them).</summary>
    public static ApiError Error(JsonElement error)
    {
        var code = RouterGateway.Text(error, "code") ?? "?";
        var msg = RouterGateway.Text(error, "msg") ?? "";
        var subCode = RouterGateway.Text(error, "sub_code");
        var subMsg = RouterGateway.Text(error, "sub_msg");
        var retryable = RetryableCodes.Contains(code) || subCode is not null && subCode.StartsWith("isp.", StringComparison.Ordinal);
        // Call-limit answers say how long the ban lasts: "This ban will last for 12 more seconds".
        TimeSpan? retryAfter = subMsg is not null && BanSeconds().Match(subMsg) is { Success: true } m
            && int.TryParse(m.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(seconds) : null;
        return new ApiError(
            subCode is null ? code : $"{code}/{subCode}",
            subMsg is null ? msg : $"{msg}: {subMsg}",
            retryable,
            retryable ? retryAfter : null);
    }

    [GeneratedRegex(@"last for (\d+) more second", RegexOptions.IgnoreCase)]
    private static partial Regex BanSeconds();

    private static string? TradeId(JsonElement trade) => RouterGateway.Text(trade, "tid_str") ?? RouterGateway.Text(trade, "tid");

    private static ApiCall Call(ApiConnection connection, string method, DateTimeOffset now, Dictionary<string, string> business)
    {
        business["method"] = method;
        business["app_key"] = connection.AppKey ?? "";
        business["session"] = connection.AccessToken ?? "";
        business["timestamp"] = RouterGateway.ChinaText(now);
        business["format"] = "json";
        business["v"] = "2.0";
        business["sign_method"] = "md5";
        return RouterGateway.SignedFormPost(RouterGateway.Endpoint(connection.BaseUrl, GatewayPath), business, connection.AppSecret);
    }

    /// <summary>The response object inside <paramref name="envelope"/>, or why there is none (transport, TOP error, other answer).</summary>
    private static ApiError? Open(ApiAnswer answer, string envelope, out JsonElement response)
    {
        response = default;
        var (root, error) = RouterGateway.Json(answer);
        if (error is not null) return error;
        if (NativeReader.Get(root, "error_response") is { ValueKind: JsonValueKind.Object } top) return Error(top);
        if (NativeReader.Get(root, envelope) is not { ValueKind: JsonValueKind.Object } found) return RouterGateway.Unexpected($"no {envelope} in the answer", root);
        response = found;
        return null;
    }
}
