using Microsoft.Extensions.Options;
using Ordo.Core.Channels;
using Ordo.Core.Orders;
using Ordo.Data;
using Ordo.Data.Catalogue;
using Ordo.Data.Channels;
using Ordo.Data.Jobs;
using Ordo.Data.Orders;
using Ordo.Server.Configuration;
using Ordo.Server.Jobs;
using Ordo.Server.Observability;

namespace Ordo.Server.Channels;

public sealed record WriteBackJobPayload(long WriteBackId);

/// <summary>
/// Reports shipments to the platforms with each platform's write-back call (tracking number and carrier). A failed
/// attempt is tried again after <c>Ordo:Channels:WriteBackRetryMinutes</c> (15) up to
/// <c>Ordo:Channels:WriteBackMaxAttempts</c> (5); then the write-back is marked failed and an alert is raised (error
/// log and the <c>ordo_writeback_failures_total</c> metric). Every attempt and the platform's answer is kept, and a
/// person can trigger it again.
/// </summary>
public sealed partial class WriteBackDelivery(
    OrdoDatabase database, ChannelRegistry channels, PlatformCaller caller, TimeProvider clock, OrdoMetrics metrics,
    IOptions<OrdoOptions> options, ILogger<WriteBackDelivery> log) : IJobHandler
{
    public const string JobKind = "channel.writeback";
    private readonly ChannelOptions _options = options.Value.Channels;

    public string Kind => JobKind;

    public TimeSpan RetryDelay(int attempt) => TimeSpan.FromMinutes(_options.WriteBackRetryMinutes);

    /// <summary>
    /// When an order of a shop Ordo can call has just shipped, records its write-back and queues it, in the caller's
    /// transaction (the shipment and its report are committed together). Returns the write-back id, or null.
    /// </summary>
    public static async Task<long?> QueueIfConnectedAsync(DbSession s, OrderState order, ChannelRegistry channels, int maxAttempts, DateTimeOffset now)
    {
        if (order.Shipment is not { } shipment || channels.Api(order.Data.Platform) is null) return null;
        var shop = await CatalogueStore.FindShopAsync(s, order.Data.ShopCode);
        if (shop?.ApiBaseUrl is null) return null;
        var id = await WriteBackStore.AddAsync(s, order.OrderNo, shop.Code, order.Data.Platform.Name(), order.Data.PlatformOrderId,
            shipment.Carrier, shipment.TrackingNo, null, now);
        await EnqueueAsync(s, id, maxAttempts, now);
        return id;
    }

    public static Task EnqueueAsync(DbSession s, long writeBackId, int maxAttempts, DateTimeOffset now) =>
        JobStore.EnqueueAsync(s, JobKind, DocumentJson.Serialize(new WriteBackJobPayload(writeBackId)), now, now, maxAttempts, $"writeback:{writeBackId}");

    public async Task<JobResult> RunAsync(Job job, CancellationToken ct)
    {
        var payload = DocumentJson.Deserialize<WriteBackJobPayload>(job.Payload);
        var writeBack = await database.ReadAsync(s => WriteBackStore.FindAsync(s, payload.WriteBackId), ct);
        if (writeBack is null) return new JobResult.Abandoned($"write-back {payload.WriteBackId} no longer exists");
        if (writeBack.Status == WriteBackStatus.Succeeded) return new JobResult.Done();
        var shop = await database.ReadAsync(s => CatalogueStore.FindShopAsync(s, writeBack.ShopCode), ct);
        var now = clock.GetUtcNow();
        string? problem = null;
        IPlatformApi? api = null;
        ApiConnection? connection = null;
        if (shop is null) problem = $"shop '{writeBack.ShopCode}' no longer exists";
        else if ((api = channels.Api(shop.Platform)) is null) problem = $"Ordo cannot call the {shop.Platform.Name()} API";
        else (connection, problem) = caller.Connection(shop);
        if (problem is not null)
            return Result(writeBack, job, "not-sent", 0, problem, problem);

        var notice = new ShipmentNotice(writeBack.PlatformOrderId, writeBack.CarrierCode, writeBack.TrackingNumber, writeBack.SubOrderIds);
        if (api!.PrepareShip(connection!, notice, now) is { } prepare)
        {
            var (prepared, ready) = await caller.CallAsync(prepare, a => api.ReadPrepareShip(a, notice), ct);
            if (!ready.Succeeded) return Result(writeBack, job, "failed", prepared.StatusCode, prepared.Body, $"{ready.Error!.Code}: {ready.Error.Message}");
            notice = ready.Value!;
        }
        var (answer, shipped) = await caller.CallAsync(api.Ship(connection!, notice, now), api.ReadShip, ct);
        return shipped.Succeeded
            ? new JobResult.Done
            {
                Record = s => WriteBackStore.RecordAttemptAsync(s, writeBack.Id, clock.GetUtcNow(), WriteBackStatus.Succeeded, null, "succeeded",
                    answer.StatusCode, shipped.Value ?? answer.Body),
            }
            : Result(writeBack, job, "failed", answer.StatusCode, answer.Body, $"{shipped.Error!.Code}: {shipped.Error.Message}");
    }

    private JobResult Result(WriteBack writeBack, Job job, string outcome, int statusCode, string answer, string error)
    {
        var last = job.Attempts >= job.MaxAttempts;
        return new JobResult.Failed(error)
        {
            Record = s => WriteBackStore.RecordAttemptAsync(s, writeBack.Id, clock.GetUtcNow(), last ? WriteBackStatus.Failed : WriteBackStatus.Pending,
                error, outcome, statusCode, answer),
        };
    }

    public Task GaveUpAsync(Job job, string error, CancellationToken ct)
    {
        var payload = DocumentJson.Deserialize<WriteBackJobPayload>(job.Payload);
        metrics.WriteBackFailed();
        LogGaveUp(payload.WriteBackId, job.Attempts, error);
        return database.WriteAsync(s => WriteBackStore.SetStatusAsync(s, payload.WriteBackId, WriteBackStatus.Failed, clock.GetUtcNow()), ct);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "ALERT: write-back {WriteBackId} failed {Attempts} times and was given up: {Error}. Fix the cause and POST /api/v1/write-backs/{WriteBackId}/retry")]
    private partial void LogGaveUp(long writeBackId, int attempts, string error);
}
