using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Ordo.Core.Inventory;
using Ordo.Core.Orders;
using Ordo.Data;
using Ordo.Data.Inventory;
using Ordo.Data.Jobs;
using Ordo.Data.Orders;
using Ordo.Server.Configuration;

namespace Ordo.Server.Features.Inventory;

/// <summary>
/// Reserves stock for open orders that hold none, or holds them for the shortage with the reason: for orders as they
/// arrive (in intake's own transaction, see <see cref="ReserveNewAsync"/>) and for orders the stock job finds without
/// reservations (released from a shortage hold, reopened). Database work inside the caller's transaction only.
/// </summary>
public sealed class StockDecisions(IOptions<OrdoOptions> options)
{
    public static readonly Actor Inventory = new(ActorKind.System, "inventory");

    public ReservationPolicy Policy { get; } = options.Value.Inventory.ToPolicy();

    /// <summary>
    /// The status an order without reservations reserves for, or null when it should hold no stock: it is open and
    /// not shipped (an order on hold reserves for the status it will return to), unless a person has yet to look at
    /// its shortage hold.
    /// </summary>
    public static OrderStatus? ToReserve(Order order)
    {
        var status = order.Status;
        var effective = status == OrderStatus.OnHold ? order.State.ResumeStatus ?? status : status;
        if (status is OrderStatus.Cancelled or OrderStatus.Refunded || effective is OrderStatus.Shipped or OrderStatus.Delivered or OrderStatus.Completed)
            return null;
        return ReservationRules.Reserves(status) && order.State.HoldReasons.All(h => h.Code != FollowOrderStock.ShortageCode) ? effective : null;
    }

    /// <summary>
    /// Decides the stock of orders just inserted in this transaction (once the merchant keeps stock in Ordo): each is
    /// reserved or held for the shortage before the transaction commits, so an order is never seen without its stock
    /// decision, and no stock job is needed for its arrival (the caller inserted it with <c>stockDecidedHere</c>).
    /// </summary>
    public async Task ReserveNewAsync(DbSession s, IReadOnlyList<Order> created, DateTimeOffset now)
    {
        if (created.Count == 0 || !await s.Database.InventoryActiveAsync(s)) return;
        var toReserve = created.Select(o => (Order: o, Effective: ToReserve(o))).Where(x => x.Effective is not null)
            .Select(x => (x.Order, x.Effective!.Value)).ToList();
        if (toReserve.Count > 0) await ReserveAsync(s, toReserve, now);
    }

    public async Task ReserveAsync(DbSession s, IReadOnlyList<(Order Order, OrderStatus Effective)> orders, DateTimeOffset now)
    {
        var requests = new List<OrderStockRequest>();
        var requested = new List<(Order Order, OrderStatus Effective)>();
        foreach (var (order, effective) in orders)
        {
            var data = order.State.Data;
            var lines = data.Lines.Select((l, i) => (Line: l, No: i + 1)).Where(x => !string.IsNullOrEmpty(x.Line.Sku) && x.Line.Quantity > 0)
                .Select(x => new RequestedLine(x.No, x.Line.Sku!, x.Line.Quantity)).ToList();
            if (lines.Count == 0) continue;
            requests.Add(new OrderStockRequest(order.State.Id, data.Platform, effective, new ReservationRequest(order.State.OrderNo, data.Receiver?.Province, lines)));
            requested.Add((order, effective));
        }
        var decisions = await InventoryStore.ReserveAsync(s, requests, Policy, Inventory, now);
        var held = new List<Order>();
        var expiries = new List<NewJob>();
        for (var i = 0; i < decisions.Count; i++)
        {
            var (order, effective) = requested[i];
            var decision = decisions[i];
            if (decision.IsReserved)
            {
                if (Policy.ExpiresAt(order.State.Data.Platform, effective, now) is { } expiresAt)
                    expiries.Add(StockJobs.ExpiryJob(order.State.Id, order.State.OrderNo, expiresAt));
                continue;
            }
            // Stable messages (no counts that change): a person who releases the hold is not asked again for the same lines.
            var reasons = decision.Shortages.GroupBy(x => x.Sku).Select(g => new HoldReason(FollowOrderStock.ShortageCode,
                $"not enough stock to promise {g.Key} × {g.First().Needed}", $"lines[{g.First().LineNo - 1}].sku")).ToList();
            var context = new JsonObject { ["shortages"] = new JsonArray(decision.Shortages.Select(x => (JsonNode)new JsonObject
            {
                ["line"] = x.LineNo, ["sku"] = x.Sku, ["needed"] = x.Needed, ["available"] = x.Available, ["reason"] = x.Reason,
            }).ToArray()) };
            if (order.HoldFor(reasons, Inventory, now, context)) held.Add(order);
        }
        if (held.Count > 0 && (await OrderStore.UpdateManyAsync(s, held)).Count > 0)
            throw new InvalidOperationException("an order read for update changed before its shortage hold was written");
        await JobStore.EnqueueManyAsync(s, expiries, now);
    }

}
