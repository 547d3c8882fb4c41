using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ordo.Core.Channels.Jd;
using Ordo.Core.Orders;

namespace Ordo.Simulator.Platforms;

/// <summary>
/// A fake JOS gateway (<c>/routerjson</c>) for JD POP shops, answering as JOS does (envelopes spelled
/// <c>…_responce</c>): <c>jingdong.pop.order.search</c> (modified time, window of at most a month, the listed
/// <c>order_state</c>s, oldest first unless <c>sortType=1</c>, <c>page</c>/<c>page_size</c> ≤ 100, only the
/// <c>optional_fields</c> asked, <c>orderTotal</c>), <c>jingdong.pop.order.get</c> and
/// <c>jingdong.pop.order.shipment</c> (the order then waits for the buyer's receipt). Refuses a wrong app key (21),
/// signature (12), timestamp off by more than 6 minutes (8) or access token (19) with JOS's <c>error_response</c>.
/// The shop's orders hold bare <c>orderInfo</c> objects. Thread-safe.
/// </summary>
public sealed class JdFake : IFakePlatformApi
{
    private const string ListEnvelope = "jingdong_pop_order_search_responce";
    private const string DetailEnvelope = "jingdong_pop_order_get_responce";
    private const string ShipEnvelope = "jingdong_pop_order_shipment_responce";
    private const string NotYet = "0001-01-01 00:00:00";
    private static readonly TimeSpan TimestampTolerance = TimeSpan.FromMinutes(6);

    public IReadOnlyList<Platform> Platforms { get; } = [Platform.Jd];

    public FakeResponse? Handle(FakeRequest request, FakeShop shop, DateTimeOffset now)
    {
        if (!request.Path.EndsWith(JdApi.GatewayPath, StringComparison.Ordinal)) return null;
        FakeRouter.Count(shop);
        if (shop.Down) return FakeRouter.BadGateway();

        var p = FakeRouter.Parameters(request);
        if (p.GetValueOrDefault("app_key") != shop.AppKey) return Error("21", "无效app_key", "Invalid app_key");
        if (!FakeRouter.SignatureMatches(p, shop.AppSecret)) return Error("12", "无效签名", "Invalid Signature");
        if (FakeRouter.ParseChina(p.GetValueOrDefault("timestamp")) is not { } sent || (sent - now).Duration() > TimestampTolerance)
            return Error("8", "非法的时间戳参数", "Invalid Timestamp");
        if (p.GetValueOrDefault("access_token") != shop.AccessToken) return Error("19", "无效access_token", "Invalid access_token");

        JsonObject business;
        try { business = JsonNode.Parse(p.GetValueOrDefault(JdApi.ParamJson) ?? "{}")?.AsObject() ?? new JsonObject(); }
        catch (Exception e) when (e is JsonException or InvalidOperationException) { return Error("63", "json格式不合法", "json格式不合法"); }

        return p.GetValueOrDefault("method") switch
        {
            JdApi.ListMethod => Search(business, shop),
            JdApi.DetailMethod => Detail(business, shop),
            JdApi.ShipMethod => Ship(business, shop, now),
            JdApi.StockMethod => SetStock(business, shop, now),
            _ => Error("15", "不存在的方法名", "Invalid Method"),
        };
    }

    private static FakeResponse Search(JsonObject q, FakeShop shop)
    {
        if (FakeRouter.ParseChina(Text(q, "start_date")) is not { } start) return Invalid("start_date");
        if (FakeRouter.ParseChina(Text(q, "end_date")) is not { } end) return Invalid("end_date");
        // "Not more than one month apart", counted in calendar months of China time.
        if (end <= start || end.ToOffset(ChinaTime.Offset) > start.ToOffset(ChinaTime.Offset).AddMonths(1)) return Invalid("end_date");
        if (Text(q, "optional_fields") is not { } optional) return Invalid("optional_fields");
        if (Text(q, "order_state") is not { } stateList) return Invalid("order_state");
        if (!Int(q, "page", 1, int.MaxValue, out var page)) return Invalid("page");
        if (!Int(q, "page_size", 1, 100, out var pageSize)) return Invalid("page_size");
        var states = stateList.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        var descending = Text(q, "sortType") == "1";

        var matching = shop.Orders.Values
            .Where(o => FakeRouter.Seconds(o.ModifiedAt) >= start && FakeRouter.Seconds(o.ModifiedAt) < end)
            .Select(o => (Order: o, Info: Info(o)))
            .Where(o => states.Contains(o.Info["orderState"]?.GetValue<string>() ?? ""))
            .ToList();
        var sorted = descending
            ? matching.OrderByDescending(o => FakeRouter.Seconds(o.Order.ModifiedAt)).ThenByDescending(o => o.Order.PlatformOrderId, StringComparer.Ordinal)
            : matching.OrderBy(o => FakeRouter.Seconds(o.Order.ModifiedAt)).ThenBy(o => o.Order.PlatformOrderId, StringComparer.Ordinal);
        var fields = optional.Split(',');
        var pageItems = sorted.Skip((int)Math.Min((long)(page - 1) * pageSize, int.MaxValue)).Take(pageSize)
            .Select(o => (JsonNode)FakeRouter.Project(o.Info, fields)).ToArray();

        return FakeRouter.Ok(new JsonObject
        {
            [ListEnvelope] = new JsonObject
            {
                ["code"] = "0",
                ["searchorderinfo_result"] = new JsonObject
                {
                    ["apiResult"] = Success(),
                    ["orderInfoList"] = new JsonArray(pageItems),
                    ["orderTotal"] = matching.Count,
                },
            },
        });
    }

    private static FakeResponse Detail(JsonObject q, FakeShop shop)
    {
        if (Text(q, "order_id") is not { } id) return Invalid("order_id");
        var detail = new JsonObject();
        if (shop.Orders.TryGetValue(id, out var order))
        {
            detail["apiResult"] = Success();
            var info = Info(order);
            detail["orderInfo"] = Text(q, "optional_fields") is { } optional ? FakeRouter.Project(info, optional.Split(',')) : info;
        }
        else
        {
            // JOS answers an unknown order inside a normal envelope [U: code and wording are the fake's own].
            detail["apiResult"] = new JsonObject { ["success"] = false, ["englishErrCode"] = "order does not exist", ["chineseErrCode"] = "订单不存在", ["numberCode"] = 10100034 };
        }
        return FakeRouter.Ok(new JsonObject { [DetailEnvelope] = new JsonObject { ["code"] = "0", ["orderDetailInfo"] = detail } });
    }

    private static FakeResponse Ship(JsonObject q, FakeShop shop, DateTimeOffset now)
    {
        if (Text(q, "orderId") is not { } id) return Invalid("orderId");
        if (Text(q, "logiCoprId") is not { } carrier) return Invalid("logiCoprId");
        if (Text(q, "logiNo") is not { } tracking) return Invalid("logiNo");
        if (!shop.Orders.TryGetValue(id, out var order)) return ShipResult(false, "10400001", "订单不存在", "order does not exist");
        if (shop.TakeShipmentFailure()) return ShipResult(false, "10400002", "订单出库失败", "order shipment failed");

        var info = Info(order);
        if (info["orderState"]?.GetValue<string>() != "WAIT_SELLER_STOCK_OUT" || info["paymentConfirmTime"]?.GetValue<string>() is null or NotYet)
            return ShipResult(false, "10400003", "订单状态不正确，不能出库", "order state does not allow shipment");
        var at = FakeRouter.ChinaText(now);
        info["orderState"] = "WAIT_GOODS_RECEIVE_CONFIRM";
        info["orderStateRemark"] = "等待确认收货";
        info["outBoundDate"] = at;
        info["modified"] = at;
        info["waybill"] = tracking;
        info["logisticsId"] = carrier;
        shop.Put(order with { ModifiedAt = now, NativeJson = info.ToJsonString(FakeRouter.Json) });
        shop.Shipments.Enqueue(new FakeShipment(order.PlatformOrderId, carrier, tracking, [], now));
        return ShipResult(true, "", "成功", "success");
    }

    /// <summary>
    /// An <c>orderInfo</c> as <c>jingdong.pop.order.search</c> returns it, in the state that expresses
    /// <paramref name="status"/>. JD's order payload has no refund side and no warehouse steps: RefundRequested and
    /// Ordo's own steps (Accepted … Packed) are an order awaiting shipment (Paid), Refunded is a cancelled order
    /// (Cancelled), OnHold is <c>LOCKED</c> (reads as Paid, tagged), Delivered is <c>RECEIPTS_CONFIRM</c>.
    /// </summary>
    public FakeOrder NewOrder(string platformOrderId, OrderStatus status, DateTimeOffset createdAt, DateTimeOffset modifiedAt, string sku, int quantity, decimal unitPrice)
    {
        var (state, remark, paid) = status switch
        {
            OrderStatus.PendingPayment => ("WAIT_SELLER_STOCK_OUT", "等待出库", false),
            OrderStatus.OnHold => ("LOCKED", "已锁定", true),
            OrderStatus.Shipped => ("WAIT_GOODS_RECEIVE_CONFIRM", "等待确认收货", true),
            OrderStatus.Delivered => ("RECEIPTS_CONFIRM", "收款确认", true),
            OrderStatus.Completed => ("FINISHED_L", "完成", true),
            OrderStatus.Cancelled => ("TRADE_CANCELED", "取消", false),
            OrderStatus.Refunded => ("TRADE_CANCELED", "取消", true),
            _ => ("WAIT_SELLER_STOCK_OUT", "等待出库", true),
        };
        var hash = FakeRouter.Hash(platformOrderId);
        var total = FakeRouter.Money(unitPrice * quantity);
        var paidAt = createdAt.AddSeconds(30) < modifiedAt ? createdAt.AddSeconds(30) : modifiedAt;
        var shipped = status is OrderStatus.Shipped or OrderStatus.Delivered or OrderStatus.Completed;
        var (province, city, county, town) = Places[(int)(hash % (ulong)Places.Length)];

        var info = new JsonObject
        {
            ["orderId"] = platformOrderId,
            ["venderId"] = "10086",
            ["orderType"] = "22",
            ["payType"] = "4-在线支付",
            ["orderState"] = state,
            ["orderStateRemark"] = remark,
            ["orderStartTime"] = FakeRouter.ChinaText(createdAt),
            ["paymentConfirmTime"] = paid ? FakeRouter.ChinaText(paidAt) : NotYet,
            ["modified"] = FakeRouter.ChinaText(modifiedAt),
            ["orderEndTime"] = status is OrderStatus.Completed or OrderStatus.Cancelled or OrderStatus.Refunded ? FakeRouter.ChinaText(modifiedAt) : NotYet,
            ["pin"] = "jd_" + hash.ToString("x12", CultureInfo.InvariantCulture),
            ["open_id_buyer"] = "o*AAQ" + (hash % 1_000_000_000).ToString("D9", CultureInfo.InvariantCulture),
            ["orderTotalPrice"] = total,
            ["orderSellerPrice"] = total,
            ["sellerDiscount"] = "0.00",
            ["freightPrice"] = "0.00",
            ["balanceUsed"] = "0.00",
            ["orderPayment"] = total,
            ["orderRemark"] = "",
            ["venderRemark"] = "",
            ["waybill"] = shipped ? "JDV" + (hash % 1_000_000_000_000).ToString("D12", CultureInfo.InvariantCulture) : "",
            ["logisticsId"] = shipped ? "467" : "",
            ["consigneeInfo"] = new JsonObject
            {
                // JOS sends name, phone and address as base64 ciphertext, with a masked copy of the phone beside it.
                ["fullname"] = Cipher("name:" + platformOrderId),
                ["mobile"] = Cipher("mobile:" + platformOrderId),
                ["telephone"] = Cipher("telephone:" + platformOrderId),
                ["desen_mobile"] = "138****" + (hash % 10_000).ToString("D4", CultureInfo.InvariantCulture),
                ["fullAddress"] = Cipher("address:" + platformOrderId),
                ["province"] = province,
                ["city"] = city,
                ["county"] = county,
                ["town"] = town,
            },
            ["itemInfoList"] = new JsonArray(new JsonObject
            {
                ["skuId"] = (100_000_000_000L + (long)(hash % 1_000_000)).ToString(CultureInfo.InvariantCulture),
                ["outerSkuId"] = sku,
                ["skuName"] = "商品 " + sku,
                ["jdPrice"] = FakeRouter.Money(unitPrice),
                ["itemTotal"] = quantity.ToString(CultureInfo.InvariantCulture),
                ["wareId"] = (10_000_000_000L + (long)(hash % 1_000_000)).ToString(CultureInfo.InvariantCulture),
            }),
            ["couponDetailList"] = new JsonArray(),
        };
        return new FakeOrder(platformOrderId, modifiedAt, info.ToJsonString(FakeRouter.Json));
    }

    private static readonly (string Province, string City, string County, string Town)[] Places =
    [
        ("广东", "深圳市", "南山区", "粤海街道"),
        ("北京", "北京市", "朝阳区", "望京街道"),
        ("江苏", "南京市", "鼓楼区", "湖南路街道"),
        ("湖北", "武汉市", "洪山区", "珞南街道"),
    ];

    /// <summary>Base64 text of the length JOS ciphertext has (read by the adapter as encrypted, never as plain).</summary>
    private static string Cipher(string seed) =>
        "AAS" + Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(seed)))[3..];

    private static JsonObject Info(FakeOrder order) => JsonNode.Parse(order.NativeJson)!.AsObject();

    private static JsonObject Success() =>
        new() { ["success"] = true, ["englishErrCode"] = "success", ["chineseErrCode"] = "成功", ["numberCode"] = 10100000 };

    private static string? Text(JsonObject obj, string name) => obj[name] switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>() is { Length: > 0 } s ? s : null,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.ToJsonString(),
        _ => null,
    };

    private static bool Int(JsonObject q, string name, int min, int max, out int value) =>
        int.TryParse(Text(q, name), NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;

    private static FakeResponse ShipResult(bool success, string errorCode, string zh, string en) =>
        FakeRouter.Ok(new JsonObject
        {
            [ShipEnvelope] = new JsonObject
            {
                ["code"] = "0",
                ["sopjosshipment_result"] = new JsonObject { ["success"] = success, ["errorCode"] = errorCode, ["chineseErrCode"] = zh, ["englishErrCode"] = en },
            },
        });

    /// <summary><c>jingdong.stock.write.updateSkuStock</c>: the JD SKU's stock is set to <c>stockNum</c>.</summary>
    private static FakeResponse SetStock(JsonObject q, FakeShop shop, DateTimeOffset now)
    {
        if (Text(q, "skuId") is not { } sku) return Invalid("skuId");
        if (!int.TryParse(Text(q, "stockNum"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var quantity)) return Invalid("stockNum");
        if (shop.TakeStockUpdateFailure()) return Error("66", "服务不可用", "Service unavailable");
        shop.SetStock(sku, null, quantity, now);
        return FakeRouter.Ok(new JsonObject { ["jingdong_stock_write_updateSkuStock_responce"] = new JsonObject { ["code"] = "0", ["success"] = true } });
    }

    private static FakeResponse Invalid(string name) =>
        Error("61", $"参数[{name}]值不合法，请参照帮助文档确认！", $"parameter [{name}] is not valid, please refer to the help document and confirm");

    /// <summary>JOS's error answer (HTTP 200 with <c>error_response</c>; the code is text).</summary>
    private static FakeResponse Error(string code, string zh, string en) =>
        FakeRouter.Ok(new JsonObject { ["error_response"] = new JsonObject { ["code"] = code, ["zh_desc"] = zh, ["en_desc"] = en } });
}
