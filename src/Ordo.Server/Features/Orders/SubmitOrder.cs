using System.Text.Json;
using System.Text.Json.Nodes;
using Ordo.Core.Privacy;
using Ordo.Server.Security;
using Ordo.Server.Security.PersonalData;

namespace Ordo.Server.Features.Orders;

/// <summary>POST /api/v1/orders: one canonical order; 201 on create, 200 on repeat or update, 4xx with the reasons when rejected (kept in the inbox).</summary>
public static class SubmitOrder
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/orders", async (HttpContext http, OrderIntake intake, AuditTrail audit, CancellationToken ct) =>
        {
            var payload = await RequestBody.ReadTextAsync(http.Request, ct);
            var result = await intake.SubmitAsync(payload, "api", http.User.ToActor(), ct);
            return await ToHttpAsync(result, http, audit);
        })
        .RequireAuthorization(Permissions.OrdersWrite)
        .WithName("SubmitOrder").WithSummary("Take in one canonical order (idempotent on platform, shop and platform order id).");

    /// <summary>
    /// The answer to an intake, its order masked by the caller's access. An order just created or updated from the
    /// caller's payload only echoes what the caller sent, so it is not audited; any other answer (a repeat, a stale
    /// update) shows the stored order and is audited like a read.
    /// </summary>
    public static async Task<IResult> ToHttpAsync(IntakeResult result, HttpContext http, AuditTrail audit)
    {
        var access = ViewerAccess.Of(http.User);
        if (result.Accepted && result.Outcome is not (IntakeOutcome.Created or IntakeOutcome.Updated))
            await audit.AuditAsync(http, [result.Order!], access);
        return ToHttp(result, access);
    }

    public static IResult ToHttp(IntakeResult result, PersonalDataAccess access)
    {
        if (!result.Accepted)
        {
            var unparseable = result.Errors.Count == 1 && result.Errors[0].Field == "$";
            return Problems.Result(unparseable ? 400 : 422, "Order rejected",
                $"the order was not accepted and is kept as inbox item {result.InboxId} for replay: " +
                string.Join("; ", result.Errors.Select(e => $"{e.Field} {e.Reason}")),
                field: result.Errors.FirstOrDefault()?.Field, errors: result.Errors,
                extra: new Dictionary<string, object?> { ["inboxId"] = result.InboxId });
        }
        var body = Body(result, access);
        return result.Outcome == IntakeOutcome.Created
            ? new CreatedJson($"/api/v1/orders/{result.Order!.OrderNo}", body)
            : Results.Json(body, ApiJson.Options);
    }

    /// <summary>The order view with the intake outcome and inbox id added at the top level.</summary>
    public static JsonObject Body(IntakeResult result, PersonalDataAccess access)
    {
        var body = JsonSerializer.SerializeToNode(OrderView.From(result.Order!, access), ApiJson.Options)!.AsObject();
        body["outcome"] = result.Outcome;
        body["inboxId"] = result.InboxId;
        return body;
    }

    private sealed class CreatedJson(string location, JsonObject body) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.Location = location;
            return Results.Json(body, ApiJson.Options, statusCode: 201).ExecuteAsync(httpContext);
        }
    }
}
