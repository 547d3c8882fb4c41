using Ordo.Core.Inventory;
using Ordo.Core.Orders;
using Ordo.Data;
using Ordo.Data.Catalogue;
using Ordo.Data.Inventory;
using Ordo.Server.Security;

namespace Ordo.Server.Features.Inventory;

/// <summary>
/// <c>GET /api/v1/skus/{sku}/channels</c>: the SKU's channel settings, and per channel the quantity it is offered now
/// (<see cref="ChannelStock.Allocate"/> on the current ATP) with the reason, the quantity its platform last confirmed
/// and when, and how the last attempts went. <c>inSync</c> is false while a push is due or failing.
/// </summary>
public static class GetSkuChannels
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/skus/{sku}/channels", async (string sku, OrdoDatabase db, CancellationToken ct) =>
            await db.ReadAsync(s => ViewAsync(s, sku), ct) is { } view
                ? Results.Json(view, ApiJson.Options)
                : Problems.NotFound($"there is no SKU with code '{sku}'"))
        .RequireAuthorization(Permissions.InventoryRead).WithName("GetSkuChannels")
        .WithSummary("A SKU's sales channels: settings, the quantity each is offered now and why, and the last push to its platform.");

    /// <summary>The answer of GET (and of PUT once saved); null when the SKU does not exist.</summary>
    public static async Task<object?> ViewAsync(DbSession s, string sku)
    {
        if (await CatalogueStore.FindSkuAsync(s, sku) is null) return null;
        var settings = await ChannelStockStore.FindAsync(s, sku) ?? new SkuChannels(sku, null, []);
        var atp = await InventoryStore.AtpAsync(s, sku);
        var offered = ChannelStock.Allocate(atp, settings.SalesChannels, settings.LowStockThreshold);
        var platforms = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var l in settings.Listings)
            platforms[l.Channel.ShopCode] = (await CatalogueStore.FindShopAsync(s, l.Channel.ShopCode))?.Platform.Name();
        return new
        {
            sku,
            atp,
            lowStockThreshold = settings.LowStockThreshold,
            lowStock = settings.LowStockThreshold is { } t && atp <= t,
            channels = settings.Listings.Select((l, i) => new
            {
                shop = l.Channel.ShopCode,
                platform = platforms[l.Channel.ShopCode],
                core = l.Channel.Core,
                sharePercent = l.Channel.SharePercent,
                platformItemId = l.Channel.PlatformItemId,
                platformSkuId = l.Channel.PlatformSkuId,
                platformLocationId = l.Channel.PlatformLocationId,
                offeredQuantity = offered.IsValid ? offered.Quantities[i].Quantity : (int?)null,
                offeredReason = offered.IsValid ? offered.Quantities[i].Reason : offered.Refusal,
                pushedQuantity = l.Push.PushedQuantity,
                pushedAt = l.Push.PushedAt,
                inSync = offered.IsValid && l.Push.PushedQuantity == offered.Quantities[i].Quantity,
                attempts = l.Push.Attempts,
                lastAttemptAt = l.Push.LastAttemptAt,
                lastError = l.Push.LastError,
                lastAnswer = l.Push.LastAnswer,
            }),
        };
    }
}
