namespace Ordo.Data.Security;

/// <summary>One line of the audit log.</summary>
/// <param name="Actor"><c>user:&lt;email&gt;</c>, <c>key:&lt;name&gt;#&lt;id&gt;</c>, <c>cli</c> or <c>anonymous</c>.</param>
/// <param name="Action">What was done, e.g. <c>pii.view</c>, <c>orders.export</c>, <c>login</c>, <c>users.roles</c>.</param>
/// <param name="Outcome"><c>ok</c>, <c>denied</c> or <c>failed</c>.</param>
/// <param name="Detail">A JSON object with the specifics (fields shown, rows exported, the reason of a denial).</param>
public sealed record AuditEntry(
    long Id, DateTimeOffset OccurredAt, string Actor, string Action, string Outcome, string? Target, string? Ip, string Detail);

/// <summary>A filter over the audit log; nulls match everything. Rows come newest first.</summary>
public sealed record AuditQuery(
    DateTimeOffset? From = null, DateTimeOffset? To = null, string? Actor = null, string? Action = null, string? Outcome = null,
    long? BeforeId = null, int Limit = 100);

/// <summary>The audit log: appended to, never updated (see migration 0010).</summary>
public static class AuditStore
{
    public static Task<long> AppendAsync(DbSession s, DateTimeOffset at, string actor, string action, string outcome, string? target, string? ip, string detail) =>
        s.ScalarAsync<long>(
            "INSERT INTO audit_log (occurred_at, actor, action, outcome, target, ip, detail) VALUES (@at, @actor, @action, @outcome, @target, @ip, @detail) RETURNING id",
            ("at", at), ("actor", actor), ("action", action), ("outcome", outcome), ("target", target), ("ip", ip), ("detail", detail));

    public static Task<List<AuditEntry>> QueryAsync(DbSession s, AuditQuery q)
    {
        var where = new List<string>();
        var args = new List<(string, object?)>();
        if (q.From is { } from) { where.Add("occurred_at >= @from"); args.Add(("from", from)); }
        if (q.To is { } to) { where.Add("occurred_at < @to"); args.Add(("to", to)); }
        if (q.Actor is { } actor) { where.Add("actor = @actor"); args.Add(("actor", actor)); }
        if (q.Action is { } action) { where.Add("action = @action"); args.Add(("action", action)); }
        if (q.Outcome is { } outcome) { where.Add("outcome = @outcome"); args.Add(("outcome", outcome)); }
        if (q.BeforeId is { } before) { where.Add("id < @before"); args.Add(("before", before)); }
        args.Add(("limit", Math.Clamp(q.Limit, 1, 100_000)));
        var sql = "SELECT * FROM audit_log" + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") + " ORDER BY id DESC LIMIT @limit";
        return s.QueryAsync(sql, Map, [.. args]);
    }

    /// <summary>
    /// Entries in [<paramref name="from"/>, <paramref name="to"/>) with an id above <paramref name="afterId"/>, oldest
    /// first: a month is read in pages of <paramref name="limit"/> for the access report.
    /// </summary>
    public static Task<List<AuditEntry>> RangeAsync(DbSession s, DateTimeOffset from, DateTimeOffset to, long afterId, int limit) =>
        s.QueryAsync(
            "SELECT * FROM audit_log WHERE occurred_at >= @from AND occurred_at < @to AND id > @after ORDER BY id LIMIT @limit",
            Map, ("from", from), ("to", to), ("after", afterId), ("limit", Math.Clamp(limit, 1, 100_000)));

    private static AuditEntry Map(Row r) => new(
        r.Long("id"), r.Instant("occurred_at"), r.String("actor"), r.String("action"), r.String("outcome"),
        r.StringOrNull("target"), r.StringOrNull("ip"), r.String("detail"));
}
