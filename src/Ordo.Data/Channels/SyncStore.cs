namespace Ordo.Data.Channels;

/// <summary>
/// How far a shop's pull sync has got. <see cref="SyncedTo"/>: every order the platform modified before it has been
/// taken in. While a run works through a time window page by page, the window and the next page's token are kept, so
/// a run that stops half-way (crash, platform outage, rate limit) resumes at that page instead of starting again.
/// </summary>
public sealed record ShopSync(
    string ShopCode, DateTimeOffset SyncedTo, DateTimeOffset? WindowFrom, DateTimeOffset? WindowTo, string? PageToken,
    DateTimeOffset? LastRunAt, DateTimeOffset? LastSuccessAt, string? LastError, int Failures, long OrdersPulled);

public static class SyncStore
{
    public static Task<ShopSync?> FindAsync(DbSession s, string shopCode) =>
        s.SingleOrDefaultAsync("SELECT * FROM shop_sync WHERE shop_code = @c", Map, ("c", shopCode));

    public static Task<List<ShopSync>> ListAsync(DbSession s) => s.QueryAsync("SELECT * FROM shop_sync ORDER BY shop_code", Map);

    public static Task SaveAsync(DbSession s, ShopSync x) =>
        s.ExecuteAsync(
            """
            INSERT INTO shop_sync (shop_code, synced_to, window_from, window_to, page_token, last_run_at, last_success_at, last_error, failures, orders_pulled)
            VALUES (@c, @synced, @from, @to, @token, @run, @success, @error, @failures, @pulled)
            ON CONFLICT (shop_code) DO UPDATE SET synced_to = excluded.synced_to, window_from = excluded.window_from, window_to = excluded.window_to,
                page_token = excluded.page_token, last_run_at = excluded.last_run_at, last_success_at = excluded.last_success_at,
                last_error = excluded.last_error, failures = excluded.failures, orders_pulled = excluded.orders_pulled
            """,
            ("c", x.ShopCode), ("synced", x.SyncedTo), ("from", x.WindowFrom), ("to", x.WindowTo), ("token", x.PageToken), ("run", x.LastRunAt),
            ("success", x.LastSuccessAt), ("error", x.LastError), ("failures", x.Failures), ("pulled", x.OrdersPulled));

    private static ShopSync Map(Row r) => new(
        r.String("shop_code"), r.Instant("synced_to"), r.InstantOrNull("window_from"), r.InstantOrNull("window_to"), r.StringOrNull("page_token"),
        r.InstantOrNull("last_run_at"), r.InstantOrNull("last_success_at"), r.StringOrNull("last_error"), r.Int("failures"), r.Long("orders_pulled"));
}
