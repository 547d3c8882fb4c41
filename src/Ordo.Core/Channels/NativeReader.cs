using System.Globalization;
using System.Text.Json;
using Ordo.Core.Common;
using Ordo.Core.Orders;

namespace Ordo.Core.Channels;

/// <summary>
/// Reads values out of a platform's native JSON the way the platforms send them, collecting every problem as a
/// <see cref="FieldError"/> with the native JSON path instead of throwing. Each method returns null when the value is
/// absent or wrong (and records an error when it was required or wrong). Shared by all adapters so that money units,
/// time forms and error wording are handled one way.
/// </summary>
public sealed class NativeReader
{
    private readonly List<FieldError> _errors = [];

    public IReadOnlyList<FieldError> Errors => _errors;
    public bool Failed => _errors.Count > 0;

    public void Error(string path, string reason, JsonElement? fragment = null) =>
        _errors.Add(new FieldError(path, reason, fragment is { } f ? Fragment(f) : null));

    public void Error(string path, string reason, string? fragment) => _errors.Add(new FieldError(path, reason, fragment is null ? null : Fragment(fragment)));

    public static string Fragment(JsonElement e) => Fragment(e.GetRawText());
    public static string Fragment(string raw) => raw.Length <= 200 ? raw : raw[..200] + "…";

    public static string Path(string parent, string name) => parent.Length == 0 ? name : $"{parent}.{name}";

    /// <summary>The property, or null when absent or JSON null.</summary>
    public static JsonElement? Get(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var e) && e.ValueKind != JsonValueKind.Null ? e : null;

    public JsonElement? Object(JsonElement obj, string name, string parent, bool required = false)
    {
        var path = Path(parent, name);
        if (Get(obj, name) is not { } e) { if (required) Error(path, "is required"); return null; }
        if (e.ValueKind != JsonValueKind.Object) { Error(path, "must be an object", e); return null; }
        return e;
    }

    public JsonElement? Array(JsonElement obj, string name, string parent, bool required = false)
    {
        var path = Path(parent, name);
        if (Get(obj, name) is not { } e) { if (required) Error(path, "is required"); return null; }
        if (e.ValueKind != JsonValueKind.Array) { Error(path, "must be an array", e); return null; }
        return e;
    }

    /// <summary>A string; numbers are taken as their text (platform ids are often numbers). Empty text counts as absent.</summary>
    public string? String(JsonElement obj, string name, string parent, bool required = false, int maxLength = 2000)
    {
        var path = Path(parent, name);
        if (Get(obj, name) is not { } e) { if (required) Error(path, "is required"); return null; }
        string text;
        if (e.ValueKind == JsonValueKind.String) text = e.GetString()!.Trim();
        else if (e.ValueKind == JsonValueKind.Number) text = e.GetRawText();
        else { Error(path, "must be a string", e); return null; }
        if (text.Length == 0) { if (required) Error(path, "is required (empty)", e); return null; }
        if (text.Length > maxLength) { Error(path, $"is {text.Length} characters long, at most {maxLength} are accepted", e); return null; }
        return text;
    }

    /// <summary>A whole number given as a JSON number or a numeric string.</summary>
    public long? Integer(JsonElement obj, string name, string parent, bool required = false)
    {
        var path = Path(parent, name);
        if (Get(obj, name) is not { } e) { if (required) Error(path, "is required"); return null; }
        if (e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var n)) return n;
        if (e.ValueKind == JsonValueKind.String && long.TryParse(e.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out n)) return n;
        Error(path, "must be a whole number", e);
        return null;
    }

    /// <summary>A quantity: a whole number from 1 to 1,000,000 (number or numeric string).</summary>
    public int? Quantity(JsonElement obj, string name, string parent)
    {
        var path = Path(parent, name);
        var n = Integer(obj, name, parent, required: true);
        if (n is null) return null;
        if (n is < 1 or > CanonicalOrderParser.MaxQuantity) { Error(path, $"must be from 1 to {CanonicalOrderParser.MaxQuantity}", Get(obj, name)); return null; }
        return (int)n;
    }

    /// <summary>Yuan as a decimal string ("200.07") or a JSON number (4.5); more than 2 decimals is refused, never rounded.</summary>
    public decimal? Yuan(JsonElement obj, string name, string parent, bool required = false)
    {
        var path = Path(parent, name);
        if (Get(obj, name) is not { } e) { if (required) Error(path, "is required"); return null; }
        decimal value;
        if (e.ValueKind == JsonValueKind.Number)
        {
            if (!e.TryGetDecimal(out value)) { Error(path, "is not a decimal amount", e); return null; }
        }
        else if (e.ValueKind == JsonValueKind.String)
        {
            var text = e.GetString()!.Trim();
            if (text.Length == 0) { if (required) Error(path, "is required (empty)", e); return null; }
            if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value))
            { Error(path, "is not a yuan amount such as \"99.00\"", e); return null; }
        }
        else { Error(path, "must be a yuan amount (string or number)", e); return null; }
        return Checked(path, value, e);
    }

    /// <summary>Fen (1/100 yuan) as a whole number (number or numeric string), converted to yuan.</summary>
    public decimal? Fen(JsonElement obj, string name, string parent, bool required = false)
    {
        var path = Path(parent, name);
        if (Get(obj, name) is not { } e) { if (required) Error(path, "is required"); return null; }
        long fen;
        if (e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out fen)) { }
        else if (e.ValueKind == JsonValueKind.String && long.TryParse(e.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out fen)) { }
        else { Error(path, "must be a whole number of fen", e); return null; }
        return Checked(path, fen / 100m, e);
    }

    /// <summary>Decimal money in the order's currency as a string or number (Shopify, WooCommerce).</summary>
    public decimal? Decimal(JsonElement obj, string name, string parent, bool required = false) => Yuan(obj, name, parent, required);

    private decimal? Checked(string path, decimal value, JsonElement e)
    {
        if (Amounts.Check(value) is { } reason) { Error(path, $"amount {reason}", e); return null; }
        return decimal.Round(value, 2);
    }

    private static readonly string[] ChinaFormats = ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFF", "yyyy/MM/dd HH:mm:ss"];

    /// <summary>
    /// China time without an offset (<c>yyyy-MM-dd HH:mm:ss</c>, GMT+8 as the Chinese platforms document), as UTC.
    /// <paramref name="nullValues"/> are placeholders a platform uses for "not yet" (JD's <c>0001-01-01 00:00:00</c>).
    /// </summary>
    public DateTimeOffset? ChinaTime(JsonElement obj, string name, string parent, bool required = false, params string[] nullValues)
    {
        var path = Path(parent, name);
        if (Get(obj, name) is not { } e) { if (required) Error(path, "is required"); return null; }
        if (e.ValueKind != JsonValueKind.String) { Error(path, "must be a time such as \"2025-03-01 10:02:11\" (China time)", e); return null; }
        var text = e.GetString()!.Trim();
        if (text.Length == 0 || nullValues.Contains(text)) { if (required) Error(path, "is required", e); return null; }
        if (DateTime.TryParseExact(text, ChinaFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
            return new DateTimeOffset(local, Orders.ChinaTime.Offset).ToUniversalTime();
        Error(path, "is not a time of the form yyyy-MM-dd HH:mm:ss (China time)", e);
        return null;
    }

    /// <summary>Unix seconds (number or numeric string); 0 means "not yet".</summary>
    public DateTimeOffset? UnixSeconds(JsonElement obj, string name, string parent, bool required = false) =>
        Epoch(obj, name, parent, required, millis: false);

    /// <summary>Unix milliseconds (number or numeric string); 0 means "not yet".</summary>
    public DateTimeOffset? UnixMillis(JsonElement obj, string name, string parent, bool required = false) =>
        Epoch(obj, name, parent, required, millis: true);

    private DateTimeOffset? Epoch(JsonElement obj, string name, string parent, bool required, bool millis)
    {
        var path = Path(parent, name);
        var n = Integer(obj, name, parent, required);
        if (n is null) return null;
        if (n == 0) { if (required) Error(path, "is required (0)", Get(obj, name)); return null; }
        // Seconds between 2000 and 2100; a value in milliseconds where seconds are documented (or the reverse) is refused.
        var (min, max) = millis ? (946_684_800_000L, 4_102_444_800_000L) : (946_684_800L, 4_102_444_800L);
        if (n < min || n > max) { Error(path, $"is not a unix time in {(millis ? "milliseconds" : "seconds")} between 2000 and 2100", Get(obj, name)); return null; }
        return millis ? DateTimeOffset.FromUnixTimeMilliseconds(n.Value) : DateTimeOffset.FromUnixTimeSeconds(n.Value);
    }

    private static readonly string[] IsoFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mmK",
        "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm:ss",
    ];

    /// <summary>ISO 8601 with an offset (Shopify, WooCommerce's <c>_gmt</c> fields read with <paramref name="assumeUtc"/>).</summary>
    public DateTimeOffset? IsoTime(JsonElement obj, string name, string parent, bool required = false, bool assumeUtc = false)
    {
        var path = Path(parent, name);
        if (Get(obj, name) is not { } e) { if (required) Error(path, "is required"); return null; }
        if (e.ValueKind != JsonValueKind.String) { Error(path, "must be an ISO 8601 time", e); return null; }
        var text = e.GetString()!.Trim();
        if (text.Length == 0) { if (required) Error(path, "is required", e); return null; }
        var hasOffset = text.EndsWith('Z') || text.Length > 19 && (text[^6] is '+' or '-') && text[^3] == ':';
        if (!hasOffset && !assumeUtc) { Error(path, "has no UTC offset; refusing to guess the zone", e); return null; }
        // ISO 8601 only: a lenient parse would read "01/03/2025 10:02" as some month and day.
        if (DateTimeOffset.TryParseExact(text, IsoFormats, CultureInfo.InvariantCulture,
                (assumeUtc ? DateTimeStyles.AssumeUniversal : DateTimeStyles.None) | DateTimeStyles.AllowWhiteSpaces, out var value))
            return value.ToUniversalTime();
        Error(path, "is not an ISO 8601 time", e);
        return null;
    }

    public ParseResult<CanonicalOrder> Fail() => ParseResult<CanonicalOrder>.Fail(_errors.ToList());

    /// <summary>Finishes a parse: the order when no error was recorded, else every error.</summary>
    public ParseResult<CanonicalOrder> Result(Func<CanonicalOrder> build) =>
        _errors.Count > 0 ? Fail() : ParseResult<CanonicalOrder>.Ok(build());
}

/// <summary>Recognises masked and encrypted personal data so that a mask is never stored as the real value.</summary>
public static class PersonalData
{
    /// <summary>A masked value: contains runs of '*' (e.g. <c>138****5678</c>, <c>张*</c>).</summary>
    public static bool IsMasked(string? value) => value is not null && value.Contains('*');

    /// <summary>
    /// Platform ciphertext: Taobao's <c>$…$…$1$$</c> style and Douyin's <c>$$…$1$$</c> (phone) and <c>##…#1##</c>
    /// (name, address); Youzan's <c>$…$1$</c>; placeholders such as <c>&lt;encrypted&gt;</c> in documentation samples.
    /// </summary>
    public static bool IsCiphertext(string? value) =>
        value is { Length: > 2 } v && (
            (v[0] == '$' && v[^1] == '$') || (v.StartsWith("##", StringComparison.Ordinal) && v.EndsWith("##", StringComparison.Ordinal))
            || v is "<encrypted>" or "<cipher>" or "(加密)");

    /// <summary>Splits a raw value into (plain, masked, encrypted): exactly one is non-null, or none for an empty value.</summary>
    public static (string? Plain, string? Masked, string? Encrypted) Classify(string? value) =>
        string.IsNullOrWhiteSpace(value) ? (null, null, null)
        : IsCiphertext(value) ? (null, null, value)
        : IsMasked(value) ? (null, value, null)
        : (value, null, null);
}

/// <summary>Rules every adapter applies to a platform's money figures.</summary>
public static class ChannelAmounts
{
    /// <summary>
    /// The order's total discount such that goods + freight − discount = paid: platforms report their discounts in
    /// pieces (coupons, promotions, a seller's price change) that rarely sum to the whole, while what the buyer paid is
    /// authoritative. When the figures would give a negative discount (tax or fees on top, a price raised by hand),
    /// the platform's own discount is kept and Ordo's intake checks hold the order for a person.
    /// </summary>
    public static decimal DiscountThatAddsUp(decimal goods, decimal freight, decimal paid, decimal documented)
    {
        var difference = goods + freight - paid;
        return difference >= 0 ? difference : documented;
    }
}
