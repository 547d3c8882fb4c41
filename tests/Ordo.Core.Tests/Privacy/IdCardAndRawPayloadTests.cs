using System.Text.Json.Nodes;
using Ordo.Core.Orders;
using Ordo.Core.Privacy;
using Shouldly;
using Xunit;

namespace Ordo.Core.Tests.Privacy;

/// <summary>The receiver's ID card in the canonical format, its masks by role, and masking of raw payloads.</summary>
public class IdCardAndRawPayloadTests
{
    private static string Order(string? idCard)
    {
        var id = idCard is null ? "" : $",\"idCard\":\"{idCard}\"";
        return """
            {"platform":"douyin","shopCode":"S","platformOrderId":"1","status":"Paid","createdAt":"2026-02-22T10:00:00+08:00",
             "receiver":{"name":"张三","phone":"13800138000","province":"福建省","city":"厦门市","district":"思明区","address":"环岛东路 1 号"ID},
             "lines":[{"title":"马克杯","quantity":1,"unitPrice":99.00,"discount":0}],
             "amounts":{"goods":99.00,"freight":0,"discount":0,"paid":99.00}}
            """.Replace("ID}", id + "}");
    }

    [Theory]
    [InlineData("11010519491231002X", "11010519491231002X")]
    [InlineData("11010519491231002x", "11010519491231002X")]
    [InlineData("110105194912310021", "110105194912310021")]
    [InlineData("110105491231002", "110105491231002")]
    public void A_well_formed_id_card_is_accepted_upper_case(string given, string kept) =>
        CanonicalOrderParser.Parse(Order(given)).Value!.Receiver!.IdCard.ShouldBe(kept);

    [Theory]
    [InlineData("1101051949123100")]      // 16 characters
    [InlineData("X10105194912310021")]    // X not last
    [InlineData("11010519491231002Y")]
    [InlineData("11010549123100X")]      // 15 with an X
    [InlineData("1101051949123100211")]   // 19 characters
    public void A_malformed_id_card_is_refused_naming_the_field_without_the_number(string given)
    {
        var result = CanonicalOrderParser.Parse(Order(given));
        result.Value.ShouldBeNull();
        var error = result.Errors.ShouldHaveSingleItem();
        error.Field.ShouldBe("receiver.idCard");
        (error.Fragment ?? "").ShouldNotContain(given[1..^1]);
    }

    [Fact]
    public void A_rejected_personal_field_keeps_its_value_out_of_the_stored_reasons()
    {
        var longName = new string('张', 300);
        var error = CanonicalOrderParser.Parse(Order(null).Replace("\"张三\"", $"\"{longName}\"")).Errors.ShouldHaveSingleItem();
        error.Field.ShouldBe("receiver.name");
        (error.Fragment ?? "").ShouldNotContain("张张张");
    }

    [Fact]
    public void An_order_without_id_card_has_none() => CanonicalOrderParser.Parse(Order(null)).Value!.Receiver!.IdCard.ShouldBeNull();

    private static readonly Receiver WithIdCard = new Receiver("张三", "13812345678", "浙江省", "杭州市", "西湖区", "文三路", "文三路 100 号", "310012") { IdCard = "11010519491231002X" };

    [Fact]
    public void The_id_card_is_masked_hidden_or_shown_by_access()
    {
        PersonalDataMasks.Receiver(WithIdCard, PersonalDataAccess.Everything)!.IdCard.ShouldBe("11010519491231002X");
        PersonalDataMasks.Receiver(WithIdCard, PersonalDataAccess.MaskedOnly)!.IdCard.ShouldBe("1****************X");
        PersonalDataMasks.Receiver(WithIdCard, PersonalDataAccess.MaskedOnly with { IdCard = FieldAccess.Hidden })!.IdCard.ShouldBeNull();
    }

    [Fact]
    public void Raw_json_payloads_are_masked_by_field_name_whatever_the_platform()
    {
        var taobao = """{"tid":"123","receiver_name":"张三","receiver_mobile":"13812345678","receiver_state":"浙江省","receiver_address":"文三路 100 号","oaid":"1@x","id_card_no":"11010519491231002X"}""";
        var masked = JsonNode.Parse(RawPayloadMasks.Mask(taobao, PersonalDataAccess.MaskedOnly)!)!;
        masked["receiver_name"]!.GetValue<string>().ShouldBe("张*");
        masked["receiver_mobile"]!.GetValue<string>().ShouldBe("138****5678");
        masked["receiver_address"]!.GetValue<string>().ShouldBe(PersonalDataMasks.HiddenDetail);
        masked["receiver_state"]!.GetValue<string>().ShouldBe("浙江省");
        masked["oaid"]!.GetValue<string>().ShouldBe("1@x");
        masked["id_card_no"]!.GetValue<string>().ShouldBe("1****************X");

        var shopify = """{"id":1,"email":"wei.li@example.com","shipping_address":{"name":"Wei Li","first_name":"Wei","address1":"1 Main St","phone":"+1 555 0100","city":"Austin"},"line_items":[{"name":"Mug"}]}""";
        var s = RawPayloadMasks.Mask(shopify, PersonalDataAccess.MaskedOnly)!;
        s.ShouldNotContain("wei.li@example.com");
        s.ShouldNotContain("Wei Li");
        s.ShouldNotContain("1 Main St");
        s.ShouldNotContain("555 0100");
        s.ShouldContain("Austin");
        s.ShouldContain("Mug");
        RawPayloadMasks.Mask(shopify, PersonalDataAccess.Everything).ShouldBe(shopify);
    }

    [Fact]
    public void Raw_csv_payloads_are_masked_by_column_header()
    {
        var csv = "订单编号,收货人姓名,联系手机,收货地址,商品标题\n1001,张三,13812345678,浙江省杭州市西湖区文三路100号,马克杯\n";
        var masked = RawPayloadMasks.Mask(csv, PersonalDataAccess.MaskedOnly)!;
        masked.ShouldContain("张*");
        masked.ShouldContain("138****5678");
        masked.ShouldNotContain("文三路100号");
        masked.ShouldContain("马克杯");
        masked.ShouldContain("1001");
    }
}
