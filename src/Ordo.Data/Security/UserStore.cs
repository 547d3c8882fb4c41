namespace Ordo.Data.Security;

/// <summary>
/// A console user as stored. <see cref="AuthenticatorKey"/> is the sealed text (the caller seals and opens it);
/// <see cref="RecoveryCodeHashes"/> are SHA-256 hashes of the unused recovery codes.
/// </summary>
public sealed record UserRecord(
    long Id, string Email, string NormalizedEmail, string? DisplayName, string? PasswordHash, string SecurityStamp, string ConcurrencyStamp,
    DateTimeOffset? LockoutEnd, bool LockoutEnabled, int AccessFailedCount, bool TwoFactorEnabled, string? AuthenticatorKey,
    IReadOnlyList<string> RecoveryCodeHashes, string Culture, string TimeZone, bool MustChangePassword, DateTimeOffset? DisabledAt,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, IReadOnlyList<string> Roles);

/// <summary>Users and their roles (migration 0011). The same SQL runs on SQLite and PostgreSQL.</summary>
public static class UserStore
{
    private const string Columns =
        "email, normalized_email, display_name, password_hash, security_stamp, concurrency_stamp, lockout_end, lockout_enabled, " +
        "access_failed_count, two_factor_enabled, authenticator_key, recovery_codes, culture, time_zone, must_change_password, disabled_at, created_at, updated_at";

    private const string Values =
        "@email, @normalized, @display, @hash, @stamp, @concurrency, @lockout_end, @lockout_enabled, " +
        "@failed, @two_factor, @authenticator, @recovery, @culture, @tz, @must_change, @disabled, @created, @updated";

    /// <summary>Adds a user with its roles; null when the e-mail address is taken.</summary>
    public static async Task<long?> AddAsync(DbSession s, UserRecord user)
    {
        var id = await s.ScalarAsync<long?>(
            $"INSERT INTO users ({Columns}) VALUES ({Values}) ON CONFLICT (normalized_email) DO NOTHING RETURNING id", Parameters(user));
        if (id is { } added) await SetRolesAsync(s, added, user.Roles);
        return id;
    }

    /// <summary>
    /// Adds the user only while there is no user at all (the first admin); null when there already was one. With the
    /// unique e-mail index this holds even when instances start together: at most one of their inserts lands.
    /// </summary>
    public static async Task<long?> AddFirstAsync(DbSession s, UserRecord user)
    {
        var id = await s.ScalarAsync<long?>(
            $"INSERT INTO users ({Columns}) SELECT {Values} WHERE NOT EXISTS (SELECT 1 FROM users) ON CONFLICT (normalized_email) DO NOTHING RETURNING id",
            Parameters(user));
        if (id is { } added) await SetRolesAsync(s, added, user.Roles);
        return id;
    }

    /// <summary>
    /// Writes every column of the user and its roles when the row still has <paramref name="expectedConcurrencyStamp"/>;
    /// false when someone else changed it meanwhile (or it does not exist).
    /// </summary>
    public static async Task<bool> UpdateAsync(DbSession s, UserRecord user, string expectedConcurrencyStamp)
    {
        var parameters = Parameters(user).Append(("id", user.Id)).Append(("expected", expectedConcurrencyStamp)).ToArray();
        var changed = await s.ExecuteAsync(
            "UPDATE users SET email = @email, normalized_email = @normalized, display_name = @display, password_hash = @hash, " +
            "security_stamp = @stamp, concurrency_stamp = @concurrency, lockout_end = @lockout_end, lockout_enabled = @lockout_enabled, " +
            "access_failed_count = @failed, two_factor_enabled = @two_factor, authenticator_key = @authenticator, recovery_codes = @recovery, " +
            "culture = @culture, time_zone = @tz, must_change_password = @must_change, disabled_at = @disabled, updated_at = @updated " +
            "WHERE id = @id AND concurrency_stamp = @expected", parameters);
        if (changed == 0) return false;
        await SetRolesAsync(s, user.Id, user.Roles);
        return true;
    }

    public static async Task SetRolesAsync(DbSession s, long userId, IReadOnlyList<string> roles)
    {
        await s.ExecuteAsync("DELETE FROM user_roles WHERE user_id = @id", ("id", userId));
        foreach (var role in roles.Distinct(StringComparer.Ordinal))
            await s.ExecuteAsync("INSERT INTO user_roles (user_id, role) VALUES (@id, @role)", ("id", userId), ("role", role));
    }

    public static Task<UserRecord?> FindByIdAsync(DbSession s, long id) => FindAsync(s, "id = @v", id);

    public static Task<UserRecord?> FindByNormalizedEmailAsync(DbSession s, string normalizedEmail) => FindAsync(s, "normalized_email = @v", normalizedEmail);

    private static async Task<UserRecord?> FindAsync(DbSession s, string condition, object value)
    {
        var user = await s.SingleOrDefaultAsync($"SELECT * FROM users WHERE {condition}", Map, ("v", value));
        if (user is null) return null;
        var roles = await s.QueryAsync("SELECT role FROM user_roles WHERE user_id = @id ORDER BY role", r => r.String("role"), ("id", user.Id));
        return user with { Roles = roles };
    }

    /// <summary>Every user (disabled ones too), by e-mail address, with their roles.</summary>
    public static async Task<List<UserRecord>> ListAsync(DbSession s)
    {
        var users = await s.QueryAsync("SELECT * FROM users ORDER BY normalized_email", Map);
        var roles = (await s.QueryAsync("SELECT user_id, role FROM user_roles ORDER BY role", r => (Id: r.Long("user_id"), Role: r.String("role"))))
            .ToLookup(x => x.Id, x => x.Role);
        return users.Select(u => u with { Roles = [.. roles[u.Id]] }).ToList();
    }

    /// <summary>Users that have <paramref name="role"/> and are not disabled.</summary>
    public static async Task<List<UserRecord>> ActiveInRoleAsync(DbSession s, string role)
    {
        var ids = await s.QueryAsync(
            "SELECT u.id FROM users u JOIN user_roles r ON r.user_id = u.id WHERE r.role = @role AND u.disabled_at IS NULL ORDER BY u.id",
            r => r.Long("id"), ("role", role));
        var users = new List<UserRecord>(ids.Count);
        foreach (var id in ids)
            if (await FindByIdAsync(s, id) is { } user) users.Add(user);
        return users;
    }

    /// <summary>
    /// Marks a TOTP step as used for the user, if it is later than the last one used: true when this call took it.
    /// One conditional UPDATE, so two instances given the same code accept it once.
    /// </summary>
    public static async Task<bool> TryUseTotpStepAsync(DbSession s, long userId, long step) =>
        await s.ExecuteAsync(
            "UPDATE users SET totp_last_step = @step WHERE id = @id AND (totp_last_step IS NULL OR totp_last_step < @step)",
            ("step", step), ("id", userId)) == 1;

    public static async Task<bool> AnyAsync(DbSession s) => await s.ScalarAsync<long>("SELECT COUNT(*) FROM users") > 0;

    private static (string, object?)[] Parameters(UserRecord u) =>
    [
        ("email", u.Email), ("normalized", u.NormalizedEmail), ("display", u.DisplayName), ("hash", u.PasswordHash), ("stamp", u.SecurityStamp),
        ("concurrency", u.ConcurrencyStamp), ("lockout_end", u.LockoutEnd), ("lockout_enabled", u.LockoutEnabled), ("failed", u.AccessFailedCount),
        ("two_factor", u.TwoFactorEnabled), ("authenticator", u.AuthenticatorKey), ("recovery", DocumentJson.Serialize(u.RecoveryCodeHashes)),
        ("culture", u.Culture), ("tz", u.TimeZone), ("must_change", u.MustChangePassword), ("disabled", u.DisabledAt),
        ("created", u.CreatedAt), ("updated", u.UpdatedAt),
    ];

    private static UserRecord Map(Row r) => new(
        r.Long("id"), r.String("email"), r.String("normalized_email"), r.StringOrNull("display_name"), r.StringOrNull("password_hash"),
        r.String("security_stamp"), r.String("concurrency_stamp"), r.InstantOrNull("lockout_end"), r.Bool("lockout_enabled"),
        r.Int("access_failed_count"), r.Bool("two_factor_enabled"), r.StringOrNull("authenticator_key"),
        DocumentJson.Deserialize<List<string>>(r.String("recovery_codes")), r.String("culture"), r.String("time_zone"),
        r.Bool("must_change_password"), r.InstantOrNull("disabled_at"), r.Instant("created_at"), r.Instant("updated_at"), []);
}

/// <summary>Data Protection keys shared by every instance on one database (migration 0011); the XML is sealed by the caller.</summary>
public static class DataProtectionKeyStore
{
    public static Task<List<string>> ListAsync(DbSession s) => s.QueryAsync("SELECT xml FROM data_protection_keys ORDER BY id", r => r.String("xml"));

    public static Task<int> AddAsync(DbSession s, string friendlyName, string sealedXml, DateTimeOffset now) =>
        s.ExecuteAsync("INSERT INTO data_protection_keys (friendly_name, xml, created_at) VALUES (@n, @x, @now)",
            ("n", friendlyName), ("x", sealedXml), ("now", now));
}
