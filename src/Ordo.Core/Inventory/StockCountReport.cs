using Ordo.Core.Orders;

namespace Ordo.Core.Inventory;

/// <summary>One row of a stock-count import: units of a SKU counted in a warehouse.</summary>
public sealed record CountedStock(string Sku, string Warehouse, int Counted);

/// <summary>
/// One (SKU, warehouse) of a count: on hand in the system, counted, counted − system, and that difference as a percent
/// of the system's on hand (rounded to two decimals; system 0 and counted above 0 is 100%, both 0 is 0%).
/// </summary>
public sealed record CountDifferenceLine(string Sku, string Warehouse, int System, int Counted, int Difference, decimal DifferencePercent, bool ExceedsThreshold);

/// <summary>All lines added up: <see cref="Difference"/> is net (gains less losses), <see cref="AbsoluteDifference"/> adds both.</summary>
public sealed record CountTotal(int System, int Counted, int Difference, int AbsoluteDifference, decimal DifferencePercent, bool ExceedsThreshold);

/// <summary>
/// A stock count compared with the system: every counted (SKU, warehouse) line, the Count movements that would make
/// on hand equal what was counted (none for a line without a difference), the total, and whether to alert and why.
/// Rows that could not be compared (a negative count) are listed in <see cref="Rejected"/> and take no part.
/// </summary>
public sealed record StockCountReport(
    IReadOnlyList<CountDifferenceLine> Lines, IReadOnlyList<StockMovement> Movements, CountTotal Total, bool Alert,
    IReadOnlyList<string> Reasons, IReadOnlyList<string> Rejected);

/// <summary>The stock-count comparison, as a pure function.</summary>
public static class StockCount
{
    /// <summary>Ordo's default alert threshold: a difference above 3% of the system's on hand.</summary>
    public const decimal DefaultThresholdPercent = 3m;

    /// <summary>
    /// Compares <paramref name="counted"/> (rows of one (SKU, warehouse) add up) with <paramref name="systemOnHand"/>
    /// (a (SKU, warehouse) missing there has 0 on hand). A line alerts when its absolute difference is above
    /// <paramref name="thresholdPercent"/> of its system on hand (any difference when the system has 0); the count as a
    /// whole alerts when its net difference is above <paramref name="totalThresholdPercent"/> (default: the line threshold)
    /// of the total on hand. Only counted (SKU, warehouse) pairs are compared: a partial count says nothing of the rest.
    /// The movements are booked against <paramref name="countNo"/> by <paramref name="actor"/> at <paramref name="countedAt"/>.
    /// </summary>
    public static StockCountReport Compare(
        IEnumerable<CountedStock> counted, IReadOnlyDictionary<(string Sku, string Warehouse), int> systemOnHand,
        string countNo, Actor actor, DateTimeOffset countedAt,
        decimal thresholdPercent = DefaultThresholdPercent, decimal? totalThresholdPercent = null)
    {
        if (thresholdPercent < 0) throw new ArgumentOutOfRangeException(nameof(thresholdPercent), thresholdPercent, "A threshold is not negative.");
        if (totalThresholdPercent < 0) throw new ArgumentOutOfRangeException(nameof(totalThresholdPercent), totalThresholdPercent, "A threshold is not negative.");
        var totalThreshold = totalThresholdPercent ?? thresholdPercent;

        var rejected = new List<string>();
        var sums = new Dictionary<(string Sku, string Warehouse), int>();
        var order = new List<(string Sku, string Warehouse)>();
        foreach (var row in counted)
        {
            if (row.Counted < 0) { rejected.Add($"{row.Sku} in {row.Warehouse}: counted {row.Counted} is negative"); continue; }
            var key = (row.Sku, row.Warehouse);
            if (!sums.TryGetValue(key, out var sum)) order.Add(key);
            sums[key] = checked(sum + row.Counted);
        }

        var lines = new List<CountDifferenceLine>(order.Count);
        var movements = new List<StockMovement>();
        var reasons = new List<string>();
        foreach (var key in order)
        {
            var system = systemOnHand.GetValueOrDefault(key);
            var count = sums[key];
            var difference = count - system;
            var exceeds = Exceeds(difference, system, thresholdPercent);
            lines.Add(new CountDifferenceLine(key.Sku, key.Warehouse, system, count, difference, PercentOf(difference, system), exceeds));
            if (exceeds)
                reasons.Add($"{key.Sku} in {key.Warehouse}: counted {count}, system {system}, difference {difference:+#;-#;0} is more than {thresholdPercent}% of system on hand");
            if (difference != 0)
                movements.Add(new StockMovement(key.Sku, key.Warehouse, MovementKind.Count, StockLedger.DeltaOf(MovementKind.Count, difference),
                    $"stock count {countNo}: system {system}, counted {count}", actor, countNo, countedAt));
        }

        var totalSystem = lines.Sum(l => l.System);
        var totalCounted = lines.Sum(l => l.Counted);
        var net = totalCounted - totalSystem;
        var totalExceeds = Exceeds(net, totalSystem, totalThreshold);
        if (totalExceeds)
            reasons.Add($"total: counted {totalCounted}, system {totalSystem}, difference {net:+#;-#;0} is more than {totalThreshold}% of system on hand");
        var total = new CountTotal(totalSystem, totalCounted, net, lines.Sum(l => Math.Abs(l.Difference)), PercentOf(net, totalSystem), totalExceeds);
        return new StockCountReport(lines, movements, total, reasons.Count > 0, reasons, rejected);
    }

    /// <summary>|difference| above <paramref name="thresholdPercent"/> of <paramref name="system"/>, compared exactly (no rounding).</summary>
    private static bool Exceeds(int difference, int system, decimal thresholdPercent) =>
        Math.Abs((decimal)difference) * 100 > thresholdPercent * system;

    private static decimal PercentOf(int difference, int system) =>
        system == 0 ? (difference == 0 ? 0m : 100m * Math.Sign(difference)) : decimal.Round(difference * 100m / system, 2, MidpointRounding.AwayFromZero);
}
