using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Ordo.Data.Security;
using Ordo.Server.Tests.Infrastructure;
using Ordo.Server.Tests.Security;
using Shouldly;

namespace Ordo.Server.Tests.Console;

/// <summary>
/// An export end to end with the real sign-in: a customer-service user signs in, enrols an authenticator, exports from
/// the console with its current code, and the export shows in the audit log and the month's access report.
/// </summary>
public abstract class ExportSignedInTests(UsersHost host) : CatalogueTestBase(host)
{
    [Fact]
    public async Task A_signed_in_user_with_an_authenticator_exports_masked_and_is_in_the_access_report()
    {
        var shop = "SI-" + Guid.NewGuid().ToString("N")[..8];
        await Host.EnsureShopAsync("douyin", shop);
        var order = TestOrders.Example();
        order["shopCode"] = shop;
        (await Host.PostOrderAsync(order)).StatusCode.ShouldBe(HttpStatusCode.Created);

        var email = $"cs-{Guid.NewGuid():N}"[..16] + "@ordo.test";
        (await Host.Client.PostAsJsonAsync("/api/v1/users", new { email, password = "customer service pw", roles = new[] { "customer-service" } }))
            .StatusCode.ShouldBe(HttpStatusCode.Created);
        await using (var db = await Host.Database.OpenMigratedAsync())
            await db.WriteAsync(s => s.ExecuteAsync("UPDATE users SET must_change_password = @f WHERE email = @e", ("f", false), ("e", email)));
        var browser = await SignIn.SignedInAsync(Host, email, "customer service pw");

        // Without an authenticator the export is refused.
        var form = await browser.GetHtmlAsync("/exports");
        var refused = await browser.PostFormAsync("/exports", ConsolePages.TokenOf(form), ("format", "csv"), ("shop", shop), ("code", "123456"));
        refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        var account = await browser.GetHtmlAsync("/account");
        var key = Regex.Match(account, "data-test=\"totp-key\">([a-z0-9 ]+)<").Groups[1].Value;
        key.ShouldNotBeEmpty();
        var enablingCode = SignIn.Totp(key);
        (await browser.PostFormAsync("/account?handler=EnableTotp", ConsolePages.TokenOf(account), ("code", enablingCode))).StatusCode.ShouldBe(HttpStatusCode.OK);

        var spent = await browser.PostFormAsync("/exports", ConsolePages.TokenOf(form), ("format", "csv"), ("shop", shop), ("code", enablingCode));
        spent.StatusCode.ShouldBe(HttpStatusCode.Forbidden, "the code that enabled the authenticator is spent");
        var file = await browser.PostFormAsync("/exports", ConsolePages.TokenOf(form), ("format", "csv"), ("shop", shop), ("code", SignIn.Totp(key, DateTimeOffset.UtcNow.AddSeconds(30))));
        var text = await file.Content.ReadAsStringAsync();
        file.StatusCode.ShouldBe(HttpStatusCode.OK, text.Length > 500 ? text[..500] : text);
        text.ShouldContain("138****8000");
        text.ShouldNotContain("13800138000");

        await using (var db = await Host.Database.OpenMigratedAsync())
        {
            var exports = await db.ReadAsync(s => AuditStore.QueryAsync(s, new AuditQuery(Actor: "user:" + email, Action: "orders.export")));
            exports.Select(e => e.Outcome).ShouldBe(["ok", "denied", "denied"]); // newest first: the spent code, no authenticator
            JsonNode.Parse(exports[0].Detail)!["rows"]!.GetValue<long>().ShouldBe(1);
        }
        var month = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM");
        var report = await Host.GetJsonAsync($"/api/v1/audit/report?month={month}");
        report["topAccessors"]!.AsArray().ShouldContain(a => a!["actor"]!.GetValue<string>() == "user:" + email && a["exports"]!.GetValue<int>() == 1);
    }
}

public sealed class ExportSignedInTestsOnSqlite(SqliteUsersHost host) : ExportSignedInTests(host), IClassFixture<SqliteUsersHost>;
public sealed class ExportSignedInTestsOnPostgres(PostgresUsersHost host) : ExportSignedInTests(host), IClassFixture<PostgresUsersHost>;
