namespace Ordo.Server.Security;

/// <summary>What an API caller may do. Endpoints require a permission; roles grant sets of permissions.</summary>
public static class Permissions
{
    public const string OrdersRead = "orders:read";
    public const string OrdersWrite = "orders:write";
    public const string OrdersAct = "orders:act";
    public const string CatalogueWrite = "catalogue:write";
    public const string InboxManage = "inbox:manage";
    public const string WebhooksManage = "webhooks:manage";
    public const string KeysManage = "keys:manage";
    public const string InventoryRead = "inventory:read";
    /// <summary>Receipts, adjustments, transfers, counts, warehouses and SKU stock settings.</summary>
    public const string InventoryWrite = "inventory:write";

    public static IReadOnlyList<string> All { get; } =
        [OrdersRead, OrdersWrite, OrdersAct, CatalogueWrite, InboxManage, WebhooksManage, KeysManage, InventoryRead, InventoryWrite];
}

public static class Roles
{
    public const string Admin = "admin";
    public const string Operations = "operations";
    public const string CustomerService = "customer-service";
    public const string Warehouse = "warehouse";
    public const string Finance = "finance";
    /// <summary>For systems that push orders in and read them back (an ERP, a storefront).</summary>
    public const string Integration = "integration";

    private static readonly Dictionary<string, string[]> Grants = new(StringComparer.Ordinal)
    {
        [Admin] = [.. Permissions.All],
        [Operations] = [Permissions.OrdersRead, Permissions.OrdersWrite, Permissions.OrdersAct, Permissions.CatalogueWrite, Permissions.InboxManage, Permissions.WebhooksManage,
            Permissions.InventoryRead, Permissions.InventoryWrite],
        [CustomerService] = [Permissions.OrdersRead, Permissions.OrdersAct, Permissions.InventoryRead],
        [Warehouse] = [Permissions.OrdersRead, Permissions.OrdersAct, Permissions.InventoryRead, Permissions.InventoryWrite],
        [Finance] = [Permissions.OrdersRead, Permissions.InventoryRead],
        [Integration] = [Permissions.OrdersRead, Permissions.OrdersWrite, Permissions.InventoryRead, Permissions.InventoryWrite],
    };

    public static IReadOnlyCollection<string> All => Grants.Keys;

    public static bool Exists(string role) => Grants.ContainsKey(role);

    public static bool Grant(IEnumerable<string> roles, string permission) =>
        roles.Any(r => Grants.TryGetValue(r, out var p) && p.Contains(permission));
}
