using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Ordo.Core.Inventory;
using Ordo.Data;
using Ordo.Data.Inventory;
using Ordo.Server.Security;

namespace Ordo.Server.Console.Pages.Inventory;

/// <summary>/inventory/{sku}: ATP per warehouse (on hand, reserved, safety buffer, in transit, ATP) and the SKU's ledger, newest first.</summary>
[Authorize(Policy = Permissions.InventoryRead)]
public sealed class SkuModel(OrdoDatabase db) : PageModel
{
    public const int LedgerPage = 50;

    public SkuStockDetails? Details { get; private set; }
    public IReadOnlyList<StockBalance> Balances { get; private set; } = [];
    /// <summary>For a bundle: each component with its ATP, and the bundle's ATP per warehouse.</summary>
    public IReadOnlyList<(BundleComponent Component, int Atp)> Components { get; private set; } = [];
    public IReadOnlyList<(string Warehouse, int Atp)> BundleWarehouses { get; private set; } = [];
    public int Atp { get; private set; }
    public IReadOnlyList<StockMovement> Ledger { get; private set; } = [];
    public string? NextCursor { get; private set; }

    [BindProperty(SupportsGet = true)] public string? Warehouse { get; set; }
    [BindProperty(SupportsGet = true)] public string? Cursor { get; set; }

    public async Task<IActionResult> OnGetAsync(string sku, CancellationToken ct)
    {
        Ordo.Server.Cursor.TryDecode(Cursor, out var before);
        var found = await db.ReadAsync(async s =>
        {
            var stock = await InventoryStore.StockOfAsync(s, sku);
            if (stock is null) return false;
            Details = stock.Value.Details;
            if (stock.Value.Components.Count > 0)
            {
                Components = stock.Value.Components.Select(c => (c.Component, SkuAtp.Of(c.Balances))).ToList();
                BundleWarehouses = SkuAtp.OfBundleByWarehouse(stock.Value.Components);
                Atp = SkuAtp.OfBundle(stock.Value.Components);
            }
            else
            {
                Balances = stock.Value.Own;
                Atp = SkuAtp.Of(stock.Value.Own);
            }
            var ledger = await InventoryStore.LedgerAsync(s, sku, string.IsNullOrEmpty(Warehouse) ? null : Warehouse, before, LedgerPage);
            Ledger = ledger;
            NextCursor = ledger.Count == LedgerPage ? Ordo.Server.Cursor.Encode(ledger[^1].Id) : null;
            return true;
        }, ct);
        return found ? Page() : NotFound();
    }
}
