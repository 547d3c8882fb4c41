using System.Net;
using System.Net.Http.Json;
using Ordo.Data.Security;
using Ordo.Server.Tests.Console;
using Ordo.Server.Tests.Infrastructure;
using Shouldly;

namespace Ordo.Server.Tests.Security;

/// <summary>/api/v1/users: validation as problem+json naming the field, users:manage only, audited changes, a password made once.</summary>
public abstract class UsersApiTests(OrdoHost host)
{
    private OrdoHost Host { get { host.EnsureAvailable(); return host; } }

    private static string NewEmail(string name) => $"{name}-{Guid.NewGuid():N}"[..20] + "@ordo.test";

    private async Task<List<AuditEntry>> AuditAsync(string action, string? target = null)
    {
        await using var db = await Host.Database.OpenMigratedAsync();
        return [.. (await db.ReadAsync(s => AuditStore.QueryAsync(s, new AuditQuery(Action: action)))).Where(e => target is null || e.Target == target)];
    }

    [Theory]
    [InlineData("""{"email":"not-an-address","password":"long enough pw","roles":["finance"]}""", "email")]
    [InlineData("""{"password":"long enough pw","roles":["finance"]}""", "email")]
    [InlineData("""{"email":"a@ordo.test","password":"short","roles":["finance"]}""", "password")]
    [InlineData("""{"email":"a@ordo.test","password":12345678901,"roles":["finance"]}""", "password")]
    [InlineData("""{"email":"a@ordo.test","password":"long enough pw","roles":[]}""", "roles")]
    [InlineData("""{"email":"a@ordo.test","password":"long enough pw","roles":["god"]}""", "roles")]
    [InlineData("""{"email":"a@ordo.test","password":"long enough pw","roles":["integration"]}""", "roles")]
    [InlineData("""{"email":"a@ordo.test","password":"long enough pw","roles":["finance"],"culture":"fr"}""", "culture")]
    [InlineData("""{"email":"a@ordo.test","password":"long enough pw","roles":["finance"],"timeZone":"Mars/Olympus"}""", "timeZone")]
    public async Task Invalid_users_are_refused_naming_the_field(string body, string field)
    {
        var response = await Host.PostJsonAsync("/api/v1/users", body);
        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await response.ReadObjectAsync())["field"]!.GetValue<string>().ShouldBe(field);
    }

    [Fact]
    public async Task A_user_is_added_once_listed_and_read_without_secrets()
    {
        var email = NewEmail("add");
        var created = await Host.Client.PostAsJsonAsync("/api/v1/users",
            new { email, password = "a good password", roles = new[] { "finance", "warehouse" }, displayName = "李四", culture = "en", timeZone = "Europe/Berlin" });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var body = await created.ReadObjectAsync();
        (body["email"]!.GetValue<string>(), body["culture"]!.GetValue<string>(), body["timeZone"]!.GetValue<string>(), body["mustChangePassword"]!.GetValue<bool>())
            .ShouldBe((email, "en", "Europe/Berlin", true));
        body.ContainsKey("password").ShouldBeFalse();

        (await Host.Client.PostAsJsonAsync("/api/v1/users", new { email = email.ToUpperInvariant(), password = "a good password", roles = new[] { "finance" } }))
            .StatusCode.ShouldBe(HttpStatusCode.Conflict);
        var listed = (await Host.GetJsonAsync("/api/v1/users"))["items"]!.AsArray();
        listed.ShouldContain(u => u!["email"]!.GetValue<string>() == email);
        listed.ToJsonString().ShouldNotContain("hash", Case.Insensitive);
        (await Host.GetJsonAsync($"/api/v1/users/{email}"))["displayName"]!.GetValue<string>().ShouldBe("李四");
        (await Host.Client.GetAsync("/api/v1/users/nobody@ordo.test")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await AuditAsync("users.add", email)).ShouldHaveSingleItem().Actor.ShouldStartWith("key:bootstrap-admin#");
    }

    [Fact]
    public async Task Without_a_password_one_is_made_and_returned_once_and_a_reset_makes_another()
    {
        var email = NewEmail("gen");
        var created = await (await Host.Client.PostAsJsonAsync("/api/v1/users", new { email, roles = new[] { "operations" } })).ReadObjectAsync();
        var password = created["password"]!.GetValue<string>();
        password.Length.ShouldBe(16);
        created["user"]!["email"]!.GetValue<string>().ShouldBe(email);
        var first = await SignIn.PostLoginAsync(SignIn.Browser(Host), email, password);
        first.Headers.Location!.OriginalString.ShouldBe("/account?mustChange=1");

        var reset = await Host.Client.PostAsync($"/api/v1/users/{email}/password", null);
        reset.StatusCode.ShouldBe(HttpStatusCode.OK);
        var made = (await reset.ReadObjectAsync())["password"]!.GetValue<string>();
        made.ShouldNotBe(password);
        SignIn.ErrorReason(await (await SignIn.PostLoginAsync(SignIn.Browser(Host), email, password)).Content.ReadAsStringAsync()).ShouldBe("invalid");

        var given = await Host.Client.PostAsJsonAsync($"/api/v1/users/{email}/password", new { password = "chosen by admin" });
        (await given.ReadObjectAsync()).ContainsKey("password").ShouldBeFalse();
        (await Host.Client.PostAsJsonAsync($"/api/v1/users/{email}/password", new { password = "short" })).StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await AuditAsync("users.reset", email)).Count.ShouldBe(2);

        // The user changes it on the account page, and the "must change" state ends.
        var browser = SignIn.Browser(Host);
        (await SignIn.PostLoginAsync(browser, email, "chosen by admin")).Headers.Location!.OriginalString.ShouldBe("/account?mustChange=1");
        var account = await browser.GetHtmlAsync("/account?mustChange=1");
        account.ShouldContain("data-test=\"must-change-password\"");
        var changed = await browser.PostFormAsync("/account?handler=Password", ConsolePages.TokenOf(account),
            ("currentPassword", "chosen by admin"), ("newPassword", "my very own password"), ("confirmPassword", "my very own password"));
        (await changed.Content.ReadAsStringAsync()).ShouldContain("data-test=\"account-message\"");
        (await browser.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await Host.GetJsonAsync($"/api/v1/users/{email}"))["mustChangePassword"]!.GetValue<bool>().ShouldBeFalse();
    }

    [Fact]
    public async Task Role_changes_are_audited_with_before_and_after_and_the_last_admin_keeps_the_role()
    {
        var email = NewEmail("roles");
        await Host.Client.PostAsJsonAsync("/api/v1/users", new { email, password = "a good password", roles = new[] { "customer-service" } });
        var changed = await Host.Client.PutAsJsonAsync($"/api/v1/users/{email}/roles", new { roles = new[] { "finance", "warehouse" } });
        changed.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await changed.ReadObjectAsync())["roles"]!.AsArray().Select(r => r!.GetValue<string>()).ShouldBe(["finance", "warehouse"]);
        var entry = (await AuditAsync("users.roles", email)).ShouldHaveSingleItem();
        entry.Detail.ShouldBe("""{"before":["customer-service"],"after":["finance","warehouse"]}""");
        (await Host.Client.PutAsJsonAsync($"/api/v1/users/{email}/roles", new { roles = new[] { "nope" } })).StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);

        var admins = (await Host.GetJsonAsync("/api/v1/users"))["items"]!.AsArray()
            .Where(u => u!["roles"]!.AsArray().Any(r => r!.GetValue<string>() == "admin") && u["disabledAt"] is null).ToList();
        if (admins.Count == 1)
        {
            var admin = admins[0]!["email"]!.GetValue<string>();
            var refused = await Host.Client.PutAsJsonAsync($"/api/v1/users/{admin}/roles", new { roles = new[] { "finance" } });
            refused.StatusCode.ShouldBe(HttpStatusCode.Conflict);
            (await Host.Client.DeleteAsync($"/api/v1/users/{admin}")).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        }
    }

    [Fact]
    public async Task Keys_without_users_manage_are_refused_and_each_denial_is_audited()
    {
        var key = await ConsolePages.CreateKeyAsync(Host, "operations");
        var operations = Host.NewClient(key);
        var refused = await operations.PostAsJsonAsync("/api/v1/users", new { email = NewEmail("x"), password = "a good password", roles = new[] { "admin" } });
        refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        refused.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await operations.GetAsync("/api/v1/users")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        var keyRow = (await Host.GetJsonAsync("/api/v1/api-keys"))["items"]!.AsArray().Last()!;
        var (keyId, keyName) = (keyRow["id"]!.GetValue<long>(), keyRow["name"]!.GetValue<string>());
        await using var db = await Host.Database.OpenMigratedAsync();
        var denied = (await db.ReadAsync(s => AuditStore.QueryAsync(s, new AuditQuery(Action: "access.denied"))))
            .Where(e => e.Actor.EndsWith($"#{keyId}", StringComparison.Ordinal)).ToList();
        denied.Count.ShouldBe(2);
        denied.ShouldAllBe(e => e.Target == "/api/v1/users" && e.Outcome == "denied");
        denied[^1].Detail.ShouldBe("""{"method":"POST","path":"/api/v1/users","permission":"users:manage"}""");
        (await db.ReadAsync(s => AuditStore.QueryAsync(s, new AuditQuery(Action: "keys.add")))).ShouldContain(e => e.Target == $"key:{keyName}#{keyId}");
    }
}

public sealed class UsersApiTestsOnSqlite(SqliteHost host) : UsersApiTests(host), IClassFixture<SqliteHost>;
public sealed class UsersApiTestsOnPostgres(PostgresHost host) : UsersApiTests(host), IClassFixture<PostgresHost>;
