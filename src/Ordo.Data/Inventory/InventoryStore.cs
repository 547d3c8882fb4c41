using System.Globalization;
using System.Text.Json;
using Ordo.Core.Inventory;
using Ordo.Core.Orders;
using Ordo.Data.Jobs;

namespace Ordo.Data.Inventory;

/// <summary>A stock change asked for: booked as one movement if the balance can take it.</summary>
public sealed record StockChange(string Sku, string Warehouse, MovementKind Kind, StockDelta Delta, string Reason, string? SourceDocument, string? Lot = null);

/// <summary>The movements booked and the balances they left, or why nothing was booked.</summary>
public sealed record Booking(IReadOnlyList<StockMovement> Movements, IReadOnlyList<StockBalance> Balances, string? Refusal)
{
    public bool Booked => Refusal is null;
}

/// <summary>The stock attributes of a SKU as stored; null fields are not set.</summary>
public sealed record SkuStockDetails(
    string Sku, string Name, string? Category, bool ColdChain, int? WeightGrams, int? LengthMm, int? WidthMm, int? HeightMm,
    decimal? CostPrice, string? CostCurrency, int? ShelfLifeDays, SafetyBuffer? Buffer, ArrivalCoefficient? Arrival,
    IReadOnlyList<BundleComponent> Components);

/// <summary>Changes to a SKU's stock attributes; null keeps the stored value.</summary>
public sealed record SkuStockChanges(
    string? Category = null, bool? ColdChain = null, int? WeightGrams = null, int? LengthMm = null, int? WidthMm = null, int? HeightMm = null,
    decimal? CostPrice = null, string? CostCurrency = null, int? ShelfLifeDays = null, SafetyBuffer? Buffer = null, ArrivalCoefficient? Arrival = null);

/// <summary>One reservation row: units of a SKU promised to a line of an order from a warehouse.</summary>
public sealed record Reservation(
    long Id, long OrderId, string OrderNo, int LineNo, string Sku, string Warehouse, int Quantity, string? BundleSku,
    ReservationStatus Status, DateTimeOffset? ExpiresAt, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>An order asking for stock, with the row id its reservations will point at.</summary>
public sealed record OrderStockRequest(long OrderId, Platform Platform, OrderStatus Status, ReservationRequest Request);

/// <summary>
/// The stock ledger, balances, warehouses and reservations. Every change goes through <see cref="BookAsync"/> or
/// <see cref="ReserveAsync"/>, which lock the balance rows they touch (in key order, so two transactions never wait
/// for each other in a circle), decide with the pure rules of <c>Ordo.Core.Inventory</c>, and write the balances and
/// the movements together. A change that a balance cannot take is refused whole and nothing is written.
/// </summary>
public static class InventoryStore
{
    // ---------------------------------------------------------------- warehouses

    /// <summary>Creates a warehouse; returns null when the code is taken.</summary>
    public static async Task<Warehouse?> TryCreateWarehouseAsync(DbSession s, Warehouse w, DateTimeOffset now)
    {
        var created = await s.QueryAsync(
            """
            INSERT INTO warehouses (code, name, regions, kind, cold_chain, priority, created_at)
            VALUES (@c, @n, @r, @k, @cold, @p, @now) ON CONFLICT (code) DO NOTHING RETURNING *
            """,
            MapWarehouse, ("c", w.Code), ("n", w.Name), ("r", JsonSerializer.Serialize(w.Regions)), ("k", KindName(w.Kind)),
            ("cold", w.ColdChain), ("p", w.Priority), ("now", now));
        return created.FirstOrDefault();
    }

    public static Task<List<Warehouse>> ListWarehousesAsync(DbSession s) =>
        s.QueryAsync("SELECT * FROM warehouses ORDER BY priority, code", MapWarehouse);

    public static Task<Warehouse?> FindWarehouseAsync(DbSession s, string code) =>
        s.SingleOrDefaultAsync("SELECT * FROM warehouses WHERE code = @c", MapWarehouse, ("c", code));

    public static string KindName(WarehouseKind kind) => kind == WarehouseKind.Own ? "own" : "3pl";

    public static bool TryParseKind(string? text, out WarehouseKind kind)
    {
        kind = text switch { "own" => WarehouseKind.Own, "3pl" => WarehouseKind.ThirdParty, _ => (WarehouseKind)(-1) };
        return kind is WarehouseKind.Own or WarehouseKind.ThirdParty;
    }

    private static Warehouse MapWarehouse(Row r) => new(
        r.String("code"), r.String("name"), JsonSerializer.Deserialize<List<string>>(r.String("regions")) ?? [],
        TryParseKind(r.String("kind"), out var k) ? k : WarehouseKind.Own, r.Bool("cold_chain"), r.Int("priority"));

    // ---------------------------------------------------------------- SKUs, bundles, lots

    /// <summary>Sets the stock attributes given; returns false when the SKU does not exist.</summary>
    public static async Task<bool> UpdateSkuAsync(DbSession s, string sku, SkuStockChanges c, DateTimeOffset now) =>
        await s.ExecuteAsync(
            """
            UPDATE skus SET category = COALESCE(@cat, category), cold_chain = COALESCE(@cold, cold_chain),
                   weight_grams = COALESCE(@w, weight_grams), length_mm = COALESCE(@l, length_mm), width_mm = COALESCE(@wd, width_mm),
                   height_mm = COALESCE(@h, height_mm), cost_price = COALESCE(@cost, cost_price), cost_currency = COALESCE(@cur, cost_currency),
                   shelf_life_days = COALESCE(@life, shelf_life_days), safety_kind = COALESCE(@sk, safety_kind),
                   safety_value = COALESCE(@sv, safety_value), arrival_thousandths = COALESCE(@arr, arrival_thousandths), updated_at = @now
            WHERE code = @code
            """,
            ("cat", c.Category), ("cold", c.ColdChain), ("w", c.WeightGrams), ("l", c.LengthMm), ("wd", c.WidthMm), ("h", c.HeightMm),
            ("cost", c.CostPrice is { } cost ? s.IsPostgres ? cost : cost.ToString(CultureInfo.InvariantCulture) : null), ("cur", c.CostCurrency),
            ("life", c.ShelfLifeDays), ("sk", c.Buffer?.Kind.ToString().ToLowerInvariant()), ("sv", c.Buffer?.Value),
            ("arr", c.Arrival?.Thousandths), ("now", now), ("code", sku)) > 0;

    /// <summary>Makes <paramref name="bundle"/> a bundle of <paramref name="components"/> (replacing any earlier definition).</summary>
    public static async Task SetBundleAsync(DbSession s, string bundle, IReadOnlyList<BundleComponent> components)
    {
        await s.ExecuteAsync("DELETE FROM bundle_components WHERE bundle_sku = @b", ("b", bundle));
        foreach (var c in components)
            await s.ExecuteAsync("INSERT INTO bundle_components (bundle_sku, component_sku, quantity) VALUES (@b, @c, @q)", ("b", bundle), ("c", c.Sku), ("q", c.Quantity));
    }

    public static async Task<SkuStockDetails?> FindSkuAsync(DbSession s, string sku)
    {
        var found = await s.QueryAsync("SELECT * FROM skus WHERE code = @c", r => MapDetails(r, []), ("c", sku));
        if (found.Count == 0) return null;
        var components = await s.QueryAsync("SELECT component_sku, quantity FROM bundle_components WHERE bundle_sku = @b ORDER BY component_sku",
            r => new BundleComponent(r.String("component_sku"), r.Int("quantity")), ("b", sku));
        return found[0] with { Components = components };
    }

    private static SkuStockDetails MapDetails(Row r, IReadOnlyList<BundleComponent> components) => new(
        r.String("code"), r.String("name"), r.StringOrNull("category"), r.Bool("cold_chain"), r.IntOrNull("weight_grams"),
        r.IntOrNull("length_mm"), r.IntOrNull("width_mm"), r.IntOrNull("height_mm"), r.DecimalOrNull("cost_price"), r.StringOrNull("cost_currency"),
        r.IntOrNull("shelf_life_days"), Buffer(r.StringOrNull("safety_kind"), r.IntOrNull("safety_value")), Arrival(r.IntOrNull("arrival_thousandths")), components);

    /// <summary>What the reservation planner needs of these SKUs: cold chain and bundle components.</summary>
    public static async Task<Dictionary<string, SkuStockProfile>> ProfilesAsync(DbSession s, IReadOnlyCollection<string> skus)
    {
        var profiles = new Dictionary<string, SkuStockProfile>(StringComparer.Ordinal);
        if (skus.Count == 0) return profiles;
        var (list, parameters) = InList("k", skus);
        foreach (var (code, cold) in await s.QueryAsync($"SELECT code, cold_chain FROM skus WHERE code IN ({list})", r => (r.String("code"), r.Bool("cold_chain")), parameters))
            profiles[code] = SkuStockProfile.Plain(code, cold);
        var components = await s.QueryAsync($"SELECT bundle_sku, component_sku, quantity FROM bundle_components WHERE bundle_sku IN ({list}) ORDER BY bundle_sku, component_sku",
            r => (Bundle: r.String("bundle_sku"), Component: new BundleComponent(r.String("component_sku"), r.Int("quantity"))), parameters);
        foreach (var g in components.GroupBy(c => c.Bundle))
            profiles[g.Key] = profiles.GetValueOrDefault(g.Key, SkuStockProfile.Plain(g.Key)) with { Components = g.Select(c => c.Component).ToList() };
        var needed = components.Select(c => c.Component.Sku).Where(c => !profiles.ContainsKey(c)).Distinct().ToList();
        if (needed.Count > 0)
        {
            var (more, moreParameters) = InList("m", needed);
            foreach (var (code, cold) in await s.QueryAsync($"SELECT code, cold_chain FROM skus WHERE code IN ({more})", r => (r.String("code"), r.Bool("cold_chain")), moreParameters))
                profiles[code] = SkuStockProfile.Plain(code, cold);
        }
        return profiles;
    }

    /// <summary>Records a lot's dates the first time it is named (later receipts of the same lot keep them).</summary>
    public static Task UpsertLotAsync(DbSession s, string sku, string warehouse, string lot, DateOnly? producedOn, DateOnly? expiresOn, DateTimeOffset now) =>
        s.ExecuteAsync(
            """
            INSERT INTO lots (sku, warehouse, lot_code, produced_on, expires_on, created_at) VALUES (@s, @w, @l, @p, @e, @now)
            ON CONFLICT (sku, warehouse, lot_code) DO NOTHING
            """,
            ("s", sku), ("w", warehouse), ("l", lot), ("p", DateValue(s, producedOn)), ("e", DateValue(s, expiresOn)), ("now", now));

    private static object? DateValue(DbSession s, DateOnly? date) =>
        date is not { } d ? null : s.IsPostgres ? d : d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    // ---------------------------------------------------------------- balances and the ledger

    private const string BalanceColumns =
        """
        b.sku, b.warehouse, b.on_hand, b.reserved, b.in_transit, b.version,
        COALESCE(b.safety_kind, k.safety_kind) AS safety_kind, COALESCE(b.safety_value, k.safety_value) AS safety_value,
        COALESCE(b.arrival_thousandths, k.arrival_thousandths) AS arrival_thousandths
        """;

    /// <summary>
    /// Reads (and on PostgreSQL locks, in key order) the balances of <paramref name="skus"/> in every warehouse, first
    /// creating empty balances for <paramref name="create"/> so that a first receipt has a row to lock.
    /// </summary>
    public static async Task<Dictionary<(string Sku, string Warehouse), StockBalance>> LockBalancesAsync(
        DbSession s, IReadOnlyCollection<string> skus, IReadOnlyCollection<(string Sku, string Warehouse)> create, DateTimeOffset now)
    {
        foreach (var (sku, warehouse) in create.Distinct().OrderBy(k => k.Sku, StringComparer.Ordinal).ThenBy(k => k.Warehouse, StringComparer.Ordinal))
            await s.ExecuteAsync("INSERT INTO stock_balances (sku, warehouse, updated_at) VALUES (@s, @w, @now) ON CONFLICT (sku, warehouse) DO NOTHING",
                ("s", sku), ("w", warehouse), ("now", now));
        var balances = new Dictionary<(string, string), StockBalance>();
        if (skus.Count == 0) return balances;
        var (list, parameters) = InList("k", skus.Distinct(StringComparer.Ordinal).ToList());
        var rows = await s.QueryAsync(
            $"""
            SELECT {BalanceColumns} FROM stock_balances b LEFT JOIN skus k ON k.code = b.sku
            WHERE b.sku IN ({list}) ORDER BY b.sku, b.warehouse {(s.IsPostgres ? "FOR UPDATE OF b" : "")}
            """, MapBalance, parameters);
        foreach (var b in rows) balances[(b.Sku, b.Warehouse)] = b;
        return balances;
    }

    /// <summary>
    /// A SKU's balances for its ATP: its own, or for a bundle each component's (<see cref="SkuAtp"/>); null when the SKU
    /// does not exist.
    /// </summary>
    public static async Task<(SkuStockDetails Details, IReadOnlyList<StockBalance> Own, IReadOnlyList<(BundleComponent Component, IReadOnlyList<StockBalance> Balances)> Components)?> StockOfAsync(DbSession s, string sku)
    {
        var details = await FindSkuAsync(s, sku);
        if (details is null) return null;
        if (details.Components.Count == 0) return (details, await BalancesOfSkuAsync(s, sku), []);
        // Every component's balances in one read.
        var balances = (await BalancesOfSkusAsync(s, details.Components.Select(c => c.Sku).Distinct(StringComparer.Ordinal).ToList()))
            .ToLookup(b => b.Sku, StringComparer.Ordinal);
        return (details, [], details.Components.Select(c => (c, (IReadOnlyList<StockBalance>)balances[c.Sku].ToList())).ToList());
    }

    /// <summary>A SKU's ATP now (a bundle's from its components); 0 for an unknown SKU.</summary>
    public static async Task<int> AtpAsync(DbSession s, string sku) =>
        await StockOfAsync(s, sku) is { } stock ? stock.Components.Count == 0 ? SkuAtp.Of(stock.Own) : SkuAtp.OfBundle(stock.Components) : 0;

    /// <summary>The balances of one SKU in every warehouse (no lock), with the safety settings in force.</summary>
    public static Task<List<StockBalance>> BalancesOfSkuAsync(DbSession s, string sku) => BalancesOfSkusAsync(s, [sku]);

    /// <summary>The balances of <paramref name="skus"/> in every warehouse (no lock), with the safety settings in force.</summary>
    public static async Task<List<StockBalance>> BalancesOfSkusAsync(DbSession s, IReadOnlyCollection<string> skus)
    {
        if (skus.Count == 0) return [];
        var (list, parameters) = InList("k", skus);
        return await s.QueryAsync($"SELECT {BalanceColumns} FROM stock_balances b LEFT JOIN skus k ON k.code = b.sku WHERE b.sku IN ({list}) ORDER BY b.sku, b.warehouse",
            MapBalance, parameters);
    }

    private static StockBalance MapBalance(Row r) => new(
        r.String("sku"), r.String("warehouse"), r.Int("on_hand"), r.Int("reserved"), r.Int("in_transit"),
        Buffer(r.StringOrNull("safety_kind"), r.IntOrNull("safety_value")) ?? SafetyBuffer.Default,
        Arrival(r.IntOrNull("arrival_thousandths")) ?? ArrivalCoefficient.Default) { Version = r.Int("version") };

    private static SafetyBuffer? Buffer(string? kind, int? value) =>
        kind is null || value is null ? null
        : SafetyBuffer.TryRestore(kind == "percent" ? SafetyBufferKind.Percent : SafetyBufferKind.Absolute, value.Value, out var b) ? b : null;

    private static ArrivalCoefficient? Arrival(int? thousandths) =>
        thousandths is { } t && ArrivalCoefficient.TryRestore(t, out var a) ? a : null;

    /// <summary>
    /// Books <paramref name="changes"/> in order, all or nothing: each must leave its balance valid
    /// (<see cref="StockLedger.Apply"/>), or none is written and the first refusal is answered.
    /// </summary>
    public static async Task<Booking> BookAsync(DbSession s, IReadOnlyList<StockChange> changes, Actor actor, DateTimeOffset now)
    {
        var keys = changes.Select(c => (c.Sku, c.Warehouse)).ToList();
        var balances = await LockBalancesAsync(s, keys.Select(k => k.Sku).ToList(), keys, now);
        var movements = new List<StockMovement>(changes.Count);
        foreach (var c in changes)
        {
            var (after, refusal) = StockLedger.Apply(balances[(c.Sku, c.Warehouse)], c.Delta);
            if (after is null) return new Booking([], [], refusal);
            balances[(c.Sku, c.Warehouse)] = after;
            movements.Add(new StockMovement(c.Sku, c.Warehouse, c.Kind, c.Delta, c.Reason, actor, c.SourceDocument, now, c.Lot));
        }
        var touched = keys.Distinct().Select(k => balances[k]).ToList();
        await WriteBalancesAsync(s, touched, now);
        var stored = await InsertMovementsAsync(s, movements);
        return new Booking(stored, touched, null);
    }

    private static readonly RowColumn[] BalanceRow =
    [
        new("sku", ColumnType.Text), new("warehouse", ColumnType.Text), new("on_hand", ColumnType.Integer),
        new("reserved", ColumnType.Integer), new("in_transit", ColumnType.Integer),
    ];

    /// <summary>
    /// Writes changed balances, and queues the channel stock push of their SKUs in the same transaction: every path
    /// that changes ATP (reservations, releases, shipments, receipts, adjustments, transfers, counts) comes here.
    /// </summary>
    private static async Task WriteBalancesAsync(DbSession s, IReadOnlyList<StockBalance> balances, DateTimeOffset now)
    {
        if (balances.Count == 0) return;
        await ChannelStockStore.QueuePushesAsync(s, balances.Select(b => b.Sku).Distinct(StringComparer.Ordinal).ToList(), now);
        var rows = new RowSet(BalanceRow);
        foreach (var b in balances) rows.Add(b.Sku, b.Warehouse, b.OnHand, b.Reserved, b.InTransit);
        await rows.ExecuteAsync(s, "v", source =>
            $"""
            UPDATE stock_balances SET on_hand = v.on_hand, reserved = v.reserved, in_transit = v.in_transit,
                   version = stock_balances.version + 1, updated_at = @now
            FROM {source} WHERE stock_balances.sku = v.sku AND stock_balances.warehouse = v.warehouse
            """, ("now", now));
    }

    private static readonly RowColumn[] MovementRow =
    [
        new("sku", ColumnType.Text), new("warehouse", ColumnType.Text), new("kind", ColumnType.Text),
        new("on_hand_delta", ColumnType.Integer), new("reserved_delta", ColumnType.Integer), new("in_transit_delta", ColumnType.Integer),
        new("lot", ColumnType.Text), new("reason", ColumnType.Text), new("actor", ColumnType.Text), new("source_document", ColumnType.Text),
        new("occurred_at", ColumnType.Instant),
    ];

    private static async Task<List<StockMovement>> InsertMovementsAsync(DbSession s, IReadOnlyList<StockMovement> movements)
    {
        if (movements.Count == 0) return [];
        var rows = new RowSet(MovementRow);
        foreach (var m in movements)
            rows.Add(m.Sku, m.Warehouse, m.Kind.Name(), m.Delta.OnHand, m.Delta.Reserved, m.Delta.InTransit, m.Lot, m.Reason, m.Actor.ToString(), m.SourceDocument, m.OccurredAt);
        var ids = await rows.QueryAsync(s, "m", source =>
            $"""
            INSERT INTO stock_movements (sku, warehouse, kind, on_hand_delta, reserved_delta, in_transit_delta, lot, reason, actor, source_document, occurred_at)
            SELECT sku, warehouse, kind, on_hand_delta, reserved_delta, in_transit_delta, lot, reason, actor, source_document, occurred_at FROM {source} ORDER BY ord
            RETURNING id
            """, r => r.Long("id"));
        ids.Sort();
        return movements.Select((m, i) => m with { Id = ids[i] }).ToList();
    }

    /// <summary>Movements of a SKU (optionally of one warehouse), newest first, before <paramref name="beforeId"/> when given.</summary>
    public static Task<List<StockMovement>> LedgerAsync(DbSession s, string sku, string? warehouse, long? beforeId, int limit) =>
        s.QueryAsync(
            $"""
            SELECT * FROM stock_movements WHERE sku = @s {(warehouse is null ? "" : "AND warehouse = @w")} {(beforeId is null ? "" : "AND id < @before")}
            ORDER BY id DESC LIMIT @limit
            """,
            MapMovement, ("s", sku), ("w", warehouse), ("before", beforeId), ("limit", Math.Clamp(limit, 1, 500)));

    /// <summary>Movements booked for a source document (an order number, a receipt…), oldest first.</summary>
    public static Task<List<StockMovement>> MovementsOfDocumentAsync(DbSession s, string sourceDocument) =>
        s.QueryAsync("SELECT * FROM stock_movements WHERE source_document = @d ORDER BY id", MapMovement, ("d", sourceDocument));

    /// <summary>
    /// The receipts booked under <paramref name="reference"/> for this SKU, warehouse and lot (a receipt's
    /// idempotency key), oldest first; call it with the balance row locked so that a concurrent repeat waits.
    /// </summary>
    public static Task<List<StockMovement>> ReceiptsOfReferenceAsync(DbSession s, string reference, string sku, string warehouse, string? lot) =>
        s.QueryAsync(
            $"""
            SELECT * FROM stock_movements
            WHERE source_document = @d AND kind = @k AND sku = @s AND warehouse = @w AND {(lot is null ? "lot IS NULL" : "lot = @l")}
            ORDER BY id
            """,
            MapMovement, ("d", reference), ("k", MovementKind.Receipt.Name()), ("s", sku), ("w", warehouse), ("l", lot));

    private static StockMovement MapMovement(Row r) => new(
        r.String("sku"), r.String("warehouse"), MovementKinds.TryParse(r.String("kind"), out var k) ? k : MovementKind.Adjustment,
        new StockDelta(r.Int("on_hand_delta"), r.Int("reserved_delta"), r.Int("in_transit_delta")), r.String("reason"),
        ParseActor(r.String("actor")), r.StringOrNull("source_document"), r.Instant("occurred_at"), r.StringOrNull("lot")) { Id = r.Long("id") };

    private static Actor ParseActor(string text)
    {
        var colon = text.IndexOf(':');
        var kind = colon > 0 && Enum.TryParse<ActorKind>(text[..colon], ignoreCase: true, out var k) ? k : ActorKind.System;
        return new Actor(kind, colon > 0 ? text[(colon + 1)..] : text);
    }

    /// <summary>The ledger check: every balance against the sum of its movements (empty when the books agree).</summary>
    public static async Task<IReadOnlyList<LedgerDifference>> CheckLedgerAsync(DbSession s)
    {
        var balances = await s.QueryAsync($"SELECT {BalanceColumns} FROM stock_balances b LEFT JOIN skus k ON k.code = b.sku", MapBalance);
        var sums = await s.QueryAsync(
            "SELECT sku, warehouse, SUM(on_hand_delta) AS o, SUM(reserved_delta) AS r, SUM(in_transit_delta) AS t FROM stock_movements GROUP BY sku, warehouse",
            r => (r.String("sku"), r.String("warehouse"), new StockDelta(r.Int("o"), r.Int("r"), r.Int("t"))));
        return StockLedger.Check(balances, sums);
    }

    // ---------------------------------------------------------------- reservations

    /// <summary>
    /// Decides and writes the reservations of <paramref name="orders"/> in the order given: locks the balances of
    /// every SKU they need, runs <see cref="ReservationPlanner.Decide"/>, and writes the balances, one reservation
    /// movement per reserved line and the reservation rows. Answers one decision per order, in order.
    /// </summary>
    public static async Task<IReadOnlyList<ReservationDecision>> ReserveAsync(
        DbSession s, IReadOnlyList<OrderStockRequest> orders, ReservationPolicy policy, Actor actor, DateTimeOffset now)
    {
        if (orders.Count == 0) return [];
        var lineSkus = orders.SelectMany(o => o.Request.Lines.Select(l => l.Sku)).Distinct(StringComparer.Ordinal).ToList();
        var profiles = await ProfilesAsync(s, lineSkus);
        var stocked = lineSkus.Concat(profiles.Values.SelectMany(p => p.Components.Select(c => c.Sku))).Distinct(StringComparer.Ordinal).ToList();
        // Everything that needs no lock is read first: a hot SKU's balance rows stay locked only while they are used.
        var warehouses = (await ListWarehousesAsync(s)).ToDictionary(w => w.Code, StringComparer.Ordinal);
        var balances = await LockBalancesAsync(s, stocked, [], now);
        var before = new Dictionary<(string, string), StockBalance>(balances);
        var decisions = ReservationPlanner.Decide(orders.Select(o => o.Request).ToList(), balances, warehouses, profiles);

        var movements = new List<StockMovement>();
        var rows = new RowSet(ReservationRow);
        for (var i = 0; i < orders.Count; i++)
        {
            var order = orders[i];
            var expires = policy.ExpiresAt(order.Platform, order.Status, now);
            foreach (var u in decisions[i].Reserved)
            {
                movements.Add(new StockMovement(u.Sku, u.Warehouse, MovementKind.Reservation, StockLedger.DeltaOf(MovementKind.Reservation, u.Quantity),
                    $"order {order.Request.OrderNo} line {u.LineNo}", actor, order.Request.OrderNo, now));
                rows.Add(order.OrderId, order.Request.OrderNo, u.LineNo, u.Sku, u.Warehouse, u.Quantity, u.BundleSku, StatusName(ReservationStatus.Active), expires);
            }
        }
        var changed = balances.Where(kv => !ReferenceEquals(kv.Value, before[kv.Key])).Select(kv => kv.Value).ToList();
        await WriteBalancesAsync(s, changed, now);
        await InsertMovementsAsync(s, movements);
        await rows.ExecuteAsync(s, "r", source =>
            $"""
            INSERT INTO reservations (order_id, order_no, line_no, sku, warehouse, quantity, bundle_sku, status, expires_at, created_at, updated_at)
            SELECT order_id, order_no, line_no, sku, warehouse, quantity, bundle_sku, status, expires_at, @now, @now FROM {source} ORDER BY ord
            """, ("now", now));
        return decisions;
    }

    private static readonly RowColumn[] ReservationRow =
    [
        new("order_id", ColumnType.BigInt), new("order_no", ColumnType.Text), new("line_no", ColumnType.Integer), new("sku", ColumnType.Text),
        new("warehouse", ColumnType.Text), new("quantity", ColumnType.Integer), new("bundle_sku", ColumnType.Text), new("status", ColumnType.Text),
        new("expires_at", ColumnType.Instant),
    ];

    public static string StatusName(ReservationStatus status) => status.ToString().ToLowerInvariant();

    /// <summary>The reservations of many orders, by order id (orders without any are absent).</summary>
    public static async Task<Dictionary<long, List<Reservation>>> ReservationsOfOrdersAsync(DbSession s, IReadOnlyCollection<long> orderIds)
    {
        if (orderIds.Count == 0) return [];
        var rows = new RowSet(new RowColumn("order_id", ColumnType.BigInt));
        foreach (var id in orderIds.Distinct()) rows.Add(id);
        var found = await rows.QueryAsync(s, "k", source =>
            $"SELECT r.* FROM reservations r WHERE r.order_id IN (SELECT order_id FROM {source}) ORDER BY r.id", MapReservation);
        return found.GroupBy(r => r.OrderId).ToDictionary(g => g.Key, g => g.ToList());
    }

    public static Task<List<Reservation>> ReservationsOfOrderAsync(DbSession s, long orderId) =>
        s.QueryAsync("SELECT * FROM reservations WHERE order_id = @o ORDER BY id", MapReservation, ("o", orderId));

    private static Reservation MapReservation(Row r) => new(
        r.Long("id"), r.Long("order_id"), r.String("order_no"), r.Int("line_no"), r.String("sku"), r.String("warehouse"), r.Int("quantity"),
        r.StringOrNull("bundle_sku"), Enum.TryParse<ReservationStatus>(r.String("status"), ignoreCase: true, out var st) ? st : ReservationStatus.Released,
        r.InstantOrNull("expires_at"), r.Instant("created_at"), r.Instant("updated_at"));

    /// <summary>
    /// Applies an order's stock effect to its reservations: confirm (no longer expires), release (back to available),
    /// ship (leaves on hand) or restock (shipped units come back, booked as returns). Answers the movements booked.
    /// Idempotent: reservations already in the target state are left alone.
    /// </summary>
    public static async Task<IReadOnlyList<StockMovement>> ApplyEffectAsync(DbSession s, long orderId, string orderNo, StockEffect effect, string reason, Actor actor, DateTimeOffset now)
    {
        if (effect == StockEffect.None) return [];
        var all = await ReservationsOfOrderAsync(s, orderId);
        if (effect == StockEffect.Confirm)
        {
            await s.ExecuteAsync("UPDATE reservations SET status = @c, expires_at = NULL, updated_at = @now WHERE order_id = @o AND status = @a",
                ("c", StatusName(ReservationStatus.Confirmed)), ("now", now), ("o", orderId), ("a", StatusName(ReservationStatus.Active)));
            return [];
        }
        var (from, kind, to) = effect switch
        {
            StockEffect.Release => (new[] { ReservationStatus.Active, ReservationStatus.Confirmed }, MovementKind.Release, ReservationStatus.Released),
            StockEffect.Ship => ([ReservationStatus.Active, ReservationStatus.Confirmed], MovementKind.Shipment, ReservationStatus.Shipped),
            StockEffect.Restock => ([ReservationStatus.Shipped], MovementKind.Return, ReservationStatus.Released),
            _ => throw new ArgumentOutOfRangeException(nameof(effect), effect, null),
        };
        var affected = all.Where(r => from.Contains(r.Status)).ToList();
        if (affected.Count == 0) return [];
        var booking = await BookAsync(s, affected.Select(r => new StockChange(r.Sku, r.Warehouse, kind, StockLedger.DeltaOf(kind, r.Quantity),
            $"{reason} (order {orderNo} line {r.LineNo})", orderNo)).ToList(), actor, now);
        if (!booking.Booked) throw new InvalidOperationException($"the stock of order {orderNo} could not be {effect.ToString().ToLowerInvariant()}d: {booking.Refusal}");
        var (ids, idParameters) = InList("r", affected.Select(r => (object)r.Id).ToList());
        await s.ExecuteAsync($"UPDATE reservations SET status = @st, expires_at = NULL, updated_at = @now WHERE id IN ({ids})",
            [.. idParameters, ("st", StatusName(to)), ("now", now)]);
        return booking.Movements;
    }

    /// <summary>Active (unpaid) reservations whose time is up, oldest first: the orders to release.</summary>
    public static Task<List<(long OrderId, string OrderNo)>> ExpiredOrdersAsync(DbSession s, DateTimeOffset now, int limit) =>
        s.QueryAsync(
            "SELECT order_id, MIN(order_no) AS order_no FROM reservations WHERE status = @a AND expires_at <= @now GROUP BY order_id ORDER BY MIN(expires_at) LIMIT @limit",
            r => (r.Long("order_id"), r.String("order_no")), ("a", StatusName(ReservationStatus.Active)), ("now", now), ("limit", limit));

    internal static (string List, (string, object?)[] Parameters) InList<T>(string prefix, IReadOnlyCollection<T> values) where T : notnull
    {
        var parameters = values.Select((v, i) => ($"{prefix}{i}", (object?)v)).ToArray();
        return (string.Join(", ", parameters.Select(p => "@" + p.Item1)), parameters);
    }
}

public sealed record StockJobPayload(long OrderId, string OrderNo);

/// <summary>The job that brings an order's stock in line with its status (see the server's stock job handler).</summary>
public static class StockJobs
{
    public const string Kind = "stock";
    public const int MaxAttempts = 10;

    /// <summary>One job per order at a time: the ordering key keeps an order's stock changes in sequence.</summary>
    public static string OrderingKey(long orderId) => $"stock:{orderId}";

    public static NewJob NewJob(long orderId, string orderNo, DateTimeOffset dueAt) =>
        new(Kind, DocumentJson.Serialize(new StockJobPayload(orderId, orderNo)), dueAt, MaxAttempts, OrderingKey(orderId));

    /// <summary>
    /// The same job, due when an unpaid reservation expires. Its own ordering key: under the order's key it would hold
    /// back every later stock change of the order (a cancellation's release) until it came due. The handler locks the
    /// order row, so the two never run over each other.
    /// </summary>
    public static NewJob ExpiryJob(long orderId, string orderNo, DateTimeOffset dueAt) =>
        new(Kind, DocumentJson.Serialize(new StockJobPayload(orderId, orderNo)), dueAt, MaxAttempts, $"stock-expiry:{orderId}");
}
