using Ordo.Core.Orders;
using Ordo.Data.Inventory;
using Ordo.Data.Jobs;
using Ordo.Data.Orders;
using Ordo.Data.Webhooks;

namespace Ordo.Data;

public sealed record WebhookJobPayload(long SubscriptionId, long EventId, string OrderNo);

/// <summary>
/// The transactional outbox: order events become delivery jobs in the same transaction that changed the order, so a
/// committed change is always delivered (at least once) and a rolled-back one never is. One job per subscriber per
/// event, ordered per subscriber and order by the job ordering key.
/// </summary>
public static class Outbox
{
    public const string WebhookJobKind = "webhook";

    /// <summary>
    /// Queues a delivery job per subscriber that wants it for each event, in event order (ids ascend within an order),
    /// and a stock job per order whose lifecycle moved. <paramref name="arrivalStockDecided"/>: the writer decides the
    /// stock of the orders it creates in this transaction, so their creation needs no stock job.
    /// </summary>
    public static async Task EnqueueOrderEventsAsync(DbSession s, IReadOnlyList<(string OrderNo, StoredOrderEvent Event)> events, bool arrivalStockDecided = false)
    {
        if (events.Count == 0) return;
        // Loaded once per transaction: a batch writes many orders in one.
        if (!s.Memo.TryGetValue(nameof(WebhookSubscription), out var memo))
            s.Memo[nameof(WebhookSubscription)] = memo = await WebhookStore.ListSubscriptionsAsync(s, activeOnly: true);
        var subscriptions = (List<WebhookSubscription>)memo;
        var jobs = new List<NewJob>();
        // Stock follows the order: each order whose lifecycle moved gets one stock job (reserve, confirm, release,
        // ship, restock), in the same transaction, once the merchant keeps stock in Ordo (a warehouse exists).
        // Putting an order on hold changes nothing for its stock (and a shortage hold is written where stock is decided).
        if (await s.Database.InventoryActiveAsync(s))
            foreach (var (orderId, orderNo) in events.Where(e => (e.Event.Event.Type == OrderEventTypes.Created && !arrivalStockDecided)
                             || (e.Event.Event.Type == OrderEventTypes.StatusChanged && e.Event.Event.To != OrderStatus.OnHold))
                         .Select(e => (e.Event.OrderId, e.OrderNo)).Distinct())
                jobs.Add(StockJobs.NewJob(orderId, orderNo, events[0].Event.Event.OccurredAt));
        if (subscriptions.Count == 0 && jobs.Count == 0) return;
        foreach (var (orderNo, e) in events)
            foreach (var sub in subscriptions.Where(x => x.Wants(e.Event.Type)))
                jobs.Add(new NewJob(WebhookJobKind, DocumentJson.Serialize(new WebhookJobPayload(sub.Id, e.Id, orderNo)),
                    e.Event.OccurredAt, s.Database.WebhookMaxAttempts, OrderingKey(sub.Id, e.OrderId)));
        await JobStore.EnqueueManyAsync(s, jobs, events[0].Event.Event.OccurredAt, runHere: true);
    }

    public static string OrderingKey(long subscriptionId, long orderId) => $"wh:{subscriptionId}:{orderId}";
}
