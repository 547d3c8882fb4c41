using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Ordo.Data;
using Ordo.Data.Security;

namespace Ordo.Server.Security.Users;

/// <summary>
/// ASP.NET Core Identity's user store over Ordo's database (no EF). The Set* methods change the user in memory;
/// <see cref="UpdateAsync"/> writes it, refusing when the row's concurrency stamp moved meanwhile. The user name is the
/// e-mail address. Roles are Ordo's fixed roles (<see cref="Security.Roles"/>); Identity hands them over upper-cased.
/// </summary>
public sealed class OrdoUserStore(OrdoDatabase database, SecretBox secrets, TimeProvider clock) :
    IUserPasswordStore<OrdoUser>, IUserEmailStore<OrdoUser>, IUserRoleStore<OrdoUser>, IUserSecurityStampStore<OrdoUser>,
    IUserLockoutStore<OrdoUser>, IUserTwoFactorStore<OrdoUser>, IUserAuthenticatorKeyStore<OrdoUser>, IUserTwoFactorRecoveryCodeStore<OrdoUser>
{
    public void Dispose() { }

    // ---- persistence ----

    public async Task<IdentityResult> CreateAsync(OrdoUser user, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        user.CreatedAt = user.UpdatedAt = now;
        user.ConcurrencyStamp = Guid.NewGuid().ToString("N");
        var id = await database.WriteAsync(s => UserStore.AddAsync(s, ToRecord(user)), ct);
        if (id is null) return IdentityResult.Failed(new IdentityErrorDescriber().DuplicateEmail(user.Email));
        user.Id = id.Value;
        return IdentityResult.Success;
    }

    public async Task<IdentityResult> UpdateAsync(OrdoUser user, CancellationToken ct)
    {
        var expected = user.ConcurrencyStamp;
        user.ConcurrencyStamp = Guid.NewGuid().ToString("N");
        user.UpdatedAt = clock.GetUtcNow();
        var record = ToRecord(user);
        if (await database.WriteAsync(s => UserStore.UpdateAsync(s, record, expected), ct)) return IdentityResult.Success;
        user.ConcurrencyStamp = expected;
        return IdentityResult.Failed(new IdentityErrorDescriber().ConcurrencyFailure());
    }

    /// <summary>Users are disabled, never deleted (the audit log names them).</summary>
    public Task<IdentityResult> DeleteAsync(OrdoUser user, CancellationToken ct) =>
        throw new NotSupportedException("Ordo disables users instead of deleting them");

    public async Task<OrdoUser?> FindByIdAsync(string userId, CancellationToken ct) =>
        long.TryParse(userId, System.Globalization.CultureInfo.InvariantCulture, out var id)
            ? FromRecord(await database.ReadAsync(s => UserStore.FindByIdAsync(s, id), ct))
            : null;

    public async Task<OrdoUser?> FindByEmailAsync(string normalizedEmail, CancellationToken ct) =>
        FromRecord(await database.ReadAsync(s => UserStore.FindByNormalizedEmailAsync(s, normalizedEmail), ct));

    public Task<OrdoUser?> FindByNameAsync(string normalizedUserName, CancellationToken ct) => FindByEmailAsync(normalizedUserName, ct);

    private UserRecord ToRecord(OrdoUser u) => new(
        u.Id, u.Email, u.NormalizedEmail, u.DisplayName, u.PasswordHash, u.SecurityStamp, u.ConcurrencyStamp, u.LockoutEnd, u.LockoutEnabled,
        u.AccessFailedCount, u.TwoFactorEnabled, secrets.Seal(u.AuthenticatorKey), u.RecoveryCodeHashes, u.Culture, u.TimeZone,
        u.MustChangePassword, u.DisabledAt, u.CreatedAt, u.UpdatedAt, u.Roles);

    private OrdoUser? FromRecord(UserRecord? r) => r is null ? null : new OrdoUser
    {
        Id = r.Id, Email = r.Email, NormalizedEmail = r.NormalizedEmail, DisplayName = r.DisplayName, PasswordHash = r.PasswordHash,
        SecurityStamp = r.SecurityStamp, ConcurrencyStamp = r.ConcurrencyStamp, LockoutEnd = r.LockoutEnd, LockoutEnabled = r.LockoutEnabled,
        AccessFailedCount = r.AccessFailedCount, TwoFactorEnabled = r.TwoFactorEnabled, AuthenticatorKey = secrets.Open(r.AuthenticatorKey),
        RecoveryCodeHashes = [.. r.RecoveryCodeHashes], Culture = r.Culture, TimeZone = r.TimeZone, MustChangePassword = r.MustChangePassword,
        DisabledAt = r.DisabledAt, CreatedAt = r.CreatedAt, UpdatedAt = r.UpdatedAt, Roles = [.. r.Roles],
    };

    // ---- names: the user name is the e-mail address ----

    public Task<string> GetUserIdAsync(OrdoUser user, CancellationToken ct) => Task.FromResult(user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
    public Task<string?> GetUserNameAsync(OrdoUser user, CancellationToken ct) => Task.FromResult<string?>(user.Email);
    public Task SetUserNameAsync(OrdoUser user, string? userName, CancellationToken ct) { user.Email = userName ?? ""; return Task.CompletedTask; }
    public Task<string?> GetNormalizedUserNameAsync(OrdoUser user, CancellationToken ct) => Task.FromResult<string?>(user.NormalizedEmail);
    public Task SetNormalizedUserNameAsync(OrdoUser user, string? normalizedName, CancellationToken ct) { user.NormalizedEmail = normalizedName ?? ""; return Task.CompletedTask; }

    public Task SetEmailAsync(OrdoUser user, string? email, CancellationToken ct) { user.Email = email ?? ""; return Task.CompletedTask; }
    public Task<string?> GetEmailAsync(OrdoUser user, CancellationToken ct) => Task.FromResult<string?>(user.Email);
    /// <summary>Ordo sends no mail: an address an admin entered counts as confirmed.</summary>
    public Task<bool> GetEmailConfirmedAsync(OrdoUser user, CancellationToken ct) => Task.FromResult(true);
    public Task SetEmailConfirmedAsync(OrdoUser user, bool confirmed, CancellationToken ct) => Task.CompletedTask;
    public Task<string?> GetNormalizedEmailAsync(OrdoUser user, CancellationToken ct) => Task.FromResult<string?>(user.NormalizedEmail);
    public Task SetNormalizedEmailAsync(OrdoUser user, string? normalizedEmail, CancellationToken ct) { user.NormalizedEmail = normalizedEmail ?? ""; return Task.CompletedTask; }

    // ---- password and stamp ----

    public Task SetPasswordHashAsync(OrdoUser user, string? passwordHash, CancellationToken ct) { user.PasswordHash = passwordHash; return Task.CompletedTask; }
    public Task<string?> GetPasswordHashAsync(OrdoUser user, CancellationToken ct) => Task.FromResult(user.PasswordHash);
    public Task<bool> HasPasswordAsync(OrdoUser user, CancellationToken ct) => Task.FromResult(user.PasswordHash is not null);
    public Task SetSecurityStampAsync(OrdoUser user, string stamp, CancellationToken ct) { user.SecurityStamp = stamp; return Task.CompletedTask; }
    public Task<string?> GetSecurityStampAsync(OrdoUser user, CancellationToken ct) => Task.FromResult<string?>(user.SecurityStamp);

    // ---- roles ----

    /// <summary>Ordo's role name for Identity's normalized (upper-case) one; unknown names are refused.</summary>
    private static string RoleOf(string normalizedRole) =>
        Security.Roles.All.FirstOrDefault(r => string.Equals(r, normalizedRole, StringComparison.OrdinalIgnoreCase))
        ?? throw new InvalidOperationException($"unknown role '{normalizedRole}'; roles are: {string.Join(", ", Security.Roles.All)}");

    public Task AddToRoleAsync(OrdoUser user, string roleName, CancellationToken ct)
    {
        var role = RoleOf(roleName);
        if (!user.Roles.Contains(role)) user.Roles.Add(role);
        return Task.CompletedTask;
    }

    public Task RemoveFromRoleAsync(OrdoUser user, string roleName, CancellationToken ct)
    {
        user.Roles.Remove(RoleOf(roleName));
        return Task.CompletedTask;
    }

    public Task<IList<string>> GetRolesAsync(OrdoUser user, CancellationToken ct) => Task.FromResult<IList<string>>([.. user.Roles]);

    public Task<bool> IsInRoleAsync(OrdoUser user, string roleName, CancellationToken ct) => Task.FromResult(user.Roles.Contains(RoleOf(roleName)));

    public async Task<IList<OrdoUser>> GetUsersInRoleAsync(string roleName, CancellationToken ct) =>
        [.. (await database.ReadAsync(s => UserStore.ActiveInRoleAsync(s, RoleOf(roleName)), ct)).Select(r => FromRecord(r)!)];

    // ---- lockout ----

    public Task<DateTimeOffset?> GetLockoutEndDateAsync(OrdoUser user, CancellationToken ct) => Task.FromResult(user.LockoutEnd);
    public Task SetLockoutEndDateAsync(OrdoUser user, DateTimeOffset? lockoutEnd, CancellationToken ct) { user.LockoutEnd = lockoutEnd; return Task.CompletedTask; }
    public Task<int> IncrementAccessFailedCountAsync(OrdoUser user, CancellationToken ct) => Task.FromResult(++user.AccessFailedCount);
    public Task ResetAccessFailedCountAsync(OrdoUser user, CancellationToken ct) { user.AccessFailedCount = 0; return Task.CompletedTask; }
    public Task<int> GetAccessFailedCountAsync(OrdoUser user, CancellationToken ct) => Task.FromResult(user.AccessFailedCount);
    public Task<bool> GetLockoutEnabledAsync(OrdoUser user, CancellationToken ct) => Task.FromResult(user.LockoutEnabled);
    public Task SetLockoutEnabledAsync(OrdoUser user, bool enabled, CancellationToken ct) { user.LockoutEnabled = enabled; return Task.CompletedTask; }

    // ---- second factor ----

    public Task SetTwoFactorEnabledAsync(OrdoUser user, bool enabled, CancellationToken ct) { user.TwoFactorEnabled = enabled; return Task.CompletedTask; }
    public Task<bool> GetTwoFactorEnabledAsync(OrdoUser user, CancellationToken ct) => Task.FromResult(user.TwoFactorEnabled);
    public Task SetAuthenticatorKeyAsync(OrdoUser user, string key, CancellationToken ct) { user.AuthenticatorKey = key; return Task.CompletedTask; }
    public Task<string?> GetAuthenticatorKeyAsync(OrdoUser user, CancellationToken ct) => Task.FromResult(user.AuthenticatorKey);

    /// <summary>Recovery codes are kept as hashes only: they are shown once, when generated.</summary>
    public Task ReplaceCodesAsync(OrdoUser user, IEnumerable<string> recoveryCodes, CancellationToken ct)
    {
        user.RecoveryCodeHashes = [.. recoveryCodes.Select(HashCode)];
        return Task.CompletedTask;
    }

    public Task<bool> RedeemCodeAsync(OrdoUser user, string code, CancellationToken ct) =>
        Task.FromResult(user.RecoveryCodeHashes.Remove(HashCode(code)));

    public Task<int> CountCodesAsync(OrdoUser user, CancellationToken ct) => Task.FromResult(user.RecoveryCodeHashes.Count);

    // Recovery codes are random (Identity makes them from 40 random bits each), so a plain hash is enough.
    private static string HashCode(string code) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(code.Trim().Replace("-", "", StringComparison.Ordinal).ToUpperInvariant())));
}

/// <summary>
/// The signed-in user's claims: <see cref="ClaimTypes.Name"/> = e-mail, <see cref="ClaimTypes.NameIdentifier"/> = id,
/// <see cref="ClaimTypes.Role"/> per role, <see cref="OrdoClaims.Culture"/>, <see cref="OrdoClaims.TimeZone"/>.
/// </summary>
public sealed class OrdoClaimsFactory(UserManager<OrdoUser> users, Microsoft.Extensions.Options.IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<OrdoUser>(users, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(OrdoUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        foreach (var role in user.Roles) identity.AddClaim(new Claim(ClaimTypes.Role, role));
        identity.AddClaim(new Claim(OrdoClaims.Culture, user.Culture));
        identity.AddClaim(new Claim(OrdoClaims.TimeZone, user.TimeZone));
        if (user.MustChangePassword) identity.AddClaim(new Claim(OrdoClaims.MustChangePassword, "true"));
        return identity;
    }
}
