using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Ordo.Core.Orders;
using Ordo.Data;
using Ordo.Data.Catalogue;
using Ordo.Data.Console;
using Ordo.Data.Orders;
using Ordo.Server.Channels;
using Ordo.Server.Configuration;
using Ordo.Server.Features.Orders;
using Ordo.Server.Security;

namespace Ordo.Server.Console.Pages.Orders;

/// <summary>
/// The order list: the API's order search (<see cref="OrderStore.ListAsync"/>: newest first, keyset pages by row id, no
/// OFFSET and no total count), saved views per person, and bulk actions through the API's use case
/// (<see cref="ApplyOrderAction.ApplyAsync"/>).
/// </summary>
[Authorize(Policy = Permissions.OrdersRead)]
public sealed class IndexModel(OrdoDatabase db, ChannelRegistry channels, IOptions<OrdoOptions> options, TimeProvider clock,
    IStringLocalizer<Resources.Orders> text) : PageModel
{
    public const int PageSize = 50;
    /// <summary>The bulk actions offered, by API action name; the last three need a reason.</summary>
    public static readonly string[] BulkActions = ["accept", "hold", "release", "cancel"];

    [BindProperty(SupportsGet = true)] public string? Status { get; set; }
    [BindProperty(SupportsGet = true)] public string? Platform { get; set; }
    [BindProperty(SupportsGet = true)] public string? Shop { get; set; }
    [BindProperty(SupportsGet = true)] public string? From { get; set; }
    [BindProperty(SupportsGet = true)] public string? To { get; set; }
    [BindProperty(SupportsGet = true)] public string? Q { get; set; }
    [BindProperty(SupportsGet = true)] public string? After { get; set; }
    /// <summary>Rows per page, 1 to 200 (default <see cref="PageSize"/>).</summary>
    [BindProperty(SupportsGet = true)] public int? Limit { get; set; }

    public IReadOnlyList<OrderState> Orders { get; private set; } = [];
    public string? NextCursor { get; private set; }
    public IReadOnlyList<Shop> Shops { get; private set; } = [];
    public IReadOnlyList<SavedView> Views { get; private set; } = [];
    public string? FilterProblem { get; private set; }
    public BulkOutcome? Bulk { get; private set; }
    public string? Notice { get; private set; }
    public bool CanAct { get; private set; }

    public sealed record BulkOutcome(string Action, IReadOnlyList<(string OrderNo, bool Ok, string? Problem)> Results)
    {
        public int Succeeded => Results.Count(r => r.Ok);
        public int Failed => Results.Count(r => !r.Ok);
    }

    public Task<IActionResult> OnGetAsync(CancellationToken ct) => ShowAsync(ct);

    public async Task<IActionResult> OnPostBulkAsync(string[]? orderNos, string? bulkAction, string? reason, CancellationToken ct)
    {
        if (!Roles.Grant(User, Permissions.OrdersAct)) return StatusCode(StatusCodes.Status403Forbidden); // the console's 403 page, not the scheme's answer
        var selected = (orderNos ?? []).Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => n.Trim()).Distinct().Take(500).ToList();
        if (selected.Count == 0) ModelState.AddModelError("orderNos", text["Bulk_NothingSelected"]);
        else if (!OrderActions.TryParse(bulkAction, out var action) || !BulkActions.Contains(bulkAction)) ModelState.AddModelError("bulkAction", text["Bulk_UnknownAction"]);
        else if (action != OrderAction.Accept && string.IsNullOrWhiteSpace(reason)) ModelState.AddModelError("reason", text["Bulk_ReasonRequired"]);
        else
        {
            var results = new List<(string, bool, string?)>();
            var actor = User.ToActor();
            foreach (var orderNo in selected)
            {
                var (order, outcome) = await ApplyOrderAction.ApplyAsync(db, channels, options.Value, clock, orderNo.ToUpperInvariant(),
                    new OrderActionRequest(action, reason?.Trim()), actor, ct);
                results.Add(order is null ? (orderNo, false, text["Bulk_NotFound"]) : (orderNo, outcome!.Succeeded, outcome.Problem));
            }
            Bulk = new BulkOutcome(bulkAction!, results);
        }
        return await ShowAsync(ct);
    }

    public async Task<IActionResult> OnPostSaveViewAsync(string? viewName, CancellationToken ct)
    {
        var name = viewName?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 60) ModelState.AddModelError("viewName", text["Views_NameRequired"]);
        else
        {
            await db.WriteAsync(s => ConsoleStore.SaveViewAsync(s, AuditTrail.ActorOf(User), name, FilterQuery(), clock.GetUtcNow()), ct);
            Notice = text["Views_Saved", name];
        }
        return await ShowAsync(ct);
    }

    public async Task<IActionResult> OnPostDeleteViewAsync(long viewId, CancellationToken ct)
    {
        await db.WriteAsync(s => ConsoleStore.DeleteViewAsync(s, AuditTrail.ActorOf(User), viewId), ct);
        return await ShowAsync(ct);
    }

    private async Task<IActionResult> ShowAsync(CancellationToken ct)
    {
        CanAct = Roles.Grant(User, Permissions.OrdersAct);
        var owner = AuditTrail.ActorOf(User);
        (Shops, Views) = await db.ReadAsync(async s => ((IReadOnlyList<Shop>)await CatalogueStore.ListShopsAsync(s), (IReadOnlyList<SavedView>)await ConsoleStore.SavedViewsAsync(s, owner)), ct);
        if (!TryQuery(out var query, out var problem))
        {
            FilterProblem = problem;
            return Page();
        }
        var page = await db.ReadAsync(s => OrderStore.ListAsync(s, query!), ct);
        Orders = page.Orders;
        NextCursor = Cursor.Encode(page.NextCursor);
        return Page();
    }

    private bool TryQuery(out OrderQuery? query, out string? problem)
    {
        query = null;
        problem = null;
        var zone = ConsoleTime.ZoneOf(User);
        OrderStatus? status = null;
        Core.Orders.Platform? platform = null;
        if (!string.IsNullOrEmpty(Status))
        {
            if (!OrderStatuses.TryParse(Status, out var st)) { problem = text["Filter_Invalid", Status]; return false; }
            status = st;
        }
        if (!string.IsNullOrEmpty(Platform))
        {
            if (!Platforms.TryParse(Platform, out var p)) { problem = text["Filter_Invalid", Platform]; return false; }
            platform = p;
        }
        var from = ConsoleTime.ParseDay(From, zone);
        if (!string.IsNullOrEmpty(From) && from is null) { problem = text["Filter_Invalid", From]; return false; }
        // "To" is a whole day: orders created before the next day's start.
        var to = ConsoleTime.ParseDay(To, zone);
        if (!string.IsNullOrEmpty(To) && to is null) { problem = text["Filter_Invalid", To]; return false; }
        if (!Cursor.TryDecode(After, out var after)) { problem = text["Filter_Invalid", "after"]; return false; }
        query = new OrderQuery(status, platform, string.IsNullOrWhiteSpace(Shop) ? null : Shop.Trim(), from, to?.AddDays(1),
            string.IsNullOrWhiteSpace(Q) ? null : Q.Trim(), after, Math.Clamp(Limit ?? PageSize, 1, 200));
        return true;
    }

    /// <summary>The current filters as a query string (without the page cursor), as saved in a view.</summary>
    public string FilterQuery() => QueryString(null);

    /// <summary>The list URL with the current filters and <paramref name="after"/> as the page cursor.</summary>
    public string ListUrl(string? after = null)
    {
        var q = QueryString(after);
        return q.Length == 0 ? "/orders" : "/orders?" + q;
    }

    private string QueryString(string? after)
    {
        var pairs = new Dictionary<string, string?>
        {
            ["status"] = Status, ["platform"] = Platform, ["shop"] = Shop, ["from"] = From, ["to"] = To, ["q"] = Q, ["limit"] = Limit?.ToString(System.Globalization.CultureInfo.InvariantCulture), ["after"] = after,
        };
        var url = QueryHelpers.AddQueryString("", pairs.Where(p => !string.IsNullOrWhiteSpace(p.Value)));
        return url.TrimStart('?');
    }
}
