using System.Text;
using System.Text.Json;
using Ordo.Core.Orders;

namespace Ordo.Core.Channels.WooCommerce;

/// <summary>
/// WooCommerce webhooks: an HTTP POST whose header <c>X-WC-Webhook-Signature</c> is base64(HMAC-SHA256(webhook
/// secret, raw body)), with the event in <c>X-WC-Webhook-Topic</c> and the delivery in
/// <c>X-WC-Webhook-Delivery-ID</c>. For <c>order.created</c>, <c>order.updated</c> and <c>order.restored</c> the
/// body is the whole v3 order; <c>order.deleted</c> sends only <c>{"id"}</c>.
/// <para>
/// When a webhook is saved WooCommerce first posts a ping, the form body <c>webhook_id=N</c>, and keeps the webhook
/// only if the answer is 200. WooCommerce sends that ping without any signature or topic header, so an unsigned
/// ping is accepted: it carries no data and yields no message. A ping that does carry a signature must match.
/// </para>
/// </summary>
public sealed class WooCommerceWebhook : IPushFormat
{
    public const string SignatureHeader = "X-WC-Webhook-Signature";
    public const string TopicHeader = "X-WC-Webhook-Topic";
    public const string DeliveryIdHeader = "X-WC-Webhook-Delivery-ID";

    /// <summary>Topics whose body is the full order.</summary>
    public static readonly IReadOnlyList<string> FullOrderTopics = ["order.created", "order.updated", "order.restored"];

    /// <summary>Topics whose body is only <c>{"id": …}</c>.</summary>
    public static readonly IReadOnlyList<string> IdOnlyTopics = ["order.deleted"];

    public IReadOnlyList<Platform> Platforms { get; } = [Platform.Woocommerce];

    public string Acknowledgement => "{}";

    public PushVerification Verify(PushRequest request, ShopCredentials credentials)
    {
        var received = request.Header(SignatureHeader);
        if (string.IsNullOrEmpty(received))
            return IsPing(request)
                ? PushVerification.Ok
                : PushVerification.Refused($"header {SignatureHeader} is missing");
        if (string.IsNullOrEmpty(credentials.AppSecret))
            return PushVerification.Refused($"the shop has no webhook secret to check {SignatureHeader} with");
        var expected = Signing.HmacSha256Base64(credentials.AppSecret, request.Body);
        return Signing.SameSignature(received, expected)
            ? PushVerification.Ok
            : PushVerification.Refused($"{SignatureHeader} does not match the body signed with the webhook secret");
    }

    public ParseResult<PushBatch> Read(PushRequest request, ShopCredentials credentials)
    {
        if (IsPing(request)) return ParseResult<PushBatch>.Ok(new PushBatch([]));

        var r = new NativeReader();
        var topic = request.Header(TopicHeader)?.Trim();
        var messageId = request.Header(DeliveryIdHeader)?.Trim();
        if (string.IsNullOrEmpty(topic)) r.Error("headers." + TopicHeader, "is required");
        else if (!FullOrderTopics.Contains(topic) && !IdOnlyTopics.Contains(topic))
            r.Error("headers." + TopicHeader, $"topic '{topic}' is not an order topic Ordo reads; known: {string.Join(", ", FullOrderTopics.Concat(IdOnlyTopics))}", topic);
        if (string.IsNullOrEmpty(messageId)) r.Error("headers." + DeliveryIdHeader, "is required: it is how a redelivered webhook is recognised");

        JsonElement body;
        try
        {
            using var document = JsonDocument.Parse(request.Body);
            body = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            r.Error("$", $"the body is not valid JSON: {ex.Message}", Encoding.UTF8.GetString(request.Body));
            return ParseResult<PushBatch>.Fail(r.Errors.ToList());
        }
        if (body.ValueKind != JsonValueKind.Object)
        {
            r.Error("$", "the body must be a JSON object", body);
            return ParseResult<PushBatch>.Fail(r.Errors.ToList());
        }
        if (r.Failed) return ParseResult<PushBatch>.Fail(r.Errors.ToList());

        var orderId = r.String(body, "id", "", required: true, maxLength: CanonicalOrderParser.MaxIdLength);
        if (r.Failed) return ParseResult<PushBatch>.Fail(r.Errors.ToList());
        var order = FullOrderTopics.Contains(topic!) ? body : (JsonElement?)null;
        return ParseResult<PushBatch>.Ok(new PushBatch([new PushMessage(messageId!, topic!, orderId!, order)]));
    }

    /// <summary>WooCommerce's creation ping: no topic header and exactly the form body <c>webhook_id=&lt;digits&gt;</c>.</summary>
    public static bool IsPing(PushRequest request)
    {
        if (!string.IsNullOrEmpty(request.Header(TopicHeader))) return false;
        const string prefix = "webhook_id=";
        var body = request.Body;
        if (body.Length <= prefix.Length || body.Length > prefix.Length + 20) return false;
        for (var i = 0; i < prefix.Length; i++)
            if (body[i] != prefix[i]) return false;
        for (var i = prefix.Length; i < body.Length; i++)
            if (body[i] is < (byte)'0' or > (byte)'9') return false;
        return true;
    }
}
