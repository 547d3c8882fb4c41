using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Ordo.Data;
using Ordo.Data.Security;
using Ordo.Server.Security;

namespace Ordo.Server.Console.Pages.Audit;

/// <summary>/audit: the audit log, newest first, filtered by day range (the viewer's zone), actor, action and outcome; keyset paging.</summary>
[Authorize(Policy = Permissions.AuditRead)]
public sealed class IndexModel(OrdoDatabase db) : PageModel
{
    public const int PageSize = 50;

    public static readonly string[] KnownActions =
    [
        AuditTrail.Actions.PersonalDataView, AuditTrail.Actions.PersonalDataDecrypt, AuditTrail.Actions.Export, Features.Audit.AuditEndpoints.ReportExportAction,
        AuditTrail.Actions.Login, AuditTrail.Actions.Logout, AuditTrail.Actions.TwoFactor, AuditTrail.Actions.UserAdded, AuditTrail.Actions.RolesChanged,
        AuditTrail.Actions.PasswordReset, AuditTrail.Actions.KeyCreated, AuditTrail.Actions.KeyRevoked, AuditTrail.Actions.Denied,
    ];

    [BindProperty(SupportsGet = true)] public string? From { get; set; }
    [BindProperty(SupportsGet = true)] public string? To { get; set; }
    [BindProperty(SupportsGet = true)] public string? Actor { get; set; }
    [BindProperty(SupportsGet = true, Name = "action")] public string? ActionName { get; set; }
    [BindProperty(SupportsGet = true)] public string? Outcome { get; set; }
    [BindProperty(SupportsGet = true)] public string? Cursor { get; set; }

    public IReadOnlyList<AuditEntry> Entries { get; private set; } = [];
    public string? NextCursor { get; private set; }
    public string? Problem { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var zone = ConsoleTime.ZoneOf(User);
        var from = ConsoleTime.ParseDay(From, zone);
        var to = ConsoleTime.ParseDay(To, zone)?.AddDays(1);
        if (!string.IsNullOrEmpty(From) && from is null || !string.IsNullOrEmpty(To) && to is null) { Problem = "date"; return; }
        if (!Ordo.Server.Cursor.TryDecode(Cursor, out var before)) { Problem = "cursor"; return; }
        var query = new AuditQuery(from, to, Blank(Actor), Blank(ActionName), Blank(Outcome), before, PageSize + 1);
        var rows = await db.ReadAsync(s => AuditStore.QueryAsync(s, query), ct);
        if (rows.Count > PageSize)
        {
            rows.RemoveAt(rows.Count - 1);
            NextCursor = Ordo.Server.Cursor.Encode(rows[^1].Id);
        }
        Entries = rows;
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    /// <summary>The current filters with another cursor (for the "older" link).</summary>
    public string PageUrl(string? cursor) => QueryString.Create(new Dictionary<string, string?>
    {
        ["from"] = From, ["to"] = To, ["actor"] = Actor, ["action"] = ActionName, ["outcome"] = Outcome, ["cursor"] = cursor,
    }.Where(p => !string.IsNullOrEmpty(p.Value))).ToUriComponent() is var q && q.Length > 0 ? "/audit" + q : "/audit";
}
