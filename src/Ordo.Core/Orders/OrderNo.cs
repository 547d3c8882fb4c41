using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Ordo.Core.Orders;

/// <summary>
/// Ordo's global order number: <c>{channel code, 2 letters}{yyyyMMdd, China date}{daily sequence per channel,
/// at least 5 digits}{check character}</c>, e.g. <c>DY2026022200872A</c>. The check character is the Luhn mod 36
/// check character over the alphabet <c>0-9A-Z</c> of every preceding character, so a mistyped digit or two swapped
/// neighbours are caught before a database look-up. An <see cref="OrderNo"/> value is always well formed.
/// </summary>
public readonly record struct OrderNo
{
    public const int MinSequenceDigits = 5;
    public const int MaxSequenceDigits = 9;
    public const int MinLength = 2 + 8 + MinSequenceDigits + 1;
    public const int MaxLength = 2 + 8 + MaxSequenceDigits + 1;

    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

    public string Value { get; }

    private OrderNo(string value) => Value = value;

    public string ChannelCode => Value[..2];
    public DateOnly Date => DateOnly.ParseExact(Value.AsSpan(2, 8), "yyyyMMdd", CultureInfo.InvariantCulture);
    public long Sequence => long.Parse(Value.AsSpan(10, Value.Length - 11), CultureInfo.InvariantCulture);

    public static OrderNo Create(string channelCode, DateOnly chinaDate, long sequence)
    {
        if (!Platforms.ChannelCodes.Contains(channelCode)) throw new ArgumentException($"Unknown channel code '{channelCode}'.", nameof(channelCode));
        if (sequence < 0 || sequence > 999_999_999) throw new ArgumentOutOfRangeException(nameof(sequence), sequence, "Sequence must fit 9 digits.");
        var body = channelCode + chinaDate.ToString("yyyyMMdd", CultureInfo.InvariantCulture)
                   + sequence.ToString(CultureInfo.InvariantCulture).PadLeft(MinSequenceDigits, '0');
        return new OrderNo(body + CheckCharacter(body));
    }

    /// <summary>Parses an order number; never throws. On failure <paramref name="error"/> names the problem.</summary>
    public static bool TryParse(string? text, out OrderNo orderNo, [NotNullWhen(false)] out string? error)
    {
        orderNo = default;
        if (string.IsNullOrEmpty(text)) { error = "order number is empty"; return false; }
        if (text.Length is < MinLength or > MaxLength)
        {
            error = $"wrong length: '{text}' has {text.Length} characters, an order number has {MinLength} to {MaxLength}";
            return false;
        }
        foreach (var c in text)
        {
            if (Alphabet.IndexOf(c) < 0)
            {
                error = $"character '{c}' is not allowed: an order number uses only 0-9 and upper-case A-Z";
                return false;
            }
        }
        var channel = text[..2];
        if (!Platforms.ChannelCodes.Contains(channel)) { error = $"unknown channel code '{channel}'"; return false; }
        if (!DateOnly.TryParseExact(text.AsSpan(2, 8), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            error = $"date part '{text.Substring(2, 8)}' is not a valid yyyyMMdd date";
            return false;
        }
        for (var i = 10; i < text.Length - 1; i++)
        {
            if (!char.IsAsciiDigit(text[i])) { error = $"sequence part '{text[10..^1]}' must be digits only"; return false; }
        }
        var expected = CheckCharacter(text.AsSpan(0, text.Length - 1));
        if (text[^1] != expected)
        {
            error = $"bad check character: '{text[^1]}' does not match the Luhn mod 36 check character '{expected}'";
            return false;
        }
        orderNo = new OrderNo(text);
        error = null;
        return true;
    }

    public static OrderNo Parse(string text) =>
        TryParse(text, out var orderNo, out var error) ? orderNo : throw new FormatException(error);

    /// <summary>Luhn mod N (N = 36): double every second code point from the right, fold, and complete to 0 mod N.</summary>
    public static char CheckCharacter(ReadOnlySpan<char> body)
    {
        const int n = 36;
        var factor = 2;
        var sum = 0;
        for (var i = body.Length - 1; i >= 0; i--)
        {
            var codePoint = Alphabet.IndexOf(body[i]);
            if (codePoint < 0) throw new ArgumentException($"'{body[i]}' is outside 0-9A-Z.", nameof(body));
            var addend = factor * codePoint;
            factor = factor == 2 ? 1 : 2;
            sum += addend / n + addend % n;
        }
        return Alphabet[(n - sum % n) % n];
    }

    public override string ToString() => Value;
}
