using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ordo.Core.Channels;
using Ordo.Core.Channels.Kuaishou;
using Ordo.Core.Common;
using Ordo.Core.Orders;
using Shouldly;

namespace Ordo.Core.Tests.Channels;

public class KuaishouTests
{
    private static readonly ShopContext Shop = new(Platform.Kuaishou, "ks-main");
    private static readonly KuaishouOrderAdapter Adapter = new();

    /// <summary>An <c>open.order.detail</c> response as Kuaishou sends it (field names per go-kwai's result types).</summary>
    private const string DetailJson = """
        {"result":1,"data":{
          "orderBaseInfo":{"oid":2419500012345678,"status":30,"createTime":1740801600000,"payTime":1740801660000,"updateTime":1740801661000,
            "sendTime":0,"recvTime":0,"buyerOpenId":"f19b7a0c3d2e","buyerNick":"快手用户1234","sellerOpenId":"s-88","sellerNick":"某某小店",
            "totalFee":8900,"expressFee":0,"discountFee":1000,"remark":"请尽快发货","payType":1,"cpsType":0,"refundTime":0},
          "orderItemInfo":{"itemId":21000000001,"skuId":31000000001,"relItemId":0,"relSkuId":0,"skuNick":"MUG-W","goodsCode":"MUG",
            "itemTitle":"马克杯","skuDesc":"白色","num":1,"price":9900,"originalPrice":12900,"discountFee":1000,"orderItemId":51000000001},
          "orderAddress":{"consignee":"","mobile":"","province":"福建省","provinceCode":350000,"city":"厦门市","cityCode":350200,
            "district":"思明区","districtCode":350203,"address":"",
            "encryptedConsignee":"#k5Tn0Qm3#AAEAAAgAAAA#1#","encryptedMobile":"$Jv7qXw9b$AAEAAAgAAAA$1$","encryptedAddress":"~u2Zr8Lk1~AAEAAAgAAAA~1~",
            "desensitiseConsignee":"张*","desensitiseMobile":"138****5678","desensitiseAddress":"莲前街道****"},
          "orderNote":{"sellerNote":["加急","送小样"]},
          "orderLogisticsInfo":[],
          "orderRefundList":[]},
         "requestId":"req-1"}
        """;

    private static JsonObject Envelope() => JsonNode.Parse(DetailJson)!.AsObject();
    private static JsonObject BaseInfo(JsonObject e) => e["data"]!["orderBaseInfo"]!.AsObject();
    private static JsonObject Item(JsonObject e) => e["data"]!["orderItemInfo"]!.AsObject();
    private static JsonObject Address(JsonObject e) => e["data"]!["orderAddress"]!.AsObject();

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
        var e = Envelope();
        change(e);
        return e;
    }

    [Fact]
    public void The_detail_response_maps_to_the_canonical_order()
    {
        var order = ParseOk(Envelope());

        order.Platform.ShouldBe(Platform.Kuaishou);
        order.ShopCode.ShouldBe("ks-main");
        order.PlatformOrderId.ShouldBe("2419500012345678");
        order.Status.ShouldBe(OrderStatus.Paid);
        order.CreatedAt.ShouldBe(new DateTimeOffset(2025, 3, 1, 4, 0, 0, TimeSpan.Zero));
        order.PaidAt.ShouldBe(new DateTimeOffset(2025, 3, 1, 4, 1, 0, TimeSpan.Zero));
        order.PlatformModifiedAt.ShouldBe(new DateTimeOffset(2025, 3, 1, 4, 1, 1, TimeSpan.Zero));
        order.Currency.ShouldBe("CNY");
        order.Buyer.ShouldBe(new Buyer("快手用户1234", "f19b7a0c3d2e"));
        order.Lines.ShouldBe([new OrderLine("31000000001", "MUG-W", "马克杯", 1, 99.00m, 10.00m)]);
        order.Amounts.ShouldBe(new OrderAmounts(99.00m, 0m, 10.00m, 89.00m));
        order.BuyerMessage.ShouldBe("请尽快发货");
        order.SellerMemo.ShouldBe("加急; 送小样");
        order.Tags.ShouldBeEmpty();
    }

    [Fact]
    public void Encrypted_and_desensitised_receiver_fields_stay_out_of_the_receiver()
    {
        var order = ParseOk(Envelope());

        order.Receiver.ShouldBe(new Receiver(null, null, "福建省", "厦门市", "思明区", null, null, null));
        order.ReceiverPrivacy.ShouldBe(new ReceiverPrivacy(
            MaskedName: "张*", MaskedPhone: "138****5678", MaskedAddress: "莲前街道****",
            EncryptedName: "#k5Tn0Qm3#AAEAAAgAAAA#1#", EncryptedPhone: "$Jv7qXw9b$AAEAAAgAAAA$1$", EncryptedAddress: "~u2Zr8Lk1~AAEAAAgAAAA~1~"));
        order.PhoneLast4.ShouldBe("5678");
    }

    [Fact]
    public void Plain_receiver_fields_go_into_the_receiver()
    {
        var order = ParseOk(With(e =>
        {
            var a = Address(e);
            foreach (var name in new[] { "encryptedConsignee", "encryptedMobile", "encryptedAddress", "desensitiseConsignee", "desensitiseMobile", "desensitiseAddress" })
                a.Remove(name);
            a["consignee"] = "张三";
            a["mobile"] = "13812345678";
            a["address"] = "莲前街道软件园二期望海路10号";
        }));

        order.Receiver.ShouldBe(new Receiver("张三", "13812345678", "福建省", "厦门市", "思明区", null, "莲前街道软件园二期望海路10号", null));
        order.ReceiverPrivacy.ShouldBeNull();
    }

    [Fact]
    public void A_masked_value_in_a_plain_field_is_kept_as_masked_only()
    {
        var order = ParseOk(With(e =>
        {
            var a = Address(e);
            foreach (var name in new[] { "desensitiseConsignee", "desensitiseMobile", "desensitiseAddress" }) a.Remove(name);
            a["consignee"] = "李*";
            a["mobile"] = "139****0001";
        }));

        order.Receiver!.Name.ShouldBeNull();
        order.Receiver.Phone.ShouldBeNull();
        order.ReceiverPrivacy!.MaskedName.ShouldBe("李*");
        order.ReceiverPrivacy.MaskedPhone.ShouldBe("139****0001");
    }

    [Fact]
    public void The_bare_order_object_reads_the_same_as_the_envelope()
    {
        var bare = Envelope()["data"]!.DeepClone();

        ParseOk(bare).SameDataAs(ParseOk(Envelope())).ShouldBeTrue();
    }

    public static TheoryData<string, Action<JsonObject>, OrderStatus> StatusCases => new()
    {
        { "10 awaiting payment", e => { BaseInfo(e)["status"] = 10; BaseInfo(e)["payTime"] = 0; }, OrderStatus.PendingPayment },
        { "30 paid", _ => { }, OrderStatus.Paid },
        { "40 shipped", e => BaseInfo(e)["status"] = 40, OrderStatus.Shipped },
        { "50 signed for", e => BaseInfo(e)["status"] = 50, OrderStatus.Delivered },
        { "70 success", e => BaseInfo(e)["status"] = 70, OrderStatus.Completed },
        { "80 closed before payment", e => { BaseInfo(e)["status"] = 80; BaseInfo(e)["payTime"] = 0; }, OrderStatus.Cancelled },
        { "80 closed after payment without refund record", e => BaseInfo(e)["status"] = 80, OrderStatus.Cancelled },
        { "80 closed after a completed refund", e => { BaseInfo(e)["status"] = 80; Refunds(e, 60); }, OrderStatus.Refunded },
        { "80 with a completed refund but never paid", e => { BaseInfo(e)["status"] = 80; BaseInfo(e)["payTime"] = 0; Refunds(e, 60); }, OrderStatus.Cancelled },
        { "30 with a refund requested", e => Refunds(e, 10), OrderStatus.RefundRequested },
        { "40 with a return in progress", e => { BaseInfo(e)["status"] = 40; Refunds(e, 30); }, OrderStatus.RefundRequested },
        { "50 with the refund executing", e => { BaseInfo(e)["status"] = 50; Refunds(e, 50); }, OrderStatus.RefundRequested },
        { "70 with a failed refund", e => { BaseInfo(e)["status"] = 70; Refunds(e, 70); }, OrderStatus.Completed },
        { "50 after a partial refund", e => { BaseInfo(e)["status"] = 50; Refunds(e, 60); }, OrderStatus.Delivered },
        { "30 with one refund done and one in progress", e => Refunds(e, 60, 11), OrderStatus.RefundRequested },
        {
            "refund entries that name the field status",
            e => e["data"]!["orderRefundList"] = new JsonArray(new JsonObject { ["refundId"] = 1, ["status"] = 20 }),
            OrderStatus.RefundRequested
        },
    };

    private static void Refunds(JsonObject e, params int[] states) =>
        e["data"]!["orderRefundList"] = new JsonArray(states.Select(s => (JsonNode)new JsonObject { ["refundId"] = 3100 + s, ["refundStatus"] = s, ["refundFee"] = 8900 }).ToArray());

    [Theory]
    [MemberData(nameof(StatusCases))]
    public void Statuses_and_refunds_map_to_the_canonical_status(string name, Action<JsonObject> change, OrderStatus expected)
    {
        ParseOk(With(change)).Status.ShouldBe(expected, name);
    }

    public static TheoryData<string, Action<JsonObject>, OrderAmounts> AmountCases => new()
    {
        { "discount as Kuaishou states it", _ => { }, new OrderAmounts(99.00m, 0m, 10.00m, 89.00m) },
        {
            "freight, and a discountFee that leaves out a platform coupon",
            e => { BaseInfo(e)["expressFee"] = 500; BaseInfo(e)["totalFee"] = 9000; BaseInfo(e)["discountFee"] = 1000; },
            new OrderAmounts(99.00m, 5.00m, 14.00m, 90.00m)
        },
        {
            "quantity 3 at 33.30",
            e => { Item(e)["num"] = 3; Item(e)["price"] = "3330"; BaseInfo(e)["totalFee"] = 9990; Item(e)["discountFee"] = 0; },
            new OrderAmounts(99.90m, 0m, 0m, 99.90m)
        },
        {
            "paid more than goods and freight keeps the platform's discount",
            e => { BaseInfo(e)["totalFee"] = 10500; BaseInfo(e)["discountFee"] = 0; Item(e)["discountFee"] = 0; },
            new OrderAmounts(99.00m, 0m, 0m, 105.00m)
        },
    };

    [Theory]
    [MemberData(nameof(AmountCases))]
    public void Fen_amounts_become_yuan_that_add_up(string name, Action<JsonObject> change, OrderAmounts expected)
    {
        ParseOk(With(change)).Amounts.ShouldBe(expected, name);
    }

    [Fact]
    public void An_item_discount_larger_than_the_order_discount_is_dropped()
    {
        var order = ParseOk(With(e => { Item(e)["discountFee"] = 2000; }));

        order.Lines.Single().Discount.ShouldBe(0m);
        order.Amounts.Discount.ShouldBe(10.00m);
    }

    public static TheoryData<string, Action<JsonObject>, string?> SkuCases => new()
    {
        { "skuNick", _ => { }, "MUG-W" },
        { "relSkuId when skuNick is empty", e => { Item(e)["skuNick"] = ""; Item(e)["relSkuId"] = 778899; }, "778899" },
        { "goodsCode when skuNick is absent and relSkuId is 0", e => Item(e).Remove("skuNick"), "MUG" },
        { "none given", e => { Item(e).Remove("skuNick"); Item(e).Remove("goodsCode"); }, null },
    };

    [Theory]
    [MemberData(nameof(SkuCases))]
    public void The_merchant_code_is_taken_from_the_documented_fields(string name, Action<JsonObject> change, string? expected)
    {
        ParseOk(With(change)).Lines.Single().Sku.ShouldBe(expected, name);
    }

    [Fact]
    public void An_array_of_items_gives_one_line_each()
    {
        var order = ParseOk(With(e =>
        {
            var first = Item(e).DeepClone();
            first["discountFee"] = 0;
            var second = new JsonObject { ["skuId"] = 31000000002, ["skuNick"] = "MUG-B", ["itemTitle"] = "马克杯", ["num"] = 2, ["price"] = 4950, ["discountFee"] = 0 };
            e["data"]!["orderItemInfo"] = new JsonArray(first, second);
            BaseInfo(e)["totalFee"] = 18800;
        }));

        order.Lines.ShouldBe([
            new OrderLine("31000000001", "MUG-W", "马克杯", 1, 99.00m, 0m),
            new OrderLine("31000000002", "MUG-B", "马克杯", 2, 49.50m, 0m),
        ]);
        order.Amounts.ShouldBe(new OrderAmounts(198.00m, 0m, 10.00m, 188.00m));
    }

    [Fact]
    public void Seller_notes_given_as_objects_are_joined_too()
    {
        var order = ParseOk(With(e => e["data"]!["orderNote"] = JsonNode.Parse("""{"sellerNote":[{"note":"改地址","createTime":1740801700000},"  ",{"content":"已联系"}]}""")));

        order.SellerMemo.ShouldBe("改地址; 已联系");
    }

    public static TheoryData<string, Action<JsonObject>, FieldError> ErrorCases => new()
    {
        { "status 0 (unknown)", e => BaseInfo(e)["status"] = 0, new FieldError("data.orderBaseInfo.status", "unknown status 0 (Kuaishou's \"unknown\"); expected one of: 10 (awaiting payment), 30 (paid), 40 (shipped), 50 (signed for), 70 (success), 80 (failed/cancelled)", "0") },
        { "status 20", e => BaseInfo(e)["status"] = 20, new FieldError("data.orderBaseInfo.status", "unknown status 20; expected one of: 10 (awaiting payment), 30 (paid), 40 (shipped), 50 (signed for), 70 (success), 80 (failed/cancelled)", "20") },
        { "no update time", e => BaseInfo(e).Remove("updateTime"), new FieldError("data.orderBaseInfo.updateTime", "is required") },
        { "update time 0", e => BaseInfo(e)["updateTime"] = 0, new FieldError("data.orderBaseInfo.updateTime", "is required (0)", "0") },
        { "create time in seconds", e => BaseInfo(e)["createTime"] = 1740801600, new FieldError("data.orderBaseInfo.createTime", "is not a unix time in milliseconds between 2000 and 2100", "1740801600") },
        { "no order id", e => BaseInfo(e).Remove("oid"), new FieldError("data.orderBaseInfo.oid", "is required") },
        { "total in yuan", e => BaseInfo(e)["totalFee"] = "89.00", new FieldError("data.orderBaseInfo.totalFee", "must be a whole number of fen", "\"89.00\"") },
        { "no price", e => Item(e).Remove("price"), new FieldError("data.orderItemInfo.price", "is required") },
        { "quantity 0", e => Item(e)["num"] = 0, new FieldError("data.orderItemInfo.num", "must be from 1 to 1000000", "0") },
        { "no item", e => ((JsonObject)e["data"]!).Remove("orderItemInfo"), new FieldError("data.orderItemInfo", "is required: an order needs its item") },
        {
            "an unknown refund status",
            e => e["data"]!["orderRefundList"] = JsonNode.Parse("""[{"refundId":1,"refundStatus":99}]"""),
            new FieldError("data.orderRefundList[0].refundStatus", "unknown refund status 99; expected 10–50 (in progress), 60 (refunded) or 70 (failed/closed)", "99")
        },
        {
            "a refund without a state",
            e => e["data"]!["orderRefundList"] = JsonNode.Parse("""[{"refundId":1}]"""),
            new FieldError("data.orderRefundList[0].refundStatus", "is required (or status): a refund without a state cannot be judged")
        },
        {
            "a bad second item",
            e => e["data"]!["orderItemInfo"] = new JsonArray(Item(e).DeepClone(), new JsonObject { ["skuId"] = 1, ["num"] = "two", ["price"] = 100 }),
            new FieldError("data.orderItemInfo[1].num", "must be a whole number", "\"two\"")
        },
        { "an API error", e => { e["result"] = 0; e["error_msg"] = "订单不存在"; }, new FieldError("result", "the API answered an error: 订单不存在", "0") },
    };

    [Theory]
    [MemberData(nameof(ErrorCases))]
    public void Invalid_fields_are_reported_with_their_native_path(string name, Action<JsonObject> change, FieldError expected)
    {
        var result = Parse(With(change));

        result.Succeeded.ShouldBeFalse(name);
        result.Errors.ShouldContain(expected, name);
    }

    [Fact]
    public void Another_platforms_shop_is_refused()
    {
        var result = Parse(Envelope(), new ShopContext(Platform.Douyin, "dy-1"));

        result.Errors.ShouldBe([new FieldError("$", "the Kuaishou adapter reads only kuaishou orders, not douyin")]);
    }

    [Fact]
    public void Something_that_is_no_order_is_refused_without_throwing()
    {
        Parse(JsonNode.Parse("[1,2]")!).Errors.Single().Field.ShouldBe("$");
        Parse(JsonNode.Parse("""{"foo":1}""")!).Errors.ShouldBe([new FieldError("orderBaseInfo", "is required: expected an open.order.detail object or its {\"result\":1,\"data\":{…}} envelope")]);
    }

    // ---- push ----

    private const string Secret = "AQIDBAUGBwgJCgsMDQ4PEA=="; // base64 of bytes 1..16, an AES-128 key
    private const string AppKey = "ks669064233797003102";
    private static readonly ShopCredentials Credentials = new(AppKey, Secret, null);
    private static readonly KuaishouPush Push = new();

    private const string PaySuccess =
        """{"eventId":"267_2345_147402","msgId":"267_2345_147402","bizId":2419500012345678,"userId":12342323,"openId":"dafagkncislgga","appKey":"ks669064233797003102","event":"kwaishop_order_paySuccess","info":"{\"oid\":2419500012345678,\"sellerId\":12342323}","status":1,"createTime":1740801660333,"updateTime":1740801660333}""";

    /// <summary><see cref="PaySuccess"/> encrypted independently with <c>openssl enc -aes-128-cbc -K 0102…10 -iv 00…00 -base64</c>.</summary>
    private const string PaySuccessCiphertext =
        "zge+xDQOUMjhJAcMhOB/Jc+x32ERTLwlGoMu2N/K4Q4OMEE6PpwRZdlNtynOOSfr/qMM+f02cBvgZnWQXYlCFMhISPGolemup7vZu765fUpa1fx+tdNOO4XaKKWjt1VaFDYWK1xGQIOVbZPvj89GX5sjIVJdVxb5WlcoYLuqa+7B+uFL4TlnIJ4EQioyd0Z0cOIP7lObP2zQdzkbcQxs61ZZeqHIbmRL1lsCvx/YvOSxtc337nDm0G7XLe6b0TgNXoh9Wi411Oa4PSS3MCGm3ZmkCrVGXHRzZ2EDljKiVRJgHAJXMK1Ph443vW3pjKPiqDsc/jcRxytsXBzHr8cJTbDvm4OpAYbbyMivJ6bVeopxvbrhfrcraAENXoxSes99MEqkNsvxYK+Mjexb9tcJuhoQBlMZyafHcIvJAqRI3bU=";

    private static PushRequest Request(string body) => new(new Dictionary<string, string> { ["Content-Type"] = "text/plain;charset=utf-8" }, Encoding.UTF8.GetBytes(body));

    [Fact]
    public void Encrypt_matches_an_independent_AES_CBC_implementation()
    {
        KuaishouPush.Encrypt(PaySuccess, Secret).ShouldBe(PaySuccessCiphertext);
        KuaishouPush.Decrypt(Encoding.ASCII.GetBytes(PaySuccessCiphertext), Secret).ShouldBe(PaySuccess);
    }

    [Fact]
    public void An_order_event_is_verified_and_read()
    {
        var request = Request(PaySuccessCiphertext);

        Push.Verify(request, Credentials).ShouldBe(PushVerification.Ok);
        var batch = Push.Read(request, Credentials);
        batch.Errors.ShouldBeEmpty();
        batch.Value!.Messages.ShouldBe([new PushMessage("267_2345_147402", "kwaishop_order_paySuccess", "2419500012345678")]);
        Push.Acknowledgement.ShouldBe("""{"result":1}""");
    }

    public static TheoryData<string, Func<PushRequest>, ShopCredentials> RefusedCases => new()
    {
        { "wrong secret", () => Request(PaySuccessCiphertext), Credentials with { AppSecret = "EBAPDg0MCwoJCAcGBQQDAg==" } },
        { "no secret configured", () => Request(PaySuccessCiphertext), Credentials with { AppSecret = null } },
        { "a secret that is no AES key", () => Request(PaySuccessCiphertext), Credentials with { AppSecret = "c2hvcnQ=" } },
        { "tampered ciphertext", () => Request(Tamper(PaySuccessCiphertext)), Credentials },
        { "plain JSON instead of ciphertext", () => Request(PaySuccess), Credentials },
        { "another app's message", () => Request(KuaishouPush.Encrypt(PaySuccess.Replace(AppKey, "ks000000000000000001"), Secret)), Credentials },
        { "ciphertext of something that is not JSON", () => Request(KuaishouPush.Encrypt("hello", Secret)), Credentials },
        { "an empty body", () => Request(""), Credentials },
    };

    /// <summary>Flips bits in the byte that decrypts to the padding length (CBC), so the change cannot go unnoticed.</summary>
    private static string Tamper(string ciphertext)
    {
        var bytes = Convert.FromBase64String(ciphertext);
        bytes[^17] ^= 0x55;
        return Convert.ToBase64String(bytes);
    }

    [Theory]
    [MemberData(nameof(RefusedCases))]
    public void Pushes_that_do_not_decrypt_for_this_app_are_refused(string name, Func<PushRequest> request, ShopCredentials credentials)
    {
        var verification = Push.Verify(request(), credentials);

        verification.Authentic.ShouldBeFalse(name);
        verification.Reason.ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public void Heartbeats_are_accepted_and_carry_no_messages()
    {
        foreach (var request in new[] { Request(KuaishouPush.Encrypt("""{"test":true}""", Secret)), Request("""{"test":true}""") })
        {
            Push.Verify(request, Credentials).ShouldBe(PushVerification.Ok);
            Push.Read(request, Credentials).Value!.Messages.ShouldBeEmpty();
        }
    }

    public static TheoryData<string, string, PushMessage?> EventCases => new()
    {
        {
            "order id from bizId when info has none",
            """{"eventId":"e-1","bizId":2419500012345678,"appKey":"ks669064233797003102","event":"kwaishop_order_deliverySuccess","info":"{\"sellerId\":12342323}"}""",
            new PushMessage("e-1", "kwaishop_order_deliverySuccess", "2419500012345678")
        },
        {
            "msgId when eventId is absent",
            """{"msgId":"m-7","bizId":1,"appKey":"ks669064233797003102","event":"kwaishop_order_totalFeeChange","info":"{\"oid\":2419500012345679}"}""",
            new PushMessage("m-7", "kwaishop_order_totalFeeChange", "2419500012345679")
        },
        {
            "an after-sale event names the order in info",
            """{"eventId":"e-2","bizId":9900001,"appKey":"ks669064233797003102","event":"kwaishop_aftersales_addRefund","info":"{\"refundId\":9900001,\"oid\":2419500012345678}"}""",
            new PushMessage("e-2", "kwaishop_aftersales_addRefund", "2419500012345678")
        },
        {
            "an event about no order is skipped",
            """{"eventId":"e-3","bizId":555,"appKey":"ks669064233797003102","event":"kwaishop_item_update","info":"{\"itemId\":555}"}""",
            null
        },
    };

    [Theory]
    [MemberData(nameof(EventCases))]
    public void Events_name_the_order_they_are_about(string name, string plaintext, PushMessage? expected)
    {
        var result = Push.Read(Request(KuaishouPush.Encrypt(plaintext, Secret)), Credentials);

        result.Errors.ShouldBeEmpty(name);
        result.Value!.Messages.ShouldBe(expected is null ? [] : [expected], name);
    }

    public static TheoryData<string, string, FieldError> PushErrorCases => new()
    {
        { "no event", """{"eventId":"e-1","bizId":1,"info":"{\"oid\":1}"}""", new FieldError("event", "is required") },
        { "no message id", """{"event":"kwaishop_order_addOrder","bizId":1,"info":"{\"oid\":1}"}""", new FieldError("eventId", "is required (or msgId): duplicates could not be recognised") },
        { "info that is not JSON", """{"eventId":"e-1","event":"kwaishop_order_addOrder","info":"oid=1"}""", new FieldError("info", "is not a JSON string", "\"oid=1\"") },
        { "an order event without any order id", """{"eventId":"e-1","event":"kwaishop_order_addOrder","info":"{}"}""", new FieldError("info.oid", "is required (or bizId): the order the event is about") },
    };

    [Theory]
    [MemberData(nameof(PushErrorCases))]
    public void Unreadable_messages_are_reported(string name, string plaintext, FieldError expected)
    {
        var result = Push.Read(Request(KuaishouPush.Encrypt(plaintext, Secret)), Credentials);

        result.Succeeded.ShouldBeFalse(name);
        result.Errors.ShouldBe([expected], name);
    }

    [Fact]
    public void Reading_a_push_that_does_not_decrypt_fails_without_throwing()
    {
        var result = Push.Read(Request("not base64 at all"), Credentials);

        result.Errors.Single().Field.ShouldBe("$");
    }
}
