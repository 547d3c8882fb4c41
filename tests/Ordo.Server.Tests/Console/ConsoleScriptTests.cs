using Microsoft.Playwright;
using Ordo.Server.Tests.Browser;
using Ordo.Server.Tests.Infrastructure;
using Shouldly;

namespace Ordo.Server.Tests.Console;

/// <summary>Ordo on a loopback port, for a real browser.</summary>
public sealed class LoopbackSqliteHost() : OrdoHost(Db.Sqlite)
{
    protected override bool ListensOnLoopback => true;
}

/// <summary>
/// The console's scripts in Chromium: keyboard keys and a bulk action on the order list, the list following new orders
/// live, the holds queue's note check through htmx, and the overview's charts and live stream. Signed in by the admin
/// API key sent with every request of the browser context.
/// </summary>
public sealed class ConsoleScriptTests(LoopbackSqliteHost host, Chromium chromium) : IClassFixture<LoopbackSqliteHost>, IClassFixture<Chromium>
{
    private async Task<IPage> OpenAsync(string path)
    {
        var page = await chromium.NewPageAsync(host.Client.BaseAddress!.ToString());
        await page.Context.SetExtraHTTPHeadersAsync([new("X-Api-Key", OrdoHost.AdminKey)]);
        await page.GotoAsync(path);
        return page;
    }

    private async Task<(string Shop, List<string> OrderNos)> ShopWithOrdersAsync(int count)
    {
        var shop = "BR-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        await host.EnsureShopAsync("douyin", shop);
        await host.EnsureSkuAsync(TestOrders.Sku);
        var orderNos = new List<string>();
        for (var i = 0; i < count; i++) orderNos.Add(await PostOrderAsync(shop));
        return (shop, orderNos);
    }

    private async Task<string> PostOrderAsync(string shop)
    {
        var order = TestOrders.Example();
        order["shopCode"] = shop;
        return (await (await host.PostOrderAsync(order)).ReadObjectAsync())["orderNo"]!.GetValue<string>();
    }

    [Fact]
    public async Task Keys_select_rows_and_a_bulk_hold_goes_through_htmx()
    {
        Chromium.Require();
        var (shop, orderNos) = await ShopWithOrdersAsync(3);
        var page = await OpenAsync($"/orders?shop={shop}");
        await page.Locator("[data-test=order-row]").First.WaitForAsync();

        await page.Keyboard.PressAsync("/");
        (await page.EvaluateAsync<string>("document.activeElement.id")).ShouldBe("order-search");
        await page.Keyboard.PressAsync("Escape");
        await page.Keyboard.PressAsync("j");
        await page.Keyboard.PressAsync("x");
        await page.Keyboard.PressAsync("j");
        await page.Keyboard.PressAsync("x");
        (await page.Locator("#bulk-count").TextContentAsync())!.ShouldContain("2");

        await page.Locator("[data-test=bulk-action]").SelectOptionAsync("hold");
        await page.Locator("[data-test=bulk-reason]").FillAsync("浏览器测试");
        await page.Locator("[data-test=bulk-apply]").ClickAsync();
        await page.Locator("[data-test=bulk-outcome][data-succeeded='2']").WaitForAsync();
        // The newest two (the list is newest first) are held; the page was not reloaded (htmx swapped the list).
        (await host.GetJsonAsync($"/api/v1/orders/{orderNos[2]}"))["status"]!.GetValue<string>().ShouldBe("OnHold");
        (await host.GetJsonAsync($"/api/v1/orders/{orderNos[1]}"))["status"]!.GetValue<string>().ShouldBe("OnHold");
        (await host.GetJsonAsync($"/api/v1/orders/{orderNos[0]}"))["status"]!.GetValue<string>().ShouldBe("Paid");
        await page.Locator($"[data-order-no='{orderNos[2]}'] [data-status=OnHold]").WaitForAsync();

        // Enter opens the focused order.
        await page.Keyboard.PressAsync("k");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync($"**/orders/{orderNos[2]}");
        await page.Locator("[data-test=timeline-event]").First.WaitForAsync();
    }

    [Fact]
    public async Task Order_list_follows_new_orders_live()
    {
        Chromium.Require();
        var (shop, _) = await ShopWithOrdersAsync(1);
        var page = await OpenAsync($"/orders?shop={shop}");
        await page.Locator("[data-test=order-row]").First.WaitForAsync();
        var arrived = await PostOrderAsync(shop);
        await page.Locator($"[data-order-no='{arrived}']").WaitForAsync(new() { Timeout = 15_000 });
        (await page.Locator("[data-test=order-row]").CountAsync()).ShouldBe(2);
    }

    [Fact]
    public async Task Holds_queue_asks_for_a_note_then_releases()
    {
        Chromium.Require();
        var (_, orderNos) = await ShopWithOrdersAsync(1);
        (await host.ActAsync(orderNos[0], "hold", new { reason = "待核实" })).EnsureSuccessStatusCode();
        var page = await OpenAsync("/holds");
        var item = page.Locator($"[data-test=hold-item][data-order-no='{orderNos[0]}']");
        await item.Locator("[data-test=hold-release]").ClickAsync();
        await page.Locator($"#hold-{orderNos[0]} [data-test=hold-note-error]").WaitForAsync();
        (await host.GetJsonAsync($"/api/v1/orders/{orderNos[0]}"))["status"]!.GetValue<string>().ShouldBe("OnHold");

        await page.Locator($"#hold-{orderNos[0]} [data-test=hold-note]").FillAsync("已核实");
        await page.Locator($"#hold-{orderNos[0]} [data-test=hold-release]").ClickAsync();
        await page.Locator("[data-test=holds-notice]").WaitForAsync();
        await page.Locator($"#hold-{orderNos[0]}").WaitForAsync(new() { State = WaitForSelectorState.Detached });
        (await host.GetJsonAsync($"/api/v1/orders/{orderNos[0]}"))["status"]!.GetValue<string>().ShouldBe("Paid");
    }

    [Fact]
    public async Task Overview_draws_its_charts_and_connects_live()
    {
        Chromium.Require();
        await ShopWithOrdersAsync(1);
        var page = await OpenAsync("/");
        await page.Locator("#chart-platforms canvas").WaitForAsync();
        await page.Locator("#chart-statuses canvas").WaitForAsync();
        await page.Locator("[data-test=live-dot].on").WaitForAsync();
        // The counters keep their element after a live swap.
        await page.Locator("[data-test=holds-total].stat-value").WaitForAsync();

        // The language switch turns the page to English.
        await page.Locator("[data-test=lang-en]").ClickAsync();
        await page.Locator("html[lang=en]").WaitForAsync();
        (await page.Locator("[data-test=nav-holds]").TextContentAsync())!.ShouldContain("Holds");
    }
}
