namespace Ordo.Core.Inventory;

/// <summary>
/// The stock held back from selling per SKU (and warehouse): a fixed number of units, or a share of what is on hand.
/// A share is kept in basis points (1/100 of a percent) and rounds up, so a 5% buffer on 10 units keeps 1 back:
/// rounding down would let the last unit of a small stock be sold before anyone looks at it.
/// </summary>
public readonly record struct SafetyBuffer
{
    public const int MaxBasisPoints = 10_000;

    private SafetyBuffer(SafetyBufferKind kind, int value) => (Kind, Value) = (kind, value);

    public SafetyBufferKind Kind { get; }
    /// <summary>Units for <see cref="SafetyBufferKind.Absolute"/>; basis points of on hand for <see cref="SafetyBufferKind.Percent"/>.</summary>
    public int Value { get; }

    /// <summary>Ordo's default: 5% of on hand.</summary>
    public static SafetyBuffer Default { get; } = new(SafetyBufferKind.Percent, 500);
    public static SafetyBuffer None { get; } = new(SafetyBufferKind.Absolute, 0);

    public static SafetyBuffer Units(int units) =>
        units >= 0 ? new(SafetyBufferKind.Absolute, units) : throw new ArgumentOutOfRangeException(nameof(units), units, "A safety buffer cannot be negative.");

    /// <summary>A share of on hand, e.g. 5 or 2.5 (percent, at most two decimals, 0 to 100).</summary>
    public static SafetyBuffer Percent(decimal percent)
    {
        if (percent is < 0 or > 100) throw new ArgumentOutOfRangeException(nameof(percent), percent, "A safety buffer share is between 0 and 100 percent.");
        var basisPoints = percent * 100;
        if (basisPoints != decimal.Truncate(basisPoints)) throw new ArgumentOutOfRangeException(nameof(percent), percent, "A safety buffer share has at most two decimals.");
        return new(SafetyBufferKind.Percent, (int)basisPoints);
    }

    /// <summary>Rebuilds a stored buffer; returns false for values no buffer can have.</summary>
    public static bool TryRestore(SafetyBufferKind kind, int value, out SafetyBuffer buffer)
    {
        buffer = new(kind, value);
        return value >= 0 && (kind == SafetyBufferKind.Absolute || value <= MaxBasisPoints) && Enum.IsDefined(kind);
    }

    /// <summary>Units held back when <paramref name="onHand"/> units are on hand (never more than on hand, never negative).</summary>
    public int UnitsFor(int onHand)
    {
        if (onHand <= 0) return 0;
        var units = Kind == SafetyBufferKind.Absolute ? Value : (int)(((long)onHand * Value + MaxBasisPoints - 1) / MaxBasisPoints);
        return Math.Min(units, onHand);
    }

    public decimal PercentValue => Kind == SafetyBufferKind.Percent ? Value / 100m : 0m;

    public override string ToString() => Kind == SafetyBufferKind.Absolute ? $"{Value} units" : $"{PercentValue.ToString(System.Globalization.CultureInfo.InvariantCulture)}%";
}

public enum SafetyBufferKind { Absolute, Percent }

/// <summary>
/// How much of the stock on its way to a warehouse may be promised before it arrives, in thousandths
/// (800 = 0.8: of 20 units arriving, 16 count). Rounds down: a unit that may not come is not promised.
/// </summary>
public readonly record struct ArrivalCoefficient
{
    public const int Scale = 1000;

    private ArrivalCoefficient(int thousandths) => Thousandths = thousandths;

    public int Thousandths { get; }

    /// <summary>Ordo's default: stock in transit is not promised until it arrives.</summary>
    public static ArrivalCoefficient Default { get; } = new(0);

    public static ArrivalCoefficient Of(decimal coefficient)
    {
        if (coefficient is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(coefficient), coefficient, "An arrival coefficient is between 0 and 1.");
        var thousandths = coefficient * Scale;
        if (thousandths != decimal.Truncate(thousandths)) throw new ArgumentOutOfRangeException(nameof(coefficient), coefficient, "An arrival coefficient has at most three decimals.");
        return new((int)thousandths);
    }

    public static bool TryRestore(int thousandths, out ArrivalCoefficient coefficient)
    {
        coefficient = new(thousandths);
        return thousandths is >= 0 and <= Scale;
    }

    public decimal Value => Thousandths / (decimal)Scale;

    public int CountedOf(int inTransit) => inTransit <= 0 ? 0 : (int)((long)inTransit * Thousandths / Scale);
}

/// <summary>
/// Stock of one SKU in one warehouse as the ledger's movements add up: units on hand (physically there), reserved
/// (promised to orders, not yet shipped) and in transit (on the way in). None of the three is ever negative.
/// Available to promise = on hand − reserved − safety buffer + in transit × arrival coefficient
/// (100 on hand, 30 reserved, 20 arriving at 0.8: 86 before the buffer).
/// </summary>
public sealed record StockBalance(
    string Sku, string Warehouse, int OnHand, int Reserved, int InTransit, SafetyBuffer Buffer, ArrivalCoefficient Arrival)
{
    public int Version { get; init; }

    public int BufferUnits => Buffer.UnitsFor(OnHand);
    public int CountedInTransit => Arrival.CountedOf(InTransit);
    public int AtpBeforeBuffer => OnHand - Reserved + CountedInTransit;

    /// <summary>Available to promise; may be negative when the buffer or a count left less than is reserved (then nothing can be promised).</summary>
    public int Atp => AtpBeforeBuffer - BufferUnits;

    /// <summary>What can still be promised: <see cref="Atp"/>, never below zero.</summary>
    public int Promisable => Math.Max(0, Atp);

    public static StockBalance Empty(string sku, string warehouse, SafetyBuffer buffer, ArrivalCoefficient arrival) =>
        new(sku, warehouse, 0, 0, 0, buffer, arrival);
}
