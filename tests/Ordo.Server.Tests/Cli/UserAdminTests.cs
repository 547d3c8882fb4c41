using Ordo.Cli.Users;
using Ordo.Server.Tests.Infrastructure;
using Ordo.Server.Tests.Security;
using Shouldly;

namespace Ordo.Server.Tests.Cli;

/// <summary><c>ordo users add|reset|list</c> (<see cref="UserAdmin"/>) against a real Ordo host.</summary>
public abstract class UserAdminTests(OrdoHost host) : CatalogueTestBase(host)
{
    private readonly StringWriter _out = new();
    private readonly StringWriter _error = new();

    private UserAdmin Admin(string input = "")
    {
        _out.GetStringBuilder().Clear();
        return new UserAdmin(Host.Client, _out, _error, new StringReader(input));
    }

    private static string NewEmail() => $"cli-{Guid.NewGuid():N}"[..16] + "@ordo.test";

    [Fact]
    public async Task Users_are_added_with_a_made_or_given_password_reset_and_listed()
    {
        var ct = TestContext.Current.CancellationToken;
        var made = NewEmail();
        (await Admin().AddAsync(made, null, generate: true, "operations,finance", "王五", ct)).ShouldBe(UserAdmin.Done);
        var line = _out.ToString().Trim();
        line.ShouldStartWith($"User {made} added (operations,finance); password (shown once): ");
        var password = line.Split("password (shown once): ")[1].Split(';')[0];
        (await SignIn.PostLoginAsync(SignIn.Browser(Host), made, password)).Headers.Location!.OriginalString.ShouldBe("/account?mustChange=1");

        var given = NewEmail();
        (await Admin("a password from stdin\n").AddAsync(given, "-", generate: false, "warehouse", null, ct)).ShouldBe(UserAdmin.Done);
        _out.ToString().Trim().ShouldBe($"User {given} added (warehouse); the password must be changed at the first sign-in");
        _out.ToString().ShouldNotContain("a password from stdin");
        (await SignIn.PostLoginAsync(SignIn.Browser(Host), given, "a password from stdin")).StatusCode.ShouldBe(System.Net.HttpStatusCode.Redirect);

        (await Admin().ResetAsync(given, null, ct)).ShouldBe(UserAdmin.Done);
        _out.ToString().ShouldStartWith($"Password of {given} reset (shown once): ");

        (await Admin().ListAsync(ct)).ShouldBe(UserAdmin.Done);
        var lines = _out.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        lines[0].ShouldStartWith("EMAIL");
        var row = lines.Single(l => l.StartsWith(made + " ", StringComparison.Ordinal));
        row.ShouldContain("finance,operations");
        row.ShouldContain("must change password");
        row.ShouldEndWith("王五");
        _error.ToString().ShouldBeEmpty();
    }

    [Fact]
    public async Task Refusals_are_one_line_with_exit_code_2()
    {
        var ct = TestContext.Current.CancellationToken;
        (await Admin().AddAsync(NewEmail(), "short", generate: false, "finance", null, ct)).ShouldBe(UserAdmin.Refused);
        (await Admin().AddAsync(NewEmail(), null, generate: false, "finance", null, ct)).ShouldBe(UserAdmin.Refused);
        (await Admin().AddAsync(NewEmail(), null, generate: true, "boss", null, ct)).ShouldBe(UserAdmin.Refused);
        (await Admin().ResetAsync("nobody@ordo.test", null, ct)).ShouldBe(UserAdmin.Refused);
        var lines = _error.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        lines.ShouldBe([
            "ordo users add: the password must have at least 10 characters (HTTP 422)",
            "ordo users add: give either --password or --generate",
            "ordo users add: unknown role 'boss'; a user's roles are: admin, operations, customer-service, warehouse, finance (HTTP 422)",
            "ordo users reset: no user with e-mail nobody@ordo.test (HTTP 404)",
        ]);
    }
}

public sealed class UserAdminTestsOnSqlite(SqliteHost host) : UserAdminTests(host), IClassFixture<SqliteHost>;
public sealed class UserAdminTestsOnPostgres(PostgresHost host) : UserAdminTests(host), IClassFixture<PostgresHost>;
