using Microsoft.Playwright;
using Shouldly;
using static Microsoft.Playwright.Assertions;

namespace Ordo.Server.Tests.Browser;

/// <summary>
/// The console in a real browser (issue 5, item 6): sign in, search an order, open its timeline, release a hold, switch
/// the language, and what customer service can and cannot see (the page, the raw payload, the list, an export).
/// </summary>
public sealed class ConsoleBrowserTests(ConsoleBrowserHost host, Chromium chromium) : IClassFixture<ConsoleBrowserHost>, IClassFixture<Chromium>
{
    private const string FullPhone = "13800138000";

    private async Task<IPage> SignedInAsync(string role, string locale = "zh-CN", string path = "/")
    {
        var page = await chromium.NewPageAsync(host.BaseUrl, locale);
        await page.GotoAsync(path);
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login"));
        await page.FillAsync("#email", ConsoleBrowserHost.EmailOf(role));
        await page.FillAsync("#password", ConsoleBrowserHost.Password);
        await page.ClickAsync("[data-test=login-submit]");
        await Expect(page.Locator("[data-test=user-name]")).ToBeVisibleAsync();
        if (page.Url.Contains("mustChange", StringComparison.Ordinal))
        {
            // A password an admin set must be changed at the first sign-in; the browser tests keep the same one.
            await page.FillAsync("#currentPassword", ConsoleBrowserHost.Password);
            await page.FillAsync("#newPassword", ConsoleBrowserHost.Password + "!");
            await page.FillAsync("#confirmPassword", ConsoleBrowserHost.Password + "!");
            await page.ClickAsync("[data-test=password-form] [type=submit]");
            await Expect(page.Locator("[data-test=must-change-password]")).ToHaveCountAsync(0);
            await page.FillAsync("#currentPassword", ConsoleBrowserHost.Password + "!");
            await page.FillAsync("#newPassword", ConsoleBrowserHost.Password);
            await page.FillAsync("#confirmPassword", ConsoleBrowserHost.Password);
            await page.ClickAsync("[data-test=password-form] [type=submit]");
            await Expect(page.Locator("[data-test=account-message]")).ToBeVisibleAsync();
            await page.GotoAsync(path);
        }
        return page;
    }

    [Fact]
    public async Task Sign_in_search_an_order_and_open_its_timeline()
    {
        Chromium.Require();
        var (orderNo, platformOrderId) = await host.NewOrderAsync();
        var page = await SignedInAsync("admin", path: "/orders");
        page.Url.ShouldEndWith("/orders", customMessage: "the sign-in returns to the page asked for");

        await page.FillAsync("[data-test=search-box]", platformOrderId);
        await page.PressAsync("[data-test=search-box]", "Enter");
        var rows = page.Locator("[data-test=order-row]");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToContainTextAsync(orderNo);

        await rows.First.Locator("[data-test=order-link]").ClickAsync();
        await Expect(page.Locator("[data-test=order-no]")).ToContainTextAsync(orderNo);
        var events = page.Locator("[data-test=timeline-event]");
        (await events.CountAsync()).ShouldBeGreaterThanOrEqualTo(1);
        await Expect(events.First.Locator("[data-test=event-actor]")).ToContainTextAsync("admin");
    }

    [Fact]
    public async Task Release_a_hold_only_with_a_note()
    {
        Chromium.Require();
        var (orderNo, _) = await host.NewOrderAsync();
        var order = await host.GetJsonAsync($"/api/v1/orders/{orderNo}");
        order["status"]!.GetValue<string>().ShouldBe("Paid", order.ToJsonString());
        (await host.ActAsync(orderNo, "hold", new { reason = "地址待确认" })).EnsureSuccessStatusCode();
        var page = await SignedInAsync("operations", path: "/holds");

        var item = page.Locator($"[data-test=hold-item][data-order-no='{orderNo}']");
        await Expect(item.Locator("[data-test=hold-reasons]")).ToContainTextAsync("地址待确认");
        await Expect(item.Locator("[data-test=hold-reason-title]")).ToHaveTextAsync("人工挂起");
        await item.Locator("[data-test=hold-release]").ClickAsync();
        item = page.Locator($"[data-test=hold-item][data-order-no='{orderNo}']");
        await Expect(item.Locator("[data-test=hold-note-error]")).ToBeVisibleAsync();
        (await host.StatusOfAsync(orderNo)).ShouldBe("OnHold", "no release without a note");

        await item.Locator("[data-test=hold-note]").FillAsync("已电话确认地址");
        await item.Locator("[data-test=hold-release]").ClickAsync();
        await Expect(page.Locator($"[data-test=hold-item][data-order-no='{orderNo}']")).ToHaveCountAsync(0);
        (await host.StatusOfAsync(orderNo)).ShouldBe("Paid");
        var events = await host.EventsOfAsync(orderNo);
        events.Last()!["reason"]!.GetValue<string>().ShouldBe("已电话确认地址");
        events.Last()!["actor"]!.GetValue<string>().ShouldContain("operations@browser.test");
    }

    [Fact]
    public async Task Switch_the_language_and_back_and_the_choice_follows_the_user()
    {
        Chromium.Require();
        var page = await SignedInAsync("operations");
        var ordersNav = page.Locator("[data-test=nav-orders]");
        await Expect(ordersNav).ToContainTextAsync("订单");

        await page.ClickAsync("[data-test=lang-en]");
        await Expect(ordersNav).ToContainTextAsync("Orders");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await page.GotoAsync("/holds");
        await Expect(page.Locator("[data-test=nav-orders]")).ToContainTextAsync("Orders");

        // The choice is the user's: saved with the account, so another browser signs in in English.
        var email = ConsoleBrowserHost.EmailOf("operations");
        (await host.GetJsonAsync($"/api/v1/users/{email}"))["culture"]!.GetValue<string>().ShouldBe("en");
        var elsewhere = await SignedInAsync("operations");
        await Expect(elsewhere.Locator("[data-test=nav-orders]")).ToContainTextAsync("Orders");

        await page.ClickAsync("[data-test=lang-zh]");
        await Expect(page.Locator("[data-test=nav-orders]")).ToContainTextAsync("订单");
        (await host.GetJsonAsync($"/api/v1/users/{email}"))["culture"]!.GetValue<string>().ShouldBe("zh-CN");
    }

    [Fact]
    public async Task Customer_service_never_sees_a_full_phone_number_on_the_page_or_in_an_export()
    {
        Chromium.Require();
        var (orderNo, platformOrderId) = await host.NewOrderAsync();

        var cs = await SignedInAsync("customer-service", path: $"/orders/{orderNo}");
        await Expect(cs.Locator("[data-test=receiver-phone]")).ToHaveTextAsync("138****8000");
        await Expect(cs.Locator("[data-test=receiver-name]")).ToHaveTextAsync("张*");
        await Expect(cs.Locator("[data-test=raw-payload]").First).ToContainTextAsync("138****8000");
        var html = await cs.ContentAsync();
        html.ShouldNotContain(FullPhone);
        html.ShouldNotContain("环岛东路");
        html.ShouldNotContain("张三");

        await cs.GotoAsync($"/orders?q={platformOrderId}");
        await Expect(cs.Locator("[data-test=order-row]")).ToHaveCountAsync(1);
        (await cs.ContentAsync()).ShouldNotContain(FullPhone);

        // Searching by the full number finds the order (blind index) without showing the number back.
        await cs.GotoAsync($"/orders?q={FullPhone}");
        await Expect(cs.Locator($"[data-test=order-row]:has-text('{orderNo}')")).ToHaveCountAsync(1);
        (await cs.Locator("[data-test=orders-table], table").First.InnerTextAsync()).ShouldNotContain(FullPhone);

        // The export: enrol an authenticator (an export needs a fresh code), then export the order as CSV.
        await cs.GotoAsync("/account");
        var key = (await cs.Locator("[data-test=totp-key]").InnerTextAsync()).Trim();
        await cs.FillAsync("[data-test=totp-enable-form] [name=code]", Security.SignIn.Totp(key));
        await cs.ClickAsync("[data-test=totp-enable-form] [type=submit]");
        await Expect(cs.Locator("[data-test=recovery-codes]")).ToBeVisibleAsync();
        await cs.GotoAsync($"/exports?q={platformOrderId}");
        await cs.ClickAsync("[data-test=format-csv]");
        // The code that enabled the authenticator is spent; an export takes the next one.
        await cs.FillAsync("[data-test=export-code]", Security.SignIn.Totp(key, DateTimeOffset.UtcNow.AddSeconds(30)));
        var download = await cs.RunAndWaitForDownloadAsync(() => cs.ClickAsync("[data-test=export-submit]"));
        var csv = await File.ReadAllTextAsync((await download.PathAsync())!);
        csv.ShouldContain(orderNo);
        csv.ShouldContain("138****8000");
        csv.ShouldNotContain(FullPhone);
        csv.ShouldNotContain("环岛东路");
        csv.ShouldNotContain("张三");

        var admin = await SignedInAsync("admin", path: $"/orders/{orderNo}");
        await Expect(admin.Locator("[data-test=receiver-phone]")).ToHaveTextAsync(FullPhone);
    }
}
