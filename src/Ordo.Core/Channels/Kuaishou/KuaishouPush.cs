using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Ordo.Core.Common;
using Ordo.Core.Orders;

namespace Ordo.Core.Channels.Kuaishou;

/// <summary>
/// Kuaishou shop message push: an HTTP POST whose body is base64 of AES-CBC ciphertext (key = the app's base64
/// message secret decoded, IV = 16 zero bytes, PKCS#5/7 padding). The plaintext is one message
/// <c>{eventId, msgId, bizId, userId, openId, appKey, event, info:"&lt;JSON&gt;", status, createTime, updateTime}</c>.
/// Kuaishou documents no separate signature [U]: a body that decrypts with the shop's secret into a message for this
/// app is taken as authentic. Ordo keeps the message secret in <see cref="ShopCredentials.AppSecret"/>.
/// </summary>
public sealed class KuaishouPush : IPushFormat
{
    public IReadOnlyList<Platform> Platforms { get; } = [Platform.Kuaishou];

    /// <summary>Kuaishou pauses pushing to a URL that does not answer <c>{"result":1}</c> within 3 s.</summary>
    public string Acknowledgement => """{"result":1}""";

    public PushVerification Verify(PushRequest request, ShopCredentials credentials)
    {
        if (string.IsNullOrEmpty(credentials.AppSecret)) return PushVerification.Refused("the shop has no Kuaishou message secret configured");
        if (IsPlainHeartbeat(request.Body)) return PushVerification.Ok;
        if (Decrypt(request.Body, credentials.AppSecret) is not { } plaintext)
            return PushVerification.Refused("the body does not decrypt with the shop's message secret");
        JsonDocument document;
        try { document = JsonDocument.Parse(plaintext); }
        catch (JsonException) { return PushVerification.Refused("the decrypted body is not JSON"); }
        using (document)
        {
            foreach (var message in Messages(document.RootElement))
            {
                if (message.ValueKind != JsonValueKind.Object) return PushVerification.Refused("the decrypted body is not a message object");
                if (NativeReader.Get(message, "appKey") is { } appKey && !string.Equals(Text(appKey), credentials.AppKey, StringComparison.Ordinal))
                    return PushVerification.Refused("the message is addressed to another app (appKey differs)");
            }
        }
        return PushVerification.Ok;
    }

    public ParseResult<PushBatch> Read(PushRequest request, ShopCredentials credentials)
    {
        if (IsPlainHeartbeat(request.Body)) return ParseResult<PushBatch>.Ok(new PushBatch([]));
        if (credentials.AppSecret is not { Length: > 0 } secret || Decrypt(request.Body, secret) is not { } plaintext)
            return Fail("$", "the body does not decrypt with the shop's message secret", Encoding.UTF8.GetString(request.Body));

        JsonDocument document;
        try { document = JsonDocument.Parse(plaintext); }
        catch (JsonException ex) { return Fail("$", $"the decrypted body is not valid JSON: {ex.Message}", plaintext); }
        using (document)
        {
            var r = new NativeReader();
            var messages = new List<PushMessage>();
            var root = document.RootElement;
            var i = 0;
            foreach (var message in Messages(root))
            {
                var path = root.ValueKind == JsonValueKind.Array ? $"[{i++}]" : "";
                if (message.ValueKind != JsonValueKind.Object) { r.Error(path.Length == 0 ? "$" : path, "a message must be a JSON object", message); continue; }
                if (ReadMessage(message, path, r) is { } read) messages.Add(read);
            }
            return r.Failed ? ParseResult<PushBatch>.Fail(r.Errors) : ParseResult<PushBatch>.Ok(new PushBatch(messages));
        }
    }

    /// <summary>
    /// One message. Heartbeats (<c>test: true</c>) carry no order. The order id is <c>info.oid</c>; order events
    /// (<c>kwaishop_order_*</c>) also carry it as <c>bizId</c>. Other events without an <c>oid</c> (a refund's
    /// <c>bizId</c> is the refund id) are not about an order Ordo can fetch and are skipped.
    /// </summary>
    private static PushMessage? ReadMessage(JsonElement message, string path, NativeReader r)
    {
        if (NativeReader.Get(message, "test") is { ValueKind: JsonValueKind.True }) return null;

        var eventName = r.String(message, "event", path, required: true, maxLength: 128);
        var errorsBefore = r.Errors.Count;
        var messageId = r.String(message, "eventId", path, maxLength: 128) ?? r.String(message, "msgId", path, maxLength: 128);
        if (messageId is null && r.Errors.Count == errorsBefore) r.Error(NativeReader.Path(path, "eventId"), "is required (or msgId): duplicates could not be recognised");

        string? orderId = null;
        errorsBefore = r.Errors.Count;
        var infoPath = NativeReader.Path(path, "info");
        if (NativeReader.Get(message, "info") is { } info)
        {
            if (info.ValueKind == JsonValueKind.Object) orderId = r.String(info, "oid", infoPath, maxLength: CanonicalOrderParser.MaxIdLength);
            else if (info.ValueKind == JsonValueKind.String)
            {
                try
                {
                    using var inner = JsonDocument.Parse(info.GetString()!);
                    if (inner.RootElement.ValueKind == JsonValueKind.Object)
                        orderId = r.String(inner.RootElement, "oid", infoPath, maxLength: CanonicalOrderParser.MaxIdLength);
                }
                catch (JsonException) { r.Error(infoPath, "is not a JSON string", info); }
            }
            else r.Error(infoPath, "must be a JSON string", info);
        }
        var isOrderEvent = eventName?.StartsWith("kwaishop_order_", StringComparison.Ordinal) == true;
        if (orderId is null && isOrderEvent)
        {
            orderId = r.String(message, "bizId", path, maxLength: CanonicalOrderParser.MaxIdLength);
            if (orderId is null && r.Errors.Count == errorsBefore)
                r.Error(NativeReader.Path(infoPath, "oid"), "is required (or bizId): the order the event is about");
        }
        if (eventName is null || messageId is null || orderId is null) return null;
        return new PushMessage(messageId, eventName, orderId);
    }

    private static IEnumerable<JsonElement> Messages(JsonElement root) =>
        root.ValueKind == JsonValueKind.Array ? root.EnumerateArray() : [root];

    private static string? Text(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number => e.GetRawText(),
        _ => null,
    };

    /// <summary>
    /// The heartbeat Kuaishou sends when the URL is saved and while probing it, <c>{"test":true}</c>. It is answered
    /// even unencrypted [U: the documentation shows it in plain text], because it carries nothing to act on and a
    /// refused heartbeat pauses the shop's pushes.
    /// </summary>
    private static bool IsPlainHeartbeat(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object && root.EnumerateObject().Count() == 1
                && NativeReader.Get(root, "test") is { ValueKind: JsonValueKind.True };
        }
        catch (JsonException) { return false; }
    }

    /// <summary>Decrypts the body; null when it is not base64, the secret is not a base64 AES key, or the padding is wrong.</summary>
    public static string? Decrypt(byte[] body, string base64Secret)
    {
        if (Key(base64Secret) is not { } key) return null;
        var text = Encoding.ASCII.GetString(body).Trim();
        var buffer = new byte[text.Length * 3 / 4 + 3];
        if (!Convert.TryFromBase64String(text, buffer, out var length) || length == 0 || length % 16 != 0) return null;
        try
        {
            using var aes = Aes.Create();
            aes.Key = key;
            var plain = aes.DecryptCbc(buffer.AsSpan(0, length), new byte[16], PaddingMode.PKCS7);
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(plain);
        }
        catch (CryptographicException) { return null; }
        catch (ArgumentException) { return null; } // invalid UTF-8 after a lucky padding match with a wrong key
    }

    /// <summary>
    /// Encrypts <paramref name="plaintext"/> the way Kuaishou does (base64 of AES-CBC, zero IV, PKCS#7): for tests and
    /// Ordo's push simulator. Throws <see cref="ArgumentException"/> when the secret is not a base64 AES key.
    /// </summary>
    public static string Encrypt(string plaintext, string base64Secret)
    {
        var key = Key(base64Secret) ?? throw new ArgumentException("The message secret must be base64 of a 16, 24 or 32-byte AES key.", nameof(base64Secret));
        using var aes = Aes.Create();
        aes.Key = key;
        return Convert.ToBase64String(aes.EncryptCbc(Encoding.UTF8.GetBytes(plaintext), new byte[16], PaddingMode.PKCS7));
    }

    private static byte[]? Key(string base64Secret)
    {
        var buffer = new byte[base64Secret.Length];
        return Convert.TryFromBase64String(base64Secret.Trim(), buffer, out var length) && length is 16 or 24 or 32 ? buffer[..length] : null;
    }

    private static ParseResult<PushBatch> Fail(string path, string reason, string fragment) =>
        ParseResult<PushBatch>.Fail([new FieldError(path, reason, NativeReader.Fragment(fragment))]);
}
