using System.Globalization;
using System.Text;
using System.Text.Json;
using Ordo.Core.Common;
using Ordo.Core.Orders;

namespace Ordo.Core.Channels.Pinduoduo;

/// <summary>
/// Pinduoduo PMC messages, read the same way whether Ordo holds the WebSocket itself (<see cref="ReadFrame"/>) or a
/// relay forwards them over HTTP (<see cref="Read"/>). PMC is a WebSocket whose connection is authenticated (see
/// <see cref="ConnectionUrl"/>) but whose frames are not signed, so a relay signs what it forwards: header <see cref="SignatureHeader"/> = <c>upper(md5hex(app_secret + raw body + app_secret))</c>.
/// The body is one PMC frame or a JSON array of frames:
/// <c>{"id":…,"commandType":"Common","sendTime":…,"message":{"type":"pdd_trade_TradeConfirmed","mallID":…,"content":"{\"mall_id\":…,\"tid\":\"…\"}"}}</c>.
/// Messages carry only the order number (<c>tid</c>); Ordo fetches the order with <c>pdd.order.information.get</c>.
/// Heartbeat and Ack frames carry no event and are skipped. The frame layout rests on a third-party reimplementation
/// [U: whalesky-labs/pdd-sdk-php <c>MessageProtocol.php</c>], as does the Ack (<see cref="AckFrame"/>).
/// </summary>
public sealed class PinduoduoPmcMessages : IPushFormat, IPushFeedFormat
{
    public const string SignatureHeader = "X-Relay-Sign";
    public const string MessageHost = "wss://message-api.pinduoduo.com";

    /// <summary>The order topics Ordo subscribes to (<c>pdd.pmc.user.permit</c>), with their meaning.</summary>
    public static IReadOnlyDictionary<string, string> Topics { get; } = new Dictionary<string, string>
    {
        ["pdd_trade_TradeConfirmed"] = "order concluded (paid, group formed)",
        ["pdd_trade_TradeSellerShip"] = "seller shipped",
        ["pdd_trade_TradeSuccess"] = "trade succeeded",
        ["pdd_trade_TradeLogisticsAddressChanged"] = "receiver address changed",
        ["pdd_trade_TradeRiskChanged"] = "risk status changed",
        ["pdd_refund_RefundCreated"] = "refund requested",
        ["pdd_refund_RefundAgreeAgreement"] = "refund agreed",
        ["pdd_refund_RefundClosed"] = "refund closed",
    };

    public IReadOnlyList<Platform> Platforms { get; } = [Platform.Pinduoduo];

    /// <summary>What Ordo's relay expects back; the Ack frame to PMC itself is sent by the transport (<see cref="AckFrame"/>).</summary>
    public string Acknowledgement => """{"success":true}""";

    /// <summary>The relay's signature of <paramref name="body"/>: upper-case hex MD5 of secret + body + secret.</summary>
    public static string RelaySignature(ReadOnlySpan<byte> body, string appSecret) =>
        Signing.Md5Hex(appSecret, body, appSecret).ToUpperInvariant();

    public PushVerification Verify(PushRequest request, ShopCredentials credentials)
    {
        if (string.IsNullOrEmpty(credentials.AppSecret)) return PushVerification.Refused("the shop has no app secret to check the relay signature with");
        var received = request.Header(SignatureHeader);
        if (string.IsNullOrWhiteSpace(received)) return PushVerification.Refused($"the {SignatureHeader} header is missing");
        return Signing.SameSignature(received, RelaySignature(request.Body, credentials.AppSecret), ignoreCase: true)
            ? PushVerification.Ok
            : PushVerification.Refused($"the {SignatureHeader} header does not match the body");
    }

    public ParseResult<PushBatch> Read(PushRequest request, ShopCredentials credentials) => ReadBody(request.Body, null);

    /// <summary>
    /// One frame as the PMC WebSocket delivers it: its messages, the <c>mallID</c> it is addressed to, and its Ack frame.
    /// A Common frame whose content cannot be read is still answered when its envelope (id, type, mallID) can be,
    /// so PMC does not redeliver a frame that will never read better; Ordo keeps it as rejected.
    /// </summary>
    public PushFeedFrame ReadFrame(byte[] frame, DateTimeOffset now)
    {
        string? mallId = null, ack = null;
        var read = ReadBody(frame, root =>
        {
            if (root.ValueKind != JsonValueKind.Object) return;
            ack = AckFrameFor(root, now);
            if (NativeReader.Get(root, "message") is { ValueKind: JsonValueKind.Object } message)
                mallId = new NativeReader().String(message, "mallID", "message", maxLength: 32);
        });
        return new PushFeedFrame(read, mallId, ack);
    }

    /// <summary>Reads a body of one frame or an array of frames; <paramref name="inspect"/> sees the parsed root first.</summary>
    private static ParseResult<PushBatch> ReadBody(byte[] body, Action<JsonElement>? inspect)
    {
        JsonDocument document;
        try { document = JsonDocument.Parse(body); }
        catch (JsonException ex)
        {
            return ParseResult<PushBatch>.Fail([new FieldError("$", $"not valid JSON: {ex.Message}", NativeReader.Fragment(Encoding.UTF8.GetString(body)))]);
        }

        using (document)
        {
            inspect?.Invoke(document.RootElement);
            var r = new NativeReader();
            var messages = new List<PushMessage>();
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object) ReadFrame(root, "", r, messages);
            else if (root.ValueKind == JsonValueKind.Array)
            {
                if (root.GetArrayLength() == 0) r.Error("$", "holds no frame", root);
                var i = 0;
                foreach (var frame in root.EnumerateArray()) ReadFrame(frame, $"[{i++}]", r, messages);
            }
            else r.Error("$", "must be a PMC frame or an array of frames", root);

            return r.Failed ? ParseResult<PushBatch>.Fail(r.Errors.ToList()) : ParseResult<PushBatch>.Ok(new PushBatch(messages));
        }
    }

    private static void ReadFrame(JsonElement frame, string at, NativeReader r, List<PushMessage> messages)
    {
        var self = at.Length == 0 ? "$" : at;
        if (frame.ValueKind != JsonValueKind.Object) { r.Error(self, "a frame must be an object", frame); return; }
        var command = r.String(frame, "commandType", at, required: true, maxLength: 32);
        if (command is null or "HeartBeat" or "Ack") return;
        if (command != "Common")
        {
            r.Error(NativeReader.Path(at, "commandType"), $"unknown commandType '{command}'; known: Common, HeartBeat, Ack", NativeReader.Get(frame, "commandType"));
            return;
        }

        var id = r.String(frame, "id", at, required: true, maxLength: 64);
        var messagePath = NativeReader.Path(at, "message");
        if (r.Object(frame, "message", at, required: true) is not { } message) return;
        var topic = r.String(message, "type", messagePath, required: true, maxLength: 128);
        var mallId = r.String(message, "mallID", messagePath, required: true, maxLength: 32);
        var contentPath = NativeReader.Path(messagePath, "content");
        var contentText = r.String(message, "content", messagePath, required: true, maxLength: 100_000);
        if (contentText is null) return;

        JsonDocument content;
        try { content = JsonDocument.Parse(contentText); }
        catch (JsonException) { r.Error(contentPath, "is not a JSON object in a string", contentText); return; }
        using (content)
        {
            if (content.RootElement.ValueKind != JsonValueKind.Object) { r.Error(contentPath, "is not a JSON object in a string", contentText); return; }
            var tid = r.String(content.RootElement, "tid", contentPath, required: true, maxLength: CanonicalOrderParser.MaxIdLength);
            // A message whose content names another mall than its envelope is refused rather than applied to the wrong shop.
            var contentMall = r.String(content.RootElement, "mall_id", contentPath, maxLength: 32);
            if (contentMall is not null && mallId is not null && contentMall != mallId)
                r.Error(NativeReader.Path(contentPath, "mall_id"), $"is {contentMall} but the frame's message.mallID is {mallId}", contentMall);
            if (id is not null && topic is not null && tid is not null) messages.Add(new PushMessage(id, topic, tid));
        }
    }

    /// <summary>
    /// The Ack frame the WebSocket transport sends back for a Common frame so PMC does not redeliver it.
    /// [U] Third-party reimplementations only (whalesky-labs/pdd-sdk-php <c>MessageProtocol::acknowledge</c> and a Rust
    /// PMC client agree): <c>{"id":…,"commandType":"Ack","time":&lt;ms now&gt;,"sendTime":…,"type":…,"mallID":…}</c>, with
    /// <c>type</c> and <c>mallID</c> at the top level rather than inside <c>message</c>. Ids are written as numbers
    /// exactly as received (they can exceed 2^53, so they never pass through a double).
    /// </summary>
    public static string AckFrame(string frameId, long? sendTime, string type, long mallId, DateTimeOffset now)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WritePropertyName("id");
            if (frameId.Length is > 0 and <= 20 && frameId.All(char.IsAsciiDigit)) w.WriteRawValue(frameId);
            else w.WriteStringValue(frameId);
            w.WriteString("commandType", "Ack");
            w.WriteNumber("time", now.ToUnixTimeMilliseconds());
            if (sendTime is { } sent) w.WriteNumber("sendTime", sent);
            w.WriteString("type", type);
            w.WriteNumber("mallID", mallId);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>The Ack frame for a frame as received, or null when the frame needs none (not a Common frame, or unreadable).</summary>
    public static string? AckFrameFor(JsonElement frame, DateTimeOffset now)
    {
        if (frame.ValueKind != JsonValueKind.Object || NativeReader.Get(frame, "commandType")?.ValueKind != JsonValueKind.String
            || frame.GetProperty("commandType").GetString() != "Common") return null;
        var r = new NativeReader();
        var id = r.String(frame, "id", "", required: true, maxLength: 64);
        var sendTime = r.Integer(frame, "sendTime", "");
        if (r.Object(frame, "message", "", required: true) is not { } message) return null;
        var type = r.String(message, "type", "message", required: true, maxLength: 128);
        var mallId = r.Integer(message, "mallID", "message", required: true);
        return r.Failed ? null : AckFrame(id!, sendTime, type!, mallId!.Value, now);
    }

    /// <summary>The WSS path signature: <c>base64(md5hex(client_id + ts_ms + client_secret))</c>, base64 of the 32 hex characters.</summary>
    public static string ConnectionSignature(string clientId, long timestampMillis, string clientSecret) =>
        Convert.ToBase64String(Encoding.ASCII.GetBytes(
            Signing.Md5Hex(clientId + timestampMillis.ToString(CultureInfo.InvariantCulture) + clientSecret)));

    /// <summary>
    /// The PMC WebSocket address for a connection opened at <paramref name="now"/>:
    /// <c>wss://message-api.pinduoduo.com/message/{client_id}/{ts_ms}/{signature}</c> (the facts file's reading, not
    /// marked [U]; the frame and Ack layouts are). <paramref name="baseAddress"/> replaces the scheme and host (a local fake).
    /// </summary>
    public static string ConnectionUrl(string clientId, string clientSecret, DateTimeOffset now, string baseAddress = MessageHost)
    {
        var ms = now.ToUnixTimeMilliseconds();
        return $"{baseAddress.TrimEnd('/')}/message/{Uri.EscapeDataString(clientId)}/{ms.ToString(CultureInfo.InvariantCulture)}/{ConnectionSignature(clientId, ms, clientSecret)}";
    }
}
