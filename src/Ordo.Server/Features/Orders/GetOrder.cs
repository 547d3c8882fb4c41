using Ordo.Data;
using Ordo.Data.Orders;
using Ordo.Server.Security;
using Ordo.Server.Security.PersonalData;

namespace Ordo.Server.Features.Orders;

/// <summary>GET /api/v1/orders/{orderNo} and GET /api/v1/orders/{orderNo}/events.</summary>
public static class GetOrder
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/orders/{orderNo}", async (string orderNo, HttpContext http, OrdoDatabase db, AuditTrail audit, CancellationToken ct) =>
        {
            if (!OrderNumberRoute.TryRead(orderNo, out var no, out var problem)) return problem!;
            var found = await db.ReadAsync(async s =>
                await OrderStore.FindByNoAsync(s, no.Value) is { } order
                    ? (Order: order, Reservations: await Ordo.Data.Inventory.InventoryStore.ReservationsOfOrderAsync(s, order.State.Id))
                    : default, ct);
            if (found.Order is null) return Problems.NotFound($"no order {no}");
            var access = ViewerAccess.Of(http.User);
            await audit.AuditAsync(http, [found.Order.State], access);
            return Results.Json(OrderView.From(found.Order.State, access) with { Reservations = found.Reservations.Select(ReservationView.Of).ToList() }, ApiJson.Options);
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
