using Ordo.Core.Inventory;
using Ordo.Data.Jobs;

namespace Ordo.Data.Inventory;

/// <summary>
/// One shop selling a SKU: core or not, a fixed share of ATP (percent, two decimals) or the shared pool (null), and
/// the platform's ids of the listing (item, SKU or variant, and the stock location where the platform has them).
/// </summary>
public sealed record SkuChannel(string ShopCode, bool Core, decimal? SharePercent, string PlatformItemId, string? PlatformSkuId, string? PlatformLocationId)
{
    public SalesChannel ToSalesChannel() => new(ShopCode, Core, SharePercent);
}

/// <summary>
/// What Ordo last told the platform about a listing: the quantity it confirmed and when, the attempts since (0 after
/// a success), and the last attempt's error (null after a success) and answer.
/// </summary>
public sealed record ChannelPushState(int? PushedQuantity, DateTimeOffset? PushedAt, int Attempts, DateTimeOffset? LastAttemptAt, string? LastError, string? LastAnswer)
{
    public static readonly ChannelPushState Never = new(null, null, 0, null, null, null);
}

public sealed record SkuChannelListing(SkuChannel Channel, ChannelPushState Push);

/// <summary>A SKU's channel settings: the low-stock threshold (null: none) and its listings in the order given.</summary>
public sealed record SkuChannels(string Sku, int? LowStockThreshold, IReadOnlyList<SkuChannelListing> Listings)
{
    public IReadOnlyList<SalesChannel> SalesChannels => Listings.Select(l => l.Channel.ToSalesChannel()).ToList();
}

public sealed record StockPushJobPayload(string Sku);

/// <summary>
/// Channel settings per SKU, the state of each listing's push, and the debounced push jobs. Stock changes call
/// <see cref="QueuePushesAsync"/> in their own transaction (<see cref="InventoryStore"/> does it wherever balances are
/// written), so a committed change is always followed by a push and a rolled-back one never is.
/// </summary>
public static class ChannelStockStore
{
    public const string JobKind = "channel.stock-push";
    public const int AnswerLength = 2000;

    /// <summary>One SKU's pushes run one at a time, in order, across instances.</summary>
    public static string OrderingKey(string sku) => $"stock-push:{sku}";

    public static async Task<SkuChannels?> FindAsync(DbSession s, string sku)
    {
        var settings = await s.QueryAsync("SELECT sku, low_stock_threshold FROM sku_channel_settings WHERE sku = @s",
            r => (Sku: r.String("sku"), Threshold: r.IntOrNull("low_stock_threshold")), ("s", sku));
        if (settings.Count == 0) return null;
        var listings = await s.QueryAsync("SELECT * FROM sku_channels WHERE sku = @s ORDER BY position", r => new SkuChannelListing(
            new SkuChannel(r.String("shop_code"), r.Bool("core"), r.IntOrNull("share_hundredths") is { } h ? h / 100m : null,
                r.String("platform_item_id"), r.StringOrNull("platform_sku_id"), r.StringOrNull("platform_location_id")),
            new ChannelPushState(r.IntOrNull("pushed_quantity"), r.InstantOrNull("pushed_at"), r.Int("attempts"), r.InstantOrNull("last_attempt_at"),
                r.StringOrNull("last_error"), r.StringOrNull("last_answer"))), ("s", sku));
        return new SkuChannels(settings[0].Sku, settings[0].Threshold, listings);
    }

    /// <summary>
    /// Replaces the SKU's settings and listings and queues a push. A listing kept under the same platform ids keeps
    /// its push state; one whose ids changed is a different listing on the platform, so it starts as never pushed.
    /// </summary>
    public static async Task SaveAsync(DbSession s, string sku, int? threshold, IReadOnlyList<SkuChannel> channels, DateTimeOffset now)
    {
        await s.ExecuteAsync(
            """
            INSERT INTO sku_channel_settings (sku, low_stock_threshold, updated_at) VALUES (@s, @t, @now)
            ON CONFLICT (sku) DO UPDATE SET low_stock_threshold = excluded.low_stock_threshold, updated_at = excluded.updated_at
            """, ("s", sku), ("t", threshold), ("now", now));
        var kept = channels.Select(c => c.ShopCode).ToList();
        if (kept.Count == 0) await s.ExecuteAsync("DELETE FROM sku_channels WHERE sku = @s", ("s", sku));
        else
        {
            var (list, parameters) = InventoryStore.InList("c", kept);
            await s.ExecuteAsync($"DELETE FROM sku_channels WHERE sku = @s AND shop_code NOT IN ({list})", [.. parameters, ("s", sku)]);
        }
        for (var i = 0; i < channels.Count; i++)
        {
            var c = channels[i];
            await s.ExecuteAsync(
                """
                INSERT INTO sku_channels (sku, shop_code, position, core, share_hundredths, platform_item_id, platform_sku_id, platform_location_id)
                VALUES (@s, @shop, @pos, @core, @share, @item, @psku, @loc)
                ON CONFLICT (sku, shop_code) DO UPDATE SET position = excluded.position, core = excluded.core, share_hundredths = excluded.share_hundredths,
                    pushed_quantity = CASE WHEN sku_channels.platform_item_id = excluded.platform_item_id
                                            AND COALESCE(sku_channels.platform_sku_id, '') = COALESCE(excluded.platform_sku_id, '')
                                            AND COALESCE(sku_channels.platform_location_id, '') = COALESCE(excluded.platform_location_id, '')
                                           THEN sku_channels.pushed_quantity END,
                    platform_item_id = excluded.platform_item_id, platform_sku_id = excluded.platform_sku_id, platform_location_id = excluded.platform_location_id
                """,
                ("s", sku), ("shop", c.ShopCode), ("pos", i), ("core", c.Core), ("share", c.SharePercent is { } p ? (int?)(int)(p * 100) : null),
                ("item", c.PlatformItemId), ("psku", c.PlatformSkuId), ("loc", c.PlatformLocationId));
        }
        await QueueAsync(s, [sku], now);
    }

    /// <summary>
    /// Records one push attempt of a listing: on success the quantity the platform now shows; the platform's answer
    /// either way. Only while the listing still has the ids pushed to: if the settings named another listing
    /// meanwhile, that one was not pushed yet (and its own push is queued).
    /// </summary>
    public static Task RecordAttemptAsync(DbSession s, string sku, SkuChannel pushed, int? pushedQuantity, string? error, string answer, DateTimeOffset now) =>
        s.ExecuteAsync(
            $"""
            UPDATE sku_channels SET {(error is null
                ? "pushed_quantity = @q, pushed_at = @now, attempts = 0, last_error = NULL"
                : "attempts = attempts + 1, last_error = @error")}, last_attempt_at = @now, last_answer = @answer
            WHERE sku = @s AND shop_code = @shop AND platform_item_id = @item
              AND COALESCE(platform_sku_id, '') = @psku AND COALESCE(platform_location_id, '') = @loc
            """,
            ("q", pushedQuantity), ("now", now), ("error", error), ("answer", answer.Length <= AnswerLength ? answer : answer[..AnswerLength]),
            ("s", sku), ("shop", pushed.ShopCode), ("item", pushed.PlatformItemId), ("psku", pushed.PlatformSkuId ?? ""), ("loc", pushed.PlatformLocationId ?? ""));

    /// <summary>
    /// The ATP of these SKUs may have changed: queues a push for each of them that is sold on channels, and for each
    /// bundle of them that is. Cheap when none is: one query.
    /// </summary>
    public static async Task QueuePushesAsync(DbSession s, IReadOnlyCollection<string> skus, DateTimeOffset now)
    {
        if (skus.Count == 0 || s.Database.ChannelStockUnavailable) return;
        var (list, parameters) = InventoryStore.InList("k", skus.Distinct(StringComparer.Ordinal).ToList());
        var listed = await s.QueryAsync(
            $"""
            SELECT sku FROM sku_channel_settings WHERE sku IN ({list})
            UNION SELECT b.bundle_sku FROM bundle_components b JOIN sku_channel_settings c ON c.sku = b.bundle_sku WHERE b.component_sku IN ({list})
            """, r => r.String("sku"), parameters);
        if (listed.Count > 0) await QueueAsync(s, listed, now);
    }

    /// <summary>
    /// One push per SKU, due <see cref="OrdoDatabase.StockPushDelay"/> from now, unless one is already waiting. A waiting
    /// job (not claimed: no lease) is updated, which also locks it until this transaction ends, so no instance can
    /// claim it and read ATP before this change is committed; it is brought forward to the debounce time if it was
    /// waiting longer (a retry after a failure). A job already claimed may have read ATP before this change, so
    /// another is queued behind it (the ordering key runs them in turn). Two transactions that queue at the same time
    /// may both add one; the second then finds nothing changed and calls nothing.
    /// </summary>
    private static async Task QueueAsync(DbSession s, IReadOnlyList<string> skus, DateTimeOffset now)
    {
        var due = now + s.Database.StockPushDelay;
        var (keys, parameters) = InventoryStore.InList("k", skus.Select(OrderingKey).ToList());
        var waiting = (await s.QueryAsync(
            $"""
            UPDATE jobs SET due_at = CASE WHEN due_at > @due THEN @due ELSE due_at END
            WHERE ordering_key IN ({keys}) AND status = 'pending' AND lease_owner IS NULL
            RETURNING ordering_key
            """, r => r.String("ordering_key"), [.. parameters, ("due", due)])).ToHashSet(StringComparer.Ordinal);
        var jobs = skus.Where(sku => !waiting.Contains(OrderingKey(sku)))
            .Select(sku => new NewJob(JobKind, DocumentJson.Serialize(new StockPushJobPayload(sku)), due, s.Database.StockPushMaxAttempts, OrderingKey(sku)))
            .ToList();
        await JobStore.EnqueueManyAsync(s, jobs, now);
    }
}
