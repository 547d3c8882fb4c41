namespace Ordo.Data.Webhooks;

public sealed record WebhookSubscription(long Id, string Name, string Url, string Secret, IReadOnlyList<string> EventTypes, bool Active, DateTimeOffset CreatedAt)
{
    /// <summary><see cref="WebhookPersonalData.Masked"/> (default) or <see cref="WebhookPersonalData.Full"/>: how receivers' personal data reaches this subscriber.</summary>
    public string PersonalData { get; init; } = WebhookPersonalData.Masked;

    public bool Wants(string eventType) => Active && (EventTypes.Contains("*") || EventTypes.Contains(eventType));
}

/// <summary>What a subscriber receives of personal data: masked as for a viewer without personal-data permissions, or in full.</summary>
public static class WebhookPersonalData
{
    public const string Masked = "masked";
    public const string Full = "full";
}

public sealed record WebhookAttempt(long Id, long JobId, long SubscriptionId, long EventId, DateTimeOffset AttemptedAt, int? StatusCode, string? Error, long DurationMs);
public sealed record NewWebhookAttempt(long JobId, long SubscriptionId, long EventId, DateTimeOffset AttemptedAt, int? StatusCode, string? Error, long DurationMs);

/// <summary>Subscribers to order events and the log of every delivery attempt.</summary>
public static class WebhookStore
{
    // The secret is stored as given for now: it must be read back to sign deliveries. Encryption at rest of secrets
    // and personal data comes with the personal-data protection work.
    public static Task<long> AddSubscriptionAsync(DbSession s, string name, string url, string secret, IReadOnlyList<string> eventTypes, DateTimeOffset now,
        string personalData = WebhookPersonalData.Masked) =>
        s.ScalarAsync<long>(
            "INSERT INTO webhook_subscriptions (name, url, secret, event_types, active, created_at, personal_data) VALUES (@n, @u, @s, @e, @a, @now, @pd) RETURNING id",
            ("n", name), ("u", url), ("s", secret), ("e", DocumentJson.Serialize(eventTypes)), ("a", true), ("now", now), ("pd", personalData));

    public static Task<List<WebhookSubscription>> ListSubscriptionsAsync(DbSession s, bool activeOnly = false) =>
        s.QueryAsync($"SELECT * FROM webhook_subscriptions {(activeOnly ? "WHERE active = @a" : "")} ORDER BY id", Map, ("a", true));

    public static Task<WebhookSubscription?> FindSubscriptionAsync(DbSession s, long id) =>
        s.SingleOrDefaultAsync("SELECT * FROM webhook_subscriptions WHERE id = @id", Map, ("id", id));

    public static Task<int> SetActiveAsync(DbSession s, long id, bool active) =>
        s.ExecuteAsync("UPDATE webhook_subscriptions SET active = @a WHERE id = @id", ("a", active), ("id", id));

    public static Task AddAttemptAsync(DbSession s, long jobId, long subscriptionId, long eventId, DateTimeOffset at, int? statusCode, string? error, long durationMs) =>
        AddAttemptsAsync(s, [new NewWebhookAttempt(jobId, subscriptionId, eventId, at, statusCode, error, durationMs)]);

    private static readonly RowColumn[] AttemptRow =
    [
        new("job_id", ColumnType.BigInt), new("subscription_id", ColumnType.BigInt), new("event_id", ColumnType.BigInt),
        new("attempted_at", ColumnType.Instant), new("status_code", ColumnType.Integer), new("error", ColumnType.Text),
        new("duration_ms", ColumnType.BigInt),
    ];

    /// <summary>Records many delivery attempts with one statement (a few on SQLite), in the order given.</summary>
    public static async Task AddAttemptsAsync(DbSession s, IReadOnlyList<NewWebhookAttempt> attempts)
    {
        if (attempts.Count == 0) return;
        var rows = new RowSet(AttemptRow);
        foreach (var a in attempts) rows.Add(a.JobId, a.SubscriptionId, a.EventId, a.AttemptedAt, a.StatusCode, a.Error, a.DurationMs);
        await rows.ExecuteAsync(s, "a", source =>
            $"""
            INSERT INTO webhook_attempts (job_id, subscription_id, event_id, attempted_at, status_code, error, duration_ms)
            SELECT job_id, subscription_id, event_id, attempted_at, status_code, error, duration_ms FROM {source} ORDER BY ord
            """);
    }

    public static Task<List<WebhookAttempt>> AttemptsAsync(DbSession s, long jobId) =>
        s.QueryAsync("SELECT * FROM webhook_attempts WHERE job_id = @j ORDER BY id", r => new WebhookAttempt(
            r.Long("id"), r.Long("job_id"), r.Long("subscription_id"), r.Long("event_id"), r.Instant("attempted_at"),
            r.IntOrNull("status_code"), r.StringOrNull("error"), r.Long("duration_ms")), ("j", jobId));

    private static WebhookSubscription Map(Row r) => new(
        r.Long("id"), r.String("name"), r.String("url"), r.String("secret"), DocumentJson.Deserialize<List<string>>(r.String("event_types")),
        r.Bool("active"), r.Instant("created_at"))
    {
        PersonalData = r.Database.PersonalDataColumns ? r.String("personal_data") : WebhookPersonalData.Masked,
    };
}
