using System.Text.Json;
using System.Text.Json.Nodes;
using Ordo.Core.Orders;
using Ordo.Data.Privacy;

namespace Ordo.Data.Orders;

public sealed record StoredOrderEvent(long Id, long OrderId, OrderEvent Event);

/// <summary>
/// An order state serialised ahead of its write (<see cref="OrderStore.Prepare"/>), its personal data encrypted with
/// <paramref name="KeyId"/>; used only while the order is still in that state.
/// </summary>
public sealed record PreparedDocument(OrderState State, string Json, string? KeyId = null, string? PhoneIndex = null);

public sealed record OrderQuery(
    OrderStatus? Status = null, Platform? Platform = null, string? ShopCode = null,
    DateTimeOffset? CreatedFrom = null, DateTimeOffset? CreatedTo = null, string? Text = null,
    long? After = null, int Limit = 50);

public sealed record OrderPage(IReadOnlyList<OrderState> Orders, long? NextCursor);

/// <summary>
/// Orders as rows: the full <see cref="OrderState"/> as a JSON document plus the columns that are searched or kept
/// unique (order number; platform + shop + platform order id, the idempotency key of intake). The receiver's name,
/// phone, street, address and ID card are encrypted inside the document with the database's personal-data keys
/// (<see cref="OrdoDatabase.PersonalData"/>); <c>pd_key</c> names the key, <c>receiver_phone_index</c> is the
/// phone's blind index. This is the only place that writes or reads <c>orders.document</c>.
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

    /// <summary>
    /// The existing orders among <paramref name="keys"/> in one query, without locking them: a write of one of them
    /// checks it is still at the version read (<see cref="UpdateManyAsync"/>).
    /// </summary>
    public static async Task<Dictionary<(string Platform, string Shop, string PlatformOrderId), Order>> FindManyByKeyAsync(
        DbSession s, IReadOnlyCollection<(string Platform, string Shop, string PlatformOrderId)> keys)
    {
        var found = new Dictionary<(string, string, string), Order>();
        if (keys.Count == 0) return found;
        var rows = new RowSet(new RowColumn("platform", ColumnType.Text), new RowColumn("shop_code", ColumnType.Text), new RowColumn("platform_order_id", ColumnType.Text));
        foreach (var key in keys.Distinct()) rows.Add(key.Platform, key.Shop, key.PlatformOrderId);
        // The whole unique key, so that the planner knows each matches at most one row even without statistics.
        var states = await rows.QueryAsync(s, "k", source =>
            $"""
            SELECT {Columns} FROM orders WHERE (platform, shop_code, platform_order_id) IN (SELECT k.platform, k.shop_code, k.platform_order_id FROM {source})
            ORDER BY id
            """, Map);
        foreach (var state in states)
        {
            var key = (state.Data.Platform.Name(), state.Data.ShopCode, state.Data.PlatformOrderId);
            if (keys.Contains(key)) found[key] = Order.Restore(state);
        }
        return found;
    }

    public static async Task<Order?> FindByNoAsync(DbSession s, string orderNo, bool forUpdate = false)
    {
        var state = await s.SingleOrDefaultAsync(
            $"SELECT {Columns} FROM orders WHERE order_no = @n {(forUpdate ? s.ForUpdate : "")}", Map, ("n", orderNo));
        return state is null ? null : Order.Restore(state);
    }

    /// <summary>Orders by id (those that exist), locked for update on PostgreSQL in id order, so that two transactions never wait for each other in a circle.</summary>
    public static async Task<List<Order>> FindManyByIdAsync(DbSession s, IReadOnlyCollection<long> ids, bool forUpdate = false)
    {
        if (ids.Count == 0) return [];
        var rows = new RowSet(new RowColumn("id", ColumnType.BigInt));
        foreach (var id in ids.Distinct().Order()) rows.Add(id);
        var found = await rows.QueryAsync(s, "k", source =>
            $"SELECT o.id, o.document FROM orders o WHERE o.id IN (SELECT id FROM {source}) ORDER BY o.id {(forUpdate ? s.ForUpdate : "")}", Map);
        return found.Select(Order.Restore).ToList();
    }

    /// <summary>Inserts a new order unless one with the same platform, shop and platform order id exists. Returns the new id, or null when another request created it first.</summary>
    public static async Task<long?> TryInsertAsync(DbSession s, Order order) =>
        (await TryInsertManyAsync(s, [order])).Count == 0 ? order.State.Id : null;

    private const string InsertColumnsBefore0012 =
        "order_no, platform, shop_code, platform_order_id, status, created_at, paid_at, platform_modified_at, received_at, updated_at, receiver_phone_last4, version, document";
    private const string InsertColumns = InsertColumnsBefore0012 + ", receiver_phone_index, pd_key";

    private static readonly RowColumn[] OrderRowBefore0012 =
    [
        new("order_no", ColumnType.Text), new("platform", ColumnType.Text), new("shop_code", ColumnType.Text), new("platform_order_id", ColumnType.Text),
        new("status", ColumnType.Text), new("created_at", ColumnType.Instant), new("paid_at", ColumnType.Instant), new("platform_modified_at", ColumnType.Instant),
        new("received_at", ColumnType.Instant), new("updated_at", ColumnType.Instant), new("receiver_phone_last4", ColumnType.Text),
        new("version", ColumnType.Integer), new("document", ColumnType.Text),
    ];
    private static readonly RowColumn[] OrderRow = [.. OrderRowBefore0012, new("receiver_phone_index", ColumnType.Text), new("pd_key", ColumnType.Text)];

    /// <summary>
    /// Inserts new orders in one statement, each unless one with the same platform, shop and platform order id exists,
    /// then their events. Returns the orders that were not inserted because such an order exists (another request or
    /// instance created it after the caller looked); the others are marked stored with their new ids.
    /// <paramref name="stockDecidedHere"/>: the caller decides the new orders' stock in this transaction, so their
    /// arrival queues no stock job.
    /// </summary>
    public static async Task<List<Order>> TryInsertManyAsync(
        DbSession s, IReadOnlyList<Order> orders, IReadOnlyDictionary<Order, PreparedDocument>? prepared = null, bool stockDecidedHere = false)
    {
        if (orders.Count == 0) return [];
        var current = s.Database.PersonalDataColumns;
        var rows = new RowSet(current ? OrderRow : OrderRowBefore0012);
        foreach (var order in orders)
        {
            var st = order.State;
            var doc = Document(s.Database, st, prepared, order);
            if (current)
                rows.Add(st.OrderNo, st.Data.Platform.Name(), st.Data.ShopCode, st.Data.PlatformOrderId, st.Status, st.Data.CreatedAt, st.Data.PaidAt,
                    st.Data.PlatformModifiedAt, st.ReceivedAt, st.UpdatedAt, st.Data.PhoneLast4, st.Version, doc.Json, doc.PhoneIndex, doc.KeyId);
            else
                rows.Add(st.OrderNo, st.Data.Platform.Name(), st.Data.ShopCode, st.Data.PlatformOrderId, st.Status, st.Data.CreatedAt, st.Data.PaidAt,
                    st.Data.PlatformModifiedAt, st.ReceivedAt, st.UpdatedAt, st.Data.PhoneLast4, st.Version, doc.Json);
        }
        var columns = current ? InsertColumns : InsertColumnsBefore0012;
        // WHERE true: SQLite needs it to parse ON CONFLICT after INSERT … SELECT.
        var inserted = await rows.QueryAsync(s, "r", source =>
            $"""
            INSERT INTO orders ({columns}) SELECT {columns} FROM {source} WHERE true ORDER BY ord
            ON CONFLICT (platform, shop_code, platform_order_id) DO NOTHING RETURNING id, order_no
            """,
            r => (Id: r.Long("id"), OrderNo: r.String("order_no")));
        var ids = inserted.ToDictionary(r => r.OrderNo, r => r.Id, StringComparer.Ordinal);
        var conflicts = new List<Order>();
        var stored = new List<(long Id, Order Order)>(orders.Count);
        foreach (var order in orders)
        {
            if (ids.TryGetValue(order.State.OrderNo, out var id)) stored.Add((id, order));
            else conflicts.Add(order);
        }
        await AppendEventsAsync(s, stored, stockDecidedHere);
        return conflicts;
    }

    /// <summary>Writes the order's new state and events; the row must have been read in this transaction (FOR UPDATE on PostgreSQL).</summary>
    public static async Task UpdateAsync(DbSession s, Order order)
    {
        if ((await UpdateManyAsync(s, [order])).Count > 0)
            throw new InvalidOperationException($"order {order.State.OrderNo} changed since it was read, although it was read for update");
    }

    /// <summary>
    /// Writes the new state of orders, each only if its row is still at the version it was read at
    /// (<see cref="Order.StoredVersion"/>), then the events of those written. Returns the orders not written because
    /// another writer changed them in the meantime (none when they were read for update in this transaction).
    /// </summary>
    public static async Task<List<Order>> UpdateManyAsync(DbSession s, IReadOnlyList<Order> orders, IReadOnlyDictionary<Order, PreparedDocument>? prepared = null)
    {
        if (orders.Count == 0) return [];
        // One statement for the set (an UPDATE joined to the rows): holding a hot SKU's balance rows locked while
        // thousands of held orders were written one statement each made the flash sale's stock decisions queue up.
        var current = s.Database.PersonalDataColumns;
        var rows = new RowSet(current ? UpdateRow : UpdateRowBefore0012);
        foreach (var order in orders)
        {
            var st = order.State;
            var doc = Document(s.Database, st, prepared, order);
            if (current)
                rows.Add(st.Id, order.StoredVersion, st.Status, st.Data.CreatedAt, st.Data.PaidAt, st.Data.PlatformModifiedAt, st.UpdatedAt,
                    st.Data.PhoneLast4, st.Version, doc.Json, doc.PhoneIndex, doc.KeyId);
            else
                rows.Add(st.Id, order.StoredVersion, st.Status, st.Data.CreatedAt, st.Data.PaidAt, st.Data.PlatformModifiedAt, st.UpdatedAt,
                    st.Data.PhoneLast4, st.Version, doc.Json);
        }
        var personalData = current ? ", receiver_phone_index = v.receiver_phone_index, pd_key = v.pd_key" : "";
        var updated = (await rows.QueryAsync(s, "v", source =>
            $"""
            UPDATE orders SET status = v.status, created_at = v.created_at, paid_at = v.paid_at, platform_modified_at = v.platform_modified_at,
                   updated_at = v.updated_at, receiver_phone_last4 = v.receiver_phone_last4, version = v.version, document = v.document{personalData}
            FROM {source} WHERE orders.id = v.id AND orders.version = v.stored_version
            RETURNING orders.id
            """, r => r.Long("id"))).ToHashSet();
        var written = new List<Order>(orders.Count);
        var conflicts = new List<Order>();
        foreach (var order in orders) (updated.Contains(order.State.Id) ? written : conflicts).Add(order);
        await AppendEventsAsync(s, written.Select(o => (o.State.Id, o)).ToList());
        return conflicts;
    }

    private static readonly RowColumn[] UpdateRowBefore0012 =
    [
        new("id", ColumnType.BigInt), new("stored_version", ColumnType.Integer), new("status", ColumnType.Text), new("created_at", ColumnType.Instant),
        new("paid_at", ColumnType.Instant), new("platform_modified_at", ColumnType.Instant), new("updated_at", ColumnType.Instant),
        new("receiver_phone_last4", ColumnType.Text), new("version", ColumnType.Integer), new("document", ColumnType.Text),
    ];
    private static readonly RowColumn[] UpdateRow = [.. UpdateRowBefore0012, new("receiver_phone_index", ColumnType.Text), new("pd_key", ColumnType.Text)];

    /// <summary>
    /// The order's current state serialised as it is stored, to make ahead of a write, outside the transaction: on
    /// SQLite, whose one writer waits for every transaction, the write then only copies the text.
    /// </summary>
    public static PreparedDocument Prepare(OrdoDatabase database, Order order) => Serialize(database.PersonalData, order.State);

    private static PreparedDocument Document(OrdoDatabase database, OrderState st, IReadOnlyDictionary<Order, PreparedDocument>? prepared, Order order) =>
        prepared is not null && prepared.TryGetValue(order, out var p) && ReferenceEquals(p.State, st) ? p : Serialize(database.PersonalData, st);

    // The row's id is a column, not part of the document. Only the receiver's few personal fields are encrypted (each
    // on its own, a few hundred nanoseconds with AES-GCM): the rest of the document stays readable by SQL (lines).
    private static PreparedDocument Serialize(PersonalDataKeyRing? ring, OrderState st)
    {
        var stored = ReceiverEncryption.ForStorage(ring, st.Id == 0 ? st : st with { Id = 0 });
        return new PreparedDocument(st, DocumentJson.Serialize(stored), ring?.ActiveKeyId, ring?.PhoneIndex(st.Data.Receiver?.Phone));
    }

    /// <summary>
    /// The next orders after <paramref name="afterId"/> whose personal data is not on the active key (or was written in
    /// clear), at most <paramref name="limit"/>, re-encrypted in memory (a read: on SQLite the writer is not held while
    /// decrypting and encrypting). Null when none is left. Write them with <see cref="WriteReencryptedAsync"/>.
    /// </summary>
    public static async Task<ReencryptedBatch?> PrepareReencryptionAsync(DbSession s, long afterId, int limit)
    {
        var ring = s.Database.PersonalData ?? throw new InvalidOperationException("no personal-data keys are configured");
        var found = await s.QueryAsync(
            """
            SELECT id, version, document FROM orders
            WHERE id > @after AND (pd_key IS NULL OR pd_key < @key OR pd_key > @key) ORDER BY id LIMIT @limit
            """,
            r => (Id: r.Long("id"), Version: r.Int("version"), State: Map(r)), ("after", afterId), ("key", ring.ActiveKeyId), ("limit", limit));
        if (found.Count == 0) return null;
        var rows = new RowSet(new RowColumn("id", ColumnType.BigInt), new RowColumn("version", ColumnType.Integer), new RowColumn("document", ColumnType.Text),
            new RowColumn("receiver_phone_index", ColumnType.Text), new RowColumn("pd_key", ColumnType.Text));
        foreach (var (id, version, state) in found)
        {
            var doc = Serialize(ring, state);
            rows.Add(id, version, doc.Json, doc.PhoneIndex, doc.KeyId);
        }
        return new ReencryptedBatch("orders", found[^1].Id, rows);
    }

    /// <summary>
    /// Writes re-encrypted orders, each only if it is still at the version read: an order changed meanwhile keeps its
    /// change (written with the active key by that change). Returns how many were written.
    /// </summary>
    public static Task<int> WriteReencryptedAsync(DbSession s, RowSet rows) =>
        rows.ExecuteAsync(s, "v", source =>
            $"""
            UPDATE orders SET document = v.document, receiver_phone_index = v.receiver_phone_index, pd_key = v.pd_key
            FROM {source} WHERE orders.id = v.id AND orders.version = v.version
            """);

    private static readonly RowColumn[] EventRow =
    [
        new("order_id", ColumnType.BigInt), new("sequence", ColumnType.Integer), new("type", ColumnType.Text), new("from_status", ColumnType.Text),
        new("to_status", ColumnType.Text), new("actor_kind", ColumnType.Text), new("actor_id", ColumnType.Text), new("reason", ColumnType.Text),
        new("occurred_at", ColumnType.Instant), new("context", ColumnType.Text),
    ];

    /// <summary>Inserts the new events of the orders in one statement, queues them for delivery (outbox) and marks the orders stored.</summary>
    private static async Task AppendEventsAsync(DbSession s, IReadOnlyList<(long OrderId, Order Order)> orders, bool arrivalStockDecided = false)
    {
        var rows = new RowSet(EventRow);
        foreach (var (orderId, order) in orders)
            foreach (var e in order.NewEvents)
                rows.Add(orderId, e.Sequence, e.Type, e.From, e.To, e.Actor.Kind, e.Actor.Id, e.Reason, e.OccurredAt, e.Context.ToJsonString());
        if (rows.Count == 0) return;
        const string columns = "order_id, sequence, type, from_status, to_status, actor_kind, actor_id, reason, occurred_at, context";
        var inserted = await rows.QueryAsync(s, "e", source =>
            $"INSERT INTO order_events ({columns}) SELECT {columns} FROM {source} ORDER BY ord RETURNING id, order_id, sequence",
            r => (Id: r.Long("id"), OrderId: r.Long("order_id"), Sequence: r.Int("sequence")));
        var ids = inserted.ToDictionary(r => (r.OrderId, r.Sequence), r => r.Id);
        // Rows are inserted in the order given (ORDER BY ord), so event ids ascend with each order's sequence, and the
        // delivery jobs below are queued in that order too.
        await Outbox.EnqueueOrderEventsAsync(s, orders
            .SelectMany(o => o.Order.NewEvents.Select(e => (o.Order.State.OrderNo, new StoredOrderEvent(ids[(o.OrderId, e.Sequence)], o.OrderId, e))))
            .ToList(), arrivalStockDecided);
        foreach (var (orderId, order) in orders) order.MarkStored(orderId);
    }

    public static Task<List<StoredOrderEvent>> EventsAsync(DbSession s, long orderId) =>
        s.QueryAsync("SELECT * FROM order_events WHERE order_id = @o ORDER BY sequence", MapEvent, ("o", orderId));

    /// <summary>An event with its order as it is now, in one statement (a webhook delivery needs both).</summary>
    public static async Task<(StoredOrderEvent Event, OrderState Order)?> EventWithOrderAsync(DbSession s, long eventId)
    {
        var rows = await s.QueryAsync(
            "SELECT e.*, o.document AS order_document FROM order_events e JOIN orders o ON o.id = e.order_id WHERE e.id = @id",
            r => (Event: MapEvent(r), Order: Read(r, "order_document") with { Id = r.Long("order_id") }),
            ("id", eventId));
        return rows.Count == 0 ? null : rows[0];
    }

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
        // A text search reads the orders it names through their indexes: order number, platform order id, or the last
        // four digits of the receiver's phone. Written as one condition (a OR b), PostgreSQL walked the whole table
        // backwards by id looking for a match, a full scan for every number not (yet) there.
        var source = "orders";
        if (!string.IsNullOrWhiteSpace(q.Text))
        {
            var text = q.Text.Trim();
            var byKey = text.Length == 4 && text.All(char.IsAsciiDigit) ? "receiver_phone_last4" : "order_no";
            // A full phone number is found through its blind index (never by decrypting); a number can also be a
            // platform order id (JD's have 11 digits), so both are looked up and an order found by both is listed once.
            var phoneIndex = IsPhoneLike(text) ? s.Database.PersonalData?.PhoneIndex(text) : null;
            var byPhone = phoneIndex is null ? "" : $"""

                 UNION ALL SELECT * FROM orders WHERE receiver_phone_index = @phone AND platform_order_id <> @text AND ({byKey} IS NULL OR {byKey} <> @text)
                """;
            if (phoneIndex is not null) args.Add(("phone", phoneIndex));
            source = $"""
                (SELECT * FROM orders WHERE {byKey} = @text
                 UNION ALL SELECT * FROM orders WHERE platform_order_id = @text AND ({byKey} IS NULL OR {byKey} <> @text){byPhone}) AS orders
                """;
            args.Add(("text", OrderNo.TryParse(text.ToUpperInvariant(), out _, out _) ? text.ToUpperInvariant() : text));
        }
        var limit = Math.Clamp(q.Limit, 1, 200);
        args.Add(("limit", limit + 1));
        var sql = $"SELECT {Columns} FROM {source} {(where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : "")} ORDER BY id DESC LIMIT @limit";
        var rows = await s.QueryAsync(sql, Map, args.ToArray());
        var more = rows.Count > limit;
        if (more) rows.RemoveAt(rows.Count - 1);
        return new OrderPage(rows, more ? rows[^1].Id : null);
    }

    // Digits with the separators people type in a phone number (+86 138-1234-5678).
    private static bool IsPhoneLike(string text) =>
        text.All(c => char.IsAsciiDigit(c) || c is '+' or '-' or ' ' or '(' or ')') && PersonalDataKeyRing.NormalizedPhone(text) is { Length: >= 7 and <= 12 };

    /// <summary>
    /// Units sold per China day and SKU: the lines of the orders received in [<paramref name="from"/>,
    /// <paramref name="to"/>) that are not cancelled, by the China date of their receipt. Lines without a merchant SKU
    /// are left out. Only the lines are read from each document (not the whole order).
    /// </summary>
    public static async Task<List<(DateOnly Day, string Sku, int Units)>> DailySalesAsync(DbSession s, DateTimeOffset from, DateTimeOffset to)
    {
        var orders = await s.QueryAsync(
            "SELECT received_at, document FROM orders WHERE received_at >= @from AND received_at < @to AND status <> @cancelled",
            r => (Day: ChinaTime.DateOf(r.Instant("received_at")), Lines: LinesOf(r.String("document"))),
            ("from", from), ("to", to), ("cancelled", OrderStatus.Cancelled));
        return orders
            .SelectMany(o => o.Lines.Select(l => (o.Day, l.Sku, l.Units)))
            .GroupBy(x => (x.Day, x.Sku))
            .Select(g => (g.Key.Day, g.Key.Sku, g.Sum(x => x.Units)))
            .ToList();
    }

    private static List<(string Sku, int Units)> LinesOf(string document)
    {
        using var json = JsonDocument.Parse(document);
        var lines = new List<(string, int)>();
        if (!json.RootElement.TryGetProperty("data", out var data) || !data.TryGetProperty("lines", out var items)) return lines;
        foreach (var line in items.EnumerateArray())
            if (line.TryGetProperty("sku", out var sku) && sku.ValueKind == JsonValueKind.String && sku.GetString() is { Length: > 0 } code
                && line.TryGetProperty("quantity", out var quantity) && quantity.TryGetInt32(out var units))
                lines.Add((code, units));
        return lines;
    }

    private static OrderState Map(Row r) => Read(r, "document") with { Id = r.Long("id") };

    private static OrderState Read(Row r, string column) =>
        ReceiverEncryption.FromStorage(r.Database.PersonalData, DocumentJson.Deserialize<OrderState>(r.String(column)));

    private static StoredOrderEvent MapEvent(Row r) => new(r.Long("id"), r.Long("order_id"), new OrderEvent(
        r.Int("sequence"), r.String("type"),
        r.IsNull("from_status") ? null : r.Enum<OrderStatus>("from_status"),
        r.IsNull("to_status") ? null : r.Enum<OrderStatus>("to_status"),
        new Actor(r.Enum<ActorKind>("actor_kind"), r.String("actor_id")), r.String("reason"), r.Instant("occurred_at"),
        JsonNode.Parse(r.String("context"))!.AsObject()));
}

