using Ordo.Core.Orders;
using Ordo.Data;
using Ordo.Data.Catalogue;
using Ordo.Server.Channels;
using Ordo.Server.Features.Orders;
using Ordo.Server.Security;

namespace Ordo.Server.Features.Channels;

/// <summary>
/// POST /api/v1/shops/{shopCode}/orders:import: up to 1,000 of the shop platform's native order objects (as its
/// order-detail API returns them; a JSON array or <c>{"orders": [...]}</c>), each kept in the inbox, read by the
/// platform's adapter and taken in like a canonical order. One result per item; a bad item never sinks the others.
/// </summary>
public static class ImportNativeOrders
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/shops/{shopCode}/orders:import", async (string shopCode, HttpContext http, OrdoDatabase db, OrderIntake intake,
            ChannelRegistry channels, CancellationToken ct) =>
        {
            var payload = await RequestBody.ReadTextAsync(http.Request, ct);
            var source = "import:" + shopCode;
            var shop = await db.ReadAsync(s => CatalogueStore.FindShopAsync(s, shopCode), ct);
            IResult Rejected(int status, string title, Ordo.Core.Common.FieldError problem, long kept) =>
                Problems.Result(status, title, $"{problem.Field} {problem.Reason}; the payload is kept as inbox item {kept}", problem.Field,
                    extra: new Dictionary<string, object?> { ["inboxId"] = kept });
            if (shop is null)
            {
                var problem = new Ordo.Core.Common.FieldError("shopCode", $"'{shopCode}' is not a shop; create it (POST /api/v1/shops) first");
                return Rejected(404, "No such shop", problem, await intake.RejectEnvelopeAsync(payload, source, problem, ct));
            }
            if (channels.Adapter(shop.Platform) is null)
            {
                var problem = new Ordo.Core.Common.FieldError("shopCode", $"Ordo has no adapter for {shop.Platform.Name()} orders; send canonical orders to /api/v1/orders:batch");
                return Rejected(422, "No adapter", problem, await intake.RejectEnvelopeAsync(payload, source, problem, ct));
            }
            var (items, splitProblem) = SubmitOrderBatch.Split(payload);
            if (splitProblem is not null)
                return Rejected(splitProblem.Field == "orders" && items is not null ? 413 : 400, "Import rejected", splitProblem,
                    await intake.RejectEnvelopeAsync(payload, source, splitProblem, ct));
            var results = await intake.SubmitNativeAsync(shop, items!, source, http.User.ToActor(), ct);
            return Results.Json(SubmitOrderBatch.Response(results), ApiJson.Options);
        })
        .RequireAuthorization(Permissions.OrdersWrite)
        .WithName("ImportNativeOrders").WithSummary("Take in up to 1,000 of a shop platform's native order objects with a result per item.");
}
