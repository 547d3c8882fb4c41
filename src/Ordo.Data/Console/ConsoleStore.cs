using Ordo.Core.Orders;
using Ordo.Data.Inbox;

namespace Ordo.Data.Console;

/// <summary>A named order-list filter of one person (the query string of the list page).</summary>
public sealed record SavedView(long Id, string Owner, string Name, string Query, DateTimeOffset CreatedAt);

/// <summary>The counts the console shows live: open orders per status, holds, rejected inbox items, and change markers.</summary>
/// <param name="LastOrderId">Highest order row id: rises with each new order.</param>
/// <param name="LastEventId">Highest order event id: rises with each new order and each lifecycle step.</param>
public sealed record LiveCounts(IReadOnlyDictionary<OrderStatus, long> Backlog, long Holds, long RejectedInbox, long LastOrderId, long LastEventId);

/// <summary>A webhook delivery attempt for an event of one order, with its subscriber's name.</summary>
public sealed record OrderWebhookAttempt(long Id, long JobId, string Subscription, long EventId, string EventType, DateTimeOffset AttemptedAt, int? StatusCode, string? Error, long DurationMs);

/// <summary>Reads and writes of the web console that no API feature already has (migration 0013).</summary>
public static class ConsoleStore
{
    /// <summary>The statuses of orders still waiting for someone (the backlog per stage); holds are counted apart.</summary>
    public static readonly OrderStatus[] BacklogStatuses =
        [OrderStatus.PendingPayment, OrderStatus.Paid, OrderStatus.Accepted, OrderStatus.Allocated, OrderStatus.Picking, OrderStatus.Packed, OrderStatus.RefundRequested];

    public static Task<List<SavedView>> SavedViewsAsync(DbSession s, string owner) =>
        s.QueryAsync("SELECT * FROM console_saved_views WHERE owner = @o ORDER BY name", MapView, ("o", owner));

    /// <summary>Saves (or replaces, by name) a view of <paramref name="owner"/>.</summary>
    public static async Task<long> SaveViewAsync(DbSession s, string owner, string name, string query, DateTimeOffset now)
    {
        await s.ExecuteAsync("DELETE FROM console_saved_views WHERE owner = @o AND name = @n", ("o", owner), ("n", name));
        return await s.ScalarAsync<long>(
            "INSERT INTO console_saved_views (owner, name, query, created_at) VALUES (@o, @n, @q, @at) RETURNING id",
            ("o", owner), ("n", name), ("q", query), ("at", now));
    }

    /// <summary>Deletes a view if <paramref name="owner"/> owns it; answers whether one was deleted.</summary>
    public static async Task<bool> DeleteViewAsync(DbSession s, string owner, long id) =>
        await s.ExecuteAsync("DELETE FROM console_saved_views WHERE id = @id AND owner = @o", ("id", id), ("o", owner)) > 0;

    /// <summary>
    /// Each count reads an index range (status, inbox status) or a primary key end, never the whole orders table:
    /// finished orders, the bulk of it, are not counted.
    /// </summary>
    public static async Task<LiveCounts> LiveCountsAsync(DbSession s)
    {
        var statuses = BacklogStatuses.Append(OrderStatus.OnHold).ToArray();
        var names = string.Join(", ", statuses.Select((_, i) => "@s" + i));
        var rows = await s.QueryAsync($"SELECT status, COUNT(*) AS n FROM orders WHERE status IN ({names}) GROUP BY status",
            r => (Status: r.Enum<OrderStatus>("status"), Count: r.Long("n")),
            statuses.Select((st, i) => ("s" + i, (object?)st.ToString())).ToArray());
        var byStatus = rows.ToDictionary(r => r.Status, r => r.Count);
        var backlog = BacklogStatuses.ToDictionary(st => st, st => byStatus.GetValueOrDefault(st));
        var rejected = await s.ScalarAsync<long>("SELECT COUNT(*) FROM inbox WHERE status = @st", ("st", InboxStatus.Rejected));
        var lastOrder = await s.ScalarAsync<long?>("SELECT MAX(id) FROM orders") ?? 0;
        var lastEvent = await s.ScalarAsync<long?>("SELECT MAX(id) FROM order_events") ?? 0;
        return new LiveCounts(backlog, byStatus.GetValueOrDefault(OrderStatus.OnHold), rejected, lastOrder, lastEvent);
    }

    /// <summary>Orders received in [<paramref name="from"/>, <paramref name="to"/>) by platform and status (the received_at index).</summary>
    public static Task<List<(string Platform, OrderStatus Status, long Count)>> ReceivedBreakdownAsync(DbSession s, DateTimeOffset from, DateTimeOffset to) =>
        s.QueryAsync("SELECT platform, status, COUNT(*) AS n FROM orders WHERE received_at >= @from AND received_at < @to GROUP BY platform, status",
            r => (r.String("platform"), r.Enum<OrderStatus>("status"), r.Long("n")), ("from", from), ("to", to));

    /// <summary>
    /// The inbox rows an order came from or was updated by: the ids its events name (<c>context.inboxId</c>) and the
    /// rows marked with its order number. Oldest first.
    /// </summary>
    public static async Task<List<InboxItem>> InboxItemsOfOrderAsync(DbSession s, string orderNo, IReadOnlyCollection<long> inboxIds)
    {
        var ids = inboxIds.Distinct().Take(200).ToList();
        var byId = ids.Count == 0 ? "" : $" OR id IN ({string.Join(", ", ids.Select((_, i) => "@i" + i))})";
        var args = ids.Select((id, i) => ("i" + i, (object?)id)).Append(("no", orderNo)).ToArray();
        var found = new List<InboxItem>();
        foreach (var id in await s.QueryAsync($"SELECT id FROM inbox WHERE order_no = @no{byId} ORDER BY id", r => r.Long("id"), args))
            if (await InboxStore.FindAsync(s, id) is { } item) found.Add(item);
        return found;
    }

    /// <summary>Every webhook delivery attempt for the given events, oldest first.</summary>
    public static Task<List<OrderWebhookAttempt>> WebhookAttemptsOfEventsAsync(DbSession s, IReadOnlyCollection<long> eventIds)
    {
        if (eventIds.Count == 0) return Task.FromResult(new List<OrderWebhookAttempt>());
        var ids = eventIds.Distinct().ToList();
        var names = string.Join(", ", ids.Select((_, i) => "@e" + i));
        return s.QueryAsync($"""
            SELECT a.id, a.job_id, a.event_id, a.attempted_at, a.status_code, a.error, a.duration_ms, w.name AS subscription, e.type AS event_type
            FROM webhook_attempts a JOIN webhook_subscriptions w ON w.id = a.subscription_id JOIN order_events e ON e.id = a.event_id
            WHERE a.event_id IN ({names}) ORDER BY a.id
            """,
            r => new OrderWebhookAttempt(r.Long("id"), r.Long("job_id"), r.String("subscription"), r.Long("event_id"), r.String("event_type"),
                r.Instant("attempted_at"), r.IntOrNull("status_code"), r.StringOrNull("error"), r.Long("duration_ms")),
            ids.Select((id, i) => ("e" + i, (object?)id)).ToArray());
    }

    private static SavedView MapView(Row r) => new(r.Long("id"), r.String("owner"), r.String("name"), r.String("query"), r.Instant("created_at"));
}
