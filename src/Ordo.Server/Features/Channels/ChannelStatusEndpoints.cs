using Microsoft.Extensions.Options;
using Ordo.Data;
using Ordo.Data.Channels;
using Ordo.Server.Channels;
using Ordo.Server.Configuration;
using Ordo.Server.Security;

namespace Ordo.Server.Features.Channels;

/// <summary>
/// How the channels are doing: a shop's pull sync (GET /api/v1/shops/{code}/sync, POST …/sync to pull now), and
/// shipment write-backs with every attempt and the platform's answer (GET /api/v1/write-backs?status=failed,
/// GET /api/v1/write-backs/{id}, POST /api/v1/write-backs/{id}/retry), and the push feed connections this instance
/// holds (GET /api/v1/push-connections?shop=CODE).
/// </summary>
public static class ChannelStatusEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/shops/{shopCode}/sync", async (string shopCode, OrdoDatabase db, CancellationToken ct) =>
            await db.ReadAsync(s => SyncStore.FindAsync(s, shopCode), ct) is { } sync
                ? Results.Json(sync, ApiJson.Options)
                : Problems.Result(404, "Never pulled", $"shop '{shopCode}' has not been pulled yet (connect it with an apiBaseUrl)", "shopCode"))
        .RequireAuthorization(Permissions.OrdersRead).WithName("GetShopSync");

        api.MapPost("/shops/{shopCode}/sync", async (string shopCode, OrdoDatabase db, TimeProvider clock, CancellationToken ct) =>
        {
            var shop = await db.ReadAsync(s => Ordo.Data.Catalogue.CatalogueStore.FindShopAsync(s, shopCode), ct);
            if (shop is null) return Problems.Result(404, "No such shop", $"there is no shop '{shopCode}'", "shopCode");
            if (shop.ApiBaseUrl is null) return Problems.Result(422, "Shop not connected", $"shop '{shopCode}' has no apiBaseUrl to pull from", "apiBaseUrl");
            var now = clock.GetUtcNow();
            var queued = await db.WriteAsync(async s =>
                await PullSync.ScheduleAsync(s, shopCode, now, now) || await Ordo.Data.Jobs.JobStore.MakeDueNowAsync(s, PullSync.OrderingKey(shopCode), now), ct);
            return Results.Json(new { shopCode, queued, note = queued ? "pull queued to run now" : "a pull is running or already due; it covers this" }, ApiJson.Options, statusCode: 202);
        })
        .RequireAuthorization(Permissions.CatalogueWrite).WithName("PullShopNow");

        api.MapGet("/push-connections", (string? shop, IEnumerable<IPushTransport> transports) =>
            Results.Json(new
            {
                items = transports.SelectMany(t => t.Health()).Where(h => shop is null || h.Shops.Contains(shop)),
                note = "connections held by this instance; each instance of Ordo holds its own",
            }, ApiJson.Options))
        .RequireAuthorization(Permissions.OrdersRead).WithName("ListPushConnections")
        .WithSummary("Push feeds (Pinduoduo PMC) this instance is connected to: state, last error, frames received and acknowledged.");

        api.MapGet("/write-backs", async (string? status, string? orderNo, int? limit, OrdoDatabase db, CancellationToken ct) =>
            Results.Json(new { items = await db.ReadAsync(s => WriteBackStore.ListAsync(s, status, orderNo, limit ?? 50), ct) }, ApiJson.Options))
        .RequireAuthorization(Permissions.OrdersRead).WithName("ListWriteBacks");

        api.MapGet("/write-backs/{id:long}", async (long id, OrdoDatabase db, CancellationToken ct) =>
        {
            var (writeBack, attempts) = await db.ReadAsync(async s => (await WriteBackStore.FindAsync(s, id), await WriteBackStore.AttemptsAsync(s, id)), ct);
            return writeBack is null
                ? Problems.Result(404, "No such write-back", $"there is no write-back {id}", "id")
                : Results.Json(new { writeBack, attempts }, ApiJson.Options);
        })
        .RequireAuthorization(Permissions.OrdersRead).WithName("GetWriteBack");

        api.MapPost("/write-backs/{id:long}/retry", async (long id, OrdoDatabase db, TimeProvider clock, IOptions<OrdoOptions> options, CancellationToken ct) =>
        {
            var writeBack = await db.WriteAsync(async s =>
            {
                var found = await WriteBackStore.FindAsync(s, id);
                if (found is null || found.Status == WriteBackStatus.Succeeded) return found;
                await WriteBackStore.SetStatusAsync(s, id, WriteBackStatus.Pending, clock.GetUtcNow());
                await WriteBackDelivery.EnqueueAsync(s, id, options.Value.Channels.WriteBackMaxAttempts, clock.GetUtcNow());
                return found;
            }, ct);
            if (writeBack is null) return Problems.Result(404, "No such write-back", $"there is no write-back {id}", "id");
            if (writeBack.Status == WriteBackStatus.Succeeded)
                return Problems.Result(409, "Already written back", $"write-back {id} succeeded; the platform has the tracking number", "id");
            return Results.Json(new { id, status = WriteBackStatus.Pending }, ApiJson.Options, statusCode: 202);
        })
        .RequireAuthorization(Permissions.OrdersAct).WithName("RetryWriteBack");
    }
}
