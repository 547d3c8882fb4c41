using System.Threading.Channels;

namespace Ordo.Data;

/// <summary>
/// Items added by many callers and handled in groups: whatever is queued when a worker is free is taken as one group
/// (up to <c>maxGroup</c> items), by at most <c>maxWorkers</c> workers at once; an idle queue has no worker and a lone
/// item is handled at once. The handler answers its callers itself and must not throw. Used for group commit.
/// </summary>
public sealed class GroupedWork<T>(int maxGroup, int maxWorkers, Func<List<T>, Task> handle)
{
    private readonly Channel<T> _queue = Channel.CreateUnbounded<T>();
    private int _workers;

    public void Add(T item)
    {
        _queue.Writer.TryWrite(item);
        StartWorkerIfNeeded();
    }

    private void StartWorkerIfNeeded()
    {
        if (Interlocked.Increment(ref _workers) <= maxWorkers) _ = Task.Run(WorkAsync, CancellationToken.None);
        else Interlocked.Decrement(ref _workers);
    }

    private async Task WorkAsync()
    {
        try
        {
            while (true)
            {
                var group = new List<T>(maxGroup);
                while (group.Count < maxGroup && _queue.Reader.TryRead(out var next)) group.Add(next);
                if (group.Count == 0) return;
                await handle(group);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _workers);
            // An item queued after this worker's last read, while it was leaving, must not wait for the next caller.
            if (_queue.Reader.Count > 0) StartWorkerIfNeeded();
        }
    }
}
