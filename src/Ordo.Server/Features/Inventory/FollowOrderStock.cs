using System.Text.Json.Nodes;
using Ordo.Core.Inventory;
using Ordo.Core.Orders;
using Ordo.Data;
using Ordo.Data.Inventory;
using Ordo.Data.Jobs;
using Ordo.Data.Orders;
using Ordo.Server.Jobs;

namespace Ordo.Server.Features.Inventory;

/// <summary>
/// The stock job: brings an order's reservations in line with its status, queued with every status change of the
/// order (see <c>Outbox</c>; an order taken in by intake is decided there, see <see cref="StockDecisions"/>) and again
/// when an unpaid reservation is due to expire. It works from the order's current
/// state rather than from the event, so running it twice, late or out of turn changes nothing twice:
/// an open order without reservations reserves (or is held for the shortage); a paid one confirms; a cancelled or
/// refunded one releases; a shipped one takes the units off on hand; a refund after shipment restocks; an unpaid order
/// past its reservation's expiry is released and cancelled or held, as configured.
/// </summary>
public sealed class FollowOrderStock(OrdoDatabase database, TimeProvider clock, StockDecisions decisions) : IJobHandler
{
    public const string ShortageCode = "stock-shortage";
    public const string ExpiredCode = "reservation-expired";
    private static readonly Actor Inventory = StockDecisions.Inventory;
    private readonly ReservationPolicy _policy = decisions.Policy;

    public string Kind => StockJobs.Kind;

    public TimeSpan RetryDelay(int attempt) => TimeSpan.FromSeconds(Math.Min(300, 5 * attempt * attempt));

    public async Task<JobResult> RunAsync(Job job, CancellationToken ct)
    {
        var payload = DocumentJson.Deserialize<StockJobPayload>(job.Payload);
        if (payload is null) return new JobResult.Abandoned("the stock job's payload is not readable");
        await Groups.WriteAsync(payload, ct);
        return new JobResult.Done();
    }

    // Stock jobs that run together are decided together: one transaction locks their orders and the balances they
    // draw on once, and the reservation planner decides them in one pass (first come, first served). On a promotion
    // night thousands of orders want the same SKU; one at a time they would queue on its balance row's lock.
    private GroupCommit<StockJobPayload, bool>? _groups;
    private GroupCommit<StockJobPayload, bool> Groups =>
        LazyInitializer.EnsureInitialized(ref _groups, () => new(database, maxGroup: 256, postgresWriters: 1, FollowManyAsync));

    private async Task<IReadOnlyList<bool>> FollowManyAsync(DbSession s, IReadOnlyList<StockJobPayload> payloads)
    {
        var now = clock.GetUtcNow();
        // Every order row is locked first (in id order): its other writers (intake, actions) and this job take turns.
        var orders = await OrderStore.FindManyByIdAsync(s, payloads.Select(p => p.OrderId).ToList(), forUpdate: true);
        var reservations = await InventoryStore.ReservationsOfOrdersAsync(s, orders.Select(o => o.State.Id).ToList());
        // Orders to reserve keep the order their jobs came in.
        var arrival = payloads.Select((p, i) => (p.OrderId, i)).GroupBy(x => x.OrderId).ToDictionary(g => g.Key, g => g.Min(x => x.i));
        var toReserve = new List<(Order Order, OrderStatus Effective)>();
        foreach (var order in orders.OrderBy(o => arrival[o.State.Id]))
        {
            var mine = reservations.GetValueOrDefault(order.State.Id) ?? [];
            if (await FollowAsync(s, order, mine, now) is { } effective) toReserve.Add((order, effective));
        }
        if (toReserve.Count > 0) await decisions.ReserveAsync(s, toReserve, now);
        return new bool[payloads.Count];
    }

    /// <summary>Applies what the order's state asks of its stock; answers the status to reserve for when it needs a reservation.</summary>
    private async Task<OrderStatus?> FollowAsync(DbSession s, Order order, IReadOnlyList<Reservation> reservations, DateTimeOffset now)
    {
        var holdsStock = reservations.Any(r => r.Status is ReservationStatus.Active or ReservationStatus.Confirmed);
        var shipped = reservations.Any(r => r.Status == ReservationStatus.Shipped);
        var status = order.Status;
        var effective = status == OrderStatus.OnHold ? order.State.ResumeStatus ?? status : status;
        var (id, orderNo) = (order.State.Id, order.State.OrderNo);

        if (status is OrderStatus.Cancelled or OrderStatus.Refunded)
        {
            if (holdsStock) await InventoryStore.ApplyEffectAsync(s, id, orderNo, StockEffect.Release, $"order {status.ToString().ToLowerInvariant()}", Inventory, now);
            else if (status == OrderStatus.Refunded && shipped && _policy.RestockRefundsAfterShipment)
                await InventoryStore.ApplyEffectAsync(s, id, orderNo, StockEffect.Restock, "refunded after shipment", Inventory, now);
            return null;
        }
        if (effective is OrderStatus.Shipped or OrderStatus.Delivered or OrderStatus.Completed)
        {
            if (holdsStock) await InventoryStore.ApplyEffectAsync(s, id, orderNo, StockEffect.Ship, "shipped", Inventory, now);
            return null;
        }
        if (reservations.Count == 0) return StockDecisions.ToReserve(order);
        var active = reservations.Where(r => r.Status == ReservationStatus.Active).ToList();
        if (effective != OrderStatus.PendingPayment && active.Count > 0)
            await InventoryStore.ApplyEffectAsync(s, id, orderNo, StockEffect.Confirm, "paid", Inventory, now);
        else if (effective == OrderStatus.PendingPayment && active.Count > 0 && active.Min(r => r.ExpiresAt) is { } expiresAt && expiresAt <= now)
            await ExpireAsync(s, order, now);
        return null;
    }

    private async Task ExpireAsync(DbSession s, Order order, DateTimeOffset now)
    {
        var minutes = (int)_policy.UnpaidHoldFor(order.State.Data.Platform).TotalMinutes;
        var reason = $"unpaid {minutes} minutes after its stock was reserved: reservation expired";
        await InventoryStore.ApplyEffectAsync(s, order.State.Id, order.State.OrderNo, StockEffect.Release, reason, Inventory, now);
        var changed = _policy.OnExpiry == ExpiryAction.Cancel
            ? order.Apply(new OrderActionRequest(OrderAction.Cancel, reason), Inventory, now).Succeeded
            : order.HoldFor([new HoldReason(ExpiredCode, reason)], Inventory, now, new JsonObject());
        if (changed) await OrderStore.UpdateAsync(s, order);
    }
}
