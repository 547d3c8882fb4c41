using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Ordo.Core.Channels.Csv;

namespace Ordo.Core.Privacy;

/// <summary>
/// Masks a raw platform payload (the JSON an order arrived as) for a viewer, with the same masks as the receiver
/// (<see cref="PersonalDataMasks"/>). Values are masked by key, for the key names of every platform format (Taobao,
/// JD, Pinduoduo, Douyin, Kuaishou, Youzan, Shopify, WooCommerce, Ordo's canonical JSON), and, in every other string,
/// anything that looks like a Chinese mobile number or a resident ID-card number is masked too. JSON inside a string
/// (push messages carry their content so) is masked the same way. CSV rows of a seller-backend export are masked by
/// their column headers (收货人, 手机, 收货地址…). Pure.
/// </summary>
public static partial class RawPayloadMasks
{
    private enum Kind { None, Name, Phone, Address, IdCard, Email }

    // Keys are compared lower-case without '_' and '-': receiver_name, receiverName and receiver-name are one key.
    private static readonly Dictionary<string, Kind> ByKey = new(StringComparer.Ordinal)
    {
        // Names
        ["receivername"] = Kind.Name, ["consignee"] = Kind.Name, ["fullname"] = Kind.Name, ["postreceiver"] = Kind.Name,
        ["encryptpostreceiver"] = Kind.Name, ["firstname"] = Kind.Name, ["lastname"] = Kind.Name, ["buyername"] = Kind.Name,
        ["contactname"] = Kind.Name, ["receiver"] = Kind.Name, ["encryptedconsignee"] = Kind.Name, ["realname"] = Kind.Name, ["idcardname"] = Kind.Name,
        // Phones
        ["receivermobile"] = Kind.Phone, ["receiverphone"] = Kind.Phone, ["receivertel"] = Kind.Phone, ["receivertelephone"] = Kind.Phone,
        ["mobile"] = Kind.Phone, ["phone"] = Kind.Phone, ["telephone"] = Kind.Phone, ["tel"] = Kind.Phone, ["posttel"] = Kind.Phone,
        ["encryptposttel"] = Kind.Phone, ["contactphone"] = Kind.Phone, ["buyerphone"] = Kind.Phone, ["phonenumber"] = Kind.Phone,
        ["mobilephone"] = Kind.Phone, ["encryptedmobile"] = Kind.Phone,
        // Addresses below district level, and postal codes
        ["receiveraddress"] = Kind.Address, ["address"] = Kind.Address, ["detail"] = Kind.Address, ["detailaddress"] = Kind.Address,
        ["addressdetail"] = Kind.Address, ["street"] = Kind.Address, ["fulladdress"] = Kind.Address, ["postaddr"] = Kind.Address,
        ["address1"] = Kind.Address, ["address2"] = Kind.Address, ["receivertown"] = Kind.Address, ["deliveryaddress"] = Kind.Address,
        ["encryptdetail"] = Kind.Address, ["encryptedaddress"] = Kind.Address, ["receiverzip"] = Kind.Address, ["zip"] = Kind.Address,
        ["postcode"] = Kind.Address, ["postalcode"] = Kind.Address, ["deliverypostalcode"] = Kind.Address, ["zipcode"] = Kind.Address,
        // ID cards
        ["idcard"] = Kind.IdCard, ["idcardno"] = Kind.IdCard, ["idcardnumber"] = Kind.IdCard, ["idno"] = Kind.IdCard,
        ["idnumber"] = Kind.IdCard, ["certno"] = Kind.IdCard, ["certificateno"] = Kind.IdCard, ["identitycard"] = Kind.IdCard,
        ["identitynumber"] = Kind.IdCard, ["buyeridcard"] = Kind.IdCard, ["receiveridcard"] = Kind.IdCard, ["idcardnum"] = Kind.IdCard,
        // E-mail addresses go with the phone (contact details)
        ["email"] = Kind.Email, ["buyeremail"] = Kind.Email, ["contactemail"] = Kind.Email,
    };

    // Objects whose plain "name" is a person's name (Shopify's shipping_address.name, a receiver object's name…).
    private static readonly HashSet<string> PersonContainers = new(StringComparer.Ordinal)
    {
        "receiver", "consigneeinfo", "consignee", "shippingaddress", "billingaddress", "shipping", "billing", "deliveryaddress",
        "address", "addressinfo", "orderaddress", "customer", "buyer", "buyerinfo", "receiverinfo", "contact", "defaultaddress", "postaddr",
    };

    // Region levels the masks keep (province, city, district); objects under them are not personal (Douyin's
    // post_addr.province = {"name": "福建省"}).
    private static readonly HashSet<string> Regions = new(StringComparer.Ordinal)
    {
        "province", "city", "district", "county", "town", "state", "country", "region", "area",
    };

    /// <summary>
    /// The payload as this viewer may see it: as sent for full access, else masked (and indented when it is JSON). Null when it cannot be masked safely (neither
    /// JSON nor CSV with recognisable headers) and the viewer may not see everything in full.
    /// </summary>
    public static string? Mask(string payload, PersonalDataAccess access)
    {
        if (access == PersonalDataAccess.Everything) return payload;
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(payload);
        }
        catch (JsonException)
        {
            return MaskCsv(payload, access);
        }
        if (root is null) return payload;
        root = MaskNode(root, Kind.None, person: false, access);
        return root?.ToJsonString(Indented) ?? "null";
    }

    /// <summary>What an API answer shows in place of a payload <see cref="Mask"/> cannot mask.</summary>
    public static string Withheld(string payload) => $"({payload.Length} characters, not shown: it may hold personal data)";

    /// <summary><see cref="Mask"/>, or <see cref="Withheld"/> when the payload cannot be masked.</summary>
    public static string MaskOrWithhold(string payload, PersonalDataAccess access) => Mask(payload, access) ?? Withheld(payload);

    // CSV: each column is masked by what its header names; other cells are scanned for mobile and ID-card numbers.
    private static string? MaskCsv(string payload, PersonalDataAccess access)
    {
        IReadOnlyList<CsvRecord> records;
        try { records = CsvReader.Read(payload); }
        catch (FormatException) { return null; }
        if (records.Count < 2) return null;
        var kinds = records[0].Fields.Select(HeaderKind).ToArray();
        if (kinds.All(k => k == Kind.None)) return null;
        var text = new StringBuilder();
        text.AppendJoin(',', records[0].Fields.Select(CsvReader.Quote)).Append('\n');
        foreach (var record in records.Skip(1))
        {
            var fields = record.Fields.Select((f, i) =>
            {
                var kind = i < kinds.Length ? kinds[i] : Kind.None;
                if (kind == Kind.None) return MaskText(f, access);
                return AccessOf(kind, access) switch { FieldAccess.Full => f, FieldAccess.Hidden => "", _ => MaskAs(kind, f) };
            });
            text.AppendJoin(',', fields.Select(CsvReader.Quote)).Append('\n');
        }
        return text.ToString();
    }

    // A CSV header: an English key as in JSON, or the Chinese column names of the platforms' seller-backend exports.
    private static Kind HeaderKind(string header)
    {
        if (ByKey.TryGetValue(Normalise(header.Trim()), out var kind)) return kind;
        var h = header.Trim();
        if (h.Contains("身份证", StringComparison.Ordinal)) return Kind.IdCard;
        if (h.Contains("手机", StringComparison.Ordinal) || h.Contains("电话", StringComparison.Ordinal) || h.Contains("联系方式", StringComparison.Ordinal)) return Kind.Phone;
        if (h.Contains("地址", StringComparison.Ordinal) || h.Contains("邮编", StringComparison.Ordinal)) return Kind.Address;
        if (h.Contains("收货人", StringComparison.Ordinal) || h.Contains("收件人", StringComparison.Ordinal) || h.Contains("姓名", StringComparison.Ordinal)) return Kind.Name;
        return Kind.None;
    }

    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static string Normalise(string key) => key.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal).ToLowerInvariant();

    /// <summary>Masks <paramref name="node"/>, answering the node to keep in its place (a masked value replaces a leaf).</summary>
    private static JsonNode? MaskNode(JsonNode node, Kind kind, bool person, PersonalDataAccess access)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj.ToList())
                {
                    if (child is null) continue;
                    var k = Normalise(key);
                    var childKind = kind != Kind.None ? kind
                        : ByKey.TryGetValue(k, out var byKey) ? byKey
                        : person && k == "name" ? Kind.Name
                        : Kind.None;
                    // A region object (Douyin's province/city/town) holds no personal data; "address" as an object
                    // is a container (its fields are classified one by one), not one address value.
                    if (Regions.Contains(k) && kind == Kind.None) childKind = Kind.None;
                    if (child is JsonObject && PersonContainers.Contains(k) && kind == Kind.None) childKind = Kind.None;
                    var childPerson = (person || PersonContainers.Contains(k)) && !Regions.Contains(k);
                    var masked = MaskNode(child, childKind, childPerson, access);
                    if (!ReferenceEquals(masked, child)) obj[key] = masked;
                }
                return obj;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is not { } item) continue;
                    var masked = MaskNode(item, kind, person, access);
                    if (!ReferenceEquals(masked, item)) array[i] = masked;
                }
                return array;
            case JsonValue value:
                return MaskValue(value, kind, access);
            default:
                return node;
        }
    }

    private static JsonNode? MaskValue(JsonValue value, Kind kind, PersonalDataAccess access)
    {
        string text;
        var isString = value.GetValueKind() == JsonValueKind.String;
        if (isString) text = value.GetValue<string>();
        else if (value.GetValueKind() == JsonValueKind.Number) text = value.ToJsonString();
        else return value;

        if (kind != Kind.None)
        {
            var fieldAccess = AccessOf(kind, access);
            if (fieldAccess == FieldAccess.Full) return value;
            if (fieldAccess == FieldAccess.Hidden) return null;
            return JsonValue.Create(MaskAs(kind, text));
        }
        // JSON carried inside a string (push messages): masked as JSON, kept as a string.
        if (isString && text.Length > 1 && (text[0] == '{' || text[0] == '['))
        {
            try
            {
                if (JsonNode.Parse(text) is { } inner)
                {
                    var masked = MaskNode(inner, Kind.None, person: false, access);
                    var json = masked?.ToJsonString(Compact) ?? "null";
                    return json == text ? value : JsonValue.Create(json);
                }
            }
            catch (JsonException)
            {
                // Not JSON after all: scanned as text below.
            }
        }
        var scanned = MaskText(text, access);
        if (scanned == text) return value;
        return JsonValue.Create(scanned);
    }

    private static readonly JsonSerializerOptions Compact = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static FieldAccess AccessOf(Kind kind, PersonalDataAccess access) => kind switch
    {
        Kind.Name => access.Name,
        Kind.Phone or Kind.Email => access.Phone,
        Kind.Address => access.Address,
        Kind.IdCard => access.IdCard,
        _ => FieldAccess.Full,
    };

    private static string MaskAs(Kind kind, string text) => kind switch
    {
        Kind.Name => PersonalDataMasks.Name(text) ?? "",
        Kind.Phone => PhoneValue(text),
        Kind.Address => string.IsNullOrEmpty(text) ? text : PersonalDataMasks.HiddenDetail,
        Kind.IdCard => PersonalDataMasks.IdCard(text) ?? "",
        Kind.Email => Email(text),
        _ => text,
    };

    // "+86 138 1234 5678" keeps its prefix and gets the mobile mask; any other number the generic one.
    private static string PhoneValue(string text)
    {
        var mobile = MobilePattern().Match(text);
        if (!mobile.Success) return PersonalDataMasks.Phone(text) ?? "";
        var digits = new string(mobile.Groups["n"].Value.Where(char.IsAsciiDigit).ToArray());
        return text[..mobile.Groups["n"].Index] + PersonalDataMasks.Phone(digits) + text[(mobile.Groups["n"].Index + mobile.Groups["n"].Length)..];
    }

    private static string Email(string text)
    {
        var at = text.IndexOf('@', StringComparison.Ordinal);
        return at <= 0 ? PersonalDataMasks.Phone(text) ?? "" : text[0] + "***" + text[at..];
    }

    /// <summary>Masks mobile numbers and ID-card numbers found anywhere in <paramref name="text"/>.</summary>
    public static string MaskText(string text, PersonalDataAccess access)
    {
        if (string.IsNullOrEmpty(text)) return text;
        var result = text;
        if (access.IdCard != FieldAccess.Full)
            result = IdCardPattern().Replace(result, m => IsIdCard(m.Value)
                ? access.IdCard == FieldAccess.Hidden ? new string(PersonalDataMasks.Star, m.Value.Length) : PersonalDataMasks.IdCard(m.Value)!
                : m.Value);
        if (access.Phone != FieldAccess.Full)
            result = MobilePattern().Replace(result, m =>
            {
                var digits = new string(m.Groups["n"].Value.Where(char.IsAsciiDigit).ToArray());
                return m.Value[..(m.Groups["n"].Index - m.Index)] + PersonalDataMasks.Phone(digits);
            });
        return result;
    }

    /// <summary>
    /// True for an 18-character resident ID number with a plausible birth date and a valid check character
    /// (GB 11643, ISO 7064 MOD 11-2): long order numbers are not taken for ID cards.
    /// </summary>
    public static bool IsIdCard(string s)
    {
        if (s.Length != 18) return false;
        if (!int.TryParse(s.AsSpan(6, 4), out var year) || year is < 1900 or > 2100) return false;
        if (!int.TryParse(s.AsSpan(10, 2), out var month) || month is < 1 or > 12) return false;
        if (!int.TryParse(s.AsSpan(12, 2), out var day) || day is < 1 or > 31) return false;
        int[] weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            if (!char.IsAsciiDigit(s[i])) return false;
            sum += (s[i] - '0') * weights[i];
        }
        var check = "10X98765432"[sum % 11];
        return char.ToUpperInvariant(s[17]) == check;
    }

    // A mobile number, possibly written +86 138 1234 5678 or 138-1234-5678, not part of a longer number.
    [GeneratedRegex(@"(?<![\d])(?:\+?86[\s-]?)?(?<n>1[3-9]\d[\s-]?\d{4}[\s-]?\d{4})(?![\d])")]
    private static partial Regex MobilePattern();

    [GeneratedRegex(@"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])")]
    private static partial Regex IdCardPattern();
}
