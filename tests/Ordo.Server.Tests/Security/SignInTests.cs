using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Ordo.Data.Security;
using Ordo.Server.Tests.Console;
using Ordo.Server.Tests.Infrastructure;
using Shouldly;

namespace Ordo.Server.Tests.Security;

/// <summary>
/// Sign-in through /login as a browser does (antiforgery token from the form, the session cookie): wrong passwords,
/// lockout after five, TOTP enrolment and the second step, the cookie's flags, and the API staying problem+json.
/// </summary>
public abstract partial class SignInTests(UsersHost host)
{
    private OrdoHost Host { get { host.EnsureAvailable(); return host; } }

    private static string NewEmail(string name) => $"{name}-{Guid.NewGuid():N}"[..20] + "@ordo.test";

    /// <summary>A user added through the API whose own password is already set (the must-change step done in the store).</summary>
    private async Task<string> AddUserAsync(string email, string password, params string[] roles)
    {
        (await Host.Client.PostAsJsonAsync("/api/v1/users", new { email, password, roles })).StatusCode.ShouldBe(HttpStatusCode.Created);
        await using var db = await Host.Database.OpenMigratedAsync();
        await db.WriteAsync(s => s.ExecuteAsync("UPDATE users SET must_change_password = @f WHERE email = @e", ("f", false), ("e", email)));
        return email;
    }

    private async Task<List<AuditEntry>> AuditAsync(string action, string actor)
    {
        await using var db = await Host.Database.OpenMigratedAsync();
        return await db.ReadAsync(s => AuditStore.QueryAsync(s, new AuditQuery(Action: action, Actor: actor)));
    }

    [Fact]
    public async Task Signing_in_sets_a_strict_http_only_session_cookie_that_opens_the_console_and_the_api()
    {
        var browser = SignIn.Browser(Host);
        var response = await SignIn.PostLoginAsync(browser, UsersHost.AdminEmail, UsersHost.AdminPassword, returnUrl: "/users");
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.OriginalString.ShouldBe("/users");
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("ordo_session=", StringComparison.Ordinal));
        cookie.ShouldContain("httponly", Case.Insensitive);
        cookie.ShouldContain("samesite=strict", Case.Insensitive);
        cookie.ShouldNotContain("expires=", Case.Insensitive);   // a session cookie: gone when the browser closes

        var users = await browser.GetHtmlAsync("/users");
        users.ShouldContain(UsersHost.AdminEmail);
        (await browser.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>("/api/v1/users"))!["items"]!.AsArray().ShouldNotBeEmpty();
        (await AuditAsync("login", $"user:{UsersHost.AdminEmail}")).ShouldContain(e => e.Outcome == "ok");

        // Sign-out (the user menu's form, with its own antiforgery token) ends the session.
        var account = await browser.GetHtmlAsync("/account");
        var logoutForm = LogoutFormPattern().Match(account).Value;
        logoutForm.ShouldContain("__RequestVerificationToken");
        (await browser.PostFormAsync("/logout", ConsolePages.TokenOf(logoutForm))).Headers.Location!.OriginalString.ShouldStartWith("/login");
        var after = await browser.GetAsync("/users");
        after.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await AuditAsync("logout", $"user:{UsersHost.AdminEmail}")).ShouldNotBeEmpty();
    }

    [Fact]
    public async Task Without_a_cookie_console_pages_redirect_to_login_and_the_api_answers_401_problem_json()
    {
        var browser = SignIn.Browser(Host);
        var page = await browser.GetAsync("/users?page=2");
        page.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        page.Headers.Location!.OriginalString.ShouldEndWith("/login?returnUrl=%2Fusers%3Fpage%3D2");

        // What is not a page opened in the browser (the live stream, a script's fetch) gets the bare status.
        var plain = Host.NewClient(null, followRedirects: false);
        (await plain.GetAsync("/users")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        using (var htmx = new HttpRequestMessage(HttpMethod.Get, "/users"))
        {
            htmx.Headers.Add("HX-Request", "true");
            var answer = await plain.SendAsync(htmx);
            answer.Headers.GetValues("HX-Redirect").Single().ShouldEndWith("/login?returnUrl=%2Fusers");
        }

        var api = await browser.GetAsync("/api/v1/orders");
        api.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        api.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await api.ReadObjectAsync())["field"]!.GetValue<string>().ShouldBe("X-Api-Key");
    }

    [Fact]
    public async Task A_wrong_password_is_refused_and_five_lock_the_account_for_15_minutes()
    {
        var email = await AddUserAsync(NewEmail("lock"), "the right password", "operations");
        var browser = SignIn.Browser(Host);
        for (var i = 1; i <= 4; i++)
        {
            var wrong = await SignIn.PostLoginAsync(browser, email, "not the password");
            wrong.StatusCode.ShouldBe(HttpStatusCode.OK);
            SignIn.ErrorReason(await wrong.Content.ReadAsStringAsync()).ShouldBe("invalid");
        }
        var fifth = await SignIn.PostLoginAsync(browser, email, "not the password");
        SignIn.ErrorReason(await fifth.Content.ReadAsStringAsync()).ShouldBe("locked");
        var right = await SignIn.PostLoginAsync(browser, email, "the right password");
        SignIn.ErrorReason(await right.Content.ReadAsStringAsync()).ShouldBe("locked", "even the right password waits out the lockout");

        var audit = await AuditAsync("login", $"user:{email}");
        audit.Count(e => e.Outcome == "failed").ShouldBe(4);
        audit.Count(e => e.Outcome == "denied").ShouldBe(2);
        var user = (await Host.GetJsonAsync($"/api/v1/users/{email}"));
        var until = user["lockedOutUntil"]!.GetValue<DateTimeOffset>();
        (until - DateTimeOffset.UtcNow).TotalMinutes.ShouldBeInRange(14, 15.1);

        (await Host.Client.PostAsync($"/api/v1/users/{email}/unlock", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await SignIn.PostLoginAsync(browser, email, "the right password")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task A_user_enrols_an_authenticator_and_then_signs_in_with_its_code_or_a_recovery_code()
    {
        var email = await AddUserAsync(NewEmail("totp"), "totp user password", "finance");
        var browser = await SignIn.SignedInAsync(Host, email, "totp user password");
        var account = await browser.GetHtmlAsync("/account");
        account.ShouldContain("<svg");
        var key = KeyPattern().Match(account).Groups[1].Value;
        key.ShouldNotBeEmpty();

        var wrong = await browser.PostFormAsync("/account?handler=EnableTotp", ConsolePages.TokenOf(account), ("code", "000000"));
        (await wrong.Content.ReadAsStringAsync()).ShouldContain("data-test=\"totp-error\"");
        var enablingCode = SignIn.Totp(key);
        var enabled = await browser.PostFormAsync("/account?handler=EnableTotp", ConsolePages.TokenOf(account), ("code", enablingCode));
        var page = await enabled.Content.ReadAsStringAsync();
        enabled.StatusCode.ShouldBe(HttpStatusCode.OK, page);
        var recovery = RecoveryPattern().Matches(page).Select(m => m.Groups[1].Value).ToList();
        recovery.Count.ShouldBe(10);
        page.ShouldContain("data-test=\"account-2fa\"");

        // The stored key is sealed and the recovery codes are hashed.
        await using (var db = await Host.Database.OpenMigratedAsync())
        {
            var stored = (await db.ReadAsync(s => UserStore.FindByNormalizedEmailAsync(s, email.ToUpperInvariant())))!;
            stored.TwoFactorEnabled.ShouldBeTrue();
            stored.AuthenticatorKey!.ShouldStartWith("v1:");
            stored.AuthenticatorKey.ShouldNotContain(key);
            stored.RecoveryCodeHashes.Count.ShouldBe(10);
            stored.RecoveryCodeHashes.ShouldNotContain(recovery[0]);
        }

        var again = SignIn.Browser(Host);
        var first = await SignIn.PostLoginAsync(again, email, "totp user password");
        first.Headers.Location!.OriginalString.ShouldStartWith("/login/2fa");
        (await again.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.Redirect, "not signed in before the second step");
        var step = await again.GetHtmlAsync(first.Headers.Location.OriginalString);
        var bad = await again.PostFormAsync("/login/2fa", ConsolePages.TokenOf(step), ("code", "123456") );
        SignIn.ErrorReason(await bad.Content.ReadAsStringAsync()).ShouldBe("invalid");
        // The code that enabled the authenticator is spent: the next one signs in.
        var spent = await again.PostFormAsync("/login/2fa", ConsolePages.TokenOf(step), ("code", enablingCode));
        spent.StatusCode.ShouldBe(HttpStatusCode.OK, "the 2FA page again, with an error");
        step = await spent.Content.ReadAsStringAsync();
        var good = await again.PostFormAsync("/login/2fa", ConsolePages.TokenOf(step), ("code", SignIn.Totp(key, DateTimeOffset.UtcNow.AddSeconds(30))));
        good.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await again.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await AuditAsync("login.2fa", $"user:{email}")).Select(e => e.Outcome).Order().ShouldBe(["failed", "failed", "ok"]);

        // A recovery code works once.
        foreach (var expectOk in new[] { true, false })
        {
            var other = SignIn.Browser(Host);
            var stepPage = await other.GetHtmlAsync((await SignIn.PostLoginAsync(other, email, "totp user password")).Headers.Location!.OriginalString);
            var result = await other.PostFormAsync("/login/2fa", ConsolePages.TokenOf(stepPage), ("code", recovery[0]));
            (result.StatusCode == HttpStatusCode.Redirect).ShouldBe(expectOk);
        }
    }

    [Fact]
    public async Task A_user_without_the_permission_gets_the_403_page_and_the_denial_is_audited()
    {
        var email = await AddUserAsync(NewEmail("cs"), "customer service pw", "customer-service");
        var browser = await SignIn.SignedInAsync(Host, email, "customer service pw");
        var page = await browser.GetAsync("/users");
        page.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        page.Headers.Location!.OriginalString.ShouldContain("/error/403?returnUrl=%2Fusers");
        (await browser.GetHtmlAsync(page.Headers.Location.OriginalString, HttpStatusCode.Forbidden)).ShouldContain("data-status=\"403\"");
        var api = await browser.GetAsync("/api/v1/users");
        api.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        api.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var denied = await AuditAsync("access.denied", $"user:{email}");
        denied.Select(e => e.Target).Order().ShouldBe(["/api/v1/users", "/users"]);
        denied.ShouldAllBe(e => e.Detail.Contains("users:manage"));
    }

    [Fact]
    public async Task Api_changes_made_with_the_cookie_need_the_antiforgery_header()
    {
        var browser = await SignIn.SignedInAsync(Host, UsersHost.AdminEmail, UsersHost.AdminPassword);
        var body = new { email = NewEmail("csrf"), password = "a good password", roles = new[] { "finance" } };
        var refused = await browser.PostAsJsonAsync("/api/v1/users", body);
        refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        refused.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await refused.ReadObjectAsync())["field"]!.GetValue<string>().ShouldBe("RequestVerificationToken");
        (await Host.GetJsonAsync($"/api/v1/users/{body.email}").ContinueWith(t => t.IsFaulted)).ShouldBeTrue("nothing was added");

        var page = await browser.GetHtmlAsync("/users");
        var token = System.Net.WebUtility.HtmlDecode(Regex.Match(page, "name=\"ordo-antiforgery\" content=\"([^\"]+)\"").Groups[1].Value);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/users") { Content = JsonContent.Create(body) };
        request.Headers.Add("RequestVerificationToken", token);
        (await browser.SendAsync(request)).StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_disabled_user_cannot_sign_in()
    {
        var email = await AddUserAsync(NewEmail("gone"), "soon disabled pw", "warehouse");
        (await Host.Client.DeleteAsync($"/api/v1/users/{email}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var response = await SignIn.PostLoginAsync(SignIn.Browser(Host), email, "soon disabled pw");
        SignIn.ErrorReason(await response.Content.ReadAsStringAsync()).ShouldBe("disabled");
    }

    [GeneratedRegex("<form method=\"post\" action=\"/logout\"[^>]*>.*?</form>", RegexOptions.Singleline)]
    private static partial Regex LogoutFormPattern();

    [GeneratedRegex("data-test=\"totp-key\">([a-z0-9 ]+)<")]
    private static partial Regex KeyPattern();

    [GeneratedRegex("data-test=\"recovery-code\">([A-Za-z0-9-]+)<")]
    private static partial Regex RecoveryPattern();
}

public sealed class SignInTestsOnSqlite(SqliteUsersHost host) : SignInTests(host), IClassFixture<SqliteUsersHost>;
public sealed class SignInTestsOnPostgres(PostgresUsersHost host) : SignInTests(host), IClassFixture<PostgresUsersHost>;
