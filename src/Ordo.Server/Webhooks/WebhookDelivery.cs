using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Ordo.Data;
using Ordo.Data.Jobs;
using Ordo.Data.Orders;
using Ordo.Data.Webhooks;
using Ordo.Server.Configuration;
using Ordo.Server.Features.Orders;
using Ordo.Server.Jobs;
using Ordo.Server.Observability;

namespace Ordo.Server.Webhooks;

/// <summary>
/// Signing of outbound webhooks. The body carries <c>timestamp</c> (unix seconds) and the header
/// <c>X-Ordo-Signature: sha256=&lt;hex HMAC-SHA256 of the raw body with the subscriber's secret&gt;</c>; because the
/// timestamp is inside the signed body (and repeated in <c>X-Ordo-Timestamp</c>), a receiver that refuses bodies
/// older than a few minutes cannot be fooled by a replay.
/// </summary>
public static class WebhookSignature
{
    public const string SignatureHeader = "X-Ordo-Signature";
    public const string TimestampHeader = "X-Ordo-Timestamp";

    public static string Sign(string secret, byte[] body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    /// <summary>What a receiver does: constant-time compare, and a timestamp no older than <paramref name="tolerance"/>.</summary>
    public static bool Verify(string secret, byte[] body, string? signatureHeader, long timestamp, DateTimeOffset now, TimeSpan tolerance)
    {
        if (signatureHeader is null) return false;
        var expected = Encoding.ASCII.GetBytes(Sign(secret, body));
        var given = Encoding.ASCII.GetBytes(signatureHeader);
        return CryptographicOperations.FixedTimeEquals(expected, given)
               && Math.Abs(now.ToUnixTimeSeconds() - timestamp) <= tolerance.TotalSeconds;
    }
}

/// <summary>
/// Delivers one order event to one subscriber: at least once, in order per order (the job ordering key), signed,
/// retried with exponential backoff (base delay doubling up to a maximum, with jitter) until the attempt budget is
/// used up; then the delivery is listed as failed and can be re-sent.
/// </summary>
public sealed class WebhookDeliveryHandler(
    OrdoDatabase database, SubscriptionDirectory subscriptions, IHttpClientFactory httpClients, TimeProvider clock, OrdoMetrics metrics,
    IOptions<OrdoOptions> options) : IJobHandler
{
    public const string HttpClientName = "webhooks";
    private readonly WebhookOptions _options = options.Value.Webhooks;

    public string Kind => Outbox.WebhookJobKind;

    public TimeSpan RetryDelay(int attempt)
    {
        var seconds = Math.Min(_options.BaseDelaySeconds * Math.Pow(2, Math.Max(0, attempt - 1)), _options.MaxDelaySeconds);
        return TimeSpan.FromSeconds(seconds * (0.8 + Random.Shared.NextDouble() * 0.4));
    }

    public async Task<JobResult> RunAsync(Job job, CancellationToken ct)
    {
        var payload = DocumentJson.Deserialize<WebhookJobPayload>(job.Payload);
        var subscription = await subscriptions.FindAsync(payload.SubscriptionId, ct);
        if (subscription is null || !subscription.Active) return new JobResult.Abandoned($"subscription {payload.SubscriptionId} is gone or disabled");
        if (await database.ReadByKeyAsync(s => OrderStore.EventWithOrderAsync(s, payload.EventId), ct) is not var (stored, order))
            return new JobResult.Abandoned($"event {payload.EventId} of order {payload.OrderNo} no longer exists");

        var now = clock.GetUtcNow();
        var body = new JsonObject
        {
            ["id"] = $"evt_{stored.Id}",
            ["type"] = stored.Event.Type,
            ["deliveryId"] = job.Id,
            ["attempt"] = job.Attempts,
            ["timestamp"] = now.ToUnixTimeSeconds(),
            ["orderNo"] = payload.OrderNo,
            ["sequence"] = stored.Event.Sequence,
            ["event"] = JsonSerializer.SerializeToNode(OrderEventView.Of(stored), ApiJson.Options),
            // Masked unless the subscription was cleared for personal data (by someone with pii:full, audited then).
            ["order"] = JsonSerializer.SerializeToNode(OrderView.From(order,
                Security.PersonalData.ViewerAccess.OfSubscriber(subscription.PersonalData == WebhookPersonalData.Full)), ApiJson.Options),
        };
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString(ApiJson.Options));

        using var request = new HttpRequestMessage(HttpMethod.Post, subscription.Url) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new("application/json") { CharSet = "utf-8" };
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(subscription.Secret, bytes));
        request.Headers.Add(WebhookSignature.TimestampHeader, now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("X-Ordo-Event", stored.Event.Type);
        request.Headers.Add("X-Ordo-Delivery", job.Id.ToString(CultureInfo.InvariantCulture));
        request.Headers.UserAgent.ParseAdd("Ordo-Webhooks/1.0");

        var started = Stopwatch.GetTimestamp();
        int? statusCode = null;
        string? error = null;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(_options.TimeoutSeconds));
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            statusCode = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode) error = $"subscriber answered HTTP {statusCode}";
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            error = $"no answer within {_options.TimeoutSeconds} s";
        }
        catch (HttpRequestException ex)
        {
            error = $"could not reach subscriber: {ex.Message}";
        }
        var elapsed = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        metrics.WebhookAttempt(error is null ? "delivered" : job.Attempts < job.MaxAttempts ? "retry" : "failed");
        var record = new AttemptRecord(new NewWebhookAttempt(job.Id, subscription.Id, stored.Id, now, statusCode, error, elapsed));
        return error is null ? new JobResult.Done { Grouped = record } : new JobResult.Failed(error) { Grouped = record };
    }

    public Task GaveUpAsync(Job job, string error, CancellationToken ct)
    {
        metrics.WebhookGaveUp();
        return Task.CompletedTask;
    }

    /// <summary>A delivery's attempt log entry; deliveries finishing together are logged with one statement.</summary>
    private sealed record AttemptRecord(NewWebhookAttempt Attempt) : GroupedRecord
    {
        public override Task WriteAllAsync(DbSession s, IReadOnlyList<GroupedRecord> records) =>
            WebhookStore.AddAttemptsAsync(s, records.Cast<AttemptRecord>().Select(r => r.Attempt).ToList());
    }
}
