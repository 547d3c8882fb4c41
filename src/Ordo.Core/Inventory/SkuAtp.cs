namespace Ordo.Core.Inventory;

/// <summary>
/// The available-to-promise of a whole SKU, from its balances: what every warehouse can promise, summed (a warehouse
/// never counts below 0). A bundle has no stock of its own: each warehouse can promise as many bundles as its scarcest
/// component allows there. Pure.
/// </summary>
public static class SkuAtp
{
    public static int Of(IEnumerable<StockBalance> balances) => balances.Sum(b => b.Promisable);

    /// <summary>Bundles promisable per warehouse (every warehouse holding any component, in ordinal order).</summary>
    public static IReadOnlyList<(string Warehouse, int Atp)> OfBundleByWarehouse(IReadOnlyList<(BundleComponent Component, IReadOnlyList<StockBalance> Balances)> components) =>
        components.SelectMany(c => c.Balances.Select(b => b.Warehouse)).Distinct().Order(StringComparer.Ordinal)
            .Select(w => (w, components.Min(c => (c.Balances.FirstOrDefault(b => b.Warehouse == w)?.Promisable ?? 0) / c.Component.Quantity)))
            .ToList();

    public static int OfBundle(IReadOnlyList<(BundleComponent Component, IReadOnlyList<StockBalance> Balances)> components) =>
        OfBundleByWarehouse(components).Sum(w => w.Atp);
}
