using Ordo.Core.Orders;

namespace Ordo.Core.Inventory;

/// <summary>Why stock changed. Stored by name; every movement names one.</summary>
public enum MovementKind
{
    /// <summary>Goods arrived and were put away (on hand +; from in transit when they were announced).</summary>
    Receipt,
    /// <summary>Goods announced as on their way in (in transit +), e.g. a purchase order shipped by the supplier.</summary>
    Inbound,
    /// <summary>Units promised to an order line (reserved +).</summary>
    Reservation,
    /// <summary>A promise withdrawn: expired unpaid order, cancellation, refund before shipping (reserved −).</summary>
    Release,
    /// <summary>Reserved units left the warehouse with the order (on hand −, reserved −).</summary>
    Shipment,
    /// <summary>A correction by a person: damage, loss, found stock (on hand ±).</summary>
    Adjustment,
    /// <summary>The difference a stock count found, booked so that on hand equals what was counted (on hand ±).</summary>
    Count,
    /// <summary>Units leaving a warehouse for another (on hand − here, in transit + there).</summary>
    TransferOut,
    /// <summary>Transferred units arriving (in transit −, on hand +).</summary>
    TransferIn,
    /// <summary>Units sent back by a customer and put back into stock (on hand +).</summary>
    Return,
}

public static class MovementKinds
{
    private static readonly Dictionary<string, MovementKind> ByName =
        Enum.GetValues<MovementKind>().ToDictionary(k => Name(k), k => k, StringComparer.Ordinal);

    /// <summary>The stored and API name: lower camel case (<c>transferOut</c>).</summary>
    public static string Name(this MovementKind kind)
    {
        var text = kind.ToString();
        return char.ToLowerInvariant(text[0]) + text[1..];
    }

    public static bool TryParse(string? name, out MovementKind kind) => ByName.TryGetValue(name ?? "", out kind);

    public static IReadOnlyCollection<string> Names => ByName.Keys;
}

/// <summary>The change one movement makes to a balance; each part may be zero.</summary>
public readonly record struct StockDelta(int OnHand, int Reserved, int InTransit)
{
    public static StockDelta operator +(StockDelta a, StockDelta b) => new(a.OnHand + b.OnHand, a.Reserved + b.Reserved, a.InTransit + b.InTransit);
    public bool IsZero => OnHand == 0 && Reserved == 0 && InTransit == 0;
}

/// <summary>
/// One immutable entry of the stock ledger: what changed, by how much, why, who did it and which document caused it
/// (an order number, a receipt number, a count…). Balances are the sum of the movements; nothing else changes them.
/// </summary>
public sealed record StockMovement(
    string Sku, string Warehouse, MovementKind Kind, StockDelta Delta, string Reason, Actor Actor, string? SourceDocument,
    DateTimeOffset OccurredAt, string? Lot = null)
{
    public long Id { get; init; }
}

/// <summary>
/// The ledger's rules, as pure functions: which delta each kind of movement makes and whether a balance may take it.
/// A movement that would leave on hand, reserved or in transit below zero is refused with the reason, never applied.
/// </summary>
public static class StockLedger
{
    /// <summary>The delta of a movement of <paramref name="kind"/> over <paramref name="quantity"/> units (positive; for
    /// adjustments and counts the signed change). <paramref name="fromInTransit"/>: a receipt of goods announced as inbound.</summary>
    public static StockDelta DeltaOf(MovementKind kind, int quantity, bool fromInTransit = false) => kind switch
    {
        MovementKind.Receipt => new(quantity, 0, fromInTransit ? -quantity : 0),
        MovementKind.Inbound => new(0, 0, quantity),
        MovementKind.Reservation => new(0, quantity, 0),
        MovementKind.Release => new(0, -quantity, 0),
        MovementKind.Shipment => new(-quantity, -quantity, 0),
        MovementKind.Adjustment or MovementKind.Count => new(quantity, 0, 0),
        MovementKind.TransferOut => new(-quantity, 0, 0),
        MovementKind.TransferIn => new(quantity, 0, -quantity),
        MovementKind.Return => new(quantity, 0, 0),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>The balance after <paramref name="delta"/>, or the reason it cannot be applied.</summary>
    public static (StockBalance? Balance, string? Refusal) Apply(StockBalance balance, StockDelta delta)
    {
        var onHand = balance.OnHand + delta.OnHand;
        var reserved = balance.Reserved + delta.Reserved;
        var inTransit = balance.InTransit + delta.InTransit;
        if (onHand < 0)
            return (null, $"{balance.Sku} in {balance.Warehouse}: {balance.OnHand} on hand, cannot take {-delta.OnHand} out");
        if (reserved < 0)
            return (null, $"{balance.Sku} in {balance.Warehouse}: {balance.Reserved} reserved, cannot release {-delta.Reserved}");
        if (inTransit < 0)
            return (null, $"{balance.Sku} in {balance.Warehouse}: {balance.InTransit} in transit, cannot take {-delta.InTransit} in from transit");
        // Stock that is promised must stay: taking on hand below what is reserved (and not coming) would break promises.
        if (delta.OnHand < 0 && delta.Reserved == 0 && onHand + balance.CountedInTransit < reserved)
            return (null, $"{balance.Sku} in {balance.Warehouse}: {balance.Reserved} reserved, taking {-delta.OnHand} of {balance.OnHand} on hand would leave less than is promised");
        return (balance with { OnHand = onHand, Reserved = reserved, InTransit = inTransit }, null);
    }

    /// <summary>
    /// The ledger check: every balance equals the sum of its movements. Answers the differences (empty when the books agree).
    /// </summary>
    public static IReadOnlyList<LedgerDifference> Check(IEnumerable<StockBalance> balances, IEnumerable<(string Sku, string Warehouse, StockDelta Sum)> movementSums)
    {
        var sums = movementSums.ToDictionary(m => (m.Sku, m.Warehouse), m => m.Sum);
        var differences = new List<LedgerDifference>();
        var seen = new HashSet<(string, string)>();
        foreach (var b in balances)
        {
            seen.Add((b.Sku, b.Warehouse));
            var sum = sums.GetValueOrDefault((b.Sku, b.Warehouse));
            if (sum != new StockDelta(b.OnHand, b.Reserved, b.InTransit))
                differences.Add(new LedgerDifference(b.Sku, b.Warehouse, new StockDelta(b.OnHand, b.Reserved, b.InTransit), sum));
        }
        foreach (var ((sku, warehouse), sum) in sums)
            if (!seen.Contains((sku, warehouse)) && !sum.IsZero)
                differences.Add(new LedgerDifference(sku, warehouse, default, sum));
        return differences;
    }
}

public sealed record LedgerDifference(string Sku, string Warehouse, StockDelta Balance, StockDelta Ledger);
