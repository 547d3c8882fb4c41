namespace Ordo.Data.Jobs;

public static class JobStatus
{
    public const string Pending = "pending";
    public const string Done = "done";
    public const string Failed = "failed";
}

public sealed record Job(
    long Id, string Kind, string? OrderingKey, string Payload, string Status, DateTimeOffset DueAt, int Attempts, int MaxAttempts,
    string? LastError, DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt);

public sealed record JobQueueStats(long Pending, long Due, TimeSpan OldestDueAge, long Failed);

/// <summary>A job to queue: due at <c>DueAt</c>, given up after <c>MaxAttempts</c>, run after the earlier pending jobs of its <c>OrderingKey</c>.</summary>
public sealed record NewJob(string Kind, string Payload, DateTimeOffset DueAt, int MaxAttempts, string? OrderingKey);

/// <summary>
/// Database-backed jobs: rows with a due time, claimed with a lease so that a crashed worker's jobs are taken again
/// once the lease runs out. On PostgreSQL several Ordo instances claim concurrently with <c>FOR UPDATE SKIP LOCKED</c>;
/// on SQLite the single process claims under its writer lock. Jobs that share an ordering key run one at a time in
/// id order (used for per-order, per-subscriber webhook order): a job is claimable only when no earlier pending job
/// has the same key. A leased job is due again when its lease runs out (its due time moves to the lease's end), so a
/// claim, which walks the pending jobs in due order, never wades through the ones running: with thousands handed to a
/// runner on a promotion night, claims had slowed to about 10 ms each on PostgreSQL.
/// </summary>
public static class JobStore
{
    public static async Task<long> EnqueueAsync(DbSession s, string kind, string payload, DateTimeOffset dueAt, DateTimeOffset now, int maxAttempts, string? orderingKey = null)
    {
        var id = await s.ScalarAsync<long>(
            """
            INSERT INTO jobs (kind, ordering_key, payload, status, due_at, attempts, max_attempts, created_at)
            VALUES (@kind, @key, @payload, 'pending', @due, 0, @max, @now) RETURNING id
            """,
            ("kind", kind), ("key", orderingKey), ("payload", payload), ("due", dueAt), ("max", maxAttempts), ("now", now));
        s.AfterCommit(JobSignal.Notify);
        return id;
    }

    private static readonly RowColumn[] JobRow =
    [
        new("kind", ColumnType.Text), new("ordering_key", ColumnType.Text), new("payload", ColumnType.Text),
        new("due_at", ColumnType.Instant), new("max_attempts", ColumnType.Integer),
    ];

    /// <summary>
    /// Queues a job unless a pending one with the same ordering key exists (other than <paramref name="except"/>, the job
    /// now running): recurring work such as a shop's pull is scheduled once, however many times it is asked for.
    /// Returns whether a job was queued.
    /// </summary>
    public static async Task<bool> EnqueueOnceAsync(DbSession s, string kind, string payload, DateTimeOffset dueAt, DateTimeOffset now, int maxAttempts,
        string orderingKey, long? except = null)
    {
        var pending = await s.ScalarAsync<long>(
            $"SELECT COUNT(*) FROM jobs WHERE ordering_key = @key AND status = 'pending' {(except is null ? "" : "AND id <> @except")}",
            ("key", orderingKey), ("except", except));
        if (pending > 0) return false;
        await EnqueueAsync(s, kind, payload, dueAt, now, maxAttempts, orderingKey);
        return true;
    }

    /// <summary>Makes the pending, not running job with this ordering key due now (e.g. "pull this shop now"); returns whether there was one.</summary>
    public static async Task<bool> MakeDueNowAsync(DbSession s, string orderingKey, DateTimeOffset now) =>
        await s.ExecuteAsync(
            "UPDATE jobs SET due_at = @now WHERE ordering_key = @key AND status = 'pending' AND due_at > @now AND (lease_until IS NULL OR lease_until < @now)",
            ("now", now), ("key", orderingKey)) > 0;

    /// <summary>
    /// Queues many jobs with one statement, in the order given (ids ascend in that order, which the ordering key relies
    /// on). With <paramref name="runHere"/>, and this process's job runner running with room to spare, jobs that are
    /// due and first of their ordering key are inserted already leased to that runner and handed to it once the
    /// transaction commits (see <see cref="LocalJobs"/>), saving a claim each.
    /// </summary>
    public static async Task EnqueueManyAsync(DbSession s, IReadOnlyList<NewJob> jobs, DateTimeOffset now, bool runHere = false)
    {
        if (jobs.Count == 0) return;
        if (!runHere || s.Database.LocalJobs is not { } local || !local.TryAccept())
        {
            var queued = new RowSet(JobRow);
            foreach (var j in jobs) queued.Add(j.Kind, j.OrderingKey, j.Payload, j.DueAt, j.MaxAttempts);
            await queued.ExecuteAsync(s, "j", source =>
                $"""
                INSERT INTO jobs (kind, ordering_key, payload, status, due_at, attempts, max_attempts, created_at)
                SELECT kind, ordering_key, payload, 'pending', due_at, 0, max_attempts, @now FROM {source} ORDER BY ord
                """, ("now", now));
            s.AfterCommit(JobSignal.Notify);
            return;
        }
        var rows = new RowSet([.. JobRow, new("here", ColumnType.Integer)]);
        // Within one statement a row does not see the rows inserted before it, so only the first job of each key in the
        // batch may be leased here; the others wait for it through the claim, as the ordering key requires.
        var firstOfKey = new HashSet<string>(StringComparer.Ordinal);
        foreach (var j in jobs)
            rows.Add(j.Kind, j.OrderingKey, j.Payload, j.DueAt, j.MaxAttempts, j.DueAt <= now && (j.OrderingKey is null || firstOfKey.Add(j.OrderingKey)) ? 1 : 0);
        // A job is leased here only if no earlier job of its key is pending (committed before this statement began;
        // writers of one order's jobs hold that order's row lock, so an earlier job of the key is always seen).
        var until = now + local.Lease;
        var leased = await rows.QueryAsync(s, "j", source =>
            $"""
            INSERT INTO jobs (kind, ordering_key, payload, status, due_at, attempts, max_attempts, created_at, lease_owner, lease_until)
            SELECT kind, ordering_key, payload, 'pending', CASE WHEN take = 1 THEN @until ELSE due_at END, take, max_attempts, @now,
                   CASE WHEN take = 1 THEN @owner END, CASE WHEN take = 1 THEN @until END
            FROM (SELECT j.*, CASE WHEN j.here = 1 AND NOT EXISTS (
                      SELECT 1 FROM jobs e WHERE e.ordering_key = j.ordering_key AND e.status = 'pending') THEN 1 ELSE 0 END AS take
                  FROM {source}) AS c
            ORDER BY ord
            RETURNING id, kind, ordering_key, payload, status, due_at, attempts, max_attempts, last_error, created_at, finished_at, lease_owner
            """,
            r => r.StringOrNull("lease_owner") is null ? null : Map(r), ("now", now), ("owner", local.Owner), ("until", until));
        var mine = leased.OfType<Job>().OrderBy(j => j.Id).ToList();
        s.AfterCommit(() => local.Offer(mine, until));
    }

    public static async Task<List<Job>> ClaimAsync(DbSession s, string owner, int count, DateTimeOffset now, TimeSpan lease)
    {
        // The claim must walk the pending-due index in order and stop once it has enough jobs. Under a backlog
        // PostgreSQL's estimates for a queue table are usually far too low (a fresh table has none; `due_at <= now`
        // lies past the histogram), and it then collected every due job, checked each one's ordering key and sorted
        // them: 10 ms a claim with a thousand jobs waiting. Sorting is never needed here, so it is ruled out for this
        // transaction only.
        if (s.IsPostgres) await s.ExecuteAsync("SET LOCAL enable_sort = off");
        return await s.QueryAsync(
            $"""
            UPDATE jobs SET lease_owner = @owner, lease_until = @until, due_at = @until, attempts = attempts + 1
            WHERE id IN (
                SELECT j.id FROM jobs j
                WHERE j.status = 'pending' AND j.due_at <= @now AND (j.lease_until IS NULL OR j.lease_until < @now)
                  AND (j.ordering_key IS NULL OR NOT EXISTS (
                        SELECT 1 FROM jobs e WHERE e.ordering_key = j.ordering_key AND e.status = 'pending' AND e.id < j.id))
                ORDER BY j.due_at, j.id
                LIMIT @count
                {s.SkipLocked})
            RETURNING id, kind, ordering_key, payload, status, due_at, attempts, max_attempts, last_error, created_at, finished_at
            """,
            Map, ("owner", owner), ("until", now + lease), ("now", now), ("count", count));
    }

    /// <summary>Marks a claimed job done. Only the lease owner can; a job whose lease was taken over is left alone. Answers 1 if it was marked.</summary>
    public static Task<int> CompleteAsync(DbSession s, long id, string owner, DateTimeOffset now) => CompleteManyAsync(s, [(id, now)], owner);

    /// <summary>Marks many claimed jobs done with one statement (a few on SQLite), each as <see cref="CompleteAsync"/>; answers how many were marked.</summary>
    public static async Task<int> CompleteManyAsync(DbSession s, IReadOnlyList<(long Id, DateTimeOffset At)> jobs, string owner)
    {
        if (jobs.Count == 0) return 0;
        var rows = new RowSet(new RowColumn("id", ColumnType.BigInt), new RowColumn("finished_at", ColumnType.Instant));
        foreach (var (id, at) in jobs) rows.Add(id, at);
        return await rows.ExecuteAsync(s, "d", source =>
            $"""
            UPDATE jobs SET status = 'done', finished_at = d.finished_at, lease_owner = NULL, lease_until = NULL, last_error = NULL
            FROM {source} WHERE jobs.id = d.id AND jobs.lease_owner = @owner AND jobs.status = 'pending'
            """, ("owner", owner));
    }

    /// <summary>Records a failed attempt: due again at <paramref name="retryAt"/>, or failed for good when it is null.</summary>
    public static Task<int> FailAsync(DbSession s, long id, string owner, string error, DateTimeOffset now, DateTimeOffset? retryAt) =>
        s.ExecuteAsync(
            """
            UPDATE jobs SET status = @status, due_at = COALESCE(@retry, due_at), finished_at = @finished,
                   lease_owner = NULL, lease_until = NULL, last_error = @error
            WHERE id = @id AND lease_owner = @owner AND status = 'pending'
            """,
            ("status", retryAt is null ? JobStatus.Failed : JobStatus.Pending), ("retry", retryAt),
            ("finished", retryAt is null ? now : null), ("error", Truncate(error, 2000)), ("id", id), ("owner", owner));

    /// <summary>Puts a failed job back in the queue, due now, with a fresh attempt budget.</summary>
    public static Task<int> RetryAsync(DbSession s, long id, DateTimeOffset now) =>
        s.ExecuteAsync(
            "UPDATE jobs SET status = 'pending', due_at = @now, attempts = 0, finished_at = NULL, lease_owner = NULL, lease_until = NULL WHERE id = @id AND status <> 'pending'",
            ("now", now), ("id", id));

    public static Task<Job?> FindAsync(DbSession s, long id) =>
        s.SingleOrDefaultAsync("SELECT * FROM jobs WHERE id = @id", Map, ("id", id));

    public static Task<List<Job>> ListAsync(DbSession s, string kind, string? status, long? before, int limit) =>
        s.QueryAsync(
            $"SELECT * FROM jobs WHERE kind = @kind {(status is null ? "" : "AND status = @status")} {(before is null ? "" : "AND id < @before")} ORDER BY id DESC LIMIT @limit",
            Map, ("kind", kind), ("status", status), ("before", before), ("limit", Math.Clamp(limit, 1, 200)));

    public static async Task<JobQueueStats> StatsAsync(DbSession s, DateTimeOffset now)
    {
        var rows = await s.QueryAsync(
            "SELECT status, COUNT(*) AS n FROM jobs WHERE status IN ('pending', 'failed') GROUP BY status",
            r => (Status: r.String("status"), Count: r.Long("n")));
        var due = await s.QueryAsync(
            "SELECT COUNT(*) AS n, MIN(due_at) AS oldest FROM jobs WHERE status = 'pending' AND due_at <= @now",
            r => (Count: r.Long("n"), Oldest: r.InstantOrNull("oldest")), ("now", now));
        var oldest = due[0].Oldest is { } o ? now - o : TimeSpan.Zero;
        return new JobQueueStats(
            rows.Where(r => r.Status == JobStatus.Pending).Sum(r => r.Count), due[0].Count,
            oldest < TimeSpan.Zero ? TimeSpan.Zero : oldest, rows.Where(r => r.Status == JobStatus.Failed).Sum(r => r.Count));
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max];

    private static Job Map(Row r) => new(
        r.Long("id"), r.String("kind"), r.StringOrNull("ordering_key"), r.String("payload"), r.String("status"), r.Instant("due_at"),
        r.Int("attempts"), r.Int("max_attempts"), r.StringOrNull("last_error"), r.Instant("created_at"), r.InstantOrNull("finished_at"));
}

/// <summary>
/// Jobs this process queued and leased to its own job runner in the same transaction (<see cref="JobStore.EnqueueManyAsync"/>
/// with runHere), handed over in memory when that transaction commits: they start at once, without a claim. The lease
/// keeps them safe: if this process stops before running one, its lease runs out and any instance claims it. The
/// runner registers this on the database while it runs. When more are waiting than it can start soon, new jobs are
/// queued for the claim instead, and no job is handed over again until the claims have caught up with them (the
/// runner calls <see cref="Drained"/>): otherwise jobs handed over later would keep starting before those older ones.
/// Thread-safe.
/// </summary>
public sealed class LocalJobs(string owner, TimeSpan lease, int maxWaiting)
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<(Job Job, DateTimeOffset LeaseUntil)> _ready = new();
    private volatile bool _overflowing;

    public string Owner { get; } = owner;
    public TimeSpan Lease { get; } = lease;

    /// <summary>Whether jobs queued now may be handed over; false (and overflowing from then on) when too many are waiting.</summary>
    public bool TryAccept()
    {
        if (_overflowing) return false;
        if (_ready.Count < maxWaiting) return true;
        _overflowing = true;
        return false;
    }

    /// <summary>The claims found fewer due jobs than they asked for: the jobs queued for them meanwhile have started.</summary>
    public void Drained() => _overflowing = false;

    internal void Offer(IReadOnlyList<Job> jobs, DateTimeOffset leaseUntil)
    {
        foreach (var job in jobs) _ready.Enqueue((job, leaseUntil));
        JobSignal.Notify();
    }

    /// <summary>The next job handed over whose lease has at least <paramref name="margin"/> left; others are left to expire and be claimed again.</summary>
    public bool TryTake(DateTimeOffset now, TimeSpan margin, out Job job)
    {
        while (_ready.TryDequeue(out var next))
            if (next.LeaseUntil - now >= margin)
            {
                job = next.Job;
                return true;
            }
        job = null!;
        return false;
    }
}

/// <summary>Wakes this process's job runner when a transaction has enqueued work, so jobs start without waiting for the next poll. Other instances find them by polling.</summary>
public static class JobSignal
{
    private static readonly SemaphoreSlim Signal = new(0, 1);

    public static void Notify()
    {
        try { if (Signal.CurrentCount == 0) Signal.Release(); }
        catch (SemaphoreFullException) { /* already signalled */ }
    }

    public static Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => Signal.WaitAsync(timeout, ct);
}
