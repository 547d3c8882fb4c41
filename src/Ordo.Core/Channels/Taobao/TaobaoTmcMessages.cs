using System.Text.Json;
using Ordo.Core.Orders;

namespace Ordo.Core.Channels.Taobao;

/// <summary>
/// Taobao/Tmall TMC messages as Ordo's relay delivers them. TMC itself is a WebSocket (<c>ws://mc.api.taobao.com/</c>)
/// authenticated on the connection, and its messages are not signed; the relay holds that connection and POSTs each
/// message (or a batch of them as a JSON array) with the TMC envelope as the body:
/// <c>{id, topic, pub_time, pub_app_key, user_id, user_nick, content: "&lt;JSON string&gt;"}</c>.
/// <para>
/// Authentication of the relay's POST (Ordo's own convention, since TMC gives nothing to check):
/// header <c>X-Relay-Sign</c> = <c>upper(md5hex(app_secret + raw body + app_secret))</c>, compared case-insensitively
/// in constant time; and every envelope's <c>pub_app_key</c>, when present, must be the shop's app key or Taobao's
/// platform publisher key (see <see cref="TaobaoPublisherAppKey"/>).
/// </para>
/// Messages carry ids only: Ordo fetches the trade with <c>taobao.trade.fullinfo.get</c>. Pure and thread-safe.
/// </summary>
public sealed class TaobaoTmcMessages : IPushFormat, IPushFeedFormat
{
    public const string SignatureHeader = "X-Relay-Sign";

    /// <summary>
    /// <c>pub_app_key</c> is the publisher's app key; the platform's own topics (<c>taobao_trade_*</c>,
    /// <c>taobao_refund_*</c>) are published by Taobao under this key, as in TMC samples [U: seen in public samples, not
    /// in the facts file]. Requiring the shop's own key there would refuse every real platform message.
    /// </summary>
    public const string TaobaoPublisherAppKey = "12497914";

    /// <summary>The topics Ordo subscribes to (<c>taobao.tmc.user.permit</c>); each message's content carries <c>tid</c>.</summary>
    public static readonly IReadOnlyList<string> Topics =
    [
        "taobao_trade_TradeCreate",
        "taobao_trade_TradeBuyerPay",
        "taobao_trade_TradeSellerShip",
        "taobao_trade_TradeSuccess",
        "taobao_trade_TradeClose",
        "taobao_trade_TradeChanged",
        "taobao_trade_TradeMemoModified",
        "taobao_trade_TradeLogisticsAddressChanged",
        "taobao_refund_RefundCreated",
        "taobao_refund_RefundSuccess",
    ];

    public IReadOnlyList<Platform> Platforms { get; } = [Platform.Taobao, Platform.Tmall];

    /// <summary>What the relay expects back once the messages are taken; it then confirms them to TMC.</summary>
    public string Acknowledgement => """{"success":true}""";

    public PushVerification Verify(PushRequest request, ShopCredentials credentials)
    {
        if (string.IsNullOrEmpty(credentials.AppSecret))
            return PushVerification.Refused("the shop has no app secret to check the relay signature with");
        var received = request.Header(SignatureHeader);
        if (string.IsNullOrWhiteSpace(received))
            return PushVerification.Refused($"the {SignatureHeader} header is missing");
        var expected = Signing.Md5Hex(credentials.AppSecret, request.Body, credentials.AppSecret).ToUpperInvariant();
        if (!Signing.SameSignature(received, expected, ignoreCase: true))
            return PushVerification.Refused($"the {SignatureHeader} signature does not match the body");

        // The signature holds; the publisher check needs the envelopes. A signed body that is not JSON is authentic
        // but unreadable: Read reports that with the field that failed.
        JsonDocument document;
        try { document = JsonDocument.Parse(request.Body); }
        catch (JsonException) { return PushVerification.Ok; }
        using (document)
        {
            foreach (var (envelope, _) in Envelopes(document.RootElement))
            {
                var text = NativeReader.Get(envelope, "pub_app_key") switch
                {
                    { ValueKind: JsonValueKind.String } s => s.GetString(),
                    { ValueKind: JsonValueKind.Number } n => n.GetRawText(),
                    { } other => other.GetRawText(),   // an odd type is not a known publisher: refused below
                    null => null,
                };
                if (string.IsNullOrEmpty(text)) continue;
                if (text != TaobaoPublisherAppKey && text != credentials.AppKey)
                    return PushVerification.Refused($"pub_app_key '{text}' is neither this shop's app key nor Taobao's ({TaobaoPublisherAppKey})");
            }
        }
        return PushVerification.Ok;
    }

    public ParseResult<PushBatch> Read(PushRequest request, ShopCredentials credentials) => ReadBody(request.Body);

    /// <summary>
    /// One TMC message as a WebSocket transport would receive it, addressed to the seller's <c>user_id</c>. There is no
    /// TMC transport yet: the handshake is not documented in the facts [U], so TMC still reaches Ordo through the relay.
    /// The reply is null for the same reason: TMC's confirm frame is part of that undocumented protocol [U].
    /// </summary>
    public PushFeedFrame ReadFrame(byte[] frame, DateTimeOffset now)
    {
        string? userId = null;
        try
        {
            using var document = JsonDocument.Parse(frame);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
                userId = new NativeReader().String(document.RootElement, "user_id", "", maxLength: 32);
        }
        catch (JsonException)
        {
            // Unreadable: ReadBody says why.
        }
        return new PushFeedFrame(ReadBody(frame), userId, null);
    }

    private static ParseResult<PushBatch> ReadBody(byte[] body)
    {
        var r = new NativeReader();
        JsonDocument document;
        try { document = JsonDocument.Parse(body); }
        catch (JsonException ex)
        {
            r.Error("$", $"the body is not valid JSON: {ex.Message}", System.Text.Encoding.UTF8.GetString(body));
            return ParseResult<PushBatch>.Fail(r.Errors.ToList());
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array))
            {
                r.Error("$", "must be a TMC message object or an array of them", root);
                return ParseResult<PushBatch>.Fail(r.Errors.ToList());
            }
            var messages = new List<PushMessage>();
            foreach (var (envelope, at) in Envelopes(root))
            {
                if (envelope.ValueKind != JsonValueKind.Object) { r.Error(at, "must be a TMC message object", envelope); continue; }
                if (ReadMessage(envelope, at, r) is { } message) messages.Add(message);
            }
            return r.Failed ? ParseResult<PushBatch>.Fail(r.Errors.ToList()) : ParseResult<PushBatch>.Ok(new PushBatch(messages));
        }
    }

    /// <summary>The envelopes of a body with the JSON path of each: the object itself, or each element of an array.</summary>
    private static IEnumerable<(JsonElement Envelope, string Path)> Envelopes(JsonElement root)
    {
        if (root.ValueKind == JsonValueKind.Object) { yield return (root, ""); yield break; }
        if (root.ValueKind != JsonValueKind.Array) yield break;
        var i = 0;
        foreach (var element in root.EnumerateArray()) yield return (element, $"[{i++}]");
    }

    private static PushMessage? ReadMessage(JsonElement envelope, string at, NativeReader r)
    {
        var id = r.String(envelope, "id", at, required: true, maxLength: 64);
        var topic = r.String(envelope, "topic", at, required: true, maxLength: 128);
        if (topic is not null && !Topics.Contains(topic))
        {
            r.Error(NativeReader.Path(at, "topic"), $"unknown topic '{topic}'; expected one of: {string.Join(", ", Topics)}", NativeReader.Get(envelope, "topic"));
            topic = null;
        }
        var tid = ReadTid(envelope, at, r);
        return id is null || topic is null || tid is null ? null : new PushMessage(id, topic, tid);
    }

    /// <summary><c>content</c> is a JSON string holding the event's fields; an object is taken too (a relay may have decoded it).</summary>
    private static string? ReadTid(JsonElement envelope, string at, NativeReader r)
    {
        var contentPath = NativeReader.Path(at, "content");
        switch (NativeReader.Get(envelope, "content"))
        {
            case null:
                r.Error(contentPath, "is required: the message's JSON content with the tid");
                return null;
            case { ValueKind: JsonValueKind.Object } content:
                return Tid(content);
            case { ValueKind: JsonValueKind.String } text:
                try
                {
                    using var content = JsonDocument.Parse(text.GetString()!);
                    if (content.RootElement.ValueKind == JsonValueKind.Object) return Tid(content.RootElement);
                    r.Error(contentPath, "must hold a JSON object", text);
                    return null;
                }
                catch (JsonException ex)
                {
                    r.Error(contentPath, $"is not JSON: {ex.Message}", text);
                    return null;
                }
            case var other:
                r.Error(contentPath, "must be a JSON string", other);
                return null;
        }

        string? Tid(JsonElement content) => r.String(content, "tid", contentPath, required: true, maxLength: CanonicalOrderParser.MaxIdLength);
    }
}
