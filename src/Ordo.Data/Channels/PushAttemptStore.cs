namespace Ordo.Data.Channels;

public static class PushOutcome
{
    public const string Accepted = "accepted";
    /// <summary>Authentication failed: nothing was processed.</summary>
    public const string Refused = "refused";
    /// <summary>Authentic, but the body could not be read; kept in the inbox as rejected.</summary>
    public const string Unreadable = "unreadable";
    public const string UnknownShop = "unknown_shop";
    public const string PushDisabled = "push_disabled";
}

public sealed record PushAttempt(
    long Id, DateTimeOffset ReceivedAt, string Platform, string ShopCode, string Outcome, string? Reason, int MessageCount,
    string BodySha256, string BodyExcerpt, string? RemoteAddress);

/// <summary>
/// Every push that reached <c>/hooks/…</c>, authentic or not: when a platform says it pushed and Ordo shows nothing,
/// this is where to look. Only an excerpt of the body is kept (with its hash): an unauthenticated request must not be
/// able to fill the database.
/// </summary>
public static class PushAttemptStore
{
    public const int ExcerptLength = 2000;

    public static Task<long> AddAsync(DbSession s, DateTimeOffset now, string platform, string shopCode, string outcome, string? reason,
        int messageCount, string bodySha256, string bodyExcerpt, string? remoteAddress) =>
        s.ScalarAsync<long>(
            """
            INSERT INTO push_attempts (received_at, platform, shop_code, outcome, reason, message_count, body_sha256, body_excerpt, remote_address)
            VALUES (@now, @platform, @shop, @outcome, @reason, @count, @sha, @excerpt, @remote) RETURNING id
            """,
            ("now", now), ("platform", platform), ("shop", shopCode), ("outcome", outcome), ("reason", reason), ("count", messageCount),
            ("sha", bodySha256), ("excerpt", bodyExcerpt.Length <= ExcerptLength ? bodyExcerpt : bodyExcerpt[..ExcerptLength]), ("remote", remoteAddress));

    public static Task<List<PushAttempt>> ListAsync(DbSession s, string shopCode, string? outcome, int limit) =>
        s.QueryAsync(
            $"SELECT * FROM push_attempts WHERE shop_code = @shop {(outcome is null ? "" : "AND outcome = @outcome")} ORDER BY id DESC LIMIT @limit",
            r => new PushAttempt(r.Long("id"), r.Instant("received_at"), r.String("platform"), r.String("shop_code"), r.String("outcome"),
                r.StringOrNull("reason"), r.Int("message_count"), r.String("body_sha256"), r.String("body_excerpt"), r.StringOrNull("remote_address")),
            ("shop", shopCode), ("outcome", outcome), ("limit", Math.Clamp(limit, 1, 200)));
}

/// <summary>
/// The id-only push messages already taken, per shop: a message is kept and fetched only by the transaction whose insert
/// here succeeds, so redeliveries and a message reaching several instances are recognised. Safe under concurrency: on
/// PostgreSQL a second insert of the same key waits for the first transaction and then does nothing.
/// </summary>
public static class PushMessageStore
{
    /// <summary>Claims the message; false when it was taken before (by this or another instance).</summary>
    public static async Task<bool> TryClaimAsync(DbSession s, string shopCode, string messageId, string platformOrderId, DateTimeOffset now) =>
        await s.SingleOrDefaultAsync(
            """
            INSERT INTO push_messages (shop_code, message_id, platform_order_id, received_at) VALUES (@shop, @id, @poid, @now)
            ON CONFLICT DO NOTHING RETURNING message_id
            """,
            r => r.String("message_id"), ("shop", shopCode), ("id", messageId), ("poid", platformOrderId), ("now", now)) is not null;

    public static Task LinkInboxAsync(DbSession s, string shopCode, string messageId, string platformOrderId, long inboxId) =>
        s.ExecuteAsync("UPDATE push_messages SET inbox_id = @inbox WHERE shop_code = @shop AND message_id = @id AND platform_order_id = @poid",
            ("inbox", inboxId), ("shop", shopCode), ("id", messageId), ("poid", platformOrderId));
}
