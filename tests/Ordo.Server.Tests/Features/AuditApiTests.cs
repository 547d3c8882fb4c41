using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Ordo.Data;
using Ordo.Data.Security;
using Ordo.Server.Tests.Infrastructure;
using Shouldly;

namespace Ordo.Server.Tests.Features;

/// <summary>GET /api/v1/audit (filters, keyset paging) and the monthly access report as JSON and CSV.</summary>
public abstract class AuditApiTests(OpsHost host) : CatalogueTestBase(host)
{
    private async Task AppendAsync(params (string At, string Actor, string Action, string Outcome, string? Target, string Detail)[] entries)
    {
        await using var db = await Host.Database.OpenMigratedAsync();
        foreach (var e in entries)
            await db.WriteAsync(s => AuditStore.AppendAsync(s, DateTimeOffset.Parse(e.At), e.Actor, e.Action, e.Outcome, e.Target, "127.0.0.1", e.Detail));
    }

    [Fact]
    public async Task The_log_is_filtered_and_paged_newest_first()
    {
        var actor = $"user:li-{Guid.NewGuid():N}@example.com";
        await AppendAsync(
            ("2026-12-01T10:00:00+08:00", actor, "pii.view", "ok", "20261201-DY-000001", "{\"fields\":[\"phone\"]}"),
            ("2026-12-02T10:00:00+08:00", actor, "pii.view", "ok", "20261202-DY-000002", "{}"),
            ("2026-12-03T10:00:00+08:00", actor, "orders.export", "denied", "orders", "{\"reason\":\"wrong code\"}"),
            ("2026-12-04T10:00:00+08:00", actor, "pii.view", "ok", "20261204-DY-000004", "{}"));

        var first = await Host.GetJsonAsync($"/api/v1/audit?actor={Uri.EscapeDataString(actor)}&limit=2");
        var items = first["items"]!.AsArray();
        items.Select(i => i!["target"]!.GetValue<string>()).ShouldBe(["20261204-DY-000004", "orders"]);
        items[1]!["detail"]!["reason"]!.GetValue<string>().ShouldBe("wrong code");
        var cursor = first["nextCursor"]!.GetValue<string>();
        var second = await Host.GetJsonAsync($"/api/v1/audit?actor={Uri.EscapeDataString(actor)}&limit=2&cursor={cursor}");
        second["items"]!.AsArray().Select(i => i!["target"]!.GetValue<string>()).ShouldBe(["20261202-DY-000002", "20261201-DY-000001"]);
        second["nextCursor"].ShouldBeNull();

        var denied = await Host.GetJsonAsync($"/api/v1/audit?actor={Uri.EscapeDataString(actor)}&outcome=denied");
        denied["items"]!.AsArray().ShouldHaveSingleItem()!["action"]!.GetValue<string>().ShouldBe("orders.export");
        var views = await Host.GetJsonAsync($"/api/v1/audit?actor={Uri.EscapeDataString(actor)}&action=pii.view&from={Uri.EscapeDataString("2026-12-02T00:00:00+08:00")}&to={Uri.EscapeDataString("2026-12-04T00:00:00+08:00")}");
        views["items"]!.AsArray().ShouldHaveSingleItem()!["target"]!.GetValue<string>().ShouldBe("20261202-DY-000002");
    }

    [Theory]
    [InlineData("outcome=maybe", "outcome")]
    [InlineData("from=yesterday", "from")]
    [InlineData("limit=0", "limit")]
    [InlineData("cursor=nonsense!", "cursor")]
    public async Task Bad_filters_name_their_field(string query, string field)
    {
        var response = await Host.Client.GetAsync("/api/v1/audit?" + query);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.ReadObjectAsync())["field"]!.GetValue<string>().ShouldBe(field);
    }

    [Fact]
    public async Task Only_audit_readers_see_the_log()
    {
        var created = await (await Host.Client.PostAsJsonAsync("/api/v1/api-keys", new { name = "ops", roles = new[] { "operations" } })).ReadObjectAsync();
        var ops = Host.NewClient(created["key"]!.GetValue<string>());
        (await ops.GetAsync("/api/v1/audit")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await ops.GetAsync("/api/v1/audit/report?month=2026-12")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_monthly_report_counts_the_china_month_and_its_csv_download_is_audited()
    {
        // A month of its own in this database (other tests write December 2026 and today).
        await AppendAsync(
            ("2031-02-28T16:30:00Z", "user:early@x", "pii.view", "ok", null, "{}"),              // 1 March 00:30 in China
            ("2031-03-03T10:00:00+08:00", "user:boss@x", "pii.view", "ok", null, "{}"),
            ("2031-03-03T11:00:00+08:00", "user:boss@x", "pii.decrypt", "ok", null, "{}"),
            ("2031-03-08T22:15:00+08:00", "user:boss@x", "orders.export", "ok", "orders", "{\"rows\":23000,\"format\":\"xlsx\"}"),  // a Saturday night
            ("2031-03-04T10:00:00+08:00", "user:cs@x", "access.denied", "denied", "/api/v1/audit", "{}"),
            ("2031-03-05T10:00:00+08:00", "anonymous", "login", "failed", "li@x", "{}"),
            ("2031-03-31T16:30:00Z", "user:late@x", "pii.view", "ok", null, "{}"));             // 1 April in China

        var report = await Host.GetJsonAsync("/api/v1/audit/report?month=2031-03");
        report["month"]!.GetValue<string>().ShouldBe("2031-03");
        report["entries"]!.GetValue<int>().ShouldBe(6);
        var top = report["topAccessors"]!.AsArray();
        top[0]!["actor"]!.GetValue<string>().ShouldBe("user:boss@x");
        top[0]!["total"]!.GetValue<int>().ShouldBe(3);
        top.Select(t => t!["actor"]!.GetValue<string>()).ShouldBe(["user:boss@x", "user:early@x"]);
        var offHours = report["exportsOutsideWorkingHours"]!.AsArray().ShouldHaveSingleItem()!;
        offHours["reason"]!.GetValue<string>().ShouldBe("weekend");
        offHours["rows"]!.GetValue<long>().ShouldBe(23000);
        report["deniedByActor"]!.AsArray().ShouldHaveSingleItem()!["actor"]!.GetValue<string>().ShouldBe("user:cs@x");
        report["signIns"]!.AsArray().ShouldHaveSingleItem()!["account"]!.GetValue<string>().ShouldBe("li@x");

        var csv = await Host.Client.GetAsync("/api/v1/audit/report?month=2031-03&format=csv");
        csv.StatusCode.ShouldBe(HttpStatusCode.OK);
        csv.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        csv.Content.Headers.ContentDisposition!.FileName!.ShouldContain("2031-03");
        var text = await csv.Content.ReadAsStringAsync();
        text.ShouldContain("exports_outside_working_hours,user:boss@x,orders.export,1,2031-03-08 22:15:00,orders,weekend; rows 23000; format xlsx\r\n");
        text.ShouldContain("sign_in_failures,li@x,login,1,,,\r\n");

        // Reading the report was not audited; the download was.
        await using var db = await Host.Database.OpenMigratedAsync();
        var downloads = await db.ReadAsync(s => AuditStore.QueryAsync(s, new AuditQuery(Action: "audit.export")));
        downloads.ShouldHaveSingleItem().Target.ShouldBe("report:2031-03");
        JsonNode.Parse(downloads[0].Detail)!["format"]!.GetValue<string>().ShouldBe("csv");
    }

    [Fact]
    public async Task A_month_that_is_not_one_is_refused()
    {
        var response = await Host.Client.GetAsync("/api/v1/audit/report?month=2031-13");
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.ReadObjectAsync())["field"]!.GetValue<string>().ShouldBe("month");
        (await Host.Client.GetAsync("/api/v1/audit/report?month=2031-03&format=pdf")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }
}

public sealed class AuditApiTestsOnSqlite(OpsSqliteHost host) : AuditApiTests(host), IClassFixture<OpsSqliteHost>;
public sealed class AuditApiTestsOnPostgres(OpsPostgresHost host) : AuditApiTests(host), IClassFixture<OpsPostgresHost>;
