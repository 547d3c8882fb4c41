using System.Globalization;
using System.Text.Json;
using Ordo.Core.Common;

namespace Ordo.Core.Orders;

/// <summary>The outcome of parsing a payload: the value, or every field error found (never an exception).</summary>
public sealed record ParseResult<T>(T? Value, IReadOnlyList<FieldError> Errors) where T : class
{
    public bool Succeeded => Value is not null && Errors.Count == 0;
    public static ParseResult<T> Ok(T value) => new(value, []);
    public static ParseResult<T> Fail(IReadOnlyList<FieldError> errors) => new(null, errors);
}

/// <summary>
/// Reads the public canonical order JSON (README, "Canonical order"). Never throws: every problem found is reported
/// with its JSON path, the reason and the raw fragment. Money may be a JSON number or a decimal string and must fit
/// <c>decimal(12,2)</c>; instants are ISO 8601 and need an offset unless the platform documents its local zone
/// (China time for the Chinese platforms), in which case an offset-less time is read in that zone.
/// </summary>
public static class CanonicalOrderParser
{
    public const int MaxLines = 500;
    public const int MaxIdLength = 64;
    public const int MaxTextLength = 2000;
    public const int MaxQuantity = 1_000_000;

    public static ParseResult<CanonicalOrder> Parse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return Parse(document.RootElement);
        }
        catch (JsonException ex)
        {
            return ParseResult<CanonicalOrder>.Fail([new FieldError("$", $"not valid JSON: {ex.Message}", Fragment(json))]);
        }
    }

    public static ParseResult<CanonicalOrder> Parse(JsonElement root)
    {
        var r = new Reader();
        if (root.ValueKind != JsonValueKind.Object)
            return ParseResult<CanonicalOrder>.Fail([new FieldError("$", "an order must be a JSON object", Fragment(root))]);

        var platformText = r.RequiredString(root, "platform", 32);
        Platform platform = default;
        var platformKnown = platformText is not null && Platforms.TryParse(platformText, out platform);
        if (platformText is not null && !platformKnown)
            r.Error("platform", $"unknown platform; expected one of: {string.Join(", ", Platforms.Names)}", platformText);

        var shopCode = r.RequiredString(root, "shopCode", MaxIdLength);
        var platformOrderId = r.RequiredString(root, "platformOrderId", MaxIdLength);

        var statusText = r.RequiredString(root, "status", 32);
        OrderStatus status = default;
        if (statusText is not null)
        {
            if (!OrderStatuses.TryParse(statusText, out status))
                r.Error("status", $"unknown status; expected one of: {string.Join(", ", OrderStatuses.Names)}", statusText);
            else if (status == OrderStatus.OnHold)
                r.Error("status", "OnHold is set by Ordo's checks and people, a channel cannot send it", statusText);
        }

        var zone = platformKnown ? platform.DocumentedLocalOffset() : null;
        var zoneLabel = platformKnown ? platform.Name() : platformText ?? "(unknown)";
        var createdAt = r.Instant(root, "createdAt", zone, zoneLabel, required: true);
        var paidAt = r.Instant(root, "paidAt", zone, zoneLabel, required: false);
        var modifiedAt = r.Instant(root, "platformModifiedAt", zone, zoneLabel, required: false);

        var currency = r.OptionalString(root, "currency", 3) ?? "CNY";
        if (!Currencies.IsValidCode(currency)) r.Error("currency", "must be a 3-letter upper-case ISO 4217 code such as CNY", currency);

        Buyer? buyer = null;
        if (r.OptionalObject(root, "buyer") is { } b)
            buyer = new Buyer(r.OptionalString(b, "nick", 128, "buyer."), r.OptionalString(b, "platformBuyerId", 128, "buyer."));

        Receiver? receiver = null;
        if (r.OptionalObject(root, "receiver") is { } rc)
        {
            const string p = "receiver.";
            receiver = new Receiver(
                r.OptionalString(rc, "name", 256, p), r.OptionalString(rc, "phone", 256, p), r.OptionalString(rc, "province", 64, p),
                r.OptionalString(rc, "city", 64, p), r.OptionalString(rc, "district", 64, p), r.OptionalString(rc, "street", 64, p),
                r.OptionalString(rc, "address", 1024, p), r.OptionalString(rc, "postalCode", 16, p))
            { IdCard = r.OptionalString(rc, "idCard", 64, p)?.ToUpperInvariant() };
            if (receiver.IdCard is { } idCard && !IdCards.IsWellFormed(idCard))
                r.Error(p + "idCard", "must be an ID-card number of 18 characters (or the old 15): digits, the last of 18 may be X",
                    Privacy.PersonalDataMasks.IdCard(idCard));   // rejected payloads' reasons are stored in clear: never the number itself
            // A mask sent as if it were the value is refused: it would be shown and searched as real data.
            foreach (var (field, value) in new[] { ("name", receiver.Name), ("phone", receiver.Phone), ("address", receiver.Address) })
                if (value is not null && (value.Contains('*') || value.StartsWith('$') || value.StartsWith("##", StringComparison.Ordinal)))
                    r.Error(p + field, "looks masked or encrypted; send it in receiverPrivacy (maskedX / encryptedX) instead", value);
        }

        ReceiverPrivacy? privacy = null;
        if (r.OptionalObject(root, "receiverPrivacy") is { } rp)
        {
            const string p = "receiverPrivacy.";
            privacy = new ReceiverPrivacy(
                r.OptionalString(rp, "maskedName", 256, p), r.OptionalString(rp, "maskedPhone", 64, p), r.OptionalString(rp, "maskedAddress", 1024, p),
                r.OptionalString(rp, "encryptedName", 2048, p), r.OptionalString(rp, "encryptedPhone", 2048, p), r.OptionalString(rp, "encryptedAddress", 4096, p));
            if (privacy.IsEmpty) privacy = null;
        }

        var lines = new List<OrderLine>();
        if (!root.TryGetProperty("lines", out var linesElement) || linesElement.ValueKind == JsonValueKind.Null)
            r.Error("lines", "is required: an order needs at least one line", null);
        else if (linesElement.ValueKind != JsonValueKind.Array)
            r.Error("lines", "must be an array", Fragment(linesElement));
        else if (linesElement.GetArrayLength() == 0)
            r.Error("lines", "must contain at least one line", "[]");
        else if (linesElement.GetArrayLength() > MaxLines)
            r.Error("lines", $"has {linesElement.GetArrayLength()} lines, at most {MaxLines} are accepted", null);
        else
        {
            var i = 0;
            foreach (var line in linesElement.EnumerateArray())
            {
                var p = $"lines[{i++}].";
                if (line.ValueKind != JsonValueKind.Object) { r.Error(p.TrimEnd('.'), "must be an object", Fragment(line)); continue; }
                var quantity = r.Quantity(line, "quantity", p);
                var unitPrice = r.Money(line, "unitPrice", p, required: true);
                var discount = r.Money(line, "discount", p, required: false) ?? 0m;
                lines.Add(new OrderLine(
                    r.OptionalString(line, "platformSkuId", MaxIdLength, p), r.OptionalString(line, "sku", MaxIdLength, p),
                    r.OptionalString(line, "title", 512, p) ?? "", quantity ?? 0, unitPrice ?? 0m, discount));
            }
        }

        OrderAmounts? amounts = null;
        if (r.OptionalObject(root, "amounts") is { } a)
        {
            const string p = "amounts.";
            var goods = r.Money(a, "goods", p, required: true);
            var freight = r.Money(a, "freight", p, required: false) ?? 0m;
            var discount = r.Money(a, "discount", p, required: false) ?? 0m;
            var paid = r.Money(a, "paid", p, required: true);
            amounts = new OrderAmounts(goods ?? 0m, freight, discount, paid ?? 0m);
        }
        else if (!r.HasErrorFor("amounts"))
        {
            r.Error("amounts", "is required: goods, freight, discount and paid", null);
        }

        var tags = new List<string>();
        if (root.TryGetProperty("tags", out var tagsElement) && tagsElement.ValueKind != JsonValueKind.Null)
        {
            if (tagsElement.ValueKind != JsonValueKind.Array || tagsElement.GetArrayLength() > 20)
                r.Error("tags", "must be an array of at most 20 strings", Fragment(tagsElement));
            else
                foreach (var tag in tagsElement.EnumerateArray())
                {
                    if (tag.ValueKind != JsonValueKind.String || tag.GetString() is not { Length: > 0 and <= 32 } t)
                        r.Error("tags", "each tag must be a string of 1 to 32 characters", Fragment(tag));
                    else tags.Add(t);
                }
        }

        var priority = 0;
        if (root.TryGetProperty("priority", out var pe) && pe.ValueKind != JsonValueKind.Null)
        {
            if (pe.ValueKind != JsonValueKind.Number || !pe.TryGetInt32(out priority) || priority is < 0 or > 9)
                r.Error("priority", "must be a whole number from 0 to 9", Fragment(pe));
        }

        var buyerMessage = r.OptionalString(root, "buyerMessage", MaxTextLength) ?? "";
        var sellerMemo = r.OptionalString(root, "sellerMemo", MaxTextLength) ?? "";
        var oaid = r.OptionalString(root, "oaid", 256);
        var openAddressId = r.OptionalString(root, "openAddressId", 256);

        if (r.Errors.Count > 0) return ParseResult<CanonicalOrder>.Fail(r.Errors);

        return ParseResult<CanonicalOrder>.Ok(new CanonicalOrder
        {
            Platform = platform,
            ShopCode = shopCode!,
            PlatformOrderId = platformOrderId!,
            Status = status,
            CreatedAt = createdAt!.Value,
            PaidAt = paidAt,
            PlatformModifiedAt = modifiedAt,
            Currency = currency,
            Buyer = buyer,
            Receiver = receiver,
            ReceiverPrivacy = privacy,
            Oaid = oaid,
            OpenAddressId = openAddressId,
            Lines = lines,
            Amounts = amounts!,
            BuyerMessage = buyerMessage,
            SellerMemo = sellerMemo,
            Tags = tags,
            Priority = priority,
        });
    }

    internal static string Fragment(JsonElement element) => Fragment(element.GetRawText());

    internal static string Fragment(string raw) => raw.Length <= 200 ? raw : raw[..200] + "…";

    private static readonly string[] LocalFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFFF",
        "yyyy-MM-dd'T'HH:mm",
    ];

    /// <summary>Collects errors while reading; each method returns null when the value is absent or wrong.</summary>
    private sealed class Reader
    {
        public List<FieldError> Errors { get; } = [];

        public void Error(string field, string reason, string? fragment) =>
            Errors.Add(new FieldError(field, reason, PersonalFields.Contains(field) && fragment is not null && !fragment.Contains('*') ? "(not shown: personal data)" : fragment));

        // A rejection's reasons are kept in clear with the inbox item and shown to whoever manages the inbox: the
        // value of a personal field that failed is left out of them (a masked value, which failed for being one, stays).
        private static readonly HashSet<string> PersonalFields =
            ["receiver.name", "receiver.phone", "receiver.street", "receiver.address", "receiver.postalCode"];

        public bool HasErrorFor(string field) => Errors.Any(e => e.Field == field);

        public string? RequiredString(JsonElement obj, string name, int maxLength, string prefix = "")
        {
            var value = OptionalString(obj, name, maxLength, prefix);
            if (value is null && !HasErrorFor(prefix + name)) Error(prefix + name, "is required", null);
            return value;
        }

        public string? OptionalString(JsonElement obj, string name, int maxLength, string prefix = "")
        {
            if (!obj.TryGetProperty(name, out var e) || e.ValueKind == JsonValueKind.Null) return null;
            if (e.ValueKind is JsonValueKind.Number) return Check(e.GetRawText());
            if (e.ValueKind != JsonValueKind.String) { Error(prefix + name, "must be a string", Fragment(e)); return null; }
            return Check(e.GetString()!.Trim());

            string? Check(string s)
            {
                if (s.Length == 0) return null;
                if (s.Length > maxLength) { Error(prefix + name, $"is {s.Length} characters long, at most {maxLength} are accepted", Fragment(s)); return null; }
                return s;
            }
        }

        public JsonElement? OptionalObject(JsonElement obj, string name)
        {
            if (!obj.TryGetProperty(name, out var e) || e.ValueKind == JsonValueKind.Null) return null;
            if (e.ValueKind != JsonValueKind.Object) { Error(name, "must be an object", Fragment(e)); return null; }
            return e;
        }

        public decimal? Money(JsonElement obj, string name, string prefix, bool required)
        {
            var field = prefix + name;
            if (!obj.TryGetProperty(name, out var e) || e.ValueKind == JsonValueKind.Null)
            {
                if (required) Error(field, "is required", null);
                return null;
            }
            decimal value;
            if (e.ValueKind == JsonValueKind.Number)
            {
                if (!e.TryGetDecimal(out value)) { Error(field, "is not a number that fits decimal(12,2)", Fragment(e)); return null; }
            }
            else if (e.ValueKind == JsonValueKind.String)
            {
                if (!decimal.TryParse(e.GetString(), NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value))
                { Error(field, "is not a decimal amount (use 99.00 or \"99.00\")", Fragment(e)); return null; }
            }
            else { Error(field, "must be a number such as 99.00", Fragment(e)); return null; }

            if (Amounts.Check(value) is { } reason) { Error(field, $"amount {reason}", Fragment(e)); return null; }
            return decimal.Round(value, 2); // 99.000 is 99.00: same value, stored with two decimals
        }

        public int? Quantity(JsonElement obj, string name, string prefix)
        {
            var field = prefix + name;
            if (!obj.TryGetProperty(name, out var e) || e.ValueKind == JsonValueKind.Null) { Error(field, "is required", null); return null; }
            if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt32(out var q) || q < 1 || q > MaxQuantity)
            { Error(field, $"must be a whole number from 1 to {MaxQuantity}", Fragment(e)); return null; }
            return q;
        }

        public DateTimeOffset? Instant(JsonElement obj, string name, TimeSpan? documentedOffset, string platformLabel, bool required)
        {
            if (!obj.TryGetProperty(name, out var e) || e.ValueKind == JsonValueKind.Null)
            {
                if (required) Error(name, "is required (ISO 8601, e.g. 2026-02-22T10:00:00+08:00)", null);
                return null;
            }
            if (e.ValueKind != JsonValueKind.String) { Error(name, "must be an ISO 8601 string such as 2026-02-22T10:00:00+08:00", Fragment(e)); return null; }
            var text = e.GetString()!.Trim();
            if (IsoInstant.HasOffset(text))
            {
                if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var withOffset)
                    && text.Length >= 16)
                    return withOffset.ToUniversalTime();
                Error(name, "is not an ISO 8601 timestamp", text);
                return null;
            }
            if (!DateTime.TryParseExact(text, LocalFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
            {
                Error(name, "is not an ISO 8601 timestamp", text);
                return null;
            }
            if (documentedOffset is not { } offset)
            {
                Error(name, $"has no UTC offset and platform '{platformLabel}' does not document its time zone; send an offset, e.g. {text}+08:00 or {text}Z", text);
                return null;
            }
            return new DateTimeOffset(local, offset).ToUniversalTime();
        }
    }
}
