using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Ordo.Data.Security;
using Ordo.Server.Tests.Features;
using Ordo.Server.Tests.Infrastructure;
using Shouldly;

namespace Ordo.Server.Tests.Console;

/// <summary>The operations pages (inbox, shops, inventory, webhooks, audit, exports) driven as a browser does.</summary>
public abstract class OpsPagesTests(OpsHost host) : CatalogueTestBase(host)
{
    private OpsHost Ops => (OpsHost)Host;
    private HttpClient? _admin;
    /// <summary>One browser (one cookie jar) per test, so that a form's antiforgery token matches its cookie.</summary>
    private HttpClient Admin => _admin ??= ConsolePages.Browser(Host);

    private static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    private async Task AppendAuditAsync(string at, string actor, string action, string outcome = "ok", string? target = null, string detail = "{}")
    {
        await using var db = await Host.Database.OpenMigratedAsync();
        await db.WriteAsync(s => AuditStore.AppendAsync(s, DateTimeOffset.Parse(at), actor, action, outcome, target, "10.0.0.1", detail));
    }

    // ---- audit ----

    [Fact]
    public async Task The_audit_log_filters_and_pages_by_id()
    {
        var actor = $"user:{Unique("li")}@example.com";
        for (var i = 0; i < 51; i++) await AppendAuditAsync($"2026-12-01T10:{i:D2}:00+08:00", actor, "pii.view", target: $"order-{i:D2}");
        await AppendAuditAsync("2026-12-02T10:00:00+08:00", actor, "orders.export", "denied", "orders", "{\"reason\":\"wrong code\"}");

        var first = await Admin.GetHtmlAsync($"/audit?actor={Uri.EscapeDataString(actor)}");
        ConsolePages.CountTest(first, "audit-row").ShouldBe(50);
        first.ShouldContain("order-50");
        first.ShouldNotContain("order-00<");
        var older = System.Text.RegularExpressions.Regex.Match(first, "href=\"(/audit\\?[^\"]+)\" id=\"audit-older\"").Groups[1].Value;
        older.ShouldNotBeEmpty();
        var second = await Admin.GetHtmlAsync(System.Net.WebUtility.HtmlDecode(older));
        ConsolePages.CountTest(second, "audit-row").ShouldBe(2);
        second.ShouldContain("order-00");

        var denied = await Admin.GetHtmlAsync($"/audit?actor={Uri.EscapeDataString(actor)}&outcome=denied");
        ConsolePages.CountTest(denied, "audit-row").ShouldBe(1);
        denied.ShouldContain("wrong code");
        var dated = await Admin.GetHtmlAsync($"/audit?actor={Uri.EscapeDataString(actor)}&from=2026-12-02&to=2026-12-02");
        ConsolePages.CountTest(dated, "audit-row").ShouldBe(1);
        (await Admin.GetHtmlAsync("/audit?actor=nobody-at-all")).ShouldContain("data-test=\"audit-empty\"");
    }

    [Fact]
    public async Task Only_audit_readers_open_the_audit_pages()
    {
        var cs = ConsolePages.Browser(Host, await ConsolePages.CreateKeyAsync(Host, "customer-service"));
        (await cs.GetAsync("/audit")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await cs.GetAsync("/audit/report")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_report_page_charts_top_accessors_and_its_csv_download_is_audited()
    {
        await AppendAuditAsync("2031-05-06T10:00:00+08:00", "user:boss@x", "pii.view");
        await AppendAuditAsync("2031-05-06T10:05:00+08:00", "user:boss@x", "pii.decrypt");
        await AppendAuditAsync("2031-05-10T21:00:00+08:00", "user:night@x", "orders.export", detail: "{\"rows\":9,\"format\":\"csv\"}");
        await AppendAuditAsync("2031-05-07T10:00:00+08:00", "user:cs@x", "access.denied", "denied");

        var html = await Admin.GetHtmlAsync("/audit/report?month=2031-05");
        html.ShouldContain("data-test=\"top-accessors-chart\"");
        html.ShouldContain("/lib/echarts/echarts.min.js");
        ConsolePages.CountTest(html, "top-accessor").ShouldBe(2);
        ConsolePages.CountTest(html, "off-hours-export").ShouldBe(1);
        html.ShouldContain("user:night@x");
        html.ShouldContain("data-test=\"denied-by-actor\"");

        var csv = await Admin.GetAsync("/audit/report?handler=csv&month=2031-05");
        csv.StatusCode.ShouldBe(HttpStatusCode.OK);
        csv.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        (await csv.Content.ReadAsStringAsync()).ShouldContain("top_accessors,user:boss@x,pii.decrypt,1,,,");
        await using var db = await Host.Database.OpenMigratedAsync();
        (await db.ReadAsync(s => AuditStore.QueryAsync(s, new AuditQuery(Action: "audit.export"))))
            .ShouldContain(e => e.Target == "report:2031-05" && e.Actor.StartsWith("key:"));

        (await Admin.GetHtmlAsync("/audit/report?month=2031-13")).ShouldContain("data-test=\"error-state\"");
    }

    // ---- exports ----

    [Fact]
    public async Task The_export_form_refuses_a_wrong_code_and_downloads_with_a_good_one()
    {
        var shop = Unique("EXP");
        await Host.EnsureShopAsync("douyin", shop);
        var order = TestOrders.Example();
        order["shopCode"] = shop;
        (await Host.PostOrderAsync(order)).StatusCode.ShouldBe(HttpStatusCode.Created);
        var browser = Ops.UserClient($"{Unique("cs")}@example.com", "customer-service");

        var form = await browser.GetHtmlAsync($"/exports?shop={shop}");
        form.ShouldContain("data-test=\"export-form\"");
        form.ShouldContain($"value=\"{shop}\" selected");
        var token = ConsolePages.TokenOf(form);

        var refused = await browser.PostFormAsync("/exports", token, ("shop", shop), ("format", "csv"), ("code", "111111"));
        refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await refused.Content.ReadAsStringAsync()).ShouldContain("data-test=\"export-refused\"");

        var file = await browser.PostFormAsync("/exports", token, ("shop", shop), ("format", "csv"), ("code", OpsHost.GoodCode), ("from", "2026-02-22"), ("to", "2026-02-22"));
        file.StatusCode.ShouldBe(HttpStatusCode.OK);
        file.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        var text = await file.Content.ReadAsStringAsync();
        text.ShouldContain("138****8000");
        text.ShouldNotContain("13800138000");
        text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length.ShouldBe(2);

        // A day range that misses the order (created 2026-02-22 China time) exports only the header.
        var none = await browser.PostFormAsync("/exports", token, ("shop", shop), ("format", "csv"), ("code", OpsHost.GoodCode), ("from", "2026-02-23"));
        (await none.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length.ShouldBe(1);
    }

    [Fact]
    public async Task The_order_list_links_to_the_export_form_with_its_filters_for_those_who_may_export()
    {
        var list = await Ops.UserClient($"{Unique("fin")}@example.com", "finance").GetHtmlAsync($"/orders?status=Paid&shop={TestOrders.Shop}");
        list.ShouldContain($"href=\"/exports?status=Paid&amp;shop={TestOrders.Shop}\"");
        list.ShouldContain("data-test=\"orders-export\"");
        (await Ops.UserClient($"{Unique("wh")}@example.com", "warehouse").GetHtmlAsync("/orders")).ShouldNotContain("data-test=\"orders-export\"");
    }

    [Fact]
    public async Task The_export_form_needs_the_export_permission() =>
        (await Ops.UserClient($"{Unique("wh")}@example.com", "warehouse").GetAsync("/exports")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

    // ---- inbox ----

    private async Task<long> RejectedItemAsync(string shop)
    {
        var order = TestOrders.Example();
        order["shopCode"] = shop;
        var response = await Host.PostOrderAsync(order);
        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        return (await response.ReadObjectAsync())["inboxId"]!.GetValue<long>();
    }

    [Fact]
    public async Task A_rejected_payload_shows_its_reason_and_is_fixed_and_replayed_from_the_page()
    {
        var missing = Unique("NOPE");
        var id = await RejectedItemAsync(missing);

        var list = await Admin.GetHtmlAsync("/inbox");
        list.ShouldContain($"data-id=\"{id}\"");
        list.ShouldContain($"shop &#x27;{missing}&#x27; does not exist");

        var page = await Admin.GetHtmlAsync($"/inbox/{id}");
        page.ShouldContain("data-test=\"inbox-error-field\">shopCode<");
        page.ShouldContain("data-test=\"replay-payload\"");
        page.ShouldContain("13800138000");   // an admin has pii:full, and that view is audited
        await using (var db = await Host.Database.OpenMigratedAsync())
            (await db.ReadAsync(s => AuditStore.QueryAsync(s, new AuditQuery(Action: "pii.view")))).ShouldContain(e => e.Target == $"inbox:{id}");

        // Replaying it unchanged fails the same way; with the shop corrected in the payload it is accepted.
        var token = ConsolePages.TokenOf(page);
        var same = await (await Admin.PostFormAsync($"/inbox/{id}?handler=replay", token)).Content.ReadAsStringAsync();
        same.ShouldContain("data-ok=\"false\"");
        var payload = System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(page, "data-test=\"replay-payload\">([^<]*)</textarea>").Groups[1].Value);
        var fixedPayload = payload.Replace(missing, TestOrders.Shop);
        var replayed = await (await Admin.PostFormAsync($"/inbox/{id}?handler=replay", token, ("payload", fixedPayload))).Content.ReadAsStringAsync();
        replayed.ShouldContain("data-ok=\"true\"");
        replayed.ShouldContain("data-test=\"inbox-item-status\">已接收<");
        (await Host.GetJsonAsync($"/api/v1/inbox/{id}"))["status"]!.GetValue<string>().ShouldBe("accepted");
    }

    [Fact]
    public async Task Without_full_personal_data_access_the_payload_is_not_shown()
    {
        var id = await RejectedItemAsync(Unique("NOPE"));
        var ops = ConsolePages.Browser(Host, await ConsolePages.CreateKeyAsync(Host, "operations"));
        var page = await ops.GetHtmlAsync($"/inbox/{id}");
        page.ShouldContain("data-test=\"payload-masked\"");
        page.ShouldContain("138****8000");
        page.ShouldNotContain("data-test=\"replay-payload\"");
        page.ShouldNotContain("13800138000");
        page.ShouldNotContain("环岛东路");
        page.ShouldContain("data-test=\"inbox-error-field\">shopCode<");
        (await ConsolePages.Browser(Host, await ConsolePages.CreateKeyAsync(Host, "customer-service")).GetAsync("/inbox")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    // ---- shops ----

    [Fact]
    public async Task A_shop_is_connected_and_edited_from_the_page_and_its_secrets_never_come_back()
    {
        var code = Unique("TB");
        var form = await Admin.GetHtmlAsync("/shops/new");
        var token = ConsolePages.TokenOf(form);
        var created = await Admin.PostFormAsync("/shops/new", token, ("platform", "taobao"), ("code", code), ("name", "淘宝旗舰店"),
            ("appKey", "12345678"), ("appSecret", "super-secret-value-1"), ("pullIntervalSeconds", "120"));
        created.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        created.Headers.Location!.OriginalString.ShouldBe($"/shops/{code}?saved=1");

        var edit = await Admin.GetHtmlAsync($"/shops/{code}?saved=1");
        edit.ShouldContain("data-test=\"shop-saved\"");
        edit.ShouldNotContain("super-secret-value-1");
        edit.ShouldContain("已设置");
        var shop = await Host.GetJsonAsync($"/api/v1/shops/{code}");
        shop["hasAppSecret"]!.GetValue<bool>().ShouldBeTrue();
        shop["pullIntervalSeconds"]!.GetValue<int>().ShouldBe(120);

        var bad = await Admin.PostFormAsync($"/shops/{code}", ConsolePages.TokenOf(edit), ("apiBaseUrl", "ftp://nowhere"));
        bad.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await bad.Content.ReadAsStringAsync()).ShouldContain("data-field=\"apiBaseUrl\"");

        var saved = await Admin.PostFormAsync($"/shops/{code}", ConsolePages.TokenOf(edit), ("appKey", "12345678"), ("pushEnabled", "true"));
        saved.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await Host.GetJsonAsync($"/api/v1/shops/{code}"))["pushEnabled"]!.GetValue<bool>().ShouldBeTrue();
        (await Host.GetJsonAsync($"/api/v1/shops/{code}"))["hasAppSecret"]!.GetValue<bool>().ShouldBeTrue();   // an empty secret field kept it

        var list = await Admin.GetHtmlAsync("/shops");
        list.ShouldContain($"data-code=\"{code}\"");
        list.ShouldContain($"data-code=\"{TestOrders.Shop}\"");
    }

    [Fact]
    public async Task A_duplicate_shop_is_refused_on_the_form()
    {
        var token = ConsolePages.TokenOf(await Admin.GetHtmlAsync("/shops/new"));
        var response = await Admin.PostFormAsync("/shops/new", token, ("platform", "douyin"), ("code", TestOrders.Shop), ("name", "again"));
        response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await response.Content.ReadAsStringAsync()).ShouldContain("data-test=\"shop-error\"");
    }

    // ---- inventory ----

    [Fact]
    public async Task Inventory_shows_atp_per_warehouse_and_the_ledger()
    {
        var sku = Unique("SKU");
        var warehouse = Unique("WH");
        await Host.EnsureSkuAsync(sku);
        (await Host.Client.PostAsJsonAsync("/api/v1/warehouses", new { code = warehouse, name = "成都仓" })).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await Host.Client.PostAsJsonAsync("/api/v1/inventory/receipts", new { sku, warehouse, quantity = 40, reference = "PO-1" })).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await Host.Client.PostAsJsonAsync("/api/v1/inventory/adjustments", new { sku, warehouse, quantity = -3, reason = "damaged" })).StatusCode.ShouldBe(HttpStatusCode.Created);

        var reader = ConsolePages.Browser(Host, await ConsolePages.CreateKeyAsync(Host, "customer-service"));
        var list = await reader.GetHtmlAsync($"/inventory?after={Uri.EscapeDataString(sku[..^1])}");
        list.ShouldContain($"data-sku=\"{sku}\"");

        var page = await reader.GetHtmlAsync($"/inventory/{sku}");
        page.ShouldContain($"data-warehouse=\"{warehouse}\"");
        page.ShouldContain("data-test=\"wh-on-hand\">37<");
        // The default safety buffer (5% of on hand) is kept back from ATP.
        var safety = int.Parse(System.Text.RegularExpressions.Regex.Match(page, "data-test=\"wh-safety\">(\\d+)<").Groups[1].Value);
        safety.ShouldBeGreaterThan(0);
        page.ShouldContain($"data-test=\"wh-atp\">{37 - safety}<");
        page.ShouldContain($"data-test=\"sku-atp\">{37 - safety}<");
        ConsolePages.CountTest(page, "ledger-row").ShouldBe(2);
        page.ShouldContain("damaged");
        page.ShouldContain("PO-1");

        (await reader.GetAsync($"/inventory/{Unique("NONE")}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    // ---- webhooks ----

    [Fact]
    public async Task Only_full_personal_data_access_subscribes_a_webhook_to_personal_data_in_full()
    {
        var ops = ConsolePages.Browser(Host, await ConsolePages.CreateKeyAsync(Host, "operations"));
        var token = ConsolePages.TokenOf(await ops.GetHtmlAsync("/webhooks"));
        var refused = await ops.PostFormAsync("/webhooks?handler=add", token, ("url", "https://erp.example.com/hook"), ("secret", WebhookReceiver.Secret), ("personalData", "full"));
        refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await refused.Content.ReadAsStringAsync()).ShouldContain("data-field=\"personalData\"");

        var name = Unique("full");
        (await Admin.PostFormAsync("/webhooks?handler=add", ConsolePages.TokenOf(await Admin.GetHtmlAsync("/webhooks")), ("name", name),
            ("url", "https://erp.example.com/hook"), ("secret", WebhookReceiver.Secret), ("personalData", "full"))).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await Host.GetJsonAsync("/api/v1/webhooks"))["items"]!.AsArray().Single(s => s!["name"]!.GetValue<string>() == name)!["personalData"]!.GetValue<string>().ShouldBe("full");
    }

    [Fact]
    public async Task A_subscription_is_added_on_the_page_and_a_delivery_is_resent()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var page = await Admin.GetHtmlAsync("/webhooks");
        var token = ConsolePages.TokenOf(page);

        var tooShort = await Admin.PostFormAsync("/webhooks?handler=add", token, ("url", receiver.Url), ("secret", "short"));
        tooShort.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await tooShort.Content.ReadAsStringAsync()).ShouldContain("data-field=\"secret\"");

        var name = Unique("erp");
        var added = await Admin.PostFormAsync("/webhooks?handler=add", token, ("name", name), ("url", receiver.Url), ("secret", WebhookReceiver.Secret),
            ("eventTypes", "order.created"));
        added.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await Admin.GetHtmlAsync("/webhooks?done=added")).ShouldContain(name);

        var orderNo = (await (await Host.PostOrderAsync(TestOrders.Example())).ReadObjectAsync())["orderNo"]!.GetValue<string>();
        await WebhookReceiver.WaitUntilAsync(() => receiver.For(orderNo).Count >= 1, TimeSpan.FromSeconds(30), "the first delivery");
        string delivered = "";
        await WebhookReceiver.WaitUntilAsync(() =>
        {
            delivered = Admin.GetHtmlAsync("/webhooks?status=done").GetAwaiter().GetResult();
            return delivered.Contains(orderNo);
        }, TimeSpan.FromSeconds(30), "the delivery marked done");
        var id = System.Text.RegularExpressions.Regex.Match(delivered, $"data-id=\"(\\d+)\" data-status=\"done\">\\s*<td class=\"mono\">\\d+</td>\\s*<td>{name}</td>").Groups[1].Value;
        id.ShouldNotBeEmpty();

        var resent = await Admin.PostFormAsync($"/webhooks?handler=resend&id={id}", ConsolePages.TokenOf(delivered));
        resent.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        await WebhookReceiver.WaitUntilAsync(() => receiver.For(orderNo).Count >= 2, TimeSpan.FromSeconds(30), "the re-sent delivery");

        var subscriptionId = System.Text.RegularExpressions.Regex.Match(await Admin.GetHtmlAsync("/webhooks"), $"data-id=\"(\\d+)\">\\s*<td>{name}</td>").Groups[1].Value;
        (await Admin.PostFormAsync($"/webhooks?handler=disable&id={subscriptionId}", token)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await Host.GetJsonAsync("/api/v1/webhooks"))["items"]!.AsArray().Single(s => s!["name"]!.GetValue<string>() == name)!["active"]!.GetValue<bool>().ShouldBeFalse();
    }
}

public sealed class OpsPagesTestsOnSqlite(OpsSqliteHost host) : OpsPagesTests(host), IClassFixture<OpsSqliteHost>;
public sealed class OpsPagesTestsOnPostgres(OpsPostgresHost host) : OpsPagesTests(host), IClassFixture<OpsPostgresHost>;
