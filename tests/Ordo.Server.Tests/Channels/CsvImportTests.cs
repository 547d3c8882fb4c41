using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Ordo.Core.Channels.Csv;
using Ordo.Server.Tests.Infrastructure;
using Shouldly;

namespace Ordo.Server.Tests.Channels;

/// <summary>
/// CSV order import (POST /api/v1/shops/{code}/orders:import-csv): platform exports mapped by presets, multi-line
/// orders, a bad row reported by row and column while the other orders land, GB18030 files, the generic preset.
/// </summary>
public abstract class CsvImportTests(OrdoHost host) : CatalogueTestBase(host)
{
    private const string TaobaoHeader = "订单编号,买家会员名,买家应付货款,买家应付邮费,买家实际支付金额,订单状态,买家留言,收货人姓名,收货地址,联系手机,订单创建时间,订单付款时间,宝贝标题,商家编码,宝贝数量,价格,订单备注";

    private static string Id() => Random.Shared.NextInt64(1_000_000_000_000_000, 2_000_000_000_000_000).ToString();

    private async Task<string> ShopAsync(string platform)
    {
        var code = platform.ToUpperInvariant()[..2] + "-CSV-" + Guid.NewGuid().ToString("N")[..8];
        (await Host.Client.PostAsJsonAsync("/api/v1/shops", new { platform, code, name = code })).StatusCode.ShouldBe(HttpStatusCode.Created);
        return code;
    }

    private Task<HttpResponseMessage> ImportAsync(string shop, byte[] body, string? preset = "taobao") =>
        Host.Client.PostAsync($"/api/v1/shops/{shop}/orders:import-csv" + (preset is null ? "" : "?preset=" + preset),
            new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("text/csv") } });

    private static string Taobao(params string[] rows) => TaobaoHeader + "\r\n" + string.Join("\r\n", rows) + "\r\n";

    [Fact]
    public async Task A_Taobao_export_with_a_multi_line_order_becomes_one_order_per_order_id()
    {
        var shop = await ShopAsync("taobao");
        var (a, b) = (Id(), Id());
        var csv = Taobao(
            $"{a},tb_wei,25.00,6.00,31.00,买家已付款，等待卖家发货,\"请尽快发货, 谢谢\",王伟,浙江省 杭州市 西湖区 文三路 1 号,13800000000,2026-03-01 10:00:00,2026-03-01 10:01:00,马克杯,{TestOrders.Sku},2,10.00,",
            $"{a},tb_wei,25.00,6.00,31.00,买家已付款，等待卖家发货,,王伟,浙江省 杭州市 西湖区 文三路 1 号,13800000000,2026-03-01 10:00:00,2026-03-01 10:01:00,杯垫,{TestOrders.Sku},1,5.00,",
            $"=\"{b}\",tb_li,9.90,0.00,9.90,等待买家付款,,李娜,上海市 浦东新区 世纪大道 8 号,13900000000,2026-03-02 08:30:00,,马克杯,{TestOrders.Sku},1,9.90,");

        var response = await ImportAsync(shop, Encoding.UTF8.GetBytes(csv));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await response.ReadObjectAsync();
        body["preset"]!.GetValue<string>().ShouldBe("taobao");
        var results = body["results"]!.AsArray();
        results.Select(r => r!["outcome"]!.GetValue<string>()).ShouldBe(["created", "created"]);
        results[0]!["platformOrderId"]!.GetValue<string>().ShouldBe(a);
        results[0]!["rows"]!.AsArray().Select(r => r!.GetValue<int>()).ShouldBe([2, 3]);
        results[1]!["platformOrderId"]!.GetValue<string>().ShouldBe(b); // ="…" from a spreadsheet is undone
        body["rowErrors"]!.AsArray().ShouldBeEmpty();

        var order = await Host.GetJsonAsync($"/api/v1/orders/{results[0]!["orderNo"]}");
        order["platform"]!.GetValue<string>().ShouldBe("taobao");
        order["shopCode"]!.GetValue<string>().ShouldBe(shop);
        order["status"]!.GetValue<string>().ShouldBe("Paid");
        order["receiver"]!["province"]!.GetValue<string>().ShouldBe("浙江省");
        order["receiver"]!["district"]!.GetValue<string>().ShouldBe("西湖区");
        order["lines"]!.AsArray().Count.ShouldBe(2);
        order["lines"]![1]!["title"]!.GetValue<string>().ShouldBe("杯垫");
        order["amounts"]!["paid"]!.GetValue<decimal>().ShouldBe(31.00m);
        order["createdAt"]!.GetValue<string>().ShouldBe("2026-03-01T02:00:00Z"); // China time
        order["buyerMessage"]!.GetValue<string>().ShouldBe("请尽快发货, 谢谢");
        (await Host.GetJsonAsync($"/api/v1/orders/{results[1]!["orderNo"]}"))["status"]!.GetValue<string>().ShouldBe("PendingPayment");
        var file = await Host.GetJsonAsync($"/api/v1/inbox/{body["fileInboxId"]}");
        file["payload"]!.GetValue<string>().ShouldBe(csv);
        file["format"]!.GetValue<string>().ShouldBe("csv");
    }

    [Fact]
    public async Task A_bad_row_is_reported_by_row_and_column_and_kept_while_the_good_rows_land()
    {
        var shop = await ShopAsync("taobao");
        var (good, bad, late) = (Id(), Id(), Id());
        var csv = Taobao(
            $"{good},tb_a,10.00,0,10.00,交易成功,,张三,北京市 朝阳区 1 号,13800000001,2026-03-01 10:00:00,2026-03-01 10:01:00,马克杯,{TestOrders.Sku},1,10.00,",
            $"{bad},tb_b,10.00,0,10.00,交易成功,,李四,北京市 朝阳区 2 号,13800000002,2026-03-01 11:00:00,2026-03-01 11:01:00,马克杯,{TestOrders.Sku},two,10.00,",
            $"{late},tb_c,10.00,0,10.00,交易成功,,赵六,北京市 朝阳区 3 号,13800000003,2026-13-01 12:00:00,,马克杯,{TestOrders.Sku},1,10.00,");

        var response = await ImportAsync(shop, Encoding.UTF8.GetBytes(csv));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await response.ReadObjectAsync();
        var results = body["results"]!.AsArray();
        results.Select(r => r!["outcome"]!.GetValue<string>()).ShouldBe(["created", "rejected", "rejected"]);
        body["created"]!.GetValue<int>().ShouldBe(1);
        body["rejected"]!.GetValue<int>().ShouldBe(2);
        var errors = body["rowErrors"]!.AsArray();
        errors.Count.ShouldBe(2);
        errors[0]!["row"]!.GetValue<int>().ShouldBe(3);
        errors[0]!["column"]!.GetValue<string>().ShouldBe("宝贝数量");
        errors[0]!["value"]!.GetValue<string>().ShouldBe("two");
        errors[1]!["row"]!.GetValue<int>().ShouldBe(4);
        errors[1]!["column"]!.GetValue<string>().ShouldBe("订单创建时间");
        results[1]!["errors"]![0]!["field"]!.GetValue<string>().ShouldBe("row 3: 宝贝数量");

        (await Host.GetJsonAsync($"/api/v1/orders?q={good}"))["items"]!.AsArray().Count.ShouldBe(1);
        (await Host.GetJsonAsync($"/api/v1/orders?q={bad}"))["items"]!.AsArray().ShouldBeEmpty();
        var kept = await Host.GetJsonAsync($"/api/v1/inbox/{results[1]!["inboxId"]}");
        kept["status"]!.GetValue<string>().ShouldBe("rejected");
        kept["payload"]!.GetValue<string>().ShouldContain($"{bad},tb_b");
        kept["payload"]!.GetValue<string>().ShouldStartWith("订单编号,");
    }

    [Fact]
    public async Task A_rejected_order_is_kept_as_CSV_with_its_preset_and_lands_when_replayed_corrected()
    {
        var shop = await ShopAsync("taobao");
        var bad = Id();
        string Row(string quantity) =>
            $"{bad},tb_b,20.00,0,20.00,交易成功,,李四,北京市 朝阳区 2 号,13800000002,2026-03-01 11:00:00,2026-03-01 11:01:00,马克杯,{TestOrders.Sku},{quantity},10.00,";
        var body = await (await ImportAsync(shop, Encoding.UTF8.GetBytes(Taobao(Row("two"))))).ReadObjectAsync();
        var inboxId = body["results"]![0]!["inboxId"]!.GetValue<long>();
        var kept = await Host.GetJsonAsync($"/api/v1/inbox/{inboxId}");
        (kept["status"]!.GetValue<string>(), kept["format"]!.GetValue<string>(), kept["shopCode"]!.GetValue<string>()).ShouldBe(("rejected", "csv:taobao", shop));

        // As kept, the row is still wrong: the replay says so again, by row and column, and nothing lands.
        var again = await Host.Client.PostAsync($"/api/v1/inbox/{inboxId}/replay", null);
        again.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await again.Content.ReadAsStringAsync()).ShouldContain("row 2: 宝贝数量");
        // A correction has the item's own form: CSV text, not an order object.
        var asObject = await Host.PostJsonAsync($"/api/v1/inbox/{inboxId}/replay", "{\"payload\":{\"platform\":\"taobao\"}}");
        asObject.StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        var corrected = new JsonObject { ["payload"] = Taobao(Row("2")) };
        var replay = await Host.PostJsonAsync($"/api/v1/inbox/{inboxId}/replay", corrected.ToJsonString());
        replay.StatusCode.ShouldBe(HttpStatusCode.Created);
        var order = (await Host.GetJsonAsync($"/api/v1/orders?q={bad}"))["items"]!.AsArray().Single()!;
        order["lines"]![0]!["quantity"]!.GetValue<int>().ShouldBe(2);
        (await Host.GetJsonAsync($"/api/v1/inbox/{inboxId}"))["status"]!.GetValue<string>().ShouldBe("accepted");
    }

    [Fact]
    public async Task A_GB18030_file_is_read_as_such()
    {
        var shop = await ShopAsync("tmall");
        var id = Id();
        var csv = Taobao($"{id},tb_gbk,12.50,0,12.50,卖家已发货，等待买家确认,,陈晨,广东省 深圳市 南山区 科技园 9 号,13700000000,2026-03-03 09:00:00,2026-03-03 09:05:00,景德镇陶瓷杯,{TestOrders.Sku},1,12.50,");
        var bytes = CsvText.Gb18030.GetBytes(csv);
        bytes.SequenceEqual(Encoding.UTF8.GetBytes(csv)).ShouldBeFalse();

        var response = await ImportAsync(shop, bytes, preset: null); // a Tmall shop gets the Taobao preset

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await response.ReadObjectAsync();
        body["encoding"]!.GetValue<string>().ShouldBe("gb18030");
        body["results"]![0]!["outcome"]!.GetValue<string>().ShouldBe("created");
        var order = await Host.GetJsonAsync($"/api/v1/orders/{body["results"]![0]!["orderNo"]}");
        order["lines"]![0]!["title"]!.GetValue<string>().ShouldBe("景德镇陶瓷杯");
        order["status"]!.GetValue<string>().ShouldBe("Shipped");
    }

    [Fact]
    public async Task The_generic_preset_reads_canonical_headers_with_a_BOM()
    {
        var shop = await ShopAsync("douyin");
        var id = Id();
        var csv = "platformOrderId,status,createdAt,currency,receiverName,sku,title,quantity,unitPrice,freight,paid\n"
                + $"{id},Paid,2026-03-04T10:00:00+08:00,CNY,周杰,{TestOrders.Sku},马克杯,2,15.00,5.00,35.00\n";
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(csv)).ToArray();

        var response = await ImportAsync(shop, bytes, preset: "generic");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await response.ReadObjectAsync();
        body["preset"]!.GetValue<string>().ShouldBe("generic");
        body["encoding"]!.GetValue<string>().ShouldBe("utf-8");
        body["results"]![0]!["outcome"]!.GetValue<string>().ShouldBe("created");
        var order = await Host.GetJsonAsync($"/api/v1/orders/{body["results"]![0]!["orderNo"]}");
        order["amounts"]!["goods"]!.GetValue<decimal>().ShouldBe(30.00m);
        order["amounts"]!["paid"]!.GetValue<decimal>().ShouldBe(35.00m);
        order["platform"]!.GetValue<string>().ShouldBe("douyin");
    }

    [Fact]
    public async Task Generic_headers_are_read_even_when_the_platform_preset_is_named()
    {
        var shop = await ShopAsync("jd");
        var csv = $"platformOrderId,status,createdAt,quantity,unitPrice\n{Id()},Paid,2026-03-05 10:00:00,1,8.00\n";
        var response = await ImportAsync(shop, Encoding.UTF8.GetBytes(csv), preset: "jd");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await response.ReadObjectAsync();
        body["preset"]!.GetValue<string>().ShouldBe("generic");
        body["results"]![0]!["outcome"]!.GetValue<string>().ShouldBe("created");
    }

    [Fact]
    public async Task An_unknown_preset_or_unmatched_headers_get_400_naming_what_is_missing()
    {
        var shop = await ShopAsync("taobao");
        var unknown = await ImportAsync(shop, Encoding.UTF8.GetBytes(Taobao()), preset: "amazon");
        unknown.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await unknown.ReadObjectAsync();
        problem["field"]!.GetValue<string>().ShouldBe("preset");
        problem["detail"]!.GetValue<string>().ShouldContain("taobao");

        var wrong = await ImportAsync(shop, Encoding.UTF8.GetBytes("订单编号,宝贝标题\n1,杯\n"));
        wrong.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var missing = await wrong.ReadObjectAsync();
        missing["detail"]!.GetValue<string>().ShouldContain("订单状态");
        missing["missingColumns"]!.AsArray().Select(m => m!.GetValue<string>()).ShouldContain(m => m.StartsWith("createdAt"));
        (await Host.GetJsonAsync($"/api/v1/inbox/{missing["inboxId"]}"))["payload"]!.GetValue<string>().ShouldBe("订单编号,宝贝标题\n1,杯\n");
    }
}

public sealed class CsvImportTestsOnSqlite(SqliteHost host) : CsvImportTests(host), IClassFixture<SqliteHost>;
public sealed class CsvImportTestsOnPostgres(PostgresHost host) : CsvImportTests(host), IClassFixture<PostgresHost>;
