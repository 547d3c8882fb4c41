using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ordo.Core.Channels.Youzan;
using Ordo.Core.Orders;

namespace Ordo.Simulator.Platforms;

/// <summary>
/// A fake Youzan cloud API at <c>/api/{method}/{version}?access_token=…</c>: <c>youzan.trades.sold.get</c> (update-time
/// range, page numbers), <c>youzan.trade.get</c> and <c>youzan.logistics.online.confirm</c>. Like Youzan it answers
/// HTTP 200 for every refusal: gateway errors (token missing 4201, unknown token 4203, unknown API 4005) as
/// <c>gw_err_resp</c>, business errors as <c>{success:false, code, message}</c>.
/// </summary>
public sealed class YouzanFake : IFakePlatformApi
{
    /// <summary>Business error codes the fake answers, as documented (-100 "operation failed, retry" for the write-back).</summary>
    public const int TradeNotFound = 5000, Retry = -100, NothingToShip = 102570020, BadTrackingNumber = 105000003, BadOids = 102599996, RangeTooLong = 106000001;

    private static readonly JsonSerializerOptions RawJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public IReadOnlyList<Platform> Platforms { get; } = [Platform.Youzan];

    public FakeResponse? Handle(FakeRequest request, FakeShop shop, DateTimeOffset now)
    {
        var at = request.Path.IndexOf("/api/", StringComparison.Ordinal);
        if (at < 0) return null;
        var call = Interlocked.Increment(ref shop.Calls);
        var traceId = $"yz7-fake-{call}";
        if (shop.Down) return new FakeResponse(502, "<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html");

        var route = request.Path[(at + 5)..].Split('/');
        if (route.Length != 2 || route[1].Length == 0) return Gateway(4001, "非法请求地址", traceId);
        var (method, version) = (route[0], route[1]);
        var known = method switch
        {
            YouzanApi.ListMethod or YouzanApi.DetailMethod => version.StartsWith("4.0.", StringComparison.Ordinal),
            YouzanApi.ShipMethod => version == YouzanApi.ShipVersion,
            YouzanApi.SkuStockMethod or YouzanApi.ItemStockMethod => version == YouzanApi.StockVersion,
            _ => false,
        };
        // Youzan checks the API name and version before the token.
        if (!known) return Gateway(4005, "非法的API", traceId);
        if (!request.Query.TryGetValue("access_token", out var token) || token.Length == 0) return Gateway(4201, "非法的请求凭证", traceId);
        if (token != shop.AccessToken) return Gateway(4203, "Token 不存在", traceId);

        JsonElement body;
        try
        {
            using var document = JsonDocument.Parse(request.Body.Length > 0 ? request.Body : "{}");
            body = document.RootElement.Clone();
        }
        catch (JsonException) { return Gateway(4004, "非法的Content", traceId); }
        if (body.ValueKind != JsonValueKind.Object) return Gateway(4004, "非法的Content", traceId);

        return method switch
        {
            YouzanApi.ListMethod => List(body, shop, traceId),
            YouzanApi.DetailMethod => Detail(body, shop, traceId),
            YouzanApi.SkuStockMethod or YouzanApi.ItemStockMethod => SetStock(body, method == YouzanApi.SkuStockMethod, shop, now, traceId),
            _ => Confirm(body, shop, now, traceId),
        };
    }

    private static FakeResponse List(JsonElement body, FakeShop shop, string traceId)
    {
        var pageNo = Long(body, "page_no") ?? 1;
        var pageSize = Long(body, "page_size") ?? 20;
        if (pageSize is < 1 or > YouzanApi.PageSize) return Business(5000, "每页最多显示100条数据", traceId);
        if (pageNo is < 1 or > YouzanApi.MaxPageNo) return Business(5000, "页码最大为100", traceId);

        // Youzan ignores a time condition given without its other half.
        var start = Text(body, "start_update");
        var end = Text(body, "end_update");
        DateTimeOffset? from = null, to = null;
        if (start is not null && end is not null)
        {
            // A date without its time of day is a type error at the gateway (5001).
            if (ParseChina(start) is not { } f || ParseChina(end) is not { } t) return Gateway(5001, "系统异常", traceId);
            if (f > t) return Business(5000, "开始时间不能大于结束时间", traceId);
            if (t > f.AddMonths(3)) return Business(RangeTooLong, "每次可搜索3个月订单记录,请重新选择起止时间", traceId);
            (from, to) = (f, t);
        }

        var matching = shop.Orders.Values
            .Where(o => from is null || Seconds(o.ModifiedAt) >= from && Seconds(o.ModifiedAt) <= to)
            .OrderBy(o => o.ModifiedAt).ThenBy(o => o.PlatformOrderId, StringComparer.Ordinal)
            .ToList();
        var page = matching.Skip((int)((pageNo - 1) * pageSize)).Take((int)pageSize);

        return Success(traceId, w =>
        {
            w.WriteStartObject("data");
            w.WriteNumber("total_results", matching.Count);
            w.WriteStartArray("full_order_info_list");
            foreach (var order in page)
            {
                w.WriteStartObject();
                w.WritePropertyName("full_order_info");
                w.WriteRawValue(order.NativeJson);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static FakeResponse Detail(JsonElement body, FakeShop shop, string traceId)
    {
        if (Text(body, "tid") is not { } tid || !shop.Orders.TryGetValue(tid, out var order)) return Business(TradeNotFound, "trade not found", traceId);
        return Success(traceId, w =>
        {
            w.WriteStartObject("data");
            w.WritePropertyName("full_order_info");
            w.WriteRawValue(order.NativeJson);
            w.WriteStartArray("refund_order");
            w.WriteEndArray();
            w.WriteStartArray("delivery_order");
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    /// <summary>
    /// Ships lines of an order awaiting shipment: all of them (no <c>oids</c>) moves it to WAIT_BUYER_CONFIRM_GOODS;
    /// some of them records the shipment and leaves the order awaiting the rest.
    /// </summary>
    private static FakeResponse Confirm(JsonElement body, FakeShop shop, DateTimeOffset now, string traceId)
    {
        if (shop.TakeShipmentFailure()) return Business(Retry, "操作异常，请重试", traceId);
        if (Text(body, "tid") is not { } tid || !shop.Orders.TryGetValue(tid, out var order)) return Business(105000016, "订单不存在", traceId);
        var noExpress = Long(body, "is_no_express") == 1;
        var carrier = Text(body, "out_stype");
        var tracking = Text(body, "out_sid");
        if (!noExpress && (carrier is null || tracking is null)) return Business(5000, "物流发货时物流公司和快递单号不能为空", traceId);
        if (tracking is not null && !tracking.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '-')) return Business(BadTrackingNumber, "快递单号只能包含字母、数字或中划线", traceId);
        var oids = (Text(body, "oids") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (oids.Any(o => !o.All(char.IsAsciiDigit))) return Business(BadOids, "oids必须为数字", traceId);

        var native = JsonNode.Parse(order.NativeJson)!.AsObject();
        var info = native["order_info"]!.AsObject();
        if (info["status"]?.GetValue<string>() != "WAIT_SELLER_SEND_GOODS") return Business(NothingToShip, "订单没有可发货的商品", traceId);
        var lines = native["orders"]!.AsArray().Select(l => l!["oid"]!.ToString()).ToList();
        if (oids.Any(o => !lines.Contains(o))) return Business(NothingToShip, "订单没有可发货的商品", traceId);

        var time = YouzanApi.ChinaTime(now);
        info["update_time"] = time;
        if (oids.Length == 0 || lines.All(oids.Contains))
        {
            info["status"] = "WAIT_BUYER_CONFIRM_GOODS";
            info["status_str"] = "已发货";
            info["consign_time"] = time;
        }
        shop.Put(order with { ModifiedAt = Seconds(now), NativeJson = native.ToJsonString(RawJson) });
        shop.Shipments.Enqueue(new FakeShipment(tid, carrier ?? "", tracking ?? "", oids, now));
        return Success(traceId, w =>
        {
            w.WriteStartObject("data");
            w.WriteBoolean("is_success", true);
            w.WriteEndObject();
        });
    }

    /// <summary>
    /// A realistic <c>full_order_info</c>: one line, yuan as strings, China times, <c>""</c> for times not reached. The
    /// receiver is given in plain text so the simulator can route it; the live API sends <c>$…$1$</c> ciphertext.
    /// Youzan has no "signed for" status, so Delivered is expressed as shipped; Ordo's own states (Accepted … Packed,
    /// OnHold) as awaiting shipment.
    /// </summary>
    public FakeOrder NewOrder(string platformOrderId, OrderStatus status, DateTimeOffset createdAt, DateTimeOffset modifiedAt, string sku, int quantity, decimal unitPrice)
    {
        var (code, text, paid, refundState) = status switch
        {
            OrderStatus.PendingPayment => ("WAIT_BUYER_PAY", "待付款", false, 0),
            OrderStatus.Shipped or OrderStatus.Delivered => ("WAIT_BUYER_CONFIRM_GOODS", "已发货", true, 0),
            OrderStatus.Completed => ("TRADE_SUCCESS", "已完成", true, 0),
            OrderStatus.Cancelled => ("TRADE_CLOSED", "已关闭", false, 0),
            OrderStatus.Refunded => ("TRADE_CLOSED", "已关闭", true, 12),                 // full refund done
            OrderStatus.RefundRequested => ("WAIT_SELLER_SEND_GOODS", "待发货", true, 11), // full refund in progress
            _ => ("WAIT_SELLER_SEND_GOODS", "待发货", true, 0),
        };
        var created = Seconds(createdAt);
        var modified = Seconds(modifiedAt);
        var paidAt = created.AddMinutes(1) < modified ? created.AddMinutes(1) : modified;
        var shipped = code is "WAIT_BUYER_CONFIRM_GOODS" or "TRADE_SUCCESS";
        var price = decimal.Round(unitPrice, 2, MidpointRounding.AwayFromZero);
        var total = Yuan(price * quantity);
        var seed = Seed(platformOrderId);
        string When(bool reached, DateTimeOffset t) => reached ? YouzanApi.ChinaTime(t) : "";

        var native = new JsonObject
        {
            ["order_info"] = new JsonObject
            {
                ["tid"] = platformOrderId,
                ["status"] = code,
                ["status_str"] = text,
                ["type"] = 0,
                ["created"] = YouzanApi.ChinaTime(created),
                ["pay_time"] = When(paid, paidAt),
                ["update_time"] = YouzanApi.ChinaTime(modified),
                ["consign_time"] = When(shipped, modified),
                ["success_time"] = When(code == "TRADE_SUCCESS", modified),
                ["refund_state"] = refundState,
                ["close_type"] = code == "TRADE_CLOSED" ? (paid ? 2 : 1) : 0,
                ["express_type"] = 0,
                ["pay_type"] = paid ? 10 : 0,
            },
            ["buyer_info"] = new JsonObject
            {
                ["yz_open_id"] = $"yz{seed % 1_000_000_000_000_000_000:D18}",
                ["buyer_phone"] = "13800138000",
            },
            ["address_info"] = new JsonObject
            {
                ["receiver_name"] = "李四",
                ["receiver_tel"] = "13800138000",
                ["delivery_province"] = "四川省",
                ["delivery_city"] = "成都市",
                ["delivery_district"] = "青羊区",
                ["delivery_address"] = "人民中路一段 1 号",
                ["delivery_postal_code"] = "610031",
                ["self_fetch_info"] = "",
            },
            ["pay_info"] = new JsonObject
            {
                ["total_fee"] = total,
                ["post_fee"] = "0.00",
                ["payment"] = total,
                ["real_payment"] = total,
                ["transaction"] = new JsonArray(),
                ["outer_transactions"] = new JsonArray(),
            },
            ["remark_info"] = new JsonObject { ["buyer_message"] = "", ["trade_memo"] = "" },
            ["orders"] = new JsonArray(new JsonObject
            {
                ["oid"] = $"{1_400_000_000_000_000_000UL + seed % 100_000_000_000_000_000UL}",
                ["item_id"] = 560_000_000 + (long)(seed % 1_000_000),
                ["sku_id"] = 36_000_000 + (long)(seed % 1_000_000),
                ["outer_item_id"] = sku,
                ["outer_sku_id"] = sku,
                ["title"] = $"商品 {sku}",
                ["sku_properties_name"] = "",
                ["num"] = quantity,
                ["price"] = Yuan(price),
                ["total_fee"] = total,
                ["payment"] = total,
                ["item_type"] = 0,
                ["is_present"] = false,
            }),
            ["child_info"] = new JsonObject { ["child_orders"] = new JsonArray() },
        };
        return new FakeOrder(platformOrderId, modified, native.ToJsonString(RawJson));
    }

    private static string Yuan(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>Youzan keeps times to the second.</summary>
    private static DateTimeOffset Seconds(DateTimeOffset t) => t.AddTicks(-(t.UtcTicks % TimeSpan.TicksPerSecond));

    private static DateTimeOffset? ParseChina(string text) =>
        DateTime.TryParseExact(text, YouzanApi.TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)
            ? new DateTimeOffset(local, ChinaTime.Offset)
            : null;


    /// <summary>
    /// <c>youzan.item.sku.update</c> (item_id, sku_id, quantity) and <c>youzan.item.update</c> (item_id, quantity),
    /// reduced to the quantity they set.
    /// </summary>
    private static FakeResponse SetStock(JsonElement body, bool ofSku, FakeShop shop, DateTimeOffset now, string traceId)
    {
        var item = Long(body, "item_id");
        var sku = Long(body, "sku_id");
        if (item is null || ofSku && sku is null) return Business(5000, ofSku ? "item_id和sku_id不能为空" : "item_id不能为空", traceId);
        if (Long(body, "quantity") is not { } quantity || quantity is < 0 or > int.MaxValue) return Business(5000, "quantity不合法", traceId);
        if (shop.TakeStockUpdateFailure()) return Business(Retry, "操作失败，请重试", traceId);
        shop.SetStock(item.Value.ToString(CultureInfo.InvariantCulture), ofSku ? sku!.Value.ToString(CultureInfo.InvariantCulture) : null, (int)quantity, now);
        return Success(traceId, w =>
        {
            w.WriteStartObject("data");
            w.WriteBoolean("is_success", true);
            w.WriteEndObject();
        });
    }

    private static long? Long(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var e) && (e.ValueKind == JsonValueKind.Number ? e.TryGetInt64(out var n)
            : e.ValueKind == JsonValueKind.String && long.TryParse(e.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out n)) ? n : null;

    private static string? Text(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var e) ? e.ValueKind switch
        {
            JsonValueKind.String when e.GetString() is { Length: > 0 } s => s,
            JsonValueKind.Number => e.GetRawText(),
            _ => null,
        } : null;

    private static ulong Seed(string id) => BitConverter.ToUInt64(MD5.HashData(Encoding.UTF8.GetBytes(id)));

    private static FakeResponse Gateway(int code, string message, string traceId) => Answer(w =>
    {
        w.WriteStartObject("gw_err_resp");
        w.WriteString("trace_id", traceId);
        w.WriteString("err_msg", message);
        w.WriteNumber("err_code", code);
        w.WriteEndObject();
    });

    private static FakeResponse Business(int code, string message, string traceId) => Answer(w =>
    {
        w.WriteString("trace_id", traceId);
        w.WriteNumber("code", code);
        w.WriteNull("data");
        w.WriteBoolean("success", false);
        w.WriteString("message", message);
    });

    private static FakeResponse Success(string traceId, Action<Utf8JsonWriter> data) => Answer(w =>
    {
        w.WriteString("trace_id", traceId);
        w.WriteNumber("code", 200);
        data(w);
        w.WriteBoolean("success", true);
        w.WriteString("message", "successful");
    });

    private static FakeResponse Answer(Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        return new FakeResponse(200, Encoding.UTF8.GetString(stream.ToArray()));
    }
}
