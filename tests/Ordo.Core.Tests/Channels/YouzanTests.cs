using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ordo.Core.Channels;
using Ordo.Core.Channels.Youzan;
using Ordo.Core.Common;
using Ordo.Core.Orders;
using Shouldly;

namespace Ordo.Core.Tests.Channels;

public class YouzanTests
{
    private static readonly ShopContext Shop = new(Platform.Youzan, "yz-flagship");
    private static readonly YouzanOrderAdapter Adapter = new();

    /// <summary>A <c>youzan.trade.get</c> response, shaped like a real one (personal data as <c>$…$1$</c> ciphertext).</summary>
    private const string TradeJson = """
        {"success":true,"code":200,"message":"successful","data":{"full_order_info":{
          "order_info":{"tid":"E20250301100211012345678","status":"WAIT_SELLER_SEND_GOODS","status_str":"待发货","type":0,
            "created":"2025-03-01 10:02:11","pay_time":"2025-03-01 10:03:40","update_time":"2025-03-01 10:03:41",
            "consign_time":"","confirm_time":"","expired_time":"2025-03-01 11:02:11","refund_state":0,"close_type":0,"express_type":0},
          "buyer_info":{"outer_user_id":"oY0DB6wvFtW40hAL-lIRl4MKXKXE","buyer_phone":"$eTS8t8hAECdXKgNtV6DIfw==$1$",
            "yz_open_id":"lDWyZBas807636140352864256","fans_type":1,"fans_id":19582175287,"fans_nickname":"小鹿"},
          "address_info":{"receiver_name":"$Qn/ZHaMby1MzBq3Rw2t7fw==$1$","receiver_tel":"$eTS8t8hAECdXKgNtV6DIfw==$1$",
            "delivery_province":"四川省","delivery_city":"成都市","delivery_district":"青羊区",
            "delivery_address":"$kZgIwkQL5Q0O6anzQHraoyM4mfyGHtYXxdgpah0BLTZFmC4P5u7KR0lRZJqiH1+tD7pKlKNMeyVlU6fLePOc6Nmsjc6Q==$1$",
            "delivery_postal_code":"610031","self_fetch_info":""},
          "pay_info":{"total_fee":"198.00","payment":"183.00","post_fee":"5.00","outer_transactions":[],"transaction":[]},
          "remark_info":{"buyer_message":"工作日送货","trade_memo":"VIP 客户","star":0},
          "orders":[
            {"oid":"1487213651234567001","item_id":561234001,"sku_id":36123001,"outer_item_id":"TS","outer_sku_id":"TS-RED-M","title":"纯棉T恤","sku_properties_name":"[{\"k\":\"颜色\",\"v\":\"红\"}]","num":1,"price":"99.00","total_fee":"99.00","payment":"92.50"},
            {"oid":"1487213651234567002","item_id":561234002,"sku_id":0,"outer_item_id":"SOCK-3","outer_sku_id":"","title":"袜子三双装","num":2,"price":"49.50","total_fee":"99.00","payment":"85.50"}]
        }}}
        """;

    private static JsonObject Response() => JsonNode.Parse(TradeJson)!.AsObject();
    private static JsonObject Full(JsonObject e) => e["data"]!["full_order_info"]!.AsObject();
    private static JsonObject Info(JsonObject e) => Full(e)["order_info"]!.AsObject();
    private static JsonObject Pay(JsonObject e) => Full(e)["pay_info"]!.AsObject();
    private static JsonObject Line(JsonObject e, int i) => Full(e)["orders"]![i]!.AsObject();

    /// <summary>Serialises edited payloads the way platforms send them: Chinese text and '+' unescaped.</summary>
    private static readonly JsonSerializerOptions RawJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static ParseResult<CanonicalOrder> Parse(JsonNode node, ShopContext? shop = null)
    {
        using var document = JsonDocument.Parse(node.ToJsonString(RawJson));
        return Adapter.Parse(document.RootElement, shop ?? Shop);
    }

    private static CanonicalOrder ParseOk(JsonNode node)
    {
        var result = Parse(node);
        result.Errors.ShouldBeEmpty();
        return result.Value!;
    }

    private static JsonObject With(Action<JsonObject> change)
    {
        var e = Response();
        change(e);
        return e;
    }

    [Fact]
    public void The_trade_maps_to_the_canonical_order()
    {
        var order = ParseOk(Response());

        order.Platform.ShouldBe(Platform.Youzan);
        order.ShopCode.ShouldBe("yz-flagship");
        order.PlatformOrderId.ShouldBe("E20250301100211012345678");
        order.Status.ShouldBe(OrderStatus.Paid);
        order.CreatedAt.ShouldBe(new DateTimeOffset(2025, 3, 1, 2, 2, 11, TimeSpan.Zero));
        order.PaidAt.ShouldBe(new DateTimeOffset(2025, 3, 1, 2, 3, 40, TimeSpan.Zero));
        order.PlatformModifiedAt.ShouldBe(new DateTimeOffset(2025, 3, 1, 2, 3, 41, TimeSpan.Zero));
        order.Currency.ShouldBe("CNY");
        order.Buyer.ShouldBe(new Buyer("小鹿", "lDWyZBas807636140352864256"));
        order.Lines.ShouldBe([
            new OrderLine("36123001", "TS-RED-M", "纯棉T恤", 1, 99.00m, 6.50m),
            new OrderLine(null, "SOCK-3", "袜子三双装", 2, 49.50m, 13.50m),
        ]);
        order.Amounts.ShouldBe(new OrderAmounts(198.00m, 5.00m, 20.00m, 183.00m));
        order.BuyerMessage.ShouldBe("工作日送货");
        order.SellerMemo.ShouldBe("VIP 客户");
        order.Tags.ShouldBeEmpty();
    }

    [Fact]
    public void Ciphertext_receiver_fields_are_kept_apart_from_the_receiver()
    {
        var order = ParseOk(Response());

        order.Receiver.ShouldBe(new Receiver(null, null, "四川省", "成都市", "青羊区", null, null, "610031"));
        order.ReceiverPrivacy.ShouldBe(new ReceiverPrivacy(
            EncryptedName: "$Qn/ZHaMby1MzBq3Rw2t7fw==$1$", EncryptedPhone: "$eTS8t8hAECdXKgNtV6DIfw==$1$",
            EncryptedAddress: "$kZgIwkQL5Q0O6anzQHraoyM4mfyGHtYXxdgpah0BLTZFmC4P5u7KR0lRZJqiH1+tD7pKlKNMeyVlU6fLePOc6Nmsjc6Q==$1$"));
    }

    [Fact]
    public void Plain_and_masked_receiver_fields_are_told_apart()
    {
        var order = ParseOk(With(e =>
        {
            var a = Full(e)["address_info"]!.AsObject();
            a["receiver_name"] = "王小明";
            a["receiver_tel"] = "186****4321";
            a["delivery_address"] = "清江东路 88 号 3 栋";
        }));

        order.Receiver.ShouldBe(new Receiver("王小明", null, "四川省", "成都市", "青羊区", null, "清江东路 88 号 3 栋", "610031"));
        order.ReceiverPrivacy.ShouldBe(new ReceiverPrivacy(MaskedPhone: "186****4321"));
        order.PhoneLast4.ShouldBe("4321");
    }

    [Fact]
    public void A_nickname_sent_as_ciphertext_is_not_shown()
    {
        var order = ParseOk(With(e => Full(e)["buyer_info"]!["fans_nickname"] = "$v4+NgTioK/l9tFiZ0m8Eow==$1$"));

        order.Buyer.ShouldBe(new Buyer(null, "lDWyZBas807636140352864256"));
    }

    public static TheoryData<string, string> Envelopes => new()
    {
        { "bare", "data.full_order_info" },
        { "full_order_info", "data" },
    };

    [Theory]
    [MemberData(nameof(Envelopes))]
    public void Every_documented_envelope_reads_the_same(string name, string path)
    {
        JsonNode node = Response();
        foreach (var part in path.Split('.')) node = node[part]!;

        ParseOk(node.DeepClone()).SameDataAs(ParseOk(Response())).ShouldBeTrue(name);
    }

    public static TheoryData<string, Action<JsonObject>, OrderStatus> StatusCases => new()
    {
        { "WAIT_BUYER_PAY", e => { Info(e)["status"] = "WAIT_BUYER_PAY"; Info(e)["pay_time"] = ""; }, OrderStatus.PendingPayment },
        { "TRADE_PAID", e => Info(e)["status"] = "TRADE_PAID", OrderStatus.Paid },
        { "WAIT_CONFIRM", e => Info(e)["status"] = "WAIT_CONFIRM", OrderStatus.Paid },
        { "WAIT_SELLER_SEND_GOODS", _ => { }, OrderStatus.Paid },
        { "WAIT_BUYER_CONFIRM_GOODS", e => Info(e)["status"] = "WAIT_BUYER_CONFIRM_GOODS", OrderStatus.Shipped },
        { "TRADE_SUCCESS", e => Info(e)["status"] = "TRADE_SUCCESS", OrderStatus.Completed },
        { "TRADE_CLOSED never paid", e => { Info(e)["status"] = "TRADE_CLOSED"; Info(e)["pay_time"] = ""; }, OrderStatus.Cancelled },
        { "TRADE_CLOSED never paid (pay_time absent)", e => { Info(e)["status"] = "TRADE_CLOSED"; Info(e).Remove("pay_time"); }, OrderStatus.Cancelled },
        { "TRADE_CLOSED after payment", e => { Info(e)["status"] = "TRADE_CLOSED"; Info(e)["refund_state"] = 12; }, OrderStatus.Refunded },
        { "TRADE_CLOSED after payment, no refund state", e => Info(e)["status"] = "TRADE_CLOSED", OrderStatus.Refunded },
        { "partial refund in progress", e => Info(e)["refund_state"] = 1, OrderStatus.RefundRequested },
        { "full refund in progress after shipping", e => { Info(e)["status"] = "WAIT_BUYER_CONFIRM_GOODS"; Info(e)["refund_state"] = 11; }, OrderStatus.RefundRequested },
        { "partial refund done", e => { Info(e)["status"] = "TRADE_SUCCESS"; Info(e)["refund_state"] = 2; }, OrderStatus.Completed },
        { "full refund done before closing", e => Info(e)["refund_state"] = "12", OrderStatus.Refunded },
    };

    [Theory]
    [MemberData(nameof(StatusCases))]
    public void Statuses_and_refund_states_map_to_the_canonical_status(string name, Action<JsonObject> change, OrderStatus expected)
    {
        ParseOk(With(change)).Status.ShouldBe(expected, name);
    }

    [Fact]
    public void Orders_awaiting_confirmation_are_tagged()
    {
        ParseOk(With(e => Info(e)["status"] = "WAIT_CONFIRM")).Tags.ShouldBe([YouzanOrderAdapter.WaitConfirmTag]);
        YouzanOrderAdapter.WaitConfirmTag.ShouldBe("platform:wait-confirm");
    }

    public static TheoryData<string, Action<JsonObject>, OrderAmounts> AmountCases => new()
    {
        { "discount from the amounts", _ => { }, new OrderAmounts(198.00m, 5.00m, 20.00m, 183.00m) },
        {
            "no discount, free shipping, numbers as JSON numbers",
            e => { Pay(e)["post_fee"] = 0; Pay(e)["payment"] = 198; Line(e, 0)["payment"] = 99.00; Line(e, 1)["payment"] = "99.00"; },
            new OrderAmounts(198.00m, 0m, 0m, 198.00m)
        },
        { "post_fee absent", e => { Pay(e).Remove("post_fee"); Pay(e)["payment"] = "178.00"; }, new OrderAmounts(198.00m, 0m, 20.00m, 178.00m) },
        { "paid more than goods and freight", e => Pay(e)["payment"] = "210.00", new OrderAmounts(198.00m, 5.00m, 0m, 210.00m) },
    };

    [Theory]
    [MemberData(nameof(AmountCases))]
    public void Yuan_amounts_add_up(string name, Action<JsonObject> change, OrderAmounts expected)
    {
        ParseOk(With(change)).Amounts.ShouldBe(expected, name);
    }

    [Fact]
    public void Line_discounts_larger_than_the_order_discount_are_dropped()
    {
        var order = ParseOk(With(e => { Line(e, 0)["payment"] = "50.00"; }));

        order.Amounts.Discount.ShouldBe(20.00m);
        order.Lines.Select(l => l.Discount).ShouldBe([0m, 0m]);
    }

    public static TheoryData<string, Action<JsonObject>, string?> SkuCases => new()
    {
        { "outer_sku_id", _ => { }, "TS-RED-M" },
        { "outer_item_id when outer_sku_id is empty", e => Line(e, 0)["outer_sku_id"] = "", "TS" },
        { "none given", e => { Line(e, 0).Remove("outer_sku_id"); Line(e, 0).Remove("outer_item_id"); }, null },
    };

    [Theory]
    [MemberData(nameof(SkuCases))]
    public void The_merchant_code_comes_from_the_outer_ids(string name, Action<JsonObject> change, string? expected)
    {
        ParseOk(With(change)).Lines[0].Sku.ShouldBe(expected, name);
    }

    public static TheoryData<string, Action<JsonObject>, FieldError> ErrorCases => new()
    {
        {
            "an unknown status",
            e => Info(e)["status"] = "WAIT_GROUP",
            new FieldError("data.full_order_info.order_info.status",
                "unknown status 'WAIT_GROUP'; expected one of: WAIT_BUYER_PAY, TRADE_PAID, WAIT_CONFIRM, WAIT_SELLER_SEND_GOODS, WAIT_BUYER_CONFIRM_GOODS, TRADE_SUCCESS, TRADE_CLOSED",
                "\"WAIT_GROUP\"")
        },
        {
            "an unknown refund state",
            e => Info(e)["refund_state"] = 5,
            new FieldError("data.full_order_info.order_info.refund_state",
                "unknown refund state 5; expected one of: 0 (none), 1 (partial refund in progress), 2 (partial refund done), 11 (full refund in progress), 12 (full refund done)", "5")
        },
        { "no update time", e => Info(e)["update_time"] = "", new FieldError("data.full_order_info.order_info.update_time", "is required", "\"\"") },
        { "a time with a T and zone", e => Info(e)["created"] = "2025-03-01T10:02:11+08:00", new FieldError("data.full_order_info.order_info.created", "is not a time of the form yyyy-MM-dd HH:mm:ss (China time)", "\"2025-03-01T10:02:11+08:00\"") },
        { "unix time where a China time is documented", e => Info(e)["pay_time"] = 1740794620, new FieldError("data.full_order_info.order_info.pay_time", "must be a time such as \"2025-03-01 10:02:11\" (China time)", "1740794620") },
        { "no tid", e => Info(e).Remove("tid"), new FieldError("data.full_order_info.order_info.tid", "is required") },
        { "three decimals", e => Line(e, 1)["price"] = "49.505", new FieldError("data.full_order_info.orders[1].price", "amount has more than 2 decimal places", "\"49.505\"") },
        { "a comma decimal", e => Line(e, 1)["price"] = "49,50", new FieldError("data.full_order_info.orders[1].price", "is not a yuan amount such as \"99.00\"", "\"49,50\"") },
        { "no quantity", e => Line(e, 0).Remove("num"), new FieldError("data.full_order_info.orders[0].num", "is required") },
        { "no lines", e => Full(e)["orders"] = new JsonArray(), new FieldError("data.full_order_info.orders", "must contain at least one line", "[]") },
        { "no payment", e => Pay(e).Remove("payment"), new FieldError("data.full_order_info.pay_info.payment", "is required") },
        { "no pay_info", e => Full(e).Remove("pay_info"), new FieldError("data.full_order_info.pay_info", "is required") },
        { "an API error", e => { e["success"] = false; e["message"] = "订单不存在"; }, new FieldError("success", "the API answered an error: 订单不存在", null) },
    };

    [Theory]
    [MemberData(nameof(ErrorCases))]
    public void Invalid_fields_are_reported_with_their_native_path(string name, Action<JsonObject> change, FieldError expected)
    {
        var result = Parse(With(change));

        result.Succeeded.ShouldBeFalse(name);
        result.Errors.Select(e => e with { Fragment = expected.Fragment is null ? null : e.Fragment }).ShouldContain(expected, name);
    }

    [Fact]
    public void Another_platforms_shop_is_refused()
    {
        Parse(Response(), new ShopContext(Platform.Taobao, "tb-1")).Errors
            .ShouldBe([new FieldError("$", "the Youzan adapter reads only youzan orders, not taobao")]);
    }

    [Fact]
    public void Something_that_is_no_order_is_refused_without_throwing()
    {
        Parse(JsonNode.Parse("\"E2025\"")!).Errors.Single().Field.ShouldBe("$");
        Parse(JsonNode.Parse("""{"data":{}}""")!).Errors.Single().Field.ShouldBe("full_order_info");
    }

    // ---- push ----

    private const string ClientId = "6cd25b3f99727975b5";
    private const string ClientSecret = "yz-secret-0123456789";
    private static readonly ShopCredentials Credentials = new(ClientId, ClientSecret, null);
    private static readonly YouzanPush Push = new();

    /// <summary>A trade push; <c>msg</c> is URL-encoded as Youzan sends it (a space as '+').</summary>
    private const string PushBody =
        """{"client_id":"6cd25b3f99727975b5","kdt_id":44174345,"id":"E20250301100211012345678","type":"trade_TradeBuyerPay","status":"WAIT_SELLER_SEND_GOODS","msg":"%7B%22tid%22%3A%22E20250301100211012345678%22%2C%22status%22%3A%22WAIT_SELLER_SEND_GOODS%22%2C%22update_time%22%3A%222025-03-01+10%3A03%3A41%22%7D","msg_id":"a1b2c3d4-0001","version":1740794621,"sendCount":0,"test":false}""";

    /// <summary>md5hex(client_id + body + client_secret) of <see cref="PushBody"/>, computed independently (Python hashlib).</summary>
    private const string PushSign = "a27b254540a5940dd0b884c398eb8655";

    private static PushRequest Request(string body, string? sign = PushSign, string? clientId = ClientId)
    {
        var headers = new Dictionary<string, string> { ["Content-Type"] = "application/json", ["Event-Type"] = "trade_TradeBuyerPay" };
        if (sign is not null) headers["event-sign"] = sign;
        if (clientId is not null) headers["Client-Id"] = clientId;
        return new PushRequest(headers, Encoding.UTF8.GetBytes(body));
    }

    private static string Sign(string body) => Signing.Md5Hex(ClientId + body + ClientSecret);

    [Fact]
    public void A_signed_trade_push_is_verified_and_read()
    {
        var request = Request(PushBody);

        Push.Verify(request, Credentials).ShouldBe(PushVerification.Ok);
        var batch = Push.Read(request, Credentials);
        batch.Errors.ShouldBeEmpty();
        batch.Value!.Messages.ShouldBe([new PushMessage("a1b2c3d4-0001", "trade_TradeBuyerPay", "E20250301100211012345678")]);
        Push.Acknowledgement.ShouldBe("""{"code":0,"msg":"success"}""");
    }

    [Fact]
    public void The_signature_is_compared_ignoring_hex_case_and_the_client_id_header_is_optional()
    {
        Push.Verify(Request(PushBody, PushSign.ToUpperInvariant(), clientId: null), Credentials).ShouldBe(PushVerification.Ok);
    }

    public static TheoryData<string, PushRequest, ShopCredentials> RefusedCases => new()
    {
        { "wrong secret", Request(PushBody), Credentials with { AppSecret = "another-secret" } },
        { "tampered body", Request(PushBody.Replace("a1b2c3d4-0001", "a1b2c3d4-0002")), Credentials },
        { "missing Event-Sign", Request(PushBody, sign: null), Credentials },
        { "empty Event-Sign", Request(PushBody, sign: ""), Credentials },
        { "another app's Client-Id", Request(PushBody, clientId: "0000000000000000aa"), Credentials },
        { "no credentials", Request(PushBody), new ShopCredentials(null, null, null) },
    };

    [Theory]
    [MemberData(nameof(RefusedCases))]
    public void Pushes_without_a_valid_signature_are_refused(string name, PushRequest request, ShopCredentials credentials)
    {
        var verification = Push.Verify(request, credentials);

        verification.Authentic.ShouldBeFalse(name);
        verification.Reason.ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public void A_test_push_carries_no_messages()
    {
        const string body = """{"client_id":"6cd25b3f99727975b5","kdt_id":44174345,"type":"POINTS","msg":"","msg_id":"t-1","test":true}""";
        var request = Request(body, Sign(body));

        Push.Verify(request, Credentials).ShouldBe(PushVerification.Ok);
        Push.Read(request, Credentials).Value!.Messages.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("%7B%22update_time%22%3A%222025-03-01+10%3A03%3A41%22%7D", "{\"update_time\":\"2025-03-01 10:03:41\"}")]
    [InlineData("%7B%22tid%22%3A%22E2025%2B1%22%7D", "{\"tid\":\"E2025+1\"}")]
    [InlineData("{\"tid\":\"E1\"}", "{\"tid\":\"E1\"}")]
    [InlineData("%E5%BE%85%E5%8F%91%E8%B4%A7", "待发货")]
    public void Msg_is_decoded_as_form_URL_encoding(string msg, string expected)
    {
        YouzanPush.Decode(msg).ShouldBe(expected);
    }

    public static TheoryData<string, string, PushMessage?> MessageCases => new()
    {
        {
            "msg sent unencoded",
            """{"client_id":"6cd25b3f99727975b5","id":"E1","type":"trade_TradeClose","status":"TRADE_CLOSED","msg":"{\"tid\":\"E20250301100211099999999\"}","msg_id":"m-2"}""",
            new PushMessage("m-2", "trade_TradeClose", "E20250301100211099999999")
        },
        {
            "a percent-encoded plus stays a plus",
            """{"client_id":"6cd25b3f99727975b5","type":"trade_TradeMemoModified","msg":"%7B%22tid%22%3A%22E2025%2B1%22%2C%22memo%22%3A%22a+b%22%7D","msg_id":"m-3"}""",
            new PushMessage("m-3", "trade_TradeMemoModified", "E2025+1")
        },
        {
            "tid from the body's id when msg has none",
            """{"client_id":"6cd25b3f99727975b5","id":"E20250301100211012345678","type":"trade_TradeSuccess","msg":"%7B%7D","msg_id":"m-4"}""",
            new PushMessage("m-4", "trade_TradeSuccess", "E20250301100211012345678")
        },
        {
            "a message about no order",
            """{"client_id":"6cd25b3f99727975b5","id":"561234001","type":"ITEM_STATE","msg":"%7B%22item_id%22%3A561234001%7D","msg_id":"m-5"}""",
            null
        },
    };

    [Theory]
    [MemberData(nameof(MessageCases))]
    public void Messages_name_the_order_they_are_about(string name, string body, PushMessage? expected)
    {
        var result = Push.Read(Request(body, Sign(body)), Credentials);

        result.Errors.ShouldBeEmpty(name);
        result.Value!.Messages.ShouldBe(expected is null ? [] : [expected], name);
    }

    public static TheoryData<string, string, FieldError> PushErrorCases => new()
    {
        { "no msg_id", """{"type":"trade_TradeBuyerPay","msg":"%7B%22tid%22%3A%22E1%22%7D"}""", new FieldError("msg_id", "is required") },
        { "msg that is not JSON", """{"type":"trade_TradeBuyerPay","msg":"tid%3DE1","msg_id":"m-1"}""", new FieldError("msg", "does not decode to JSON", "tid=E1") },
        { "a trade message without any order id", """{"type":"trade_TradeBuyerPay","msg":"%7B%7D","msg_id":"m-1"}""", new FieldError("msg.tid", "is required (or id): the order the message is about") },
    };

    [Fact]
    public void A_body_that_is_not_JSON_is_reported_without_throwing()
    {
        var error = Push.Read(Request("tid=E1", Sign("tid=E1")), Credentials).Errors.ShouldHaveSingleItem();

        error.Field.ShouldBe("$");
        error.Reason.ShouldStartWith("not valid JSON");
        error.Fragment.ShouldBe("tid=E1");
    }

    [Theory]
    [MemberData(nameof(PushErrorCases))]
    public void Unreadable_pushes_are_reported(string name, string body, FieldError expected)
    {
        var result = Push.Read(Request(body, Sign(body)), Credentials);

        result.Succeeded.ShouldBeFalse(name);
        result.Errors.ShouldBe([expected], name);
    }
}
