using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Web;
using Ordo.Core.Channels;
using Ordo.Core.Channels.Pinduoduo;
using Ordo.Core.Orders;

namespace Ordo.Simulator.Platforms;

/// <summary>
/// A fake Pinduoduo POP gateway at <c>/api/router</c>: <c>pdd.order.number.list.increment.get</c>,
/// <c>pdd.order.information.get</c> and <c>pdd.logistics.online.send</c>, with parameters as a form or JSON body (or
/// query), the sorted-parameters MD5 signature checked against the shop's secret, and answers in the platform's
/// format (<c>{"&lt;method&gt;_response":{…}}</c> or <c>{"error_response":{…}}</c>).
/// <para>
/// Error codes: 10019 "access_token已过期" is the platform's; the others (10000 parameter error, 20004 signature,
/// 20032 client_id, 50001 business failure) are the fake's best reading [U]. Thread-safe as <see cref="FakeShop"/> is.
/// </para>
/// </summary>
public sealed class PinduoduoFake : IFakePlatformApi
{
    public const int ParameterError = 10000;
    public const int AccessTokenError = 10019;
    public const int SignatureError = 20004;
    public const int ClientIdError = 20032;
    public const int BusinessError = 50001;

    /// <summary>The platform accepts a timestamp within 10 minutes of its own clock.</summary>
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(10);

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public IReadOnlyList<Platform> Platforms { get; } = [Platform.Pinduoduo];

    public FakeResponse? Handle(FakeRequest request, FakeShop shop, DateTimeOffset now)
    {
        if (!string.Equals(request.Path.TrimEnd('/'), PinduoduoApi.RouterPath, StringComparison.Ordinal)) return null;
        var call = Interlocked.Increment(ref shop.Calls);
        if (shop.Down) return new FakeResponse(502, "<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html");

        var requestId = $"{now.ToUnixTimeMilliseconds()}{call:D6}";
        if (Parameters(request) is not { } p) return Error(ParameterError, "参数错误", "request body is neither a form nor a JSON object", requestId);

        if (!p.TryGetValue("sign", out var sign) || sign.Length == 0) return Error(ParameterError, "参数错误", "sign is required", requestId);
        if (!string.Equals(Get(p, "client_id"), shop.AppKey, StringComparison.Ordinal)) return Error(ClientIdError, "client_id错误", "", requestId);
        if (!Signing.SameSignature(sign, Signing.SortedParamsMd5(p, shop.AppSecret), ignoreCase: true))
            return Error(SignatureError, "签名错误", "", requestId);
        if (!long.TryParse(Get(p, "timestamp"), NumberStyles.None, CultureInfo.InvariantCulture, out var ts)
            || (now - DateTimeOffset.FromUnixTimeSeconds(ts)).Duration() > ClockSkew)
            return Error(ParameterError, "参数错误", "timestamp is not within 10 minutes of the server's time", requestId);
        if (!string.Equals(Get(p, "access_token"), shop.AccessToken, StringComparison.Ordinal))
            return Error(AccessTokenError, "access_token已过期", "", requestId);

        return Get(p, "type") switch
        {
            PinduoduoApi.ListMethod => List(p, shop, requestId),
            PinduoduoApi.DetailMethod => Detail(p, shop, requestId),
            PinduoduoApi.ShipMethod => Ship(p, shop, now, requestId),
            PinduoduoApi.StockMethod => SetStock(p, shop, now, requestId),
            var type => Error(ParameterError, "参数错误", $"unknown type '{type}'", requestId),
        };
    }

    private static FakeResponse List(Dictionary<string, string> p, FakeShop shop, string requestId)
    {
        if (!long.TryParse(Get(p, "start_updated_at"), NumberStyles.None, CultureInfo.InvariantCulture, out var start)
            || !long.TryParse(Get(p, "end_updated_at"), NumberStyles.None, CultureInfo.InvariantCulture, out var end))
            return Error(ParameterError, "参数错误", "start_updated_at and end_updated_at are required", requestId);
        if (end < start || end - start > (long)PinduoduoApi.Window.TotalSeconds)
            return Error(ParameterError, "参数错误", "开始时间结束时间间距不超过 30 分钟", requestId);
        var page = Int(p, "page", 1);
        var size = Int(p, "page_size", 100);
        if (page < 1 || size is < 1 or > PinduoduoApi.PageSize) return Error(ParameterError, "参数错误", "page from 1, page_size from 1 to 100", requestId);
        var hasNextMode = Get(p, "use_has_next") == "true";

        // Both bounds inclusive, whole seconds, oldest update first.
        var matching = shop.Orders.Values
            .Where(o => o.ModifiedAt.ToUnixTimeSeconds() >= start && o.ModifiedAt.ToUnixTimeSeconds() <= end)
            .OrderBy(o => o.ModifiedAt).ThenBy(o => o.PlatformOrderId, StringComparer.Ordinal)
            .ToList();
        var slice = matching.Skip((page - 1) * size).Take(size).ToList();

        return Json(w =>
        {
            w.WriteStartObject(PinduoduoApi.ListResponse);
            // has_next mode leaves out the total (that is what makes it cheaper for the platform).
            if (hasNextMode) w.WriteBoolean("has_next", page * size < matching.Count);
            else w.WriteNumber("total_count", matching.Count);
            w.WriteStartArray("order_sn_list");
            foreach (var order in slice) w.WriteRawValue(order.NativeJson);
            w.WriteEndArray();
            w.WriteString("request_id", requestId);
            w.WriteEndObject();
        });
    }

    private static FakeResponse Detail(Dictionary<string, string> p, FakeShop shop, string requestId)
    {
        if (!shop.Orders.TryGetValue(Get(p, "order_sn"), out var order)) return Error(BusinessError, "业务服务错误", "订单不存在", requestId);
        return Json(w =>
        {
            w.WriteStartObject(PinduoduoApi.DetailResponse);
            w.WritePropertyName("order_info");
            w.WriteRawValue(order.NativeJson);
            w.WriteString("request_id", requestId);
            w.WriteEndObject();
        });
    }

    private static FakeResponse Ship(Dictionary<string, string> p, FakeShop shop, DateTimeOffset now, string requestId)
    {
        var orderSn = Get(p, "order_sn");
        var logisticsId = Get(p, "logistics_id");
        var trackingNumber = Get(p, "tracking_number");
        if (orderSn.Length == 0 || logisticsId.Length == 0 || trackingNumber.Length == 0)
            return Error(ParameterError, "参数错误", "order_sn, logistics_id and tracking_number are required", requestId);
        if (!shop.Orders.ContainsKey(orderSn)) return Error(BusinessError, "业务服务错误", "订单不存在", requestId);
        if (shop.TakeShipmentFailure()) return Error(BusinessError, "业务服务错误", "订单状态不允许发货", requestId);

        shop.Shipments.Enqueue(new FakeShipment(orderSn, logisticsId, trackingNumber, [], now));
        return Json(w =>
        {
            w.WriteStartObject(PinduoduoApi.ShipResponse);
            w.WriteBoolean("is_success", true);
            w.WriteString("request_id", requestId);
            w.WriteEndObject();
        });
    }

    /// <summary><c>pdd.goods.quantity.update</c>: only the full update (update_type 1, the default) is accepted, the one Ordo sends.</summary>
    private static FakeResponse SetStock(Dictionary<string, string> p, FakeShop shop, DateTimeOffset now, string requestId)
    {
        var goodsId = Get(p, "goods_id");
        if (goodsId.Length == 0 || !int.TryParse(Get(p, "quantity"), NumberStyles.None, CultureInfo.InvariantCulture, out var quantity))
            return Error(ParameterError, "参数错误", "goods_id and quantity (≥ 0) are required", requestId);
        if (Get(p, "update_type") is not ("" or "1")) return Error(ParameterError, "参数错误", "only full updates are simulated", requestId);
        if (shop.TakeStockUpdateFailure()) return Error(BusinessError, "业务服务错误", "库存更新失败", requestId);
        shop.SetStock(goodsId, Get(p, "sku_id"), quantity, now);
        return Json(w =>
        {
            w.WriteStartObject(PinduoduoApi.StockResponse);
            w.WriteBoolean("is_success", true);
            w.WriteString("request_id", requestId);
            w.WriteEndObject();
        });
    }

    /// <summary>
    /// An <c>order_info</c> as <c>pdd.order.information.get</c> returns it. Pinduoduo has no states for Ordo's
    /// warehouse steps or holds, nor a "completed" beyond signed: those are expressed as <see cref="Expressed"/> says.
    /// Receiver fields hold ciphertext only while the order awaits shipment, empty strings otherwise; masks always.
    /// Money is yuan as JSON numbers (the unit price rounded to fen), times China time.
    /// </summary>
    public FakeOrder NewOrder(string platformOrderId, OrderStatus status, DateTimeOffset createdAt, DateTimeOffset modifiedAt, string sku, int quantity, decimal unitPrice)
    {
        var s = StateOf(status);
        var price = decimal.Round(unitPrice, 2, MidpointRounding.AwayFromZero);
        var goods = price * quantity;
        // Paid half a minute after creation, but never after the last change.
        var paidAt = createdAt.AddSeconds(30);
        if (paidAt > modifiedAt && modifiedAt >= createdAt) paidAt = modifiedAt;
        var shippedAt = s.Received ? paidAt + (modifiedAt - paidAt) / 2 : modifiedAt;
        var awaitingShipment = s.Confirm == 1 && s.OrderStatus == 1;
        var seed = Seed(platformOrderId);
        var (province, city, town) = Areas[seed % Areas.Length];

        var json = Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("order_sn", platformOrderId);
            w.WriteNumber("order_status", s.OrderStatus);
            w.WriteNumber("confirm_status", s.Confirm);
            w.WriteNumber("refund_status", s.Refund);
            w.WriteNumber("after_sales_status", s.AfterSales);
            w.WriteNumber("group_status", s.Confirm == 1 ? 1 : 0);
            w.WriteNumber("trade_type", 0);
            w.WriteNumber("is_lucky_flag", 1);
            w.WriteNumber("risk_control_status", 0);
            w.WriteString("created_time", China(createdAt));
            w.WriteString("confirm_time", s.Paid ? China(paidAt) : "");
            w.WriteString("pay_time", s.Paid ? China(paidAt) : "");
            w.WriteString("pay_type", s.Paid ? "WEIXIN" : "");
            w.WriteString("shipping_time", s.Shipped ? China(shippedAt) : "");
            w.WriteString("receive_time", s.Received ? China(modifiedAt) : "");
            w.WriteString("last_ship_time", China(createdAt.AddHours(48)));
            w.WriteString("updated_at", China(modifiedAt));

            w.WriteString("receiver_name", awaitingShipment ? $"~AgAAAA{Cipher(platformOrderId, "name")}~{Cipher(platformOrderId, "n2")[..8]}~1~~" : "");
            w.WriteString("receiver_phone", awaitingShipment ? $"${Cipher(platformOrderId, "phone")}${Cipher(platformOrderId, "p2")[..8]}$1$$" : "");
            var address = awaitingShipment ? $"~AgAAAA{Cipher(platformOrderId, "address")}~{Cipher(platformOrderId, "a2")[..8]}~1~~" : "";
            w.WriteString("receiver_address", address);
            w.WriteString("address", address);
            w.WriteString("receiver_name_mask", "张*");
            w.WriteString("receiver_phone_mask", $"138****{seed % 10000:D4}");
            w.WriteString("receiver_address_mask", $"{town}****");
            w.WriteString("country", "中国");
            w.WriteString("province", province);
            w.WriteString("city", city);
            w.WriteString("town", town);

            w.WriteNumber("goods_amount", goods);
            w.WriteNumber("postage", 0);
            w.WriteNumber("discount_amount", 0);
            w.WriteNumber("seller_discount", 0);
            w.WriteNumber("platform_discount", 0);
            w.WriteNumber("capital_free_discount", 0);
            w.WriteNumber("pay_amount", goods);

            w.WriteString("buyer_memo", "");
            w.WriteString("remark", "");
            w.WriteNumber("remark_tag", 0);
            if (s.Shipped)
            {
                w.WriteString("tracking_number", $"YT{seed:D10}");
                w.WriteNumber("logistics_id", 85);
            }

            w.WriteStartArray("item_list");
            w.WriteStartObject();
            w.WriteNumber("goods_id", 100_000 + seed % 900_000);
            w.WriteNumber("sku_id", 1_000_000 + seed % 9_000_000);
            w.WriteString("outer_id", sku);
            w.WriteString("outer_goods_id", sku);
            w.WriteString("goods_name", $"商品 {sku}");
            w.WriteString("goods_spec", "默认");
            w.WriteNumber("goods_count", quantity);
            w.WriteNumber("goods_price", price);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        });
        return new FakeOrder(platformOrderId, modifiedAt, json);
    }

    /// <summary>The canonical status a <see cref="NewOrder"/> for <paramref name="requested"/> reads back as.</summary>
    public static OrderStatus Expressed(OrderStatus requested) => requested switch
    {
        OrderStatus.Accepted or OrderStatus.Allocated or OrderStatus.Picking or OrderStatus.Packed or OrderStatus.OnHold => OrderStatus.Paid,
        OrderStatus.Completed => OrderStatus.Delivered,
        _ => requested,
    };

    private sealed record State(int OrderStatus, int Confirm, int Refund, int AfterSales, bool Paid, bool Shipped = false, bool Received = false);

    private static State StateOf(OrderStatus status) => Expressed(status) switch
    {
        OrderStatus.PendingPayment => new(1, 0, 1, 0, Paid: false),
        OrderStatus.Shipped => new(2, 1, 1, 0, Paid: true, Shipped: true),
        OrderStatus.Delivered => new(3, 1, 1, 0, Paid: true, Shipped: true, Received: true),
        OrderStatus.Cancelled => new(1, 2, 1, 0, Paid: false),
        OrderStatus.RefundRequested => new(1, 1, 2, 2, Paid: true),
        OrderStatus.Refunded => new(1, 1, 4, 10, Paid: true),
        _ => new(1, 1, 1, 0, Paid: true),
    };

    private static readonly (string Province, string City, string Town)[] Areas =
    [
        ("上海", "上海市", "长宁区"), ("浙江省", "杭州市", "西湖区"), ("广东省", "深圳市", "南山区"), ("四川省", "成都市", "武侯区"),
    ];

    /// <summary>All parameters: the query, then a JSON or form body (the gateway accepts both).</summary>
    private static Dictionary<string, string>? Parameters(FakeRequest request)
    {
        var p = new Dictionary<string, string>(request.Query, StringComparer.Ordinal);
        var body = request.Body.Trim();
        if (body.Length == 0) return p;
        if (body[0] == '{')
        {
            try
            {
                using var document = JsonDocument.Parse(body);
                if (document.RootElement.ValueKind != JsonValueKind.Object) return null;
                foreach (var property in document.RootElement.EnumerateObject())
                    p[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
                return p;
            }
            catch (JsonException)
            {
                return null;
            }
        }
        var form = HttpUtility.ParseQueryString(body);
        foreach (var key in form.AllKeys)
            if (key is not null) p[key] = form[key] ?? "";
        return p;
    }

    private static string Get(Dictionary<string, string> p, string name) => p.TryGetValue(name, out var v) ? v : "";

    private static int Int(Dictionary<string, string> p, string name, int fallback) =>
        p.TryGetValue(name, out var v) ? int.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : -1 : fallback;

    private static FakeResponse Error(int code, string message, string subMessage, string requestId) => Json(w =>
    {
        w.WriteStartObject("error_response");
        w.WriteNumber("error_code", code);
        w.WriteString("error_msg", message);
        w.WriteString("sub_code", subMessage.Length == 0 ? "" : code.ToString(CultureInfo.InvariantCulture));
        w.WriteString("sub_msg", subMessage);
        w.WriteString("request_id", requestId);
        w.WriteEndObject();
    });

    private static FakeResponse Json(Action<Utf8JsonWriter> body) => new(200, Write(w =>
    {
        w.WriteStartObject();
        body(w);
        w.WriteEndObject();
    }));

    private static string Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions)) write(writer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string China(DateTimeOffset instant) =>
        instant.ToOffset(ChinaTime.Offset).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>A stable number from an order id (string.GetHashCode varies between runs).</summary>
    private static int Seed(string id) => (int)(BitConverter.ToUInt32(SHA256.HashData(Encoding.UTF8.GetBytes(id))) & 0x7FFFFFFF);

    /// <summary>Base64 text standing in for the platform's ciphertext: deterministic, without the delimiters '~' and '$'.</summary>
    private static string Cipher(string id, string field) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(id + "/" + field))).TrimEnd('=');
}
