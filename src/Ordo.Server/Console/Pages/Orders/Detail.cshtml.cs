using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Ordo.Core.Orders;
using Ordo.Core.Privacy;
using Ordo.Data;
using Ordo.Data.Console;
using Ordo.Data.Inbox;
using Ordo.Data.Inventory;
using Ordo.Data.Orders;
using Ordo.Server.Channels;
using Ordo.Server.Configuration;
using Ordo.Server.Features.Orders;
using Ordo.Server.Security;
using Ordo.Server.Security.PersonalData;

namespace Ordo.Server.Console.Pages.Orders;

/// <summary>
/// One order: lines, amounts, the receiver masked for the viewer's roles, every event, the raw platform payloads
/// (masked the same way), reservations and webhook deliveries. A view that shows any personal field in full is
/// written to the audit log before the page is sent.
/// </summary>
[Authorize(Policy = Permissions.OrdersRead)]
public sealed class DetailModel(OrdoDatabase db, AuditTrail audit, ChannelRegistry channels, IOptions<OrdoOptions> options, TimeProvider clock,
    IStringLocalizer<Resources.Orders> text) : PageModel
{
    public static readonly string[] Actions = ["accept", "hold", "release", "cancel"];

    public OrderState Order { get; private set; } = null!;
    public PersonalDataAccess Access { get; private set; } = PersonalDataAccess.MaskedOnly;
    public Receiver? Receiver { get; private set; }
    /// <summary>The platform's masks of the receiver, as far as the viewer may see the fields at all.</summary>
    public ReceiverPrivacy? PlatformMasks { get; private set; }
    public IReadOnlyList<StoredOrderEvent> Events { get; private set; } = [];
    public IReadOnlyList<Reservation> Reservations { get; private set; } = [];
    public IReadOnlyList<OrderWebhookAttempt> Webhooks { get; private set; } = [];
    /// <summary>Each inbox row of the order with its payload as this viewer may see it (null: withheld).</summary>
    public IReadOnlyList<(InboxItem Item, string? Payload)> Payloads { get; private set; } = [];
    public bool CanAct { get; private set; }
    /// <summary>Which of <see cref="Actions"/> the lifecycle allows in the order's status (only those get a button).</summary>
    public IReadOnlyList<string> AllowedActions { get; private set; } = [];
    public string? ActionProblem { get; private set; }
    public string? ActionDone { get; private set; }

    public Task<IActionResult> OnGetAsync(string orderNo, CancellationToken ct) => ShowAsync(orderNo, ct);

    public async Task<IActionResult> OnPostActAsync(string orderNo, string? act, string? reason, CancellationToken ct)
    {
        if (!Roles.Grant(User, Permissions.OrdersAct)) return StatusCode(StatusCodes.Status403Forbidden); // the console's 403 page, not the scheme's answer
        if (!OrderActions.TryParse(act, out var action) || !Actions.Contains(act)) ActionProblem = text["Bulk_UnknownAction"];
        else if (action != OrderAction.Accept && string.IsNullOrWhiteSpace(reason)) ActionProblem = text["Bulk_ReasonRequired"];
        else
        {
            var (order, outcome) = await ApplyOrderAction.ApplyAsync(db, channels, options.Value, clock, orderNo.ToUpperInvariant(),
                new OrderActionRequest(action, reason?.Trim()), User.ToActor(), ct);
            if (order is null) return NotFound();
            if (outcome!.Succeeded) ActionDone = $"{ConsoleLabels.Status(outcome.From!.Value)} → {ConsoleLabels.Status(outcome.To!.Value)}";
            else ActionProblem = outcome.Problem;
        }
        return await ShowAsync(orderNo, ct);
    }

    private async Task<IActionResult> ShowAsync(string orderNo, CancellationToken ct)
    {
        if (!OrderNo.TryParse(orderNo.ToUpperInvariant(), out var no, out _)) return NotFound();
        var found = await db.ReadAsync(async s =>
        {
            var order = await OrderStore.FindByNoAsync(s, no.Value);
            if (order is null) return null;
            var events = await OrderStore.EventsAsync(s, order.State.Id);
            var inboxIds = events.Select(e => e.Event.Context["inboxId"]).OfType<System.Text.Json.Nodes.JsonValue>()
                .Select(v => v.TryGetValue<long>(out var id) ? id : 0).Where(id => id > 0).ToList();
            var inbox = await ConsoleStore.InboxItemsOfOrderAsync(s, order.State.OrderNo, inboxIds);
            var reservations = await InventoryStore.ReservationsOfOrderAsync(s, order.State.Id);
            var webhooks = await ConsoleStore.WebhookAttemptsOfEventsAsync(s, events.Select(e => e.Id).ToList());
            return new { order.State, events, inbox, reservations, webhooks };
        }, ct);
        if (found is null) return NotFound();

        Order = found.State;
        Events = found.events;
        Reservations = found.reservations;
        Webhooks = found.webhooks;
        CanAct = Roles.Grant(User, Permissions.OrdersAct);
        var allowed = OrderLifecycle.AllowedActions(Order.Status, Order.ResumeStatus).Select(a => a.Name()).ToHashSet(StringComparer.Ordinal);
        AllowedActions = Actions.Where(allowed.Contains).ToList();
        Access = ViewerAccess.Of(User);
        Receiver = PersonalDataMasks.Receiver(Order.Data.Receiver, Access);
        PlatformMasks = ViewerAccess.Mask(Order.Data.ReceiverPrivacy, Access);
        // JSON is shown indented, whether masked or as sent.
        Payloads = found.inbox.Select(i => (i, RawPayloadMasks.Mask(i.Payload, Access) is { } shown ? PayloadText.Pretty(shown) : null)).ToList();
        // The view is on record before the page leaves (AuditTrail writes in its own transaction).
        if (Access.AnyFull)
            await audit.RecordAsync(HttpContext, AuditTrail.Actions.PersonalDataView, AuditTrail.Outcomes.Ok, Order.OrderNo,
                new { page = "console.order", fields = ViewerAccess.FullFieldsShown(Order.Data.Receiver, Access), payloads = Payloads.Count });
        return Page();
    }
}
