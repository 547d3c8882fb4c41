using Microsoft.Extensions.Options;
using Ordo.Core.Channels;
using Ordo.Core.Inventory;
using Ordo.Core.Orders;
using Ordo.Data;
using Ordo.Data.Catalogue;
using Ordo.Data.Inventory;
using Ordo.Data.Jobs;
using Ordo.Server.Configuration;
using Ordo.Server.Jobs;
using Ordo.Server.Observability;

namespace Ordo.Server.Channels;

/// <summary>
/// Pushes a SKU's channel quantities to the platforms (the <c>channel.stock-push</c> job, queued by every stock change
/// and debounced, see <see cref="ChannelStockStore.QueuePushesAsync"/>). It reads ATP now, allocates it to the SKU's
/// channels (<see cref="ChannelStock.Allocate"/>: shares, the shared pool, non-core channels at 0 at or below the
/// threshold) and calls only the channels whose quantity differs from the one last confirmed by their platform, each
/// with its platform's stock-update call setting the absolute value, so a retried or repeated push is harmless. Every
/// attempt is recorded on its listing; if any channel failed the job is retried with backoff (the channels already
/// pushed are then skipped, having nothing new).
/// </summary>
public sealed partial class StockPush(
    OrdoDatabase database, ChannelRegistry channels, PlatformCaller caller, TimeProvider clock, OrdoMetrics metrics,
    IOptions<OrdoOptions> options, ILogger<StockPush> log) : IJobHandler
{
    private readonly ChannelOptions _options = options.Value.Channels;

    public string Kind => ChannelStockStore.JobKind;

    public TimeSpan RetryDelay(int attempt) =>
        TimeSpan.FromSeconds(Math.Min(_options.StockPushMaxRetrySeconds, _options.StockPushRetrySeconds * Math.Pow(2, Math.Min(attempt - 1, 20))));

    private sealed record Attempt(SkuChannel Channel, int? Pushed, string? Error, string Answer);

    public async Task<JobResult> RunAsync(Job job, CancellationToken ct)
    {
        var sku = DocumentJson.Deserialize<StockPushJobPayload>(job.Payload).Sku;
        var (settings, atp) = await database.ReadAsync(async s => (await ChannelStockStore.FindAsync(s, sku), await InventoryStore.AtpAsync(s, sku)), ct);
        if (settings is null || settings.Listings.Count == 0) return new JobResult.Done();
        var decision = ChannelStock.Allocate(atp, settings.SalesChannels, settings.LowStockThreshold);
        // Settings are validated when saved; a refusal here means they were written some other way.
        if (!decision.IsValid) return new JobResult.Abandoned($"the channel settings of {sku} cannot be computed: {decision.Refusal}");

        // The changed channels are called at once: one slow platform must not hold the others back, nor keep the job
        // past its lease (then another instance would run it again alongside).
        var attempts = await Task.WhenAll(settings.Listings
            .Select((listing, i) => (listing, Wanted: decision.Quantities[i].Quantity))
            .Where(c => c.listing.Push.PushedQuantity != c.Wanted)
            .Select(c => PushAsync(c.listing.Channel, c.Wanted, ct)));
        var failed = attempts.Where(a => a.Error is not null).ToList();
        Func<DbSession, Task> record = async s =>
        {
            var now = clock.GetUtcNow();
            foreach (var a in attempts) await ChannelStockStore.RecordAttemptAsync(s, sku, a.Channel, a.Pushed, a.Error, a.Answer, now);
        };
        return failed.Count == 0
            ? new JobResult.Done { Record = record }
            : new JobResult.Failed(string.Join("; ", failed.Select(f => $"{f.Channel.ShopCode}: {f.Error}"))) { Record = record };
    }

    /// <summary>One channel's push: the platform's answer, or why it was not sent. Never throws for a platform's failure.</summary>
    private async Task<Attempt> PushAsync(SkuChannel channel, int quantity, CancellationToken ct)
    {
        var shop = await database.ReadAsync(s => CatalogueStore.FindShopAsync(s, channel.ShopCode), ct);
        if (shop is null) return NotSent(channel, $"shop '{channel.ShopCode}' no longer exists");
        if (channels.Api(shop.Platform) is not { } api) return NotSent(channel, $"Ordo cannot call the {shop.Platform.Name()} API");
        var (connection, problem) = caller.Connection(shop);
        if (problem is not null) return NotSent(channel, problem);

        var update = new StockUpdate(channel.PlatformItemId, channel.PlatformSkuId, quantity, channel.PlatformLocationId);
        if (api.PrepareSetStock(connection!, update, clock.GetUtcNow()) is { } prepare)
        {
            var (read, prepared) = await caller.CallAsync(prepare, a => api.ReadPrepareSetStock(a, update), ct);
            if (!prepared.Succeeded) return Failed(channel, read, prepared.Error!);
            update = prepared.Value!;
            // The platform already shows the quantity (a change of 0 is not a call Kuaishou takes).
            if (update.CurrentQuantity == quantity) return new Attempt(channel, quantity, null, $"already {quantity}: {read.Body}");
        }
        var (answer, set) = await caller.CallAsync(api.SetStock(connection!, update, clock.GetUtcNow()), api.ReadSetStock, ct);
        return set.Succeeded ? new Attempt(channel, quantity, null, set.Value ?? answer.Body) : Failed(channel, answer, set.Error!);
    }

    private static Attempt NotSent(SkuChannel channel, string problem) => new(channel, null, problem, "not sent: " + problem);

    private static Attempt Failed(SkuChannel channel, ApiAnswer answer, ApiError error) =>
        new(channel, null, $"{error.Code}: {error.Message}", answer.StatusCode == 0 ? answer.Body : $"HTTP {answer.StatusCode}: {answer.Body}");

    public Task GaveUpAsync(Job job, string error, CancellationToken ct)
    {
        metrics.StockPushFailed();
        LogGaveUp(DocumentJson.Deserialize<StockPushJobPayload>(job.Payload).Sku, job.Attempts, error);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "ALERT: the channel stock push of SKU {Sku} failed {Attempts} times and was given up: {Error}. The next stock change of the SKU, or PUT /api/v1/skus/{Sku}/channels, pushes again")]
    private partial void LogGaveUp(string sku, int attempts, string error);
}
