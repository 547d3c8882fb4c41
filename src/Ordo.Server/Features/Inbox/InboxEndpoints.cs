using System.Text.Json;
using Ordo.Data;
using Ordo.Data.Inbox;
using Ordo.Server.Features.Orders;
using Ordo.Core.Privacy;
using Ordo.Server.Security;
using Ordo.Server.Security.PersonalData;

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
        /// <summary>The item with its payloads masked by <paramref name="access"/> (as they arrived only for full access).</summary>
        public static InboxItemView From(InboxItem i, PersonalDataAccess access) => new(
            i.Id, i.ReceivedAt, i.Source, i.Platform, i.ShopCode, i.PlatformOrderId, i.Status,
            i.Errors is null ? null : JsonDocument.Parse(i.Errors).RootElement.Clone(), i.OrderNo, i.Outcome, i.Attempts, i.ProcessedAt,
            RawPayloadMasks.MaskOrWithhold(i.Payload, access), i.OriginalPayload is null ? null : RawPayloadMasks.MaskOrWithhold(i.OriginalPayload, access), i.Format);
    }

    /// <summary>Payloads shown in full are a view of personal data: one audit entry per request.</summary>
    private static Task AuditPayloadsAsync(AuditTrail audit, HttpContext http, IReadOnlyList<InboxItem> items, PersonalDataAccess access) =>
        access == PersonalDataAccess.Everything && items.Count > 0
            ? audit.RecordAsync(http, AuditTrail.Actions.PersonalDataView, AuditTrail.Outcomes.Ok, string.Join(",", items.Select(i => "inbox:" + i.Id)),
                new { fields = new[] { "payload" }, items = items.Count })
            : Task.CompletedTask;

    private static readonly string[] Statuses = [InboxStatus.Received, InboxStatus.Accepted, InboxStatus.Rejected];

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/inbox", async (string? status, string? cursor, int? limit, HttpContext http, OrdoDatabase db, AuditTrail audit, CancellationToken ct) =>
        {
            if (status is not null && !Statuses.Contains(status))
                return Problems.BadRequest("status", $"unknown inbox status '{status}'; expected one of: {string.Join(", ", Statuses)}");
            if (!Cursor.TryDecode(cursor, out var before)) return Cursor.Invalid();
            var size = limit ?? 50;
            if (size is < 1 or > 200) return Problems.BadRequest("limit", "must be a whole number from 1 to 200");
            var items = await db.ReadAsync(s => InboxStore.ListAsync(s, status, before, size + 1), ct);
            var more = items.Count > size;
            if (more) items.RemoveAt(items.Count - 1);
            var access = ViewerAccess.Of(http.User);
            await AuditPayloadsAsync(audit, http, items, access);
            return Results.Json(new { items = items.Select(i => InboxItemView.From(i, access)), nextCursor = more ? Cursor.Encode(items[^1].Id) : null }, ApiJson.Options);
        })
        .RequireAuthorization(Permissions.InboxManage).WithName("ListInbox").WithSummary("Inbox items, newest first; ?status=rejected for the dead letters.");

        api.MapGet("/inbox/{id:long}", async (long id, HttpContext http, OrdoDatabase db, AuditTrail audit, CancellationToken ct) =>
        {
            if (await db.ReadAsync(s => InboxStore.FindAsync(s, id), ct) is not { } item) return Problems.NotFound($"no inbox item {id}");
            var access = ViewerAccess.Of(http.User);
            await AuditPayloadsAsync(audit, http, [item], access);
            return Results.Json(InboxItemView.From(item, access), ApiJson.Options);
        })
        .RequireAuthorization(Permissions.InboxManage).WithName("GetInboxItem");

        api.MapPost("/inbox/{id:long}/replay", async (long id, HttpContext http, OrdoDatabase db, OrderIntake intake, TimeProvider clock, AuditTrail audit, CancellationToken ct) =>
        {
            var (body, problem) = await RequestBody.ReadObjectAsync(http.Request, ct, optional: true);
            if (problem is not null) return problem;
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

            var actor = http.User.ToActor();
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
            return await SubmitOrder.ToHttpAsync(await intake.ReplayAsync(item, corrected, actor, ct), http, audit);
        })
        .RequireAuthorization(Permissions.InboxManage).WithName("ReplayInboxItem").WithSummary("Process a rejected inbox item again.");
    }
}
