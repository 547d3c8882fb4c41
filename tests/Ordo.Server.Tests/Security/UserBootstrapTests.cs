using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Ordo.Data.Security;
using Ordo.Server.Tests.Infrastructure;
using Shouldly;

namespace Ordo.Server.Tests.Security;

/// <summary>
/// The first admin: from Ordo:Bootstrap when set; otherwise a one-time password logged once (not on the next start) and
/// saved owner-only; one admin when two instances start together on one PostgreSQL; demo users in demo mode.
/// </summary>
public abstract class UserBootstrapTests(Db kind)
{
    private sealed class Host(TestDatabase database, string dataDirectory, CapturedLog log, params KeyValuePair<string, string>[] extra) : OrdoHost(database)
    {
        protected override IEnumerable<KeyValuePair<string, string>> Settings =>
            extra.Append(new("Ordo:DataDirectory", dataDirectory)).Append(new("Logging:LogLevel:Ordo.Server.Security", "Information"));

        protected override void ConfigureWebHost(IWebHostBuilder builder) =>
            builder.ConfigureServices(services => services.AddSingleton<ILoggerProvider>(log));
    }

    private static string NewDataDirectory() => Path.Combine(Path.GetTempPath(), "ordo-users-test-" + Guid.NewGuid().ToString("N"));

    private static List<string> PasswordLines(CapturedLog log) =>
        [.. log.Entries.Where(e => e.Message.Contains("one-time password", StringComparison.Ordinal)).Select(e => e.Message)];

    [Fact]
    public async Task The_admin_from_settings_signs_in_and_nothing_is_written_to_the_data_directory()
    {
        if (kind == Db.Postgres) TestDatabase.RequirePostgres();
        await using var database = await TestDatabase.CreateAsync(kind);
        var dir = NewDataDirectory();
        var log = new CapturedLog();
        await using var host = new Host(database, dir, log, new("Ordo:Bootstrap:AdminEmail", "boss@shop.test"), new("Ordo:Bootstrap:AdminPassword", "a long admin password"));
        await host.InitializeAsync();

        var browser = SignIn.Browser(host);
        var response = await SignIn.PostLoginAsync(browser, "boss@shop.test", "a long admin password");
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.OriginalString.ShouldBe("/", "a chosen password need not be changed");
        File.Exists(Path.Combine(dir, "admin-password.txt")).ShouldBeFalse();
        PasswordLines(log).ShouldBeEmpty();
        await using var db = await database.OpenMigratedAsync();
        var admin = (await db.ReadAsync(UserStore.ListAsync)).Single();
        (admin.Email, admin.MustChangePassword, string.Join(",", admin.Roles)).ShouldBe(("boss@shop.test", false, "admin"));
    }

    [Fact]
    public async Task Without_a_password_a_one_time_password_is_logged_once_saved_owner_only_and_must_be_changed()
    {
        if (kind == Db.Postgres) TestDatabase.RequirePostgres();
        await using var database = await TestDatabase.CreateAsync(kind);
        var dir = NewDataDirectory();
        var secrets = new KeyValuePair<string, string>("Ordo:Secrets:Key", Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        var firstLog = new CapturedLog();
        string password;
        await using (var first = new Host(database, dir, firstLog, secrets))
        {
            await first.InitializeAsync();
            var line = PasswordLines(firstLog).ShouldHaveSingleItem();
            var file = Path.Combine(dir, "admin-password.txt");
            var saved = File.ReadAllLines(file);
            saved[0].ShouldBe("admin@ordo.local");
            password = saved[1];
            password.Length.ShouldBeGreaterThanOrEqualTo(10);
            line.ShouldContain("admin@ordo.local");
            line.ShouldContain(password);
            line.ShouldContain("/login");
            line.ShouldContain("change it");
            if (!OperatingSystem.IsWindows()) File.GetUnixFileMode(file).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);

            var browser = SignIn.Browser(first);
            var response = await SignIn.PostLoginAsync(browser, "admin@ordo.local", password);
            response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
            response.Headers.Location!.OriginalString.ShouldBe("/account?mustChange=1");
            // Any other page sends the user back to change the password first.
            var overview = await browser.GetAsync("/");
            overview.StatusCode.ShouldBe(HttpStatusCode.Redirect);
            overview.Headers.Location!.OriginalString.ShouldStartWith("/account");
        }

        var secondLog = new CapturedLog();
        await using (var second = new Host(database, dir, secondLog, secrets))
        {
            await second.InitializeAsync();
            PasswordLines(secondLog).ShouldBeEmpty("the password is printed on the first start only");
        }
        await using var db = await database.OpenMigratedAsync();
        (await db.ReadAsync(UserStore.ListAsync)).ShouldHaveSingleItem().MustChangePassword.ShouldBeTrue();
    }

    [Fact]
    public async Task Demo_mode_adds_one_user_per_role_with_the_credentials_in_a_file()
    {
        if (kind == Db.Postgres) TestDatabase.RequirePostgres();
        await using var database = await TestDatabase.CreateAsync(kind);
        var dir = NewDataDirectory();
        var log = new CapturedLog();
        await using var host = new Host(database, dir, log, new("Ordo:DemoData", "true"), new("Ordo:DemoSimulation", "false"), new("Ordo:Jobs:Enabled", "false"));
        await host.InitializeAsync();

        var lines = File.ReadAllLines(Path.Combine(dir, "demo-users.txt")).Where(l => !l.StartsWith('#')).Select(l => l.Split('\t')).ToList();
        lines.Select(l => (l[0], l[2])).ShouldBe([("ops@demo.ordo", "operations"), ("cs@demo.ordo", "customer-service"), ("warehouse@demo.ordo", "warehouse"), ("finance@demo.ordo", "finance")]);
        log.Entries.ShouldContain(e => e.Message.Contains("cs@demo.ordo (customer-service)", StringComparison.Ordinal) && e.Message.Contains(lines[0][1], StringComparison.Ordinal));
        var cs = await SignIn.SignedInAsync(host, "cs@demo.ordo", lines[1][1]);
        (await cs.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.OK, "demo users need not change their password");
        (await cs.GetAsync("/users")).Headers.Location!.OriginalString.ShouldContain("/error/403");
    }
}

public sealed class UserBootstrapTestsOnSqlite() : UserBootstrapTests(Db.Sqlite);

public sealed class UserBootstrapTestsOnPostgres() : UserBootstrapTests(Db.Postgres)
{
    [Fact]
    public async Task Two_instances_starting_together_create_one_admin()
    {
        TestDatabase.RequirePostgres();
        await using var database = await TestDatabase.CreateAsync(Db.Postgres);
        var logs = new[] { new CapturedLog(), new CapturedLog() };
        var hosts = logs.Select(log => new StartTogetherHost(database, log)).ToList();
        try
        {
            await Task.WhenAll(hosts.Select(h => h.InitializeAsync().AsTask()));
            await using var db = await database.OpenMigratedAsync();
            (await db.ReadAsync(UserStore.ListAsync)).ShouldHaveSingleItem().Roles.ShouldBe(["admin"]);
            logs.Sum(l => l.Entries.Count(e => e.Message.Contains("one-time password", StringComparison.Ordinal))).ShouldBe(1);
        }
        finally
        {
            foreach (var h in hosts) await h.DisposeAsync();
        }
    }

    private sealed class StartTogetherHost(TestDatabase database, CapturedLog log) : OrdoHost(database)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder) =>
            builder.ConfigureServices(services => services.AddSingleton<ILoggerProvider>(log));
    }
}
