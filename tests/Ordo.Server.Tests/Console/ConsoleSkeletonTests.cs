using System.Net;
using Ordo.Server.Tests.Infrastructure;
using Shouldly;

namespace Ordo.Server.Tests.Console;

/// <summary>The console's layout, navigation per role, language switch and error pages.</summary>
public abstract class ConsoleSkeletonTests(OrdoHost host) : CatalogueTestBase(host)
{
    [Fact]
    public async Task Overview_renders_in_the_layout_with_the_admins_whole_navigation()
    {
        var html = await ConsolePages.Browser(Host).GetHtmlAsync("/");
        html.ShouldContain("data-test=\"sidebar\"");
        foreach (var item in new[] { "overview", "orders", "holds", "inbox", "shops", "inventory", "webhooks", "users", "keys", "audit" })
            ConsolePages.CountTest(html, "nav-" + item).ShouldBe(1, item);
        html.ShouldContain("待人工复核");
        html.ShouldContain("name=\"ordo-antiforgery\"");
        html.ShouldContain("/lib/htmx/htmx.min.js");
    }

    [Fact]
    public async Task Navigation_hides_what_the_roles_do_not_allow()
    {
        var key = await ConsolePages.CreateKeyAsync(Host, "customer-service");
        var html = await ConsolePages.Browser(Host, key).GetHtmlAsync("/");
        ConsolePages.CountTest(html, "nav-orders").ShouldBe(1);
        ConsolePages.CountTest(html, "nav-holds").ShouldBe(1);
        foreach (var hidden in new[] { "users", "keys", "audit", "webhooks", "inbox", "shops" })
            ConsolePages.CountTest(html, "nav-" + hidden).ShouldBe(0, hidden);
    }

    [Fact]
    public async Task Language_switch_sets_the_cookie_and_returns_to_the_page()
    {
        var browser = ConsolePages.Browser(Host);
        var zh = await browser.GetHtmlAsync("/");
        zh.ShouldContain("<html lang=\"zh-CN\"");
        zh.ShouldContain("概览");

        var switched = await browser.PostFormAsync("/culture", ConsolePages.TokenOf(zh), ("culture", "en"), ("returnUrl", "/?x=1"));
        switched.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        switched.Headers.Location!.OriginalString.ShouldBe("/?x=1");
        switched.Headers.GetValues("Set-Cookie").ShouldContain(c => c.StartsWith(".AspNetCore.Culture=", StringComparison.Ordinal));

        var en = await browser.GetHtmlAsync("/");
        en.ShouldContain("<html lang=\"en\"");
        en.ShouldContain(">Overview<");
        en.ShouldContain(">Holds<");

        // Without the token the switch is refused; an outside return address is not followed.
        (await browser.PostAsync("/culture", new FormUrlEncodedContent([new("culture", "zh-CN")]))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var outside = await browser.PostFormAsync("/culture", ConsolePages.TokenOf(en), ("culture", "zh-CN"), ("returnUrl", "https://example.com/"));
        outside.Headers.Location!.OriginalString.ShouldBe("/");
    }

    [Fact]
    public async Task Unknown_console_page_is_an_html_404_but_the_api_keeps_problem_json()
    {
        var browser = ConsolePages.Browser(Host);
        var html = await browser.GetHtmlAsync("/no-such-page", HttpStatusCode.NotFound);
        html.ShouldContain("data-test=\"error-page\"");
        html.ShouldContain("页面不存在");

        var api = await browser.GetAsync("/api/v1/no-such-thing");
        api.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        api.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var anonymous = await Host.NewClient(null).GetAsync("/api/v1/orders");
        anonymous.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task The_service_description_moved_to_api()
    {
        var body = await (await Host.NewClient(null).GetAsync("/api")).ReadObjectAsync();
        body["api"]!.GetValue<string>().ShouldBe("/api/v1");
    }

    [Fact]
    public async Task Front_end_packages_are_served()
    {
        foreach (var file in new[] { "/lib/bootstrap/css/bootstrap.min.css", "/lib/bootstrap/js/bootstrap.bundle.min.js", "/lib/bootstrap-icons/bootstrap-icons.min.css",
                     "/lib/bootstrap-icons/fonts/bootstrap-icons.woff2", "/lib/htmx/htmx.min.js", "/lib/htmx/sse.min.js", "/lib/echarts/echarts.min.js", "/console/console.js" })
            (await Host.NewClient(null).GetAsync(file)).StatusCode.ShouldBe(HttpStatusCode.OK, file);
    }
}

public sealed class ConsoleSkeletonTestsOnSqlite(SqliteHost host) : ConsoleSkeletonTests(host), IClassFixture<SqliteHost>;
public sealed class ConsoleSkeletonTestsOnPostgres(PostgresHost host) : ConsoleSkeletonTests(host), IClassFixture<PostgresHost>;
