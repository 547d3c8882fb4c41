using System.Diagnostics;
using Microsoft.Extensions.Options;
using Ordo.Data;
using Ordo.Data.Jobs;
using Ordo.Server.Configuration;
using Ordo.Server.Observability;

namespace Ordo.Server.Jobs;

/// <summary>What a job handler says about one run of a job.</summary>
public abstract record JobResult
{
    /// <summary>Extra writes (e.g. the attempt log) committed in the same transaction as the job's new state.</summary>
    public Func<DbSession, Task>? Record { get; init; }

    /// <summary>An extra write that runs finishing together share: the runner writes all of one type with one call.</summary>
    public GroupedRecord? Grouped { get; init; }

    public sealed record Done : JobResult;
    /// <summary>Failed this time; the runner retries after the handler's backoff unless the attempts are used up.</summary>
    public sealed record Failed(string Error) : JobResult;
    /// <summary>Failed in a way that retrying cannot fix (e.g. the subscriber was deleted).</summary>
    public sealed record Abandoned(string Error) : JobResult;
}

/// <summary>
/// A job run's extra write that is committed together with those of other runs of the same type, by one call for the
/// group (one statement, not one per job): e.g. the attempt log of each webhook delivery.
/// </summary>
public abstract record GroupedRecord
{
    /// <summary>Writes <paramref name="records"/>, all of this record's type.</summary>
    public abstract Task WriteAllAsync(DbSession s, IReadOnlyList<GroupedRecord> records);
}

public interface IJobHandler
{
    string Kind { get; }
    Task<JobResult> RunAsync(Job job, CancellationToken ct);
    /// <summary>When to try again after failed attempt number <paramref name="attempt"/> (1-based).</summary>
    TimeSpan RetryDelay(int attempt);
    /// <summary>Called once when a job has failed for good.</summary>
    Task GaveUpAsync(Job job, string error, CancellationToken ct) => Task.CompletedTask;
}

/// <summary>
/// Runs due jobs from the database. Each instance claims a batch with a lease (SKIP LOCKED on PostgreSQL), runs the
/// jobs concurrently, and records the result only if it still holds the lease. It wakes when this process enqueues a
/// job and otherwise polls, so jobs enqueued by other instances are found within the poll interval.
/// </summary>
public sealed partial class JobRunner(
    OrdoDatabase database, IEnumerable<IJobHandler> handlers, TimeProvider clock, OrdoMetrics metrics,
    IOptions<OrdoOptions> options, ILogger<JobRunner> log) : BackgroundService
{
    private readonly Dictionary<string, IJobHandler> _handlers = handlers.ToDictionary(h => h.Kind);
    // Identifies this process's leases; unique per start so a restarted instance never completes an old lease.
    private readonly string _owner = $"{Environment.ProcessId}:{Guid.NewGuid():N}:{Environment.MachineName}" is var o && o.Length > 100 ? o[..100] : o;
    private readonly JobOptions _options = options.Value.Jobs;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var poll = TimeSpan.FromMilliseconds(_options.PollIntervalMilliseconds);
        var lease = TimeSpan.FromSeconds(_options.LeaseSeconds);
        var lastStats = DateTimeOffset.MinValue;
        // Up to BatchSize jobs run at once; free slots are filled as jobs finish, so one slow job (a platform call
        // timing out) never holds up the jobs queued behind it.
        var running = new List<Task>();
        var signal = JobSignal.WaitAsync(poll, stoppingToken);
        // While jobs are queued (the last claim filled every free slot), slots are refilled a quarter of the runner at
        // a time rather than one by one as each job ends: a claim is a write transaction, and claiming each job alone
        // made claims half of all commits on a busy queue. A lone free slot still waits at most MaxClaimDelay.
        var backlog = false;
        var lastClaim = Stopwatch.GetTimestamp();
        var claimStep = Math.Max(1, _options.BatchSize / 4);
        // Jobs this process queues for itself are handed over in memory (no claim); up to 16 runners' worth may wait.
        var local = new LocalJobs(_owner, lease, 16 * _options.BatchSize);
        database.LocalJobs = local;
        while (!stoppingToken.IsCancellationRequested)
        {
            var claimed = 0;
            var free = _options.BatchSize - running.Count;
            while (free > 0 && local.TryTake(clock.GetUtcNow(), lease / 2, out var handed))
            {
                running.Add(GuardedAsync(handed, stoppingToken));
                free--;
            }
            var sinceClaim = Stopwatch.GetElapsedTime(lastClaim);
            var deferred = backlog && free < claimStep && sinceClaim < MaxClaimDelay;
            if (deferred) free = 0;
            try
            {
                var now = clock.GetUtcNow();
                if (now - lastStats > TimeSpan.FromSeconds(5))
                {
                    var stats = await database.ReadAsync(s => JobStore.StatsAsync(s, now), stoppingToken);
                    metrics.QueueObserved(new JobQueueSnapshot(stats.Pending, stats.Due, stats.OldestDueAge.TotalSeconds, stats.Failed));
                    lastStats = now;
                }
                if (free > 0)
                {
                    var jobs = await database.WriteAsync(s => JobStore.ClaimAsync(s, _owner, free, now, lease), stoppingToken);
                    claimed = jobs.Count;
                    backlog = claimed == free;
                    if (!backlog) local.Drained();
                    lastClaim = Stopwatch.GetTimestamp();
                    running.AddRange(jobs.Select(j => GuardedAsync(j, stoppingToken)));
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { break; }
            catch (Exception ex)
            {
                LogLoopFailed(ex);
                try { await Task.Delay(poll, clock, stoppingToken); }
                catch (OperationCanceledException) { break; }
            }
            // Claim again at once while the queue gives full claims; otherwise wait for a job to finish, a new job
            // in this process (the signal) or the poll interval (jobs queued by other instances).
            if (claimed == free && free > 0) continue;
            try
            {
                if (signal.IsCompleted) signal = JobSignal.WaitAsync(poll, stoppingToken);
                var wake = running.Append(signal);
                await Task.WhenAny(deferred ? wake.Append(Task.Delay(MaxClaimDelay - sinceClaim, stoppingToken)) : wake);
            }
            catch (OperationCanceledException) { break; }
            running.RemoveAll(t => t.IsCompleted);
        }
        // Jobs still handed over but not started keep their lease: another run takes them when it runs out.
        database.LocalJobs = null;
        try { await Task.WhenAll(running); }
        catch (OperationCanceledException) { }
    }

    private static readonly TimeSpan MaxClaimDelay = TimeSpan.FromMilliseconds(20);

    private sealed record Outcome(Job Job, Func<DbSession, Task>? Record, GroupedRecord? Grouped, string? Error, DateTimeOffset At, DateTimeOffset? RetryAt);

    private GroupCommit<Outcome, bool>? _outcomes;
    private GroupCommit<Outcome, bool> Outcomes =>
        LazyInitializer.EnsureInitialized(ref _outcomes, () => new(database, maxGroup: 64, postgresWriters: 2, RecordOutcomesAsync));

    private async Task<IReadOnlyList<bool>> RecordOutcomesAsync(DbSession s, IReadOnlyList<Outcome> group)
    {
        foreach (var o in group)
            if (o.Record is not null) await o.Record(s);
        foreach (var records in group.Where(o => o.Grouped is not null).GroupBy(o => o.Grouped!.GetType()))
        {
            var all = records.Select(o => o.Grouped!).ToList();
            await all[0].WriteAllAsync(s, all);
        }
        await JobStore.CompleteManyAsync(s, group.Where(o => o.Error is null).Select(o => (o.Job.Id, o.At)).ToList(), _owner);
        foreach (var o in group.Where(o => o.Error is not null)) await JobStore.FailAsync(s, o.Job.Id, _owner, o.Error!, o.At, o.RetryAt);
        return new bool[group.Count];
    }

    /// <summary>Runs a job; a failure to record its outcome (database unreachable) is logged, and its lease lets another run take it.</summary>
    private async Task GuardedAsync(Job job, CancellationToken ct)
    {
        try { await RunOneAsync(job, ct); }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        catch (Exception ex) { LogLoopFailed(ex); }
    }

    private async Task RunOneAsync(Job job, CancellationToken ct)
    {
        JobResult result;
        if (!_handlers.TryGetValue(job.Kind, out var handler))
            result = new JobResult.Abandoned($"no handler for job kind '{job.Kind}' in this Ordo version");
        else
        {
            try { result = await handler.RunAsync(job, ct); }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; } // lease runs out; another run takes it
            catch (Exception ex) { result = new JobResult.Failed($"{ex.GetType().Name}: {ex.Message}"); }
        }

        var now = clock.GetUtcNow();
        var error = result switch { JobResult.Failed f => f.Error, JobResult.Abandoned a => a.Error, _ => null };
        var retryAt = result is JobResult.Failed && job.Attempts < job.MaxAttempts && handler is not null
            ? now + handler.RetryDelay(job.Attempts)
            : (DateTimeOffset?)null;
        // Outcomes of runs that finish together are committed together, the completions with one statement: a busy
        // queue (a fetch and a webhook per pushed order) is otherwise limited by a transaction, or a statement, per job.
        await Outcomes.WriteAsync(new Outcome(job, result.Record, result.Grouped, error, now, retryAt));
        if (error is not null && retryAt is null)
        {
            LogGaveUp(job.Id, job.Kind, job.Attempts, error);
            if (handler is not null) await handler.GaveUpAsync(job, error, CancellationToken.None);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Job loop failed; retrying after the poll interval")]
    private partial void LogLoopFailed(Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} ({Kind}) failed for good after {Attempts} attempts: {Error}")]
    private partial void LogGaveUp(long jobId, string kind, int attempts, string error);
}
