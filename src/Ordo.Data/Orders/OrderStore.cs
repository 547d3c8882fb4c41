using System.Text.Json.Nodes;
using Ordo.Core.Orders;

namespace Ordo.Data.Orders;

public sealed record StoredOrderEvent(long Id, long OrderId, OrderEvent Event);

public sealed record OrderQuery(
    OrderStatus? Status = null, Platform? Platform = null, string? ShopCode = null,
    DateTimeOffset? CreatedFrom = null, DateTimeOffset? CreatedTo = null, string? Text = null,
    long? After = null, int Limit = 50);

public sealed record OrderPage(IReadOnlyList<OrderState> Orders, long? NextCursor);

/// <summary>
/// Orders as rows: the full <see cref="OrderState"/> as a JSON document plus the columns that are searched or kept
/// unique (order number; platform + shop + platform order id, the idempotency key of intake).
/// </summary>
public static class OrderStore
{
    private const string Columns = "id, document";

    public static async Task<Order?> FindByKeyAsync(DbSession s, Platform platform, string shopCode, string platformOrderId, bool forUpdate)
    {
        var state = await s.SingleOrDefaultAsync(
            $"SELECT {Columns} FROM orders WHERE platform = @p AND shop_code = @s AND platform_order_id = @o {(forUpdate ? s.ForUpdate : "")}",
            Map, ("p", platform.Name()), ("s", shopCode), ("o", platformOrderId));
        return state is null ? null : Order.Restore(state);
    }

    /// <summary>The existing orders among <paramref name="keys"/>, read FOR UPDATE (PostgreSQL) in one query per 500 keys.</summary>
    public static async Task<Dictionary<(string Platform, string Shop, string PlatformOrderId), Order>> FindManyByKeyAsync(
        DbSession s, IReadOnlyCollection<(string Platform, string Shop, string PlatformOrderId)> keys)
    {
        var found = new Dictionary<(string, string, string), Order>();
        foreach (var chunk in keys.Select(k => k.PlatformOrderId).Distinct().Chunk(500))
        {
            var names = chunk.Select((_, i) => $"@p{i}");
            var states = await s.QueryAsync(
                $"SELECT {Columns} FROM orders WHERE platform_order_id IN ({string.Join(", ", names)}) ORDER BY id {s.ForUpdate}",
                Map, chunk.Select((id, i) => ($"p{i}", (object?)id)).ToArray());
            foreach (var state in states)
            {
                var key = (state.Data.Platform.Name(), state.Data.ShopCode, state.Data.PlatformOrderId);
                if (keys.Contains(key)) found[key] = Order.Restore(state);
            }
        }
        return found;
    }

    public static async Task<Order?> FindByNoAsync(DbSession s, string orderNo, bool forUpdate = false)
    {
        var state = await s.SingleOrDefaultAsync(
            $"SELECT {Columns} FROM orders WHERE order_no = @n {(forUpdate ? s.ForUpdate : "")}", Map, ("n", orderNo));
        return state is null ? null : Order.Restore(state);
    }

    /// <summary>Inserts a new order unless one with the same platform, shop and platform order id exists. Returns the new id, or null when another request created it first.</summary>
    public static async Task<long?> TryInsertAsync(DbSession s, Order order)
    {
        var st = order.State;
        var id = await s.ScalarAsync<long?>(
            """
            INSERT INTO orders (order_no, platform, shop_code, platform_order_id, status, created_at, paid_at, platform_modified_at,
                                received_at, updated_at, receiver_phone_last4, version, document)
            VALUES (@no, @platform, @shop, @poid, @status, @created, @paid, @modified, @received, @updated, @last4, @version, @doc)
            ON CONFLICT (platform, shop_code, platform_order_id) DO NOTHING
            RETURNING id
            """,
            ("no", st.OrderNo), ("platform", st.Data.Platform.Name()), ("shop", st.Data.ShopCode), ("poid", st.Data.PlatformOrderId),
            ("status", st.Status), ("created", st.Data.CreatedAt), ("paid", st.Data.PaidAt), ("modified", st.Data.PlatformModifiedAt),
            ("received", st.ReceivedAt), ("updated", st.UpdatedAt), ("last4", st.Data.Receiver?.PhoneLast4), ("version", st.Version),
            ("doc", DocumentJson.Serialize(st)));
        if (id is { } newId) await AppendEventsAsync(s, newId, order);
        return id;
    }

    /// <summary>Writes the order's new state and events; the row must have been read in this transaction (FOR UPDATE on PostgreSQL).</summary>
    public static async Task UpdateAsync(DbSession s, Order order)
    {
        var st = order.State;
        await s.ExecuteAsync(
            """
            UPDATE orders SET status = @status, created_at = @created, paid_at = @paid, platform_modified_at = @modified,
                   updated_at = @updated, receiver_phone_last4 = @last4, version = @version, document = @doc
            WHERE id = @id
            """,
            ("status", st.Status), ("created", st.Data.CreatedAt), ("paid", st.Data.PaidAt), ("modified", st.Data.PlatformModifiedAt),
            ("updated", st.UpdatedAt), ("last4", st.Data.Receiver?.PhoneLast4), ("version", st.Version),
            ("doc", DocumentJson.Serialize(st with { Id = 0 })), ("id", st.Id));
        await AppendEventsAsync(s, st.Id, order);
    }

    private static async Task AppendEventsAsync(DbSession s, long orderId, Order order)
    {
        var stored = new List<StoredOrderEvent>();
        foreach (var e in order.NewEvents)
        {
            var id = await s.ScalarAsync<long>(
                """
                INSERT INTO order_events (order_id, sequence, type, from_status, to_status, actor_kind, actor_id, reason, occurred_at, context)
                VALUES (@order, @seq, @type, @from, @to, @ak, @aid, @reason, @at, @ctx) RETURNING id
                """,
                ("order", orderId), ("seq", e.Sequence), ("type", e.Type), ("from", e.From), ("to", e.To),
                ("ak", e.Actor.Kind), ("aid", e.Actor.Id), ("reason", e.Reason), ("at", e.OccurredAt), ("ctx", e.Context.ToJsonString()));
            stored.Add(new StoredOrderEvent(id, orderId, e));
        }
        await Outbox.EnqueueOrderEventsAsync(s, order.State.OrderNo, stored);
        order.MarkStored(orderId);
    }

    public static Task<List<StoredOrderEvent>> EventsAsync(DbSession s, long orderId) =>
        s.QueryAsync("SELECT * FROM order_events WHERE order_id = @o ORDER BY sequence", MapEvent, ("o", orderId));

    public static Task<StoredOrderEvent?> EventAsync(DbSession s, long eventId) =>
        s.SingleOrDefaultAsync("SELECT * FROM order_events WHERE id = @id", MapEvent, ("id", eventId));

    public static async Task<OrderPage> ListAsync(DbSession s, OrderQuery q)
    {
        var where = new List<string>();
        var args = new List<(string, object?)>();
        if (q.Status is { } status) { where.Add("status = @status"); args.Add(("status", status)); }
        if (q.Platform is { } platform) { where.Add("platform = @platform"); args.Add(("platform", platform.Name())); }
        if (q.ShopCode is { } shop) { where.Add("shop_code = @shop"); args.Add(("shop", shop)); }
        if (q.CreatedFrom is { } from) { where.Add("created_at >= @from"); args.Add(("from", from)); }
        if (q.CreatedTo is { } to) { where.Add("created_at < @to"); args.Add(("to", to)); }
        if (q.After is { } after) { where.Add("id < @after"); args.Add(("after", after)); }
        if (!string.IsNullOrWhiteSpace(q.Text))
        {
            var text = q.Text.Trim();
            // Order number, platform order id, or the last four digits of the receiver's phone.
            where.Add(text.Length == 4 && text.All(char.IsAsciiDigit)
                ? "(receiver_phone_last4 = @text OR platform_order_id = @text)"
                : "(order_no = @text OR platform_order_id = @text)");
            args.Add(("text", OrderNo.TryParse(text.ToUpperInvariant(), out _, out _) ? text.ToUpperInvariant() : text));
        }
        var limit = Math.Clamp(q.Limit, 1, 200);
        args.Add(("limit", limit + 1));
        var sql = $"SELECT {Columns} FROM orders {(where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : "")} ORDER BY id DESC LIMIT @limit";
        var rows = await s.QueryAsync(sql, Map, args.ToArray());
        var more = rows.Count > limit;
        if (more) rows.RemoveAt(rows.Count - 1);
        return new OrderPage(rows, more ? rows[^1].Id : null);
    }

    private static OrderState Map(Row r) => DocumentJson.Deserialize<OrderState>(r.String("document")) with { Id = r.Long("id") };

    private static StoredOrderEvent MapEvent(Row r) => new(r.Long("id"), r.Long("order_id"), new OrderEvent(
        r.Int("sequence"), r.String("type"),
        r.IsNull("from_status") ? null : r.Enum<OrderStatus>("from_status"),
        r.IsNull("to_status") ? null : r.Enum<OrderStatus>("to_status"),
        new Actor(r.Enum<ActorKind>("actor_kind"), r.String("actor_id")), r.String("reason"), r.Instant("occurred_at"),
        JsonNode.Parse(r.String("context"))!.AsObject()));
}

