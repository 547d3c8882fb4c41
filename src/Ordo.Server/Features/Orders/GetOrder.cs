using Ordo.Data;
using Ordo.Data.Orders;
using Ordo.Server.Security;

namespace Ordo.Server.Features.Orders;

/// <summary>GET /api/v1/orders/{orderNo} and GET /api/v1/orders/{orderNo}/events.</summary>
public static class GetOrder
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/orders/{orderNo}", async (string orderNo, OrdoDatabase db, CancellationToken ct) =>
        {
            if (!OrderNumberRoute.TryRead(orderNo, out var no, out var problem)) return problem!;
            var order = await db.ReadAsync(s => OrderStore.FindByNoAsync(s, no.Value), ct);
            return order is null ? Problems.NotFound($"no order {no}") : Results.Json(OrderView.From(order.State), ApiJson.Options);
        })
        .RequireAuthorization(Permissions.OrdersRead).WithName("GetOrder").WithSummary("One order by its Ordo order number.");

        api.MapGet("/orders/{orderNo}/events", async (string orderNo, OrdoDatabase db, CancellationToken ct) =>
        {
            if (!OrderNumberRoute.TryRead(orderNo, out var no, out var problem)) return problem!;
            var events = await db.ReadAsync(async s =>
                await OrderStore.FindByNoAsync(s, no.Value) is { } order ? await OrderStore.EventsAsync(s, order.State.Id) : null, ct);
            return events is null
                ? Problems.NotFound($"no order {no}")
                : Results.Json(new { orderNo = no.Value, events = events.Select(OrderEventView.Of) }, ApiJson.Options);
        })
        .RequireAuthorization(Permissions.OrdersRead).WithName("GetOrderEvents").WithSummary("Every event of an order, oldest first.");
    }
}
