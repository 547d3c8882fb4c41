namespace Ordo.Server.Security.Users;

/// <summary>
/// A person who signs in to the console. Identity changes these properties through <see cref="OrdoUserStore"/> and
/// then asks the store to write the whole user (<see cref="Ordo.Data.Security.UserStore.UpdateAsync"/>).
/// </summary>
public sealed class OrdoUser
{
    public long Id { get; set; }
    public string Email { get; set; } = "";
    public string NormalizedEmail { get; set; } = "";
    public string? DisplayName { get; set; }
    public string? PasswordHash { get; set; }
    public string SecurityStamp { get; set; } = Guid.NewGuid().ToString("N");
    public string ConcurrencyStamp { get; set; } = Guid.NewGuid().ToString("N");
    public DateTimeOffset? LockoutEnd { get; set; }
    public bool LockoutEnabled { get; set; } = true;
    public int AccessFailedCount { get; set; }
    public bool TwoFactorEnabled { get; set; }
    /// <summary>The TOTP key in clear (sealed in the database).</summary>
    public string? AuthenticatorKey { get; set; }
    public List<string> RecoveryCodeHashes { get; set; } = [];
    public string Culture { get; set; } = UserPreferences.DefaultCulture;
    public string TimeZone { get; set; } = UserPreferences.DefaultTimeZone;
    public bool MustChangePassword { get; set; }
    public DateTimeOffset? DisabledAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public List<string> Roles { get; set; } = [];
}

/// <summary>The claims Ordo adds to a signed-in user besides name, id and roles.</summary>
public static class OrdoClaims
{
    /// <summary><c>zh-CN</c> or <c>en</c>.</summary>
    public const string Culture = "ordo:culture";
    /// <summary>An IANA time zone, e.g. <c>Asia/Shanghai</c>.</summary>
    public const string TimeZone = "ordo:tz";
    /// <summary>Present (value <c>true</c>) while the user still signs in with a one-time or reset password.</summary>
    public const string MustChangePassword = "ordo:must-change-password";
}

/// <summary>The languages and time zones a user may choose.</summary>
public static class UserPreferences
{
    public const string DefaultCulture = "zh-CN";
    public const string DefaultTimeZone = "Asia/Shanghai";
    public static IReadOnlyList<string> Cultures { get; } = ["zh-CN", "en"];

    public static bool IsCulture(string? culture) => culture is not null && Cultures.Contains(culture, StringComparer.Ordinal);

    /// <summary>An IANA zone id this machine knows (Windows ids are refused, so that every instance reads the same zone).</summary>
    public static bool IsTimeZone(string? zone) =>
        zone is not null && (zone == "UTC" || zone.Contains('/', StringComparison.Ordinal)) && TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _);
}
