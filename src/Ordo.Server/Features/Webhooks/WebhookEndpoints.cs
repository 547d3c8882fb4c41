using Ordo.Core.Orders;
using Ordo.Data;
using Ordo.Data.Jobs;
using Ordo.Data.Webhooks;
using Ordo.Server.Security;
using Ordo.Server.Webhooks;

namespace Ordo.Server.Features.Webhooks;

/// <summary>
/// Webhook subscriptions and their delivery log: POST/GET /api/v1/webhooks, DELETE /api/v1/webhooks/{id} (disable),
/// GET /api/v1/webhooks/deliveries?status=failed, GET /api/v1/webhooks/deliveries/{id} (with every attempt),
/// POST /api/v1/webhooks/deliveries/{id}/resend.
/// </summary>
public static class WebhookEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/webhooks", async (HttpContext http, OrdoDatabase db, TimeProvider clock, AuditTrail audit, CancellationToken ct) =>
        {
            var (body, problem) = await RequestBody.ReadObjectAsync(http.Request, ct);
            return problem ?? await CreateAsync(body, http, db, clock, audit, ct);
        })
        .RequireAuthorization(Permissions.WebhooksManage).WithName("CreateWebhook").WithSummary("Subscribe a URL to order events; deliveries are signed with the secret.");

        api.MapGet("/webhooks", async (OrdoDatabase db, CancellationToken ct) =>
            Results.Json(new
            {
                items = (await db.ReadAsync(s => WebhookStore.ListSubscriptionsAsync(s), ct))
                    .Select(w => new { w.Id, w.Name, w.Url, w.EventTypes, w.Active, w.CreatedAt, w.PersonalData }),
            }, ApiJson.Options))
        .RequireAuthorization(Permissions.WebhooksManage).WithName("ListWebhooks");

        api.MapDelete("/webhooks/{id:long}", (long id, OrdoDatabase db, SubscriptionDirectory subscriptions, CancellationToken ct) =>
            DisableAsync(id, db, subscriptions, ct))
        .RequireAuthorization(Permissions.WebhooksManage).WithName("DisableWebhook");

        api.MapGet("/webhooks/deliveries", async (string? status, string? cursor, int? limit, OrdoDatabase db, CancellationToken ct) =>
        {
            if (status is not null && status is not (JobStatus.Pending or JobStatus.Done or JobStatus.Failed))
                return Problems.BadRequest("status", "must be pending, done or failed");
            if (!Cursor.TryDecode(cursor, out var before)) return Cursor.Invalid();
            var size = Math.Clamp(limit ?? 50, 1, 200);
            var jobs = await db.ReadAsync(s => JobStore.ListAsync(s, Outbox.WebhookJobKind, status, before, size + 1), ct);
            var more = jobs.Count > size;
            if (more) jobs.RemoveAt(jobs.Count - 1);
            return Results.Json(new { items = jobs.Select(DeliveryView), nextCursor = more ? Cursor.Encode(jobs[^1].Id) : null }, ApiJson.Options);
        })
        .RequireAuthorization(Permissions.WebhooksManage).WithName("ListWebhookDeliveries").WithSummary("Deliveries, newest first; ?status=failed for those that gave up.");

        api.MapGet("/webhooks/deliveries/{id:long}", async (long id, OrdoDatabase db, CancellationToken ct) =>
        {
            var (job, attempts) = await db.ReadAsync(async s => (await JobStore.FindAsync(s, id), await WebhookStore.AttemptsAsync(s, id)), ct);
            return job is null || job.Kind != Outbox.WebhookJobKind
                ? Problems.NotFound($"no webhook delivery {id}")
                : Results.Json(new { delivery = DeliveryView(job), attempts }, ApiJson.Options);
        })
        .RequireAuthorization(Permissions.WebhooksManage).WithName("GetWebhookDelivery");

        api.MapPost("/webhooks/deliveries/{id:long}/resend", (long id, OrdoDatabase db, TimeProvider clock, CancellationToken ct) =>
            ResendAsync(id, db, clock, ct))
        .RequireAuthorization(Permissions.WebhooksManage).WithName("ResendWebhookDelivery").WithSummary("Queue a delivery again (failed or already delivered).");
    }

    /// <summary>Validates and stores a subscription (<c>url</c>, <c>secret</c>, <c>eventTypes</c>, <c>name</c>); the console's webhooks page uses it too.</summary>
    public static async Task<IResult> CreateAsync(System.Text.Json.JsonElement body, HttpContext http, OrdoDatabase db, TimeProvider clock, AuditTrail audit,
        CancellationToken ct)
    {
        var url = body.String("url");
        if (string.IsNullOrEmpty(url) || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            return Problems.Result(422, "Invalid subscription", "url must be an absolute http or https URL", "url");
        var secret = body.String("secret");
        if (string.IsNullOrEmpty(secret) || secret.Length < 16)
            return Problems.Result(422, "Invalid subscription", "secret is required, at least 16 characters: it signs every delivery", "secret");
        var types = body.StringArray("eventTypes") ?? (body.Has("eventTypes") ? null : ["*"]);
        if (types is null || types.Count == 0 || types.Any(t => t != "*" && !OrderEventTypes.All.Contains(t)))
            return Problems.Result(422, "Invalid subscription", $"eventTypes must be an array of: *, {string.Join(", ", OrderEventTypes.All)}", "eventTypes");
        var name = body.String("name") ?? uri.Host;
        var personalData = body.String("personalData") ?? WebhookPersonalData.Masked;
        if (personalData is not (WebhookPersonalData.Masked or WebhookPersonalData.Full))
            return Problems.Result(422, "Invalid subscription", "personalData must be masked (default) or full", "personalData");
        // Personal data in full leaves Ordo with every delivery: only someone who may see it all may ask for it.
        if (personalData == WebhookPersonalData.Full && !Roles.Grant(http.User, Permissions.PersonalDataFull))
        {
            await audit.RecordAsync(http, AuditTrail.Actions.Denied, AuditTrail.Outcomes.Denied, "webhook " + url, new { personalData, needs = Permissions.PersonalDataFull });
            return Problems.Result(403, "Forbidden", $"a subscription with personalData full needs the {Permissions.PersonalDataFull} permission", "personalData");
        }
        var id = await db.WriteAsync(s => WebhookStore.AddSubscriptionAsync(s, name, url, secret, types, clock.GetUtcNow(), personalData), ct);
        // A full subscription is audited once, when it is made: each of its deliveries then carries personal data in full.
        if (personalData == WebhookPersonalData.Full)
            await audit.RecordAsync(http, AuditTrail.Actions.PersonalDataView, AuditTrail.Outcomes.Ok, $"webhook:{id}", new { url, personalData, eventTypes = types });
        return Results.Json(new { id, name, url, eventTypes = types, active = true, personalData }, ApiJson.Options, statusCode: 201);
    }

    /// <summary>Stops deliveries to a subscription (the console's webhooks page uses it too).</summary>
    public static async Task<IResult> DisableAsync(long id, OrdoDatabase db, SubscriptionDirectory subscriptions, CancellationToken ct)
    {
        var changed = await db.WriteAsync(s => WebhookStore.SetActiveAsync(s, id, false), ct);
        subscriptions.Forget(id);
        return changed == 0 ? Problems.NotFound($"no webhook subscription {id}") : Results.NoContent();
    }

    /// <summary>Queues a failed or delivered delivery again (the console's webhooks page uses it too).</summary>
    public static async Task<IResult> ResendAsync(long id, OrdoDatabase db, TimeProvider clock, CancellationToken ct)
    {
        var job = await db.ReadAsync(s => JobStore.FindAsync(s, id), ct);
        if (job is null || job.Kind != Outbox.WebhookJobKind) return Problems.NotFound($"no webhook delivery {id}");
        if (job.Status == JobStatus.Pending) return Problems.Result(409, "Already queued", $"delivery {id} is still pending (attempt {job.Attempts} of {job.MaxAttempts})");
        await db.WriteAsync(async s => { await JobStore.RetryAsync(s, id, clock.GetUtcNow()); s.AfterCommit(JobSignal.Notify); }, ct);
        return Results.Accepted($"/api/v1/webhooks/deliveries/{id}", new { id, status = JobStatus.Pending });
    }

    private static object DeliveryView(Job job)
    {
        var payload = DocumentJson.Deserialize<WebhookJobPayload>(job.Payload);
        return new
        {
            job.Id, payload.SubscriptionId, payload.EventId, payload.OrderNo, job.Status, job.Attempts, job.MaxAttempts,
            nextAttemptAt = job.Status == JobStatus.Pending ? job.DueAt : (DateTimeOffset?)null, job.LastError, job.CreatedAt, job.FinishedAt,
        };
    }
}
