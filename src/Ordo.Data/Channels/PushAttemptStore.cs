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

/// <summary>A push to record: the hash is of the whole body, the excerpt is cut to <see cref="PushAttemptStore.ExcerptLength"/>.</summary>
public sealed record NewPushAttempt(string Platform, string ShopCode, string Outcome, string? Reason, int MessageCount, string BodySha256,
    string BodyExcerpt, string? RemoteAddress);

/// <summary>
/// Every push that reached <c>/hooks/…</c>, authentic or not: when a platform says it pushed and Ordo shows nothing,
/// this is where to look. Only an excerpt of the body is kept (with its hash): an unauthenticated request must not be
/// able to fill the database. The excerpt can hold a receiver's personal data (platforms that push whole orders), so
/// it is stored encrypted with the database's personal-data keys, like inbox payloads.
/// </summary>
public static class PushAttemptStore
{
    public const int ExcerptLength = 2000;

    private static readonly RowColumn[] AttemptRow =
    [
        new("platform", ColumnType.Text), new("shop_code", ColumnType.Text), new("outcome", ColumnType.Text), new("reason", ColumnType.Text),
        new("message_count", ColumnType.Integer), new("body_sha256", ColumnType.Text), new("body_excerpt", ColumnType.Text),
        new("remote_address", ColumnType.Text),
    ];

    /// <summary>Records pushes with one statement (a few on SQLite), in the order given.</summary>
    public static async Task AddManyAsync(DbSession s, IReadOnlyList<NewPushAttempt> attempts, DateTimeOffset now)
    {
        if (attempts.Count == 0) return;
        var ring = s.Database.PersonalData;
        var rows = new RowSet(AttemptRow);
        foreach (var a in attempts)
        {
            var excerpt = a.BodyExcerpt.Length <= ExcerptLength ? a.BodyExcerpt : a.BodyExcerpt[..ExcerptLength];
            rows.Add(a.Platform, a.ShopCode, a.Outcome, a.Reason, a.MessageCount, a.BodySha256, ring is null ? excerpt : ring.Encrypt(excerpt), a.RemoteAddress);
        }
        var (keyColumn, keyValue) = s.Database.PersonalDataColumns ? (", pd_key", ", @key") : ("", "");
        await rows.ExecuteAsync(s, "a", source =>
            $"""
            INSERT INTO push_attempts (received_at, platform, shop_code, outcome, reason, message_count, body_sha256, body_excerpt, remote_address{keyColumn})
            SELECT @now, platform, shop_code, outcome, reason, message_count, body_sha256, body_excerpt, remote_address{keyValue} FROM {source} ORDER BY ord
            """, ("now", now), ("key", ring?.ActiveKeyId));
    }

    public static Task<List<PushAttempt>> ListAsync(DbSession s, string shopCode, string? outcome, int limit) =>
        s.QueryAsync(
            $"SELECT * FROM push_attempts WHERE shop_code = @shop {(outcome is null ? "" : "AND outcome = @outcome")} ORDER BY id DESC LIMIT @limit",
            r => new PushAttempt(r.Long("id"), r.Instant("received_at"), r.String("platform"), r.String("shop_code"), r.String("outcome"),
                r.StringOrNull("reason"), r.Int("message_count"), r.String("body_sha256"), Open(r), r.StringOrNull("remote_address")),
            ("shop", shopCode), ("outcome", outcome), ("limit", Math.Clamp(limit, 1, 200)));

    private static string Open(Row r)
    {
        var text = r.String("body_excerpt");
        if (!Privacy.PersonalDataKeyRing.IsEncrypted(text)) return text;
        return r.Database.PersonalData?.Decrypt(text)
            ?? throw new Privacy.PersonalDataException("this push excerpt is encrypted but no personal-data keys are configured here");
    }

    /// <summary>The next push excerpts after <paramref name="afterId"/> not on the active key (or in clear), re-encrypted in memory; null when none is left.</summary>
    public static async Task<Privacy.ReencryptedBatch?> PrepareReencryptionAsync(DbSession s, long afterId, int limit)
    {
        var ring = s.Database.PersonalData ?? throw new InvalidOperationException("no personal-data keys are configured");
        var found = await s.QueryAsync(
            "SELECT id, body_excerpt FROM push_attempts WHERE id > @after AND (pd_key IS NULL OR pd_key < @key OR pd_key > @key) ORDER BY id LIMIT @limit",
            r => (Id: r.Long("id"), Excerpt: r.String("body_excerpt")), ("after", afterId), ("key", ring.ActiveKeyId), ("limit", limit));
        if (found.Count == 0) return null;
        var rows = new RowSet(new RowColumn("id", ColumnType.BigInt), new RowColumn("old_excerpt", ColumnType.Text), new RowColumn("body_excerpt", ColumnType.Text),
            new RowColumn("pd_key", ColumnType.Text));
        foreach (var (id, excerpt) in found) rows.Add(id, excerpt, ring.Encrypt(ring.Decrypt(excerpt)), ring.ActiveKeyId);
        return new Privacy.ReencryptedBatch("push_attempts", found[^1].Id, rows);
    }

    /// <summary>Writes re-encrypted excerpts (rows are only ever inserted; the check on the text read is for safety alone).</summary>
    public static Task<int> WriteReencryptedAsync(DbSession s, RowSet rows) =>
        rows.ExecuteAsync(s, "v", source =>
            $"""
            UPDATE push_attempts SET body_excerpt = v.body_excerpt, pd_key = v.pd_key
            FROM {source} WHERE push_attempts.id = v.id AND push_attempts.body_excerpt = v.old_excerpt
            """);
}

/// <summary>
/// The id-only push messages already taken, per shop: a message is kept and fetched only by the transaction whose insert
/// here succeeds, so redeliveries and a message reaching several instances are recognised. Safe under concurrency: on
/// PostgreSQL a second insert of the same key waits for the first transaction and then does nothing.
/// </summary>
public static class PushMessageStore
{
    private static readonly RowColumn[] KeyRow =
    [
        new("shop_code", ColumnType.Text), new("message_id", ColumnType.Text), new("platform_order_id", ColumnType.Text),
    ];

    /// <summary>
    /// Claims the messages; returns those not taken before (by this or another instance). Rows are inserted in key
    /// order, so two transactions claiming overlapping messages wait for each other in the same order, never in a cycle.
    /// </summary>
    public static async Task<HashSet<PushMessageKey>> TryClaimManyAsync(DbSession s, IReadOnlyList<PushMessageKey> keys, DateTimeOffset now)
    {
        var claimed = new HashSet<PushMessageKey>();
        if (keys.Count == 0) return claimed;
        var rows = new RowSet(KeyRow);
        foreach (var k in keys.Distinct().Order()) rows.Add(k.ShopCode, k.MessageId, k.PlatformOrderId);
        // "WHERE true": SQLite needs it to read ON CONFLICT after INSERT … SELECT as the upsert clause.
        var taken = await rows.QueryAsync(s, "m", source =>
            $"""
            INSERT INTO push_messages (shop_code, message_id, platform_order_id, received_at)
            SELECT shop_code, message_id, platform_order_id, @now FROM {source} WHERE true ORDER BY ord
            ON CONFLICT DO NOTHING RETURNING shop_code, message_id, platform_order_id
            """,
            r => new PushMessageKey(r.String("shop_code"), r.String("message_id"), r.String("platform_order_id")), ("now", now));
        claimed.UnionWith(taken);
        return claimed;
    }

    /// <summary>Links claimed messages to the inbox items that keep them.</summary>
    public static async Task LinkInboxManyAsync(DbSession s, IReadOnlyList<(PushMessageKey Key, long InboxId)> links)
    {
        if (links.Count == 0) return;
        var rows = new RowSet([.. KeyRow, new("inbox_id", ColumnType.BigInt)]);
        foreach (var (k, inbox) in links) rows.Add(k.ShopCode, k.MessageId, k.PlatformOrderId, inbox);
        await rows.ExecuteAsync(s, "l", source =>
            $"""
            UPDATE push_messages SET inbox_id = l.inbox_id FROM {source}
            WHERE push_messages.shop_code = l.shop_code AND push_messages.message_id = l.message_id
              AND push_messages.platform_order_id = l.platform_order_id
            """);
    }
}

/// <summary>One id-only push message of a shop: what makes a redelivery recognisable.</summary>
public sealed record PushMessageKey(string ShopCode, string MessageId, string PlatformOrderId) : IComparable<PushMessageKey>
{
    public int CompareTo(PushMessageKey? other) =>
        other is null ? 1
        : string.CompareOrdinal(ShopCode, other.ShopCode) is var a and not 0 ? a
        : string.CompareOrdinal(MessageId, other.MessageId) is var b and not 0 ? b
        : string.CompareOrdinal(PlatformOrderId, other.PlatformOrderId);
}
