namespace Ordo.Data.Privacy;

/// <summary>Rows of <paramref name="Table"/> up to id <paramref name="LastId"/>, re-encrypted in memory and waiting to be written.</summary>
public sealed record ReencryptedBatch(string Table, long LastId, RowSet Rows);

/// <summary>How many rows of a table hold personal data under a key (<c>Key</c> null: written in clear before encryption).</summary>
public sealed record KeyUsage(string Table, string? Key, long Rows);

/// <summary>The tables whose rows hold encrypted personal data, and how far each is on the active key.</summary>
public static class PersonalDataStore
{
    /// <summary>Tables with a <c>pd_key</c> column, in the order the rotation job walks them.</summary>
    public static IReadOnlyList<string> Tables { get; } = ["orders", "inbox", "push_attempts"];

    /// <summary>Rows per table and key (a scan of each table's pd_key index).</summary>
    public static async Task<List<KeyUsage>> UsageAsync(DbSession s)
    {
        var usage = new List<KeyUsage>();
        foreach (var table in Tables)
            usage.AddRange(await s.QueryAsync($"SELECT pd_key, COUNT(*) AS n FROM {table} GROUP BY pd_key ORDER BY pd_key",
                r => new KeyUsage(table, r.StringOrNull("pd_key"), r.Long("n"))));
        return usage;
    }

    /// <summary>Whether any row holds personal data in clear or under a key other than <paramref name="activeKey"/>.</summary>
    public static async Task<bool> AnyNotOnAsync(DbSession s, string activeKey)
    {
        foreach (var table in Tables)
            if (await s.ScalarAsync<long>(
                    $"SELECT COUNT(*) FROM (SELECT 1 FROM {table} WHERE pd_key IS NULL OR pd_key < @k OR pd_key > @k LIMIT 1) x", ("k", activeKey)) > 0)
                return true;
        return false;
    }

    /// <summary>
    /// The next rows of <paramref name="table"/> after <paramref name="afterId"/> not on the active key, re-encrypted in
    /// memory by a read (null when none is left); <see cref="WriteBatchAsync"/> writes those still as they were read.
    /// </summary>
    public static Task<ReencryptedBatch?> PrepareBatchAsync(DbSession s, string table, long afterId, int limit) => table switch
    {
        "orders" => Orders.OrderStore.PrepareReencryptionAsync(s, afterId, limit),
        "inbox" => Inbox.InboxStore.PrepareReencryptionAsync(s, afterId, limit),
        "push_attempts" => Channels.PushAttemptStore.PrepareReencryptionAsync(s, afterId, limit),
        _ => throw new ArgumentOutOfRangeException(nameof(table), table, "not a table with personal data"),
    };

    /// <summary>Writes a prepared batch; returns how many rows were still as read and so were re-encrypted.</summary>
    public static Task<int> WriteBatchAsync(DbSession s, ReencryptedBatch batch) => batch.Table switch
    {
        "orders" => Orders.OrderStore.WriteReencryptedAsync(s, batch.Rows),
        "inbox" => Inbox.InboxStore.WriteReencryptedAsync(s, batch.Rows),
        "push_attempts" => Channels.PushAttemptStore.WriteReencryptedAsync(s, batch.Rows),
        _ => throw new ArgumentOutOfRangeException(nameof(batch), batch.Table, "not a table with personal data"),
    };
}
