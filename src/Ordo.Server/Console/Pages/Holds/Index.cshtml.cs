using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Ordo.Core.Orders;
using Ordo.Data;
using Ordo.Data.Orders;
using Ordo.Server.Channels;
using Ordo.Server.Configuration;
using Ordo.Server.Features.Orders;
using Ordo.Server.Security;

namespace Ordo.Server.Console.Pages.Holds;

/// <summary>
/// The holds queue (待人工复核): orders on hold with their reasons, newest first like the order list (keyset pages
/// over the status index). Release and cancel need a note, checked here before the lifecycle is asked.
/// </summary>
[Authorize(Policy = Permissions.OrdersRead)]
public sealed class IndexModel(OrdoDatabase db, ChannelRegistry channels, IOptions<OrdoOptions> options, TimeProvider clock,
    IStringLocalizer<Resources.Holds> text) : PageModel
{
    public const int PageSize = 25;

    [BindProperty(SupportsGet = true)] public string? After { get; set; }

    public IReadOnlyList<OrderState> Orders { get; private set; } = [];
    public string? NextCursor { get; private set; }
    public bool CanAct { get; private set; }
    /// <summary>Per order number: the note error to show under its form, and the note typed (kept on error).</summary>
    public Dictionary<string, (string Error, string? Note)> Errors { get; } = new(StringComparer.Ordinal);
    public string? Notice { get; private set; }
    public bool NoticeIsError { get; private set; }

    public Task<IActionResult> OnGetAsync(CancellationToken ct) => ShowAsync(ct);

    public async Task<IActionResult> OnPostDecideAsync(string? orderNo, string? decision, string? note, CancellationToken ct)
    {
        if (!Roles.Grant(User, Permissions.OrdersAct)) return StatusCode(StatusCodes.Status403Forbidden); // the console's 403 page, not the scheme's answer
        var no = (orderNo ?? "").Trim().ToUpperInvariant();
        var action = decision == "cancel" ? OrderAction.Cancel : OrderAction.Release;
        if (string.IsNullOrWhiteSpace(note))
        {
            Errors[no] = (text["Note_Required"], note);
            return await ShowAsync(ct);
        }
        var (order, outcome) = await ApplyOrderAction.ApplyAsync(db, channels, options.Value, clock, no,
            new OrderActionRequest(action, note.Trim()), User.ToActor(), ct);
        if (order is null) return NotFound();
        if (outcome!.Succeeded)
            Notice = action == OrderAction.Cancel ? text["Cancelled", no] : text["Released", no, ConsoleLabels.Status(outcome.To!.Value)];
        else
        {
            Notice = text["Failed", no, outcome.Problem ?? ""];
            NoticeIsError = true;
        }
        return await ShowAsync(ct);
    }

    private async Task<IActionResult> ShowAsync(CancellationToken ct)
    {
        CanAct = Roles.Grant(User, Permissions.OrdersAct);
        if (!Cursor.TryDecode(After, out var after)) after = null;
        var page = await db.ReadAsync(s => OrderStore.ListAsync(s, new OrderQuery(Status: OrderStatus.OnHold, After: after, Limit: PageSize)), ct);
        Orders = page.Orders;
        NextCursor = Cursor.Encode(page.NextCursor);
        return Page();
    }
}
