using System.Text.Json;
using Ordo.Server.Security;

namespace Ordo.Server.Features.Orders;

/// <summary>
/// POST /api/v1/orders:batch: up to 1,000 canonical orders (a JSON array, or <c>{"orders": [...]}</c>), answered
/// with one result per item in input order. One bad item never sinks the others. A body that is not a batch at all
/// is kept in the inbox as one rejected item.
/// </summary>
public static class SubmitOrderBatch
{
    public const string EnvelopeSource = "api:batch";
    public const string ItemSource = "api:batch-item";

    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/orders:batch", async (HttpContext http, OrderIntake intake, CancellationToken ct) =>
        {
            var payload = await RequestBody.ReadTextAsync(http.Request, ct);
            var (items, problem) = Split(payload);
            if (problem is not null)
            {
                var kept = await intake.RejectEnvelopeAsync(payload, EnvelopeSource, problem, ct);
                return Problems.Result(problem.Field == "orders" && items is not null ? 413 : 400, "Batch rejected",
                    $"{problem.Field} {problem.Reason}; the payload is kept as inbox item {kept}", problem.Field,
                    extra: new Dictionary<string, object?> { ["inboxId"] = kept });
            }
            var results = await intake.SubmitBatchAsync(items!, ItemSource, http.User.ToActor(), ct);
            return Results.Json(Response(results), ApiJson.Options);
        })
        .RequireAuthorization(Permissions.OrdersWrite)
        .WithName("SubmitOrderBatch").WithSummary("Take in up to 1,000 canonical orders with a result per item.");

    /// <summary>Splits a batch body into the raw JSON text of each order; never throws.</summary>
    public static (IReadOnlyList<string>? Items, Ordo.Core.Common.FieldError? Problem) Split(string payload)
    {
        try
        {
            using var doc = JsonDocument.Parse(payload);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("orders", out var inner)) root = inner;
            if (root.ValueKind != JsonValueKind.Array)
                return (null, new("$", "must be a JSON array of orders or an object with an \"orders\" array"));
            var count = root.GetArrayLength();
            if (count == 0) return (null, new("orders", "is empty: send at least one order"));
            if (count > OrderIntake.MaxBatch)
                return ([], new("orders", $"has {count} orders, at most {OrderIntake.MaxBatch} are accepted in one batch"));
            return (root.EnumerateArray().Select(e => e.GetRawText()).ToList(), null);
        }
        catch (JsonException ex)
        {
            return (null, new("$", $"is not valid JSON: {ex.Message}"));
        }
    }

    public static object Response(IReadOnlyList<IntakeResult> results) => new
    {
        total = results.Count,
        created = results.Count(r => r.Outcome == IntakeOutcome.Created),
        updated = results.Count(r => r.Outcome == IntakeOutcome.Updated),
        unchanged = results.Count(r => r.Outcome is IntakeOutcome.Unchanged or IntakeOutcome.Stale),
        held = results.Count(r => r.Order?.Status == Ordo.Core.Orders.OrderStatus.OnHold),
        rejected = results.Count(r => !r.Accepted),
        results = results.Select((r, i) => new
        {
            index = i,
            inboxId = r.InboxId,
            outcome = r.Outcome,
            orderNo = r.Order?.OrderNo,
            status = r.Order?.Status,
            holdReasons = r.Order?.HoldReasons,
            errors = r.Accepted ? null : r.Errors,
        }),
    };
}
