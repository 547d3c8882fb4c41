using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ordo.Core.Channels.Csv;
using Ordo.Core.Common;
using Ordo.Core.Orders;
using Ordo.Data;
using Ordo.Data.Catalogue;
using Ordo.Data.Inbox;
using Ordo.Data.Orders;
using Ordo.Server.Channels;
using Ordo.Server.Features.Inventory;
using Ordo.Server.Observability;

namespace Ordo.Server.Features.Orders;

public static class IntakeOutcome
{
    public const string Created = "created";
    public const string Updated = "updated";
    public const string Unchanged = "unchanged";
    public const string Stale = "stale";
    public const string Rejected = "rejected";
}

/// <summary>What happened to one payload: the order it created or touched, or why it was rejected (it stays in the inbox).</summary>
public sealed record IntakeResult(long InboxId, string Outcome, OrderState? Order, IReadOnlyList<FieldError> Errors)
{
    public bool Accepted => Outcome != IntakeOutcome.Rejected;
}

/// <summary>
/// Takes canonical orders in. The raw payload is committed to the inbox before anything else, then parsed, checked
/// and upserted idempotently on (platform, shop, platform order id): a repeat changes nothing, an update older than
/// what is stored (by the platform's modified time) is ignored, and problems the merchant must look at put the order
/// OnHold instead of rejecting it. A payload that cannot be accepted stays in the inbox with the exact reasons, for
/// replay. Several payloads are processed together in one transaction per chunk; if a chunk fails as a whole, its
/// items are retried one by one so one bad item never sinks the others.
/// </summary>
public sealed class OrderIntake(
    OrdoDatabase database, OrderNumberAllocator numbers, ChannelRegistry channels, StockDecisions stock, TimeProvider clock, OrdoMetrics metrics,
    ILogger<OrderIntake> log)
{
    public const int MaxBatch = IntakeLimits.MaxOrdersPerRequest;
    private const int ChunkSize = 200;

    /// <summary>An inbox item to process: canonical JSON, or a platform's native order for <paramref name="ShopCode"/>.</summary>
    private sealed record Pending(long InboxId, string Payload, Actor Actor, string Format = InboxFormat.Canonical, string? ShopCode = null,
        long? PushInboxId = null);

    private sealed class Work(Pending item)
    {
        public Pending Item { get; } = item;
        public CanonicalOrder? Order;
        public List<FieldError> Errors = [];
        public IReadOnlyList<HoldReason> Holds = [];
        public IntakeResult? Result;
        /// <summary>Platform label for metrics, also for payloads that did not parse.</summary>
        public string PlatformLabel = "unknown";
    }

    // Shops and SKUs are only ever added, so one seen to exist stays valid: caching positives saves a read per order
    // on every instance, while an unknown code is always looked up again (another instance may have just created it).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Shop> _knownShops = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _knownSkus = new();

    private sealed record Submission(string Payload, string Source, Actor Actor, TaskCompletionSource<IntakeResult> Done,
        string Format = InboxFormat.Canonical, string? Platform = null, string? ShopCode = null, long? PushInboxId = null);

    // Group commit: single submissions that arrive together are stored and processed together, so that N concurrent
    // requests cost two transactions instead of 2N (SQLite has one writer; PostgreSQL flushes its log per commit).
    // Each request still gets its own result, and a failing item is isolated as in a batch.
    private GroupedWork<Submission>? _submissions;
    private GroupedWork<Submission> Submissions => LazyInitializer.EnsureInitialized(ref _submissions, () => new(MaxGroup, MaxDrainers, TakeInAsync));
    private const int MaxDrainers = 2;
    private const int MaxGroup = 100;

    /// <summary>Takes in one payload: committed to the inbox, then processed; returns when its order is stored (or rejected).</summary>
    public Task<IntakeResult> SubmitAsync(string payload, string source, Actor actor, CancellationToken ct) =>
        EnqueueAsync(new Submission(payload, source, actor, NewDone()), ct);

    /// <summary>
    /// Takes in one native order of <paramref name="shop"/>'s platform (an order fetched after a push), committed and
    /// processed together with other submissions arriving at the same time. <paramref name="pushInboxId"/>, the inbox
    /// item of the push that named the order, records the outcome too (<c>fetched:{outcome}</c>), in the same transaction.
    /// </summary>
    public Task<IntakeResult> SubmitNativeAsync(Shop shop, string payload, string source, Actor actor, CancellationToken ct, long? pushInboxId = null) =>
        EnqueueAsync(new Submission(payload, source, actor, NewDone(), InboxFormat.Native(shop.Platform.Name()), shop.Platform.Name(), shop.Code, pushInboxId), ct);

    private static TaskCompletionSource<IntakeResult> NewDone() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task<IntakeResult> EnqueueAsync(Submission submission, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        Submissions.Add(submission);
        var result = await submission.Done.Task.WaitAsync(ct);
        metrics.IntakeDuration(Stopwatch.GetElapsedTime(started), "single");
        return result;
    }

    /// <summary>Stores a group of submissions in the inbox (one transaction), processes them and answers each caller.</summary>
    private async Task TakeInAsync(List<Submission> group)
    {
        try
        {
            var now = clock.GetUtcNow();
            var ids = await database.WriteAsync(s => InboxStore.AddManyAsync(s,
                group.Select(g => new NewInboxItem(g.Source, g.Payload, g.Format, g.Platform, g.ShopCode)).ToList(), now), CancellationToken.None);
            var results = await ProcessAsync(group.Select((g, i) => new Pending(ids[i], g.Payload, g.Actor, g.Format, g.ShopCode, g.PushInboxId)).ToList(), CancellationToken.None);
            for (var i = 0; i < group.Count; i++) group[i].Done.TrySetResult(results[i]);
        }
        catch (Exception ex)
        {
            // Nothing was acknowledged: every caller gets the error (HTTP 500) and may send again.
            log.LogError(ex, "Intake of {Count} submissions failed", group.Count);
            foreach (var g in group) g.Done.TrySetException(ex);
        }
    }

    /// <summary>Stores every item in the inbox (one transaction), then processes them; results come back in input order.</summary>
    public async Task<IReadOnlyList<IntakeResult>> SubmitBatchAsync(IReadOnlyList<string> payloads, string source, Actor actor, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var now = clock.GetUtcNow();
        var ids = await database.WriteAsync(s => InboxStore.AddManyAsync(s, payloads.Select(p => (source, p)).ToList(), now), ct);
        var results = await ProcessAsync(ids.Select((id, i) => new Pending(id, payloads[i], actor)).ToList(), ct);
        metrics.IntakeDuration(Stopwatch.GetElapsedTime(started), "batch");
        return results;
    }

    /// <summary>
    /// Takes in native order objects of one shop's platform (import, push): each is kept in the inbox as it arrived,
    /// then read by the platform's adapter and processed like a canonical order; results come back in input order.
    /// </summary>
    public async Task<IReadOnlyList<IntakeResult>> SubmitNativeAsync(
        Shop shop, IReadOnlyList<string> payloads, string source, Actor actor, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var format = InboxFormat.Native(shop.Platform.Name());
        var ids = await database.WriteAsync(s => InboxStore.AddManyAsync(s,
            payloads.Select(p => new NewInboxItem(source, p, format, shop.Platform.Name(), shop.Code)).ToList(), clock.GetUtcNow()), ct);
        var results = await ProcessAsync(ids.Select((id, i) => new Pending(id, payloads[i], actor, format, shop.Code)).ToList(), ct);
        metrics.IntakeDuration(Stopwatch.GetElapsedTime(started), "native");
        return results;
    }

    /// <summary>Keeps a payload that could not even be split into orders, as a rejected inbox item; returns its id.</summary>
    public Task<long> RejectEnvelopeAsync(string payload, string source, FieldError problem, CancellationToken ct) =>
        RejectAsync(new NewInboxItem(source, payload), problem, ct);

    /// <summary>Keeps <paramref name="item"/> in the inbox as rejected for <paramref name="problem"/>, to be fixed and replayed.</summary>
    public Task<long> RejectAsync(NewInboxItem item, FieldError problem, CancellationToken ct)
    {
        metrics.Rejected(item.Platform ?? "unknown");
        return database.WriteAsync(async s =>
        {
            var now = clock.GetUtcNow();
            var id = (await InboxStore.AddManyAsync(s, [item], now))[0];
            await InboxStore.MarkAsync(s, id, InboxStatus.Rejected, now, JsonSerializer.Serialize(new[] { problem }, ApiJson.Options), null, IntakeOutcome.Rejected);
            return id;
        }, ct);
    }

    /// <summary>Processes an inbox item again (after its cause was fixed), optionally with a corrected payload.</summary>
    public async Task<IntakeResult> ReplayAsync(InboxItem item, string? correctedPayload, Actor actor, CancellationToken ct)
    {
        var payload = item.Payload;
        if (correctedPayload is not null)
        {
            await database.WriteAsync(s => InboxStore.CorrectPayloadAsync(s, item.Id, correctedPayload), ct);
            payload = correctedPayload;
        }
        return (await ProcessAsync([new Pending(item.Id, payload, actor, item.Format, item.ShopCode)], ct))[0];
    }

    private async Task<IReadOnlyList<IntakeResult>> ProcessAsync(IReadOnlyList<Pending> items, CancellationToken ct)
    {
        var work = items.Select(i => new Work(i)).ToList();
        var nativeShops = work.Where(w => w.Item.Format != InboxFormat.Canonical && w.Item.ShopCode is not null).Select(w => w.Item.ShopCode!)
            .Distinct().Where(c => !_knownShops.ContainsKey(c)).ToList();
        if (nativeShops.Count > 0) await LoadShopsAsync(nativeShops, [], ct);
        foreach (var w in work)
        {
            var parsed = w.Item.Format == InboxFormat.Canonical ? CanonicalOrderParser.Parse(w.Item.Payload) : ParseNative(w.Item);
            if (parsed.Succeeded) w.Order = parsed.Value;
            else w.Errors.AddRange(parsed.Errors);
            w.PlatformLabel = w.Order?.Platform.Name() ?? (w.Item.Format == InboxFormat.Canonical ? PlatformOf(w.Item.Payload) : w.Item.Format);
            metrics.Received(w.PlatformLabel);
        }

        var parsedOrders = work.Where(w => w.Order is not null).ToList();
        if (parsedOrders.Count > 0)
        {
            var shopCodes = parsedOrders.Select(w => w.Order!.ShopCode).Distinct().Where(c => !_knownShops.ContainsKey(c)).ToList();
            var skuCodes = parsedOrders.SelectMany(w => w.Order!.Lines).Select(l => l.Sku).OfType<string>().Distinct()
                .Where(c => !_knownSkus.ContainsKey(c)).ToList();
            if (shopCodes.Count > 0 || skuCodes.Count > 0) await LoadShopsAsync(shopCodes, skuCodes, ct);

            foreach (var w in parsedOrders)
            {
                var o = w.Order!;
                if (!_knownShops.TryGetValue(o.ShopCode, out var shop))
                    w.Errors.Add(new FieldError("shopCode", $"shop '{o.ShopCode}' does not exist; create it (POST /api/v1/shops) and replay this inbox item", o.ShopCode));
                else if (shop.Platform != o.Platform)
                    w.Errors.Add(new FieldError("platform", $"shop '{o.ShopCode}' is a {shop.Platform.Name()} shop, not {o.Platform.Name()}", o.Platform.Name()));
                else
                    w.Holds = IntakeChecks.Evaluate(o, _knownSkus.ContainsKey);
            }

        }

        // Numbers for every order that may be new, leased once for all chunks; those not used go back.
        using var lease = await numbers.LeaseAsync(Numbered(work), ct);
        var chunks = Chunks(work);
        if (database.Provider == DatabaseProvider.Postgres && chunks.Count > 1)
        {
            // PostgreSQL writes chunks side by side (no order is in two chunks, so they touch different rows); SQLite
            // has one writer, so there they go one after the other.
            var leases = chunks.Select(c => lease.Split(Numbered(c))).ToList();
            try
            {
                await Parallel.ForEachAsync(Enumerable.Range(0, chunks.Count), new ParallelOptions { MaxDegreeOfParallelism = ParallelChunks, CancellationToken = ct },
                    async (i, token) => await WriteChunkOrItemsAsync(chunks[i], leases[i], token));
            }
            finally { leases.ForEach(l => l.Dispose()); }
        }
        else
            foreach (var chunk in chunks) await WriteChunkOrItemsAsync(chunk, lease, ct);

        foreach (var w in work) Count(w);
        return work.Select(w => w.Result!).ToList();
    }

    private const int ParallelChunks = 2;

    /// <summary>Items whose order parsed and passed every check: they create or update an order.</summary>
    private static IEnumerable<Work> Acceptable(IEnumerable<Work> work) => work.Where(w => w.Order is not null && w.Errors.Count == 0);

    private static IEnumerable<Platform> Numbered(IEnumerable<Work> work) => Acceptable(work).Select(w => w.Order!.Platform);

    /// <summary>
    /// Chunks of about <see cref="ChunkSize"/> items in input order, with every item of one order (the same platform,
    /// shop and platform order id) in the same chunk, after the ones before it: chunks never touch the same order, and
    /// each order's items apply in the order they came.
    /// </summary>
    private static List<List<Work>> Chunks(IReadOnlyList<Work> work)
    {
        var chunks = new List<List<Work>>();
        var chunkOf = new Dictionary<(string, string, string), List<Work>>();
        List<Work>? current = null;
        foreach (var w in work)
        {
            var key = w.Order is { } o ? Key(o) : default((string, string, string)?);
            if (key is { } k && chunkOf.TryGetValue(k, out var earlier))
            {
                earlier.Add(w);
                continue;
            }
            if (current is null || current.Count >= ChunkSize) chunks.Add(current = new List<Work>(ChunkSize));
            current.Add(w);
            if (key is { } first) chunkOf[first] = current;
        }
        return chunks;
    }

    /// <summary>Writes a chunk in one transaction; if it fails as a whole, its items one by one, so one bad item never sinks the others.</summary>
    private async Task WriteChunkOrItemsAsync(IReadOnlyList<Work> chunk, NumberLease lease, CancellationToken ct)
    {
        try
        {
            await WriteAsync(chunk, lease, ct);
        }
        catch (Exception ex) when (chunk.Count > 1 && ex is not OperationCanceledException)
        {
            log.LogWarning(ex, "Intake chunk of {Count} failed as a whole; retrying its items one by one", chunk.Count);
            foreach (var w in chunk) await WriteAloneAsync(w, lease, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await WriteAloneAsync(chunk[0], lease, ct, ex);
        }
    }

    private Task LoadShopsAsync(IReadOnlyList<string> shopCodes, IReadOnlyList<string> skuCodes, CancellationToken ct) =>
        database.ReadAsync(async s =>
        {
            foreach (var code in shopCodes)
                if (await CatalogueStore.FindShopAsync(s, code) is { } shop) _knownShops[code] = shop;
            foreach (var code in await CatalogueStore.ExistingSkusAsync(s, skuCodes)) _knownSkus[code] = true;
            return true;
        }, ct);

    /// <summary>Reads a native payload with its platform's adapter, for the shop it was received for; never throws.</summary>
    /// <summary>One order of a CSV export (its header and rows, as kept or as corrected), mapped with its preset again.</summary>
    private static ParseResult<CanonicalOrder> ParseCsvOrder(Pending item, Shop shop)
    {
        static ParseResult<CanonicalOrder> Fail(string field, string reason) => ParseResult<CanonicalOrder>.Fail([new FieldError(field, reason, null)]);
        var presetName = item.Format[InboxFormat.CsvOrderPrefix.Length..];
        if (CsvPresets.Find(presetName) is not { } preset) return Fail("format", $"'{presetName}' is no longer a CSV preset of this Ordo version");
        var (mapping, missing) = CsvOrderMapper.Map(item.Payload, preset, shop.Platform, shop.Code);
        if (mapping is null) return Fail("columns", $"the header lacks required columns of preset '{preset.Name}': {string.Join(", ", missing)}");
        if (mapping.Orders.Count != 1)
            return Fail("rows", $"the item must hold the header and the rows of exactly one order, not {mapping.Orders.Count}");
        var order = mapping.Orders[0];
        return order.Json is null
            ? ParseResult<CanonicalOrder>.Fail(order.Errors.Select(e => new FieldError($"row {e.Row}: {e.Column}", e.Reason, e.Value)).ToList())
            : CanonicalOrderParser.Parse(order.Json);
    }

    private ParseResult<CanonicalOrder> ParseNative(Pending item)
    {
        if (item.ShopCode is null || !_knownShops.TryGetValue(item.ShopCode, out var shop))
            return ParseResult<CanonicalOrder>.Fail([new FieldError("shopCode",
                $"shop '{item.ShopCode}' does not exist; create it (POST /api/v1/shops) and replay this inbox item", item.ShopCode)]);
        if (item.Format == InboxFormat.CsvFile)
            return ParseResult<CanonicalOrder>.Fail([new FieldError("$",
                "this is a whole CSV file; replay the inbox items of its rejected orders, or import the file again", null)]);
        if (item.Format.StartsWith(InboxFormat.CsvOrderPrefix, StringComparison.Ordinal)) return ParseCsvOrder(item, shop);
        if (item.Format.EndsWith(".push", StringComparison.Ordinal))
            return ParseResult<CanonicalOrder>.Fail([new FieldError("$",
                "this push message carries only the order id; the order itself comes from the platform's API (pull sync), not from a replay", null)]);
        if (shop.Platform.Name() != item.Format)
            return ParseResult<CanonicalOrder>.Fail([new FieldError("$", $"this is a {item.Format} order but shop '{shop.Code}' is a {shop.Platform.Name()} shop", item.Format)]);
        if (channels.Adapter(shop.Platform) is not { } adapter)
            return ParseResult<CanonicalOrder>.Fail([new FieldError("$", $"Ordo has no adapter for {shop.Platform.Name()} orders; send canonical orders instead", null)]);
        try
        {
            using var document = JsonDocument.Parse(item.Payload);
            return adapter.Parse(document.RootElement, new Ordo.Core.Channels.ShopContext(shop.Platform, shop.Code));
        }
        catch (JsonException ex)
        {
            return ParseResult<CanonicalOrder>.Fail([new FieldError("$", $"not valid JSON: {ex.Message}", item.Payload.Length <= 200 ? item.Payload : item.Payload[..200] + "…")]);
        }
    }

    private async Task WriteAloneAsync(Work w, NumberLease lease, CancellationToken ct, Exception? already = null)
    {
        if (already is null)
        {
            try
            {
                await WriteAsync([w], lease, ct);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException) { already = ex; }
        }
        log.LogError(already, "Inbox item {InboxId} could not be stored; kept as rejected for replay", w.Item.InboxId);
        w.Errors = [new FieldError("$", $"internal error while storing the order: {already.Message}; the payload is kept, replay it once the cause is fixed")];
        w.Result = new IntakeResult(w.Item.InboxId, IntakeOutcome.Rejected, null, w.Errors);
        await database.WriteAsync(s => InboxStore.MarkManyAsync(s, WithPushItem(w,
            new InboxMark(w.Item.InboxId, InboxStatus.Rejected, JsonSerializer.Serialize(w.Errors, ApiJson.Options), null, IntakeOutcome.Rejected, null, null, null)).ToList(),
            clock.GetUtcNow()), ct);
    }

    /// <summary>Another request or instance created or changed one of the chunk's orders after the chunk read it.</summary>
    private sealed class WrittenConcurrentlyException() : Exception("an order of this chunk was created or changed concurrently");

    /// <summary>What a chunk writes, decided before its transaction.</summary>
    private sealed class ChunkPlan(DateTimeOffset now)
    {
        public DateTimeOffset Now { get; } = now;
        public List<Order> Created { get; } = [];
        public List<Order> Changed { get; } = [];
        public List<InboxMark> Marks { get; } = [];
        public List<(Work Work, Order Order, string Outcome, OrderState State)> Decided { get; } = [];
        public Dictionary<Order, PreparedDocument> Documents { get; } = new(ReferenceEqualityComparer.Instance);
        /// <summary>Set by the first run of the transaction, which marks the plan's orders stored.</summary>
        public bool Written;
    }

    /// <summary>
    /// Writes a chunk with numbers from <paramref name="lease"/>: decides what each item does from the orders as they
    /// are stored, outside any transaction, then writes the decisions in one transaction that checks nothing changed
    /// meanwhile (a new order's key is still free, a changed order is still at the version read). If something did
    /// (another request or instance wrote one of the orders), the chunk is decided again from what is stored now: an
    /// order created meanwhile takes the payload as an update. Deciding outside the transaction keeps SQLite's one
    /// writer busy with writing only, not with domain rules and JSON.
    /// </summary>
    private async Task WriteAsync(IReadOnlyList<Work> chunk, NumberLease lease, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var plan = await DecideAsync(chunk, lease, ct);
            try
            {
                await database.WriteAsync(s => WritePlanAsync(s, plan), ct);
            }
            catch (WrittenConcurrentlyException) when (attempt < 5)
            {
                continue;
            }
            lease.Commit();
            // Each item answers with the order as it stood after that item (a repeat in the same chunk sees the later
            // state); an order's last item answers with the order as written, its stock decision included.
            var last = new Dictionary<Order, int>(ReferenceEqualityComparer.Instance);
            for (var i = 0; i < plan.Decided.Count; i++) last[plan.Decided[i].Order] = i;
            for (var i = 0; i < plan.Decided.Count; i++)
            {
                var (w, order, outcome, state) = plan.Decided[i];
                w.Result = new IntakeResult(w.Item.InboxId, outcome, (last[order] == i ? order.State : state) with { Id = order.State.Id }, []);
            }
            return;
        }
    }

    /// <summary>
    /// Decides in memory what each item does (create, update, nothing, reject), from one read of the chunk's orders
    /// that exist, and serialises the orders to write.
    /// </summary>
    private async Task<ChunkPlan> DecideAsync(IReadOnlyList<Work> chunk, NumberLease lease, CancellationToken ct)
    {
        lease.Reset();
        var plan = new ChunkPlan(clock.GetUtcNow());
        var keys = Acceptable(chunk).Select(w => Key(w.Order!)).ToList();
        var existing = keys.Count == 0 ? [] : await database.ReadAsync(s => OrderStore.FindManyByKeyAsync(s, keys), ct);
        foreach (var w in chunk)
        {
            if (w.Order is not { } data || w.Errors.Count > 0)
            {
                w.Result = new IntakeResult(w.Item.InboxId, IntakeOutcome.Rejected, null, w.Errors);
                plan.Marks.AddRange(WithPushItem(w, new InboxMark(w.Item.InboxId, InboxStatus.Rejected, JsonSerializer.Serialize(w.Errors, ApiJson.Options), null,
                    IntakeOutcome.Rejected, w.Order?.Platform.Name(), w.Order?.ShopCode, w.Order?.PlatformOrderId)));
                continue;
            }

            var context = new JsonObject { ["inboxId"] = w.Item.InboxId };
            var outcome = IntakeOutcome.Created;
            if (!existing.TryGetValue(Key(data), out var order))
            {
                order = Order.Create(lease.Take(data.Platform), data, w.Holds, w.Item.Actor, plan.Now, context);
                plan.Created.Add(order);
                existing[Key(data)] = order; // a repeat later in the chunk updates this one before it is inserted
            }
            else
            {
                outcome = order.ApplyChannelUpdate(data, w.Holds, w.Item.Actor, plan.Now, context) switch
                {
                    ChannelUpdateOutcome.Updated => IntakeOutcome.Updated,
                    ChannelUpdateOutcome.Stale => IntakeOutcome.Stale,
                    _ => IntakeOutcome.Unchanged,
                };
                if (outcome == IntakeOutcome.Updated && order.State.Id != 0 && !plan.Changed.Contains(order)) plan.Changed.Add(order);
            }
            plan.Decided.Add((w, order, outcome, order.State));
            plan.Marks.AddRange(WithPushItem(w, new InboxMark(w.Item.InboxId, InboxStatus.Accepted, null, order.State.OrderNo, outcome,
                data.Platform.Name(), data.ShopCode, data.PlatformOrderId)));
        }
        foreach (var order in plan.Created.Concat(plan.Changed)) plan.Documents[order] = OrderStore.Prepare(database, order);
        return plan;
    }

    /// <summary>
    /// Writes a chunk's decisions set-wise: new orders and their events with multi-row inserts, changed orders with one
    /// update, the new orders' stock (reserved, or held for the shortage), every inbox outcome in one update; throws
    /// <see cref="WrittenConcurrentlyException"/> (rolling back) when one of the orders was written by someone else
    /// since it was read.
    /// </summary>
    private async Task<bool> WritePlanAsync(DbSession s, ChunkPlan plan)
    {
        // PostgreSQL may run a transaction again (serialization failure); the plan's orders are already marked stored
        // by the first run, so a new run needs a new plan.
        if (plan.Written) throw new WrittenConcurrentlyException();
        plan.Written = true;
        if ((await OrderStore.TryInsertManyAsync(s, plan.Created, plan.Documents, stockDecidedHere: true)).Count > 0) throw new WrittenConcurrentlyException();
        if ((await OrderStore.UpdateManyAsync(s, plan.Changed, plan.Documents)).Count > 0) throw new WrittenConcurrentlyException();
        await InboxStore.MarkManyAsync(s, plan.Marks, plan.Now);
        // Last, so that the balance rows of a hot SKU stay locked (PostgreSQL) for as short a time as can be.
        await stock.ReserveNewAsync(s, plan.Created, plan.Now);
        return true;
    }

    /// <summary>The item's own mark and, for an order fetched after a push, the same outcome on the push's inbox item.</summary>
    private static IEnumerable<InboxMark> WithPushItem(Work w, InboxMark mark)
    {
        yield return mark;
        if (w.Item.PushInboxId is { } push)
            yield return mark with { Id = push, Outcome = "fetched:" + mark.Outcome, Platform = null, ShopCode = null, PlatformOrderId = null };
    }

    private void Count(Work w)
    {
        var platform = w.PlatformLabel;
        if (w.Result!.Accepted)
        {
            metrics.Accepted(platform, w.Result.Outcome);
            if (w.Result.Outcome == IntakeOutcome.Created)
                foreach (var code in w.Result.Order!.HoldReasons.Select(h => h.Code).Distinct()) metrics.Held(platform, code);
        }
        else metrics.Rejected(platform);
    }

    private static (string, string, string) Key(CanonicalOrder o) => (o.Platform.Name(), o.ShopCode, o.PlatformOrderId);

    /// <summary>Best-effort platform label for metrics of payloads that did not parse.</summary>
    private static string PlatformOf(string payload)
    {
        try
        {
            using var doc = JsonDocument.Parse(payload);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("platform", out var p)
                && p.ValueKind == JsonValueKind.String && Platforms.TryParse(p.GetString(), out var platform) ? platform.Name() : "unknown";
        }
        catch (JsonException) { return "unknown"; }
    }
}
