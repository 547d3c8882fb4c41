using System.Security.Claims;
using Ordo.Server.Security;

namespace Ordo.Server.Console;

/// <summary>The sidebar: each entry is shown only to a user whose roles grant its permission.</summary>
public static class ConsoleNav
{
    /// <param name="Key">Resource key of the label in Common.resx (Nav_…), also the entry's <c>data-test</c> name.</param>
    public sealed record Item(string Key, string Href, string Icon, string Permission);

    public static IReadOnlyList<Item> Items { get; } =
    [
        new("Overview", "/", "bi-speedometer2", Permissions.OrdersRead),
        new("Orders", "/orders", "bi-receipt", Permissions.OrdersRead),
        new("Holds", "/holds", "bi-pause-circle", Permissions.OrdersRead),
        new("Inbox", "/inbox", "bi-inbox", Permissions.InboxManage),
        new("Shops", "/shops", "bi-shop", Permissions.CatalogueWrite),
        new("Inventory", "/inventory", "bi-boxes", Permissions.InventoryRead),
        new("Webhooks", "/webhooks", "bi-broadcast", Permissions.WebhooksManage),
        new("Users", "/users", "bi-people", Permissions.UsersManage),
        new("Keys", "/keys", "bi-key", Permissions.KeysManage),
        new("Audit", "/audit", "bi-journal-check", Permissions.AuditRead),
    ];

    public static IEnumerable<Item> VisibleTo(ClaimsPrincipal user)
    {
        var granted = Roles.PermissionsOf(user);
        return Items.Where(i => granted.Contains(i.Permission));
    }

    /// <summary>True for the entry of the page at <paramref name="path"/> (the overview only for <c>/</c> itself).</summary>
    public static bool IsActive(Item item, PathString path) =>
        item.Href == "/" ? path == "/" : path.StartsWithSegments(item.Href, StringComparison.OrdinalIgnoreCase);
}
