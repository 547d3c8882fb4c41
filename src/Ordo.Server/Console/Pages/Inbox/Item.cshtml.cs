using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Ordo.Data;
using Ordo.Data.Inbox;
using Ordo.Server.Features.Inbox;
using Ordo.Server.Features.Orders;
using Ordo.Server.Security;

namespace Ordo.Server.Console.Pages.Inbox;

/// <summary>
/// /inbox/{id}: one inbox item with its errors, its payload (raw payloads hold personal data in clear, so only a viewer
/// with pii:full sees it, and may edit it), and fix-and-replay through the API's own replay (the result shown in place).
/// </summary>
[Authorize(Policy = Permissions.InboxManage)]
public sealed class ItemModel(OrdoDatabase db, OrderIntake intake, TimeProvider clock) : PageModel
{
    public InboxItem? Item { get; private set; }
    public bool MaySeePayload { get; private set; }
    public OpsPageHelpers.Outcome? Replay { get; private set; }
    public string? ReplayedOrderNo { get; private set; }

    [BindProperty] public string? Payload { get; set; }

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        MaySeePayload = ConsoleNav.PermissionsOf(User).Contains(Permissions.PersonalDataFull);
        Item = await db.ReadAsync(s => InboxStore.FindAsync(s, id), ct);
        if (Item is null) return NotFound();
        Payload = Pretty(Item.Payload);
        return Page();
    }

    public async Task<IActionResult> OnPostReplayAsync(long id, CancellationToken ct)
    {
        MaySeePayload = ConsoleNav.PermissionsOf(User).Contains(Permissions.PersonalDataFull);
        var item = await db.ReadAsync(s => InboxStore.FindAsync(s, id), ct);
        if (item is null) return NotFound();
        // Only a viewer who may see the payload may send a corrected one; others replay it as it is (after fixing the cause).
        var correction = MaySeePayload && !string.IsNullOrWhiteSpace(Payload) && Pretty(item.Payload) != Payload ? Payload : null;
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
                return Page();
            }
        }
        var result = await InboxEndpoints.ReplayAsync(id, body, User, db, intake, clock, ct);
        Replay = OpsPageHelpers.OutcomeOf(result);
        Item = await db.ReadAsync(s => InboxStore.FindAsync(s, id), ct);
        ReplayedOrderNo = Item?.OrderNo;
        if (!MaySeePayload || correction is null) Payload = Pretty(Item!.Payload);
        return Page();
    }

    /// <summary>JSON indented for reading and editing; other text (CSV) as it is.</summary>
    public static string Pretty(string payload)
    {
        try { return JsonSerializer.Serialize(JsonDocument.Parse(payload).RootElement, Indented); }
        catch (JsonException) { return payload; }
    }

    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
