namespace Ordo.Data;

/// <summary>
/// Group commit for small independent writes (a push kept with its fetch job, a job's outcome): writes requested
/// while a transaction is being committed wait and are then committed together, one transaction per group instead of
/// one per write. A busy server is limited by commits (SQLite has one writer; PostgreSQL flushes its log per commit),
/// an idle one loses nothing: a lone write is committed at once. Each caller returns when its own write is committed.
/// If a group fails, each of its writes is committed alone, so one bad write fails only its own caller.
/// A write may therefore run more than once (as with <see cref="OrdoDatabase.WriteAsync{T}"/>): database work only.
/// </summary>
public sealed class GroupCommit
{
    private sealed record Pending(Func<DbSession, Task> Work, TaskCompletionSource Done);

    private readonly OrdoDatabase _database;
    private readonly GroupedWork<Pending> _pending;

    public GroupCommit(OrdoDatabase database, int maxGroup = 64)
    {
        _database = database;
        // SQLite has one writer, so one committer. PostgreSQL commits concurrently: while one group waits for its
        // statements' round trips and its log flush, the next can be written.
        _pending = new GroupedWork<Pending>(maxGroup, database.Provider == DatabaseProvider.Postgres ? 4 : 1, CommitAsync);
    }

    /// <summary>Commits <paramref name="work"/> with whatever else is waiting; returns once it is committed.</summary>
    public Task WriteAsync(Func<DbSession, Task> work, CancellationToken ct = default)
    {
        var pending = new Pending(work, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        _pending.Add(pending);
        // A cancelled caller stops waiting; its write, already queued, is still committed (or not) with its group.
        return pending.Done.Task.WaitAsync(ct);
    }

    private async Task CommitAsync(List<Pending> group)
    {
        try
        {
            await _database.WriteAsync(async s => { foreach (var p in group) await p.Work(s); }, CancellationToken.None);
            foreach (var p in group) p.Done.TrySetResult();
        }
        catch (Exception) when (group.Count > 1)
        {
            foreach (var p in group) await CommitAsync([p]);
        }
        catch (Exception ex)
        {
            group[0].Done.TrySetException(ex);
        }
    }
}
