namespace Ordo.Data;

/// <summary>
/// Group commit: writes requested while a transaction is being committed wait and are then committed together, one
/// transaction per group instead of one per write, and <c>write</c> may write the whole group set-wise. A busy server is
/// limited by commits and statements (SQLite has one writer; PostgreSQL flushes its log per commit and every statement
/// is a round trip), an idle one loses nothing: a lone write is committed at once. Each caller returns when its own
/// write is committed, with its own result (<c>write</c> answers one per item, in order). If a group fails, each of its
/// writes is committed alone, so one bad write fails only its own caller. A write may therefore run more than once (as
/// with <see cref="OrdoDatabase.WriteAsync{T}"/>): database work only.
/// </summary>
public sealed class GroupCommit<TItem, TResult>
{
    private sealed record Pending(TItem Item, TaskCompletionSource<TResult> Done);

    private readonly OrdoDatabase _database;
    private readonly Func<DbSession, IReadOnlyList<TItem>, Task<IReadOnlyList<TResult>>> _write;
    private readonly GroupedWork<Pending> _pending;

    /// <param name="postgresWriters">Groups committed at once on PostgreSQL: while one waits for its round trips and its
    /// log flush, the next can be written. SQLite has one writer, so one.</param>
    public GroupCommit(OrdoDatabase database, int maxGroup, int postgresWriters, Func<DbSession, IReadOnlyList<TItem>, Task<IReadOnlyList<TResult>>> write)
    {
        _database = database;
        _write = write;
        _pending = new GroupedWork<Pending>(maxGroup, database.Provider == DatabaseProvider.Postgres ? postgresWriters : 1, CommitAsync);
    }

    /// <summary>Commits <paramref name="item"/> with whatever else is waiting; returns its result once it is committed.</summary>
    public Task<TResult> WriteAsync(TItem item, CancellationToken ct = default)
    {
        var pending = new Pending(item, new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        _pending.Add(pending);
        // A cancelled caller stops waiting; its write, already queued, is still committed (or not) with its group.
        return pending.Done.Task.WaitAsync(ct);
    }

    private async Task CommitAsync(List<Pending> group)
    {
        try
        {
            var items = group.Select(p => p.Item).ToList();
            var results = await _database.WriteAsync(s => _write(s, items), CancellationToken.None);
            for (var i = 0; i < group.Count; i++) group[i].Done.TrySetResult(results[i]);
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

/// <summary>Small independent writes of any kind (a push that was not taken), each run in turn in its group's transaction (see <see cref="GroupCommit{TItem, TResult}"/>).</summary>
public sealed class GroupCommit(OrdoDatabase database, int maxGroup = 64)
{
    private readonly GroupCommit<Func<DbSession, Task>, bool> _writes = new(database, maxGroup, postgresWriters: 4, async (s, works) =>
    {
        foreach (var work in works) await work(s);
        return new bool[works.Count];
    });

    /// <summary>Commits <paramref name="work"/> with whatever else is waiting; returns once it is committed.</summary>
    public Task WriteAsync(Func<DbSession, Task> work, CancellationToken ct = default) => _writes.WriteAsync(work, ct);
}
