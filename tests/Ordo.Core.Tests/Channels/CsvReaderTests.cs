using System.Text;
using System.Text.Json.Nodes;
using Ordo.Core.Channels.Csv;
using Ordo.Core.Orders;
using Shouldly;

namespace Ordo.Core.Tests.Channels;

/// <summary>The hand-written RFC 4180 reader and the encoding guess.</summary>
public sealed class CsvReaderTests
{
    [Fact]
    public void Quoted_fields_doubled_quotes_and_embedded_newlines_are_read()
    {
        var records = CsvReader.Read("a,b,c\r\n1,\"x, \"\"y\"\"\",\"line1\r\nline2\"\n2,,\"\"\n");
        records.Count.ShouldBe(3);
        records[1].Fields.ShouldBe(["1", "x, \"y\"", "line1\r\nline2"]);
        records[2].Fields.ShouldBe(["2", "", ""]);
        records[1].Row.ShouldBe(2);
        records[2].Row.ShouldBe(3);
        records[1].Raw.ShouldBe("1,\"x, \"\"y\"\"\",\"line1\r\nline2\"");
    }

    [Fact]
    public void LF_CRLF_a_missing_final_newline_and_blank_lines_are_handled()
    {
        var records = CsvReader.Read("h1,h2\n\nv1,v2\r\nv3,v4");
        records.Select(r => r.Row).ShouldBe([1, 3, 4]);
        records[2].Fields.ShouldBe(["v3", "v4"]);
        records[2].Raw.ShouldBe("v3,v4");
        CsvReader.Read("").ShouldBeEmpty();
        CsvReader.Read("only\n").Single().Fields.ShouldBe(["only"]);
    }

    [Fact]
    public void A_quote_inside_an_unquoted_field_is_text_and_an_unclosed_quote_ends_at_the_end()
    {
        CsvReader.Read("5\" mug,x\n")[0].Fields.ShouldBe(["5\" mug", "x"]);
        CsvReader.Read("\"open,x\ny")[0].Fields.ShouldBe(["open,x\ny"]);
    }

    [Fact]
    public void UTF8_with_or_without_BOM_and_GB18030_are_decoded()
    {
        const string text = "订单编号,收货人姓名\n1,王伟\n";
        CsvText.Decode(Encoding.UTF8.GetBytes(text)).ShouldBe((text, "utf-8"));
        CsvText.Decode(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(text)).ToArray()).ShouldBe((text, "utf-8"));
        CsvText.Decode(CsvText.Gb18030.GetBytes(text)).ShouldBe((text, "gb18030"));
        CsvText.Decode(CsvText.Gb18030.GetBytes("\uFEFF" + text)).ShouldBe((text, "gb18030"));
    }

    [Fact]
    public void Shopify_rows_group_by_name_with_order_fields_on_the_first_row()
    {
        const string csv = """
            Name,Id,Email,Financial Status,Fulfillment Status,Currency,Subtotal,Shipping,Total,Discount Amount,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,Shipping Name,Cancelled at
            #1001,5550001,a@example.com,paid,fulfilled,USD,70.00,10.00,80.00,0.00,2025-03-01 10:02:11 -0500,1,Mug,60.00,MUG-W,Wei Li,
            #1001,,,,,,,,,,,1,Coaster,10.00,CST-1,,
            """;
        var (mapping, missing) = CsvOrderMapper.Map(csv, CsvPresets.Shopify, Platform.Shopify, "SH-1");
        missing.ShouldBeEmpty();
        var order = JsonNode.Parse(mapping!.Orders.Single().Json!)!;
        order["platformOrderId"]!.GetValue<string>().ShouldBe("5550001");
        order["status"]!.GetValue<string>().ShouldBe("Shipped");
        order["createdAt"]!.GetValue<string>().ShouldBe("2025-03-01T10:02:11-05:00");
        order["currency"]!.GetValue<string>().ShouldBe("USD");
        order["lines"]!.AsArray().Count.ShouldBe(2);
        order["amounts"]!["paid"]!.GetValue<decimal>().ShouldBe(80.00m);
    }

    [Fact]
    public void Masked_receivers_of_Chinese_exports_go_to_receiverPrivacy()
    {
        const string csv = "订单号,订单状态,订单成交时间,收货人,手机,商品数量(件),商品总价(元),用户实付金额(元)\n240301-1,待发货,2026-03-01 10:00:00,王**,138****0000,2,20.00,20.00\n";
        var (mapping, _) = CsvOrderMapper.Map(csv, CsvPresets.Pinduoduo, Platform.Pinduoduo, "PD-1");
        var order = JsonNode.Parse(mapping!.Orders.Single().Json!)!;
        order["receiverPrivacy"]!["maskedName"]!.GetValue<string>().ShouldBe("王**");
        order["receiver"].ShouldBeNull();
        order["lines"]![0]!["unitPrice"]!.GetValue<decimal>().ShouldBe(10.00m);
        order["createdAt"]!.GetValue<string>().ShouldBe("2026-03-01T10:00:00+08:00");
        var parsed = CanonicalOrderParser.Parse(mapping.Orders[0].Json!);
        parsed.Errors.ShouldBeEmpty();
    }
    [Fact]
    public void The_generic_preset_carries_the_receivers_id_card()
    {
        const string csv = "platformOrderId,status,createdAt,receiverName,receiverPhone,receiverIdCard,title,quantity,unitPrice,goods,paid\n" +
                           "X-1,Paid,2026-03-01T10:00:00+08:00,张三,13800138000,11010519491231002x,奶粉,1,20.00,20.00,20.00\n";
        var (mapping, missing) = CsvOrderMapper.Map(csv, CsvPresets.Generic, Platform.Manual, "M-1");
        missing.ShouldBeEmpty();
        var parsed = CanonicalOrderParser.Parse(mapping!.Orders.Single().Json!);
        parsed.Errors.ShouldBeEmpty();
        parsed.Value!.Receiver!.IdCard.ShouldBe("11010519491231002X");
    }
}
