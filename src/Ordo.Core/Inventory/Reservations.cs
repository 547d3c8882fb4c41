namespace Ordo.Core.Inventory;

public sealed record RequestedLine(int LineNo, string Sku, int Quantity);

/// <summary>An order asking for stock: its lines, and the receiver's province (warehouses serving it are tried first).</summary>
public sealed record ReservationRequest(string OrderNo, string? Province, IReadOnlyList<RequestedLine> Lines);

/// <summary>Units of one SKU promised to one line of an order from one warehouse; <see cref="BundleSku"/> when the line sold a bundle.</summary>
public sealed record ReservedUnits(int LineNo, string Sku, string Warehouse, int Quantity, string? BundleSku);

/// <summary>A line that could not be promised: how many units it needs and how many all eligible warehouses could promise.</summary>
public sealed record Shortage(int LineNo, string Sku, int Needed, int Available, string Reason);

/// <summary>
/// The decision for one order: all its lines reserved, or none of them and the shortages that stopped it. An order
/// is reserved whole or not at all, so stock is never tied up by an order that cannot ship anyway.
/// </summary>
public sealed record ReservationDecision(string OrderNo, IReadOnlyList<ReservedUnits> Reserved, IReadOnlyList<Shortage> Shortages)
{
    public bool IsReserved => Shortages.Count == 0;
}

/// <summary>
/// Decides reservations for a group of orders against the balances they may draw on, in the order given (first come,
/// first served). Pure: the caller reads the balances with their rows locked, calls this, and writes the new balances
/// and the movements in the same transaction, so concurrent requests and several Ordo instances cannot promise the
/// same unit twice. A line that cannot be promised never takes stock below zero: it is reported as a shortage.
/// </summary>
public static class ReservationPlanner
{
    /// <summary>
    /// Decides each request in turn, updating <paramref name="balances"/> (keyed by SKU and warehouse) as units are
    /// promised. Warehouses holding a balance of the SKU are candidates; cold-chain SKUs only in cold-chain
    /// warehouses. One warehouse that can supply the whole order is preferred (one parcel); otherwise each SKU comes
    /// from the first candidate that has enough. Candidates are ordered: serving the receiver's province first, then
    /// by priority, then by code.
    /// </summary>
    public static IReadOnlyList<ReservationDecision> Decide(
        IReadOnlyList<ReservationRequest> requests,
        IDictionary<(string Sku, string Warehouse), StockBalance> balances,
        IReadOnlyDictionary<string, Warehouse> warehouses,
        IReadOnlyDictionary<string, SkuStockProfile> profiles)
    {
        var bySku = balances.Keys.GroupBy(k => k.Sku, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(k => k.Warehouse).ToList(), StringComparer.Ordinal);
        var decisions = new List<ReservationDecision>(requests.Count);
        foreach (var request in requests)
            decisions.Add(DecideOne(request, balances, bySku, warehouses, profiles));
        return decisions;
    }

    /// <summary>The units of each stocked SKU a request needs, bundles expanded to their components, in line order.</summary>
    public static IReadOnlyList<(RequestedLine Line, string Sku, int Quantity, string? BundleSku)> Needs(
        ReservationRequest request, IReadOnlyDictionary<string, SkuStockProfile> profiles)
    {
        var needs = new List<(RequestedLine, string, int, string?)>();
        foreach (var line in request.Lines)
        {
            if (profiles.TryGetValue(line.Sku, out var profile) && profile.IsBundle)
                foreach (var c in profile.Components) needs.Add((line, c.Sku, checked(c.Quantity * line.Quantity), line.Sku));
            else
                needs.Add((line, line.Sku, line.Quantity, null));
        }
        return needs;
    }

    private static ReservationDecision DecideOne(
        ReservationRequest request,
        IDictionary<(string Sku, string Warehouse), StockBalance> balances,
        Dictionary<string, List<string>> bySku,
        IReadOnlyDictionary<string, Warehouse> warehouses,
        IReadOnlyDictionary<string, SkuStockProfile> profiles)
    {
        // A line must ask for at least one unit: a negative quantity would turn the reservation into a release of
        // units promised to other orders.
        var invalid = request.Lines.Where(l => l.Quantity <= 0)
            .Select(l => new Shortage(l.LineNo, l.Sku, l.Quantity, 0, $"line {l.LineNo}: quantity {l.Quantity} is not a positive number of units"))
            .ToList();
        if (invalid.Count > 0) return new ReservationDecision(request.OrderNo, [], invalid);

        var needs = Needs(request, profiles);
        bool IsColdChain(string sku) => profiles.TryGetValue(sku, out var p) && p.ColdChain;
        List<string> Candidates(string sku)
        {
            var cold = IsColdChain(sku);
            return (bySku.GetValueOrDefault(sku) ?? [])
                .Select(code => warehouses.GetValueOrDefault(code))
                .Where(w => w is not null && (!cold || w.ColdChain))
                .OrderBy(w => w!.Serves(request.Province) ? 0 : 1).ThenBy(w => w!.Priority).ThenBy(w => w!.Code, StringComparer.Ordinal)
                .Select(w => w!.Code).ToList();
        }

        // Total units per SKU: two lines of one SKU (or a bundle and its component sold alone) draw on one balance.
        var totals = needs.GroupBy(n => n.Sku, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(n => n.Quantity), StringComparer.Ordinal);
        var candidates = totals.Keys.ToDictionary(s => s, Candidates, StringComparer.Ordinal);

        // One warehouse for the whole order, if any can.
        var whole = candidates.Values.SelectMany(c => c).Distinct()
            .Where(w => totals.All(t => candidates[t.Key].Contains(w) && balances[(t.Key, w)].Promisable >= t.Value))
            .OrderBy(w => warehouses[w].Serves(request.Province) ? 0 : 1).ThenBy(w => warehouses[w].Priority).ThenBy(w => w, StringComparer.Ordinal)
            .FirstOrDefault();
        var source = new Dictionary<string, string>(StringComparer.Ordinal);
        var shortages = new List<Shortage>();
        foreach (var (sku, total) in totals)
        {
            var from = whole ?? candidates[sku].FirstOrDefault(w => balances[(sku, w)].Promisable >= total);
            if (from is not null) { source[sku] = from; continue; }
            var available = candidates[sku].Sum(w => balances[(sku, w)].Promisable);
            var best = candidates[sku].Select(w => balances[(sku, w)].Promisable).DefaultIfEmpty(0).Max();
            foreach (var n in needs.Where(n => n.Sku == sku))
            {
                var reason = candidates[sku].Count == 0
                    ? (IsColdChain(sku) && (bySku.GetValueOrDefault(sku) ?? []).Any(warehouses.ContainsKey)
                        ? $"{sku} needs a cold-chain warehouse and none holds it"
                        : $"{sku} is not stocked in any warehouse")
                    : available >= total
                        ? $"{sku}: {total} needed, {available} available to promise but no single warehouse has more than {best}"
                        : $"{sku}: {total} needed, {available} available to promise";
                shortages.Add(new Shortage(n.Line.LineNo, sku, total, available, reason));
            }
        }
        if (shortages.Count > 0) return new ReservationDecision(request.OrderNo, [], shortages);

        var reserved = new List<ReservedUnits>(needs.Count);
        foreach (var (line, sku, quantity, bundle) in needs)
        {
            var key = (sku, source[sku]);
            var (after, refusal) = StockLedger.Apply(balances[key], StockLedger.DeltaOf(MovementKind.Reservation, quantity));
            balances[key] = after ?? throw new InvalidOperationException(refusal);
            reserved.Add(new ReservedUnits(line.LineNo, sku, source[sku], quantity, bundle));
        }
        return new ReservationDecision(request.OrderNo, reserved, []);
    }
}
