using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Ordo.Core.Channels;
using Ordo.Core.Channels.Douyin;
using Ordo.Core.Orders;

namespace Ordo.Simulator.Platforms;

/// <summary>
/// A fake Douyin shop (抖店) open API: <c>/order/searchList</c>, <c>/order/orderDetail</c> and
/// <c>/order/logisticsAdd</c>, common parameters in the query, <c>param_json</c> as the body (or, for the older GET
/// form, in the query), the signature checked with md5 or hmac-sha256 against the shop's secret, and answers as
/// <c>{code, msg, sub_code, sub_msg, log_id, data}</c> with code 10000 for success.
/// <para>
/// Error codes follow the platform's public code table as third-party SDKs list it: 40001 missing parameter,
/// 40003 invalid parameter (sub_code <c>isv.signature-invalid</c>, <c>isv.access-token-no-existed</c>, …), 50002
/// business failure [U: sub_code text]. Thread-safe as <see cref="FakeShop"/> is.
/// </para>
/// </summary>
public sealed class DouyinFake : IFakePlatformApi
{
    public const int MissingParameter = 40001;
    public const int InvalidParameter = 40003;
    public const int BusinessFailure = 50002;

    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(10);

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly string[] Methods = [DouyinApi.ListMethod, DouyinApi.DetailMethod, DouyinApi.ShipMethod, DouyinApi.StockMethod];

    public IReadOnlyList<Platform> Platforms { get; } = [Platform.Douyin];

    public FakeResponse? Handle(FakeRequest request, FakeShop shop, DateTimeOffset now)
    {
        var method = Methods.FirstOrDefault(m => string.Equals(DouyinApi.PathOf(m), request.Path.TrimEnd('/'), StringComparison.Ordinal));
        if (method is null) return null;
        var call = Interlocked.Increment(ref shop.Calls);
        if (shop.Down) return new FakeResponse(502, "<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html");

        var logId = $"{now.ToOffset(ChinaTime.Offset):yyyyMMddHHmmss}{call:D8}";
        string Query(string name) => request.Query.TryGetValue(name, out var v) ? v : "";
        var paramJson = request.Body.Trim().Length > 0 ? request.Body : Query("param_json");

        foreach (var required in new[] { "app_key", "method", "timestamp", "v", "sign" })
            if (Query(required).Length == 0) return Error(MissingParameter, "缺少必选参数", "isv.parameter-missing", $"缺少参数 {required}", logId);
        if (Query("method") != method) return Error(InvalidParameter, "非法的参数", "isv.parameter-invalid", $"method 与路径 {request.Path} 不符", logId);
        if (Query("app_key") != shop.AppKey) return Error(MissingParameter, "缺少必选参数", "isv.app-id-missing", "认证失败，app_key不存在", logId);
        if (Query("v") != "2") return Error(InvalidParameter, "非法的参数", "isv.parameter-invalid", "v 必须为 2", logId);

        var text = DouyinApi.SignText(Query("app_key"), shop.AppSecret, method, paramJson, Query("timestamp"));
        var expected = Query("sign_method") switch
        {
            "" or "md5" => Signing.Md5Hex(text),
            "hmac-sha256" => Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(shop.AppSecret), Encoding.UTF8.GetBytes(text))),
            _ => null,
        };
        if (expected is null) return Error(InvalidParameter, "非法的参数", "isv.parameter-invalid", "sign_method 不支持", logId);
        if (!Signing.SameSignature(Query("sign"), expected, ignoreCase: true)) return Error(InvalidParameter, "非法的参数", "isv.signature-invalid", "签名校验失败", logId);

        if (ReadTimestamp(Query("timestamp")) is not { } sentAt) return Error(InvalidParameter, "非法的参数", "isv.timestamp-format-error", "时间戳格式错误", logId);
        if ((now - sentAt).Duration() > ClockSkew) return Error(InvalidParameter, "非法的参数", "isv.timestamp-invalid", "时间戳不合法", logId);
        if (Query("access_token") != shop.AccessToken)
            return Error(InvalidParameter, "非法的参数", "isv.access-token-no-existed", "access_token不存在，请使用最新的access_token访问", logId);

        JsonDocument document;
        try { document = JsonDocument.Parse(paramJson.Length == 0 ? "{}" : paramJson); }
        catch (JsonException) { return Error(InvalidParameter, "非法的参数", "isv.parameter-format-invalid", "业务参数json解析失败", logId); }
        using (document)
        {
            var p = document.RootElement;
            if (p.ValueKind != JsonValueKind.Object) return Error(InvalidParameter, "非法的参数", "isv.parameter-format-invalid", "业务参数json解析失败", logId);
            return method switch
            {
                DouyinApi.ListMethod => List(p, shop, logId),
                DouyinApi.DetailMethod => Detail(p, shop, logId),
                DouyinApi.StockMethod => SetStock(p, shop, now, logId),
                _ => Ship(p, shop, now, logId),
            };
        }
    }

    private static FakeResponse List(JsonElement p, FakeShop shop, string logId)
    {
        var start = Long(p, "update_time_start");
        var end = Long(p, "update_time_end");
        var page = Long(p, "page") ?? 0;
        var size = Long(p, "size") ?? 10;
        if (page < 0 || size is < 1 or > DouyinApi.PageSize) return Error(InvalidParameter, "非法的参数", "isv.parameter-invalid", "page 从 0 开始，size 限制 100 以内", logId);
        var ascending = NativeReader.Get(p, "order_asc") is { ValueKind: JsonValueKind.True };

        // Both bounds inclusive, whole seconds; the fake orders by update time whatever order_by says.
        var matching = shop.Orders.Values
            .Where(o => (start is null || o.ModifiedAt.ToUnixTimeSeconds() >= start) && (end is null || o.ModifiedAt.ToUnixTimeSeconds() <= end))
            .ToList();
        matching = (ascending
            ? matching.OrderBy(o => o.ModifiedAt).ThenBy(o => o.PlatformOrderId, StringComparer.Ordinal)
            : matching.OrderByDescending(o => o.ModifiedAt).ThenByDescending(o => o.PlatformOrderId, StringComparer.Ordinal)).ToList();
        var slice = matching.Skip((int)Math.Min(int.MaxValue, page * size)).Take((int)size).ToList();

        return Success(logId, w =>
        {
            w.WriteStartArray("shop_order_list");
            foreach (var order in slice) w.WriteRawValue(order.NativeJson);
            w.WriteEndArray();
            w.WriteNumber("page", page);
            w.WriteNumber("size", size);
            w.WriteNumber("total", matching.Count);
        });
    }

    private static FakeResponse Detail(JsonElement p, FakeShop shop, string logId)
    {
        var id = Text(p, "shop_order_id");
        if (id.Length == 0) return Error(MissingParameter, "缺少必选参数", "isv.parameter-missing", "缺少参数 shop_order_id", logId);
        if (!shop.Orders.TryGetValue(id, out var order)) return Error(BusinessFailure, "业务处理失败", "isv.business-failed", "订单不存在", logId);
        return Success(logId, w =>
        {
            w.WritePropertyName("shop_order_detail");
            w.WriteRawValue(order.NativeJson);
        });
    }

    private static FakeResponse Ship(JsonElement p, FakeShop shop, DateTimeOffset now, string logId)
    {
        var orderId = Text(p, "order_id");
        var companyCode = Text(p, "company_code");
        var trackingNumber = Text(p, "logistics_code");
        if (orderId.Length == 0 || companyCode.Length == 0 || trackingNumber.Length == 0)
            return Error(MissingParameter, "缺少必选参数", "isv.parameter-missing", "order_id、company_code、logistics_code 必填", logId);
        if (!shop.Orders.ContainsKey(orderId)) return Error(BusinessFailure, "业务处理失败", "isv.business-failed", "订单不存在", logId);
        if (shop.TakeShipmentFailure()) return Error(BusinessFailure, "业务处理失败", "isv.business-failed", "订单状态不允许发货", logId);

        shop.Shipments.Enqueue(new FakeShipment(orderId, companyCode, trackingNumber, [], now));
        return Success(logId, _ => { });
    }

    /// <summary><c>sku.syncStock</c>: only the full update (incremental false, the default) is accepted, the one Ordo sends.</summary>
    private static FakeResponse SetStock(JsonElement p, FakeShop shop, DateTimeOffset now, string logId)
    {
        var productId = Text(p, "product_id");
        if (productId.Length == 0 || Long(p, "stock_num") is not { } quantity || quantity is < 0 or > int.MaxValue)
            return Error(MissingParameter, "缺少必选参数", "isv.parameter-missing", "product_id、stock_num 必填", logId);
        if (NativeReader.Get(p, "incremental") is { ValueKind: JsonValueKind.True })
            return Error(InvalidParameter, "非法的参数", "isv.parameter-invalid", "only full updates are simulated", logId);
        if (shop.TakeStockUpdateFailure()) return Error(BusinessFailure, "业务处理失败", "isv.business-failed", "更新库存数失败", logId);
        shop.SetStock(productId, Text(p, "sku_id"), (int)quantity, now);
        return Success(logId, _ => { });
    }

    /// <summary>
    /// A <c>shop_order_detail</c> as <c>order.orderDetail</c> returns it, with one sku order whose id is the shop
    /// order's (as single-sku orders have). Douyin has no states for Ordo's warehouse steps or holds, nor a
    /// "delivered" apart from shipped: those are expressed as <see cref="Expressed"/> says. Receiver as ciphertext
    /// and masks; money integer fen (the unit price rounded to fen); times unix seconds.
    /// </summary>
    public FakeOrder NewOrder(string platformOrderId, OrderStatus status, DateTimeOffset createdAt, DateTimeOffset modifiedAt, string sku, int quantity, decimal unitPrice)
    {
        var s = StateOf(status);
        var priceFen = (long)decimal.Round(unitPrice * 100m, 0, MidpointRounding.AwayFromZero);
        var goodsFen = priceFen * quantity;
        // Paid a minute after creation, but never after the last change.
        var paidAt = createdAt.AddMinutes(1);
        if (paidAt > modifiedAt && modifiedAt >= createdAt) paidAt = modifiedAt;
        var shippedAt = s.Finished || s.Received ? paidAt + (modifiedAt - paidAt) / 2 : modifiedAt;
        var seed = Seed(platformOrderId);
        var (province, city, town, street) = Areas[seed % Areas.Length];

        var json = Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("order_id", platformOrderId);
            w.WriteNumber("order_level", 2);
            w.WriteNumber("order_status", s.OrderStatus);
            w.WriteString("order_status_desc", s.Description);
            w.WriteNumber("main_status", s.MainStatus);
            w.WriteString("main_status_desc", s.Description);
            w.WriteNumber("create_time", createdAt.ToUnixTimeSeconds());
            w.WriteNumber("pay_time", s.Paid ? paidAt.ToUnixTimeSeconds() : 0);
            w.WriteNumber("update_time", modifiedAt.ToUnixTimeSeconds());
            w.WriteNumber("exp_ship_time", createdAt.AddHours(48).ToUnixTimeSeconds());
            w.WriteNumber("ship_time", s.Shipped ? shippedAt.ToUnixTimeSeconds() : 0);
            w.WriteNumber("logistics_receipt_time", s.Received ? modifiedAt.ToUnixTimeSeconds() : 0);
            w.WriteNumber("finish_time", s.Finished ? modifiedAt.ToUnixTimeSeconds() : 0);
            w.WriteNumber("pay_type", s.Paid ? 1 : 0);
            w.WriteString("doudian_open_id", $"1@#{Cipher(platformOrderId, "buyer")[..24]}");

            w.WriteString("encrypt_post_receiver", $"##{Cipher(platformOrderId, "name")}#1##");
            w.WriteString("encrypt_post_tel", $"$${Cipher(platformOrderId, "tel")}$1$$");
            w.WriteStartObject("post_addr");
            Area(w, "province", province, seed);
            Area(w, "city", city, (long)seed + 1);
            Area(w, "town", town, (long)seed + 2);
            Area(w, "street", street, (long)seed + 3);
            w.WriteString("encrypt_detail", $"##{Cipher(platformOrderId, "detail")}#1##");
            w.WriteEndObject();
            w.WriteString("mask_post_receiver", "王*");
            w.WriteString("mask_post_tel", $"138****{seed % 10000:D4}");
            w.WriteStartObject("mask_post_addr");
            Area(w, "province", province, seed);
            Area(w, "city", city, (long)seed + 1);
            Area(w, "town", town, (long)seed + 2);
            Area(w, "street", street, (long)seed + 3);
            w.WriteString("detail", "******");
            w.WriteEndObject();

            w.WriteNumber("order_amount", goodsFen);
            w.WriteNumber("pay_amount", goodsFen);
            w.WriteNumber("post_amount", 0);
            w.WriteNumber("promotion_amount", 0);
            w.WriteNumber("modify_amount", 0);
            w.WriteString("buyer_words", "");
            w.WriteString("seller_words", "");
            w.WriteNumber("seller_remark_stars", 0);

            w.WriteStartArray("sku_order_list");
            w.WriteStartObject();
            w.WriteString("order_id", platformOrderId);
            w.WriteString("parent_order_id", platformOrderId);
            w.WriteNumber("product_id", 3_600_000_000_000_000_000L + seed);
            w.WriteNumber("sku_id", 1_700_000 + seed % 100_000);
            w.WriteString("out_sku_id", sku);
            w.WriteString("code", sku);
            w.WriteString("product_name", $"商品 {sku}");
            w.WriteNumber("item_num", quantity);
            w.WriteNumber("origin_amount", priceFen);
            w.WriteNumber("sum_amount", goodsFen);
            w.WriteNumber("pay_amount", goodsFen);
            w.WriteNumber("post_amount", 0);
            w.WriteNumber("promotion_amount", 0);
            w.WriteStartObject("after_sale_info");
            w.WriteNumber("after_sale_status", s.AfterSaleStatus);
            w.WriteNumber("after_sale_type", s.AfterSaleStatus == 0 ? 0 : 2);
            w.WriteNumber("refund_status", s.RefundStatus);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndArray();

            w.WriteStartArray("logistics_info");
            if (s.Shipped)
            {
                w.WriteStartObject();
                w.WriteString("tracking_no", $"ZT{seed:D12}");
                w.WriteString("company", "zhongtong");
                w.WriteString("company_name", "中通快递");
                w.WriteNumber("ship_time", shippedAt.ToUnixTimeSeconds());
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
        return new FakeOrder(platformOrderId, modifiedAt, json);
    }

    /// <summary>The canonical status a <see cref="NewOrder"/> for <paramref name="requested"/> reads back as.</summary>
    public static OrderStatus Expressed(OrderStatus requested) => requested switch
    {
        OrderStatus.Accepted or OrderStatus.Allocated or OrderStatus.Picking or OrderStatus.Packed or OrderStatus.OnHold => OrderStatus.Paid,
        OrderStatus.Delivered => OrderStatus.Shipped,
        _ => requested,
    };

    private sealed record State(
        int OrderStatus, int MainStatus, string Description, bool Paid,
        bool Shipped = false, bool Received = false, bool Finished = false, int AfterSaleStatus = 0, int RefundStatus = 0);

    private static State StateOf(OrderStatus status) => status switch
    {
        OrderStatus.PendingPayment => new(1, 1, "待支付", Paid: false),
        OrderStatus.Shipped => new(3, 3, "已发货", Paid: true, Shipped: true),
        // Delivery shows only as the logistics receipt time: the order stays "shipped" until the buyer confirms.
        OrderStatus.Delivered => new(3, 3, "已发货", Paid: true, Shipped: true, Received: true),
        OrderStatus.Completed => new(5, 5, "已完成", Paid: true, Shipped: true, Received: true, Finished: true),
        OrderStatus.Cancelled => new(4, 4, "已取消", Paid: false),
        OrderStatus.RefundRequested => new(2, 2, "备货中", Paid: true, AfterSaleStatus: 6, RefundStatus: 1),
        OrderStatus.Refunded => new(4, 21, "已取消", Paid: true, AfterSaleStatus: 12, RefundStatus: 3),
        _ => new(2, 2, "备货中", Paid: true),
    };

    private static readonly (string Province, string City, string Town, string Street)[] Areas =
    [
        ("福建省", "厦门市", "思明区", "莲前街道"), ("浙江省", "杭州市", "余杭区", "五常街道"),
        ("广东省", "广州市", "天河区", "石牌街道"), ("北京市", "北京市", "朝阳区", "望京街道"),
    ];

    private static void Area(Utf8JsonWriter w, string level, string name, long seed)
    {
        w.WriteStartObject(level);
        w.WriteString("name", name);
        w.WriteString("id", (100_000 + seed % 800_000).ToString(CultureInfo.InvariantCulture));
        w.WriteEndObject();
    }

    /// <summary>The documented <c>yyyy-MM-dd HH:mm:ss</c> China time, or unix seconds as the newer SDKs send.</summary>
    private static DateTimeOffset? ReadTimestamp(string text)
    {
        if (DateTime.TryParseExact(text, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
            return new DateTimeOffset(local, ChinaTime.Offset);
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds < 4_102_444_800L)
            return DateTimeOffset.FromUnixTimeSeconds(seconds);
        return null;
    }

    private static long? Long(JsonElement obj, string name) =>
        NativeReader.Get(obj, name) is not { } e ? null
        : e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var n) ? n
        : e.ValueKind == JsonValueKind.String && long.TryParse(e.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out n) ? n
        : -1;

    private static string Text(JsonElement obj, string name) =>
        NativeReader.Get(obj, name) is not { } e ? ""
        : e.ValueKind == JsonValueKind.String ? e.GetString() ?? ""
        : e.ValueKind == JsonValueKind.Number ? e.GetRawText()
        : "";

    private static FakeResponse Success(string logId, Action<Utf8JsonWriter> data) => new(200, Write(w =>
    {
        w.WriteStartObject();
        w.WriteNumber("code", 10000);
        w.WriteString("msg", "success");
        w.WriteString("sub_code", "");
        w.WriteString("sub_msg", "");
        w.WriteString("log_id", logId);
        w.WriteStartObject("data");
        data(w);
        w.WriteEndObject();
        w.WriteEndObject();
    }));

    private static FakeResponse Error(int code, string message, string subCode, string subMessage, string logId) => new(200, Write(w =>
    {
        w.WriteStartObject();
        w.WriteNumber("code", code);
        w.WriteString("msg", message);
        w.WriteString("sub_code", subCode);
        w.WriteString("sub_msg", subMessage);
        w.WriteString("log_id", logId);
        w.WriteNull("data");
        w.WriteEndObject();
    }));

    private static string Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions)) write(writer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>A stable number from an order id (string.GetHashCode varies between runs).</summary>
    private static int Seed(string id) => (int)(BitConverter.ToUInt32(SHA256.HashData(Encoding.UTF8.GetBytes(id))) & 0x7FFFFFFF);

    /// <summary>Base64 text standing in for the platform's ciphertext: deterministic, without the delimiters '#' and '$'.</summary>
    private static string Cipher(string id, string field) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(id + "/" + field))).TrimEnd('=');
}
