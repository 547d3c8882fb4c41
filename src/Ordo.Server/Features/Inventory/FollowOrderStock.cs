using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Ordo.Core.Inventory;
using Ordo.Core.Orders;
using Ordo.Data;
using Ordo.Data.Inventory;
using Ordo.Data.Jobs;
using Ordo.Data.Orders;
using Ordo.Server.Configuration;
using Ordo.Server.Jobs;

namespace Ordo.Server.Features.Inventory;

/// <summary>
/// The stock job: brings an order's reservations in line with its status, queued with every lifecycle change of the
/// order (see <c>Outbox</c>) and again when an unpaid reservation is due to expire. It works from the order's current
/// state rather than from the event, so running it twice, late or out of turn changes nothing twice:
/// an open order without reservations reserves (or is held for the shortage); a paid one confirms; a cancelled or
/// refunded one releases; a shipped one takes the units off on hand; a refund after shipment restocks; an unpaid order
/// past its reservation's expiry is released and cancelled or held, as configured.
/// </summary>
public sealed class FollowOrderStock(OrdoDatabase database, TimeProvider clock, IOptions<OrdoOptions> options) : IJobHandler
{
    public const string ShortageCode = "stock-shortage";
    public const string ExpiredCode = "reservation-expired";
    private static readonly Actor Inventory = new(ActorKind.System, "inventory");
    private readonly ReservationPolicy _policy = options.Value.Inventory.ToPolicy();

    public string Kind => StockJobs.Kind;

    public TimeSpan RetryDelay(int attempt) => TimeSpan.FromSeconds(Math.Min(300, 5 * attempt * attempt));

    public async Task<JobResult> RunAsync(Job job, CancellationToken ct)
    {
        var payload = DocumentJson.Deserialize<StockJobPayload>(job.Payload);
        if (payload is null) return new JobResult.Abandoned("the stock job's payload is not readable");
        await database.WriteAsync(s => FollowAsync(s, payload), ct);
        return new JobResult.Done();
    }

    private async Task<bool> FollowAsync(DbSession s, StockJobPayload payload)
    {
        var now = clock.GetUtcNow();
        // The order row is locked first: its other writers (intake, actions) and this job take their turns.
        var order = await OrderStore.FindByNoAsync(s, payload.OrderNo, forUpdate: true);
        if (order is null) return false;
        var reservations = await InventoryStore.ReservationsOfOrderAsync(s, order.State.Id);
        var holdsStock = reservations.Any(r => r.Status is ReservationStatus.Active or ReservationStatus.Confirmed);
        var shipped = reservations.Any(r => r.Status == ReservationStatus.Shipped);
        var status = order.Status;
        var effective = status == OrderStatus.OnHold ? order.State.ResumeStatus ?? status : status;
        var orderNo = order.State.OrderNo;

        if (status is OrderStatus.Cancelled or OrderStatus.Refunded)
        {
            if (holdsStock) await InventoryStore.ApplyEffectAsync(s, order.State.Id, orderNo, StockEffect.Release, $"order {status.ToString().ToLowerInvariant()}", Inventory, now);
            else if (status == OrderStatus.Refunded && shipped && _policy.RestockRefundsAfterShipment)
                await InventoryStore.ApplyEffectAsync(s, order.State.Id, orderNo, StockEffect.Restock, "refunded after shipment", Inventory, now);
            return true;
        }
        if (effective is OrderStatus.Shipped or OrderStatus.Delivered or OrderStatus.Completed)
        {
            if (holdsStock) await InventoryStore.ApplyEffectAsync(s, order.State.Id, orderNo, StockEffect.Ship, "shipped", Inventory, now);
            return true;
        }
        if (reservations.Count == 0)
        {
            if (!ReservationRules.Reserves(status) || order.State.HoldReasons.Any(h => h.Code == ShortageCode)) return true;
            await ReserveAsync(s, order, effective, now);
            return true;
        }
        var active = reservations.Where(r => r.Status == ReservationStatus.Active).ToList();
        if (effective != OrderStatus.PendingPayment && active.Count > 0)
            await InventoryStore.ApplyEffectAsync(s, order.State.Id, orderNo, StockEffect.Confirm, "paid", Inventory, now);
        else if (effective == OrderStatus.PendingPayment && active.Count > 0 && active.Min(r => r.ExpiresAt) is { } expiresAt && expiresAt <= now)
            await ExpireAsync(s, order, now);
        return true;
    }

    private async Task ReserveAsync(DbSession s, Order order, OrderStatus effective, DateTimeOffset now)
    {
        var data = order.State.Data;
        var lines = data.Lines.Select((l, i) => (Line: l, No: i + 1)).Where(x => !string.IsNullOrEmpty(x.Line.Sku) && x.Line.Quantity > 0)
            .Select(x => new RequestedLine(x.No, x.Line.Sku!, x.Line.Quantity)).ToList();
        if (lines.Count == 0) return;
        var request = new OrderStockRequest(order.State.Id, data.Platform, effective, new ReservationRequest(order.State.OrderNo, data.Receiver?.Province, lines));
        var decision = (await InventoryStore.ReserveAsync(s, [request], _policy, Inventory, now))[0];
        if (!decision.IsReserved)
        {
            // Stable messages (no counts that change): a person who releases the hold is not asked again for the same lines.
            var reasons = decision.Shortages.GroupBy(x => x.Sku).Select(g => new HoldReason(ShortageCode,
                $"not enough stock to promise {g.Key} × {g.First().Needed}", $"lines[{g.First().LineNo - 1}].sku")).ToList();
            var context = new JsonObject { ["shortages"] = new JsonArray(decision.Shortages.Select(x => (JsonNode)new JsonObject
            {
                ["line"] = x.LineNo, ["sku"] = x.Sku, ["needed"] = x.Needed, ["available"] = x.Available, ["reason"] = x.Reason,
            }).ToArray()) };
            if (order.HoldFor(reasons, Inventory, now, context)) await OrderStore.UpdateAsync(s, order);
            return;
        }
        if (_policy.ExpiresAt(data.Platform, effective, now) is { } expiresAt)
            await JobStore.EnqueueManyAsync(s, [StockJobs.ExpiryJob(order.State.Id, order.State.OrderNo, expiresAt)], now);
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
