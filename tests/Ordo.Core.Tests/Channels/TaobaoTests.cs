using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ordo.Core.Channels;
using Ordo.Core.Channels.Taobao;
using Ordo.Core.Common;
using Ordo.Core.Orders;
using Shouldly;

namespace Ordo.Core.Tests.Channels;

public class TaobaoTests
{
    private static readonly TaobaoOrderAdapter Adapter = new();
    private static readonly ShopContext Shop = new(Platform.Taobao, "TB-FLAGSHIP");

    /// <summary>The facts file's fullinfo example (ids and ciphertext placeholders filled in).</summary>
    private const string FullInfo = """
        {"trade":{"tid":3821004455667788,"status":"WAIT_SELLER_SEND_GOODS","created":"2025-03-01 10:02:11","pay_time":"2025-03-01 10:03:40","modified":"2025-03-01 10:03:41","buyer_open_uid":"AAGx2kQ7vT9","receiver_name":"<encrypted>","receiver_mobile":"<encrypted>","receiver_state":"浙江省","receiver_city":"杭州市","receiver_district":"西湖区","receiver_town":"转塘街道","receiver_address":"<encrypted>","oaid":"1b9ZxQkW3pLmN","total_fee":"198.00","payment":"188.00","post_fee":"0.00","discount_fee":"10.00","buyer_message":"尽快发货","seller_memo":"","orders":{"order":[{"oid":3821004455667788,"num_iid":6789,"sku_id":"5012","outer_sku_id":"TS-RED-M","title":"T恤","num":2,"price":"99.00","payment":"188.00","refund_status":"NO_REFUND","status":"WAIT_SELLER_SEND_GOODS"}]}}}
        """;

    /// <summary>
    /// A shipped two-line trade as TOP returns it today: masked personal data, a county-level city (济源) with
    /// receiver_city empty, freight, per-line discounts, a seller flag, and an item without SKUs.
    /// 2 × 99.00 + 1 × 45.50 = 243.50; + 10.00 freight − 20.00 discount = 233.50 paid.
    /// </summary>
    private const string TwoLines = """
        {"trade_fullinfo_get_response":{"trade":{"tid":4012345678901234567,"tid_str":"4012345678901234567","status":"WAIT_BUYER_CONFIRM_GOODS","type":"fixed","created":"2025-03-02 23:59:59","pay_time":"2025-03-03 00:00:05","consign_time":"2025-03-03 15:20:00","modified":"2025-03-03 15:20:01","buyer_nick":"t**1","buyer_open_uid":"AAHk9sQ2xR","receiver_name":"王**","receiver_mobile":"*******5678","receiver_phone":"","receiver_state":"河南省","receiver_city":"","receiver_district":"济源市","receiver_town":"沁园街道","receiver_address":"文昌路***号","receiver_zip":"459000","oaid":"2c8YwPq","total_fee":"243.50","post_fee":"10.00","payment":"233.50","discount_fee":"20.00","adjust_fee":"0.00","seller_flag":3,"buyer_message":"","seller_memo":"送小样","orders":{"order":[{"oid":4012345678901234561,"num_iid":6789,"sku_id":"5012","outer_iid":"TS","outer_sku_id":"TS-RED-M","title":"T恤","sku_properties_name":"颜色:红;尺码:M","num":2,"price":"99.00","total_fee":"188.00","payment":"183.00","discount_fee":"10.00","refund_status":"NO_REFUND","status":"WAIT_BUYER_CONFIRM_GOODS"},{"oid":4012345678901234562,"num_iid":7788,"outer_iid":"CAP-01","title":"帽子","num":1,"price":"45.50","total_fee":"45.50","payment":"40.50","discount_fee":"0.00","refund_status":"NO_REFUND","status":"WAIT_BUYER_CONFIRM_GOODS"}]}}}}
        """;

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private static ParseResult<CanonicalOrder> Parse(string json, ShopContext? shop = null) => Adapter.Parse(Json(json), shop ?? Shop);

    private static CanonicalOrder ParseOk(string json, ShopContext? shop = null)
    {
        var result = Parse(json, shop);
        result.Errors.ShouldBeEmpty();
        return result.Value.ShouldNotBeNull();
    }

    /// <summary>The example's trade object with one change applied.</summary>
    private static string With(Action<JsonObject> change, string json = FullInfo)
    {
        var root = JsonNode.Parse(json)!.AsObject();
        change((root["trade_fullinfo_get_response"]?["trade"] ?? root["trade"] ?? root).AsObject());
        return root.ToJsonString();
    }

    private static JsonObject Line(JsonObject trade, int i) => trade["orders"]!["order"]![i]!.AsObject();

    private static DateTimeOffset Utc(int d, int h, int m, int s) => new(2025, 3, d, h, m, s, TimeSpan.Zero);

    [Fact]
    public void The_fullinfo_example_maps_field_by_field()
    {
        var order = ParseOk(FullInfo);

        order.ShouldBe(new CanonicalOrder
        {
            Platform = Platform.Taobao,
            ShopCode = "TB-FLAGSHIP",
            PlatformOrderId = "3821004455667788",
            Status = OrderStatus.Paid,
            CreatedAt = Utc(1, 2, 2, 11),
            PaidAt = Utc(1, 2, 3, 40),
            PlatformModifiedAt = Utc(1, 2, 3, 41),
            Currency = "CNY",
            Buyer = new Buyer(null, "AAGx2kQ7vT9"),
            Receiver = new Receiver(null, null, "浙江省", "杭州市", "西湖区", "转塘街道", null, null),
            ReceiverPrivacy = new ReceiverPrivacy(EncryptedName: "<encrypted>", EncryptedPhone: "<encrypted>", EncryptedAddress: "<encrypted>"),
            Oaid = "1b9ZxQkW3pLmN",
            Lines = order.Lines,
            Amounts = new OrderAmounts(198.00m, 0.00m, 10.00m, 188.00m),
            BuyerMessage = "尽快发货",
            SellerMemo = "",
            Tags = order.Tags,
        });
        order.Lines.ShouldBe([new OrderLine("5012", "TS-RED-M", "T恤", 2, 99.00m, 0m)]);
        order.Tags.ShouldBeEmpty();
    }

    [Fact]
    public void A_shipped_two_line_trade_with_masked_receiver_freight_and_a_flag()
    {
        var order = ParseOk(TwoLines);

        order.PlatformOrderId.ShouldBe("4012345678901234567");
        order.Status.ShouldBe(OrderStatus.Shipped);
        order.CreatedAt.ShouldBe(Utc(2, 15, 59, 59));
        order.PaidAt.ShouldBe(Utc(2, 16, 0, 5));
        order.PlatformModifiedAt.ShouldBe(Utc(3, 7, 20, 1));
        order.Buyer.ShouldBe(new Buyer("t**1", "AAHk9sQ2xR"));
        order.Receiver.ShouldBe(new Receiver(null, null, "河南省", "济源市", null, "沁园街道", null, "459000"));
        order.ReceiverPrivacy.ShouldBe(new ReceiverPrivacy(MaskedName: "王**", MaskedPhone: "*******5678", MaskedAddress: "文昌路***号"));
        order.PhoneLast4.ShouldBe("5678");
        order.Oaid.ShouldBe("2c8YwPq");
        order.Lines.ShouldBe(
        [
            new OrderLine("5012", "TS-RED-M", "T恤", 2, 99.00m, 10.00m),
            new OrderLine("7788", "CAP-01", "帽子", 1, 45.50m, 0.00m),
        ]);
        order.Amounts.ShouldBe(new OrderAmounts(243.50m, 10.00m, 20.00m, 233.50m));
        (order.Amounts.Goods + order.Amounts.Freight - order.Amounts.Discount).ShouldBe(order.Amounts.Paid);
        order.SellerMemo.ShouldBe("送小样");
        order.Tags.ShouldBe(["flag:3"]);
    }

    [Fact]
    public void The_bare_trade_and_both_envelopes_read_the_same()
    {
        var wrapped = ParseOk(FullInfo);
        var bare = JsonNode.Parse(FullInfo)!["trade"]!.ToJsonString();
        var response = $$"""{"trade_fullinfo_get_response":{{FullInfo}}}""";

        ParseOk(bare).SameDataAs(wrapped).ShouldBeTrue();
        ParseOk(response).SameDataAs(wrapped).ShouldBeTrue();
    }

    [Fact]
    public void Orders_given_as_a_bare_array_read_the_same()
    {
        var flattened = With(t => t["orders"] = t["orders"]!["order"]!.DeepClone());

        ParseOk(flattened).SameDataAs(ParseOk(FullInfo)).ShouldBeTrue();
        Parse(With(t => t["orders"]![0]!["price"] = "x", flattened)).Errors.ShouldHaveSingleItem().Field.ShouldBe("trade.orders[0].price");
    }

    [Fact]
    public void A_Tmall_shop_gets_Tmall_orders_and_other_platforms_are_refused()
    {
        ParseOk(FullInfo, new ShopContext(Platform.Tmall, "TM-1")).Platform.ShouldBe(Platform.Tmall);

        var refused = Parse(FullInfo, new ShopContext(Platform.Jd, "JD-1"));

        refused.Succeeded.ShouldBeFalse();
        refused.Errors.ShouldHaveSingleItem().ShouldBe(new FieldError("$", "the Taobao adapter reads Taobao and Tmall orders, not jd"));
    }

    private static readonly (string Status, bool Paid, OrderStatus Expected, string[] Tags)[] StatusRows =
    [
        ("TRADE_NO_CREATE_PAY", false, OrderStatus.PendingPayment, []),
        ("WAIT_BUYER_PAY", false, OrderStatus.PendingPayment, []),
        ("PAY_PENDING", false, OrderStatus.PendingPayment, []),
        ("WAIT_PRE_AUTH_CONFIRM", false, OrderStatus.PendingPayment, []),
        ("WAIT_SELLER_SEND_GOODS", true, OrderStatus.Paid, []),
        ("PAID_FORBID_CONSIGN", true, OrderStatus.Paid, ["platform:ship-blocked"]),
        ("SELLER_CONSIGNED_PART", true, OrderStatus.Paid, ["platform:part-shipped"]),
        ("WAIT_BUYER_CONFIRM_GOODS", true, OrderStatus.Shipped, []),
        ("TRADE_BUYER_SIGNED", true, OrderStatus.Delivered, []),
        ("TRADE_FINISHED", true, OrderStatus.Completed, []),
        ("TRADE_CLOSED", true, OrderStatus.Refunded, []),
        ("TRADE_CLOSED", false, OrderStatus.Cancelled, []),
        ("TRADE_CLOSED_BY_TAOBAO", false, OrderStatus.Cancelled, []),
    ];

    public static TheoryData<string, bool, OrderStatus, string[]> Statuses()
    {
        var data = new TheoryData<string, bool, OrderStatus, string[]>();
        foreach (var (status, paid, expected, tags) in StatusRows) data.Add(status, paid, expected, tags);
        return data;
    }

    [Theory]
    [MemberData(nameof(Statuses))]
    public void Every_trade_status_maps(string status, bool paid, OrderStatus expected, string[] tags)
    {
        var order = ParseOk(With(t =>
        {
            t["status"] = status;
            if (!paid) t.Remove("pay_time");
        }));

        order.Status.ShouldBe(expected);
        order.Tags.ShouldBe(tags);
        order.PaidAt.HasValue.ShouldBe(paid);
    }

    [Fact]
    public void The_status_table_covers_every_documented_status()
    {
        StatusRows.Select(row => row.Status).Distinct().Order().ShouldBe(TaobaoOrderAdapter.TradeStatuses.Keys.Order());
    }

    public static TheoryData<string, string, string, bool, OrderStatus, string[]> Refunds => new()
    {
        { "NO_REFUND", "NO_REFUND", "WAIT_SELLER_SEND_GOODS", true, OrderStatus.Paid, [] },
        { "WAIT_SELLER_AGREE", "NO_REFUND", "WAIT_SELLER_SEND_GOODS", true, OrderStatus.RefundRequested, [] },
        { "NO_REFUND", "WAIT_BUYER_RETURN_GOODS", "WAIT_BUYER_CONFIRM_GOODS", true, OrderStatus.RefundRequested, [] },
        { "WAIT_SELLER_CONFIRM_GOODS", "SUCCESS", "TRADE_FINISHED", true, OrderStatus.RefundRequested, [] },
        { "SUCCESS", "SUCCESS", "WAIT_SELLER_SEND_GOODS", true, OrderStatus.Refunded, [] },
        { "SUCCESS", "NO_REFUND", "WAIT_SELLER_SEND_GOODS", true, OrderStatus.Paid, ["platform:part-refunded"] },
        { "SUCCESS", "CLOSED", "TRADE_FINISHED", true, OrderStatus.Completed, ["platform:part-refunded"] },
        { "SELLER_REFUSE_BUYER", "CLOSED", "TRADE_FINISHED", true, OrderStatus.Completed, [] },
        { "SUCCESS", "SUCCESS", "TRADE_CLOSED", true, OrderStatus.Refunded, [] },
        { "SUCCESS", "SUCCESS", "TRADE_CLOSED", false, OrderStatus.Refunded, [] },
        { "NO_REFUND", "NO_REFUND", "TRADE_CLOSED", false, OrderStatus.Cancelled, [] },
        { "WAIT_SELLER_AGREE", "NO_REFUND", "TRADE_CLOSED_BY_TAOBAO", false, OrderStatus.Cancelled, [] },
        { "WAIT_SELLER_AGREE", "NO_REFUND", "WAIT_BUYER_PAY", false, OrderStatus.PendingPayment, [] },
    };

    [Theory]
    [MemberData(nameof(Refunds))]
    public void Line_refunds_change_the_status(string first, string second, string status, bool paid, OrderStatus expected, string[] tags)
    {
        var json = With(t =>
        {
            t["status"] = status;
            if (!paid) t.Remove("pay_time");
            Line(t, 0)["refund_status"] = first;
            Line(t, 1)["refund_status"] = second;
        }, TwoLines);

        var order = ParseOk(json);

        order.Status.ShouldBe(expected);
        order.Tags.ShouldBe([.. tags, "flag:3"]);
    }

    [Fact]
    public void A_line_without_refund_status_has_no_refund()
    {
        ParseOk(With(t => Line(t, 0).Remove("refund_status"))).Status.ShouldBe(OrderStatus.Paid);
    }

    [Fact]
    public void Plain_values_go_to_the_receiver_and_old_ciphertext_to_privacy()
    {
        var plain = ParseOk(With(t =>
        {
            t["receiver_name"] = "张三";
            t["receiver_mobile"] = "13800138000";
            t["receiver_address"] = "转塘街道象山村 8 号";
            t["receiver_zip"] = "310024";
        }));
        plain.Receiver.ShouldBe(new Receiver("张三", "13800138000", "浙江省", "杭州市", "西湖区", "转塘街道", "转塘街道象山村 8 号", "310024"));
        plain.ReceiverPrivacy.ShouldBeNull();

        var cipher = ParseOk(With(t =>
        {
            t["receiver_name"] = "张*";
            t["receiver_mobile"] = "$138$Qm5yb1ZxR2FxV3c=$1$$";
            t["receiver_phone"] = "0571-8888****";
            t["receiver_address"] = "$浙江省$U2FsdGVkX19hYmNkZWZn$1$$";
        }));
        cipher.Receiver!.Name.ShouldBeNull();
        cipher.Receiver.Phone.ShouldBeNull();
        cipher.Receiver.Address.ShouldBeNull();
        cipher.ReceiverPrivacy!.EncryptedPhone.ShouldBe("$138$Qm5yb1ZxR2FxV3c=$1$$");
        cipher.ReceiverPrivacy.EncryptedAddress.ShouldBe("$浙江省$U2FsdGVkX19hYmNkZWZn$1$$");
        cipher.ReceiverPrivacy.MaskedPhone.ShouldBe("0571-8888****");
        cipher.ReceiverPrivacy.MaskedName.ShouldBe("张*");
    }

    [Fact]
    public void The_landline_stands_in_when_there_is_no_mobile()
    {
        var order = ParseOk(With(t =>
        {
            t.Remove("receiver_mobile");
            t["receiver_phone"] = "0571-88886666";
        }));

        order.Receiver!.Phone.ShouldBe("0571-88886666");
        order.ReceiverPrivacy!.EncryptedPhone.ShouldBeNull();
    }

    [Fact]
    public void Amounts_add_up_with_freight_in_payment()
    {
        // 3 × 19.90 = 59.70 + 8.00 freight − (5.00 shop coupon + 2.70 changed by hand) = 60.00 paid.
        var order = ParseOk(With(t =>
        {
            t["total_fee"] = "59.70";
            t["post_fee"] = "8.00";
            t["payment"] = "60.00";
            t["discount_fee"] = "5.00";
            t["adjust_fee"] = "-2.70";
            Line(t, 0)["num"] = 3;
            Line(t, 0)["price"] = "19.90";
            Line(t, 0)["discount_fee"] = "5.00";
        }));

        order.Amounts.ShouldBe(new OrderAmounts(59.70m, 8.00m, 7.70m, 60.00m));
        order.Lines.ShouldHaveSingleItem().Discount.ShouldBe(5.00m);
    }

    [Fact]
    public void Without_total_fee_goods_is_the_sum_of_the_lines()
    {
        ParseOk(With(t => t.Remove("total_fee"), TwoLines)).Amounts.Goods.ShouldBe(243.50m);
    }

    [Fact]
    public void A_payment_above_goods_and_freight_keeps_the_platforms_discount_for_the_intake_checks()
    {
        // The seller raised the price by hand: numbers that cannot add up are kept as sent, not forced.
        ParseOk(With(t => t["payment"] = "210.00")).Amounts.ShouldBe(new OrderAmounts(198.00m, 0.00m, 10.00m, 210.00m));
    }

    [Fact]
    public void Amounts_given_as_JSON_numbers_are_read_as_yuan()
    {
        ParseOk(With(t => { t["payment"] = 188; t["post_fee"] = 0; Line(t, 0)["price"] = 99.0; })).Amounts.Paid.ShouldBe(188.00m);
    }

    [Theory]
    [InlineData(0, new string[0])]
    [InlineData(1, new[] { "flag:1" })]
    [InlineData(5, new[] { "flag:5" })]
    public void The_seller_flag_becomes_a_tag(int flag, string[] tags)
    {
        ParseOk(With(t => t["seller_flag"] = flag)).Tags.ShouldBe(tags);
    }

    public static TheoryData<string, Action<JsonObject>, string, string> Invalid => new()
    {
        { "unknown status", t => t["status"] = "TRADE_LOST", "trade.status",
            "unknown trade status 'TRADE_LOST'; expected one of: TRADE_NO_CREATE_PAY, WAIT_BUYER_PAY, PAY_PENDING, WAIT_PRE_AUTH_CONFIRM, WAIT_SELLER_SEND_GOODS, PAID_FORBID_CONSIGN, SELLER_CONSIGNED_PART, WAIT_BUYER_CONFIRM_GOODS, TRADE_BUYER_SIGNED, TRADE_FINISHED, TRADE_CLOSED, TRADE_CLOSED_BY_TAOBAO" },
        { "unknown refund status", t => Line(t, 0)["refund_status"] = "REFUNDING", "trade.orders.order[0].refund_status",
            "unknown refund status 'REFUNDING'; expected one of: NO_REFUND, CLOSED, SELLER_REFUSE_BUYER, WAIT_SELLER_AGREE, WAIT_BUYER_RETURN_GOODS, WAIT_SELLER_CONFIRM_GOODS, SUCCESS" },
        { "missing status", t => t.Remove("status"), "trade.status", "is required" },
        { "missing tid", t => t.Remove("tid"), "trade.tid", "is required" },
        { "missing modified", t => t.Remove("modified"), "trade.modified", "is required" },
        { "missing created", t => t.Remove("created"), "trade.created", "is required" },
        { "created in another form", t => t["created"] = "2025/03/01 10:02", "trade.created", "is not a time of the form yyyy-MM-dd HH:mm:ss (China time)" },
        { "pay time as a number", t => t["pay_time"] = 1740794620, "trade.pay_time", "must be a time such as \"2025-03-01 10:02:11\" (China time)" },
        { "missing payment", t => t.Remove("payment"), "trade.payment", "is required" },
        { "payment not yuan", t => t["payment"] = "188元", "trade.payment", "is not a yuan amount such as \"99.00\"" },
        { "price with three decimals", t => Line(t, 0)["price"] = "99.005", "trade.orders.order[0].price", "amount has more than 2 decimal places" },
        { "missing price", t => Line(t, 0).Remove("price"), "trade.orders.order[0].price", "is required" },
        { "zero quantity", t => Line(t, 0)["num"] = 0, "trade.orders.order[0].num", "must be from 1 to 1000000" },
        { "fractional quantity", t => Line(t, 0)["num"] = "1.5", "trade.orders.order[0].num", "must be a whole number" },
        { "negative freight", t => t["post_fee"] = "-1.00", "trade.post_fee", "amount must not be negative" },
        { "no orders", t => t.Remove("orders"), "trade.orders", "is required: a trade needs at least one sub-order (orders.order[])" },
        { "no order array", t => t["orders"] = new JsonObject(), "trade.orders.order", "is required" },
        { "empty order array", t => t["orders"]!["order"] = new JsonArray(), "trade.orders.order", "must contain at least one sub-order" },
        { "orders as text", t => t["orders"] = "none", "trade.orders", "must be {\"order\":[…]} or an array" },
        { "line not an object", t => t["orders"]!["order"] = new JsonArray(1), "trade.orders.order[0]", "must be an object" },
        { "negative seller flag", t => t["seller_flag"] = -1, "trade.seller_flag", "must not be negative" },
        { "seller flag as text", t => t["seller_flag"] = "red", "trade.seller_flag", "must be a whole number" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Invalid_fields_are_named_by_their_native_path(string because, Action<JsonObject> change, string field, string reason)
    {
        var result = Parse(With(change));

        result.Succeeded.ShouldBeFalse(because);
        var error = result.Errors.ShouldHaveSingleItem(because);
        error.Field.ShouldBe(field, because);
        error.Reason.ShouldBe(reason, because);
    }

    [Fact]
    public void Error_paths_follow_the_envelope_that_was_given()
    {
        var bare = JsonNode.Parse(With(t => Line(t, 0)["price"] = "x"))!["trade"]!.ToJsonString();
        var response = $$"""{"trade_fullinfo_get_response":{{With(t => Line(t, 0)["price"] = "x")}}}""";

        Parse(bare).Errors.ShouldHaveSingleItem().Field.ShouldBe("orders.order[0].price");
        Parse(response).Errors.ShouldHaveSingleItem().Field.ShouldBe("trade_fullinfo_get_response.trade.orders.order[0].price");
    }

    [Fact]
    public void Every_problem_is_reported_with_its_fragment()
    {
        var result = Parse(With(t =>
        {
            t.Remove("modified");
            t["total_fee"] = "1,98";
            Line(t, 0)["num"] = -2;
        }));

        result.Errors.Select(e => e.Field).ShouldBe(["trade.modified", "trade.orders.order[0].num", "trade.total_fee"], ignoreOrder: true);
        result.Errors.Single(e => e.Field == "trade.total_fee").Fragment.ShouldBe("\"1,98\"");
        result.Errors.Single(e => e.Field == "trade.orders.order[0].num").Fragment.ShouldBe("-2");
    }

    [Theory]
    [InlineData("[1,2]", "$", "a Taobao trade must be a JSON object")]
    [InlineData("""{"trades":[]}""", "$", """not a Taobao trade: expected {"tid":…}, {"trade":{…}} or {"trade_fullinfo_get_response":{"trade":{…}}}""")]
    [InlineData("""{"trade":"x"}""", "trade", "must be an object")]
    [InlineData("""{"trade_fullinfo_get_response":{}}""", "trade_fullinfo_get_response.trade", "is required")]
    [InlineData("""{"error_response":{"code":27,"msg":"Invalid session","sub_code":"invalid-sessionkey","sub_msg":"SessionKey非法"}}""", "error_response", "TOP returned an error instead of a trade: SessionKey非法")]
    public void Payloads_that_are_not_a_trade_are_refused(string json, string field, string reason)
    {
        var error = Parse(json).Errors.ShouldHaveSingleItem();

        error.Field.ShouldBe(field);
        error.Reason.ShouldBe(reason);
    }

    [Fact]
    public void The_TOP_request_signature_matches_one_computed_by_hand()
    {
        const string secret = "helloworld";
        var parameters = new Dictionary<string, string>
        {
            ["method"] = "taobao.trade.fullinfo.get",
            ["app_key"] = "12345678",
            ["session"] = "6100e23657fb0b2d0c78568e55a3031134be9a3a5d4b3a365753805",
            ["timestamp"] = "2025-03-01 10:00:00",
            ["format"] = "json",
            ["v"] = "2.0",
            ["sign_method"] = "md5",
            ["fields"] = "tid,status,payment,orders.outer_sku_id",
            ["tid"] = "3821004455667788",
            ["sign"] = "LEFT-OUT",
        };
        // Sorted by name by hand, each name followed by its value, the secret on both ends.
        const string text = "helloworld" + "app_key12345678" + "fieldstid,status,payment,orders.outer_sku_id" + "formatjson"
            + "methodtaobao.trade.fullinfo.get" + "session6100e23657fb0b2d0c78568e55a3031134be9a3a5d4b3a365753805"
            + "sign_methodmd5" + "tid3821004455667788" + "timestamp2025-03-01 10:00:00" + "v2.0" + "helloworld";
        var byHand = Convert.ToHexString(MD5.HashData(Encoding.UTF8.GetBytes(text)));

        var signature = Signing.SortedParamsMd5(parameters, secret);

        signature.ShouldBe(byHand);
        signature.ShouldBe("BF93F9AA7B3A065CC72BDCE7B3178337"); // md5sum of the same text, outside .NET
        Signing.SortedParamsMd5(parameters.Reverse(), secret).ShouldBe(signature);
        Signing.SortedParamsMd5(parameters.Append(KeyValuePair.Create("", "ignored")), secret).ShouldBe(signature);
        Signing.SortedParamsMd5(parameters, "other").ShouldNotBe(signature);
    }
}

public class TaobaoTmcMessagesTests
{
    private static readonly TaobaoTmcMessages Format = new();
    private static readonly ShopCredentials Credentials = new("23456789", "tmc-relay-secret", "6100e236");

    /// <summary>The facts file's TMC example as the relay posts it, with Taobao's publisher key.</summary>
    private const string BuyerPay = """
        {"id":6142200092063758446,"topic":"taobao_trade_TradeBuyerPay","pub_time":"2025-03-01 10:03:41","pub_app_key":"12497914","user_id":174265168,"user_nick":"某某旗舰店","content":"{\"tid\":3821004455667788,\"oid\":3821004455667788,\"buyer_open_uid\":\"AAGx2kQ7vT9\",\"seller_nick\":\"某某旗舰店\",\"payment\":\"188.00\",\"type\":\"guarantee_trade\"}"}
        """;

    private const string TwoMessages = """
        [{"id":6142200092063758447,"topic":"taobao_trade_TradeSellerShip","pub_time":"2025-03-03 15:20:01","pub_app_key":"12497914","user_id":174265168,"content":"{\"tid\":4012345678901234567,\"oid\":4012345678901234561,\"seller_nick\":\"某某旗舰店\"}"},
         {"id":"6142200092063758448","topic":"taobao_refund_RefundCreated","pub_time":"2025-03-03 16:00:00","user_id":174265168,"content":"{\"refund_id\":77665544,\"tid\":\"3821004455667788\",\"oid\":3821004455667788,\"refund_fee\":\"99.00\",\"refund_phase\":\"onsale\"}"}]
        """;

    /// <summary>The relay's signature, computed here without Ordo's Signing class.</summary>
    private static string Sign(string body, string secret) =>
        Convert.ToHexString(MD5.HashData(Encoding.UTF8.GetBytes(secret + body + secret)));

    private static PushRequest Request(string body, string? signature, string header = "X-Relay-Sign")
    {
        var headers = new Dictionary<string, string> { ["Content-Type"] = "application/json" };
        if (signature is not null) headers[header] = signature;
        return new PushRequest(headers, Encoding.UTF8.GetBytes(body));
    }

    private static PushRequest Signed(string body) => Request(body, Sign(body, Credentials.AppSecret!));

    [Fact]
    public void A_relayed_message_signed_with_the_app_secret_is_authentic()
    {
        Format.Verify(Signed(BuyerPay), Credentials).ShouldBe(PushVerification.Ok);
        Format.Verify(Request(BuyerPay, Sign(BuyerPay, "tmc-relay-secret").ToLowerInvariant()), Credentials).Authentic.ShouldBeTrue();
        Format.Verify(Request(BuyerPay, Sign(BuyerPay, "tmc-relay-secret"), header: "x-relay-sign"), Credentials).Authentic.ShouldBeTrue();
        Format.Verify(Signed(TwoMessages), Credentials).Authentic.ShouldBeTrue();
    }

    public static TheoryData<string, PushRequest, ShopCredentials, string> Refusals => new()
    {
        { "wrong secret", Request(BuyerPay, Sign(BuyerPay, "another-secret")), Credentials, "the X-Relay-Sign signature does not match the body" },
        { "tampered body", Request(BuyerPay.Replace("3821004455667788", "3821004455667789"), Sign(BuyerPay, "tmc-relay-secret")), Credentials, "the X-Relay-Sign signature does not match the body" },
        { "md5 of the body alone", Request(BuyerPay, Convert.ToHexString(MD5.HashData(Encoding.UTF8.GetBytes(BuyerPay)))), Credentials, "the X-Relay-Sign signature does not match the body" },
        { "missing header", Request(BuyerPay, null), Credentials, "the X-Relay-Sign header is missing" },
        { "empty header", Request(BuyerPay, " "), Credentials, "the X-Relay-Sign header is missing" },
        { "no app secret", Signed(BuyerPay), Credentials with { AppSecret = null }, "the shop has no app secret to check the relay signature with" },
        {
            "another app's message", Signed(BuyerPay.Replace("\"12497914\"", "\"99990000\"")), Credentials,
            "pub_app_key '99990000' is neither this shop's app key nor Taobao's (12497914)"
        },
        {
            "another app's message inside a batch", Signed(TwoMessages.Replace("\"id\":\"6142200092063758448\"", "\"id\":\"6142200092063758448\",\"pub_app_key\":31337")), Credentials,
            "pub_app_key '31337' is neither this shop's app key nor Taobao's (12497914)"
        },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Pushes_that_are_not_authentic_are_refused(string because, PushRequest request, ShopCredentials credentials, string reason)
    {
        var verification = Format.Verify(request, credentials);

        verification.Authentic.ShouldBeFalse(because);
        verification.Reason.ShouldBe(reason, because);
    }

    [Fact]
    public void Messages_published_by_the_shops_own_app_or_without_a_publisher_are_accepted()
    {
        Format.Verify(Signed(BuyerPay.Replace("\"12497914\"", "\"23456789\"")), Credentials).Authentic.ShouldBeTrue();
        Format.Verify(Signed(BuyerPay.Replace("\"pub_app_key\":\"12497914\",", "")), Credentials).Authentic.ShouldBeTrue();
    }

    [Fact]
    public void One_message_gives_its_id_topic_and_tid()
    {
        var batch = Format.Read(Signed(BuyerPay), Credentials);

        batch.Errors.ShouldBeEmpty();
        batch.Value!.Messages.ShouldHaveSingleItem().ShouldBe(
            new PushMessage("6142200092063758446", "taobao_trade_TradeBuyerPay", "3821004455667788"));
    }

    [Fact]
    public void A_batch_gives_every_message_in_order()
    {
        var messages = Format.Read(Signed(TwoMessages), Credentials).Value!.Messages;

        messages.ShouldBe(
        [
            new PushMessage("6142200092063758447", "taobao_trade_TradeSellerShip", "4012345678901234567"),
            new PushMessage("6142200092063758448", "taobao_refund_RefundCreated", "3821004455667788"),
        ]);
        messages.ShouldAllBe(m => m.Order == null);
    }

    [Fact]
    public void Content_already_decoded_to_an_object_is_read_too()
    {
        const string body = """{"id":1,"topic":"taobao_trade_TradeClose","content":{"tid":3821004455667788}}""";

        Format.Read(Signed(body), Credentials).Value!.Messages.ShouldHaveSingleItem().PlatformOrderId.ShouldBe("3821004455667788");
    }

    public static TheoryData<string> Topics => new(TaobaoTmcMessages.Topics);

    [Theory]
    [MemberData(nameof(Topics))]
    public void Every_subscribed_topic_is_read(string topic)
    {
        var body = BuyerPay.Replace("taobao_trade_TradeBuyerPay", topic);

        Format.Read(Signed(body), Credentials).Value!.Messages.ShouldHaveSingleItem().Topic.ShouldBe(topic);
    }

    public static TheoryData<string, string, string, string> Unreadable => new()
    {
        { "not JSON", "tid=1", "$", "the body is not valid JSON: " },
        { "a number", "42", "$", "must be a TMC message object or an array of them" },
        { "unknown topic", BuyerPay.Replace("taobao_trade_TradeBuyerPay", "taobao_item_ItemAdd"), "topic", "unknown topic 'taobao_item_ItemAdd'; expected one of: taobao_trade_TradeCreate, taobao_trade_TradeBuyerPay, taobao_trade_TradeSellerShip, taobao_trade_TradeSuccess, taobao_trade_TradeClose, taobao_trade_TradeChanged, taobao_trade_TradeMemoModified, taobao_trade_TradeLogisticsAddressChanged, taobao_refund_RefundCreated, taobao_refund_RefundSuccess" },
        { "no id", """{"topic":"taobao_trade_TradeClose","content":"{\"tid\":1}"}""", "id", "is required" },
        { "no topic", """{"id":1,"content":"{\"tid\":1}"}""", "topic", "is required" },
        { "no content", """{"id":1,"topic":"taobao_trade_TradeClose"}""", "content", "is required: the message's JSON content with the tid" },
        { "content not JSON", """{"id":1,"topic":"taobao_trade_TradeClose","content":"tid=1"}""", "content", "is not JSON: " },
        { "content a JSON array", """{"id":1,"topic":"taobao_trade_TradeClose","content":"[1]"}""", "content", "must hold a JSON object" },
        { "content a number", """{"id":1,"topic":"taobao_trade_TradeClose","content":7}""", "content", "must be a JSON string" },
        { "content without tid", """{"id":1,"topic":"taobao_trade_TradeClose","content":"{\"oid\":1}"}""", "content.tid", "is required" },
        { "second message without tid", TwoMessages.Replace("\\\"tid\\\":\\\"3821004455667788\\\",", ""), "[1].content.tid", "is required" },
        { "array element not an object", """[{"id":1,"topic":"taobao_trade_TradeClose","content":"{\"tid\":1}"},"x"]""", "[1]", "must be a TMC message object" },
    };

    [Theory]
    [MemberData(nameof(Unreadable))]
    public void Unreadable_messages_name_the_field(string because, string body, string field, string reason)
    {
        var result = Format.Read(Signed(body), Credentials);

        result.Succeeded.ShouldBeFalse(because);
        var error = result.Errors.ShouldHaveSingleItem(because);
        error.Field.ShouldBe(field, because);
        error.Reason.ShouldStartWith(reason, Case.Sensitive, because);
    }

    [Fact]
    public void A_signed_body_that_is_not_JSON_is_authentic_but_unreadable()
    {
        Format.Verify(Signed("not json"), Credentials).Authentic.ShouldBeTrue();
        Format.Read(Signed("not json"), Credentials).Errors.ShouldHaveSingleItem().Fragment.ShouldBe("not json");
    }

    [Fact]
    public void An_empty_batch_has_no_messages()
    {
        Format.Read(Signed("[]"), Credentials).Value!.Messages.ShouldBeEmpty();
    }

    [Fact]
    public void The_relay_is_answered_with_success_true()
    {
        Format.Acknowledgement.ShouldBe("""{"success":true}""");
        JsonDocument.Parse(Format.Acknowledgement).RootElement.GetProperty("success").GetBoolean().ShouldBeTrue();
        Format.Platforms.ShouldBe([Platform.Taobao, Platform.Tmall]);
    }

    [Fact]
    public void A_TMC_message_as_a_feed_frame_names_its_seller_and_has_no_reply_yet()
    {
        var frame = Format.ReadFrame(System.Text.Encoding.UTF8.GetBytes(BuyerPay), DateTimeOffset.UnixEpoch);

        frame.Read.Value!.Messages.Single().PlatformOrderId.ShouldBe("3821004455667788");
        frame.PlatformShopId.ShouldBe("174265168");
        frame.Reply.ShouldBeNull(); // TMC's confirm frame is not documented [U]
    }
}
