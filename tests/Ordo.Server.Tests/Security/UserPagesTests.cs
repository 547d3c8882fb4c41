using System.Net;
using System.Text.RegularExpressions;
using Ordo.Data.Security;
using Ordo.Server.Tests.Console;
using Ordo.Server.Tests.Infrastructure;
using Shouldly;

namespace Ordo.Server.Tests.Security;

/// <summary>The console's /users, /keys and /account pages, driven as a signed-in admin with the forms' antiforgery tokens.</summary>
public abstract partial class UserPagesTests(UsersHost host)
{
    private OrdoHost Host { get { host.EnsureAvailable(); return host; } }

    private static string NewEmail(string name) => $"{name}-{Guid.NewGuid():N}"[..20] + "@ordo.test";

    private async Task<List<AuditEntry>> AuditAsync(string action, string target)
    {
        await using var db = await Host.Database.OpenMigratedAsync();
        return [.. (await db.ReadAsync(s => AuditStore.QueryAsync(s, new AuditQuery(Action: action)))).Where(e => e.Target == target)];
    }

    [Fact]
    public async Task An_admin_adds_a_user_changes_its_roles_resets_and_disables_it_on_the_users_page()
    {
        var admin = await SignIn.SignedInAsync(Host, UsersHost.AdminEmail, UsersHost.AdminPassword);
        var email = NewEmail("page");
        var page = await admin.GetHtmlAsync("/users");
        var added = await admin.PostFormAsync("/users?handler=Add", ConsolePages.TokenOf(page), ("email", email), ("displayName", "赵六"), ("roles", "warehouse"), ("password", ""));
        var html = await added.Content.ReadAsStringAsync();
        added.StatusCode.ShouldBe(HttpStatusCode.OK, html);
        var password = PasswordPattern().Match(html).Groups[1].Value;
        password.Length.ShouldBe(16);
        html.ShouldContain($"data-email=\"{email}\"");

        var invalid = await admin.PostFormAsync("/users?handler=Add", ConsolePages.TokenOf(page), ("email", "nope"), ("roles", "warehouse"));
        invalid.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await invalid.Content.ReadAsStringAsync()).ShouldContain("data-test=\"users-error\"");

        (await admin.PostFormAsync("/users?handler=Roles", ConsolePages.TokenOf(page), ("email", email), ("roles", "finance"), ("roles", "customer-service")))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        (await Host.GetJsonAsync($"/api/v1/users/{email}"))["roles"]!.AsArray().Select(r => r!.GetValue<string>()).ShouldBe(["customer-service", "finance"]);
        (await AuditAsync("users.roles", email)).ShouldHaveSingleItem().Actor.ShouldBe($"user:{UsersHost.AdminEmail}");

        var reset = await (await admin.PostFormAsync("/users?handler=Reset", ConsolePages.TokenOf(page), ("email", email))).Content.ReadAsStringAsync();
        PasswordPattern().Match(reset).Groups[1].Value.ShouldNotBe(password);

        (await admin.PostFormAsync("/users?handler=Disable", ConsolePages.TokenOf(page), ("email", email))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await Host.GetJsonAsync($"/api/v1/users/{email}"))["disabledAt"].ShouldNotBeNull();
        (await AuditAsync("users.disable", email)).ShouldHaveSingleItem();

        // A form without its token is refused.
        (await admin.PostAsync("/users?handler=Disable", new FormUrlEncodedContent([new("email", UsersHost.AdminEmail)]))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task An_admin_creates_an_api_key_shown_once_and_revokes_it_on_the_keys_page()
    {
        var admin = await SignIn.SignedInAsync(Host, UsersHost.AdminEmail, UsersHost.AdminPassword);
        var page = await admin.GetHtmlAsync("/keys");
        var name = "erp-" + Guid.NewGuid().ToString("N")[..6];
        var created = await (await admin.PostFormAsync("/keys?handler=Create", ConsolePages.TokenOf(page), ("name", name), ("roles", "integration"))).Content.ReadAsStringAsync();
        var key = KeyPattern().Match(created).Groups[1].Value;
        key.ShouldStartWith("ordo_");
        (await Host.NewClient(key).GetAsync("/api/v1/orders")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await admin.GetHtmlAsync("/keys")).ShouldNotContain(key);

        var id = Regex.Match(created, $"data-test=\"key-row\" data-id=\"(\\d+)\"[^>]*>\\s*<td>\\d+</td>\\s*<td>{name}</td>").Groups[1].Value;
        id.ShouldNotBeEmpty();
        (await AuditAsync("keys.add", $"key:{name}#{id}")).ShouldHaveSingleItem().Actor.ShouldBe($"user:{UsersHost.AdminEmail}");
        (await admin.PostFormAsync("/keys?handler=Revoke", ConsolePages.TokenOf(page), ("id", id))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await Host.NewClient(key).GetAsync("/api/v1/orders")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await AuditAsync("keys.revoke", $"key:#{id}")).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Language_and_time_zone_are_saved_to_the_user_and_applied_at_sign_in()
    {
        var email = NewEmail("pref");
        (await Host.PostJsonAsync("/api/v1/users", $$"""{"email":"{{email}}","password":"preferences pw","roles":["operations"]}""")).StatusCode.ShouldBe(HttpStatusCode.Created);
        await using (var db = await Host.Database.OpenMigratedAsync())
            await db.WriteAsync(s => s.ExecuteAsync("UPDATE users SET must_change_password = @f WHERE email = @e", ("f", false), ("e", email)));

        var browser = await SignIn.SignedInAsync(Host, email, "preferences pw");
        var account = await browser.GetHtmlAsync("/account");
        account.ShouldContain("我的账号");
        var saved = await browser.PostFormAsync("/account?handler=Preferences", ConsolePages.TokenOf(account), ("culture", "en"), ("timeZone", "Europe/Berlin"));
        saved.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await browser.GetHtmlAsync("/account")).ShouldContain("My account");
        var user = await Host.GetJsonAsync($"/api/v1/users/{email}");
        (user["culture"]!.GetValue<string>(), user["timeZone"]!.GetValue<string>()).ShouldBe(("en", "Europe/Berlin"));

        // A new browser (no culture cookie) gets the saved language at sign-in.
        var other = SignIn.Browser(Host);
        var signedIn = await SignIn.PostLoginAsync(other, email, "preferences pw");
        signedIn.Headers.GetValues("Set-Cookie").ShouldContain(c => c.StartsWith(".AspNetCore.Culture=c%3Den", StringComparison.Ordinal));
        (await other.GetHtmlAsync("/account")).ShouldContain("My account");
    }

    [GeneratedRegex("data-test=\"password\">([^<]+)<")]
    private static partial Regex PasswordPattern();

    [GeneratedRegex("data-test=\"key\">([^<]+)<")]
    private static partial Regex KeyPattern();
}

public sealed class UserPagesTestsOnSqlite(SqliteUsersHost host) : UserPagesTests(host), IClassFixture<SqliteUsersHost>;
public sealed class UserPagesTestsOnPostgres(PostgresUsersHost host) : UserPagesTests(host), IClassFixture<PostgresUsersHost>;
