using Ordo.Core.Orders;
using Ordo.Data;
using Ordo.Data.Orders;
using Ordo.Server.Channels;
using Ordo.Server.Security;
using Ordo.Server.Security.PersonalData;

namespace Ordo.Server.Features.Orders;

/// <summary>
/// POST /api/v1/orders/{orderNo}/{action} with <c>{"reason": "...", "carrier": "...", "trackingNo": "..."}</c>.
/// A transition the lifecycle does not allow is refused with 409, naming the current status and the allowed actions.
/// </summary>
public static class ApplyOrderAction
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/orders/{orderNo}/{action}", async (string orderNo, string action, HttpContext http, OrdoDatabase db, ChannelRegistry channels,
            Microsoft.Extensions.Options.IOptions<Configuration.OrdoOptions> options, TimeProvider clock, AuditTrail audit, CancellationToken ct) =>
        {
            if (!OrderNumberRoute.TryRead(orderNo, out var no, out var problem)) return problem!;
            if (!OrderActions.TryParse(action, out var orderAction))
                return Problems.Result(404, "Unknown action", $"'{action}' is not an order action; actions are: {string.Join(", ", OrderActions.Names)}", "action");
            var (body, bodyProblem) = await RequestBody.ReadObjectAsync(http.Request, ct, optional: true);
            if (bodyProblem is not null) return bodyProblem;

            var request = new OrderActionRequest(orderAction, body.String("reason"), body.String("carrier"), body.String("trackingNo"));
            var (order, outcome) = await ApplyAsync(db, channels, options.Value, clock, no.Value, request, http.User.ToActor(), ct);

            if (order is null) return Problems.NotFound($"no order {no}");
            if (outcome!.Succeeded)
            {
                var access = ViewerAccess.Of(http.User);
                await audit.AuditAsync(http, [order.State], access);
                return Results.Json(OrderView.From(order.State, access), ApiJson.Options);
            }
            if (outcome.IsConflict)
                return Problems.Result(409, "Action not allowed in this status",
                    $"cannot {action} order {no}: {outcome.Problem}. Allowed now: {(outcome.AllowedActions.Count == 0 ? "nothing (final status)" : string.Join(", ", outcome.AllowedActions))}",
                    extra: new Dictionary<string, object?> { ["currentStatus"] = order.Status.ToString(), ["allowedActions"] = outcome.AllowedActions });
            return Problems.Result(422, "Invalid action request", outcome.Problem!, outcome.Field);
        })
        .RequireAuthorization(Permissions.OrdersAct).WithName("ApplyOrderAction")
        .WithSummary("accept, hold, release, cancel, pay, allocate, pick, pack, ship, deliver, complete, request-refund, refund, reject-refund.");

    /// <summary>
    /// The use case behind the endpoint (also the console's actions): applies <paramref name="request"/> to the order in
    /// its own transaction. Null order: no such order; otherwise the outcome says whether the lifecycle allowed it.
    /// </summary>
    public static Task<(Order? Order, ActionOutcome? Outcome)> ApplyAsync(OrdoDatabase db, ChannelRegistry channels, Configuration.OrdoOptions options,
        TimeProvider clock, string orderNo, OrderActionRequest request, Actor actor, CancellationToken ct) =>
        db.WriteAsync(async s =>
        {
            var found = await OrderStore.FindByNoAsync(s, orderNo, forUpdate: true);
            if (found is null) return (null, null);
            var result = found.Apply(request, actor, clock.GetUtcNow());
            if (result.Succeeded)
            {
                await OrderStore.UpdateAsync(s, found);
                // The shipment and its report to the platform are committed together (transactional outbox).
                if (request.Action == OrderAction.Ship)
                    await WriteBackDelivery.QueueIfConnectedAsync(s, found.State, channels, options.Channels.WriteBackMaxAttempts, clock.GetUtcNow());
            }
            return ((Order?)found, (ActionOutcome?)result);
        }, ct);
}
