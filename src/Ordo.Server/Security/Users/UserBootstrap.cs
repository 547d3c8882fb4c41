using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Ordo.Data;
using Ordo.Data.Security;
using Ordo.Server.Configuration;

namespace Ordo.Server.Security.Users;

/// <summary>
/// The first admin, on a start with no user: <c>Ordo:Bootstrap:AdminEmail</c> (default <c>admin@ordo.local</c>) with
/// <c>Ordo:Bootstrap:AdminPassword</c>, or else a one-time password logged once and saved to
/// <c>{DataDirectory}/admin-password.txt</c> (owner-only), to be changed at the first sign-in. In demo mode also one
/// user per role, with a demo password in the log and in <c>{DataDirectory}/demo-users.txt</c>. Instances starting
/// together on one PostgreSQL create one admin: an advisory lock, an insert only while there is no user, and the
/// unique e-mail index.
/// </summary>
public sealed partial class UserBootstrap(
    IServiceScopeFactory scopes, OrdoDatabase database, AuditTrail audit, IOptions<OrdoOptions> options, IConfiguration configuration,
    TimeProvider clock, ILogger<UserBootstrap> log)
{
    public const string DefaultAdminEmail = "admin@ordo.local";
    private const long LockKey = 0x4F52444F_55534552; // "ORDOUSER"

    /// <summary>The demo's users, one per role, so that a newcomer sees each role's view.</summary>
    public static IReadOnlyList<(string Email, string Role)> DemoUsers { get; } =
    [
        ("ops@demo.ordo", Roles.Operations),
        ("cs@demo.ordo", Roles.CustomerService),
        ("warehouse@demo.ordo", Roles.Warehouse),
        ("finance@demo.ordo", Roles.Finance),
    ];

    public static string AdminPasswordFile(OrdoOptions o) => Path.GetFullPath(Path.Combine(o.DataDirectory, "admin-password.txt"));
    public static string DemoUsersFile(OrdoOptions o) => Path.GetFullPath(Path.Combine(o.DataDirectory, "demo-users.txt"));

    public async Task RunAsync(CancellationToken ct)
    {
        if (await database.ReadAsync(UserStore.AnyAsync, ct)) return;
        var settings = options.Value.Bootstrap;
        var email = string.IsNullOrWhiteSpace(settings.AdminEmail) ? DefaultAdminEmail : settings.AdminEmail.Trim();
        if (UserAccounts.CheckEmail(email) is { } badEmail) throw new InvalidOperationException($"Ordo:Bootstrap:AdminEmail: {badEmail.Detail}");
        var configured = string.IsNullOrEmpty(settings.AdminPassword) ? null : settings.AdminPassword;
        if (configured is not null && UserAccounts.CheckPassword(configured) is { } badPassword)
            throw new InvalidOperationException($"Ordo:Bootstrap:AdminPassword: {badPassword.Detail}");
        var generated = configured is null ? UserAccounts.NewPassword() : null;

        using var scope = scopes.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<OrdoUser>>();
        var admin = NewRecord(users, email, configured ?? generated!, Roles.Admin, mustChangePassword: generated is not null);
        var created = await database.WriteAsync(async s =>
        {
            if (s.IsPostgres) await s.ExecuteAsync("SELECT pg_advisory_xact_lock(@k)", ("k", LockKey));
            return await UserStore.AddFirstAsync(s, admin) is not null;
        }, ct);
        if (!created) return;
        await audit.RecordAsync("bootstrap", AuditTrail.Actions.UserAdded, AuditTrail.Outcomes.Ok, email, null, new { roles = new[] { Roles.Admin } });

        var signIn = SignInAddress();
        if (generated is null) LogAdminConfigured(email, signIn);
        else
        {
            var file = AdminPasswordFile(options.Value);
            OwnerOnlyFile.Write(file, $"{email}{Environment.NewLine}{generated}{Environment.NewLine}");
            LogAdminGenerated(signIn, email, generated, file);
        }
        if (options.Value.SeedsDemoData(database.Provider) && await HoldsDemoDataAsync(ct)) await AddDemoUsersAsync(users, signIn, ct);
    }

    // Demo mode is on by default on SQLite: a database that was not seeded with the demo (a real shop's) gets no demo users.
    private Task<bool> HoldsDemoDataAsync(CancellationToken ct) =>
        database.ReadAsync(async s => await s.ScalarAsync<long>("SELECT COUNT(*) FROM shops WHERE code = @c", ("c", Ordo.Server.Demo.DemoData.ShopCodes.First())) > 0, ct);

    private async Task AddDemoUsersAsync(UserManager<OrdoUser> users, string signIn, CancellationToken ct)
    {
        // One password for the demo's users: they exist only in the demo, on a server listening on loopback.
        var password = "demo-" + UserAccounts.NewPassword()[..10];
        var added = new List<string>();
        foreach (var (email, role) in DemoUsers)
        {
            var record = NewRecord(users, email, password, role, mustChangePassword: false);
            if (await database.WriteAsync(s => UserStore.AddAsync(s, record), ct) is not null) added.Add($"{email} ({role})");
        }
        if (added.Count == 0) return;
        var file = DemoUsersFile(options.Value);
        OwnerOnlyFile.Write(file,
            $"# Ordo demo users: sign in at {signIn}{Environment.NewLine}" +
            string.Concat(DemoUsers.Select(u => $"{u.Email}\t{password}\t{u.Role}{Environment.NewLine}")));
        LogDemoUsers(signIn, string.Join(", ", added), password, file);
    }

    private UserRecord NewRecord(UserManager<OrdoUser> users, string email, string password, string role, bool mustChangePassword)
    {
        var now = clock.GetUtcNow();
        var user = new OrdoUser { Email = email };
        return new UserRecord(0, email, users.NormalizeEmail(email), null, users.PasswordHasher.HashPassword(user, password),
            Guid.NewGuid().ToString("N"), Guid.NewGuid().ToString("N"), null, true, 0, false, null, [], UserPreferences.DefaultCulture,
            UserPreferences.DefaultTimeZone, mustChangePassword, null, now, now, [role]);
    }

    /// <summary>Where to sign in: the first configured URL (a wildcard host becomes 127.0.0.1), else Ordo's default.</summary>
    private string SignInAddress()
    {
        var urls = configuration[WebHostDefaults.ServerUrlsKey];
        var first = string.IsNullOrWhiteSpace(urls) ? "http://127.0.0.1:5080" : urls.Split(';', StringSplitOptions.RemoveEmptyEntries)[0].Trim();
        foreach (var wildcard in new[] { "://0.0.0.0", "://+", "://*", "://[::]" })
            first = first.Replace(wildcard, "://127.0.0.1", StringComparison.Ordinal);
        return first.TrimEnd('/') + UsersSetup.LoginPath;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "First start: admin {Email} created from Ordo:Bootstrap; sign in at {SignIn}")]
    private partial void LogAdminConfigured(string email, string signIn);

    [LoggerMessage(Level = LogLevel.Warning, Message = "First start: sign in at {SignIn} as {Email} with the one-time password {Password} (also saved to {File}); you must change it at the first sign-in")]
    private partial void LogAdminGenerated(string signIn, string email, string password, string file);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Demo users (demo data only), sign in at {SignIn}: {Users}, each with the password {Password} (also saved to {File})")]
    private partial void LogDemoUsers(string signIn, string users, string password, string file);
}
