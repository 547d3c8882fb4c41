using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Ordo.Core.Inventory;
using Ordo.Data;
using Ordo.Data.Catalogue;
using Ordo.Data.Inventory;
using Ordo.Server.Security;

namespace Ordo.Server.Console.Pages.Inventory;

/// <summary>/inventory: SKUs in code order, a page at a time, with their stock summed over the warehouses.</summary>
[Authorize(Policy = Permissions.InventoryRead)]
public sealed class IndexModel(OrdoDatabase db) : PageModel
{
    public const int PageSize = 100;

    public sealed record Row(Sku Sku, int OnHand, int Reserved, int InTransit, int Atp, int Warehouses);

    [BindProperty(SupportsGet = true)] public string? After { get; set; }

    public IReadOnlyList<Row> Rows { get; private set; } = [];
    public string? Next { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Rows = await db.ReadAsync(async s =>
        {
            var skus = await CatalogueStore.ListSkusAsync(s, string.IsNullOrEmpty(After) ? null : After, PageSize);
            if (skus.Count == 0) return new List<Row>();
            var balances = (await InventoryStore.BalancesOfSkusAsync(s, skus.Select(k => k.Code).ToList())).ToLookup(b => b.Sku, StringComparer.Ordinal);
            return skus.Select(k =>
            {
                var b = balances[k.Code].ToList();
                return new Row(k, b.Sum(x => x.OnHand), b.Sum(x => x.Reserved), b.Sum(x => x.InTransit), SkuAtp.Of(b), b.Count);
            }).ToList();
        }, ct);
        Next = Rows.Count == PageSize ? Rows[^1].Sku.Code : null;
    }
}
