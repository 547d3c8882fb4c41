using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ordo.Core.Channels;
using Ordo.Core.Channels.Pinduoduo;
using Ordo.Core.Common;
using Ordo.Core.Orders;
using Shouldly;
using Xunit;

namespace Ordo.Core.Tests.Channels;

public class PinduoduoOrderAdapterTests
{
    /// <summary>The facts file's <c>order_info</c> example.</summary>
    private const string OrderInfo = """
        {"order_sn":"250301-123456789012345","order_status":1,"confirm_status":1,"refund_status":1,"after_sales_status":0,"created_time":"2025-03-01 12:00:01","confirm_time":"2025-03-01 12:00:05","pay_time":"2025-03-01 12:00:05","updated_at":"2025-03-01 12:00:06","receiver_name":"<encrypted>","receiver_name_mask":"张*","receiver_phone_mask":"138****0000","province":"上海","city":"上海市","town":"长宁区","goods_amount":59.8,"pay_amount":54.8,"postage":0,"discount_amount":5,"seller_discount":5,"platform_discount":0,"buyer_memo":"","remark":"","item_list":[{"goods_id":12345,"sku_id":67890,"outer_id":"BOX-2","goods_name":"收纳盒","goods_count":2,"goods_price":29.9}]}
        """;

    /// <summary>Chinese text stays as UTF-8, as the platforms send it, so raw fragments read naturally.</summary>
    private static readonly JsonSerializerOptions Raw = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly ShopContext Shop = new(Platform.Pinduoduo, "PDD-MAIN");
    private static readonly PinduoduoOrderAdapter Adapter = new();

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

    private static string With(Action<JsonObject> change)
    {
        var node = JsonNode.Parse(OrderInfo)!.AsObject();
        change(node);
        return node.ToJsonString(Raw);
    }

    private static string Set(string name, JsonNode? value) => With(o => o[name] = value);

    private static string Envelope(string orderInfo) => """{"order_info_get_response":{"order_info":""" + orderInfo + "}}";

    private static JsonObject Item(int skuId, string? outerId, string name, int count, decimal price) => new()
    {
        ["goods_id"] = 12345, ["sku_id"] = skuId, ["outer_id"] = outerId, ["goods_name"] = name, ["goods_count"] = count, ["goods_price"] = price,
    };

    [Fact]
    public void The_facts_example_reads_to_exact_values()
    {
        var order = ParseOk(OrderInfo);

        order.ShouldBe(new CanonicalOrder
        {
            Platform = Platform.Pinduoduo,
            ShopCode = "PDD-MAIN",
            PlatformOrderId = "250301-123456789012345",
            Status = OrderStatus.Paid,
            CreatedAt = new DateTimeOffset(2025, 3, 1, 4, 0, 1, TimeSpan.Zero),
            PaidAt = new DateTimeOffset(2025, 3, 1, 4, 0, 5, TimeSpan.Zero),
            PlatformModifiedAt = new DateTimeOffset(2025, 3, 1, 4, 0, 6, TimeSpan.Zero),
            Currency = "CNY",
            Buyer = null,
            Receiver = new Receiver(null, null, "上海", "上海市", "长宁区", null, null, null),
            ReceiverPrivacy = new ReceiverPrivacy(MaskedName: "张*", MaskedPhone: "138****0000", EncryptedName: "<encrypted>"),
            Lines = order.Lines,
            Amounts = new OrderAmounts(59.80m, 0m, 5.00m, 54.80m),
            Tags = order.Tags,
        });
        order.Lines.ShouldBe([new OrderLine("67890", "BOX-2", "收纳盒", 2, 29.90m, 0m)]);
        order.Tags.ShouldBeEmpty();
        order.PhoneLast4.ShouldBe("0000");
    }

    [Fact]
    public void The_response_envelope_reads_to_the_same_order()
    {
        ParseOk(Envelope(OrderInfo)).SameDataAs(ParseOk(OrderInfo)).ShouldBeTrue();
    }

    [Fact]
    public void An_error_response_is_refused_with_its_fragment()
    {
        var error = ParseSingleError("""{"error_response":{"error_code":10019,"error_msg":"access_token已过期"}}""");

        error.Field.ShouldBe("error_response");
        error.Fragment!.ShouldContain("10019");
    }

    [Fact]
    public void A_shop_of_another_platform_is_refused()
    {
        var result = Parse(OrderInfo, new ShopContext(Platform.Douyin, "DY-1"));

        result.Errors.ShouldHaveSingleItem().ShouldBe(new FieldError("$", "shop platform 'douyin' is not read by the Pinduoduo adapter (expects pinduoduo)"));
    }

    [Fact]
    public void The_adapter_reads_pinduoduo_only()
    {
        Adapter.Platforms.ShouldBe([Platform.Pinduoduo]);
    }

    public static TheoryData<int, int, int, int, OrderStatus> Statuses => new()
    {
        // order_status, confirm_status, refund_status, after_sales_status
        { 1, 1, 1, 0, OrderStatus.Paid },
        { 2, 1, 1, 0, OrderStatus.Shipped },
        { 3, 1, 1, 0, OrderStatus.Delivered },
        { 1, 0, 1, 0, OrderStatus.PendingPayment },
        { 1, 2, 1, 0, OrderStatus.Cancelled },
        { 1, 2, 4, 10, OrderStatus.Refunded },
        { 1, 1, 2, 2, OrderStatus.RefundRequested },
        { 2, 1, 3, 4, OrderStatus.RefundRequested },
        { 3, 1, 4, 10, OrderStatus.Refunded },
        { 2, 1, 4, 0, OrderStatus.Refunded },
        { 2, 1, 1, 10, OrderStatus.Refunded },
    };

    [Theory, MemberData(nameof(Statuses))]
    public void Statuses_map_with_refunds_first(int orderStatus, int confirmStatus, int refundStatus, int afterSales, OrderStatus expected)
    {
        var json = With(o =>
        {
            o["order_status"] = orderStatus; o["confirm_status"] = confirmStatus;
            o["refund_status"] = refundStatus; o["after_sales_status"] = afterSales;
        });

        ParseOk(json).Status.ShouldBe(expected);
    }

    public static TheoryData<int, OrderStatus> AfterSalesStatuses => new()
    {
        { 0, OrderStatus.Shipped },
        { 2, OrderStatus.RefundRequested }, { 3, OrderStatus.RefundRequested }, { 4, OrderStatus.RefundRequested },
        { 5, OrderStatus.RefundRequested }, { 6, OrderStatus.RefundRequested }, { 7, OrderStatus.RefundRequested },
        { 8, OrderStatus.RefundRequested }, { 31, OrderStatus.RefundRequested },
        { 9, OrderStatus.Shipped }, { 11, OrderStatus.Shipped }, { 12, OrderStatus.Shipped }, { 13, OrderStatus.Shipped },
        { 10, OrderStatus.Refunded },
        // exchange, reship and repair return no money
        { 14, OrderStatus.Shipped }, { 15, OrderStatus.Shipped }, { 16, OrderStatus.Shipped }, { 17, OrderStatus.Shipped }, { 18, OrderStatus.Shipped },
        { 21, OrderStatus.Shipped }, { 22, OrderStatus.Shipped }, { 23, OrderStatus.Shipped }, { 24, OrderStatus.Shipped },
        { 25, OrderStatus.Shipped }, { 26, OrderStatus.Shipped }, { 27, OrderStatus.Shipped }, { 32, OrderStatus.Shipped },
    };

    [Theory, MemberData(nameof(AfterSalesStatuses))]
    public void Every_after_sales_status_maps_on_a_shipped_order(int afterSales, OrderStatus expected)
    {
        var json = With(o => { o["order_status"] = 2; o["after_sales_status"] = afterSales; });

        ParseOk(json).Status.ShouldBe(expected);
    }

    [Fact]
    public void Refund_and_after_sales_status_may_be_absent()
    {
        var json = With(o => { o.Remove("refund_status"); o.Remove("after_sales_status"); });

        ParseOk(json).Status.ShouldBe(OrderStatus.Paid);
    }

    public static TheoryData<string, int, string> UnknownStatuses => new()
    {
        { "order_status", 5, "unknown order_status 5; known: 1 (awaiting shipment), 2 (shipped), 3 (signed)" },
        { "confirm_status", 3, "unknown confirm_status 3; known: 0 (not concluded), 1 (concluded), 2 (cancelled)" },
        { "refund_status", 0, "unknown refund_status 0; known: 1 (no after-sale or closed), 2 (after-sale in progress), 3 (refunding), 4 (refunded)" },
        { "after_sales_status", 19, "unknown after_sales_status 19; known: 0 (none), 2 (refund requested)" },
    };

    [Theory, MemberData(nameof(UnknownStatuses))]
    public void An_unknown_status_value_is_named_with_the_known_ones(string field, int value, string reasonStart)
    {
        var error = ParseSingleError(Set(field, value));

        error.Field.ShouldBe(field);
        error.Reason.ShouldStartWith(reasonStart);
        error.Fragment.ShouldBe(value.ToString());
    }

    [Fact]
    public void Errors_inside_the_envelope_carry_the_envelope_path()
    {
        var error = ParseSingleError(Envelope(Set("order_status", 9)));

        error.Field.ShouldBe("order_info_get_response.order_info.order_status");
    }

    [Fact]
    public void An_envelope_without_order_info_is_refused()
    {
        ParseSingleError("""{"order_info_get_response":{}}""").Field.ShouldBe("order_info_get_response.order_info");
    }

    public static TheoryData<string, string, decimal> YuanForms => new()
    {
        { "number with one decimal", "4.5", 4.50m },
        { "whole number", "54", 54.00m },
        { "decimal string", "\"54.80\"", 54.80m },
    };

    [Theory, MemberData(nameof(YuanForms))]
    public void Pay_amount_is_yuan_as_a_number_or_string(string because, string raw, decimal expected)
    {
        var order = ParseOk(Set("pay_amount", JsonNode.Parse(raw)));

        order.Amounts.Paid.ShouldBe(expected, because);
    }

    public static TheoryData<string, string, string, string> InvalidMoney => new()
    {
        { "pay_amount", "54.805", "pay_amount", "amount has more than 2 decimal places" },
        { "postage", "-1", "postage", "amount must not be negative" },
        { "discount_amount", "\"five\"", "discount_amount", "is not a yuan amount such as \"99.00\"" },
        { "goods_amount", "true", "goods_amount", "must be a yuan amount (string or number)" },
    };

    [Theory, MemberData(nameof(InvalidMoney))]
    public void Invalid_money_is_refused_never_rounded(string field, string raw, string path, string reason)
    {
        var error = ParseSingleError(Set(field, JsonNode.Parse(raw)));

        error.ShouldBe(new FieldError(path, reason, raw));
    }

    [Fact]
    public void A_line_price_with_three_decimals_names_the_line()
    {
        var json = With(o => o["item_list"]![0]!["goods_price"] = 29.901m);

        ParseSingleError(json).ShouldBe(new FieldError("item_list[0].goods_price", "amount has more than 2 decimal places", "29.901"));
    }

    [Fact]
    public void A_missing_pay_amount_is_required()
    {
        ParseSingleError(With(o => o.Remove("pay_amount"))).ShouldBe(new FieldError("pay_amount", "is required"));
    }

    [Fact]
    public void A_seller_price_change_taken_off_goods_amount_becomes_part_of_the_discount()
    {
        // Lines are worth 59.80; the seller cut 4.00 (goods_amount 55.80), the coupon took 5.00, 6.00 postage.
        var json = With(o => { o["goods_amount"] = 55.8m; o["postage"] = 6; o["discount_amount"] = 5; o["pay_amount"] = 56.8m; });

        ParseOk(json).Amounts.ShouldBe(new OrderAmounts(59.80m, 6.00m, 9.00m, 56.80m));
    }

    [Fact]
    public void Amounts_that_cannot_add_up_keep_the_platform_discount()
    {
        var json = With(o => o["pay_amount"] = 70);

        ParseOk(json).Amounts.ShouldBe(new OrderAmounts(59.80m, 0m, 5.00m, 70.00m));
    }

    [Fact]
    public void A_multi_line_order_keeps_every_line_and_sums_the_goods()
    {
        var json = With(o =>
        {
            o["item_list"] = new JsonArray(Item(67890, "BOX-2", "收纳盒", 2, 29.9m), Item(67891, null, "挂钩", 3, 1.5m));
            o["goods_amount"] = 64.3m; o["discount_amount"] = 5; o["pay_amount"] = 59.3m;
        });

        var order = ParseOk(json);

        order.Lines.ShouldBe([
            new OrderLine("67890", "BOX-2", "收纳盒", 2, 29.90m, 0m),
            new OrderLine("67891", null, "挂钩", 3, 1.50m, 0m),
        ]);
        order.Amounts.ShouldBe(new OrderAmounts(64.30m, 0m, 5.00m, 59.30m));
    }

    [Fact]
    public void An_empty_outer_id_is_no_merchant_sku()
    {
        ParseOk(With(o => o["item_list"]![0]!["outer_id"] = "")).Lines[0].Sku.ShouldBeNull();
    }

    public static TheoryData<string, Action<JsonObject>, FieldError> MissingOrInvalid => new()
    {
        { "no order_sn", o => o.Remove("order_sn"), new FieldError("order_sn", "is required") },
        { "no updated_at", o => o.Remove("updated_at"), new FieldError("updated_at", "is required") },
        { "empty created_time", o => o["created_time"] = "", new FieldError("created_time", "is required", "\"\"") },
        { "unix created_time", o => o["created_time"] = 1740801601, new FieldError("created_time", "must be a time such as \"2025-03-01 10:02:11\" (China time)", "1740801601") },
        { "malformed updated_at", o => o["updated_at"] = "2025-13-01 12:00:06", new FieldError("updated_at", "is not a time of the form yyyy-MM-dd HH:mm:ss (China time)", "\"2025-13-01 12:00:06\"") },
        { "no order_status", o => o.Remove("order_status"), new FieldError("order_status", "is required") },
        { "no item_list", o => o.Remove("item_list"), new FieldError("item_list", "is required") },
        { "empty item_list", o => o["item_list"] = new JsonArray(), new FieldError("item_list", "must contain at least one item", "[]") },
        { "zero goods_count", o => o["item_list"]![0]!["goods_count"] = 0, new FieldError("item_list[0].goods_count", "must be from 1 to 1000000", "0") },
        { "no goods_price", o => o["item_list"]![0]!.AsObject().Remove("goods_price"), new FieldError("item_list[0].goods_price", "is required") },
        { "negative remark_tag", o => o["remark_tag"] = -1, new FieldError("remark_tag", "must be a flag colour (0 none, 1 to 5)", "-1") },
    };

    [Theory, MemberData(nameof(MissingOrInvalid))]
    public void Missing_or_invalid_fields_name_their_path(string because, Action<JsonObject> change, FieldError expected)
    {
        ParseSingleError(With(change)).ShouldBe(expected, because);
    }

    [Fact]
    public void A_non_object_is_refused()
    {
        ParseSingleError("[1]").Field.ShouldBe("$");
    }

    [Fact]
    public void An_unpaid_order_has_no_paid_time_and_falls_back_to_the_confirm_time()
    {
        var unpaid = ParseOk(With(o => { o["confirm_status"] = 0; o["pay_time"] = ""; o["confirm_time"] = ""; }));
        var confirmedOnly = ParseOk(With(o => o["pay_time"] = ""));

        unpaid.PaidAt.ShouldBeNull();
        unpaid.Status.ShouldBe(OrderStatus.PendingPayment);
        confirmedOnly.PaidAt.ShouldBe(new DateTimeOffset(2025, 3, 1, 4, 0, 5, TimeSpan.Zero));
    }

    [Fact]
    public void Ciphertext_goes_to_privacy_and_never_to_the_receiver()
    {
        var json = With(o =>
        {
            o["receiver_name"] = "~AgAAAADKjN8Fxyy8TAA2GT4semn+oppvkOnDgjwueuQ=~vXhtOs+oximw~2~~";
            o["receiver_phone"] = "$TtMyyvuwCTgl$AgAAAADKjN8Gxyy8TADS9L8EPNs56SAn7sOt1JBMsC8=$2$$";
            o["receiver_address"] = "~AgAAAADKjN8Fzce1DgCER+fFrxbTlgQV9GSaGZCcNxI=~vXhtOs+oximw~2~~";
            o["receiver_address_mask"] = "长宁路****";
        });

        var order = ParseOk(json);

        order.Receiver.ShouldBe(new Receiver(null, null, "上海", "上海市", "长宁区", null, null, null));
        order.ReceiverPrivacy.ShouldBe(new ReceiverPrivacy(
            MaskedName: "张*", MaskedPhone: "138****0000", MaskedAddress: "长宁路****",
            EncryptedName: "~AgAAAADKjN8Fxyy8TAA2GT4semn+oppvkOnDgjwueuQ=~vXhtOs+oximw~2~~",
            EncryptedPhone: "$TtMyyvuwCTgl$AgAAAADKjN8Gxyy8TADS9L8EPNs56SAn7sOt1JBMsC8=$2$$",
            EncryptedAddress: "~AgAAAADKjN8Fzce1DgCER+fFrxbTlgQV9GSaGZCcNxI=~vXhtOs+oximw~2~~"));
    }

    [Fact]
    public void Plain_values_go_to_the_receiver()
    {
        var json = With(o =>
        {
            o["receiver_name"] = "张三"; o["receiver_phone"] = "13800138000"; o["receiver_address"] = "长宁路 1 号";
            o["address"] = "上海上海市长宁区长宁路 1 号";
            o.Remove("receiver_name_mask"); o.Remove("receiver_phone_mask");
        });

        var order = ParseOk(json);

        order.Receiver.ShouldBe(new Receiver("张三", "13800138000", "上海", "上海市", "长宁区", null, "长宁路 1 号", null));
        order.ReceiverPrivacy.ShouldBeNull();
        order.PhoneLast4.ShouldBe("8000");
    }

    [Fact]
    public void A_masked_phone_in_the_phone_field_is_kept_as_masked()
    {
        var order = ParseOk(With(o => { o["receiver_phone"] = "1387677****"; o.Remove("receiver_phone_mask"); }));

        order.Receiver!.Phone.ShouldBeNull();
        order.ReceiverPrivacy!.MaskedPhone.ShouldBe("1387677****");
    }

    [Fact]
    public void Empty_receiver_strings_mean_not_given()
    {
        var json = With(o =>
        {
            foreach (var f in new[] { "receiver_name", "receiver_phone", "receiver_address", "address", "receiver_name_mask", "receiver_phone_mask", "province", "city", "town" })
                o[f] = "";
        });

        var order = ParseOk(json);

        order.Receiver.ShouldBeNull();
        order.ReceiverPrivacy.ShouldBeNull();
    }

    [Fact]
    public void The_full_address_stands_in_when_the_detail_is_missing()
    {
        var order = ParseOk(With(o => { o["address"] = "~AgAAAAQ8QMcFToQakAAp/+XZ8M5rYUVluWGC7ppm308=~0~"; o["address_mask"] = "上海上海市长宁区****"; }));

        order.ReceiverPrivacy!.EncryptedAddress.ShouldBe("~AgAAAAQ8QMcFToQakAAp/+XZ8M5rYUVluWGC7ppm308=~0~");
        order.ReceiverPrivacy.MaskedAddress.ShouldBe("上海上海市长宁区****");
    }

    [Fact]
    public void Notes_and_the_flag_are_read()
    {
        var order = ParseOk(With(o => { o["buyer_memo"] = "请用纸箱"; o["remark"] = "送小样"; o["remark_tag"] = 3; }));

        order.BuyerMessage.ShouldBe("请用纸箱");
        order.SellerMemo.ShouldBe("送小样");
        order.Tags.ShouldBe(["flag:3"]);
    }

    [Fact]
    public void A_zero_remark_tag_is_no_flag()
    {
        ParseOk(Set("remark_tag", 0)).Tags.ShouldBeEmpty();
    }

    [Fact]
    public void The_read_order_passes_the_intake_amount_checks()
    {
        var order = ParseOk(With(o => { o["goods_amount"] = 55.8m; o["postage"] = 6; o["pay_amount"] = 56.8m; }));

        IntakeChecks.Evaluate(order, _ => true).Where(h => h.Code == "amounts_mismatch").ShouldBeEmpty();
    }
}

public class PinduoduoPmcMessagesTests
{
    private const string Secret = "relay-secret";

    /// <summary>The facts file's PMC frame (its id is above 2^53 on purpose).</summary>
    private const string Frame = """
        {"id":9007199254740993,"commandType":"Common","sendTime":1740801606000,"message":{"type":"pdd_trade_TradeConfirmed","mallID":100,"content":"{\"mall_id\":100,\"tid\":\"250301-123456789012345\"}"}}
        """;

    private static readonly PinduoduoPmcMessages Format = new();
    private static readonly ShopCredentials Credentials = new("pdd-client-id", Secret, null);

    /// <summary>The relay signature computed here independently of the code under test.</summary>
    private static string Sign(byte[] body, string secret) =>
        Convert.ToHexString(MD5.HashData([.. Encoding.UTF8.GetBytes(secret), .. body, .. Encoding.UTF8.GetBytes(secret)]));

    private static PushRequest Request(string body, string? signature = null, string header = "X-Relay-Sign")
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var headers = new Dictionary<string, string>();
        if (signature is not null) headers[header] = signature;
        return new PushRequest(headers, bytes);
    }

    private static PushRequest Signed(string body, string secret = Secret) => Request(body, Sign(Encoding.UTF8.GetBytes(body), secret));

    private static FieldError ReadSingleError(string body)
    {
        var result = Format.Read(Request(body), Credentials);
        result.Value.ShouldBeNull();
        return result.Errors.ShouldHaveSingleItem();
    }

    [Fact]
    public void A_correctly_signed_frame_is_authentic()
    {
        Format.Verify(Signed(Frame), Credentials).ShouldBe(PushVerification.Ok);
    }

    [Fact]
    public void The_signature_is_compared_case_insensitively_and_the_header_name_too()
    {
        var body = Encoding.UTF8.GetBytes(Frame);
        var request = Request(Frame, Sign(body, Secret).ToLowerInvariant(), header: "x-relay-sign");

        Format.Verify(request, Credentials).Authentic.ShouldBeTrue();
    }

    public static TheoryData<string, PushRequest, ShopCredentials, string> Refusals => new()
    {
        { "wrong secret", Signed(Frame, "another-secret"), Credentials, "the X-Relay-Sign header does not match the body" },
        { "tampered body", Request(Frame.Replace("250301-123456789012345", "250301-999999999999999"), Sign(Encoding.UTF8.GetBytes(Frame), Secret)), Credentials, "the X-Relay-Sign header does not match the body" },
        { "missing header", Request(Frame), Credentials, "the X-Relay-Sign header is missing" },
        { "no secret", Signed(Frame), new ShopCredentials("pdd-client-id", null, null), "the shop has no app secret to check the relay signature with" },
    };

    [Theory, MemberData(nameof(Refusals))]
    public void Inauthentic_pushes_are_refused(string because, PushRequest request, ShopCredentials credentials, string reason)
    {
        Format.Verify(request, credentials).ShouldBe(PushVerification.Refused(reason), because);
    }

    [Fact]
    public void The_facts_frame_reads_to_one_message_with_its_exact_id()
    {
        var result = Format.Read(Signed(Frame), Credentials);

        result.Errors.ShouldBeEmpty();
        result.Value!.Messages.ShouldBe([new PushMessage("9007199254740993", "pdd_trade_TradeConfirmed", "250301-123456789012345")]);
    }

    [Fact]
    public void An_array_of_frames_reads_every_event_and_skips_heartbeats()
    {
        var refund = Frame.Replace("9007199254740993", "42").Replace("pdd_trade_TradeConfirmed", "pdd_refund_RefundCreated");
        var body = $$"""[{{Frame}},{"commandType":"HeartBeat","time":1740801607000},{{refund}}]""";

        var result = Format.Read(Request(body), Credentials);

        result.Errors.ShouldBeEmpty();
        result.Value!.Messages.Select(m => (m.MessageId, m.Topic, m.PlatformOrderId)).ShouldBe([
            ("9007199254740993", "pdd_trade_TradeConfirmed", "250301-123456789012345"),
            ("42", "pdd_refund_RefundCreated", "250301-123456789012345"),
        ]);
    }

    public static TheoryData<string, string, FieldError> BadFrames => new()
    {
        { "not JSON", "{", new FieldError("$", "", null) },
        { "empty array", "[]", new FieldError("$", "holds no frame", "[]") },
        { "a number", "7", new FieldError("$", "must be a PMC frame or an array of frames", "7") },
        {
            "content is not JSON", Frame.Replace("""{\"mall_id\":100,\"tid\":\"250301-123456789012345\"}""", "oops"),
            new FieldError("message.content", "is not a JSON object in a string", "oops")
        },
        {
            "content has no tid", Frame.Replace("\\\"tid\\\":\\\"250301-123456789012345\\\"", "\\\"oid\\\":1"),
            new FieldError("message.content.tid", "is required")
        },
        {
            "content names another mall", Frame.Replace("""\"mall_id\":100""", """\"mall_id\":101"""),
            new FieldError("message.content.mall_id", "is 101 but the frame's message.mallID is 100", "101")
        },
        {
            "unknown command", Frame.Replace("\"Common\"", "\"Fail\""),
            new FieldError("commandType", "unknown commandType 'Fail'; known: Common, HeartBeat, Ack", "\"Fail\"")
        },
        { "no message", """{"id":1,"commandType":"Common"}""", new FieldError("message", "is required") },
    };

    [Theory, MemberData(nameof(BadFrames))]
    public void Malformed_frames_name_the_field(string because, string body, FieldError expected)
    {
        var error = ReadSingleError(body);

        error.Field.ShouldBe(expected.Field, because);
        if (expected.Reason.Length > 0) error.ShouldBe(expected, because);
    }

    [Fact]
    public void Errors_in_an_array_carry_the_frame_index()
    {
        var body = $"[{Frame},{Frame.Replace("\"type\":\"pdd_trade_TradeConfirmed\",", "")}]";

        ReadSingleError(body).ShouldBe(new FieldError("[1].message.type", "is required"));
    }

    [Fact]
    public void The_relay_is_answered_with_success_true()
    {
        Format.Acknowledgement.ShouldBe("""{"success":true}""");
        Format.Platforms.ShouldBe([Platform.Pinduoduo]);
    }

    [Fact]
    public void The_ack_frame_echoes_id_send_time_type_and_mall_exactly()
    {
        var now = DateTimeOffset.FromUnixTimeMilliseconds(1740801606123);

        var ack = PinduoduoPmcMessages.AckFrame("9007199254740993", 1740801606000, "pdd_trade_TradeConfirmed", 100, now);

        ack.ShouldBe("""{"id":9007199254740993,"commandType":"Ack","time":1740801606123,"sendTime":1740801606000,"type":"pdd_trade_TradeConfirmed","mallID":100}""");
    }

    [Fact]
    public void The_ack_frame_is_built_from_a_received_frame_and_not_for_heartbeats()
    {
        var now = DateTimeOffset.FromUnixTimeMilliseconds(1740801606123);
        using var frame = JsonDocument.Parse(Frame);
        using var heartbeat = JsonDocument.Parse("""{"commandType":"HeartBeat","time":1}""");

        PinduoduoPmcMessages.AckFrameFor(frame.RootElement, now)
            .ShouldBe(PinduoduoPmcMessages.AckFrame("9007199254740993", 1740801606000, "pdd_trade_TradeConfirmed", 100, now));
        PinduoduoPmcMessages.AckFrameFor(heartbeat.RootElement, now).ShouldBeNull();
    }

    [Fact]
    public void The_connection_signature_is_base64_of_the_md5_hex_text()
    {
        // md5hex("8f2e6c1d" + "1740801606000" + "pmc-secret") = 0eb7da2d4bb99418b22bb05a1633bd13, then base64 of those 32 characters.
        PinduoduoPmcMessages.ConnectionSignature("8f2e6c1d", 1740801606000, "pmc-secret")
            .ShouldBe("MGViN2RhMmQ0YmI5OTQxOGIyMmJiMDVhMTYzM2JkMTM=");
    }

    [Fact]
    public void The_connection_url_carries_client_time_and_signature()
    {
        var now = DateTimeOffset.FromUnixTimeMilliseconds(1740801606000);

        PinduoduoPmcMessages.ConnectionUrl("8f2e6c1d", "pmc-secret", now)
            .ShouldBe("wss://message-api.pinduoduo.com/message/8f2e6c1d/1740801606000/MGViN2RhMmQ0YmI5OTQxOGIyMmJiMDVhMTYzM2JkMTM=");
    }

    [Fact]
    public void The_documented_topics_are_listed()
    {
        PinduoduoPmcMessages.Topics.Keys.ShouldBe([
            "pdd_trade_TradeConfirmed", "pdd_trade_TradeSellerShip", "pdd_trade_TradeSuccess", "pdd_trade_TradeLogisticsAddressChanged",
            "pdd_trade_TradeRiskChanged", "pdd_refund_RefundCreated", "pdd_refund_RefundAgreeAgreement", "pdd_refund_RefundClosed",
        ], ignoreOrder: true);
    }

    private static readonly DateTimeOffset AckTime = DateTimeOffset.FromUnixTimeMilliseconds(1740801607000);

    [Fact]
    public void A_frame_on_the_feed_names_its_mall_and_gets_an_ack_echoing_id_type_and_mall()
    {
        var frame = Format.ReadFrame(Encoding.UTF8.GetBytes(Frame), AckTime);

        frame.Read.Succeeded.ShouldBeTrue();
        frame.Read.Value!.Messages.Single().ShouldBe(new PushMessage("9007199254740993", "pdd_trade_TradeConfirmed", "250301-123456789012345"));
        frame.PlatformShopId.ShouldBe("100");
        frame.IsControl.ShouldBeFalse();
        frame.Reply.ShouldBe("""{"id":9007199254740993,"commandType":"Ack","time":1740801607000,"sendTime":1740801606000,"type":"pdd_trade_TradeConfirmed","mallID":100}""");
    }

    [Theory]
    [InlineData("""{"commandType":"HeartBeat","sendTime":1740801606000}""")]
    [InlineData("""{"id":1,"commandType":"Ack","type":"pdd_trade_TradeConfirmed","mallID":100}""")]
    public void Heartbeats_and_acks_on_the_feed_are_control_frames(string raw)
    {
        var frame = Format.ReadFrame(Encoding.UTF8.GetBytes(raw), AckTime);

        frame.IsControl.ShouldBeTrue();
        frame.Reply.ShouldBeNull();
    }

    [Theory]
    [InlineData("content is not JSON", """{"id":5,"commandType":"Common","sendTime":1,"message":{"type":"pdd_trade_TradeConfirmed","mallID":100,"content":"oops"}}""", "message.content", true)]
    [InlineData("content names another mall", """{"id":5,"commandType":"Common","sendTime":1,"message":{"type":"pdd_trade_TradeConfirmed","mallID":100,"content":"{\"mall_id\":200,\"tid\":\"x\"}"}}""", "message.content.mall_id", true)]
    [InlineData("no id: nothing to answer", """{"commandType":"Common","sendTime":1,"message":{"type":"pdd_trade_TradeConfirmed","mallID":100,"content":"{\"tid\":\"x\"}"}}""", "id", false)]
    [InlineData("not JSON at all", "{\"id\":", "$", false)]
    public void A_malformed_frame_says_why_and_is_answered_when_its_envelope_can_be(string because, string raw, string field, bool answered)
    {
        var frame = Format.ReadFrame(Encoding.UTF8.GetBytes(raw), AckTime);

        frame.Read.Succeeded.ShouldBeFalse(because);
        frame.Read.Errors[0].Field.ShouldBe(field, because);
        (frame.Reply is not null).ShouldBe(answered, because);
        frame.IsControl.ShouldBeFalse(because);
    }

    [Fact]
    public void The_connection_url_takes_another_base_address_with_the_same_signature()
    {
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1740801606000);
        var expected = Convert.ToBase64String(Encoding.ASCII.GetBytes(Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes("cid1740801606000sec")))));

        PinduoduoPmcMessages.ConnectionUrl("cid", "sec", at).ShouldBe($"wss://message-api.pinduoduo.com/message/cid/1740801606000/{expected}");
        PinduoduoPmcMessages.ConnectionUrl("cid", "sec", at, "ws://127.0.0.1:5000/").ShouldBe($"ws://127.0.0.1:5000/message/cid/1740801606000/{expected}");
    }
}
