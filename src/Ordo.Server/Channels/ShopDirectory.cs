using Ordo.Data;
using Ordo.Data.Catalogue;

namespace Ordo.Server.Channels;

/// <summary>
/// Shops as the push hook and the fetch jobs see them, read at most every two seconds per shop: at 500 pushes a second,
/// reading the shop for every push and every fetch was a thousand round trips a second for rows that almost never
/// change. The shops API forgets a shop it changes.
/// </summary>
public sealed class ShopDirectory(OrdoDatabase database, TimeProvider clock) : RecentlyRead<string, Shop>(clock, TimeSpan.FromSeconds(2),
    (code, ct) => database.ReadByKeyAsync(s => CatalogueStore.FindShopAsync(s, code), ct));
