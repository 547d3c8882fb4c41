using Ordo.Core.Privacy;
using Shouldly;

namespace Ordo.Core.Tests.Privacy;

/// <summary>
/// A payload of each platform's format (shaped like the adapter tests' samples, with plain personal data where the
/// platform may send it) masked for a viewer with masked access, for finance's (name and address, phone masked, no ID
/// card) and for full access.
/// </summary>
public class RawPayloadMasksTests
{
    private const string Name = "张三丰";
    private const string Phone = "13812345678";
    private const string Street = "莲前街道软件园二期88号";
    private const string IdCard = "11010519491231002X";

    public static TheoryData<string, string> Payloads => new()
    {
        { "taobao", $$$$"""{"trade":{"tid":3821004455667788,"status":"WAIT_SELLER_SEND_GOODS","receiver_name":"{{{{Name}}}}","receiver_mobile":"{{{{Phone}}}}","receiver_phone":"0592-5551234","receiver_state":"福建省","receiver_city":"厦门市","receiver_district":"思明区","receiver_town":"莲前街道","receiver_address":"{{{{Street}}}}","receiver_zip":"361000","buyer_message":"到了打 {{{{Phone}}}}","orders":{"order":[{"oid":3821004455667788,"title":"T恤","num":2}]}}}""" },
        { "taobao-tmc", $$$$"""{"id":6142200092063758446,"topic":"taobao_trade_TradeLogisticsAddressChanged","content":"{\"tid\":3821004455667788,\"receiver_name\":\"{{{{Name}}}}\",\"receiver_mobile\":\"{{{{Phone}}}}\",\"receiver_city\":\"厦门市\",\"receiver_address\":\"{{{{Street}}}}\"}"}""" },
        { "jd", $$$$"""{"orderId":"301234567890","orderState":"WAIT_SELLER_STOCK_OUT","consigneeInfo":{"fullname":"{{{{Name}}}}","mobile":"{{{{Phone}}}}","telephone":"{{{{Phone}}}}","desen_mobile":"138****5678","province":"福建","city":"厦门市","county":"思明区","town":"莲前街道","fullAddress":"{{{{Street}}}}"},"itemInfoList":[{"skuId":"100012","skuName":"耳机","itemTotal":"1"}]}""" },
        { "pinduoduo", $$$$"""{"order_sn":"250301-123456789012345","receiver_name":"{{{{Name}}}}","receiver_phone":"{{{{Phone}}}}","receiver_name_mask":"张*","receiver_phone_mask":"138****5678","province":"福建省","city":"厦门市","town":"思明区","address":"{{{{Street}}}}","id_card_num":"{{{{IdCard}}}}","id_card_name":"{{{{Name}}}}","item_list":[{"goods_id":12345,"goods_name":"收纳盒","goods_count":2}]}""" },
        { "douyin", $$$$"""{"data":{"shop_order_detail":{"order_id":"6936476692437472563","post_receiver":"{{{{Name}}}}","post_tel":"{{{{Phone}}}}","post_addr":{"province":{"name":"福建省","id":"35"},"city":{"name":"厦门市","id":"350200"},"town":{"name":"思明区","id":"350203"},"street":{"name":"莲前街道","id":"350203010"},"detail":"{{{{Street}}}}"},"sku_order_list":[{"order_id":"6936476692437472563","product_name":"马克杯","item_num":1}]}}}""" },
        { "kuaishou", $$$$"""{"result":1,"data":{"orderBaseInfo":{"oid":2419500012345678,"buyerNick":"快手用户1234","remark":"身份证 {{{{IdCard}}}}"},"orderAddress":{"consignee":"{{{{Name}}}}","mobile":"{{{{Phone}}}}","province":"福建省","city":"厦门市","district":"思明区","address":"{{{{Street}}}}","desensitiseConsignee":"张*"}}}""" },
        { "youzan", $$$$"""{"data":{"full_order_info":{"order_info":{"tid":"E20250301100211012345678"},"buyer_info":{"buyer_phone":"{{{{Phone}}}}","fans_nickname":"小鹿"},"address_info":{"receiver_name":"{{{{Name}}}}","receiver_tel":"{{{{Phone}}}}","delivery_province":"福建省","delivery_city":"厦门市","delivery_district":"思明区","delivery_address":"{{{{Street}}}}","delivery_postal_code":"361000"},"orders":[{"oid":"1487213651234567001","title":"纯棉T恤","num":1}]}}}""" },
        { "shopify", $$$$"""{"id":5012345678901,"name":"#1042","email":"san.zhang@example.com","customer":{"id":7012345678,"email":"san.zhang@example.com","first_name":"三丰","last_name":"张"},"shipping_address":{"first_name":"三丰","last_name":"张","name":"{{{{Name}}}}","phone":"+86 {{{{Phone}}}}","address1":"{{{{Street}}}}","address2":"Suite 300","city":"厦门市","province":"福建省","zip":"361000","country_code":"CN"},"line_items":[{"title":"T-shirt","name":"T-shirt - Red / M","quantity":1}]}""" },
        { "woocommerce", $$$$"""{"id":727,"number":"727","billing":{"first_name":"三丰","last_name":"张","address_1":"{{{{Street}}}}","city":"厦门市","state":"FJ","postcode":"361000","country":"CN","email":"san.zhang@example.com","phone":"{{{{Phone}}}}"},"shipping":{"first_name":"三丰","last_name":"张","address_1":"{{{{Street}}}}","city":"厦门市","state":"FJ","postcode":"361000","country":"CN"},"line_items":[{"name":"Mug","quantity":1}]}""" },
        { "canonical", $$$$"""{"platform":"douyin","shopCode":"DY-1","platformOrderId":"6936476692437472563","receiver":{"name":"{{{{Name}}}}","phone":"{{{{Phone}}}}","province":"福建省","city":"厦门市","district":"思明区","street":"莲前街道","address":"{{{{Street}}}}","postalCode":"361000","idCard":"{{{{IdCard}}}}"},"lines":[{"sku":"MUG-W","title":"马克杯","quantity":1}]}""" },
    };

    [Theory]
    [MemberData(nameof(Payloads))]
    public void Masked_viewer_sees_no_personal_value_in_full(string platform, string payload)
    {
        var masked = RawPayloadMasks.Mask(payload, PersonalDataAccess.MaskedOnly)!;
        masked.ShouldNotBeNull(platform);
        masked.ShouldNotContain(Phone, customMessage: platform);
        masked.ShouldNotContain(Name, customMessage: platform);
        masked.ShouldNotContain(Street, customMessage: platform);
        masked.ShouldNotContain(IdCard, customMessage: platform);
        masked.ShouldNotContain("三丰", customMessage: platform);
        masked.ShouldNotContain("san.zhang@", customMessage: platform);
        masked.ShouldContain("138****5678", customMessage: platform);
        // The region stays: customer service needs it.
        masked.ShouldContain("厦门市", customMessage: platform);
    }

    [Theory]
    [MemberData(nameof(Payloads))]
    public void Full_access_sees_the_payload_as_sent(string platform, string payload)
    {
        var full = RawPayloadMasks.Mask(payload, PersonalDataAccess.Everything)!;
        full.ShouldContain(Phone, customMessage: platform);
        full.ShouldContain(Street, customMessage: platform);
    }

    [Theory]
    [MemberData(nameof(Payloads))]
    public void Finance_sees_names_and_addresses_but_not_phones_or_id_cards(string platform, string payload)
    {
        var finance = new PersonalDataAccess(FieldAccess.Full, FieldAccess.Masked, FieldAccess.Full, FieldAccess.Hidden);
        var masked = RawPayloadMasks.Mask(payload, finance)!;
        masked.ShouldNotContain(Phone, customMessage: platform);
        masked.ShouldNotContain(IdCard, customMessage: platform);
        masked.ShouldContain(Street, customMessage: platform);
    }

    [Fact]
    public void Masked_payload_keeps_ids_goods_and_masks_with_the_receivers_masks()
    {
        var douyin = Payloads.Select(p => p.Data).Single(p => p.Item1 == "douyin").Item2;
        var masked = RawPayloadMasks.Mask(douyin, PersonalDataAccess.MaskedOnly)!;
        masked.ShouldContain("6936476692437472563");
        masked.ShouldContain("马克杯");
        masked.ShouldContain("福建省");
        masked.ShouldContain("张**");
        masked.ShouldContain(PersonalDataMasks.HiddenDetail);
    }

    [Theory]
    [InlineData("call 13812345678 after 6", "call 138****5678 after 6")]
    [InlineData("+86 138-1234-5678", "+86 138****5678")]
    [InlineData("order 6936476692437472563", "order 6936476692437472563")]
    [InlineData("tid 13812345678901", "tid 13812345678901")]
    [InlineData("身份证11010519491231002X。", "身份证1****************X。")]
    [InlineData("not an id 110105194912310021", "not an id 110105194912310021")]
    public void Numbers_in_free_text_are_masked(string text, string expected) =>
        RawPayloadMasks.MaskText(text, PersonalDataAccess.MaskedOnly).ShouldBe(expected);

    [Fact]
    public void Hidden_id_cards_are_not_shown_even_masked_csv_is_masked_by_header_and_other_text_is_withheld()
    {
        var warehouse = new PersonalDataAccess(FieldAccess.Full, FieldAccess.Full, FieldAccess.Full, FieldAccess.Hidden);
        var masked = RawPayloadMasks.Mask($$$$"""{"receiver":{"idCard":"{{{{IdCard}}}}","name":"{{{{Name}}}}"}}""", warehouse)!;
        masked.ShouldNotContain("X\"");
        masked.ShouldContain(Name);
        RawPayloadMasks.Mask("订单号,收货人,手机\n1,张三丰,13812345678", PersonalDataAccess.MaskedOnly).ShouldBe("订单号,收货人,手机\n1,张**,138****5678\n");
        RawPayloadMasks.Mask("no personal columns,here\n1,2", PersonalDataAccess.MaskedOnly).ShouldBeNull();
        RawPayloadMasks.Mask("not json {", PersonalDataAccess.MaskedOnly).ShouldBeNull();
        RawPayloadMasks.Mask("a,b", PersonalDataAccess.Everything).ShouldBe("a,b");
    }
}
