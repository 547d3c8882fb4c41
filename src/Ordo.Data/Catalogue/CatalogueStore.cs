using Ordo.Core.Orders;

namespace Ordo.Data.Catalogue;

public sealed record Shop(long Id, Platform Platform, string Code, string Name, DateTimeOffset CreatedAt)
{
    public string? AppKey { get; init; }
    /// <summary>Encrypted by the server (never plain text in the database).</summary>
    public string? AppSecretSealed { get; init; }
    /// <summary>Encrypted by the server (never plain text in the database).</summary>
    public string? AccessTokenSealed { get; init; }
    public string? ApiBaseUrl { get; init; }
    public int PullIntervalSeconds { get; init; } = 60;
    public bool PushEnabled { get; init; }
    /// <summary>The platform's own id of the shop where a push feed names shops by it (the Pinduoduo mall id for PMC).</summary>
    public string? PlatformShopId { get; init; }
    public DateTimeOffset? UpdatedAt { get; init; }
}

/// <summary>How a shop is connected to its platform; secrets already sealed by the caller. Null keeps the stored value.</summary>
public sealed record ShopConnection(
    string? AppKey, string? AppSecretSealed, string? AccessTokenSealed, string? ApiBaseUrl, int? PullIntervalSeconds, bool? PushEnabled,
    string? PlatformShopId = null);
public sealed record Sku(long Id, string Code, string Name, DateTimeOffset CreatedAt);

/// <summary>The minimal catalogue the foundation needs: shops (which platform an order may come from) and merchant SKUs.</summary>
public static class CatalogueStore
{
    /// <summary>Creates a shop; returns null when the code is taken.</summary>
    public static Task<Shop?> TryCreateShopAsync(DbSession s, Platform platform, string code, string name, DateTimeOffset now) =>
        s.SingleOrDefaultAsync(
            "INSERT INTO shops (platform, code, name, created_at) VALUES (@p, @c, @n, @now) ON CONFLICT (code) DO NOTHING RETURNING *",
            MapShop, ("p", platform.Name()), ("c", code), ("n", name), ("now", now));

    /// <summary>Sets the connection fields given (null keeps the stored value); returns the shop, or null when it does not exist.</summary>
    public static Task<Shop?> ConnectShopAsync(DbSession s, string code, ShopConnection c, DateTimeOffset now) =>
        s.SingleOrDefaultAsync(
            """
            UPDATE shops SET app_key = COALESCE(@key, app_key), app_secret = COALESCE(@secret, app_secret),
                   access_token = COALESCE(@token, access_token), api_base_url = COALESCE(@url, api_base_url),
                   pull_interval_seconds = COALESCE(@interval, pull_interval_seconds), push_enabled = COALESCE(@push, push_enabled),
                   platform_shop_id = COALESCE(@psid, platform_shop_id), updated_at = @now
            WHERE code = @code RETURNING *
            """,
            MapShop, ("key", c.AppKey), ("secret", c.AppSecretSealed), ("token", c.AccessTokenSealed), ("url", c.ApiBaseUrl),
            ("interval", c.PullIntervalSeconds), ("push", c.PushEnabled), ("psid", c.PlatformShopId), ("now", now), ("code", code));

    public static Task<Shop?> FindShopAsync(DbSession s, string code) =>
        s.SingleOrDefaultAsync("SELECT * FROM shops WHERE code = @c", MapShop, ("c", code));

    /// <summary>The shop of <paramref name="platform"/> that the platform knows as <paramref name="platformShopId"/> under app <paramref name="appKey"/>.</summary>
    public static Task<Shop?> FindShopByPlatformIdAsync(DbSession s, Platform platform, string appKey, string platformShopId) =>
        s.SingleOrDefaultAsync("SELECT * FROM shops WHERE platform = @p AND platform_shop_id = @id AND app_key = @key ORDER BY id LIMIT 1", MapShop,
            ("p", platform.Name()), ("id", platformShopId), ("key", appKey));

    public static Task<List<Shop>> ListShopsAsync(DbSession s) => s.QueryAsync("SELECT * FROM shops ORDER BY code", MapShop);

    public static Task<Sku?> TryCreateSkuAsync(DbSession s, string code, string name, DateTimeOffset now) =>
        s.SingleOrDefaultAsync(
            "INSERT INTO skus (code, name, created_at) VALUES (@c, @n, @now) ON CONFLICT (code) DO NOTHING RETURNING *",
            MapSku, ("c", code), ("n", name), ("now", now));

    public static Task<Sku?> FindSkuAsync(DbSession s, string code) =>
        s.SingleOrDefaultAsync("SELECT * FROM skus WHERE code = @c", MapSku, ("c", code));

    public static Task<List<Sku>> ListSkusAsync(DbSession s, string? after, int limit) =>
        s.QueryAsync($"SELECT * FROM skus {(after is null ? "" : "WHERE code > @after")} ORDER BY code LIMIT @limit",
            MapSku, ("after", after), ("limit", Math.Clamp(limit, 1, 500)));

    /// <summary>Which of <paramref name="codes"/> exist, in one query.</summary>
    public static async Task<HashSet<string>> ExistingSkusAsync(DbSession s, IReadOnlyCollection<string> codes)
    {
        if (codes.Count == 0) return [];
        var names = codes.Select((_, i) => $"@c{i}").ToArray();
        var found = await s.QueryAsync($"SELECT code FROM skus WHERE code IN ({string.Join(", ", names)})", r => r.String("code"),
            codes.Select((c, i) => ($"c{i}", (object?)c)).ToArray());
        return found.ToHashSet(StringComparer.Ordinal);
    }

    private static Shop MapShop(Row r) => new(r.Long("id"), Platforms.TryParse(r.String("platform"), out var p) ? p : Platform.Manual,
        r.String("code"), r.String("name"), r.Instant("created_at"))
    {
        AppKey = r.StringOrNull("app_key"),
        AppSecretSealed = r.StringOrNull("app_secret"),
        AccessTokenSealed = r.StringOrNull("access_token"),
        ApiBaseUrl = r.StringOrNull("api_base_url"),
        PullIntervalSeconds = r.Int("pull_interval_seconds"),
        PushEnabled = r.Bool("push_enabled"),
        PlatformShopId = r.StringOrNull("platform_shop_id"),
        UpdatedAt = r.InstantOrNull("updated_at"),
    };

    private static Sku MapSku(Row r) => new(r.Long("id"), r.String("code"), r.String("name"), r.Instant("created_at"));
}
