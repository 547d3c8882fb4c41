using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ordo.Core.Channels.Csv;

namespace Ordo.Core.Privacy;

/// <summary>
/// Masks the personal data inside a raw payload as it arrived (a platform's native order JSON, Ordo's canonical JSON,
/// or CSV rows of a seller-backend export), for viewers who may not see it in full: the inbox, the console's raw
/// payload view. Payload formats differ by platform, so fields are recognised by their names (receiver_mobile,
/// phone, shipping_address.address1, 收货人, 手机号…): a value is masked when its key names a phone, a person's name,
/// an address or an ID card, and masking errs on the side of hiding. Pure.
/// </summary>
public static class RawPayloadMasks
{
    private enum Kind { None, Name, Phone, Address, IdCard, Container }

    /// <summary>The payload with each personal value masked as <paramref name="access"/> allows; unchanged for full access.</summary>
    public static string Mask(string payload, PersonalDataAccess access)
    {
        if (access == PersonalDataAccess.Everything || string.IsNullOrEmpty(payload)) return payload;
        var trimmed = payload.AsSpan().TrimStart();
        if (trimmed.Length > 0 && trimmed[0] is '{' or '[')
        {
            try
            {
                var node = JsonNode.Parse(payload);
                if (node is null) return payload;
                return MaskNode(node, access, inContainer: false)?.ToJsonString(Options) ?? "null";
            }
            catch (JsonException) { return MaskText(payload, access); }
        }
        return MaskCsv(payload, access);
    }

    private static readonly JsonSerializerOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static JsonNode? MaskNode(JsonNode? node, PersonalDataAccess access, bool inContainer)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj.ToList())
                {
                    var kind = Classify(key, inContainer);
                    if (value is JsonObject or JsonArray)
                        obj[key] = MaskNode(value?.DeepClone(), access, inContainer || kind is Kind.Container or Kind.Address);
                    else if (value is JsonValue v && kind is not (Kind.None or Kind.Container))
                        obj[key] = MaskValue(v.ToString(), kind, access) is { } masked ? JsonValue.Create(masked) : null;
                }
                return obj;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++) array[i] = MaskNode(array[i]?.DeepClone(), access, inContainer);
                return array;
            default:
                return node;
        }
    }

    private static string? MaskValue(string value, Kind kind, PersonalDataAccess access) => kind switch
    {
        Kind.Name => Apply(value, access.Name, PersonalDataMasks.Name),
        Kind.Phone => Apply(value, access.Phone, PersonalDataMasks.Phone),
        Kind.Address => Apply(value, access.Address, _ => PersonalDataMasks.HiddenDetail),
        Kind.IdCard => Apply(value, access.IdCard, PersonalDataMasks.IdCard),
        _ => value,
    };

    private static string? Apply(string value, FieldAccess access, Func<string?, string?> mask) => access switch
    {
        FieldAccess.Full => value,
        FieldAccess.Masked => mask(value),
        _ => null,
    };

    /// <summary>What a key names, from its letters alone (receiver_mobile, receiverMobile and ReceiverMobile are one key).</summary>
    private static Kind Classify(string key, bool inContainer)
    {
        var k = new string(key.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray());
        // Ids of addresses and privacy ids (oaid, open_address_id) are not personal data and are needed to decrypt.
        if (k.EndsWith("id", StringComparison.Ordinal) && !k.Contains("idcard", StringComparison.Ordinal)) return Kind.None;
        if (k.Contains("idcard") || k.Contains("idno") || k.Contains("idnumber") || k.Contains("certno") || k.Contains("identity") || k.Contains("身份证"))
            return Kind.IdCard;
        if (k.Contains("phone") || k.Contains("mobile") || k is "tel" || k.EndsWith("tel", StringComparison.Ordinal) || k.Contains("email")
            || k.Contains("手机") || k.Contains("电话") || k.Contains("联系方式"))
            return Kind.Phone;
        if (k is "receiver" or "consignee" or "shipping" or "billing" or "customer" or "postaddr" or "shippingaddress" or "billingaddress"
            or "defaultaddress" or "addressinfo" or "receiverinfo" or "recipient")
            return Kind.Container;
        if (k.Contains("address") || k.Contains("addr") || k.Contains("street") || k is "detail" || k.Contains("detailaddr") || k.Contains("地址"))
            return Kind.Address;
        if (k.Contains("receivername") || k.Contains("consignee") || k.Contains("fullname") || k.Contains("firstname") || k.Contains("lastname")
            || k.Contains("receiverman") || k.Contains("收货人") || k.Contains("收件人") || k.Contains("姓名") || (inContainer && k == "name"))
            return Kind.Name;
        return Kind.None;
    }

    private static string MaskCsv(string payload, PersonalDataAccess access)
    {
        var records = CsvReader.Read(payload);
        if (records.Count == 0) return payload;
        var kinds = records[0].Fields.Select(h => Classify(h, inContainer: false)).ToArray();
        if (kinds.All(k => k is Kind.None or Kind.Container)) return payload;
        var text = new StringBuilder();
        text.AppendJoin(',', records[0].Fields.Select(CsvReader.Quote)).Append('\n');
        foreach (var record in records.Skip(1))
        {
            var fields = record.Fields.Select((f, i) => i < kinds.Length ? MaskValue(f, kinds[i], access) ?? "" : f);
            text.AppendJoin(',', fields.Select(CsvReader.Quote)).Append('\n');
        }
        return text.ToString();
    }

    // Neither JSON nor CSV that reads: nothing is recognisable, so nothing is shown to a viewer who may not see it all.
    private static string MaskText(string payload, PersonalDataAccess access) => $"({payload.Length} characters, not shown: it may hold personal data)";
}
