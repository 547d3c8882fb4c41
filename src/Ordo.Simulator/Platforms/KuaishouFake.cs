using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ordo.Core.Channels;
using Ordo.Core.Channels.Kuaishou;
using Ordo.Core.Orders;

namespace Ordo.Simulator.Platforms;

/// <summary>
/// A fake Kuaishou shop open API: <c>open.order.cursor.list</c> (by update time, cursor paging),
/// <c>open.order.detail</c> and <c>open.seller.order.goods.deliver</c> at their documented paths, answering
/// <c>{result, error_msg, data}</c>. It checks the appkey, the MD5 signature (with the shop's
/// <see cref="FakeShop.AppSecret"/> as signSecret) and the access token, in that order.
/// </summary>
public sealed class KuaishouFake : IFakePlatformApi
{
    /// <summary>
    /// The fake's own result codes for refusals. Kuaishou's numeric codes for these were not found [U]; the numbers are
    /// placeholders and the messages carry the meaning. 2001 is the code seen for a refused business parameter.
    /// </summary>
    public const int AppKeyInvalid = 23, TokenInvalid = 24, SignatureInvalid = 28, BusinessFailed = 2001, SystemBusy = 50;

    private static readonly JsonSerializerOptions RawJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public IReadOnlyList<Platform> Platforms { get; } = [Platform.Kuaishou];

    public FakeResponse? Handle(FakeRequest request, FakeShop shop, DateTimeOffset now)
    {
        var method = new[] { KuaishouApi.ListMethod, KuaishouApi.DetailMethod, KuaishouApi.ShipMethod, KuaishouApi.ItemMethod, KuaishouApi.StockMethod }
            .FirstOrDefault(m => request.Path.EndsWith(KuaishouApi.PathOf(m), StringComparison.Ordinal));
        if (method is null) return null;

        var call = Interlocked.Increment(ref shop.Calls);
        if (shop.Down) return new FakeResponse(502, "<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html");

        var parameters = Parameters(request);
        var requestId = $"fake-ks-{call}";
        string Param(string name) => parameters.TryGetValue(name, out var v) ? v : "";

        if (Param("method") != method) return Error(BusinessFailed, $"method '{Param("method")}' does not match the path", requestId);
        if (Param("appkey") != shop.AppKey) return Error(AppKeyInvalid, "appkey无效", requestId);
        if (Param("signMethod") != "MD5") return Error(SignatureInvalid, $"不支持的签名方法 {Param("signMethod")}", requestId);
        var expected = KuaishouApi.Sign(parameters.Where(p => p.Key != "sign"), shop.AppSecret);
        if (!Signing.SameSignature(Param("sign"), expected, ignoreCase: true)) return Error(SignatureInvalid, "签名验证失败", requestId);
        if (Param("access_token") != shop.AccessToken) return Error(TokenInvalid, "access_token无效或已过期", requestId);

        JsonElement param;
        try
        {
            using var document = JsonDocument.Parse(Param("param") is { Length: > 0 } text ? text : "{}");
            param = document.RootElement.Clone();
        }
        catch (JsonException) { return Error(BusinessFailed, "param不是合法的JSON", requestId); }
        if (param.ValueKind != JsonValueKind.Object) return Error(BusinessFailed, "param不是合法的JSON对象", requestId);

        return method switch
        {
            KuaishouApi.ListMethod => List(param, shop, requestId),
            KuaishouApi.DetailMethod => Detail(param, shop, requestId),
            KuaishouApi.ItemMethod => Item(param, shop, requestId),
            KuaishouApi.StockMethod => ChangeStock(param, shop, now, requestId),
            _ => Deliver(param, shop, now, requestId),
        };
    }

    private static FakeResponse List(JsonElement param, FakeShop shop, string requestId)
    {
        if (Long(param, "beginTime") is not { } begin || Long(param, "endTime") is not { } end) return Error(BusinessFailed, "beginTime和endTime不能为空", requestId);
        if (end < begin) return Error(BusinessFailed, "endTime无效", requestId);
        if (end - begin > (long)TimeSpan.FromDays(7).TotalMilliseconds) return Error(BusinessFailed, "查询时间跨度不能超过7天", requestId);
        var pageSize = Long(param, "pageSize") ?? 10;
        if (pageSize is < 1 or > KuaishouApi.PageSize) return Error(BusinessFailed, $"pageSize需在1到{KuaishouApi.PageSize}之间", requestId);
        var cursor = param.TryGetProperty("cursor", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() ?? "" : "";
        var byUpdate = (Long(param, "queryType") ?? KuaishouApi.QueryByUpdateTime) == KuaishouApi.QueryByUpdateTime;

        // Sorted by (time, oid) so the cursor can be the key of the last order given: pages stay stable while orders change.
        var matching = shop.Orders.Values
            .Select(o => (Order: o, Time: byUpdate ? o.ModifiedAt.ToUnixTimeMilliseconds() : CreateTime(o)))
            .Where(x => x.Time >= begin && x.Time <= end)
            .OrderBy(x => x.Time).ThenBy(x => x.Order.PlatformOrderId, StringComparer.Ordinal)
            .ToList();
        if (cursor == KuaishouApi.LastCursor) matching.Clear();
        else if (cursor.Length > 0)
        {
            var parts = cursor.Split('_', 2);
            if (parts.Length != 2 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var afterTime))
                return Error(BusinessFailed, "cursor无效", requestId);
            matching = matching.Where(x => x.Time > afterTime || x.Time == afterTime && string.CompareOrdinal(x.Order.PlatformOrderId, parts[1]) > 0).ToList();
        }
        var page = matching.Take((int)pageSize).ToList();
        var next = matching.Count > page.Count ? $"{page[^1].Time}_{page[^1].Order.PlatformOrderId}" : KuaishouApi.LastCursor;

        return Ok(requestId, w =>
        {
            w.WriteStartObject("data");
            w.WriteString("cursor", next);
            w.WriteNumber("pageSize", pageSize);
            w.WriteNumber("beginTime", begin);
            w.WriteNumber("endTime", end);
            w.WriteStartArray("orderList");
            foreach (var (order, _) in page) w.WriteRawValue(order.NativeJson);
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static FakeResponse Detail(JsonElement param, FakeShop shop, string requestId)
    {
        if (Id(param, "oid") is not { } oid) return Error(BusinessFailed, "oid不能为空", requestId);
        if (!shop.Orders.TryGetValue(oid, out var order)) return Error(BusinessFailed, "订单不存在", requestId);
        return Ok(requestId, w => { w.WritePropertyName("data"); w.WriteRawValue(order.NativeJson); });
    }

    /// <summary>Ships a paid (status 30) order: records the shipment and moves the order to 40 (shipped) with its logistics.</summary>
    private static FakeResponse Deliver(JsonElement param, FakeShop shop, DateTimeOffset now, string requestId)
    {
        if (Id(param, "orderId") is not { } orderId) return Error(BusinessFailed, "orderId不能为空", requestId);
        if (Id(param, "expressNo") is not { } expressNo) return Error(BusinessFailed, "expressNo不能为空", requestId);
        if (Id(param, "expressCode") is not { } expressCode) return Error(BusinessFailed, "expressCode不能为空", requestId);
        if (shop.TakeShipmentFailure()) return Error(SystemBusy, "系统繁忙，请稍后重试", requestId);
        if (!shop.Orders.TryGetValue(orderId, out var order)) return Error(BusinessFailed, "订单不存在", requestId);

        var native = JsonNode.Parse(order.NativeJson)!.AsObject();
        var baseInfo = native["orderBaseInfo"]!.AsObject();
        if (baseInfo["status"]?.GetValue<int>() != 30) return Error(BusinessFailed, "订单状态不允许发货", requestId);

        var ms = now.ToUnixTimeMilliseconds();
        baseInfo["status"] = 40;
        baseInfo["sendTime"] = ms;
        baseInfo["updateTime"] = ms;
        native["orderLogisticsInfo"] = new JsonArray(new JsonObject
        {
            ["expressNo"] = expressNo,
            ["expressCode"] = long.TryParse(expressCode, out var code) ? JsonValue.Create(code) : JsonValue.Create(expressCode),
        });
        shop.Put(order with { ModifiedAt = now, NativeJson = native.ToJsonString(RawJson) });
        shop.Shipments.Enqueue(new FakeShipment(orderId, expressCode, expressNo, [], now));
        return Ok(requestId, _ => { });
    }

    /// <summary>
    /// A realistic <c>open.order.detail</c> object: one item, money in fen, times in unix milliseconds. The receiver is
    /// given in plain text (with desensitised copies) so the simulator can route and ship it; the live API sends it
    /// as ciphertext. Statuses Kuaishou has no word for (Accepted … Packed, OnHold) are expressed as paid (30).
    /// </summary>
    public FakeOrder NewOrder(string platformOrderId, OrderStatus status, DateTimeOffset createdAt, DateTimeOffset modifiedAt, string sku, int quantity, decimal unitPrice)
    {
        var (code, paid, refundStatus) = status switch
        {
            OrderStatus.PendingPayment => (10, false, (int?)null),
            OrderStatus.Shipped => (40, true, null),
            OrderStatus.Delivered => (50, true, null),
            OrderStatus.Completed => (70, true, null),
            OrderStatus.Cancelled => (80, false, null),
            OrderStatus.Refunded => (80, true, 60),          // closed after a completed refund
            OrderStatus.RefundRequested => (30, true, 10),   // paid, refund requested
            _ => (30, true, null),
        };
        var priceFen = (long)decimal.Round(unitPrice * 100m, 0, MidpointRounding.AwayFromZero);
        var totalFen = priceFen * quantity;
        var created = createdAt.ToUnixTimeMilliseconds();
        var modified = modifiedAt.ToUnixTimeMilliseconds();
        var paidAt = paid ? Math.Min(created + 60_000, Math.Max(created, modified)) : 0;
        var shipped = code is 40 or 50 or 70;
        var seed = Seed(platformOrderId);

        var native = new JsonObject
        {
            ["orderBaseInfo"] = new JsonObject
            {
                ["oid"] = long.TryParse(platformOrderId, NumberStyles.None, CultureInfo.InvariantCulture, out var oid) ? JsonValue.Create(oid) : JsonValue.Create(platformOrderId),
                ["status"] = code,
                ["createTime"] = created,
                ["payTime"] = paidAt,
                ["updateTime"] = modified,
                ["sendTime"] = shipped ? Math.Max(paidAt, modified - 3_600_000) : 0,
                ["recvTime"] = code is 50 or 70 ? modified : 0,
                ["buyerOpenId"] = $"f{seed % 1_000_000_000_000:x12}",
                ["buyerNick"] = $"快手用户{seed % 10_000:D4}",
                ["sellerOpenId"] = "fake-seller",
                ["sellerNick"] = "模拟小店",
                ["totalFee"] = totalFen,
                ["expressFee"] = 0,
                ["discountFee"] = 0,
                ["remark"] = "",
                ["payType"] = paid ? 1 : 0,
                ["cpsType"] = 0,
                ["refundTime"] = refundStatus == 60 ? modified : 0,
                ["riskCode"] = 0,
            },
            ["orderItemInfo"] = new JsonObject
            {
                ["itemId"] = 21_000_000_000 + (long)(seed % 1_000_000),
                ["skuId"] = 31_000_000_000 + (long)(seed % 1_000_000),
                ["relItemId"] = 0,
                ["relSkuId"] = 0,
                ["skuNick"] = sku,
                ["goodsCode"] = sku,
                ["itemTitle"] = $"商品 {sku}",
                ["skuDesc"] = "默认",
                ["num"] = quantity,
                ["price"] = priceFen,
                ["originalPrice"] = priceFen,
                ["discountFee"] = 0,
                ["orderItemId"] = 51_000_000_000 + (long)(seed % 1_000_000),
            },
            ["orderAddress"] = new JsonObject
            {
                ["consignee"] = "张三",
                ["mobile"] = "13800138000",
                ["province"] = "福建省",
                ["provinceCode"] = 350000,
                ["city"] = "厦门市",
                ["cityCode"] = 350200,
                ["district"] = "思明区",
                ["districtCode"] = 350203,
                ["address"] = "莲前街道软件园二期 1 号",
                ["desensitiseConsignee"] = "张*",
                ["desensitiseMobile"] = "138****8000",
                ["desensitiseAddress"] = "莲前街道****",
            },
            ["orderNote"] = new JsonObject { ["sellerNote"] = new JsonArray() },
            ["orderLogisticsInfo"] = shipped
                ? new JsonArray(new JsonObject { ["expressNo"] = $"YT{seed % 10_000_000_000_000:D13}", ["expressCode"] = 4 })
                : new JsonArray(),
            ["orderRefundList"] = refundStatus is { } refund
                ? new JsonArray(new JsonObject { ["refundId"] = 61_000_000_000 + (long)(seed % 1_000_000), ["refundStatus"] = refund, ["refundFee"] = totalFen })
                : new JsonArray(),
        };
        return new FakeOrder(platformOrderId, modifiedAt, native.ToJsonString(RawJson));
    }

    /// <summary>Query parameters and, for POST, the form body (where the write-back's parameters travel).</summary>
    private static Dictionary<string, string> Parameters(FakeRequest request)
    {
        var all = new Dictionary<string, string>(request.Query, StringComparer.Ordinal);
        if (request.Body.Length > 0 && !request.Body.TrimStart().StartsWith('{'))
        {
            var form = System.Web.HttpUtility.ParseQueryString(request.Body);
            foreach (var key in form.AllKeys)
                if (key is not null) all[key] = form[key] ?? "";
        }
        return all;
    }


    private static long CreateTime(FakeOrder order)
    {
        using var document = JsonDocument.Parse(order.NativeJson);
        return document.RootElement.TryGetProperty("orderBaseInfo", out var b) && b.TryGetProperty("createTime", out var t) && t.TryGetInt64(out var ms) ? ms : 0;
    }

    /// <summary>
    /// <c>open.item.get</c>, reduced to what the stock push reads: the item's SKUs with their stock. The fake knows an
    /// item's SKUs from the stock it holds for them (<see cref="FakeShop.Stock"/>, keyed item/sku).
    /// </summary>
    private static FakeResponse Item(JsonElement param, FakeShop shop, string requestId)
    {
        if (Id(param, "kwaiItemId") is not { } item) return Error(BusinessFailed, "kwaiItemId不能为空", requestId);
        var skus = shop.Stock.Where(s => s.Key.StartsWith(item + "/", StringComparison.Ordinal)).OrderBy(s => s.Key, StringComparer.Ordinal).ToList();
        if (skus.Count == 0) return Error(BusinessFailed, "商品不存在", requestId);
        return Ok(requestId, w =>
        {
            w.WriteStartObject("data");
            w.WriteNumber("kwaiItemId", long.Parse(item, CultureInfo.InvariantCulture));
            w.WriteStartArray("skuList");
            foreach (var (key, stock) in skus)
            {
                w.WriteStartObject();
                w.WriteNumber("kwaiSkuId", long.Parse(key[(item.Length + 1)..], CultureInfo.InvariantCulture));
                w.WriteNumber("skuStock", stock);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    /// <summary><c>open.item.sku.stock.update</c>: adds (changeType 1) or removes (2) <c>skuChangeStock</c> units, never below 0.</summary>
    private static FakeResponse ChangeStock(JsonElement param, FakeShop shop, DateTimeOffset now, string requestId)
    {
        if (Id(param, "kwaiItemId") is not { } item || Id(param, "skuId") is not { } sku) return Error(BusinessFailed, "kwaiItemId和skuId不能为空", requestId);
        if (Long(param, "skuChangeStock") is not { } change || change is <= 0 or >= 9_999_999) return Error(BusinessFailed, "skuChangeStock需大于0", requestId);
        if (Long(param, "changeType") is not ({ } type and (KuaishouApi.AddStock or KuaishouApi.RemoveStock))) return Error(BusinessFailed, "changeType无效", requestId);
        if (shop.StockOf(item, sku) is not { } current) return Error(BusinessFailed, "商品SKU不存在", requestId);
        var after = type == KuaishouApi.AddStock ? current + change : current - change;
        if (after < 0) return Error(BusinessFailed, "库存不足，无法减少", requestId);
        if (shop.TakeStockUpdateFailure()) return Error(SystemBusy, "系统繁忙，请稍后重试", requestId);
        shop.SetStock(item, sku, (int)after, now);
        return Ok(requestId, _ => { });
    }

    private static long? Long(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var e) && (e.ValueKind == JsonValueKind.Number ? e.TryGetInt64(out var n)
            : e.ValueKind == JsonValueKind.String && long.TryParse(e.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out n)) ? n : null;

    private static string? Id(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var e) ? e.ValueKind switch
        {
            JsonValueKind.Number => e.GetRawText(),
            JsonValueKind.String when e.GetString() is { Length: > 0 } s => s,
            _ => null,
        } : null;

    private static ulong Seed(string id) => BitConverter.ToUInt64(MD5.HashData(Encoding.UTF8.GetBytes(id)));

    private static FakeResponse Ok(string requestId, Action<Utf8JsonWriter> data) => Answer(w =>
    {
        w.WriteNumber("result", 1);
        w.WriteString("error_msg", "");
        data(w);
        w.WriteString("requestId", requestId);
    });

    private static FakeResponse Error(int result, string message, string requestId) => Answer(w =>
    {
        w.WriteNumber("result", result);
        w.WriteString("error_msg", message);
        w.WriteString("requestId", requestId);
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
