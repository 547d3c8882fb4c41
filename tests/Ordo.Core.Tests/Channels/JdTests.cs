using System.Text.Json;
using System.Text.Json.Nodes;
using Ordo.Core.Channels;
using Ordo.Core.Channels.Jd;
using Ordo.Core.Common;
using Ordo.Core.Orders;
using Shouldly;

namespace Ordo.Core.Tests.Channels;

public class JdTests
{
    private static readonly JdOrderAdapter Adapter = new();
    private static readonly ShopContext Shop = new(Platform.Jd, "JD-POP-1");

    /// <summary>The facts file's order.search item.</summary>
    private const string SearchItem = """
        {"orderId":"301234567890","venderId":"10086","orderState":"WAIT_SELLER_STOCK_OUT","orderStartTime":"2025-03-01 09:00:00","paymentConfirmTime":"2025-03-01 09:00:30","modified":"2025-03-01 09:00:31","orderTotalPrice":"299.00","sellerDiscount":"20.00","freightPrice":"0.00","orderPayment":"279.00","orderRemark":"","venderRemark":"","consigneeInfo":{"fullname":"<cipher>","mobile":"<cipher>","desen_mobile":"138****5678","province":"广东","city":"深圳市","county":"南山区","town":"粤海街道","fullAddress":"<cipher>"},"itemInfoList":[{"skuId":"100012","outerSkuId":"HD-01","skuName":"耳机","jdPrice":"299.00","itemTotal":"1","wareId":"900001"}]}
        """;

    /// <summary>
    /// A <c>jingdong.pop.order.get</c> response shaped like JOS answers today: name and address as base64 ciphertext,
    /// mobile masked, desen_* as a hex token, buyer pin and open id, two items (quantity as string and as number),
    /// freight, JD balance, a platform coupon on top of the seller discount.
    /// 2 × 59.90 + 1 × 129.00 = 248.80; + 8.00 − (10.00 seller + 20.00 JD coupon) = 226.80 = 221.80 payment + 5.00 balance.
    /// </summary>
    private const string OrderGet = """
        {"jingdong_pop_order_get_responce":{"code":"0","orderDetailInfo":{"apiResult":{"chineseErrCode":"成功","englishErrCode":"success","success":true,"numberCode":10100000},"orderInfo":{"orderId":"249786309732","venderId":"10622317","orderType":"22","payType":"4-在线支付","orderState":"WAIT_GOODS_RECEIVE_CONFIRM","orderStateRemark":"等待确认收货","orderStartTime":"2025-03-02 23:10:00","paymentConfirmTime":"2025-03-02 23:11:02","modified":"2025-03-03 18:40:12","orderEndTime":"0001-01-01 00:00:00","outBoundDate":"2025-03-03 18:40:00","pin":"jd_4f8a2c1b9e7d","open_id_buyer":"o*AAQ2VMNweFJXvq0fAvKF","orderTotalPrice":"248.80","orderSellerPrice":"238.80","sellerDiscount":"10.00","freightPrice":"8.00","balanceUsed":"5.00","orderPayment":"221.80","orderRemark":"工作日送货","venderRemark":"VIP","waybill":"JDV012345678901","logisticsId":"467","consigneeInfo":{"fullname":"AAT63bmJasgGeOvF83L7r/T2Wq/ogcbL0Y+a1Q/YfgQ=","telephone":"136*******5","mobile":"136*******5","fullAddress":"AASDGnbusymybJtaWUDXiOBHEwyoxNpN6j83E91QuNSKgsJuY+RuyMnO27fti5MDzHguH7GLVTeEEJgg5jQtHQ9dY4CnSnPcc3HRDecx+HCLeO0tp8D8XHuTsQ0=","province":"广东","provinceId":"19","city":"广州市","cityId":"1601","county":"海珠区","countyId":"3634","town":"赤岗街道","townId":"63199","desen_telephone":"00e6f3beac7ed91819b90199b6b60dec7de3a7e27052606a59db937e2a034f596e5b9e","desen_mobile":"00e6f3beac7ed91819b90199b6b60dec7de3a7e27052606a59db937e2a034f596e5b9e","oaid":"jd-oaid-7Hq2"},"itemInfoList":[{"skuId":"10054887745652","outerSkuId":"SOAP-3","skuName":"手工皂 三块装","jdPrice":"59.90","itemTotal":"2","wareId":"10020665903516","productNo":"SOAP"},{"skuId":"10054887745653","skuName":"浴巾","jdPrice":"129.00","itemTotal":1,"wareId":"10020665903517"}]}}}}
        """;

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private static ParseResult<CanonicalOrder> Parse(string json, ShopContext? shop = null) => Adapter.Parse(Json(json), shop ?? Shop);

    private static CanonicalOrder ParseOk(string json, ShopContext? shop = null)
    {
        var result = Parse(json, shop);
        result.Errors.ShouldBeEmpty();
        return result.Value.ShouldNotBeNull();
    }

    /// <summary>The order object (wherever it sits in <paramref name="json"/>) with one change applied.</summary>
    private static string With(Action<JsonObject> change, string json = SearchItem)
    {
        var root = JsonNode.Parse(json)!.AsObject();
        change((root["jingdong_pop_order_get_responce"]?["orderDetailInfo"]?["orderInfo"] ?? root).AsObject());
        return root.ToJsonString();
    }

    private static JsonObject Item(JsonObject order, int i) => order["itemInfoList"]![i]!.AsObject();

    private static DateTimeOffset Utc(int d, int h, int m, int s) => new(2025, 3, d, h, m, s, TimeSpan.Zero);

    [Fact]
    public void The_search_item_example_maps_field_by_field()
    {
        var order = ParseOk(SearchItem);

        order.ShouldBe(new CanonicalOrder
        {
            Platform = Platform.Jd,
            ShopCode = "JD-POP-1",
            PlatformOrderId = "301234567890",
            Status = OrderStatus.Paid,
            CreatedAt = Utc(1, 1, 0, 0),
            PaidAt = Utc(1, 1, 0, 30),
            PlatformModifiedAt = Utc(1, 1, 0, 31),
            Currency = "CNY",
            Buyer = null,
            Receiver = new Receiver(null, null, "广东", "深圳市", "南山区", "粤海街道", null, null),
            ReceiverPrivacy = new ReceiverPrivacy(MaskedPhone: "138****5678", EncryptedName: "<cipher>", EncryptedPhone: "<cipher>", EncryptedAddress: "<cipher>"),
            Lines = order.Lines,
            Amounts = new OrderAmounts(299.00m, 0.00m, 20.00m, 279.00m),
            BuyerMessage = "",
            SellerMemo = "",
            Tags = order.Tags,
        });
        order.Lines.ShouldBe([new OrderLine("100012", "HD-01", "耳机", 1, 299.00m, 0m)]);
        order.Tags.ShouldBeEmpty();
        order.PhoneLast4.ShouldBe("5678");
    }

    [Fact]
    public void An_order_get_response_with_ciphertext_masks_balance_and_a_coupon()
    {
        var order = ParseOk(OrderGet);

        order.PlatformOrderId.ShouldBe("249786309732");
        order.Status.ShouldBe(OrderStatus.Shipped);
        order.CreatedAt.ShouldBe(Utc(2, 15, 10, 0));
        order.PaidAt.ShouldBe(Utc(2, 15, 11, 2));
        order.PlatformModifiedAt.ShouldBe(Utc(3, 10, 40, 12));
        order.Buyer.ShouldBe(new Buyer("jd_4f8a2c1b9e7d", "o*AAQ2VMNweFJXvq0fAvKF"));
        order.Receiver.ShouldBe(new Receiver(null, null, "广东", "广州市", "海珠区", "赤岗街道", null, null));
        order.ReceiverPrivacy.ShouldBe(new ReceiverPrivacy(
            MaskedPhone: "136*******5",
            EncryptedName: "AAT63bmJasgGeOvF83L7r/T2Wq/ogcbL0Y+a1Q/YfgQ=",
            EncryptedAddress: "AASDGnbusymybJtaWUDXiOBHEwyoxNpN6j83E91QuNSKgsJuY+RuyMnO27fti5MDzHguH7GLVTeEEJgg5jQtHQ9dY4CnSnPcc3HRDecx+HCLeO0tp8D8XHuTsQ0="));
        order.Oaid.ShouldBe("jd-oaid-7Hq2");
        order.Lines.ShouldBe(
        [
            new OrderLine("10054887745652", "SOAP-3", "手工皂 三块装", 2, 59.90m, 0m),
            new OrderLine("10054887745653", null, "浴巾", 1, 129.00m, 0m),
        ]);
        order.Amounts.ShouldBe(new OrderAmounts(248.80m, 8.00m, 30.00m, 226.80m));
        (order.Amounts.Goods + order.Amounts.Freight - order.Amounts.Discount).ShouldBe(order.Amounts.Paid);
        order.BuyerMessage.ShouldBe("工作日送货");
        order.SellerMemo.ShouldBe("VIP");
    }

    [Fact]
    public void The_bare_order_and_every_envelope_read_the_same()
    {
        var expected = ParseOk(SearchItem);

        ParseOk($$"""{"orderInfo":{{SearchItem}}}""").SameDataAs(expected).ShouldBeTrue();
        ParseOk($$$"""{"orderDetailInfo":{"orderInfo":{{{SearchItem}}}}}""").SameDataAs(expected).ShouldBeTrue();
        ParseOk("""{"jingdong_pop_order_get_responce":{"code":"0","orderDetailInfo":{"apiResult":{"success":true},"orderInfo":""" + SearchItem + "}}}").SameDataAs(expected).ShouldBeTrue();
    }

    [Fact]
    public void Only_a_JD_shop_is_accepted()
    {
        Parse(SearchItem, new ShopContext(Platform.Taobao, "TB-1")).Errors.ShouldHaveSingleItem()
            .ShouldBe(new FieldError("$", "the JD adapter reads JD orders, not taobao"));
    }

    private static readonly (string State, bool Paid, OrderStatus Expected, string[] Tags)[] StateRows =
    [
        ("WAIT_SELLER_STOCK_OUT", true, OrderStatus.Paid, []),
        ("WAIT_SELLER_STOCK_OUT", false, OrderStatus.PendingPayment, []),
        ("WAIT_SELLER_DELIVERY", true, OrderStatus.Paid, []),
        ("WAIT_SELLER_DELIVERY", false, OrderStatus.PendingPayment, []),
        ("WAIT_SEND_CODE", true, OrderStatus.Paid, []),
        ("WAIT_SEND_CODE", false, OrderStatus.PendingPayment, []),
        ("SEND_TO_DISTRIBUTION_CENER", true, OrderStatus.Shipped, []),
        ("DISTRIBUTION_CENTER_RECEIVED", true, OrderStatus.Shipped, []),
        ("WAIT_GOODS_RECEIVE_CONFIRM", true, OrderStatus.Shipped, []),
        ("WAIT_GOODS_RECEIVE_CONFIRM", false, OrderStatus.Shipped, []),
        ("RECEIPTS_CONFIRM", true, OrderStatus.Delivered, []),
        ("FINISHED_L", true, OrderStatus.Completed, []),
        ("TRADE_CANCELED", true, OrderStatus.Cancelled, []),
        ("TRADE_CANCELED", false, OrderStatus.Cancelled, []),
        ("LOCKED", true, OrderStatus.Paid, ["platform:locked"]),
        ("LOCKED", false, OrderStatus.PendingPayment, ["platform:locked"]),
        ("PAUSE", true, OrderStatus.Paid, ["platform:paused"]),
        ("POP_ORDER_PAUSE", true, OrderStatus.Paid, ["platform:paused"]),
        ("POP_ORDER_PAUSE", false, OrderStatus.PendingPayment, ["platform:paused"]),
    ];

    public static TheoryData<string, bool, OrderStatus, string[]> States()
    {
        var data = new TheoryData<string, bool, OrderStatus, string[]>();
        foreach (var (state, paid, expected, tags) in StateRows) data.Add(state, paid, expected, tags);
        return data;
    }

    [Theory]
    [MemberData(nameof(States))]
    public void Every_order_state_maps(string state, bool paid, OrderStatus expected, string[] tags)
    {
        var order = ParseOk(With(o =>
        {
            o["orderState"] = state;
            if (!paid) o["paymentConfirmTime"] = "0001-01-01 00:00:00";
        }));

        order.Status.ShouldBe(expected);
        order.Tags.ShouldBe(tags);
        order.PaidAt.HasValue.ShouldBe(paid);
    }

    [Fact]
    public void The_state_table_covers_every_documented_state()
    {
        StateRows.Select(r => r.State).Distinct().Order().ShouldBe(JdOrderAdapter.KnownOrderStates.Order());
    }

    [Fact]
    public void A_missing_or_empty_payment_time_is_unpaid_too()
    {
        ParseOk(With(o => o.Remove("paymentConfirmTime"))).Status.ShouldBe(OrderStatus.PendingPayment);
        ParseOk(With(o => o["paymentConfirmTime"] = "")).PaidAt.ShouldBeNull();
    }

    [Fact]
    public void Plain_consignee_values_from_older_answers_go_to_the_receiver()
    {
        var order = ParseOk(With(o => o["consigneeInfo"] = new JsonObject
        {
            ["fullname"] = "李四", ["mobile"] = "13900139000", ["telephone"] = "", ["province"] = "上海", ["city"] = "上海市",
            ["county"] = "浦东新区", ["town"] = "张江镇", ["fullAddress"] = "上海浦东新区张江镇科苑路 88 号",
        }));

        order.Receiver.ShouldBe(new Receiver("李四", "13900139000", "上海", "上海市", "浦东新区", "张江镇", "上海浦东新区张江镇科苑路 88 号", null));
        order.ReceiverPrivacy.ShouldBeNull();
    }

    [Fact]
    public void The_masked_telephone_and_desensitised_copies_stand_in_for_a_missing_mobile_mask()
    {
        ParseOk(With(o => { o["consigneeInfo"]!.AsObject().Remove("mobile"); o["consigneeInfo"]!["telephone"] = "0755-****1234"; }))
            .ReceiverPrivacy!.MaskedPhone.ShouldBe("0755-****1234");
        ParseOk(With(o => o["consigneeInfo"]!.AsObject().Remove("mobile"), OrderGet.Replace("\"telephone\":\"136*******5\",", "")))
            .ReceiverPrivacy!.MaskedPhone.ShouldBeNull(); // a hex token is not a mask
        ParseOk(With(o => { o["consigneeInfo"]!.AsObject().Remove("mobile"); o["consigneeInfo"]!["desen_mobile"] = "139****0000"; }))
            .ReceiverPrivacy!.MaskedPhone.ShouldBe("139****0000");
    }

    [Fact]
    public void The_oaid_is_taken_from_the_order_first_then_the_consignee()
    {
        ParseOk(With(o => o["oaid"] = "order-level", OrderGet)).Oaid.ShouldBe("order-level");
        ParseOk(SearchItem).Oaid.ShouldBeNull();
    }

    [Theory]
    [InlineData("AAT63bmJasgGeOvF83L7r/T2Wq/ogcbL0Y+a1Q/YfgQ=", true)]
    [InlineData("AASrdLN5OND18Xi/Duz1WFvHBYc1pRIFYy6unu+oYzOdfVu2XzQKWcbfg5Y9WEQ=", true)]
    [InlineData("李四", false)]
    [InlineData("13900139000", false)]
    [InlineData("136*******5", false)]
    [InlineData("John Smith", false)]
    [InlineData("上海浦东新区张江镇科苑路 88 号", false)]
    [InlineData("AAT63bmJasgGeOvF83L7r/T2Wq/ogcbL0Y+a1Q/YfgQ", false)]
    public void JD_ciphertext_is_recognised(string value, bool ciphertext)
    {
        JdOrderAdapter.IsJdCiphertext(value).ShouldBe(ciphertext);
        (JdOrderAdapter.Classify(value).Encrypted is not null).ShouldBe(ciphertext);
    }

    [Fact]
    public void Payment_above_goods_and_freight_keeps_the_seller_discount_for_the_intake_checks()
    {
        // A tax or service fee on top: the numbers cannot add up, so they are kept as sent.
        ParseOk(With(o => o["orderPayment"] = "300.00")).Amounts.ShouldBe(new OrderAmounts(299.00m, 0.00m, 20.00m, 300.00m));
    }

    [Fact]
    public void Without_a_goods_total_the_lines_are_summed()
    {
        ParseOk(With(o => o.Remove("orderTotalPrice"), OrderGet)).Amounts.Goods.ShouldBe(248.80m);
    }

    public static TheoryData<string, Action<JsonObject>, string, string> Invalid => new()
    {
        { "unknown state", o => o["orderState"] = "WAIT_BUYER_PAY", "orderState",
            "unknown order state 'WAIT_BUYER_PAY'; expected one of: WAIT_SELLER_STOCK_OUT, WAIT_SELLER_DELIVERY, WAIT_SEND_CODE, SEND_TO_DISTRIBUTION_CENER, DISTRIBUTION_CENTER_RECEIVED, WAIT_GOODS_RECEIVE_CONFIRM, RECEIPTS_CONFIRM, FINISHED_L, TRADE_CANCELED, LOCKED, PAUSE, POP_ORDER_PAUSE" },
        { "missing state", o => o.Remove("orderState"), "orderState", "is required" },
        { "missing id", o => o.Remove("orderId"), "orderId", "is required" },
        { "missing start time", o => o.Remove("orderStartTime"), "orderStartTime", "is required" },
        { "missing modified", o => o.Remove("modified"), "modified", "is required" },
        { "placeholder modified", o => o["modified"] = "0001-01-01 00:00:00", "modified", "is required" },
        { "modified as millis", o => o["modified"] = 1740790831000, "modified", "must be a time such as \"2025-03-01 10:02:11\" (China time)" },
        { "payment time in another form", o => o["paymentConfirmTime"] = "01/03/2025 09:00", "paymentConfirmTime", "is not a time of the form yyyy-MM-dd HH:mm:ss (China time)" },
        { "missing payment", o => o.Remove("orderPayment"), "orderPayment", "is required" },
        { "payment not yuan", o => o["orderPayment"] = "¥279", "orderPayment", "is not a yuan amount such as \"99.00\"" },
        { "freight with three decimals", o => o["freightPrice"] = "0.001", "freightPrice", "amount has more than 2 decimal places" },
        { "no items", o => o.Remove("itemInfoList"), "itemInfoList", "is required: an order needs at least one item" },
        { "empty items", o => o["itemInfoList"] = new JsonArray(), "itemInfoList", "must contain at least one item" },
        { "items as object", o => o["itemInfoList"] = new JsonObject(), "itemInfoList", "must be an array" },
        { "item not an object", o => o["itemInfoList"] = new JsonArray("x"), "itemInfoList[0]", "must be an object" },
        { "zero quantity", o => Item(o, 0)["itemTotal"] = "0", "itemInfoList[0].itemTotal", "must be from 1 to 1000000" },
        { "fractional quantity", o => Item(o, 0)["itemTotal"] = "1.5", "itemInfoList[0].itemTotal", "must be a whole number" },
        { "missing quantity", o => Item(o, 0).Remove("itemTotal"), "itemInfoList[0].itemTotal", "is required" },
        { "missing price", o => Item(o, 0).Remove("jdPrice"), "itemInfoList[0].jdPrice", "is required" },
        { "price not yuan", o => Item(o, 0)["jdPrice"] = "n/a", "itemInfoList[0].jdPrice", "is not a yuan amount such as \"99.00\"" },
        { "consignee as text", o => o["consigneeInfo"] = "hidden", "consigneeInfo", "must be an object" },
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
        var result = Parse(With(o => Item(o, 1)["jdPrice"] = "12.345", OrderGet));

        var error = result.Errors.ShouldHaveSingleItem();
        error.Field.ShouldBe("jingdong_pop_order_get_responce.orderDetailInfo.orderInfo.itemInfoList[1].jdPrice");
        error.Fragment.ShouldBe("\"12.345\"");
        Parse($$"""{"orderInfo":{{With(o => o.Remove("modified"))}}}""").Errors.ShouldHaveSingleItem().Field.ShouldBe("orderInfo.modified");
    }

    [Theory]
    [InlineData("\"301234567890\"", "$", "a JD order must be a JSON object")]
    [InlineData("""{"orderInfoList":[]}""", "$", """not a JD order: expected {"orderId":…}, {"orderInfo":{…}} or {"jingdong_pop_order_get_responce":{"orderDetailInfo":{"orderInfo":{…}}}}""")]
    [InlineData("""{"error_response":{"code":"19","zh_desc":"token已过期或者不存在，请重新授权访问","en_desc":"Invalid access_token"}}""", "error_response", "JOS returned an error instead of an order: token已过期或者不存在，请重新授权访问")]
    [InlineData("""{"jingdong_pop_order_get_responce":{"code":"0","orderDetailInfo":{"apiResult":{"chineseErrCode":"订单不存在","success":false,"numberCode":10200001}}}}""", "jingdong_pop_order_get_responce.orderDetailInfo.apiResult", "JOS did not return the order: 订单不存在")]
    [InlineData("""{"jingdong_pop_order_get_responce":{"code":"0","orderDetailInfo":{"apiResult":{"success":true}}}}""", "jingdong_pop_order_get_responce.orderDetailInfo.orderInfo", "is required")]
    [InlineData("""{"jingdong_pop_order_get_responce":{"code":"0"}}""", "jingdong_pop_order_get_responce.orderDetailInfo", "is required")]
    public void Payloads_that_are_not_an_order_are_refused(string json, string field, string reason)
    {
        var error = Parse(json).Errors.ShouldHaveSingleItem();

        error.Field.ShouldBe(field);
        error.Reason.ShouldBe(reason);
    }

    [Fact]
    public void The_JOS_request_signature_is_the_sorted_params_md5()
    {
        // JOS signs like TOP; its business parameters travel as one JSON string in 360buy_param_json.
        var parameters = new Dictionary<string, string>
        {
            ["method"] = "jingdong.pop.order.get",
            ["app_key"] = "JDKEY",
            ["access_token"] = "tok",
            ["timestamp"] = "2025-03-01 09:00:00",
            ["v"] = "2.0",
            ["360buy_param_json"] = """{"order_id":"301234567890","optional_fields":"orderId,orderState"}""",
        };
        const string text = "sec" + "360buy_param_json{\"order_id\":\"301234567890\",\"optional_fields\":\"orderId,orderState\"}" + "access_tokentok"
            + "app_keyJDKEY" + "methodjingdong.pop.order.get" + "timestamp2025-03-01 09:00:00" + "v2.0" + "sec";

        Signing.SortedParamsMd5(parameters, "sec").ShouldBe(
            Convert.ToHexString(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes(text))));
    }
}
