using System.Globalization;
using System.Text.Json.Nodes;
using Ordo.Core.Channels.Taobao;
using Ordo.Core.Orders;

namespace Ordo.Simulator.Platforms;

/// <summary>
/// A fake TOP gateway (<c>/router/rest</c>) for Taobao and Tmall shops, answering as TOP does:
/// <c>taobao.trades.sold.increment.get</c> (modified-time window of at most a day, newest first, <c>page_no</c>/
/// <c>page_size</c> ≤ 100, <c>total_results</c> or <c>has_next</c>, only the asked <c>fields</c>),
/// <c>taobao.trade.fullinfo.get</c> and <c>taobao.logistics.offline.send</c> (whole or split by <c>sub_tid</c>; the
/// trade then moves to <c>WAIT_BUYER_CONFIRM_GOODS</c> or <c>SELLER_CONSIGNED_PART</c>). Refuses a wrong app key (29),
/// signature (25), timestamp off by more than 10 minutes (31) or session (27) with TOP's <c>error_response</c>.
/// The shop's orders hold bare trade objects. Thread-safe.
/// </summary>
public sealed class TaobaoFake : IFakePlatformApi
{
    private const string ListEnvelope = "trades_sold_increment_get_response";
    private const string DetailEnvelope = "trade_fullinfo_get_response";
    private const string ShipEnvelope = "logistics_offline_send_response";
    private static readonly TimeSpan TimestampTolerance = TimeSpan.FromMinutes(10);

    public IReadOnlyList<Platform> Platforms { get; } = [Platform.Taobao, Platform.Tmall];

    public FakeResponse? Handle(FakeRequest request, FakeShop shop, DateTimeOffset now)
    {
        if (!request.Path.EndsWith(TaobaoApi.GatewayPath, StringComparison.Ordinal)) return null;
        FakeRouter.Count(shop);
        if (shop.Down) return FakeRouter.BadGateway();

        var p = FakeRouter.Parameters(request);
        if (p.GetValueOrDefault("app_key") != shop.AppKey) return Error(29, "Invalid app Key", "isv.appkey-not-exists", "appkey不存在");
        if (!FakeRouter.SignatureMatches(p, shop.AppSecret)) return Error(25, "Invalid signature");
        if (FakeRouter.ParseChina(p.GetValueOrDefault("timestamp")) is not { } sent || (sent - now).Duration() > TimestampTolerance)
            return Error(31, "Invalid timestamp");
        if (p.GetValueOrDefault("session") != shop.AccessToken) return Error(27, "Invalid session", "invalid-sessionkey", "SessionKey非法");

        return p.GetValueOrDefault("method") switch
        {
            TaobaoApi.ListMethod => List(p, shop),
            TaobaoApi.DetailMethod => Detail(p, shop),
            TaobaoApi.ShipMethod => Ship(p, shop, now),
            TaobaoApi.StockMethod => SetStock(p, shop, now),
            _ => Error(22, "Invalid method"),
        };
    }

    private static FakeResponse List(Dictionary<string, string> p, FakeShop shop)
    {
        if (Required(p, "fields", "start_modified", "end_modified") is { } missing) return missing;
        if (FakeRouter.ParseChina(p["start_modified"]) is not { } start) return Invalid("start_modified");
        if (FakeRouter.ParseChina(p["end_modified"]) is not { } end) return Invalid("end_modified");
        if (end <= start || end - start > TimeSpan.FromDays(1)) return Invalid("end_modified", "修改时间跨度不能大于一天");
        if (!PositiveInt(p, "page_no", 1, int.MaxValue, out var pageNo)) return Invalid("page_no");
        if (!PositiveInt(p, "page_size", 40, 100, out var pageSize)) return Invalid("page_size");
        var useHasNext = p.GetValueOrDefault("use_has_next") == "true";
        var fields = p["fields"].Split(',');

        var matching = shop.Orders.Values
            .Where(o => FakeRouter.Seconds(o.ModifiedAt) >= start && FakeRouter.Seconds(o.ModifiedAt) < end)
            .OrderByDescending(o => FakeRouter.Seconds(o.ModifiedAt)).ThenByDescending(o => o.PlatformOrderId, StringComparer.Ordinal)
            .ToList();
        var page = matching.Skip((int)Math.Min((long)(pageNo - 1) * pageSize, int.MaxValue)).Take(pageSize).ToList();

        var response = new JsonObject();
        if (!useHasNext) response["total_results"] = matching.Count;
        if (page.Count > 0)
            response["trades"] = new JsonObject { ["trade"] = new JsonArray(page.Select(o => (JsonNode)FakeRouter.Project(Trade(o), fields)).ToArray()) };
        if (useHasNext) response["has_next"] = (long)pageNo * pageSize < matching.Count;
        return FakeRouter.Ok(new JsonObject { [ListEnvelope] = response });
    }

    private static FakeResponse Detail(Dictionary<string, string> p, FakeShop shop)
    {
        if (Required(p, "fields", "tid") is { } missing) return missing;
        if (!shop.Orders.TryGetValue(p["tid"], out var order)) return Error(15, "Remote service error", "isv.trade-not-exist", "交易不存在");
        var fields = p["fields"].Split(',');
        // TOP adds the oaid when asked (include_oaid) and the receiver fields it protects are requested.
        string[] oaidNeeds = ["receiver_name", "receiver_address", "created", "receiver_mobile", "receiver_phone"];
        if (p.GetValueOrDefault("include_oaid") == "true" && oaidNeeds.All(fields.Contains)) fields = [.. fields, "oaid"];
        var trade = FakeRouter.Project(Trade(order), fields);
        return FakeRouter.Ok(new JsonObject { [DetailEnvelope] = new JsonObject { ["trade"] = trade } });
    }

    private static FakeResponse Ship(Dictionary<string, string> p, FakeShop shop, DateTimeOffset now)
    {
        if (Required(p, "tid", "out_sid", "company_code") is { } missing) return missing;
        if (!shop.Orders.TryGetValue(p["tid"], out var order)) return Error(15, "Remote service error", "isv.trade-not-exist", "交易不存在");
        if (shop.TakeShipmentFailure()) return ShipRefused("物流订单发货失败");

        var trade = Trade(order);
        var status = trade["status"]?.GetValue<string>();
        if (status is not ("WAIT_SELLER_SEND_GOODS" or "SELLER_CONSIGNED_PART")) return ShipRefused($"交易状态{status}不允许发货");
        var lines = trade["orders"]?["order"]?.AsArray().OfType<JsonObject>().ToList() ?? [];
        var split = p.TryGetValue("sub_tid", out var subTid) && subTid.Length > 0
            ? subTid.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [];
        var shipped = split.Length == 0 ? lines : lines.Where(l => split.Contains(Text(l["oid"]))).ToList();
        if (shipped.Count != (split.Length == 0 ? lines.Count : split.Length)) return ShipRefused("子订单不属于该交易");

        var at = FakeRouter.ChinaText(now);
        foreach (var line in shipped)
        {
            line["status"] = "WAIT_BUYER_CONFIRM_GOODS";
            line["consign_time"] = at;
            line["invoice_no"] = p["out_sid"];
            line["logistics_company"] = p["company_code"];
        }
        var allShipped = lines.All(l => l["status"]?.GetValue<string>() == "WAIT_BUYER_CONFIRM_GOODS");
        trade["status"] = allShipped ? "WAIT_BUYER_CONFIRM_GOODS" : "SELLER_CONSIGNED_PART";
        trade["consign_time"] = at;
        trade["modified"] = at;
        shop.Put(order with { ModifiedAt = now, NativeJson = trade.ToJsonString(FakeRouter.Json) });
        shop.Shipments.Enqueue(new FakeShipment(order.PlatformOrderId, p["company_code"], p["out_sid"], split, now));
        return FakeRouter.Ok(new JsonObject { [ShipEnvelope] = new JsonObject { ["shipping"] = new JsonObject { ["is_success"] = true } } });
    }

    /// <summary><c>taobao.item.quantity.update</c>: only the full update (type 1) is accepted, the one Ordo sends.</summary>
    private static FakeResponse SetStock(Dictionary<string, string> p, FakeShop shop, DateTimeOffset now)
    {
        if (Required(p, "num_iid", "quantity") is { } missing) return missing;
        if (!int.TryParse(p["quantity"], NumberStyles.None, CultureInfo.InvariantCulture, out var quantity)) return Invalid("quantity");
        if (p.GetValueOrDefault("type", "1") != "1") return Invalid("type", "only full updates are simulated");
        if (shop.TakeStockUpdateFailure()) return Error(15, "Remote service error", "isv.item-quantity-item-update-service-error", "商品库存更新失败");
        var sku = p.GetValueOrDefault("sku_id");
        shop.SetStock(p["num_iid"], sku, quantity, now);
        var item = new JsonObject { ["num_iid"] = FakeRouter.Id(p["num_iid"]), ["num"] = quantity, ["modified"] = FakeRouter.ChinaText(now) };
        if (!string.IsNullOrEmpty(sku)) item["skus"] = new JsonObject { ["sku"] = new JsonArray(new JsonObject { ["sku_id"] = FakeRouter.Id(sku), ["quantity"] = quantity }) };
        return FakeRouter.Ok(new JsonObject { ["item_quantity_update_response"] = new JsonObject { ["item"] = item } });
    }

    /// <summary>
    /// A trade as <c>taobao.trade.fullinfo.get</c> returns it, in the status that expresses <paramref name="status"/>.
    /// Ordo's own warehouse steps (Accepted … Packed) have no Taobao form: the trade is awaiting shipment; OnHold is
    /// <c>PAID_FORBID_CONSIGN</c> (the platform blocks shipping), which reads as Paid.
    /// </summary>
    public FakeOrder NewOrder(string platformOrderId, OrderStatus status, DateTimeOffset createdAt, DateTimeOffset modifiedAt, string sku, int quantity, decimal unitPrice)
    {
        var (tradeStatus, paid, refund) = status switch
        {
            OrderStatus.PendingPayment => ("WAIT_BUYER_PAY", false, "NO_REFUND"),
            OrderStatus.OnHold => ("PAID_FORBID_CONSIGN", true, "NO_REFUND"),
            OrderStatus.Shipped => ("WAIT_BUYER_CONFIRM_GOODS", true, "NO_REFUND"),
            OrderStatus.Delivered => ("TRADE_BUYER_SIGNED", true, "NO_REFUND"),
            OrderStatus.Completed => ("TRADE_FINISHED", true, "NO_REFUND"),
            OrderStatus.Cancelled => ("TRADE_CLOSED_BY_TAOBAO", false, "NO_REFUND"),
            OrderStatus.RefundRequested => ("WAIT_SELLER_SEND_GOODS", true, "WAIT_SELLER_AGREE"),
            OrderStatus.Refunded => ("TRADE_CLOSED", true, "SUCCESS"),
            _ => ("WAIT_SELLER_SEND_GOODS", true, "NO_REFUND"),
        };
        var hash = FakeRouter.Hash(platformOrderId);
        var goods = unitPrice * quantity;
        var paidAt = createdAt.AddSeconds(30) < modifiedAt ? createdAt.AddSeconds(30) : modifiedAt;
        var (province, city, district, town, zip) = Places[(int)(hash % (ulong)Places.Length)];

        var trade = new JsonObject
        {
            ["tid"] = FakeRouter.Id(platformOrderId),
            ["tid_str"] = platformOrderId,
            // Cash on delivery is the only way a trade reaches TRADE_BUYER_SIGNED.
            ["type"] = status == OrderStatus.Delivered ? "cod" : "fixed",
            ["status"] = tradeStatus,
            ["created"] = FakeRouter.ChinaText(createdAt),
            ["modified"] = FakeRouter.ChinaText(modifiedAt),
            ["buyer_nick"] = "t**" + (hash % 10),
            ["buyer_open_uid"] = "AAH" + (hash % 1_000_000_000).ToString("D9", CultureInfo.InvariantCulture) + "xQ",
            ["receiver_name"] = "张**",
            ["receiver_mobile"] = "138****" + (hash % 10_000).ToString("D4", CultureInfo.InvariantCulture),
            ["receiver_state"] = province,
            ["receiver_city"] = city,
            ["receiver_district"] = district,
            ["receiver_town"] = town,
            ["receiver_address"] = town + "***号",
            ["receiver_zip"] = zip,
            ["oaid"] = "1b9Z" + hash.ToString("x12", CultureInfo.InvariantCulture),
            ["total_fee"] = FakeRouter.Money(goods),
            ["payment"] = FakeRouter.Money(goods),
            ["post_fee"] = "0.00",
            ["discount_fee"] = "0.00",
            ["adjust_fee"] = "0.00",
            ["buyer_message"] = "",
            ["seller_memo"] = "",
            ["seller_flag"] = 0,
            ["orders"] = new JsonObject
            {
                ["order"] = new JsonArray(new JsonObject
                {
                    // A trade with one sub-order gives it the trade's id.
                    ["oid"] = FakeRouter.Id(platformOrderId),
                    ["num_iid"] = 600_000_000_000L + (long)(hash % 100_000_000),
                    ["sku_id"] = (5_000_000_000L + (long)(hash % 1_000_000)).ToString(CultureInfo.InvariantCulture),
                    ["outer_iid"] = sku,
                    ["outer_sku_id"] = sku,
                    ["title"] = "商品 " + sku,
                    ["num"] = quantity,
                    ["price"] = FakeRouter.Money(unitPrice),
                    ["total_fee"] = FakeRouter.Money(goods),
                    ["payment"] = FakeRouter.Money(goods),
                    ["discount_fee"] = "0.00",
                    ["refund_status"] = refund,
                    ["status"] = tradeStatus,
                }),
            },
        };
        // A cash-on-delivery trade is paid at the door, so it has no online payment time.
        if (paid && status != OrderStatus.Delivered) trade["pay_time"] = FakeRouter.ChinaText(paidAt);
        if (status is OrderStatus.Shipped or OrderStatus.Delivered or OrderStatus.Completed) trade["consign_time"] = FakeRouter.ChinaText(paidAt);
        if (status is OrderStatus.Completed or OrderStatus.Cancelled or OrderStatus.Refunded) trade["end_time"] = FakeRouter.ChinaText(modifiedAt);
        return new FakeOrder(platformOrderId, modifiedAt, trade.ToJsonString(FakeRouter.Json));
    }

    private static readonly (string Province, string City, string District, string Town, string Zip)[] Places =
    [
        ("浙江省", "杭州市", "西湖区", "转塘街道", "310024"),
        ("广东省", "深圳市", "南山区", "粤海街道", "518057"),
        ("上海", "上海市", "长宁区", "新华路街道", "200052"),
        ("四川省", "成都市", "武侯区", "玉林街道", "610041"),
    ];

    private static JsonObject Trade(FakeOrder order) => JsonNode.Parse(order.NativeJson)!.AsObject();

    private static string? Text(JsonNode? node) => node?.GetValueKind() switch
    {
        System.Text.Json.JsonValueKind.String => node.GetValue<string>(),
        System.Text.Json.JsonValueKind.Number => node.ToJsonString(),
        _ => null,
    };

    private static bool PositiveInt(Dictionary<string, string> p, string name, int fallback, int max, out int value)
    {
        if (!p.TryGetValue(name, out var text)) { value = fallback; return true; }
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= 1 && value <= max;
    }

    private static FakeResponse? Required(Dictionary<string, string> p, params string[] names) =>
        names.FirstOrDefault(n => string.IsNullOrEmpty(p.GetValueOrDefault(n))) is { } name
            ? Error(40, "Missing required arguments:" + name, "isv.missing-parameter:" + name, "缺少参数" + name)
            : null;

    private static FakeResponse Invalid(string name, string? reason = null) =>
        Error(41, "Invalid arguments:" + name, "isv.invalid-parameter:" + name, reason ?? "参数" + name + "不合法");

    private static FakeResponse ShipRefused(string reason) =>
        Error(15, "Remote service error", "isv.logistics-offline-service-error", reason);

    /// <summary>TOP's error answer (HTTP 200 with <c>error_response</c>).</summary>
    private static FakeResponse Error(int code, string msg, string? subCode = null, string? subMsg = null)
    {
        var error = new JsonObject { ["code"] = code, ["msg"] = msg };
        if (subCode is not null) error["sub_code"] = subCode;
        if (subMsg is not null) error["sub_msg"] = subMsg;
        error["request_id"] = Guid.NewGuid().ToString("N")[..13];
        return FakeRouter.Ok(new JsonObject { ["error_response"] = error });
    }
}
