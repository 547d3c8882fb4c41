using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Ordo.Data;
using Ordo.Data.Catalogue;
using Ordo.Server.Features.Exports;
using Ordo.Server.Security;

namespace Ordo.Server.Console.Pages.Exports;

/// <summary>
/// /exports: the export form (the order list's filters, the format and the current TOTP code). The order list links
/// here with its filters in the query (status, platform, shop, from, to, q). Posting runs <see cref="OrderExports"/>.
/// </summary>
[Authorize(Policy = Permissions.OrdersExport)]
public sealed class IndexModel(OrderExports exports, OrdoDatabase db) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Status { get; set; }
    [BindProperty(SupportsGet = true)] public string? Platform { get; set; }
    [BindProperty(SupportsGet = true)] public string? Shop { get; set; }
    [BindProperty(SupportsGet = true)] public string? From { get; set; }
    [BindProperty(SupportsGet = true)] public string? To { get; set; }
    [BindProperty(SupportsGet = true)] public string? Q { get; set; }
    [BindProperty] public string Format { get; set; } = "xlsx";

    public IReadOnlyList<Shop> Shops { get; private set; } = [];
    public OpsPageHelpers.Outcome? Refused { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => Shops = await db.ReadAsync(CatalogueStore.ListShopsAsync, ct);

    public async Task<IActionResult> OnPostAsync([FromForm] string? code, CancellationToken ct)
    {
        var zone = ConsoleTime.ZoneOf(User);
        var from = ConsoleTime.ParseDay(From, zone);
        var to = ConsoleTime.ParseDay(To, zone)?.AddDays(1);   // the whole last day
        var fields = new Dictionary<string, string?>
        {
            ["format"] = Format, ["code"] = code, ["status"] = Status, ["platform"] = Platform, ["shop"] = Shop, ["q"] = Q,
            ["createdFrom"] = from?.ToString("o"), ["createdTo"] = to?.ToString("o"),
        };
        var result = await exports.ExportAsync(HttpContext, name => fields.GetValueOrDefault(name) is { Length: > 0 } v ? v : null, ct);
        var outcome = OpsPageHelpers.OutcomeOf(result);
        if (outcome.Ok) return new OpsPageHelpers.ResultAction(result);
        Refused = outcome;
        Shops = await db.ReadAsync(CatalogueStore.ListShopsAsync, ct);
        Response.StatusCode = outcome.Status;
        return Page();
    }
}
