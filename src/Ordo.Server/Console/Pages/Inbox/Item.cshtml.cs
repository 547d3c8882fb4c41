using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Ordo.Data;
using Ordo.Data.Inbox;
using Ordo.Server.Features.Inbox;
using Ordo.Server.Features.Orders;
using Ordo.Core.Privacy;
using Ordo.Server.Security;
using Ordo.Server.Security.PersonalData;

namespace Ordo.Server.Console.Pages.Inbox;

/// <summary>
/// /inbox/{id}: one inbox item with its errors, its payload (masked by <see cref="RawPayloadMasks"/> for viewers without
/// full access; shown and editable as it arrived only with pii:full, and then audited), and fix-and-replay through the
/// API's own replay (the result shown in place).
/// </summary>
[Authorize(Policy = Permissions.InboxManage)]
public sealed class ItemModel(OrdoDatabase db, OrderIntake intake, TimeProvider clock, AuditTrail audit) : PageModel
{
    public InboxItem? Item { get; private set; }
    public bool MaySeePayload { get; private set; }
    public OpsPageHelpers.Outcome? Replay { get; private set; }
    public string? ReplayedOrderNo { get; private set; }

    [BindProperty] public string? Payload { get; set; }

    /// <summary>The payload as this viewer may see it (masked unless they have full access).</summary>
    public string? ShownPayload { get; private set; }

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        MaySeePayload = ViewerAccess.Of(User) == PersonalDataAccess.Everything;
        Item = await db.ReadAsync(s => InboxStore.FindAsync(s, id), ct);
        if (Item is null) return NotFound();
        await ShowAsync(Item);
        return Page();
    }

    private async Task ShowAsync(InboxItem item)
    {
        if (MaySeePayload)
        {
            Payload ??= PayloadText.Pretty(item.Payload);
            // As the API does: a payload shown as it arrived is a view of personal data.
            await audit.RecordAsync(HttpContext, AuditTrail.Actions.PersonalDataView, AuditTrail.Outcomes.Ok, "inbox:" + item.Id,
                new { fields = new[] { "payload" }, items = 1 });
        }
        else ShownPayload = RawPayloadMasks.Mask(item.Payload, ViewerAccess.Of(User)) is { } masked ? PayloadText.Pretty(masked) : RawPayloadMasks.Withheld(item.Payload);
    }

    public async Task<IActionResult> OnPostReplayAsync(long id, CancellationToken ct)
    {
        MaySeePayload = ViewerAccess.Of(User) == PersonalDataAccess.Everything;
        var item = await db.ReadAsync(s => InboxStore.FindAsync(s, id), ct);
        if (item is null) return NotFound();
        // Only a viewer who may see the payload may send a corrected one; others replay it as it is (after fixing the cause).
        var correction = MaySeePayload && !string.IsNullOrWhiteSpace(Payload) && PayloadText.Pretty(item.Payload) != Payload ? Payload : null;
        JsonElement body;
        if (correction is null) body = JsonSerializer.SerializeToElement(new { });
        else if (item.Format.StartsWith(InboxFormat.CsvOrderPrefix, StringComparison.Ordinal)) body = JsonSerializer.SerializeToElement(new { payload = correction });
        else
        {
            try { body = JsonSerializer.SerializeToElement(new { payload = JsonDocument.Parse(correction).RootElement }); }
            catch (JsonException ex)
            {
                Replay = new OpsPageHelpers.Outcome(false, 400, null, ex.Message, "payload", [], null);
                Item = item;
                await ShowAsync(item);
                return Page();
            }
        }
        var result = await InboxEndpoints.ReplayAsync(id, body, HttpContext, db, intake, clock, audit, ct);
        Replay = OpsPageHelpers.OutcomeOf(result);
        Item = await db.ReadAsync(s => InboxStore.FindAsync(s, id), ct);
        ReplayedOrderNo = Item?.OrderNo;
        if (correction is null) Payload = null;
        await ShowAsync(Item!);
        return Page();
    }
}
