namespace Ordo.Data.Security;

public sealed record ApiKeyRecord(long Id, string Name, string Prefix, IReadOnlyList<string> Roles, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>API keys are stored as a SHA-256 hash only; the key itself is shown once, when it is created.</summary>
public static class ApiKeyStore
{
    public static Task<long> AddAsync(DbSession s, string name, string prefix, string keyHash, IReadOnlyList<string> roles, DateTimeOffset now) =>
        s.ScalarAsync<long>(
            "INSERT INTO api_keys (name, prefix, key_hash, roles, created_at) VALUES (@n, @p, @h, @r, @now) RETURNING id",
            ("n", name), ("p", prefix), ("h", keyHash), ("r", DocumentJson.Serialize(roles)), ("now", now));

    public static Task<ApiKeyRecord?> FindActiveByHashAsync(DbSession s, string keyHash) =>
        s.SingleOrDefaultAsync("SELECT * FROM api_keys WHERE key_hash = @h AND revoked_at IS NULL", Map, ("h", keyHash));

    public static Task<List<ApiKeyRecord>> ListAsync(DbSession s) => s.QueryAsync("SELECT * FROM api_keys ORDER BY id", Map);

    public static async Task<bool> AnyAsync(DbSession s) => await s.ScalarAsync<long>("SELECT COUNT(*) FROM api_keys") > 0;

    public static Task<int> RevokeAsync(DbSession s, long id, DateTimeOffset now) =>
        s.ExecuteAsync("UPDATE api_keys SET revoked_at = @now WHERE id = @id AND revoked_at IS NULL", ("now", now), ("id", id));

    private static ApiKeyRecord Map(Row r) => new(
        r.Long("id"), r.String("name"), r.String("prefix"), DocumentJson.Deserialize<List<string>>(r.String("roles")),
        r.Instant("created_at"), r.InstantOrNull("revoked_at"));
}
