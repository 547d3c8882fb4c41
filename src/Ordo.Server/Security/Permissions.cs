using Ordo.Core.Privacy;

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
    /// <summary>Add users, change their roles, reset their passwords.</summary>
    public const string UsersManage = "users:manage";
    /// <summary>Read the audit log and the monthly access report.</summary>
    public const string AuditRead = "audit:read";
    /// <summary>Export orders to a file (with a fresh second-factor check, within the role's row limit).</summary>
    public const string OrdersExport = "orders:export";
    /// <summary>Every personal field in full, ID-card numbers included. Each such view is audited.</summary>
    public const string PersonalDataFull = "pii:full";
    /// <summary>What a shipping label needs: the receiver's name, phone and full address (not the ID card).</summary>
    public const string PersonalDataLabel = "pii:label";
    /// <summary>The full address and name (invoices, reconciliation), with the phone masked and never the ID card.</summary>
    public const string PersonalDataAddress = "pii:address";

    public static IReadOnlyList<string> All { get; } =
        [OrdersRead, OrdersWrite, OrdersAct, CatalogueWrite, InboxManage, WebhooksManage, KeysManage, InventoryRead, InventoryWrite,
         UsersManage, AuditRead, OrdersExport, PersonalDataFull, PersonalDataLabel, PersonalDataAddress];

    /// <summary>What each personal-data permission opens; a viewer without any of them sees <see cref="PersonalDataAccess.MaskedOnly"/>.</summary>
    public static PersonalDataAccess PersonalDataAccessOf(IEnumerable<string> permissions)
    {
        var access = PersonalDataAccess.MaskedOnly;
        foreach (var p in permissions)
        {
            access = p switch
            {
                PersonalDataFull => access.Union(PersonalDataAccess.Everything),
                PersonalDataLabel => access.Union(new(FieldAccess.Full, FieldAccess.Full, FieldAccess.Full, FieldAccess.Hidden)),
                PersonalDataAddress => access.Union(new(FieldAccess.Full, FieldAccess.Masked, FieldAccess.Full, FieldAccess.Hidden)),
                _ => access,
            };
        }
        // A role that opens the address but must never see ID cards (finance, warehouse) hides them even masked,
        // unless another role grants them in full.
        if (access.IdCard != FieldAccess.Full && permissions.Any(p => p is PersonalDataLabel or PersonalDataAddress))
            access = access with { IdCard = FieldAccess.Hidden };
        return access;
    }
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
            Permissions.InventoryRead, Permissions.InventoryWrite, Permissions.OrdersExport],
        [CustomerService] = [Permissions.OrdersRead, Permissions.OrdersAct, Permissions.InventoryRead, Permissions.OrdersExport],
        [Warehouse] = [Permissions.OrdersRead, Permissions.OrdersAct, Permissions.InventoryRead, Permissions.InventoryWrite, Permissions.PersonalDataLabel],
        [Finance] = [Permissions.OrdersRead, Permissions.InventoryRead, Permissions.OrdersExport, Permissions.PersonalDataAddress],
        [Integration] = [Permissions.OrdersRead, Permissions.OrdersWrite, Permissions.InventoryRead, Permissions.InventoryWrite],
    };

    // What each role grants now: the defaults above, or the configured grants (Ordo:Roles:<role>, RoleGrants) set at start.
    private static volatile IReadOnlyDictionary<string, string[]> _effective = Grants;

    /// <summary>Replaces the grants of the roles given (null: back to the defaults). Called once at start.</summary>
    public static void UseGrants(IReadOnlyDictionary<string, string[]>? overrides) =>
        _effective = overrides is null or { Count: 0 }
            ? Grants
            : Grants.ToDictionary(g => g.Key, g => overrides.TryGetValue(g.Key, out var o) ? o : g.Value, StringComparer.Ordinal);

    /// <summary>What the role grants without configuration.</summary>
    public static IReadOnlyList<string> DefaultGrants(string role) => Grants.TryGetValue(role, out var p) ? p : [];

    public static IReadOnlyCollection<string> All => Grants.Keys;

    public static bool Exists(string role) => Grants.ContainsKey(role);

    /// <summary>The roles a signed-in person or an API key holds (the principal's role claims).</summary>
    public static IEnumerable<string> Of(System.Security.Claims.ClaimsPrincipal user) =>
        user.FindAll(System.Security.Claims.ClaimTypes.Role).Select(c => c.Value);

    /// <summary>Every permission the principal's roles grant together.</summary>
    public static IReadOnlySet<string> PermissionsOf(System.Security.Claims.ClaimsPrincipal user) => PermissionsOf(Of(user));

    /// <summary>True when one of the principal's roles grants the permission.</summary>
    public static bool Grant(System.Security.Claims.ClaimsPrincipal user, string permission) => Grant(Of(user), permission);

    /// <summary>Every permission the roles grant together.</summary>
    public static IReadOnlySet<string> PermissionsOf(IEnumerable<string> roles) =>
        roles.SelectMany(r => _effective.TryGetValue(r, out var p) ? p : []).ToHashSet(StringComparer.Ordinal);

    public static bool Grant(IEnumerable<string> roles, string permission) =>
        roles.Any(r => _effective.TryGetValue(r, out var p) && p.Contains(permission));
}
