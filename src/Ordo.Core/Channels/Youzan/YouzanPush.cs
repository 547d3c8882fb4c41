using System.Text;
using System.Text.Json;
using Ordo.Core.Common;
using Ordo.Core.Orders;

namespace Ordo.Core.Channels.Youzan;

/// <summary>
/// Youzan message push: an HTTP POST with headers <c>Event-Sign</c> = md5hex(client_id + raw body + client_secret),
/// <c>Event-Type</c> and <c>Client-Id</c>, and the body
/// <c>{client_id, kdt_id, id, type, status, msg:"&lt;URL-encoded JSON&gt;", msg_id, version, sendCount, test}</c>.
/// Ordo keeps the app's client_id in <see cref="ShopCredentials.AppKey"/> and client_secret in
/// <see cref="ShopCredentials.AppSecret"/>.
/// </summary>
public sealed class YouzanPush : IPushFormat
{
    public IReadOnlyList<Platform> Platforms { get; } = [Platform.Youzan];

    /// <summary>Youzan retries a push unless the reply contains "success" within 5 s.</summary>
    public string Acknowledgement => """{"code":0,"msg":"success"}""";

    public PushVerification Verify(PushRequest request, ShopCredentials credentials)
    {
        if (string.IsNullOrEmpty(credentials.AppKey) || string.IsNullOrEmpty(credentials.AppSecret))
            return PushVerification.Refused("the shop has no Youzan client_id and client_secret configured");
        if (request.Header("Client-Id") is { } clientId && !string.Equals(clientId.Trim(), credentials.AppKey, StringComparison.Ordinal))
            return PushVerification.Refused("the Client-Id header names another app");
        if (request.Header("Event-Sign") is not { Length: > 0 } sign)
            return PushVerification.Refused("the Event-Sign header is missing");
        var expected = Signing.Md5Hex(credentials.AppKey, request.Body, credentials.AppSecret);
        return Signing.SameSignature(sign, expected, ignoreCase: true)
            ? PushVerification.Ok
            : PushVerification.Refused("the Event-Sign header does not match md5(client_id + body + client_secret)");
    }

    /// <summary>
    /// Reads the one message of a push. A test push (<c>test: true</c>) yields none. The order id is <c>tid</c> in the
    /// decoded <c>msg</c>, else the body's <c>id</c> for trade messages; messages of other kinds without a <c>tid</c>
    /// are not about an order and yield none.
    /// </summary>
    public ParseResult<PushBatch> Read(PushRequest request, ShopCredentials credentials)
    {
        JsonDocument document;
        try { document = JsonDocument.Parse(request.Body); }
        catch (JsonException ex) { return Fail("$", $"not valid JSON: {ex.Message}", Encoding.UTF8.GetString(request.Body)); }
        using (document)
        {
            var body = document.RootElement;
            if (body.ValueKind != JsonValueKind.Object) return Fail("$", "a Youzan push must be a JSON object", body.GetRawText());
            if (NativeReader.Get(body, "test") is { ValueKind: JsonValueKind.True }) return ParseResult<PushBatch>.Ok(new PushBatch([]));

            var r = new NativeReader();
            var messageId = r.String(body, "msg_id", "", required: true, maxLength: 128);
            var errorsBefore = r.Errors.Count;
            var topic = r.String(body, "type", "", maxLength: 128) ?? (request.Header("Event-Type")?.Trim() is { Length: > 0 } header ? header : null);
            if (topic is null && r.Errors.Count == errorsBefore) r.Error("type", "is required (or the Event-Type header)");

            string? orderId = null;
            if (r.String(body, "msg", "", maxLength: 100_000) is { } encoded)
            {
                var decoded = Decode(encoded);
                try
                {
                    using var msg = JsonDocument.Parse(decoded);
                    if (msg.RootElement.ValueKind == JsonValueKind.Object)
                        orderId = r.String(msg.RootElement, "tid", "msg", maxLength: CanonicalOrderParser.MaxIdLength);
                    else r.Error("msg", "does not decode to a JSON object", decoded);
                }
                catch (JsonException) { r.Error("msg", "does not decode to JSON", decoded); }
            }
            var isTrade = topic?.StartsWith("trade", StringComparison.OrdinalIgnoreCase) == true;
            if (orderId is null && isTrade && !r.Failed)
            {
                orderId = r.String(body, "id", "", maxLength: CanonicalOrderParser.MaxIdLength);
                if (orderId is null && !r.Failed) r.Error("msg.tid", "is required (or id): the order the message is about");
            }
            if (r.Failed) return ParseResult<PushBatch>.Fail(r.Errors);
            return ParseResult<PushBatch>.Ok(new PushBatch(orderId is null ? [] : [new PushMessage(messageId!, topic!, orderId)]));
        }
    }

    /// <summary>
    /// Decodes <c>msg</c> as form URL encoding: '+' is a space, then %XX escapes (so an encoded "%2B" stays a '+').
    /// A msg that arrives already decoded passes through unchanged unless it contains '+' or '%'.
    /// </summary>
    public static string Decode(string msg) => Uri.UnescapeDataString(msg.Replace('+', ' '));

    private static ParseResult<PushBatch> Fail(string path, string reason, string fragment) =>
        ParseResult<PushBatch>.Fail([new FieldError(path, reason, NativeReader.Fragment(fragment))]);
}
