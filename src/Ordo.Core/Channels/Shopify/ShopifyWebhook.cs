using System.Text.Json;
using Ordo.Core.Orders;

namespace Ordo.Core.Channels.Shopify;

/// <summary>
/// Shopify webhooks: an HTTP POST whose header <c>X-Shopify-Hmac-Sha256</c> is base64(HMAC-SHA256(app secret, raw
/// body)), with the event in <c>X-Shopify-Topic</c> and a delivery id in <c>X-Shopify-Webhook-Id</c> (the same on
/// retries, so it identifies duplicates). For the order topics the body is the whole order, which the message carries
/// so that no API call is needed; <c>orders/delete</c>, <c>orders/edited</c> and <c>refunds/create</c> carry only the
/// order id. Shopify wants any 2xx answer; the body is ignored.
/// </summary>
public sealed class ShopifyWebhook : IPushFormat
{
    public const string SignatureHeader = "X-Shopify-Hmac-Sha256";
    public const string TopicHeader = "X-Shopify-Topic";
    public const string WebhookIdHeader = "X-Shopify-Webhook-Id";

    /// <summary>Topics whose body is the full order.</summary>
    public static readonly IReadOnlyList<string> FullOrderTopics =
        ["orders/create", "orders/updated", "orders/paid", "orders/cancelled", "orders/fulfilled", "orders/partially_fulfilled"];

    /// <summary>Topics whose body only names the order (<c>{"id"}</c>, <c>{"order_edit": {"order_id"}}</c>, a refund's <c>order_id</c>).</summary>
    public static readonly IReadOnlyList<string> IdOnlyTopics = ["orders/delete", "orders/edited", "refunds/create"];

    public IReadOnlyList<Platform> Platforms { get; } = [Platform.Shopify];

    public string Acknowledgement => "{}";

    public PushVerification Verify(PushRequest request, ShopCredentials credentials)
    {
        if (string.IsNullOrEmpty(credentials.AppSecret))
            return PushVerification.Refused($"the shop has no app secret to check {SignatureHeader} with");
        if (request.Header(SignatureHeader) is not { Length: > 0 } received)
            return PushVerification.Refused($"header {SignatureHeader} is missing");
        var expected = Signing.HmacSha256Base64(credentials.AppSecret, request.Body);
        return Signing.SameSignature(received, expected)
            ? PushVerification.Ok
            : PushVerification.Refused($"{SignatureHeader} does not match the body signed with the shop's app secret");
    }

    public ParseResult<PushBatch> Read(PushRequest request, ShopCredentials credentials)
    {
        var r = new NativeReader();
        var topic = request.Header(TopicHeader)?.Trim();
        var messageId = request.Header(WebhookIdHeader)?.Trim();
        if (string.IsNullOrEmpty(topic)) r.Error("headers." + TopicHeader, "is required");
        else if (!FullOrderTopics.Contains(topic) && !IdOnlyTopics.Contains(topic))
            r.Error("headers." + TopicHeader, $"topic '{topic}' is not an order topic Ordo reads; known: {string.Join(", ", FullOrderTopics.Concat(IdOnlyTopics))}", topic);
        if (string.IsNullOrEmpty(messageId)) r.Error("headers." + WebhookIdHeader, "is required: it is how a redelivered webhook is recognised");

        JsonElement body;
        try
        {
            using var document = JsonDocument.Parse(request.Body);
            body = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            r.Error("$", $"the body is not valid JSON: {ex.Message}", System.Text.Encoding.UTF8.GetString(request.Body));
            return ParseResult<PushBatch>.Fail(r.Errors.ToList());
        }
        if (body.ValueKind != JsonValueKind.Object)
        {
            r.Error("$", "the body must be a JSON object", body);
            return ParseResult<PushBatch>.Fail(r.Errors.ToList());
        }
        if (r.Failed) return ParseResult<PushBatch>.Fail(r.Errors.ToList());

        string? orderId;
        JsonElement? order = null;
        switch (topic)
        {
            case "orders/edited":
                orderId = r.Object(body, "order_edit", "", required: true) is { } edit
                    ? r.String(edit, "order_id", "order_edit", required: true, maxLength: CanonicalOrderParser.MaxIdLength)
                    : null;
                break;
            case "refunds/create":
                orderId = r.String(body, "order_id", "", required: true, maxLength: CanonicalOrderParser.MaxIdLength);
                break;
            case "orders/delete":
                orderId = r.String(body, "id", "", required: true, maxLength: CanonicalOrderParser.MaxIdLength);
                break;
            default:
                orderId = r.String(body, "id", "", required: true, maxLength: CanonicalOrderParser.MaxIdLength);
                order = body;
                break;
        }
        if (r.Failed) return ParseResult<PushBatch>.Fail(r.Errors.ToList());
        return ParseResult<PushBatch>.Ok(new PushBatch([new PushMessage(messageId!, topic!, orderId!, order)]));
    }
}
