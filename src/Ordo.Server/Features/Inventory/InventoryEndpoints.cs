using System.Globalization;
using System.Text.Json;
using Ordo.Core.Common;
using Ordo.Core.Inventory;
using Ordo.Core.Orders;
using Ordo.Data;
using Ordo.Data.Catalogue;
using Ordo.Data.Inventory;
using Ordo.Server.Security;

namespace Ordo.Server.Features.Inventory;

/// <summary>
/// The inventory API: warehouses, SKU stock settings and bundles, stock movements (receipts, inbound, adjustments,
/// transfers, arrivals), the ledger and its check, and each SKU's available-to-promise breakdown. Every change is
/// booked through <see cref="InventoryStore.BookAsync"/>: all or nothing, never below zero.
/// </summary>
public static class InventoryEndpoints
{
    private const int MaxQuantity = 1_000_000_000;

    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/warehouses", async (HttpContext http, OrdoDatabase db, TimeProvider clock, CancellationToken ct) =>
        {
            var (body, problem) = await RequestBody.ReadObjectAsync(http.Request, ct);
            if (problem is not null) return problem;
            var code = body.String("code");
            if (string.IsNullOrEmpty(code) || code.Length > 64 || !code.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
                return Invalid("Invalid warehouse", "code is required: 1 to 64 letters, digits, '-' or '_'", "code");
            var name = body.String("name");
            if (string.IsNullOrEmpty(name) || name.Length > 128) return Invalid("Invalid warehouse", "name is required (1 to 128 characters)", "name");
            IReadOnlyList<string> regions = [];
            if (body.Has("regions"))
            {
                if (body.StringArray("regions") is not { } list || list.Any(r => string.IsNullOrWhiteSpace(r) || r.Length > 64))
                    return Invalid("Invalid warehouse", "regions must be an array of region names such as \"四川\" or \"华东\" (1 to 64 characters each)", "regions");
                regions = list.Select(r => r.Trim()).Distinct().ToList();
            }
            var kind = WarehouseKind.Own;
            if (body.Has("kind") && !InventoryStore.TryParseKind(body.String("kind"), out kind))
                return Invalid("Invalid warehouse", "kind must be \"own\" or \"3pl\"", "kind");
            var (cold, coldProblem) = Bool(body, "coldChain", false, "Invalid warehouse");
            if (coldProblem is not null) return coldProblem;
            var (priority, priorityProblem) = Int(body, "priority", 100, 0, 10_000, "Invalid warehouse");
            if (priorityProblem is not null) return priorityProblem;
            var warehouse = new Warehouse(code, name, regions, kind, cold, priority);
            var created = await db.WriteAsync(s => InventoryStore.TryCreateWarehouseAsync(s, warehouse, clock.GetUtcNow()), ct);
            db.InventoryActivated();
            return created is null
                ? Problems.Result(409, "Warehouse exists", $"a warehouse with code '{code}' already exists", "code")
                : Results.Json(WarehouseView(created), ApiJson.Options, statusCode: 201);
        })
        .RequireAuthorization(Permissions.InventoryWrite).WithName("CreateWarehouse")
        .WithSummary("Register a warehouse (code, name, regions served, kind own|3pl, coldChain, priority: lower is tried first).");

        api.MapGet("/warehouses", async (OrdoDatabase db, CancellationToken ct) =>
            Results.Json(new { items = (await db.ReadAsync(InventoryStore.ListWarehousesAsync, ct)).Select(WarehouseView) }, ApiJson.Options))
        .RequireAuthorization(Permissions.InventoryRead).WithName("ListWarehouses");

        api.MapMethods("/skus/{code}/stock-settings", ["PATCH"], async (string code, HttpContext http, OrdoDatabase db, TimeProvider clock, CancellationToken ct) =>
        {
            var (body, problem) = await RequestBody.ReadObjectAsync(http.Request, ct);
            if (problem is not null) return problem;
            var (changes, components, changesProblem) = ReadSkuSettings(body);
            if (changesProblem is not null) return changesProblem;
            var result = await db.WriteAsync(async s =>
            {
                if (!await InventoryStore.UpdateSkuAsync(s, code, changes!, clock.GetUtcNow())) return new SettingsOutcome(false, null);
                if (components is not null)
                {
                    if (components.Any(c => c.Sku == code)) return new SettingsOutcome(true, code);
                    var known = await CatalogueStore.ExistingSkusAsync(s, components.Select(c => c.Sku).ToList());
                    if (components.FirstOrDefault(c => !known.Contains(c.Sku)) is { } unknown) return new SettingsOutcome(true, unknown.Sku);
                    await InventoryStore.SetBundleAsync(s, code, components);
                }
                // The buffer, the arrival coefficient and a bundle's components all change what the channels are offered.
                await ChannelStockStore.QueuePushesAsync(s, [code], clock.GetUtcNow());
                return new SettingsOutcome(true, null);
            }, ct);
            if (!result.Found) return Problems.NotFound($"there is no SKU with code '{code}'");
            if (result.Missing is { } missing)
                return Invalid("Invalid bundle", missing == code ? "a bundle cannot contain itself" : $"component SKU '{missing}' does not exist; create it first", "components");
            var details = await db.ReadAsync(s => InventoryStore.FindSkuAsync(s, code), ct);
            return Results.Json(SkuView(details!), ApiJson.Options);
        })
        .RequireAuthorization(Permissions.InventoryWrite).WithName("SetSkuStockSettings")
        .WithSummary("Set a SKU's stock attributes: category, coldChain, weightGrams, lengthMm/widthMm/heightMm, costPrice + costCurrency, shelfLifeDays, safetyBuffer ({\"percent\": 5} or {\"units\": 3}), arrivalCoefficient (0 to 1), components (a bundle: [{sku, quantity}]).");

        api.MapGet("/skus/{code}/stock-settings", async (string code, OrdoDatabase db, CancellationToken ct) =>
            await db.ReadAsync(s => InventoryStore.FindSkuAsync(s, code), ct) is { } details
                ? Results.Json(SkuView(details), ApiJson.Options)
                : Problems.NotFound($"there is no SKU with code '{code}'"))
        .RequireAuthorization(Permissions.InventoryRead).WithName("GetSkuStockSettings")
        .WithSummary("A SKU's name and stock attributes, as PATCH answers them.");

        api.MapPost("/inventory/receipts", (HttpContext http, OrdoDatabase db, TimeProvider clock, CancellationToken ct) =>
            BookOneAsync(http, db, clock, MovementKind.Receipt, ct))
        .RequireAuthorization(Permissions.InventoryWrite).WithName("ReceiveStock")
        .WithSummary("Goods put away: sku, warehouse, quantity, optional lot (with producedOn, expiresOn), reference, reason, fromInTransit (the goods were announced as inbound). A receipt with a reference is booked once per (reference, sku, warehouse, lot): a repeat answers 200 with outcome unchanged.");

        api.MapPost("/inventory/inbound", (HttpContext http, OrdoDatabase db, TimeProvider clock, CancellationToken ct) =>
            BookOneAsync(http, db, clock, MovementKind.Inbound, ct))
        .RequireAuthorization(Permissions.InventoryWrite).WithName("AnnounceInbound")
        .WithSummary("Goods on their way in (in transit): sku, warehouse, quantity, reference; promised at the SKU's arrival coefficient.");

        api.MapPost("/inventory/adjustments", (HttpContext http, OrdoDatabase db, TimeProvider clock, CancellationToken ct) =>
            BookOneAsync(http, db, clock, MovementKind.Adjustment, ct))
        .RequireAuthorization(Permissions.InventoryWrite).WithName("AdjustStock")
        .WithSummary("A correction of on hand: sku, warehouse, quantity (signed, not 0), reason (required).");

        api.MapPost("/inventory/returns", (HttpContext http, OrdoDatabase db, TimeProvider clock, CancellationToken ct) =>
            BookOneAsync(http, db, clock, MovementKind.Return, ct))
        .RequireAuthorization(Permissions.InventoryWrite).WithName("RestockReturn")
        .WithSummary("Goods a customer sent back, put back into stock: sku, warehouse, quantity, reference (e.g. the order number).");

        api.MapPost("/inventory/transfers", async (HttpContext http, OrdoDatabase db, TimeProvider clock, CancellationToken ct) =>
        {
            var (body, problem) = await RequestBody.ReadObjectAsync(http.Request, ct);
            if (problem is not null) return problem;
            var sku = body.String("sku");
            if (string.IsNullOrEmpty(sku)) return Invalid("Invalid transfer", "sku is required", "sku");
            var from = body.String("from");
            var to = body.String("to");
            if (string.IsNullOrEmpty(from)) return Invalid("Invalid transfer", "from (the warehouse the goods leave) is required", "from");
            if (string.IsNullOrEmpty(to)) return Invalid("Invalid transfer", "to (the warehouse the goods go to) is required", "to");
            if (from == to) return Invalid("Invalid transfer", "from and to must be different warehouses", "to");
            var (quantity, quantityProblem) = Int(body, "quantity", null, 1, MaxQuantity, "Invalid transfer");
            if (quantityProblem is not null) return quantityProblem;
            var (inTransit, transitProblem) = Bool(body, "inTransit", false, "Invalid transfer");
            if (transitProblem is not null) return transitProblem;
            var reference = body.String("reference");
            var reason = body.String("reason") ?? $"transfer {from} → {to}";
            var changes = new List<StockChange>
            {
                new(sku, from, MovementKind.TransferOut, StockLedger.DeltaOf(MovementKind.TransferOut, quantity), reason, reference),
                new(sku, to, MovementKind.Inbound, StockLedger.DeltaOf(MovementKind.Inbound, quantity), reason, reference),
            };
            // Goods moved at once (one site, two stock locations) arrive in the same booking.
            if (!inTransit) changes.Add(new(sku, to, MovementKind.TransferIn, StockLedger.DeltaOf(MovementKind.TransferIn, quantity), reason, reference));
            return await BookAsync(http, db, clock, changes, [sku], [from, to], "Invalid transfer", ct);
        })
        .RequireAuthorization(Permissions.InventoryWrite).WithName("TransferStock")
        .WithSummary("Move stock between warehouses: sku, from, to, quantity, reference; inTransit: true leaves the goods in transit until POST /inventory/transfers/arrivals.");

        api.MapPost("/inventory/transfers/arrivals", (HttpContext http, OrdoDatabase db, TimeProvider clock, CancellationToken ct) =>
            BookOneAsync(http, db, clock, MovementKind.TransferIn, ct))
        .RequireAuthorization(Permissions.InventoryWrite).WithName("ReceiveTransfer")
        .WithSummary("Transferred goods arrived: sku, warehouse, quantity, reference (in transit − , on hand +).");

        api.MapPost("/inventory/counts", async (HttpContext http, OrdoDatabase db, TimeProvider clock, ILoggerFactory logs, CancellationToken ct) =>
        {
            const string title = "Invalid stock count";
            var (body, problem) = await RequestBody.ReadObjectAsync(http.Request, ct);
            if (problem is not null) return problem;
            var warehouse = body.String("warehouse");
            if (string.IsNullOrEmpty(warehouse)) return Invalid(title, "warehouse is required", "warehouse");
            var reference = body.String("reference") ?? $"COUNT-{clock.GetUtcNow():yyyyMMddHHmmss}";
            if (reference.Length > 128) return Invalid(title, "reference is at most 128 characters", "reference");
            if (!body.TryGetProperty("lines", out var linesElement) || linesElement.ValueKind != JsonValueKind.Array || linesElement.GetArrayLength() == 0)
                return Invalid(title, "lines must be a non-empty array of {sku, counted}", "lines");
            if (linesElement.GetArrayLength() > 10_000) return Invalid(title, "at most 10,000 lines per count; split it", "lines");
            var counted = new List<CountedStock>();
            var i = 0;
            foreach (var line in linesElement.EnumerateArray())
            {
                var field = $"lines[{i++}]";
                if (line.ValueKind != JsonValueKind.Object || line.String("sku") is not { Length: > 0 } sku) return Invalid(title, "each line needs a sku", field + ".sku");
                if (!line.TryGetProperty("counted", out var c) || c.ValueKind != JsonValueKind.Number || !c.TryGetInt32(out var units) || units is < 0 or > MaxQuantity)
                    return Invalid(title, $"each line needs counted: a whole number from 0 to {MaxQuantity}", field + ".counted");
                counted.Add(new CountedStock(sku, warehouse, units));
            }
            var (threshold, thresholdProblem) = Int(body, "alertThresholdPercent", (int)StockCount.DefaultThresholdPercent, 0, 100, title);
            if (thresholdProblem is not null) return thresholdProblem;
            var actor = http.User.ToActor();
            var skus = counted.Select(c => c.Sku).Distinct().ToList();
            var outcome = await db.WriteAsync(async s =>
            {
                // The warehouse first: it sinks the whole count, where an unknown SKU sinks one line.
                if (await InventoryStore.FindWarehouseAsync(s, warehouse) is null) return new CountOutcome(Invalid(title, $"warehouse '{warehouse}' does not exist", "warehouse"), null, null);
                var known = await CatalogueStore.ExistingSkusAsync(s, skus);
                // The line's index lets a client (ordo stock count) point at the row of its file.
                if (counted.FindIndex(c => !known.Contains(c.Sku)) is var line and >= 0)
                    return new CountOutcome(Invalid(title, $"SKU '{counted[line].Sku}' does not exist", $"lines[{line}].sku"), null, null);
                var now = clock.GetUtcNow();
                var balances = await InventoryStore.LockBalancesAsync(s, skus, skus.Select(k => (k, warehouse)).ToList(), now);
                var report = StockCount.Compare(counted, balances.ToDictionary(kv => kv.Key, kv => kv.Value.OnHand), reference, actor, now, threshold);
                var booking = await InventoryStore.BookAsync(s, report.Movements.Select(m =>
                    new StockChange(m.Sku, m.Warehouse, MovementKind.Count, m.Delta, m.Reason, reference)).ToList(), actor, now);
                // A refused booking wrote nothing (all or nothing).
                return booking.Booked ? new CountOutcome(null, report, null) : new CountOutcome(null, null, booking.Refusal);
            }, ct);
            if (outcome.Problem is not null) return outcome.Problem;
            if (outcome.Refusal is not null)
                return Problems.Result(409, "Count below what is promised", $"{outcome.Refusal}; ship or release those orders first, or count again", "lines");
            var report = outcome.Report!;
            if (report.Alert)
                logs.CreateLogger("Ordo.Server.Inventory").LogWarning("ALERT: stock count {Reference} in {Warehouse} differs beyond {Threshold}%: {Reasons}",
                    reference, warehouse, threshold, string.Join("; ", report.Reasons));
            return Results.Json(new
            {
                reference, warehouse, alert = report.Alert, reasons = report.Reasons,
                total = new { system = report.Total.System, counted = report.Total.Counted, difference = report.Total.Difference, differencePercent = report.Total.DifferencePercent },
                lines = report.Lines.Select(l => new { l.Sku, system = l.System, counted = l.Counted, difference = l.Difference, differencePercent = l.DifferencePercent, exceedsThreshold = l.ExceedsThreshold }),
                movements = report.Movements.Count,
            }, ApiJson.Options, statusCode: 201);
        })
        .RequireAuthorization(Permissions.InventoryWrite).WithName("CountStock")
        .WithSummary("A stock count of one warehouse: {warehouse, reference, lines: [{sku, counted}], alertThresholdPercent (3)}; books the differences as count movements and answers the differences report (alert when a line or the total differs by more than the threshold).");

        api.MapGet("/inventory/ledger/check", async (OrdoDatabase db, CancellationToken ct) =>
        {
            var differences = await db.ReadAsync(InventoryStore.CheckLedgerAsync, ct);
            return Results.Json(new
            {
                balanced = differences.Count == 0,
                differences = differences.Select(d => new
                {
                    d.Sku, d.Warehouse,
                    balance = new { onHand = d.Balance.OnHand, reserved = d.Balance.Reserved, inTransit = d.Balance.InTransit },
                    ledger = new { onHand = d.Ledger.OnHand, reserved = d.Ledger.Reserved, inTransit = d.Ledger.InTransit },
                }),
            }, ApiJson.Options);
        })
        .RequireAuthorization(Permissions.InventoryRead).WithName("CheckLedger")
        .WithSummary("Proves every balance equals the sum of its movements; lists any difference.");

        api.MapGet("/inventory/{sku}/ledger", async (string sku, string? warehouse, string? cursor, int? limit, OrdoDatabase db, CancellationToken ct) =>
        {
            long? before = null;
            if (cursor is not null)
            {
                if (!Cursor.TryDecode(cursor, out var id)) return Problems.BadRequest("cursor", "cursor is not one this API returned");
                before = id;
            }
            var size = Math.Clamp(limit ?? 50, 1, 500);
            var movements = await db.ReadAsync(s => InventoryStore.LedgerAsync(s, sku, warehouse, before, size), ct);
            return Results.Json(new
            {
                items = movements.Select(MovementView),
                nextCursor = movements.Count == size ? Cursor.Encode(movements[^1].Id) : null,
            }, ApiJson.Options);
        })
        .RequireAuthorization(Permissions.InventoryRead).WithName("StockLedger")
        .WithSummary("The SKU's movements, newest first (optionally of one warehouse), paged with nextCursor.");

        api.MapGet("/inventory/{sku}", async (string sku, OrdoDatabase db, CancellationToken ct) =>
        {
            var view = await db.ReadAsync(async s => await InventoryStore.StockOfAsync(s, sku) is { } stock
                ? stock.Components.Count > 0 ? BundleView(stock.Details, stock.Components) : StockView(stock.Details, stock.Own)
                : null, ct);
            return view is null ? Problems.NotFound($"there is no SKU with code '{sku}'") : Results.Json(view, ApiJson.Options);
        })
        .RequireAuthorization(Permissions.InventoryRead).WithName("GetInventory")
        .WithSummary("Available to promise of a SKU in total and per warehouse: on hand − reserved − safety buffer + in transit × arrival coefficient.");
    }

    private static async Task<IResult> BookOneAsync(HttpContext http, OrdoDatabase db, TimeProvider clock, MovementKind kind, CancellationToken ct)
    {
        var title = $"Invalid {kind.Name()}";
        var (body, problem) = await RequestBody.ReadObjectAsync(http.Request, ct);
        if (problem is not null) return problem;
        var sku = body.String("sku");
        if (string.IsNullOrEmpty(sku)) return Invalid(title, "sku is required", "sku");
        var warehouse = body.String("warehouse");
        if (string.IsNullOrEmpty(warehouse)) return Invalid(title, "warehouse is required", "warehouse");
        var signed = kind == MovementKind.Adjustment;
        var (quantity, quantityProblem) = Int(body, "quantity", null, signed ? -MaxQuantity : 1, MaxQuantity, title);
        if (quantityProblem is not null) return quantityProblem;
        if (quantity == 0) return Invalid(title, "quantity must not be 0", "quantity");
        var reason = body.String("reason");
        if (signed && string.IsNullOrEmpty(reason)) return Invalid(title, "reason is required for an adjustment (damaged, lost, found…)", "reason");
        if (reason is { Length: > 500 }) return Invalid(title, "reason is at most 500 characters", "reason");
        var reference = body.String("reference");
        if (reference is { Length: > 128 }) return Invalid(title, "reference is at most 128 characters", "reference");
        var lot = body.String("lot");
        if (lot is not null && kind != MovementKind.Receipt) return Invalid(title, "a lot is named on receipts only", "lot");
        if (lot is { Length: 0 or > 64 }) return Invalid(title, "lot is 1 to 64 characters", "lot");
        var (producedOn, producedProblem) = Date(body, "producedOn", title);
        if (producedProblem is not null) return producedProblem;
        var (expiresOn, expiresProblem) = Date(body, "expiresOn", title);
        if (expiresProblem is not null) return expiresProblem;
        if ((producedOn is not null || expiresOn is not null) && lot is null) return Invalid(title, "producedOn and expiresOn describe a lot: name the lot", "lot");
        if (producedOn > expiresOn) return Invalid(title, "expiresOn is before producedOn", "expiresOn");
        var (fromInTransit, transitProblem) = Bool(body, "fromInTransit", false, title);
        if (transitProblem is not null) return transitProblem;
        if (fromInTransit && kind != MovementKind.Receipt) return Invalid(title, "fromInTransit applies to receipts only", "fromInTransit");
        var change = new StockChange(sku, warehouse, kind, StockLedger.DeltaOf(kind, quantity, fromInTransit), reason ?? DefaultReason(kind), reference, lot);
        return await BookAsync(http, db, clock, [change], [sku], [warehouse], title, ct, lot is null ? null : s => InventoryStore.UpsertLotAsync(s, sku, warehouse, lot, producedOn, expiresOn, clock.GetUtcNow()),
            bookedOnce: kind == MovementKind.Receipt && reference is not null);
    }

    private static string DefaultReason(MovementKind kind) => kind switch
    {
        MovementKind.Receipt => "goods received",
        MovementKind.Inbound => "goods announced in transit",
        MovementKind.TransferIn => "transfer arrived",
        MovementKind.Return => "customer return restocked",
        _ => kind.Name(),
    };

    private sealed record SettingsOutcome(bool Found, string? Missing);

    private sealed record CountOutcome(IResult? Problem, StockCountReport? Report, string? Refusal);

    private sealed record BookOutcome(string? Missing, Booking? Booking, ReceiptRepeat? Repeat = null);

    /// <summary>A receipt whose key was booked before: the movements then and the balance now.</summary>
    private sealed record ReceiptRepeat(IReadOnlyList<StockMovement> Booked, StockBalance Balance);

    /// <summary>
    /// Books <paramref name="changes"/> all or nothing. <paramref name="bookedOnce"/> (a receipt with a reference):
    /// the one change is booked once per (reference, sku, warehouse, lot), so retried requests and re-run imports
    /// receive the goods once; the check runs under the balance row's lock, so two concurrent repeats cannot both book.
    /// </summary>
    private static async Task<IResult> BookAsync(
        HttpContext http, OrdoDatabase db, TimeProvider clock, IReadOnlyList<StockChange> changes, IReadOnlyList<string> skus,
        IReadOnlyList<string> warehouses, string title, CancellationToken ct, Func<DbSession, Task>? alongside = null, bool bookedOnce = false)
    {
        var actor = http.User.ToActor();
        var outcome = await db.WriteAsync(async s =>
        {
            var known = await CatalogueStore.ExistingSkusAsync(s, skus);
            if (skus.FirstOrDefault(k => !known.Contains(k)) is { } unknownSku) return new BookOutcome("sku:" + unknownSku, null);
            foreach (var w in warehouses.Distinct())
                if (await InventoryStore.FindWarehouseAsync(s, w) is null) return new BookOutcome("warehouse:" + w, null);
            var profiles = await InventoryStore.ProfilesAsync(s, skus);
            if (skus.FirstOrDefault(k => profiles.TryGetValue(k, out var p) && p.IsBundle) is { } bundle) return new BookOutcome("bundle:" + bundle, null);
            if (bookedOnce && changes is [var receipt])
            {
                var balances = await InventoryStore.LockBalancesAsync(s, [receipt.Sku], [(receipt.Sku, receipt.Warehouse)], clock.GetUtcNow());
                var booked = await InventoryStore.ReceiptsOfReferenceAsync(s, receipt.SourceDocument!, receipt.Sku, receipt.Warehouse, receipt.Lot);
                if (booked.Count > 0) return new BookOutcome(null, null, new ReceiptRepeat(booked, balances[(receipt.Sku, receipt.Warehouse)]));
            }
            var booking = await InventoryStore.BookAsync(s, changes, actor, clock.GetUtcNow());
            if (booking.Booked && alongside is not null) await alongside(s);
            return new BookOutcome(null, booking);
        }, ct);
        if (outcome.Missing is { } missing)
        {
            var (what, code) = (missing[..missing.IndexOf(':')], missing[(missing.IndexOf(':') + 1)..]);
            return what switch
            {
                "sku" => Invalid(title, $"SKU '{code}' does not exist; create it with POST /api/v1/skus first", "sku"),
                "bundle" => Invalid(title, $"SKU '{code}' is a bundle: it has no stock of its own, book its components", "sku"),
                _ => Invalid(title, $"warehouse '{code}' does not exist; create it with POST /api/v1/warehouses first",
                    changes.Count > 1 ? (code == changes[0].Warehouse ? "from" : "to") : "warehouse"),
            };
        }
        if (outcome.Repeat is { } repeat)
        {
            var asked = changes[0];
            var units = repeat.Booked.Sum(m => m.Delta.OnHand);
            if (units != asked.Delta.OnHand || repeat.Booked.Sum(m => m.Delta.InTransit) != asked.Delta.InTransit)
                return Problems.Result(409, "Reference already booked",
                    $"receipt '{asked.SourceDocument}' of SKU '{asked.Sku}' in warehouse '{asked.Warehouse}'{(asked.Lot is null ? "" : $", lot '{asked.Lot}'")} was booked already with {units} units; " +
                    "a receipt reference is booked once per SKU, warehouse and lot: use a new reference for more goods", "reference");
            return Results.Json(new
            {
                outcome = "unchanged",
                movements = repeat.Booked.Select(MovementView),
                balances = new[] { BalanceView(repeat.Balance) },
            }, ApiJson.Options);
        }
        var booking = outcome.Booking!;
        if (!booking.Booked) return Problems.Result(409, "Not enough stock", booking.Refusal!, "quantity");
        return Results.Json(new
        {
            outcome = "booked",
            movements = booking.Movements.Select(MovementView),
            balances = booking.Balances.Select(BalanceView),
        }, ApiJson.Options, statusCode: 201);
    }

    private static (SkuStockChanges? Changes, IReadOnlyList<BundleComponent>? Components, IResult? Problem) ReadSkuSettings(JsonElement body)
    {
        const string title = "Invalid stock settings";
        var category = body.String("category");
        if (category is { Length: > 64 }) return (null, null, Invalid(title, "category is at most 64 characters", "category"));
        var (cold, coldProblem) = Bool(body, "coldChain", null, title);
        if (coldProblem is not null) return (null, null, coldProblem);
        int? Optional(string name, int max, out IResult? p)
        {
            p = null;
            if (!body.Has(name)) return null;
            var (v, problem) = Int(body, name, null, 0, max, title);
            p = problem;
            return v;
        }
        var weight = Optional("weightGrams", 10_000_000, out var p1); if (p1 is not null) return (null, null, p1);
        var length = Optional("lengthMm", 100_000, out var p2); if (p2 is not null) return (null, null, p2);
        var width = Optional("widthMm", 100_000, out var p3); if (p3 is not null) return (null, null, p3);
        var height = Optional("heightMm", 100_000, out var p4); if (p4 is not null) return (null, null, p4);
        var shelfLife = Optional("shelfLifeDays", 36_500, out var p5); if (p5 is not null) return (null, null, p5);
        decimal? cost = null;
        if (body.Has("costPrice"))
        {
            if (!body.TryGetProperty("costPrice", out var c) || !TryDecimal(c, out var value) || Amounts.Check(value) is not null)
                return (null, null, Invalid(title, "costPrice must be a non-negative amount with at most 2 decimals, in yuan (e.g. \"12.50\")", "costPrice"));
            cost = value;
        }
        var currency = body.String("costCurrency");
        if (currency is not null && !Currencies.IsValidCode(currency)) return (null, null, Invalid(title, "costCurrency must be an ISO 4217 code such as CNY", "costCurrency"));
        if (cost is not null && currency is null) currency = "CNY";
        SafetyBuffer? buffer = null;
        if (body.Has("safetyBuffer"))
        {
            var b = body.GetProperty("safetyBuffer");
            if (b.ValueKind == JsonValueKind.Object && b.TryGetProperty("percent", out var pct) && TryDecimal(pct, out var percent) && percent is >= 0 and <= 100 && decimal.Round(percent, 2) == percent)
                buffer = SafetyBuffer.Percent(percent);
            else if (b.ValueKind == JsonValueKind.Object && b.TryGetProperty("units", out var u) && u.ValueKind == JsonValueKind.Number && u.TryGetInt32(out var units) && units is >= 0 and <= MaxQuantity)
                buffer = SafetyBuffer.Units(units);
            else
                return (null, null, Invalid(title, "safetyBuffer must be {\"percent\": 0 to 100, at most 2 decimals} or {\"units\": a whole number ≥ 0}", "safetyBuffer"));
        }
        ArrivalCoefficient? arrival = null;
        if (body.Has("arrivalCoefficient"))
        {
            if (!body.TryGetProperty("arrivalCoefficient", out var a) || !TryDecimal(a, out var coefficient) || coefficient is < 0 or > 1 || decimal.Round(coefficient, 3) != coefficient)
                return (null, null, Invalid(title, "arrivalCoefficient must be between 0 and 1 with at most 3 decimals (0.8 promises 80% of what is in transit)", "arrivalCoefficient"));
            arrival = ArrivalCoefficient.Of(coefficient);
        }
        List<BundleComponent>? components = null;
        if (body.Has("components"))
        {
            var c = body.GetProperty("components");
            if (c.ValueKind != JsonValueKind.Array) return (null, null, Invalid(title, "components must be an array of {sku, quantity}", "components"));
            components = [];
            var i = 0;
            foreach (var item in c.EnumerateArray())
            {
                var field = $"components[{i++}]";
                if (item.ValueKind != JsonValueKind.Object || item.String("sku") is not { Length: > 0 } componentSku)
                    return (null, null, Invalid(title, "each component needs a sku", field + ".sku"));
                if (!item.TryGetProperty("quantity", out var q) || q.ValueKind != JsonValueKind.Number || !q.TryGetInt32(out var quantity) || quantity is < 1 or > 10_000)
                    return (null, null, Invalid(title, "each component needs a quantity from 1 to 10000", field + ".quantity"));
                if (components.Any(x => x.Sku == componentSku)) return (null, null, Invalid(title, $"component '{componentSku}' is listed twice", field + ".sku"));
                components.Add(new BundleComponent(componentSku, quantity));
            }
        }
        var changes = new SkuStockChanges(category, cold, weight, length, width, height, cost, currency, shelfLife, buffer, arrival);
        if (changes == new SkuStockChanges() && components is null)
            return (null, null, Invalid("Nothing to change", "send at least one of: category, coldChain, weightGrams, lengthMm, widthMm, heightMm, costPrice, costCurrency, shelfLifeDays, safetyBuffer, arrivalCoefficient, components", "$"));
        return (changes, components, null);
    }

    private static bool TryDecimal(JsonElement e, out decimal value)
    {
        value = 0;
        return e.ValueKind switch
        {
            JsonValueKind.Number => e.TryGetDecimal(out value),
            JsonValueKind.String => decimal.TryParse(e.GetString(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value),
            _ => false,
        };
    }

    private static IResult Invalid(string title, string detail, string field) => Problems.Result(422, title, detail, field);

    private static (int Value, IResult? Problem) Int(JsonElement body, string name, int? fallback, int min, int max, string title)
    {
        if (!body.Has(name))
            return fallback is { } f ? (f, null) : (0, Invalid(title, $"{name} is required (a whole number from {min} to {max})", name));
        var e = body.GetProperty(name);
        return e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var v) && v >= min && v <= max
            ? (v, null)
            : (0, Invalid(title, $"{name} must be a whole number from {min} to {max}", name));
    }

    private static (bool Value, IResult? Problem) Bool(JsonElement body, string name, bool fallback, string title)
    {
        var (value, problem) = Bool(body, name, (bool?)fallback, title);
        return (value ?? fallback, problem);
    }

    private static (bool? Value, IResult? Problem) Bool(JsonElement body, string name, bool? fallback, string title)
    {
        if (!body.Has(name)) return (fallback, null);
        var e = body.GetProperty(name);
        return e.ValueKind is JsonValueKind.True or JsonValueKind.False ? (e.GetBoolean(), null) : (null, Invalid(title, $"{name} must be true or false", name));
    }

    private static (DateOnly? Value, IResult? Problem) Date(JsonElement body, string name, string title)
    {
        if (!body.Has(name)) return (null, null);
        return DateOnly.TryParseExact(body.String(name), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? (d, null)
            : (null, Invalid(title, $"{name} must be a date written yyyy-MM-dd", name));
    }

    private static object WarehouseView(Warehouse w) => new
    {
        w.Code, w.Name, w.Regions, kind = InventoryStore.KindName(w.Kind), w.ColdChain, w.Priority,
    };

    private static object SkuView(SkuStockDetails d) => new
    {
        sku = d.Sku, d.Name, d.Category, d.ColdChain, d.WeightGrams, d.LengthMm, d.WidthMm, d.HeightMm,
        costPrice = d.CostPrice?.ToString("0.00", CultureInfo.InvariantCulture), d.CostCurrency, d.ShelfLifeDays,
        safetyBuffer = BufferView(d.Buffer ?? SafetyBuffer.Default), safetyBufferIsDefault = d.Buffer is null,
        arrivalCoefficient = (d.Arrival ?? ArrivalCoefficient.Default).Value,
        components = d.Components.Select(c => new { c.Sku, c.Quantity }),
    };

    private static object BufferView(SafetyBuffer b) =>
        b.Kind == SafetyBufferKind.Percent ? new { percent = (decimal?)b.PercentValue, units = (int?)null } : new { percent = (decimal?)null, units = (int?)b.Value };

    private static object BalanceView(StockBalance b) => new
    {
        warehouse = b.Warehouse, sku = b.Sku, onHand = b.OnHand, reserved = b.Reserved, inTransit = b.InTransit,
        arrivalCoefficient = b.Arrival.Value, countedInTransit = b.CountedInTransit, atpBeforeBuffer = b.AtpBeforeBuffer,
        safetyBuffer = BufferView(b.Buffer), bufferUnits = b.BufferUnits, atp = b.Promisable,
    };

    private static object StockView(SkuStockDetails d, IReadOnlyList<StockBalance> balances) => new
    {
        sku = d.Sku,
        atp = SkuAtp.Of(balances),
        onHand = balances.Sum(b => b.OnHand),
        reserved = balances.Sum(b => b.Reserved),
        inTransit = balances.Sum(b => b.InTransit),
        bufferUnits = balances.Sum(b => b.BufferUnits),
        warehouses = balances.Select(BalanceView),
    };

    /// <summary>A bundle has no stock: it can be promised as many times as its scarcest component allows, per warehouse.</summary>
    private static object BundleView(SkuStockDetails d, IReadOnlyList<(BundleComponent Component, IReadOnlyList<StockBalance> Balances)> components)
    {
        var warehouses = SkuAtp.OfBundleByWarehouse(components).Select(w => new { warehouse = w.Warehouse, atp = w.Atp }).ToList();
        return new
        {
            sku = d.Sku, bundle = true,
            atp = warehouses.Sum(w => w.atp), onHand = 0, reserved = 0, inTransit = 0,
            components = components.Select(c => new { c.Component.Sku, c.Component.Quantity, atp = SkuAtp.Of(c.Balances) }),
            warehouses,
        };
    }

    internal static object MovementView(StockMovement m) => new
    {
        m.Id, m.Sku, m.Warehouse, kind = m.Kind.Name(),
        onHand = m.Delta.OnHand, reserved = m.Delta.Reserved, inTransit = m.Delta.InTransit,
        m.Lot, m.Reason, actor = m.Actor.ToString(), reference = m.SourceDocument, m.OccurredAt,
    };
}
