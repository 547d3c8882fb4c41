using System.Collections.Concurrent;
using Ordo.Data;
using Ordo.Data.Catalogue;

namespace Ordo.Server.Channels;

/// <summary>
/// Shops as the push hook and the fetch jobs see them, read from the database at most once per <see cref="FreshFor"/>
/// per shop: at 500 pushes a second, reading the shop for every push and every fetch was a thousand round trips a
/// second for rows that almost never change. A change made through this instance is seen at once (the shops API calls
/// <see cref="Forget"/>); one made through another instance on the same database within <see cref="FreshFor"/>.
/// Only shops that exist are kept, so pushes naming made-up shops cannot grow the cache. Thread-safe.
/// </summary>
public sealed class ShopDirectory(OrdoDatabase database, TimeProvider clock)
{
    public static readonly TimeSpan FreshFor = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<string, (Shop Shop, long ReadAt)> _shops = new(StringComparer.Ordinal);

    public async Task<Shop?> FindAsync(string code, CancellationToken ct)
    {
        if (_shops.TryGetValue(code, out var kept) && clock.GetElapsedTime(kept.ReadAt) < FreshFor) return kept.Shop;
        var readAt = clock.GetTimestamp();
        var shop = await database.ReadAsync(s => CatalogueStore.FindShopAsync(s, code), ct);
        if (shop is null) _shops.TryRemove(code, out _);
        else _shops[code] = (shop, readAt);
        return shop;
    }

    /// <summary>Drops what is kept of a shop that was just changed, so its next use reads it again.</summary>
    public void Forget(string code) => _shops.TryRemove(code, out _);
}
