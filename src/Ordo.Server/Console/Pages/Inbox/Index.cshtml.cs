using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Ordo.Data;
using Ordo.Data.Inbox;
using Ordo.Server.Security;

namespace Ordo.Server.Console.Pages.Inbox;

/// <summary>/inbox: payloads as they arrived, rejected ones first (the default filter), each with the exact reason per field.</summary>
[Authorize(Policy = Permissions.InboxManage)]
public sealed class IndexModel(OrdoDatabase db) : PageModel
{
    public const int PageSize = 50;
    public static readonly string[] Statuses = [InboxStatus.Rejected, InboxStatus.Received, InboxStatus.Accepted];

    [BindProperty(SupportsGet = true)] public string Status { get; set; } = InboxStatus.Rejected;
    [BindProperty(SupportsGet = true)] public string? Cursor { get; set; }

    public IReadOnlyList<InboxItem> Items { get; private set; } = [];
    public string? NextCursor { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (!Statuses.Contains(Status)) Status = InboxStatus.Rejected;
        Ordo.Server.Cursor.TryDecode(Cursor, out var before);
        var items = await db.ReadAsync(s => InboxStore.ListAsync(s, Status, before, PageSize + 1), ct);
        if (items.Count > PageSize)
        {
            items.RemoveAt(items.Count - 1);
            NextCursor = Ordo.Server.Cursor.Encode(items[^1].Id);
        }
        Items = items;
    }

    /// <summary>The item's errors as (field, reason, fragment); an item without errors has none.</summary>
    public static IReadOnlyList<(string Field, string Reason, string? Fragment)> ErrorsOf(InboxItem item)
    {
        if (string.IsNullOrEmpty(item.Errors)) return [];
        try
        {
            using var json = JsonDocument.Parse(item.Errors);
            if (json.RootElement.ValueKind != JsonValueKind.Array) return [("$", item.Errors, null)];
            return json.RootElement.EnumerateArray().Select(e => (
                Text(e, "field") ?? "$", Text(e, "reason") ?? e.GetRawText(), Text(e, "fragment"))).ToList();
        }
        catch (JsonException)
        {
            return [("$", item.Errors, null)];
        }

        static string? Text(JsonElement e, string name) =>
            e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
    }
}
