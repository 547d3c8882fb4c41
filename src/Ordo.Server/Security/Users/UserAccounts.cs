using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Ordo.Data;
using Ordo.Data.Security;

namespace Ordo.Server.Security.Users;

/// <summary>Why a user change was refused: the HTTP status, the field at fault and the reason.</summary>
public sealed record AccountProblem(int Status, string Field, string Detail)
{
    public IResult ToResult() => Problems.Result(Status, Status switch { 404 => "Not found", 409 => "Conflict", _ => "Invalid user request" }, Detail, Field);
}

/// <summary>What an admin gives to add a user; null password: Ordo makes one (returned once).</summary>
public sealed record NewUser(string? Email, string? Password, IReadOnlyList<string>? Roles, string? DisplayName = null, string? Culture = null, string? TimeZone = null);

/// <summary>
/// Adding users, changing their roles, resetting passwords, unlocking and disabling, for the API and the console alike:
/// each change is validated the same way and written to the audit log with who did it.
/// </summary>
public sealed class UserAccounts(UserManager<OrdoUser> users, OrdoDatabase database, AuditTrail audit, TimeProvider clock)
{
    /// <summary>Extra audit actions for user administration (the others are in <see cref="AuditTrail.Actions"/>).</summary>
    public static class Actions
    {
        public const string Unlocked = "users.unlock";
        public const string Disabled = "users.disable";
        public const string PasswordChanged = "users.password";
        public const string TwoFactorChanged = "users.2fa";
    }

    /// <summary>Roles a person can have (<c>integration</c> is for API keys).</summary>
    public static IReadOnlyList<string> PersonRoles { get; } = [.. Roles.All.Where(r => r != Roles.Integration)];

    private const string PasswordAlphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    /// <summary>A random password of 16 characters without look-alikes (0/O, 1/l/I), about 92 bits.</summary>
    public static string NewPassword() => RandomNumberGenerator.GetString(PasswordAlphabet, 16);

    public static AccountProblem? CheckEmail(string? email)
    {
        if (string.IsNullOrWhiteSpace(email)) return new(422, "email", "email is required");
        if (email.Length > 254 || !System.Net.Mail.MailAddress.TryCreate(email, out var parsed) || parsed.Address != email || !email.Contains('@', StringComparison.Ordinal))
            return new(422, "email", $"'{email}' is not an e-mail address (name@example.com)");
        return null;
    }

    public static AccountProblem? CheckRoles(IReadOnlyList<string>? roles)
    {
        if (roles is null || roles.Count == 0)
            return new(422, "roles", $"roles must be a non-empty array of: {string.Join(", ", PersonRoles)}");
        if (roles.FirstOrDefault(r => !PersonRoles.Contains(r, StringComparer.Ordinal)) is { } unknown)
            return new(422, "roles", $"unknown role '{unknown}'; a user's roles are: {string.Join(", ", PersonRoles)}");
        return null;
    }

    public static AccountProblem? CheckPassword(string? password) =>
        password is null || password.Length < UsersSetup.MinPasswordLength
            ? new(422, "password", $"the password must have at least {UsersSetup.MinPasswordLength} characters")
            : null;

    public Task<List<UserRecord>> ListAsync(CancellationToken ct) => database.ReadAsync(UserStore.ListAsync, ct);

    public Task<OrdoUser?> FindAsync(string email) => users.FindByEmailAsync(email.Trim());

    /// <summary>Adds a user; answers the user and the password when Ordo made it (shown once).</summary>
    public async Task<(OrdoUser? User, string? Generated, AccountProblem? Problem)> AddAsync(NewUser request, HttpContext http)
    {
        var email = request.Email?.Trim();
        var problem = CheckEmail(email) ?? CheckRoles(request.Roles) ?? (request.Password is null ? null : CheckPassword(request.Password));
        if (problem is null && request.Culture is not null && !UserPreferences.IsCulture(request.Culture))
            problem = new(422, "culture", $"culture must be one of: {string.Join(", ", UserPreferences.Cultures)}");
        if (problem is null && request.TimeZone is not null && !UserPreferences.IsTimeZone(request.TimeZone))
            problem = new(422, "timeZone", $"'{request.TimeZone}' is not an IANA time zone (e.g. Asia/Shanghai)");
        if (problem is null && request.DisplayName is { Length: > 100 }) problem = new(422, "displayName", "displayName has at most 100 characters");
        if (problem is not null) return (null, null, problem);
        if (await users.FindByEmailAsync(email!) is not null) return (null, null, new(409, "email", $"a user with e-mail {email} already exists"));

        var generated = request.Password is null ? NewPassword() : null;
        var user = new OrdoUser
        {
            Email = email!,
            DisplayName = string.IsNullOrWhiteSpace(request.DisplayName) ? null : request.DisplayName.Trim(),
            Culture = request.Culture ?? UserPreferences.DefaultCulture,
            TimeZone = request.TimeZone ?? UserPreferences.DefaultTimeZone,
            Roles = [.. request.Roles!.Distinct(StringComparer.Ordinal)],
            // A password someone else chose is changed at first sign-in.
            MustChangePassword = true,
        };
        var result = await users.CreateAsync(user, request.Password ?? generated!);
        if (!result.Succeeded) return (null, null, FromIdentity(result));
        await audit.RecordAsync(http, AuditTrail.Actions.UserAdded, AuditTrail.Outcomes.Ok, user.Email, new { roles = user.Roles });
        return (user, generated, null);
    }

    public async Task<(OrdoUser? User, AccountProblem? Problem)> SetRolesAsync(string email, IReadOnlyList<string>? roles, HttpContext http)
    {
        if (CheckRoles(roles) is { } problem) return (null, problem);
        if (await FindAsync(email) is not { } user) return (null, NotFound(email));
        var before = user.Roles.ToList();
        var after = roles!.Distinct(StringComparer.Ordinal).ToList();
        if (before.Contains(Roles.Admin) && !after.Contains(Roles.Admin) && await IsLastAdminAsync(user))
            return (null, new(409, "roles", $"{user.Email} is the last active admin; make another user admin first"));
        user.Roles = after;
        // A new stamp: open sessions take the new roles at their next check (within a minute).
        await users.UpdateSecurityStampAsync(user);
        await audit.RecordAsync(http, AuditTrail.Actions.RolesChanged, AuditTrail.Outcomes.Ok, user.Email, new { before, after });
        return (user, null);
    }

    /// <summary>Sets a new password (given, or made and answered once) that the user must change at the next sign-in.</summary>
    public async Task<(OrdoUser? User, string? Generated, AccountProblem? Problem)> ResetPasswordAsync(string email, string? password, HttpContext http)
    {
        if (password is not null && CheckPassword(password) is { } problem) return (null, null, problem);
        if (await FindAsync(email) is not { } user) return (null, null, NotFound(email));
        var generated = password is null ? NewPassword() : null;
        var token = await users.GeneratePasswordResetTokenAsync(user);
        var result = await users.ResetPasswordAsync(user, token, password ?? generated!);
        if (!result.Succeeded) return (null, null, FromIdentity(result));
        user.MustChangePassword = true;
        user.LockoutEnd = null;
        user.AccessFailedCount = 0;
        await users.UpdateAsync(user);
        await audit.RecordAsync(http, AuditTrail.Actions.PasswordReset, AuditTrail.Outcomes.Ok, user.Email, new { generated = generated is not null });
        return (user, generated, null);
    }

    public async Task<(OrdoUser? User, AccountProblem? Problem)> UnlockAsync(string email, HttpContext http)
    {
        if (await FindAsync(email) is not { } user) return (null, NotFound(email));
        user.LockoutEnd = null;
        user.AccessFailedCount = 0;
        await users.UpdateAsync(user);
        await audit.RecordAsync(http, Actions.Unlocked, AuditTrail.Outcomes.Ok, user.Email);
        return (user, null);
    }

    /// <summary>Disables the user (kept for the audit log); their sessions end at the next stamp check.</summary>
    public async Task<(OrdoUser? User, AccountProblem? Problem)> DisableAsync(string email, HttpContext http)
    {
        if (await FindAsync(email) is not { } user) return (null, NotFound(email));
        if (user.DisabledAt is not null) return (user, null);
        if (user.Roles.Contains(Roles.Admin) && await IsLastAdminAsync(user))
            return (null, new(409, "email", $"{user.Email} is the last active admin; make another user admin first"));
        user.DisabledAt = clock.GetUtcNow();
        await users.UpdateSecurityStampAsync(user);
        await audit.RecordAsync(http, Actions.Disabled, AuditTrail.Outcomes.Ok, user.Email);
        return (user, null);
    }

    /// <summary>The user's own change of password (the account page), which ends the "must change" state.</summary>
    public async Task<AccountProblem?> ChangeOwnPasswordAsync(OrdoUser user, string current, string? next, HttpContext http)
    {
        if (CheckPassword(next) is { } problem) return problem;
        if (next == current) return new(422, "newPassword", "the new password must differ from the current one");
        var result = await users.ChangePasswordAsync(user, current, next!);
        if (!result.Succeeded)
            return result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.PasswordMismatch))
                ? new(422, "currentPassword", "the current password is not right")
                : FromIdentity(result);
        user.MustChangePassword = false;
        await users.UpdateAsync(user);
        await audit.RecordAsync(http.User.Identity?.IsAuthenticated == true ? AuditTrail.ActorOf(http.User) : $"user:{user.Email}",
            Actions.PasswordChanged, AuditTrail.Outcomes.Ok, user.Email, http.Connection.RemoteIpAddress?.ToString(), null);
        return null;
    }

    private async Task<bool> IsLastAdminAsync(OrdoUser user) =>
        (await users.GetUsersInRoleAsync(Roles.Admin)).All(u => u.Id == user.Id);

    private static AccountProblem NotFound(string email) => new(404, "email", $"no user with e-mail {email}");

    private static AccountProblem FromIdentity(IdentityResult result)
    {
        var error = result.Errors.First();
        var field = error.Code.StartsWith("Password", StringComparison.Ordinal) ? "password"
            : error.Code.Contains("Email", StringComparison.Ordinal) || error.Code.Contains("UserName", StringComparison.Ordinal) ? "email"
            : "user";
        return new(field == "user" ? 409 : 422, field, error.Description);
    }

    /// <summary>The user as the API and the CLI show it (no secrets).</summary>
    public static object View(UserRecord u, DateTimeOffset now) => new
    {
        email = u.Email,
        displayName = u.DisplayName,
        roles = u.Roles,
        culture = u.Culture,
        timeZone = u.TimeZone,
        twoFactorEnabled = u.TwoFactorEnabled,
        mustChangePassword = u.MustChangePassword,
        lockedOutUntil = u.LockoutEnd > now ? u.LockoutEnd : null,
        disabledAt = u.DisabledAt,
        createdAt = u.CreatedAt,
    };

    public static object View(OrdoUser u, DateTimeOffset now) => View(new UserRecord(
        u.Id, u.Email, u.NormalizedEmail, u.DisplayName, null, "", "", u.LockoutEnd, u.LockoutEnabled, u.AccessFailedCount, u.TwoFactorEnabled,
        null, [], u.Culture, u.TimeZone, u.MustChangePassword, u.DisabledAt, u.CreatedAt, u.UpdatedAt, u.Roles), now);
}
