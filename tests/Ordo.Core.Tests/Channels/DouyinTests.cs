using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ordo.Core.Channels;
using Ordo.Core.Channels.Douyin;
using Ordo.Core.Common;
using Ordo.Core.Orders;
using Shouldly;
using Xunit;

namespace Ordo.Core.Tests.Channels;

public class DouyinOrderAdapterTests
{
    /// <summary>The facts file's <c>order.orderDetail</c> response.</summary>
    private const string OrderDetail = """
        {"data":{"shop_order_detail":{"order_id":"6936476692437472563","order_status":105,"main_status":105,"create_time":1740801600,"pay_time":1740801660,"update_time":1740801661,"doudian_open_id":"1@#Vrt9","encrypt_post_receiver":"##qIOp9#1##","encrypt_post_tel":"$$Klqd7$1$$","post_addr":{"province":{"name":"福建省","id":"35"},"city":{"name":"厦门市","id":"350200"},"town":{"name":"思明区","id":"350203"},"street":{"name":"莲前街道","id":"350203010"},"encrypt_detail":"##i688#1##"},"order_amount":9900,"pay_amount":8900,"post_amount":0,"promotion_amount":1000,"buyer_words":"","seller_words":"","sku_order_list":[{"order_id":"6936476692437472563","parent_order_id":"6936476692437472563","product_id":3660207428038974464,"sku_id":1790001,"out_sku_id":"MUG-W","code":"MUG-W","product_name":"马克杯","item_num":1,"origin_amount":9900,"pay_amount":8900,"after_sale_info":{}}]}}}
        """;

    private const string Detail = "data.shop_order_detail";

    /// <summary>Chinese text stays as UTF-8, as the platforms send it, so raw fragments read naturally.</summary>
    private static readonly JsonSerializerOptions Raw = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly ShopContext Shop = new(Platform.Douyin, "DY-FLAGSHIP");
    private static readonly DouyinOrderAdapter Adapter = new();

    private static ParseResult<CanonicalOrder> Parse(string json, ShopContext? shop = null)
    {
        using var document = JsonDocument.Parse(json);
        return Adapter.Parse(document.RootElement, shop ?? Shop);
    }

    private static CanonicalOrder ParseOk(string json)
    {
        var result = Parse(json);
        result.Errors.ShouldBeEmpty(string.Join("; ", result.Errors));
        return result.Value.ShouldNotBeNull();
    }

    private static FieldError ParseSingleError(string json)
    {
        var result = Parse(json);
        result.Value.ShouldBeNull();
        return result.Errors.ShouldHaveSingleItem();
    }

    /// <summary>The example with a change applied to <c>shop_order_detail</c>.</summary>
    private static string With(Action<JsonObject> change)
    {
        var root = JsonNode.Parse(OrderDetail)!.AsObject();
        change(root["data"]!["shop_order_detail"]!.AsObject());
        return root.ToJsonString(Raw);
    }

    private static string Bare(string envelope) => JsonNode.Parse(envelope)!["data"]!["shop_order_detail"]!.ToJsonString(Raw);

    private static JsonObject Sku(string orderId, long skuId, string? code, string name, int num, long originFen, JsonObject? afterSale = null) => new()
    {
        ["order_id"] = orderId, ["parent_order_id"] = "6936476692437472563", ["sku_id"] = skuId, ["code"] = code, ["product_name"] = name,
        ["item_num"] = num, ["origin_amount"] = originFen, ["after_sale_info"] = afterSale ?? new JsonObject(),
    };

    private static JsonObject AfterSale(int? status, int? refund)
    {
        var info = new JsonObject();
        if (status is { } s) info["after_sale_status"] = s;
        if (refund is { } r) info["refund_status"] = r;
        return info;
    }

    [Fact]
    public void The_facts_example_reads_to_exact_values()
    {
        var order = ParseOk(OrderDetail);

        order.ShouldBe(new CanonicalOrder
        {
            Platform = Platform.Douyin,
            ShopCode = "DY-FLAGSHIP",
            PlatformOrderId = "6936476692437472563",
            Status = OrderStatus.Paid,
            CreatedAt = new DateTimeOffset(2025, 3, 1, 4, 0, 0, TimeSpan.Zero),
            PaidAt = new DateTimeOffset(2025, 3, 1, 4, 1, 0, TimeSpan.Zero),
            PlatformModifiedAt = new DateTimeOffset(2025, 3, 1, 4, 1, 1, TimeSpan.Zero),
            Currency = "CNY",
            Buyer = new Buyer(null, "1@#Vrt9"),
            Receiver = new Receiver(null, null, "福建省", "厦门市", "思明区", "莲前街道", null, null),
            ReceiverPrivacy = new ReceiverPrivacy(EncryptedName: "##qIOp9#1##", EncryptedPhone: "$$Klqd7$1$$", EncryptedAddress: "##i688#1##"),
            Lines = order.Lines,
            Amounts = new OrderAmounts(99.00m, 0m, 10.00m, 89.00m),
            Tags = order.Tags,
        });
        // The line paid 89.00 of its 99.00: its discount is 10.00.
        order.Lines.ShouldBe([new OrderLine("1790001", "MUG-W", "马克杯", 1, 99.00m, 10.00m)]);
        order.Tags.ShouldBeEmpty();
        IntakeChecks.Evaluate(order, _ => true).ShouldBeEmpty();
    }

    [Fact]
    public void The_bare_shop_order_detail_reads_to_the_same_order()
    {
        ParseOk(Bare(OrderDetail)).SameDataAs(ParseOk(OrderDetail)).ShouldBeTrue();
    }

    [Fact]
    public void Errors_in_the_bare_object_have_no_envelope_prefix()
    {
        ParseSingleError(Bare(With(o => o.Remove("update_time")))).ShouldBe(new FieldError("update_time", "is required"));
    }

    [Fact]
    public void An_error_response_is_refused()
    {
        var error = ParseSingleError("""{"code":30002,"msg":"权限不足","sub_code":"isv.permission","data":null}""");

        error.Field.ShouldBe("$");
        error.Fragment!.ShouldContain("30002");
    }

    [Fact]
    public void A_response_without_shop_order_detail_is_refused()
    {
        ParseSingleError("""{"data":{}}""").ShouldBe(new FieldError("data.shop_order_detail", "is required"));
    }

    [Fact]
    public void A_shop_of_another_platform_is_refused()
    {
        Parse(OrderDetail, new ShopContext(Platform.Pinduoduo, "PDD-1")).Errors.ShouldHaveSingleItem()
            .ShouldBe(new FieldError("$", "shop platform 'pinduoduo' is not read by the Douyin adapter (expects douyin)"));
        Adapter.Platforms.ShouldBe([Platform.Douyin]);
    }

    public static TheoryData<int, int?, bool, OrderStatus> Statuses => new()
    {
        // order_status, main_status, paid
        { 1, null, false, OrderStatus.PendingPayment },
        { 105, null, true, OrderStatus.Paid },
        { 2, null, true, OrderStatus.Paid },
        { 101, null, true, OrderStatus.Shipped },
        { 3, null, true, OrderStatus.Shipped },
        { 4, null, false, OrderStatus.Cancelled },
        { 4, null, true, OrderStatus.Refunded },
        { 5, null, true, OrderStatus.Completed },
        { 1, 103, true, OrderStatus.PendingPayment },
        { 105, 105, true, OrderStatus.Paid },
        { 2, 2, true, OrderStatus.Paid },
        { 101, 101, true, OrderStatus.Shipped },
        { 3, 3, true, OrderStatus.Shipped },
        { 4, 4, false, OrderStatus.Cancelled },
        { 5, 5, true, OrderStatus.Completed },
        { 4, 21, true, OrderStatus.Refunded },
        { 4, 22, true, OrderStatus.Refunded },
        { 5, 39, true, OrderStatus.Refunded },
    };

    [Theory, MemberData(nameof(Statuses))]
    public void Order_and_main_statuses_map(int orderStatus, int? mainStatus, bool paid, OrderStatus expected)
    {
        var json = With(o =>
        {
            o["order_status"] = orderStatus;
            if (mainStatus is { } m) o["main_status"] = m; else o.Remove("main_status");
            o["pay_time"] = paid ? 1740801660 : 0;
        });

        ParseOk(json).Status.ShouldBe(expected);
    }

    public static TheoryData<int?, int?, OrderStatus> AfterSales => new()
    {
        // after_sale_status, refund_status on the only line of a shipped order
        { null, null, OrderStatus.Shipped },
        { 0, 0, OrderStatus.Shipped },
        { 6, null, OrderStatus.RefundRequested },
        { 7, 1, OrderStatus.RefundRequested },
        { 11, 1, OrderStatus.RefundRequested },
        { 12, 3, OrderStatus.Refunded },
        { 12, null, OrderStatus.Refunded },
        { 12, 1, OrderStatus.RefundRequested },
        { 12, 4, OrderStatus.Shipped },
        { 27, null, OrderStatus.Shipped },
        { 28, 1, OrderStatus.Shipped },
        { 29, 4, OrderStatus.Shipped },
        { 51, 3, OrderStatus.Refunded },
        { 53, null, OrderStatus.Shipped },
        { null, 1, OrderStatus.RefundRequested },
        { null, 3, OrderStatus.Refunded },
        { null, 4, OrderStatus.Shipped },
    };

    [Theory, MemberData(nameof(AfterSales))]
    public void Line_after_sales_map_onto_the_order(int? afterSaleStatus, int? refundStatus, OrderStatus expected)
    {
        var json = With(o =>
        {
            o["order_status"] = 3; o["main_status"] = 3;
            o["sku_order_list"]![0]!["after_sale_info"] = AfterSale(afterSaleStatus, refundStatus);
        });

        ParseOk(json).Status.ShouldBe(expected);
    }

    public static TheoryData<string, int?, int?, OrderStatus> TwoLineRefunds => new()
    {
        { "one line refunded, the other not: the rest still ships", 12, null, OrderStatus.Paid },
        { "every line refunded", 12, 12, OrderStatus.Refunded },
        { "one line in progress", 6, null, OrderStatus.RefundRequested },
        { "one refunded, one in progress", 12, 7, OrderStatus.RefundRequested },
    };

    [Theory, MemberData(nameof(TwoLineRefunds))]
    public void A_multi_line_order_is_refunded_only_when_every_line_is(string because, int? first, int? second, OrderStatus expected)
    {
        var json = With(o => o["sku_order_list"] = new JsonArray(
            Sku("6936476692437472564", 1790001, "MUG-W", "马克杯", 1, 9900, AfterSale(first, null)),
            Sku("6936476692437472565", 1790002, "MUG-B", "马克杯 黑", 1, 9900, AfterSale(second, null))));

        ParseOk(json).Status.ShouldBe(expected, because);
    }

    public static TheoryData<string, Action<JsonObject>, string, string, string> UnknownStatuses => new()
    {
        { "order_status", o => o["order_status"] = 999, $"{Detail}.order_status", "unknown order_status 999; known: 1 (awaiting confirmation/payment), 105 (paid), 2 (preparing), 101 (partly shipped), 3 (shipped), 4 (cancelled), 5 (completed)", "999" },
        { "main_status", o => o["main_status"] = 40, $"{Detail}.main_status", "unknown main_status 40; known: 1 (awaiting confirmation/payment)", "40" },
        { "after_sale_status", o => o["sku_order_list"]![0]!["after_sale_info"] = AfterSale(13, null), $"{Detail}.sku_order_list[0].after_sale_info.after_sale_status", "unknown after_sale_status 13; known: 0 (none), 6 (requested)", "13" },
        { "refund_status", o => o["sku_order_list"]![0]!["after_sale_info"] = AfterSale(null, 2), $"{Detail}.sku_order_list[0].after_sale_info.refund_status", "unknown refund_status 2; known: 0 (none), 1 (pending), 3 (succeeded), 4 (failed)", "2" },
    };

    [Theory, MemberData(nameof(UnknownStatuses))]
    public void An_unknown_status_value_is_named_with_the_known_ones(string because, Action<JsonObject> change, string path, string reasonStart, string fragment)
    {
        var error = ParseSingleError(With(change));

        error.Field.ShouldBe(path, because);
        error.Reason.ShouldStartWith(reasonStart);
        error.Fragment.ShouldBe(fragment);
    }

    [Fact]
    public void Money_in_fen_may_come_as_numeric_strings()
    {
        var json = With(o => { o["pay_amount"] = "8900"; o["sku_order_list"]![0]!["origin_amount"] = "9900"; });

        ParseOk(json).Amounts.ShouldBe(new OrderAmounts(99.00m, 0m, 10.00m, 89.00m));
    }

    public static TheoryData<string, Action<JsonObject>, FieldError> MissingOrInvalid => new()
    {
        { "fen with decimals", o => o["pay_amount"] = 89.5m, new FieldError($"{Detail}.pay_amount", "must be a whole number of fen", "89.5") },
        { "yuan string", o => o["post_amount"] = "6.00", new FieldError($"{Detail}.post_amount", "must be a whole number of fen", "\"6.00\"") },
        { "negative fen", o => o["promotion_amount"] = -100, new FieldError($"{Detail}.promotion_amount", "amount must not be negative", "-100") },
        { "no pay_amount", o => o.Remove("pay_amount"), new FieldError($"{Detail}.pay_amount", "is required") },
        { "milliseconds", o => o["create_time"] = 1740801600000, new FieldError($"{Detail}.create_time", "is not a unix time in seconds between 2000 and 2100", "1740801600000") },
        { "zero update_time", o => o["update_time"] = 0, new FieldError($"{Detail}.update_time", "is required (0)", "0") },
        { "no update_time", o => o.Remove("update_time"), new FieldError($"{Detail}.update_time", "is required") },
        { "no order_id", o => o.Remove("order_id"), new FieldError($"{Detail}.order_id", "is required") },
        { "no order_status", o => o.Remove("order_status"), new FieldError($"{Detail}.order_status", "is required") },
        { "no lines", o => o.Remove("sku_order_list"), new FieldError($"{Detail}.sku_order_list", "is required") },
        { "empty lines", o => o["sku_order_list"] = new JsonArray(), new FieldError($"{Detail}.sku_order_list", "must contain at least one sku order", "[]") },
        { "zero item_num", o => o["sku_order_list"]![0]!["item_num"] = 0, new FieldError($"{Detail}.sku_order_list[0].item_num", "must be from 1 to 1000000", "0") },
        { "no origin_amount", o => o["sku_order_list"]![0]!.AsObject().Remove("origin_amount"), new FieldError($"{Detail}.sku_order_list[0].origin_amount", "is required") },
        { "post_addr not an object", o => o["post_addr"] = "福建省厦门市", new FieldError($"{Detail}.post_addr", "must be an object", "\"福建省厦门市\"") },
        { "province without name object", o => o["post_addr"]!["province"] = "福建省", new FieldError($"{Detail}.post_addr.province", "must be an object", "\"福建省\"") },
    };

    [Theory, MemberData(nameof(MissingOrInvalid))]
    public void Missing_or_invalid_fields_name_their_path(string because, Action<JsonObject> change, FieldError expected)
    {
        ParseSingleError(With(change)).ShouldBe(expected, because);
    }

    [Fact]
    public void A_non_object_is_refused()
    {
        ParseSingleError("\"6936476692437472563\"").Field.ShouldBe("$");
    }

    [Fact]
    public void An_unpaid_order_has_no_paid_time()
    {
        var order = ParseOk(With(o => { o["order_status"] = 1; o["main_status"] = 1; o["pay_time"] = 0; }));

        order.PaidAt.ShouldBeNull();
        order.Status.ShouldBe(OrderStatus.PendingPayment);
    }

    [Fact]
    public void A_seller_price_change_becomes_part_of_the_discount()
    {
        // 99.00 of goods, 10.00 promotion, the seller then took 5.00 off (modify_amount), 6.00 freight.
        var json = With(o => { o["post_amount"] = 600; o["modify_amount"] = -500; o["pay_amount"] = 9000; });

        ParseOk(json).Amounts.ShouldBe(new OrderAmounts(99.00m, 6.00m, 15.00m, 90.00m));
    }

    [Fact]
    public void Amounts_that_cannot_add_up_keep_the_promotion_amount()
    {
        ParseOk(With(o => o["pay_amount"] = 12000)).Amounts.ShouldBe(new OrderAmounts(99.00m, 0m, 10.00m, 120.00m));
    }

    [Fact]
    public void A_multi_line_order_keeps_every_line_with_its_merchant_code()
    {
        var second = Sku("6936476692437472565", 1790002, null, "杯垫", 3, 1500);
        second["out_sku_id"] = "COASTER";
        second["promotion_amount"] = 500;
        var third = Sku("6936476692437472566", 1790003, null, "赠品贴纸", 1, 0);
        var json = With(o =>
        {
            o["sku_order_list"] = new JsonArray(Sku("6936476692437472564", 1790001, "MUG-W", "马克杯", 2, 9900), second, third);
            o["order_amount"] = 24300; o["promotion_amount"] = 500; o["post_amount"] = 0; o["pay_amount"] = 23800;
        });

        var order = ParseOk(json);

        order.Lines.ShouldBe([
            new OrderLine("1790001", "MUG-W", "马克杯", 2, 99.00m, 0m),
            new OrderLine("1790002", "COASTER", "杯垫", 3, 15.00m, 5.00m),
            new OrderLine("1790003", null, "赠品贴纸", 1, 0m, 0m),
        ]);
        order.Amounts.ShouldBe(new OrderAmounts(243.00m, 0m, 5.00m, 238.00m));
        IntakeChecks.Evaluate(order, _ => true).Where(h => h.Code == "amounts_mismatch").ShouldBeEmpty();
    }

    [Fact]
    public void A_line_discount_leaves_out_the_line_freight()
    {
        // The line paid 97.00 of which 8.00 is its own freight: 89.00 for goods worth 99.00.
        var json = With(o => { o["sku_order_list"]![0]!["pay_amount"] = 9700; o["sku_order_list"]![0]!["post_amount"] = 800; });

        ParseOk(json).Lines[0].Discount.ShouldBe(10.00m);
    }

    [Fact]
    public void A_line_paying_more_than_its_value_gets_no_discount()
    {
        var json = With(o => o["sku_order_list"]![0]!["pay_amount"] = 10000);

        ParseOk(json).Lines[0].Discount.ShouldBe(0m);
    }

    [Fact]
    public void Masked_copies_and_the_open_address_id_are_kept_apart_from_the_receiver()
    {
        var json = With(o =>
        {
            o["mask_post_receiver"] = "张*";
            o["mask_post_tel"] = "138****5678";
            o["mask_post_addr"] = new JsonObject { ["detail"] = "环岛东路***" };
            o["open_address_id"] = "#AAE2kq8X9pqZ";
        });

        var order = ParseOk(json);

        order.Receiver.ShouldBe(new Receiver(null, null, "福建省", "厦门市", "思明区", "莲前街道", null, null));
        order.ReceiverPrivacy.ShouldBe(new ReceiverPrivacy("张*", "138****5678", "环岛东路***", "##qIOp9#1##", "$$Klqd7$1$$", "##i688#1##"));
        order.OpenAddressId.ShouldBe("#AAE2kq8X9pqZ");
        order.PhoneLast4.ShouldBe("5678");
    }

    [Fact]
    public void Plain_values_from_the_older_fields_go_to_the_receiver()
    {
        var json = With(o =>
        {
            o.Remove("encrypt_post_receiver"); o.Remove("encrypt_post_tel");
            o["post_receiver"] = "张三"; o["post_tel"] = "13800138000";
            o["post_addr"]!.AsObject().Remove("encrypt_detail");
            o["post_addr"]!["detail"] = "环岛东路 1 号";
        });

        var order = ParseOk(json);

        order.Receiver.ShouldBe(new Receiver("张三", "13800138000", "福建省", "厦门市", "思明区", "莲前街道", "环岛东路 1 号", null));
        order.ReceiverPrivacy.ShouldBeNull();
    }

    [Fact]
    public void A_masked_value_in_a_plain_field_is_never_taken_for_the_real_one()
    {
        var json = With(o => { o.Remove("encrypt_post_tel"); o["post_tel"] = "138****5678"; });

        var order = ParseOk(json);

        order.Receiver!.Phone.ShouldBeNull();
        order.ReceiverPrivacy!.MaskedPhone.ShouldBe("138****5678");
    }

    [Fact]
    public void Areas_come_from_the_masked_address_when_post_addr_is_absent()
    {
        var json = With(o =>
        {
            o.Remove("post_addr");
            o["mask_post_addr"] = JsonNode.Parse("""{"province":{"name":"福建省","id":"35"},"city":{"name":"厦门市"},"town":{"name":"思明区"},"detail":"环岛***"}""");
        });

        var order = ParseOk(json);

        order.Receiver.ShouldBe(new Receiver(null, null, "福建省", "厦门市", "思明区", null, null, null));
        order.ReceiverPrivacy!.EncryptedAddress.ShouldBeNull();
        order.ReceiverPrivacy.MaskedAddress.ShouldBe("环岛***");
    }

    [Fact]
    public void Notes_flag_and_buyer_are_read()
    {
        var order = ParseOk(With(o => { o["buyer_words"] = "送人的，别放发票"; o["seller_words"] = "已核对地址"; o["seller_remark_stars"] = 5; }));

        order.BuyerMessage.ShouldBe("送人的，别放发票");
        order.SellerMemo.ShouldBe("已核对地址");
        order.Tags.ShouldBe(["flag:5"]);
        order.Buyer.ShouldBe(new Buyer(null, "1@#Vrt9"));
    }

    [Fact]
    public void Without_an_open_id_there_is_no_buyer()
    {
        ParseOk(With(o => o.Remove("doudian_open_id"))).Buyer.ShouldBeNull();
    }
}

public class DouyinPushTests
{
    private const string AppKey = "7012345678901234567";
    private const string AppSecret = "dy-secret-0b1c";

    /// <summary>The facts file's push body.</summary>
    private const string Body = """
        [{"tag":"101","msg_id":"7345000000000000001","data":"{\"p_id\":6936476692437472563,\"s_ids\":[6936476692437472563],\"shop_id\":123,\"order_status\":2,\"order_type\":0,\"biz\":2,\"pay_amount\":8900,\"pay_time\":1740801660,\"pay_type\":1}"}]
        """;

    private static readonly DouyinPush Format = new();
    private static readonly ShopCredentials Credentials = new(AppKey, AppSecret, null);

    /// <summary>The event-sign computed here independently of the code under test.</summary>
    private static string Sign(string body, string appKey = AppKey, string appSecret = AppSecret) =>
        Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(appKey + body + appSecret)));

    private static PushRequest Request(string body, string? signature)
    {
        var headers = new Dictionary<string, string>();
        if (signature is not null) headers["event-sign"] = signature;
        return new PushRequest(headers, Encoding.UTF8.GetBytes(body));
    }

    private static FieldError ReadSingleError(string body)
    {
        var result = Format.Read(Request(body, null), Credentials);
        result.Value.ShouldBeNull();
        return result.Errors.ShouldHaveSingleItem();
    }

    [Fact]
    public void A_correctly_signed_push_is_authentic()
    {
        Format.Verify(Request(Body, Sign(Body)), Credentials).ShouldBe(PushVerification.Ok);
    }

    [Fact]
    public void An_upper_case_signature_and_header_name_are_accepted()
    {
        var request = new PushRequest(new Dictionary<string, string> { ["Event-Sign"] = Sign(Body).ToUpperInvariant() }, Encoding.UTF8.GetBytes(Body));

        Format.Verify(request, Credentials).Authentic.ShouldBeTrue();
    }

    public static TheoryData<string, PushRequest, ShopCredentials, string> Refusals => new()
    {
        { "wrong secret", Request(Body, Sign(Body, appSecret: "other")), Credentials, "the event-sign header does not match the body" },
        { "wrong app key", Request(Body, Sign(Body, appKey: "7000000000000000000")), Credentials, "the event-sign header does not match the body" },
        { "tampered body", Request(Body.Replace("8900", "1"), Sign(Body)), Credentials, "the event-sign header does not match the body" },
        { "missing header", Request(Body, null), Credentials, "the event-sign header is missing" },
        { "no app key", Request(Body, Sign(Body)), new ShopCredentials(null, AppSecret, null), "the shop has no app key and secret to check the event-sign header with" },
    };

    [Theory, MemberData(nameof(Refusals))]
    public void Inauthentic_pushes_are_refused(string because, PushRequest request, ShopCredentials credentials, string reason)
    {
        Format.Verify(request, credentials).ShouldBe(PushVerification.Refused(reason), because);
    }

    [Fact]
    public void The_facts_push_reads_to_one_message_with_the_exact_parent_order_id()
    {
        var result = Format.Read(Request(Body, Sign(Body)), Credentials);

        result.Errors.ShouldBeEmpty();
        result.Value!.Messages.ShouldBe([new PushMessage("7345000000000000001", "101", "6936476692437472563")]);
    }

    [Fact]
    public void Several_messages_are_read_with_string_ids_and_numeric_tags()
    {
        var body = """
            [{"tag":100,"msg_id":"7345000000000000002","data":"{\"p_id\":\"6936476692437472599\",\"s_ids\":[\"6936476692437472599\"],\"shop_id\":123,\"order_status\":1}"},
             {"tag":"206","msg_id":"7345000000000000003","data":"{\"aftersale_id\":7001,\"p_id\":6936476692437472563,\"s_id\":6936476692437472563,\"refund_amount\":8900}"}]
            """;

        var result = Format.Read(Request(body, null), Credentials);

        result.Errors.ShouldBeEmpty();
        result.Value!.Messages.ShouldBe([
            new PushMessage("7345000000000000002", "100", "6936476692437472599"),
            new PushMessage("7345000000000000003", "206", "6936476692437472563"),
        ]);
    }

    public static TheoryData<string, string, FieldError> BadBodies => new()
    {
        { "an object, not an array", """{"tag":"101"}""", new FieldError("$", "must be a JSON array of messages", """{"tag":"101"}""") },
        { "an empty array", "[]", new FieldError("$", "holds no message", "[]") },
        { "no tag", """[{"msg_id":"1","data":"{\"p_id\":1}"}]""", new FieldError("[0].tag", "is required") },
        { "no msg_id", """[{"tag":"101","data":"{\"p_id\":1}"}]""", new FieldError("[0].msg_id", "is required") },
        { "data not JSON", """[{"tag":"101","msg_id":"1","data":"p_id=1"}]""", new FieldError("[0].data", "is not a JSON object in a string", "p_id=1") },
        { "data an object, not a string", """[{"tag":"101","msg_id":"1","data":{"p_id":1}}]""", new FieldError("[0].data", "must be a string", """{"p_id":1}""") },
        { "no p_id", """[{"tag":"101","msg_id":"1","data":"{\"s_ids\":[1]}"}]""", new FieldError("[0].data.p_id", "is required") },
        { "s_ids not an array", """[{"tag":"101","msg_id":"1","data":"{\"p_id\":1,\"s_ids\":1}"}]""", new FieldError("[0].data.s_ids", "must be an array", "1") },
    };

    [Theory, MemberData(nameof(BadBodies))]
    public void Malformed_pushes_name_the_field(string because, string body, FieldError expected)
    {
        ReadSingleError(body).ShouldBe(expected, because);
    }

    [Fact]
    public void A_body_that_is_not_json_is_refused()
    {
        ReadSingleError("tag=101").Field.ShouldBe("$");
    }

    [Fact]
    public void The_reply_and_the_documented_tags()
    {
        Format.Acknowledgement.ShouldBe("""{"code":0,"msg":"success"}""");
        Format.Platforms.ShouldBe([Platform.Douyin]);
        DouyinPush.Tags.Keys.ShouldBe(["100", "101", "102", "103", "105", "106", "110", "206"], ignoreOrder: true);
    }
}
