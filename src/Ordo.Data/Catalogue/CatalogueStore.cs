using Ordo.Core.Orders;

namespace Ordo.Data.Catalogue;

public sealed record Shop(long Id, Platform Platform, string Code, string Name, DateTimeOffset CreatedAt);
public sealed record Sku(long Id, string Code, string Name, DateTimeOffset CreatedAt);

/// <summary>The minimal catalogue the foundation needs: shops (which platform an order may come from) and merchant SKUs.</summary>
public static class CatalogueStore
{
    /// <summary>Creates a shop; returns null when the code is taken.</summary>
    public static Task<Shop?> TryCreateShopAsync(DbSession s, Platform platform, string code, string name, DateTimeOffset now) =>
        s.SingleOrDefaultAsync(
            "INSERT INTO shops (platform, code, name, created_at) VALUES (@p, @c, @n, @now) ON CONFLICT (code) DO NOTHING RETURNING *",
            MapShop, ("p", platform.Name()), ("c", code), ("n", name), ("now", now));

    public static Task<Shop?> FindShopAsync(DbSession s, string code) =>
        s.SingleOrDefaultAsync("SELECT * FROM shops WHERE code = @c", MapShop, ("c", code));

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
        r.String("code"), r.String("name"), r.Instant("created_at"));

    private static Sku MapSku(Row r) => new(r.Long("id"), r.String("code"), r.String("name"), r.Instant("created_at"));
}
