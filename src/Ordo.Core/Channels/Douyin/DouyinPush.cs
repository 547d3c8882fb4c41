using System.Text;
using System.Text.Json;
using Ordo.Core.Common;
using Ordo.Core.Orders;

namespace Ordo.Core.Channels.Douyin;

/// <summary>
/// Douyin shop's (抖店) HTTP message push: a POST whose body is a JSON array
/// <c>[{"tag":"101","msg_id":"…","data":"{\"p_id\":…,\"s_ids\":[…],…}"}]</c>, signed with header
/// <see cref="SignatureHeader"/> = <c>md5hex(app_key + raw body + app_secret)</c>. Each message names the parent
/// order (<c>p_id</c>, a number or a string); Ordo fetches the order with <c>order.orderDetail</c>. The topic of a
/// message is its tag number as text (see <see cref="Tags"/>).
/// </summary>
public sealed class DouyinPush : IPushFormat
{
    public const string SignatureHeader = "event-sign";

    /// <summary>The order tags Ordo handles, with their meaning (facts file, section 4).</summary>
    public static IReadOnlyDictionary<string, string> Tags { get; } = new Dictionary<string, string>
    {
        ["100"] = "order created",
        ["101"] = "order paid",
        ["102"] = "seller shipped",
        ["103"] = "trade succeeded",
        ["105"] = "receiver address changed",
        ["106"] = "order cancelled",
        ["110"] = "paid, pending",
        ["206"] = "refund succeeded",
    };

    public IReadOnlyList<Platform> Platforms { get; } = [Platform.Douyin];

    public string Acknowledgement => """{"code":0,"msg":"success"}""";

    /// <summary>The push signature of <paramref name="body"/>: lower-case hex MD5 of app key + body + app secret.</summary>
    public static string Signature(ReadOnlySpan<byte> body, string appKey, string appSecret) => Signing.Md5Hex(appKey, body, appSecret);

    public PushVerification Verify(PushRequest request, ShopCredentials credentials)
    {
        if (string.IsNullOrEmpty(credentials.AppKey) || string.IsNullOrEmpty(credentials.AppSecret))
            return PushVerification.Refused("the shop has no app key and secret to check the event-sign header with");
        var received = request.Header(SignatureHeader);
        if (string.IsNullOrWhiteSpace(received)) return PushVerification.Refused($"the {SignatureHeader} header is missing");
        return Signing.SameSignature(received, Signature(request.Body, credentials.AppKey, credentials.AppSecret), ignoreCase: true)
            ? PushVerification.Ok
            : PushVerification.Refused($"the {SignatureHeader} header does not match the body");
    }

    public ParseResult<PushBatch> Read(PushRequest request, ShopCredentials credentials)
    {
        JsonDocument document;
        try { document = JsonDocument.Parse(request.Body); }
        catch (JsonException ex)
        {
            return ParseResult<PushBatch>.Fail([new FieldError("$", $"not valid JSON: {ex.Message}", NativeReader.Fragment(Encoding.UTF8.GetString(request.Body)))]);
        }

        using (document)
        {
            var r = new NativeReader();
            var messages = new List<PushMessage>();
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Array) r.Error("$", "must be a JSON array of messages", root);
            else if (root.GetArrayLength() == 0) r.Error("$", "holds no message", root);
            else
            {
                var i = 0;
                foreach (var item in root.EnumerateArray()) ReadMessage(item, $"[{i++}]", r, messages);
            }
            return r.Failed ? ParseResult<PushBatch>.Fail(r.Errors.ToList()) : ParseResult<PushBatch>.Ok(new PushBatch(messages));
        }
    }

    private static void ReadMessage(JsonElement item, string at, NativeReader r, List<PushMessage> messages)
    {
        if (item.ValueKind != JsonValueKind.Object) { r.Error(at, "a message must be an object", item); return; }
        var tag = r.String(item, "tag", at, required: true, maxLength: 16);
        var msgId = r.String(item, "msg_id", at, required: true, maxLength: 64);
        var dataPath = NativeReader.Path(at, "data");
        var dataText = r.String(item, "data", at, required: true, maxLength: 100_000);
        if (dataText is null) return;

        JsonDocument data;
        try { data = JsonDocument.Parse(dataText); }
        catch (JsonException) { r.Error(dataPath, "is not a JSON object in a string", dataText); return; }
        using (data)
        {
            if (data.RootElement.ValueKind != JsonValueKind.Object) { r.Error(dataPath, "is not a JSON object in a string", dataText); return; }
            // p_id is the parent order for order and refund tags alike (refund tags name one line in s_id, orders list s_ids).
            var parentOrderId = r.String(data.RootElement, "p_id", dataPath, required: true, maxLength: CanonicalOrderParser.MaxIdLength);
            r.Array(data.RootElement, "s_ids", dataPath); // not needed (the whole order is fetched), but a malformed one is reported
            if (tag is not null && msgId is not null && parentOrderId is not null) messages.Add(new PushMessage(msgId, tag, parentOrderId));
        }
    }
}
