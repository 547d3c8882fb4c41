namespace Ordo.Core.Inventory;

public enum WarehouseKind { Own, ThirdParty }

/// <summary>
/// A place stock is kept. <see cref="Regions"/> are the provinces (or wider names such as 华东 the merchant uses)
/// it serves first; <see cref="Priority"/> orders warehouses otherwise (lower first).
/// </summary>
public sealed record Warehouse(string Code, string Name, IReadOnlyList<string> Regions, WarehouseKind Kind, bool ColdChain, int Priority)
{
    /// <summary>Whether this warehouse lists the receiver's province among its regions ("四川" serves "四川省" and the reverse).</summary>
    public bool Serves(string? province) =>
        !string.IsNullOrWhiteSpace(province)
        && Regions.Any(r => r.Length > 0 && (province.StartsWith(r, StringComparison.Ordinal) || r.StartsWith(province, StringComparison.Ordinal)));
}

public sealed record BundleComponent(string Sku, int Quantity);

/// <summary>
/// What inventory needs to know of a SKU: whether it needs the cold chain, and, for a bundle (kit), the components
/// one unit of it consumes. A bundle has no stock of its own: selling one reserves its components.
/// </summary>
public sealed record SkuStockProfile(string Sku, bool ColdChain, IReadOnlyList<BundleComponent> Components)
{
    public bool IsBundle => Components.Count > 0;

    public static SkuStockProfile Plain(string sku, bool coldChain = false) => new(sku, coldChain, []);
}
