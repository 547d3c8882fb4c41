namespace Ordo.Data.Channels;

public static class WriteBackStatus
{
    public const string Pending = "pending";
    public const string Succeeded = "succeeded";
    /// <summary>Every attempt failed; an alert was raised. A person can trigger it again.</summary>
    public const string Failed = "failed";
}

/// <summary>A shipment to report to the order's platform (one per package for split shipments).</summary>
public sealed record WriteBack(
    long Id, string OrderNo, string ShopCode, string Platform, string PlatformOrderId, string CarrierCode, string TrackingNumber,
    IReadOnlyList<string>? SubOrderIds, string Status, int Attempts, string? LastError, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>One call to the platform and what it answered.</summary>
public sealed record WriteBackAttempt(long Id, long WriteBackId, DateTimeOffset At, string Outcome, int StatusCode, string Answer);

public static class WriteBackStore
{
    public const int AnswerLength = 4000;

    public static Task<long> AddAsync(DbSession s, string orderNo, string shopCode, string platform, string platformOrderId, string carrierCode,
        string trackingNumber, IReadOnlyList<string>? subOrderIds, DateTimeOffset now) =>
        s.ScalarAsync<long>(
            """
            INSERT INTO write_backs (order_no, shop_code, platform, platform_order_id, carrier_code, tracking_number, sub_order_ids, status, attempts, created_at, updated_at)
            VALUES (@no, @shop, @platform, @poid, @carrier, @tracking, @subs, 'pending', 0, @now, @now) RETURNING id
            """,
            ("no", orderNo), ("shop", shopCode), ("platform", platform), ("poid", platformOrderId), ("carrier", carrierCode), ("tracking", trackingNumber),
            ("subs", subOrderIds is null ? null : string.Join(",", subOrderIds)), ("now", now));

    public static Task<WriteBack?> FindAsync(DbSession s, long id) =>
        s.SingleOrDefaultAsync("SELECT * FROM write_backs WHERE id = @id", Map, ("id", id));

    public static Task<List<WriteBack>> ListAsync(DbSession s, string? status, string? orderNo, int limit) =>
        s.QueryAsync(
            $"SELECT * FROM write_backs WHERE 1 = 1 {(status is null ? "" : "AND status = @status")} {(orderNo is null ? "" : "AND order_no = @no")} ORDER BY id DESC LIMIT @limit",
            Map, ("status", status), ("no", orderNo), ("limit", Math.Clamp(limit, 1, 200)));

    public static Task<List<WriteBackAttempt>> AttemptsAsync(DbSession s, long writeBackId) =>
        s.QueryAsync("SELECT * FROM write_back_attempts WHERE write_back_id = @id ORDER BY id", r => new WriteBackAttempt(
            r.Long("id"), r.Long("write_back_id"), r.Instant("at"), r.String("outcome"), r.Int("status_code"), r.String("answer")), ("id", writeBackId));

    /// <summary>Records one attempt and the write-back's new state.</summary>
    public static async Task RecordAttemptAsync(DbSession s, long id, DateTimeOffset now, string status, string? error, string outcome, int statusCode, string answer)
    {
        await s.ExecuteAsync(
            "INSERT INTO write_back_attempts (write_back_id, at, outcome, status_code, answer) VALUES (@id, @now, @outcome, @code, @answer)",
            ("id", id), ("now", now), ("outcome", outcome), ("code", statusCode), ("answer", answer.Length <= AnswerLength ? answer : answer[..AnswerLength]));
        await s.ExecuteAsync("UPDATE write_backs SET status = @status, attempts = attempts + 1, last_error = @error, updated_at = @now WHERE id = @id",
            ("status", status), ("error", error), ("now", now), ("id", id));
    }

    public static Task<int> SetStatusAsync(DbSession s, long id, string status, DateTimeOffset now) =>
        s.ExecuteAsync("UPDATE write_backs SET status = @status, updated_at = @now WHERE id = @id", ("status", status), ("now", now), ("id", id));

    private static WriteBack Map(Row r) => new(
        r.Long("id"), r.String("order_no"), r.String("shop_code"), r.String("platform"), r.String("platform_order_id"), r.String("carrier_code"),
        r.String("tracking_number"), r.StringOrNull("sub_order_ids")?.Split(',', StringSplitOptions.RemoveEmptyEntries), r.String("status"),
        r.Int("attempts"), r.StringOrNull("last_error"), r.Instant("created_at"), r.Instant("updated_at"));
}
