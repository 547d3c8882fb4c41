namespace Ordo.Data.Inbox;

public static class InboxStatus
{
    public const string Received = "received";
    public const string Accepted = "accepted";
    public const string Rejected = "rejected";
}

public sealed record InboxItem(
    long Id, DateTimeOffset ReceivedAt, string Source, string? Platform, string? ShopCode, string? PlatformOrderId, string Payload,
    string Status, string? Errors, string? OrderNo, string? Outcome, int Attempts, DateTimeOffset? ProcessedAt, string? OriginalPayload)
{
    /// <summary>How the payload is read: <see cref="InboxFormat.Canonical"/>, a platform's native order (the platform name), an id-only push message, or CSV (see <see cref="InboxFormat"/>).</summary>
    public string Format { get; init; } = InboxFormat.Canonical;
}

public static class InboxFormat
{
    /// <summary>Ordo's canonical order JSON (the public contract).</summary>
    public const string Canonical = "canonical";
    /// <summary>A platform's native order object, read by that platform's adapter for the item's shop.</summary>
    public static string Native(string platform) => platform;
    /// <summary>A push message that carries only ids; the full order is fetched from the platform's API.</summary>
    public static string PushMessage(string platform) => platform + ".push";
    /// <summary>A whole CSV order export as uploaded; its orders are kept as items of their own.</summary>
    public const string CsvFile = "csv";
    /// <summary>The header and rows of one order of a CSV export, read with the named preset (for the item's shop).</summary>
    public static string CsvOrder(string preset) => CsvOrderPrefix + preset;
    public const string CsvOrderPrefix = "csv:";
}

/// <summary>A payload to keep: where it came from, how to read it, and (for native payloads) the shop it belongs to.</summary>
public sealed record NewInboxItem(string Source, string Payload, string Format = InboxFormat.Canonical, string? Platform = null, string? ShopCode = null);

/// <summary>The outcome of processing one inbox item.</summary>
public sealed record InboxMark(long Id, string Status, string? Errors, string? OrderNo, string? Outcome,
    string? Platform = null, string? ShopCode = null, string? PlatformOrderId = null);

/// <summary>
/// Every payload as it arrived, written and committed before it is parsed, so that nothing is lost when it cannot be
/// accepted (or when Ordo stops half-way): a rejected item keeps the exact reasons and can be replayed. Payloads carry
/// receivers' personal data, so they are stored encrypted whole with the database's personal-data keys
/// (<c>pd_key</c> names the key; see <see cref="Privacy.PersonalDataKeyRing"/>) and decrypted when read.
/// </summary>
public static class InboxStore
{
    /// <summary>Adds many canonical payloads; returns their ids in input order.</summary>
    public static Task<List<long>> AddManyAsync(DbSession s, IReadOnlyList<(string Source, string Payload)> payloads, DateTimeOffset now) =>
        AddManyAsync(s, payloads.Select(p => new NewInboxItem(p.Source, p.Payload)).ToList(), now);

    /// <summary>Adds many payloads with one statement (a few on SQLite); returns their ids in input order.</summary>
    public static async Task<List<long>> AddManyAsync(DbSession s, IReadOnlyList<NewInboxItem> items, DateTimeOffset now)
    {
        var ring = s.Database.PersonalData;
        var rows = new RowSet(new RowColumn("source", ColumnType.Text), new RowColumn("payload", ColumnType.Text), new RowColumn("format", ColumnType.Text),
            new RowColumn("platform", ColumnType.Text), new RowColumn("shop_code", ColumnType.Text));
        foreach (var i in items) rows.Add(i.Source, ring is null ? i.Payload : ring.Encrypt(i.Payload), i.Format, i.Platform, i.ShopCode);
        var (keyColumn, keyValue) = s.Database.PersonalDataColumns ? (", pd_key", ", @key") : ("", "");
        // Rows are inserted in input order (ORDER BY ord), so their ids ascend in that order.
        var ids = await rows.QueryAsync(s, "p", from =>
            $"""
            INSERT INTO inbox (received_at, source, payload, format, platform, shop_code, status, attempts{keyColumn})
            SELECT @now, source, payload, format, platform, shop_code, 'received', 0{keyValue} FROM {from} ORDER BY ord RETURNING id
            """,
            r => r.Long("id"), ("now", now), ("key", ring?.ActiveKeyId));
        ids.Sort();
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

    private static readonly RowColumn[] MarkRow =
    [
        new("id", ColumnType.BigInt), new("status", ColumnType.Text), new("errors", ColumnType.Text), new("order_no", ColumnType.Text),
        new("outcome", ColumnType.Text), new("platform", ColumnType.Text), new("shop_code", ColumnType.Text), new("platform_order_id", ColumnType.Text),
    ];

    /// <summary>Records the outcome of many items with one statement (an UPDATE joined to the rows; SQLite has UPDATE … FROM since 3.33).</summary>
    public static async Task MarkManyAsync(DbSession s, IReadOnlyList<InboxMark> marks, DateTimeOffset now)
    {
        if (marks.Count == 0) return;
        var rows = new RowSet(MarkRow);
        foreach (var m in marks) rows.Add(m.Id, m.Status, m.Errors, m.OrderNo, m.Outcome, m.Platform, m.ShopCode, m.PlatformOrderId);
        await rows.ExecuteAsync(s, "v", source =>
            $"""
            UPDATE inbox SET status = v.status, errors = v.errors, order_no = v.order_no, outcome = v.outcome, processed_at = @now,
                   attempts = inbox.attempts + 1, platform = COALESCE(v.platform, inbox.platform),
                   shop_code = COALESCE(v.shop_code, inbox.shop_code), platform_order_id = COALESCE(v.platform_order_id, inbox.platform_order_id)
            FROM {source} WHERE inbox.id = v.id
            """, ("now", now));
    }

    /// <summary>Replaces the payload with a corrected one before a replay; the first payload that arrived is kept.</summary>
    public static async Task CorrectPayloadAsync(DbSession s, long id, string payload)
    {
        var ring = s.Database.PersonalData;
        if (ring is null || !s.Database.PersonalDataColumns)
        {
            await s.ExecuteAsync("UPDATE inbox SET original_payload = COALESCE(original_payload, payload), payload = @p WHERE id = @id", ("p", payload), ("id", id));
            return;
        }
        // Both payloads are written again with the active key, so the row's pd_key holds for both.
        var item = await s.SingleOrDefaultAsync($"SELECT * FROM inbox WHERE id = @id {s.ForUpdate}", Map, ("id", id));
        if (item is null) return;
        await s.ExecuteAsync("UPDATE inbox SET original_payload = @o, payload = @p, pd_key = @k WHERE id = @id",
            ("o", ring.Encrypt(item.OriginalPayload ?? item.Payload)), ("p", ring.Encrypt(payload)), ("k", ring.ActiveKeyId), ("id", id));
    }

    /// <summary>
    /// The next inbox items after <paramref name="afterId"/> whose payloads are not on the active key (or in clear), at
    /// most <paramref name="limit"/>, re-encrypted in memory; null when none is left.
    /// </summary>
    public static async Task<Privacy.ReencryptedBatch?> PrepareReencryptionAsync(DbSession s, long afterId, int limit)
    {
        var ring = s.Database.PersonalData ?? throw new InvalidOperationException("no personal-data keys are configured");
        var found = await s.QueryAsync(
            """
            SELECT id, payload, original_payload FROM inbox
            WHERE id > @after AND (pd_key IS NULL OR pd_key < @key OR pd_key > @key) ORDER BY id LIMIT @limit
            """,
            r => (Id: r.Long("id"), Payload: r.String("payload"), Original: r.StringOrNull("original_payload")),
            ("after", afterId), ("key", ring.ActiveKeyId), ("limit", limit));
        if (found.Count == 0) return null;
        var rows = new RowSet(new RowColumn("id", ColumnType.BigInt), new RowColumn("old_payload", ColumnType.Text), new RowColumn("payload", ColumnType.Text),
            new RowColumn("original_payload", ColumnType.Text), new RowColumn("pd_key", ColumnType.Text));
        foreach (var (id, payload, original) in found)
            rows.Add(id, payload, ring.Encrypt(ring.Decrypt(payload)), ring.Encrypt(ring.Decrypt(original)), ring.ActiveKeyId);
        return new Privacy.ReencryptedBatch("inbox", found[^1].Id, rows);
    }

    /// <summary>Writes re-encrypted items, each only if its payload is still the one read (a correction meanwhile wrote it with the active key).</summary>
    public static Task<int> WriteReencryptedAsync(DbSession s, RowSet rows) =>
        rows.ExecuteAsync(s, "v", source =>
            $"""
            UPDATE inbox SET payload = v.payload, original_payload = v.original_payload, pd_key = v.pd_key
            FROM {source} WHERE inbox.id = v.id AND inbox.payload = v.old_payload
            """);

    public static Task<InboxItem?> FindAsync(DbSession s, long id) =>
        s.SingleOrDefaultAsync("SELECT * FROM inbox WHERE id = @id", Map, ("id", id));

    public static Task<List<InboxItem>> ListAsync(DbSession s, string? status, long? before, int limit) =>
        s.QueryAsync(
            $"SELECT * FROM inbox WHERE 1 = 1 {(status is null ? "" : "AND status = @status")} {(before is null ? "" : "AND id < @before")} ORDER BY id DESC LIMIT @limit",
            Map, ("status", status), ("before", before), ("limit", Math.Clamp(limit, 1, 200)));

    private static InboxItem Map(Row r)
    {
        var ring = r.Database.PersonalData;
        return new(
            r.Long("id"), r.Instant("received_at"), r.String("source"), r.StringOrNull("platform"), r.StringOrNull("shop_code"),
            r.StringOrNull("platform_order_id"), Open(ring, r.String("payload"))!, r.String("status"), r.StringOrNull("errors"), r.StringOrNull("order_no"),
            r.StringOrNull("outcome"), r.Int("attempts"), r.InstantOrNull("processed_at"), Open(ring, r.StringOrNull("original_payload")))
        { Format = r.String("format") };
    }

    private static string? Open(Privacy.PersonalDataKeyRing? ring, string? text) =>
        !Privacy.PersonalDataKeyRing.IsEncrypted(text) ? text
        : ring?.Decrypt(text) ?? throw new Privacy.PersonalDataException("this inbox payload is encrypted but no personal-data keys are configured here");
}
