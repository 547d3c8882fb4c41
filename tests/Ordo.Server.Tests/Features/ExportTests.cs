using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using MiniExcelLibs;
using Ordo.Core.Audit;
using Ordo.Data.Security;
using Ordo.Server.Tests.Infrastructure;
using Shouldly;

namespace Ordo.Server.Tests.Features;

/// <summary>Order exports: the second factor, the row limit, masking per role, both formats, and the audit of each.</summary>
public abstract class ExportTests(OpsHost host) : CatalogueTestBase(host)
{
    private OpsHost Ops => (OpsHost)Host;
    private const string IdCard = "11010519491231002X";

    /// <summary>A shop of its own with <paramref name="count"/> orders (the contract example's receiver), so that filters name exactly them.</summary>
    private async Task<string> ShopWithOrdersAsync(int count)
    {
        var shop = "EXP-" + Guid.NewGuid().ToString("N")[..8];
        await Host.EnsureShopAsync("douyin", shop);
        for (var i = 0; i < count; i++)
        {
            var order = TestOrders.Example();
            order["shopCode"] = shop;
            order["receiver"]!["idCard"] = IdCard;
            (await Host.PostOrderAsync(order)).StatusCode.ShouldBe(HttpStatusCode.Created);
        }
        return shop;
    }

    private static Task<HttpResponseMessage> ExportAsync(HttpClient client, object body) => client.PostAsJsonAsync("/api/v1/orders/export", body);

    private async Task<List<AuditEntry>> AuditAsync(string actor)
    {
        await using var db = await Host.Database.OpenMigratedAsync();
        return await db.ReadAsync(s => AuditStore.QueryAsync(s, new AuditQuery(Actor: actor, Action: "orders.export")));
    }

    private static List<string[]> Csv(string text) =>
        text.TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(',')).ToList();

    [Fact]
    public async Task Customer_service_exports_csv_with_the_receiver_masked_and_the_export_is_audited()
    {
        var shop = await ShopWithOrdersAsync(2);
        var email = $"cs-{Guid.NewGuid():N}@example.com";
        var response = await ExportAsync(await Ops.ApiUserClientAsync(email, "customer-service"), new { format = "csv", code = OpsHost.GoodCode, shop });

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        response.Content.Headers.ContentDisposition!.FileName!.ShouldContain(".csv");
        var bytes = await response.Content.ReadAsByteArrayAsync();
        bytes.Take(3).ShouldBe(new byte[] { 0xEF, 0xBB, 0xBF });
        var text = Encoding.UTF8.GetString(bytes);
        var rows = Csv(text);
        rows.Count.ShouldBe(3);
        rows[0][0].ShouldBe("订单号");
        var header = rows[0].ToList();
        foreach (var row in rows.Skip(1))
        {
            row[header.IndexOf("店铺")].ShouldBe(shop);
            row[header.IndexOf("收件人")].ShouldBe("张*");
            row[header.IndexOf("收件人电话")].ShouldBe("138****8000");
            row[header.IndexOf("区县")].ShouldBe("思明区");
            row[header.IndexOf("详细地址")].ShouldBe("****");
            row[header.IndexOf("实付")].ShouldBe("89.00");
            row[header.IndexOf("下单时间")].ShouldBe("2026-02-22 10:00:00");   // Asia/Shanghai by default
            row[header.IndexOf("身份证号")].ShouldBe("1****************X");
        }
        text.ShouldNotContain(IdCard);
        text.ShouldNotContain("13800138000");
        text.ShouldNotContain("环岛东路");

        var entry = (await AuditAsync("user:" + email)).ShouldHaveSingleItem();
        entry.Outcome.ShouldBe("ok");
        var detail = JsonNode.Parse(entry.Detail)!;
        detail["rows"]!.GetValue<long>().ShouldBe(2);
        detail["format"]!.GetValue<string>().ShouldBe("csv");
        detail["filters"]!["shop"]!.GetValue<string>().ShouldBe(shop);
        detail["access"]!["phone"]!.GetValue<string>().ShouldBe("masked");
        detail["outsideWorkingHours"]!.GetValue<bool>().ShouldBe(WorkingHours.Default.IsOutside(entry.OccurredAt));
    }

    [Fact]
    public async Task Finance_sees_the_full_address_but_a_masked_phone_and_times_in_its_own_zone()
    {
        var shop = await ShopWithOrdersAsync(1);
        var response = await ExportAsync(await Ops.ApiUserClientAsync($"fin-{Guid.NewGuid():N}@example.com", "finance", timeZone: "Europe/London"),
            new { format = "csv", code = OpsHost.GoodCode, shop });
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var rows = Csv(await response.Content.ReadAsStringAsync());
        var header = rows[0].ToList();
        rows[1][header.IndexOf("收件人")].ShouldBe("张三");
        rows[1][header.IndexOf("收件人电话")].ShouldBe("138****8000");
        rows[1][header.IndexOf("详细地址")].ShouldBe("环岛东路 1 号");
        rows[1][header.IndexOf("下单时间")].ShouldBe("2026-02-22 02:00:00");
        rows[1][header.IndexOf("身份证号")].ShouldBe("");   // finance never sees an ID card, not even masked
    }

    [Fact]
    public async Task An_admin_exports_excel_in_full()
    {
        var shop = await ShopWithOrdersAsync(2);
        var response = await ExportAsync(await Ops.ApiUserClientAsync($"admin-{Guid.NewGuid():N}@example.com", "admin"), new { format = "xlsx", code = OpsHost.GoodCode, shop });
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        await using var stream = new MemoryStream(await response.Content.ReadAsByteArrayAsync());
        var rows = MiniExcel.Query(stream, useHeaderRow: true).Cast<IDictionary<string, object>>().ToList();
        rows.Count.ShouldBe(2);
        rows.ShouldAllBe(r => (string)r["店铺"] == shop);
        rows.ShouldAllBe(r => (string)r["收件人电话"] == "13800138000");
        rows.ShouldAllBe(r => (string)r["详细地址"] == "环岛东路 1 号");
        rows.ShouldAllBe(r => (string)r["身份证号"] == IdCard);
        Convert.ToDecimal(rows[0]["实付"]).ShouldBe(89.00m);
    }

    [Fact]
    public async Task A_large_export_is_read_page_by_page_and_holds_every_order_once()
    {
        var shop = "EXP-" + Guid.NewGuid().ToString("N")[..8];
        await Host.EnsureShopAsync("douyin", shop);
        const int count = 2_345;   // more than two pages of the export's reads
        for (var start = 0; start < count; start += 1_000)
        {
            var batch = new JsonArray();
            for (var i = start; i < Math.Min(count, start + 1_000); i++)
            {
                var order = TestOrders.Example();
                order["shopCode"] = shop;
                batch.Add(order);
            }
            (await Host.PostJsonAsync("/api/v1/orders:batch", batch.ToJsonString())).StatusCode.ShouldBe(HttpStatusCode.OK);
        }
        foreach (var format in new[] { "csv", "xlsx" })
        {
            var response = await ExportAsync(await Ops.ApiUserClientAsync($"admin-{Guid.NewGuid():N}@example.com", "admin"), new { format, code = OpsHost.GoodCode, shop });
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            List<string> numbers;
            if (format == "csv")
                numbers = Csv(await response.Content.ReadAsStringAsync()).Skip(1).Select(r => r[0]).ToList();
            else
            {
                await using var stream = new MemoryStream(await response.Content.ReadAsByteArrayAsync());
                numbers = MiniExcel.Query(stream, useHeaderRow: true).Cast<IDictionary<string, object>>().Select(r => (string)r["订单号"]).ToList();
            }
            numbers.Count.ShouldBe(count, format);
            numbers.Distinct().Count().ShouldBe(count, format);
        }
    }

    [Fact]
    public async Task Over_the_role_limit_is_refused_with_the_count_and_the_limit_and_audited()
    {
        var shop = await ShopWithOrdersAsync(OpsHost.CustomerServiceLimit + 1);
        var email = $"cs-{Guid.NewGuid():N}@example.com";
        var response = await ExportAsync(await Ops.ApiUserClientAsync(email, "customer-service"), new { format = "csv", code = OpsHost.GoodCode, shop });

        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = await response.ReadObjectAsync();
        problem["rows"]!.GetValue<long>().ShouldBe(OpsHost.CustomerServiceLimit + 1);
        problem["limit"]!.GetValue<int>().ShouldBe(OpsHost.CustomerServiceLimit);
        problem["detail"]!.GetValue<string>().ShouldContain($"{OpsHost.CustomerServiceLimit + 1}");
        (await AuditAsync("user:" + email)).ShouldHaveSingleItem().Outcome.ShouldBe("denied");

        // The most generous role held counts: customer service together with finance may export it.
        (await ExportAsync(await Ops.ApiUserClientAsync(email, "customer-service,finance"), new { format = "csv", code = OpsHost.GoodCode, shop }))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("000000", true, "code")]
    [InlineData("", true, "code")]
    [InlineData(OpsHost.GoodCode, false, "code")]   // no second factor enrolled
    public async Task Without_a_good_second_factor_nothing_is_exported_and_the_attempt_is_audited(string code, bool enrolled, string field)
    {
        var email = $"ops-{Guid.NewGuid():N}@example.com";
        var response = await ExportAsync(await Ops.ApiUserClientAsync(email, "operations", secondFactor: enrolled), new { format = "csv", code, shop = TestOrders.Shop });
        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await response.ReadObjectAsync())["field"]!.GetValue<string>().ShouldBe(field);
        var entry = (await AuditAsync("user:" + email)).ShouldHaveSingleItem();
        entry.Outcome.ShouldBe("denied");
        JsonNode.Parse(entry.Detail)!["reason"]!.GetValue<string>().ShouldNotBeEmpty();
    }

    [Fact]
    public async Task An_api_key_cannot_export_even_as_admin()
    {
        var response = await ExportAsync(Host.Client, new { format = "csv", code = OpsHost.GoodCode });
        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await response.ReadObjectAsync())["detail"]!.GetValue<string>().ShouldContain("API key");
        await using var db = await Host.Database.OpenMigratedAsync();
        var denied = await db.ReadAsync(s => AuditStore.QueryAsync(s, new AuditQuery(Action: "orders.export", Outcome: "denied")));
        denied.ShouldContain(e => e.Actor.StartsWith("key:"));
    }

    [Fact]
    public async Task Roles_without_the_export_permission_are_refused()
    {
        (await ExportAsync(await Ops.ApiUserClientAsync($"wh-{Guid.NewGuid():N}@example.com", "warehouse"), new { format = "csv", code = OpsHost.GoodCode }))
            .StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Bad_filters_and_formats_name_their_field()
    {
        var client = await Ops.ApiUserClientAsync($"admin-{Guid.NewGuid():N}@example.com", "admin");
        var format = await ExportAsync(client, new { format = "pdf", code = OpsHost.GoodCode });
        format.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await format.ReadObjectAsync())["field"]!.GetValue<string>().ShouldBe("format");
        var status = await ExportAsync(client, new { format = "csv", code = OpsHost.GoodCode, status = "Lost" });
        (await status.ReadObjectAsync())["field"]!.GetValue<string>().ShouldBe("status");
    }

    [Fact]
    public async Task A_form_post_exports_the_same_way()
    {
        var shop = await ShopWithOrdersAsync(1);
        var response = await (await Ops.ApiUserClientAsync($"admin-{Guid.NewGuid():N}@example.com", "admin")).PostAsync("/api/v1/orders/export",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["format"] = "csv", ["code"] = OpsHost.GoodCode, ["shop"] = shop }));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        Csv(await response.Content.ReadAsStringAsync()).Count.ShouldBe(2);
    }
}

public sealed class ExportTestsOnSqlite(OpsSqliteHost host) : ExportTests(host), IClassFixture<OpsSqliteHost>;
public sealed class ExportTestsOnPostgres(OpsPostgresHost host) : ExportTests(host), IClassFixture<OpsPostgresHost>;
