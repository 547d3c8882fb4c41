using System.Text.Json;
using Microsoft.Extensions.Options;
using Ordo.Core.Channels;
using Ordo.Core.Orders;
using Ordo.Data;
using Ordo.Data.Catalogue;
using Ordo.Data.Channels;
using Ordo.Data.Jobs;
using Ordo.Server.Configuration;
using Ordo.Server.Features.Orders;
using Ordo.Server.Jobs;

namespace Ordo.Server.Channels;

public sealed record PullJobPayload(string ShopCode);
public sealed record FetchJobPayload(string ShopCode, string PlatformOrderId, long? PushInboxId);

/// <summary>
/// Pull sync of one shop, run as a job (one pending pull per shop, whatever the number of instances: the job's
/// ordering key). Each run reads the orders the platform modified since the last run, minus an overlap, in windows
/// no longer than the platform allows, page by page; every page is taken in (idempotently, so the overlap and any
/// repeat never duplicate an order) before the position is saved, so an interrupted run resumes at the page where it
/// stopped. A failing platform (5xx, rate limit, no answer) makes the run retry with backoff from where it was; after
/// an outage of Ordo or of the push, the next run brings every order modified meanwhile.
/// </summary>
public sealed partial class PullSync(
    OrdoDatabase database, ChannelRegistry channels, PlatformCaller caller, OrderIntake intake, TimeProvider clock,
    IOptions<OrdoOptions> options, ILogger<PullSync> log) : IJobHandler
{
    public const string JobKind = "channel.pull";
    public const int JobMaxAttempts = 1_000_000; // a pull job retries until the platform answers; it never gives up
    private readonly ChannelOptions _options = options.Value.Channels;

    public string Kind => JobKind;

    public static string OrderingKey(string shopCode) => "pull:" + shopCode;

    /// <summary>Schedules the shop's next pull unless one is pending (call inside the transaction that connects the shop).</summary>
    public static Task<bool> ScheduleAsync(DbSession s, string shopCode, DateTimeOffset dueAt, DateTimeOffset now, long? exceptJob = null) =>
        JobStore.EnqueueOnceAsync(s, JobKind, DocumentJson.Serialize(new PullJobPayload(shopCode)), dueAt, now, JobMaxAttempts, OrderingKey(shopCode), exceptJob);

    public TimeSpan RetryDelay(int attempt) =>
        TimeSpan.FromSeconds(Math.Min(_options.PullRetryBaseSeconds * Math.Pow(2, Math.Min(attempt - 1, 10)), 300));

    public async Task<JobResult> RunAsync(Job job, CancellationToken ct)
    {
        var payload = DocumentJson.Deserialize<PullJobPayload>(job.Payload);
        var shop = await database.ReadAsync(s => CatalogueStore.FindShopAsync(s, payload.ShopCode), ct);
        if (shop is null) return new JobResult.Abandoned($"shop '{payload.ShopCode}' no longer exists");
        if (channels.Api(shop.Platform) is not { } api) return new JobResult.Abandoned($"Ordo cannot call the {shop.Platform.Name()} API");
        var (connection, problem) = caller.Connection(shop);
        if (connection is null) return new JobResult.Abandoned(problem!);

        var now = clock.GetUtcNow();
        var state = await database.ReadAsync(s => SyncStore.FindAsync(s, shop.Code), ct)
                    ?? new ShopSync(shop.Code, now - TimeSpan.FromHours(_options.InitialPullHours), null, null, null, null, null, null, 0, 0);
        state = state with { LastRunAt = now };
        var pages = 0;
        while (pages < _options.MaxPagesPerRun)
        {
            // The window being read: resumed, or the next one after what is synced (with the overlap on a run's first window).
            var from = state.WindowFrom ?? (pages == 0 ? state.SyncedTo - TimeSpan.FromSeconds(_options.PullOverlapSeconds) : state.SyncedTo);
            var to = state.WindowTo ?? Min(from + api.MaxWindow, now);
            // A window of a few seconds is not worth a call (and platforms that count in whole seconds refuse an
            // empty one): what is left is read by the next run, with the overlap.
            if (to - from < MinimumWindow) break;
            var token = state.PageToken;
            // Page-numbered answers rarely say which page they are: the reader is told the page asked for.
            var (_, page) = await caller.CallAsync(api.ListModified(connection, new PullWindow(from, to), token, clock.GetUtcNow()),
                answer => api.ReadList(answer, token), ct);
            if (!page.Succeeded) return await FailAsync(state with { WindowFrom = from, WindowTo = to }, page.Error!, shop, job.Id, ct);
            pages++;

            var natives = page.Value!.Orders.Select(o => o.GetRawText()).ToList();
            foreach (var id in page.Value.OrderIdsToFetch)
            {
                var detail = await FetchAsync(api, connection, id, ct);
                if (!detail.Succeeded) return await FailAsync(state with { WindowFrom = from, WindowTo = to }, detail.Error!, shop, job.Id, ct);
                natives.Add(detail.Value.GetRawText());
            }
            foreach (var chunk in natives.Chunk(OrderIntake.MaxBatch))
                await intake.SubmitNativeAsync(shop, chunk, "pull:" + shop.Platform.Name(), new Actor(ActorKind.Channel, shop.Platform.Name()), ct);

            state = page.Value.NextPageToken is { } next
                ? state with { WindowFrom = from, WindowTo = to, PageToken = next, OrdersPulled = state.OrdersPulled + natives.Count }
                : state with { SyncedTo = to, WindowFrom = null, WindowTo = null, PageToken = null, OrdersPulled = state.OrdersPulled + natives.Count };
            var saved = state;
            await database.WriteAsync(s => SyncStore.SaveAsync(s, saved), ct);
            if (page.Value.NextPageToken is null && now - to < MinimumWindow) break;
        }

        var done = state with { LastSuccessAt = clock.GetUtcNow(), LastError = null, Failures = 0 };
        var interval = TimeSpan.FromSeconds(Math.Max(10, shop.PullIntervalSeconds));
        // More to read (the page budget ran out): carry on soon; otherwise at the shop's interval.
        var nextRun = done.WindowFrom is not null || done.SyncedTo < clock.GetUtcNow() - interval ? clock.GetUtcNow() : clock.GetUtcNow() + interval;
        return new JobResult.Done
        {
            Record = async s =>
            {
                await SyncStore.SaveAsync(s, done);
                await ScheduleAsync(s, shop.Code, nextRun, clock.GetUtcNow(), exceptJob: job.Id);
            },
        };
    }

    private async Task<ApiResult<JsonElement>> FetchAsync(IPlatformApi api, ApiConnection connection, string id, CancellationToken ct)
    {
        return (await caller.CallAsync(api.GetOrder(connection, id, clock.GetUtcNow()), api.ReadOrder, ct)).Result;
    }

    private async Task<JobResult> FailAsync(ShopSync state, ApiError error, Shop shop, long jobId, CancellationToken ct)
    {
        var message = $"{error.Code}: {error.Message}";
        LogPullFailed(shop.Code, message, error.Retryable);
        if (error.Retryable)
        {
            // The same window and page are asked for again after the backoff.
            var failed = state with { LastError = message, Failures = state.Failures + 1 };
            await database.WriteAsync(s => SyncStore.SaveAsync(s, failed), ct);
            return new JobResult.Failed(message);
        }
        // Refused (credentials, parameters): asking again at once cannot help, but the shop must not stop being
        // pulled: the next run starts afresh from what is synced, after a longer pause, until someone fixes the cause.
        var refused = state with { WindowFrom = null, WindowTo = null, PageToken = null, LastError = message, Failures = state.Failures + 1 };
        var next = clock.GetUtcNow() + Max(TimeSpan.FromSeconds(shop.PullIntervalSeconds), RefusedPause);
        return new JobResult.Abandoned(message)
        {
            Record = async s =>
            {
                await SyncStore.SaveAsync(s, refused);
                await ScheduleAsync(s, shop.Code, next, clock.GetUtcNow(), exceptJob: jobId);
            },
        };
    }

    /// <summary>Shortest window worth asking for.</summary>
    private static readonly TimeSpan MinimumWindow = TimeSpan.FromSeconds(5);
    /// <summary>Pause after the platform refused a pull (not a transient failure).</summary>
    private static readonly TimeSpan RefusedPause = TimeSpan.FromMinutes(5);

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pull of shop {ShopCode} failed: {Error} (retryable: {Retryable})")]
    private partial void LogPullFailed(string shopCode, string error, bool retryable);
}

/// <summary>
/// Fetches one order named by an id-only push through the platform's API and takes it in; the push's inbox item then
/// records the outcome. Retries with backoff while the platform fails.
/// </summary>
public sealed class FetchOrder(ShopDirectory shops, ChannelRegistry channels, PlatformCaller caller, OrderIntake intake, TimeProvider clock) : IJobHandler
{
    public const string JobKind = "channel.fetch";
    public const int JobMaxAttempts = 20;

    public string Kind => JobKind;

    public static NewJob NewJob(FetchJobPayload payload, DateTimeOffset now) =>
        new(JobKind, DocumentJson.Serialize(payload), now, JobMaxAttempts, $"fetch:{payload.ShopCode}:{payload.PlatformOrderId}");

    public TimeSpan RetryDelay(int attempt) => TimeSpan.FromSeconds(Math.Min(2 * Math.Pow(2, attempt - 1), 600));

    public async Task<JobResult> RunAsync(Job job, CancellationToken ct)
    {
        var payload = DocumentJson.Deserialize<FetchJobPayload>(job.Payload);
        var shop = await shops.FindAsync(payload.ShopCode, ct);
        if (shop is null) return new JobResult.Abandoned($"shop '{payload.ShopCode}' no longer exists");
        if (channels.Api(shop.Platform) is not { } api) return new JobResult.Abandoned($"Ordo cannot call the {shop.Platform.Name()} API; the pull sync will not bring it either");
        var (connection, problem) = caller.Connection(shop);
        if (connection is null) return new JobResult.Abandoned(problem!);
        var (_, order) = await caller.CallAsync(api.GetOrder(connection, payload.PlatformOrderId, clock.GetUtcNow()), api.ReadOrder, ct);
        if (!order.Succeeded)
            return order.Error!.Retryable ? new JobResult.Failed($"{order.Error.Code}: {order.Error.Message}") : new JobResult.Abandoned($"{order.Error.Code}: {order.Error.Message}");
        // One order at a time, but committed in groups with the other fetches and single submissions of the moment.
        // The push's inbox item records the outcome in the transaction that takes the order in.
        await intake.SubmitNativeAsync(shop, order.Value.GetRawText(), "fetch:" + shop.Platform.Name(),
            new Actor(ActorKind.Channel, shop.Platform.Name()), ct, payload.PushInboxId);
        return new JobResult.Done();
    }
}
