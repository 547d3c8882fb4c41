using System.Text.Json;
using Ordo.Data;
using Ordo.Data.Inbox;
using Ordo.Server.Features.Orders;
using Ordo.Server.Security;

namespace Ordo.Server.Features.Inbox;

/// <summary>
/// The inbox: every payload as it arrived. GET /api/v1/inbox?status=rejected lists what was not accepted with the
/// exact field and reason; POST /api/v1/inbox/{id}/replay processes an item again once the cause is fixed, optionally
/// with a corrected payload (<c>{"payload": {...}}</c>; the original is kept).
/// </summary>
public static class InboxEndpoints
{
    public sealed record InboxItemView(
        long Id, DateTimeOffset ReceivedAt, string Source, string? Platform, string? ShopCode, string? PlatformOrderId, string Status,
        JsonElement? Errors, string? OrderNo, string? Outcome, int Attempts, DateTimeOffset? ProcessedAt, string Payload, string? OriginalPayload,
        string Format)
    {
        public static InboxItemView From(InboxItem i) => new(
            i.Id, i.ReceivedAt, i.Source, i.Platform, i.ShopCode, i.PlatformOrderId, i.Status,
            i.Errors is null ? null : JsonDocument.Parse(i.Errors).RootElement.Clone(), i.OrderNo, i.Outcome, i.Attempts, i.ProcessedAt,
            i.Payload, i.OriginalPayload, i.Format);
    }

    private static readonly string[] Statuses = [InboxStatus.Received, InboxStatus.Accepted, InboxStatus.Rejected];

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/inbox", async (string? status, string? cursor, int? limit, OrdoDatabase db, CancellationToken ct) =>
        {
            if (status is not null && !Statuses.Contains(status))
                return Problems.BadRequest("status", $"unknown inbox status '{status}'; expected one of: {string.Join(", ", Statuses)}");
            if (!Cursor.TryDecode(cursor, out var before)) return Cursor.Invalid();
            var size = limit ?? 50;
            if (size is < 1 or > 200) return Problems.BadRequest("limit", "must be a whole number from 1 to 200");
            var items = await db.ReadAsync(s => InboxStore.ListAsync(s, status, before, size + 1), ct);
            var more = items.Count > size;
            if (more) items.RemoveAt(items.Count - 1);
            return Results.Json(new { items = items.Select(InboxItemView.From), nextCursor = more ? Cursor.Encode(items[^1].Id) : null }, ApiJson.Options);
        })
        .RequireAuthorization(Permissions.InboxManage).WithName("ListInbox").WithSummary("Inbox items, newest first; ?status=rejected for the dead letters.");

        api.MapGet("/inbox/{id:long}", async (long id, OrdoDatabase db, CancellationToken ct) =>
            await db.ReadAsync(s => InboxStore.FindAsync(s, id), ct) is { } item
                ? Results.Json(InboxItemView.From(item), ApiJson.Options)
                : Problems.NotFound($"no inbox item {id}"))
        .RequireAuthorization(Permissions.InboxManage).WithName("GetInboxItem");

        api.MapPost("/inbox/{id:long}/replay", async (long id, HttpContext http, OrdoDatabase db, OrderIntake intake, TimeProvider clock, CancellationToken ct) =>
        {
            var (body, problem) = await RequestBody.ReadObjectAsync(http.Request, ct, optional: true);
            return problem ?? await ReplayAsync(id, body, http.User, db, intake, clock, ct);
        })
        .RequireAuthorization(Permissions.InboxManage).WithName("ReplayInboxItem").WithSummary("Process a rejected inbox item again.");
    }

    /// <summary>Replays inbox item <paramref name="id"/>, with the corrected payload if <paramref name="body"/> has one (the console's inbox page uses it too).</summary>
    public static async Task<IResult> ReplayAsync(long id, JsonElement body, System.Security.Claims.ClaimsPrincipal user, OrdoDatabase db, OrderIntake intake,
        TimeProvider clock, CancellationToken ct)
    {
        var item = await db.ReadAsync(s => InboxStore.FindAsync(s, id), ct);
        if (item is null) return Problems.NotFound($"no inbox item {id}");
        if (item.Status == InboxStatus.Accepted)
            return Problems.Result(409, "Already accepted", $"inbox item {id} was already accepted as order {item.OrderNo}; nothing to replay");
        // The correction has the item's own form: CSV text for one order of a CSV export, JSON for everything else.
        var csv = item.Format.StartsWith(InboxFormat.CsvOrderPrefix, StringComparison.Ordinal);
        string? corrected = null;
        if (body.TryGetProperty("payload", out var p) && p.ValueKind != JsonValueKind.Null)
        {
            if (csv && p.ValueKind != JsonValueKind.String)
                return Problems.BadRequest("payload", "must be the corrected CSV text (the header and the order's rows) as a JSON string");
            if (!csv && p.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array)) return Problems.BadRequest("payload", "must be the corrected order as a JSON object");
            corrected = csv ? p.GetString() : p.GetRawText();
        }

        var actor = user.ToActor();
        if (item.Source == SubmitOrderBatch.EnvelopeSource)
        {
            // A whole batch that could not be split: replaying it takes its orders in as new inbox items.
            var (items, splitProblem) = SubmitOrderBatch.Split(corrected ?? item.Payload);
            if (splitProblem is not null)
                return Problems.Result(422, "Replay failed", $"{splitProblem.Field} {splitProblem.Reason}", splitProblem.Field);
            if (corrected is not null) await db.WriteAsync(s => InboxStore.CorrectPayloadAsync(s, id, corrected), ct);
            var results = await intake.SubmitBatchAsync(items!, SubmitOrderBatch.ItemSource, actor, ct);
            await db.WriteAsync(s => InboxStore.MarkAsync(s, id, InboxStatus.Accepted, clock.GetUtcNow(), null, null,
                $"replayed as {results.Count} inbox items"), ct);
            return Results.Json(SubmitOrderBatch.Response(results), ApiJson.Options);
        }
        return SubmitOrder.ToHttp(await intake.ReplayAsync(item, corrected, actor, ct));
    }
}
