namespace Ordo.Core.Common;

/// <summary>
/// Rules for money amounts as Ordo stores them: <c>decimal(12,2)</c> in the order's currency (yuan for CNY, never fen),
/// so at most two decimals and at most 9,999,999,999.99 in magnitude. Values are never rounded silently: an amount
/// with more precision is refused, because a platform sending 99.005 is a bug someone must look at.
/// </summary>
public static class Amounts
{
    public const decimal Max = 9_999_999_999.99m;

    /// <summary>Returns null when <paramref name="value"/> fits <c>decimal(12,2)</c>, else the reason it does not.</summary>
    public static string? Check(decimal value, bool allowNegative = false)
    {
        if (!allowNegative && value < 0) return "must not be negative";
        if (Math.Abs(value) > Max) return $"exceeds the largest storable amount {Max.ToString(System.Globalization.CultureInfo.InvariantCulture)} (decimal(12,2))";
        if (value.Scale > 2 && decimal.Round(value, 2) != value) return "has more than 2 decimal places";
        return null;
    }
}

/// <summary>An amount together with its ISO 4217 currency; arithmetic across currencies is a bug and throws.</summary>
public readonly record struct Money
{
    public decimal Amount { get; }
    public string Currency { get; }

    public Money(decimal amount, string currency)
    {
        if (Amounts.Check(amount, allowNegative: true) is { } reason) throw new ArgumentOutOfRangeException(nameof(amount), amount, $"Amount {reason}.");
        if (!Currencies.IsValidCode(currency)) throw new ArgumentException($"'{currency}' is not an ISO 4217 currency code.", nameof(currency));
        Amount = decimal.Round(amount, 2);
        Currency = currency;
    }

    public static Money operator +(Money a, Money b) => new(a.Amount + b.Amount, SameCurrency(a, b));
    public static Money operator -(Money a, Money b) => new(a.Amount - b.Amount, SameCurrency(a, b));

    private static string SameCurrency(Money a, Money b) =>
        a.Currency == b.Currency ? a.Currency : throw new InvalidOperationException($"Cannot combine {a.Currency} and {b.Currency}.");

    public override string ToString() => $"{Amount.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)} {Currency}";
}

public static class Currencies
{
    /// <summary>Three upper-case ASCII letters; Ordo does not restrict the list, platforms add currencies over time.</summary>
    public static bool IsValidCode(string? code) =>
        code is { Length: 3 } && code.All(c => c is >= 'A' and <= 'Z');
}
