namespace Ordo.Data.Inbox;

public static class InboxStatus
{
    public const string Received = "received";
    public const string Accepted = "accepted";
    public const string Rejected = "rejected";
}

public sealed record InboxItem(
    long Id, DateTimeOffset ReceivedAt, string Source, string? Platform, string? ShopCode, string? PlatformOrderId, string Payload,
    string Status, string? Errors, string? OrderNo, string? Outcome, int Attempts, DateTimeOffset? ProcessedAt, string? OriginalPayload);

/// <summary>
/// Every payload as it arrived, written and committed before it is parsed, so that nothing is lost when it cannot be
/// accepted (or when Ordo stops half-way): a rejected item keeps the exact reasons and can be replayed.
/// </summary>
public static class InboxStore
{
    public static Task<long> AddAsync(DbSession s, string source, string payload, DateTimeOffset now, string? platform = null, string? shopCode = null, string? platformOrderId = null) =>
        s.ScalarAsync<long>(
            """
            INSERT INTO inbox (received_at, source, platform, shop_code, platform_order_id, payload, status, attempts)
            VALUES (@now, @source, @platform, @shop, @poid, @payload, 'received', 0) RETURNING id
            """,
            ("now", now), ("source", source), ("platform", platform), ("shop", shopCode), ("poid", platformOrderId), ("payload", payload));

    /// <summary>Adds many payloads with multi-row inserts (100 rows a statement); returns their ids in input order.</summary>
    public static async Task<List<long>> AddManyAsync(DbSession s, IReadOnlyList<(string Source, string Payload)> payloads, DateTimeOffset now)
    {
        var ids = new List<long>(payloads.Count);
        foreach (var chunk in payloads.Chunk(100))
        {
            var values = string.Join(", ", chunk.Select((_, i) => $"(@now, @s{i}, @p{i}, 'received', 0)"));
            var parameters = chunk.SelectMany((p, i) => new[] { ($"p{i}", (object?)p.Payload), ($"s{i}", p.Source) }).Append(("now", now)).ToArray();
            // RETURNING lists rows in insertion order on both SQLite and PostgreSQL for a single VALUES list; sort to be certain.
            var rows = await s.QueryAsync($"INSERT INTO inbox (received_at, source, payload, status, attempts) VALUES {values} RETURNING id",
                r => r.Long("id"), parameters);
            rows.Sort();
            ids.AddRange(rows);
        }
        return ids;
    }

    public static Task MarkAsync(DbSession s, long id, string status, DateTimeOffset now, string? errors, string? orderNo, string? outcome,
        string? platform = null, string? shopCode = null, string? platformOrderId = null) =>
        s.ExecuteAsync(
            """
            UPDATE inbox SET status = @status, errors = @errors, order_no = @no, outcome = @outcome, processed_at = @now, attempts = attempts + 1,
                   platform = COALESCE(@platform, platform), shop_code = COALESCE(@shop, shop_code), platform_order_id = COALESCE(@poid, platform_order_id)
            WHERE id = @id
            """,
            ("status", status), ("errors", errors), ("no", orderNo), ("outcome", outcome), ("now", now), ("id", id),
            ("platform", platform), ("shop", shopCode), ("poid", platformOrderId));

    /// <summary>Replaces the payload with a corrected one before a replay; the first payload that arrived is kept.</summary>
    public static Task CorrectPayloadAsync(DbSession s, long id, string payload) =>
        s.ExecuteAsync("UPDATE inbox SET original_payload = COALESCE(original_payload, payload), payload = @p WHERE id = @id", ("p", payload), ("id", id));

    public static Task<InboxItem?> FindAsync(DbSession s, long id) =>
        s.SingleOrDefaultAsync("SELECT * FROM inbox WHERE id = @id", Map, ("id", id));

    public static Task<List<InboxItem>> ListAsync(DbSession s, string? status, long? before, int limit) =>
        s.QueryAsync(
            $"SELECT * FROM inbox WHERE 1 = 1 {(status is null ? "" : "AND status = @status")} {(before is null ? "" : "AND id < @before")} ORDER BY id DESC LIMIT @limit",
            Map, ("status", status), ("before", before), ("limit", Math.Clamp(limit, 1, 200)));

    private static InboxItem Map(Row r) => new(
        r.Long("id"), r.Instant("received_at"), r.String("source"), r.StringOrNull("platform"), r.StringOrNull("shop_code"),
        r.StringOrNull("platform_order_id"), r.String("payload"), r.String("status"), r.StringOrNull("errors"), r.StringOrNull("order_no"),
        r.StringOrNull("outcome"), r.Int("attempts"), r.InstantOrNull("processed_at"), r.StringOrNull("original_payload"));
}
