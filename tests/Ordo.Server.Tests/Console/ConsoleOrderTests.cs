using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Ordo.Server.Tests.Infrastructure;
using Shouldly;

namespace Ordo.Server.Tests.Console;

/// <summary>The order pages, the holds queue, the overview and the live stream, driven as a browser would (with an API key).</summary>
public abstract partial class ConsoleOrderTests(OrdoHost host) : CatalogueTestBase(host)
{
    /// <summary>A shop of its own for a test (the host is shared by the class), with <paramref name="count"/> orders in it.</summary>
    private async Task<(string Shop, List<(string OrderNo, string PlatformOrderId)> Orders)> ShopWithOrdersAsync(int count, string status = "Paid", string? idCard = null)
    {
        var shop = "CON-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        await Host.EnsureShopAsync("douyin", shop);
        var orders = new List<(string, string)>();
        for (var i = 0; i < count; i++)
        {
            var order = TestOrders.Example(status: status);
            order["shopCode"] = shop;
            if (idCard is not null) order["receiver"]!["idCard"] = idCard;
            var body = await (await Host.PostOrderAsync(order)).ReadObjectAsync();
            orders.Add((body["orderNo"]!.GetValue<string>(), order["platformOrderId"]!.GetValue<string>()));
        }
        return (shop, orders);
    }

    private static List<string> RowOrderNos(string html) => RowPattern().Matches(html).Select(m => m.Groups[1].Value).ToList();

    private async Task<string> StatusOfAsync(string orderNo) => (await Host.GetJsonAsync($"/api/v1/orders/{orderNo}"))["status"]!.GetValue<string>();

    [Fact]
    public async Task Every_order_page_renders()
    {
        var (_, orders) = await ShopWithOrdersAsync(1);
        var browser = ConsolePages.Browser(Host);
        (await browser.GetHtmlAsync("/")).ShouldContain("data-test=\"backlog\"");
        var list = await browser.GetHtmlAsync("/orders");
        list.ShouldContain("data-test=\"search-box\"");
        list.ShouldContain(orders[0].OrderNo);
        var detail = await browser.GetHtmlAsync($"/orders/{orders[0].OrderNo}");
        detail.ShouldContain("data-test=\"timeline-event\"");
        detail.ShouldContain("马克杯");
        // Only the actions the lifecycle allows for a paid order get a button.
        foreach (var allowed in new[] { "accept", "hold", "cancel" }) ConsolePages.CountTest(detail, "action-" + allowed).ShouldBe(1, allowed);
        ConsolePages.CountTest(detail, "action-release").ShouldBe(0);
        (await browser.GetHtmlAsync("/holds")).ShouldContain("data-test=\"holds-list\"");
        // An unknown or malformed order number is the console's 404 page.
        (await browser.GetHtmlAsync("/orders/NOT-AN-ORDER", HttpStatusCode.NotFound)).ShouldContain("data-test=\"error-page\"");
    }

    [Fact]
    public async Task List_filters_and_pages_by_keyset()
    {
        var (shop, orders) = await ShopWithOrdersAsync(7);
        (await Host.ActAsync(orders[0].OrderNo, "accept")).EnsureSuccessStatusCode();
        var browser = ConsolePages.Browser(Host);

        var all = RowOrderNos(await browser.GetHtmlAsync($"/orders?shop={shop}"));
        all.ShouldBe(orders.Select(o => o.OrderNo).Reverse().ToList()); // newest first
        RowOrderNos(await browser.GetHtmlAsync($"/orders?shop={shop}&status=Accepted")).ShouldBe([orders[0].OrderNo]);
        RowOrderNos(await browser.GetHtmlAsync($"/orders?q={orders[3].PlatformOrderId}")).ShouldBe([orders[3].OrderNo]);
        RowOrderNos(await browser.GetHtmlAsync($"/orders?shop={shop}&platform=douyin&from=2026-02-22&to=2026-02-22")).Count.ShouldBe(7);
        (await browser.GetHtmlAsync($"/orders?shop={shop}&from=2026-02-23")).ShouldContain("data-test=\"orders-empty\"");
        (await browser.GetHtmlAsync($"/orders?shop={shop}&platform=taobao")).ShouldContain("data-test=\"orders-empty\"");
        (await browser.GetHtmlAsync("/orders?status=Lost")).ShouldContain("data-test=\"error-state\"");

        // Pages of 3 by cursor: 3, 3, 1, each newest first, together every order once.
        var seen = new List<string>();
        var url = $"/orders?shop={shop}&limit=3";
        var pages = 0;
        while (url is not null)
        {
            var html = await browser.GetHtmlAsync(url);
            var rows = RowOrderNos(html);
            rows.Count.ShouldBeLessThanOrEqualTo(3);
            seen.AddRange(rows);
            pages++;
            url = NextPattern().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : null;
        }
        pages.ShouldBe(3);
        seen.ShouldBe(all);
    }

    [Fact]
    public async Task Bulk_actions_go_through_the_order_lifecycle_and_reasons_are_required()
    {
        var (shop, orders) = await ShopWithOrdersAsync(3);
        (await Host.ActAsync(orders[2].OrderNo, "accept")).EnsureSuccessStatusCode();
        var browser = ConsolePages.Browser(Host);
        var page = await browser.GetHtmlAsync($"/orders?shop={shop}");
        var token = ConsolePages.TokenOf(page);
        var selected = orders.Select(o => ("orderNos", o.OrderNo)).ToArray();

        // Accept all three: two are accepted, the third (already accepted) is refused by the lifecycle.
        var accepted = await (await browser.PostFormAsync($"/orders?handler=Bulk&shop={shop}", token, [.. selected, ("bulkAction", "accept")])).Content.ReadAsStringAsync();
        accepted.ShouldContain("data-succeeded=\"2\" data-failed=\"1\"");
        accepted.ShouldContain(orders[2].OrderNo);
        foreach (var (orderNo, _) in orders) (await StatusOfAsync(orderNo)).ShouldBe("Accepted");

        // Hold without a reason: refused before anything changes.
        var noReason = await (await browser.PostFormAsync($"/orders?handler=Bulk&shop={shop}", token, [.. selected, ("bulkAction", "hold"), ("reason", " ")])).Content.ReadAsStringAsync();
        noReason.ShouldContain("data-test=\"form-error\"");
        (await StatusOfAsync(orders[0].OrderNo)).ShouldBe("Accepted");

        var held = await (await browser.PostFormAsync($"/orders?handler=Bulk&shop={shop}", token, [.. selected, ("bulkAction", "hold"), ("reason", "地址待确认")])).Content.ReadAsStringAsync();
        held.ShouldContain("data-succeeded=\"3\" data-failed=\"0\"");
        var events = (await Host.GetJsonAsync($"/api/v1/orders/{orders[1].OrderNo}/events"))["events"]!.AsArray();
        events[^1]!["to"]!.GetValue<string>().ShouldBe("OnHold");
        events[^1]!["reason"]!.GetValue<string>().ShouldBe("地址待确认");

        // The list shows them held; a key without orders:act may not act.
        RowOrderNos(await browser.GetHtmlAsync($"/orders?shop={shop}&status=OnHold")).Count.ShouldBe(3);
        var finance = ConsolePages.Browser(Host, await ConsolePages.CreateKeyAsync(Host, "finance"));
        var financePage = await finance.GetHtmlAsync($"/orders?shop={shop}");
        financePage.ShouldNotContain("data-test=\"bulk-form\"");
        var forbidden = await finance.PostFormAsync("/orders?handler=Bulk", ConsolePages.TokenOf(financePage), [.. selected, ("bulkAction", "cancel"), ("reason", "x")]);
        forbidden.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await forbidden.Content.ReadAsStringAsync()).ShouldContain("data-status=\"403\""); // the console's 403 page
        (await StatusOfAsync(orders[0].OrderNo)).ShouldBe("OnHold");
    }

    [Fact]
    public async Task Saved_views_belong_to_their_owner()
    {
        var (shop, _) = await ShopWithOrdersAsync(1);
        var admin = ConsolePages.Browser(Host);
        var page = await admin.GetHtmlAsync($"/orders?shop={shop}&status=Paid");
        var name = "视图 " + shop;
        var saved = await (await admin.PostFormAsync($"/orders?handler=SaveView&shop={shop}&status=Paid", ConsolePages.TokenOf(page), ("viewName", name))).Content.ReadAsStringAsync();
        saved.ShouldContain("data-test=\"notice\"");
        var again = await admin.GetHtmlAsync("/orders");
        again.ShouldContain($"href=\"/orders?status=Paid&amp;shop={shop}\" data-test=\"saved-view\">{name}<");

        // A view without a name is refused; another key does not see this one.
        (await (await admin.PostFormAsync("/orders?handler=SaveView", ConsolePages.TokenOf(again), ("viewName", ""))).Content.ReadAsStringAsync())
            .ShouldContain("data-test=\"form-error\"");
        var other = ConsolePages.Browser(Host, await ConsolePages.CreateKeyAsync(Host, "operations"));
        (await other.GetHtmlAsync("/orders")).ShouldNotContain(name);

        var id = ViewIdPattern().Match(again).Groups[1].Value;
        id.ShouldNotBeEmpty();
        await admin.PostFormAsync("/orders?handler=DeleteView", ConsolePages.TokenOf(again), ("viewId", id));
        (await admin.GetHtmlAsync("/orders")).ShouldNotContain(name);
    }

    [Fact]
    public async Task Hold_release_needs_a_note()
    {
        var (_, orders) = await ShopWithOrdersAsync(1);
        var orderNo = orders[0].OrderNo;
        (await Host.ActAsync(orderNo, "hold", new { reason = "疑似刷单" })).EnsureSuccessStatusCode();
        var browser = ConsolePages.Browser(Host);
        var queue = await browser.GetHtmlAsync("/holds");
        queue.ShouldContain($"data-order-no=\"{orderNo}\"");
        queue.ShouldContain("疑似刷单");
        queue.ShouldContain("data-test=\"hold-release\"");
        var token = ConsolePages.TokenOf(queue);

        var refused = await browser.PostFormAsync("/holds?handler=Decide", token, ("orderNo", orderNo), ("decision", "release"), ("note", ""));
        refused.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await refused.Content.ReadAsStringAsync()).ShouldContain("data-test=\"hold-note-error\"");
        (await StatusOfAsync(orderNo)).ShouldBe("OnHold");

        // Without the antiforgery token nothing happens either.
        (await browser.PostAsync("/holds?handler=Decide", new FormUrlEncodedContent([new("orderNo", orderNo), new("decision", "release"), new("note", "ok")])))
            .StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        var released = await (await browser.PostFormAsync("/holds?handler=Decide", token, ("orderNo", orderNo), ("decision", "release"), ("note", "已电话确认"))).Content.ReadAsStringAsync();
        released.ShouldContain("data-test=\"holds-notice\"");
        released.ShouldNotContain($"data-order-no=\"{orderNo}\"");
        (await StatusOfAsync(orderNo)).ShouldBe("Paid");
        var events = (await Host.GetJsonAsync($"/api/v1/orders/{orderNo}/events"))["events"]!.AsArray();
        events[^1]!["reason"]!.GetValue<string>().ShouldBe("已电话确认");
    }

    [Fact]
    public async Task Live_stream_sends_the_counts()
    {
        var (_, orders) = await ShopWithOrdersAsync(1);
        (await Host.ActAsync(orders[0].OrderNo, "hold", new { reason = "live" })).EnsureSuccessStatusCode();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var response = await ConsolePages.Browser(Host).GetAsync("/console/live", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
        var events = new Dictionary<string, string>();
        string? name = null;
        // The counts are shared for 1.5 s, so the first ones may predate this hold: read until it shows.
        static long Count(string n) => long.Parse(n.Replace(",", ""), System.Globalization.CultureInfo.InvariantCulture);
        while (!(events.ContainsKey("orders") && events.TryGetValue("holds", out var h) && Count(h) >= 1) && await reader.ReadLineAsync(cts.Token) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal)) name = line[7..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && name is not null) events[name] = line[6..];
        }
        Count(events["holds"]).ShouldBeGreaterThanOrEqualTo(1);
        events.ShouldContainKey("backlog-Paid");
        events.ShouldContainKey("rejected");
        long.Parse(events["orders"]).ShouldBeGreaterThan(0);
        // Without a key or a session the stream is refused (401, not a redirect to the sign-in page).
        (await Host.NewClient(null, followRedirects: false).GetAsync("/console/live")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Receiver_and_raw_payload_are_masked_per_role_and_full_views_are_audited()
    {
        const string idCard = "11010519491231002X";
        var (_, orders) = await ShopWithOrdersAsync(1, idCard: idCard);
        var orderNo = orders[0].OrderNo;

        var admin = await ConsolePages.Browser(Host).GetHtmlAsync($"/orders/{orderNo}");
        Text(admin, "receiver-phone").ShouldBe("13800138000");
        Text(admin, "receiver-name").ShouldBe("张三");
        Text(admin, "receiver-idcard").ShouldBe(idCard);
        WebUtility.HtmlDecode(Block(admin, "raw-payload")).ShouldContain("\"phone\": \"13800138000\"");
        (await AuditCountAsync(orderNo)).ShouldBe(1);

        var ops = await ConsolePages.Browser(Host, await ConsolePages.CreateKeyAsync(Host, "operations")).GetHtmlAsync($"/orders/{orderNo}");
        Text(ops, "receiver-phone").ShouldBe("138****8000");
        Text(ops, "receiver-name").ShouldBe("张*");
        Text(ops, "receiver-address").ShouldNotContain("环岛东路");
        Text(ops, "receiver-idcard").ShouldBe("1****************X");
        var raw = WebUtility.HtmlDecode(Block(ops, "raw-payload"));
        raw.ShouldContain("138****8000");
        raw.ShouldNotContain("13800138000");
        raw.ShouldNotContain("张三");
        raw.ShouldNotContain("环岛东路");
        raw.ShouldContain("马克杯");
        raw.ShouldNotContain(idCard);
        ops.ShouldNotContain("13800138000");
        ops.ShouldNotContain(idCard);
        (await AuditCountAsync(orderNo)).ShouldBe(1); // a masked view is not a personal-data view

        var finance = await ConsolePages.Browser(Host, await ConsolePages.CreateKeyAsync(Host, "finance")).GetHtmlAsync($"/orders/{orderNo}");
        Text(finance, "receiver-phone").ShouldBe("138****8000");
        Text(finance, "receiver-name").ShouldBe("张三");
        Text(finance, "receiver-idcard").ShouldNotContain("1101");
        finance.ShouldNotContain("13800138000");
        finance.ShouldNotContain(idCard);
        (await AuditCountAsync(orderNo)).ShouldBe(2);
    }

    /// <summary>Each console role's view of each personal field on the order page (the API's is in PersonalDataTests, the export's in ExportTests).</summary>
    [Theory]
    [InlineData("admin", "张三", "13800138000", "莲前街道 环岛东路 1 号", "11010519491231002X")]
    [InlineData("operations", "张*", "138****8000", "****", "1****************X")]
    [InlineData("customer-service", "张*", "138****8000", "****", "1****************X")]
    [InlineData("warehouse", "张三", "13800138000", "莲前街道 环岛东路 1 号", null)]
    [InlineData("finance", "张三", "138****8000", "莲前街道 环岛东路 1 号", null)]
    public async Task Each_role_sees_each_personal_field_on_the_order_page(string role, string name, string phone, string street, string? idCard)
    {
        const string fullIdCard = "11010519491231002X";
        var (_, orders) = await ShopWithOrdersAsync(1, idCard: fullIdCard);
        var html = await ConsolePages.Browser(Host, await ConsolePages.CreateKeyAsync(Host, role)).GetHtmlAsync($"/orders/{orders[0].OrderNo}");

        Text(html, "receiver-name").ShouldBe(name);
        Text(html, "receiver-phone").ShouldBe(phone);
        Text(html, "receiver-address").ShouldBe("福建省 厦门市 思明区 " + street);
        if (idCard is null) html.ShouldNotContain("data-test=\"receiver-idcard\">1");
        else Text(html, "receiver-idcard").ShouldBe(idCard);
        // What a role may not see in full appears nowhere on the page (raw payload, timeline, buyer message included).
        var page = WebUtility.HtmlDecode(html);
        if (name != "张三") page.ShouldNotContain("张三");
        if (phone != "13800138000") page.ShouldNotContain("13800138000");
        if (street == "****") page.ShouldNotContain("环岛东路");
        if (idCard != fullIdCard) page.ShouldNotContain(fullIdCard);
    }

    private async Task<long> AuditCountAsync(string orderNo)
    {
        await using var db = await Host.Database.OpenMigratedAsync();
        return await db.ReadAsync(s => s.ScalarAsync<long>("SELECT COUNT(*) FROM audit_log WHERE action = 'pii.view' AND target = @t", ("t", orderNo)));
    }

    private static string Text(string html, string testId) =>
        WebUtility.HtmlDecode(Regex.Match(html, $"data-test=\"{testId}\">([^<]*)<").Groups[1].Value).Trim();

    private static string Block(string html, string testId) =>
        Regex.Match(html, $"data-test=\"{testId}\">(.*?)</pre>", RegexOptions.Singleline).Groups[1].Value;

    [GeneratedRegex("data-test=\"order-row\" data-order-no=\"([A-Z0-9]+)\"")]
    private static partial Regex RowPattern();

    [GeneratedRegex("href=\"([^\"]+)\"[^>]*data-test=\"page-next\"")]
    private static partial Regex NextPattern();

    [GeneratedRegex("name=\"viewId\" value=\"(\\d+)\"")]
    private static partial Regex ViewIdPattern();
}

public sealed class ConsoleOrderTestsOnSqlite(SqliteHost host) : ConsoleOrderTests(host), IClassFixture<SqliteHost>;
public sealed class ConsoleOrderTestsOnPostgres(PostgresHost host) : ConsoleOrderTests(host), IClassFixture<PostgresHost>;
