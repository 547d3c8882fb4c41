using System.Globalization;
using System.Text.Json;
using Ordo.Core.Inventory;
using Ordo.Core.Orders;
using Ordo.Data;
using Ordo.Data.Catalogue;
using Ordo.Data.Inventory;
using Ordo.Server.Security;

namespace Ordo.Server.Features.Inventory;

/// <summary>
/// <c>PUT /api/v1/skus/{sku}/channels</c>: which shops sell the SKU and how, replacing what was set before.
/// <c>{ "lowStockThreshold": 10 | null, "channels": [ { "shop", "core", "sharePercent": 30 | null, "platformItemId",
/// "platformSkuId", "platformLocationId" } ] }</c>. Shares (0 to 100, two decimals) may sum to at most 100% of ATP;
/// channels without a share sell from the shared pool. At or below the threshold only core channels are offered stock.
/// A Shopify listing names the inventory item (platformItemId) and the location (platformLocationId). Saving queues a
/// push in the same transaction. Answers what GET answers; 422 naming the field when refused, 404 for an unknown SKU.
/// </summary>
public static class SetSkuChannels
{
    private const string Title = "Invalid channel settings";
    private const int MaxChannels = 100;
    private const int MaxIdLength = 128;

    public static void Map(RouteGroupBuilder api) =>
        api.MapPut("/skus/{sku}/channels", async (string sku, HttpContext http, OrdoDatabase db, TimeProvider clock, CancellationToken ct) =>
        {
            var (body, problem) = await RequestBody.ReadObjectAsync(http.Request, ct);
            if (problem is not null) return problem;
            var (threshold, channels, invalid) = Read(body);
            if (invalid is not null) return invalid;
            var outcome = await db.WriteAsync(async s =>
            {
                if (await CatalogueStore.FindSkuAsync(s, sku) is null) return new SaveOutcome(Problems.NotFound($"there is no SKU with code '{sku}'"), null);
                for (var i = 0; i < channels!.Count; i++)
                {
                    var shop = await CatalogueStore.FindShopAsync(s, channels[i].ShopCode);
                    if (shop is null)
                        return new SaveOutcome(Invalid($"shop '{channels[i].ShopCode}' does not exist; create it with POST /api/v1/shops first", $"channels[{i}].shop"), null);
                    if (shop.Platform == Platform.Shopify && channels[i].PlatformLocationId is null)
                        return new SaveOutcome(Invalid($"shop '{shop.Code}' is a Shopify shop: name the location whose stock is set (platformLocationId)", $"channels[{i}].platformLocationId"), null);
                }
                await ChannelStockStore.SaveAsync(s, sku, threshold, channels, clock.GetUtcNow());
                return new SaveOutcome(null, await GetSkuChannels.ViewAsync(s, sku));
            }, ct);
            return outcome.Problem ?? Results.Json(outcome.View, ApiJson.Options);
        })
        .RequireAuthorization(Permissions.InventoryWrite).WithName("SetSkuChannels")
        .WithSummary("Set which shops sell a SKU and how: lowStockThreshold, channels [{shop, core, sharePercent (null: shared pool), platformItemId, platformSkuId, platformLocationId}]; pushes the quantities to the platforms.");

    private sealed record SaveOutcome(IResult? Problem, object? View);

    private static (int? Threshold, IReadOnlyList<SkuChannel>? Channels, IResult? Problem) Read(JsonElement body)
    {
        int? threshold = null;
        if (body.Has("lowStockThreshold"))
        {
            var t = body.GetProperty("lowStockThreshold");
            if (t.ValueKind != JsonValueKind.Number || !t.TryGetInt32(out var units) || units < 0)
                return (null, null, Invalid("lowStockThreshold must be a whole number of units ≥ 0, or null for none", "lowStockThreshold"));
            threshold = units;
        }
        if (!body.TryGetProperty("channels", out var list) || list.ValueKind != JsonValueKind.Array)
            return (null, null, Invalid("channels is required: an array of {shop, core, sharePercent, platformItemId, platformSkuId, platformLocationId} ([] removes every channel)", "channels"));
        if (list.GetArrayLength() > MaxChannels) return (null, null, Invalid($"at most {MaxChannels} channels", "channels"));
        var channels = new List<SkuChannel>();
        var i = 0;
        foreach (var item in list.EnumerateArray())
        {
            var field = $"channels[{i++}]";
            if (item.ValueKind != JsonValueKind.Object) return (null, null, Invalid("each channel is an object", field));
            if (item.String("shop") is not { Length: > 0 } shop) return (null, null, Invalid("each channel needs a shop (a shop code)", field + ".shop"));
            var core = false;
            if (item.Has("core"))
            {
                if (item.GetProperty("core").ValueKind is not (JsonValueKind.True or JsonValueKind.False)) return (null, null, Invalid("core must be true or false", field + ".core"));
                core = item.GetProperty("core").GetBoolean();
            }
            decimal? share = null;
            if (item.Has("sharePercent"))
            {
                if (!item.GetProperty("sharePercent").TryGetDecimal(out var percent))
                    return (null, null, Invalid("sharePercent must be a number from 0 to 100 (at most two decimals), or null for the shared pool", field + ".sharePercent"));
                share = percent;
            }
            var (itemId, itemProblem) = Id(item, "platformItemId", field, required: true);
            var (skuId, skuProblem) = Id(item, "platformSkuId", field, required: false);
            var (locationId, locationProblem) = Id(item, "platformLocationId", field, required: false);
            if ((itemProblem ?? skuProblem ?? locationProblem) is { } idProblem) return (null, null, idProblem);
            channels.Add(new SkuChannel(shop, core, share, itemId!, skuId, locationId));
        }
        // Shares over 100%, out of range or too precise, blank or repeated shops: the pure rule names the channels.
        if (ChannelStock.Validate(channels.Select(c => c.ToSalesChannel()).ToList()) is { } refusal)
            return (null, null, Invalid(refusal, "channels"));
        return (threshold, channels, null);
    }

    /// <summary>A platform id as text; platforms' ids are often JSON numbers, which are taken as their digits.</summary>
    private static (string? Value, IResult? Problem) Id(JsonElement item, string name, string field, bool required)
    {
        if (!item.Has(name))
            return required ? (null, Invalid($"{name} is required: the platform's id of the listing", $"{field}.{name}")) : (null, null);
        var e = item.GetProperty(name);
        var text = e.ValueKind switch
        {
            JsonValueKind.String => e.GetString()!.Trim(),
            JsonValueKind.Number when e.TryGetInt64(out var n) => n.ToString(CultureInfo.InvariantCulture),
            _ => null,
        };
        return text is { Length: > 0 and <= MaxIdLength }
            ? (text, null)
            : (null, Invalid($"{name} must be an id: text or a whole number, 1 to {MaxIdLength} characters", $"{field}.{name}"));
    }

    private static IResult Invalid(string detail, string field) => Problems.Result(422, Title, detail, field);
}
