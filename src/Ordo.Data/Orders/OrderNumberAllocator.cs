using System.Globalization;
using Ordo.Core.Orders;

namespace Ordo.Data.Orders;

/// <summary>
/// Hands out order numbers. Each instance reserves a block of sequence numbers per channel and China date with one
/// atomic upsert, then numbers orders from memory, so allocation costs one database round trip per block, not per
/// order, and several instances never collide. A request for more numbers than are left reserves one block big
/// enough for all of them (a batch of 1,000 orders costs one upsert, not ten). Numbers left in a block when an
/// instance stops are skipped, never reused: sequences have gaps but no duplicates. Thread-safe.
/// </summary>
public sealed class OrderNumberAllocator(OrdoDatabase database, TimeProvider clock, int blockSize = 100)
{
    private readonly Dictionary<(string Channel, string Day), Block> _blocks = [];
    private readonly Dictionary<(string Channel, string Day), Stack<OrderNo>> _returned = [];
    private readonly SemaphoreSlim _refill = new(1, 1);

    private sealed class Block(long next, long end)
    {
        public long Next = next;
        public readonly long End = end;
    }

    /// <summary>
    /// Takes one number per element of <paramref name="platforms"/> ahead of one or more write transactions (a block
    /// refill is its own short transaction, which must not run inside another on SQLite). Numbers the transactions do
    /// not use — or use in a transaction that rolls back — are given back with <see cref="NumberLease.Dispose"/> and
    /// handed out again by this instance; they were never stored, so nothing is reused.
    /// </summary>
    public async Task<NumberLease> LeaseAsync(IEnumerable<Platform> platforms, CancellationToken ct = default)
    {
        var lease = new NumberLease(this);
        try
        {
            foreach (var group in platforms.GroupBy(p => p))
                foreach (var number in await TakeAsync(group.Key, group.Count(), ct)) lease.Add(group.Key, number);
        }
        catch
        {
            lease.Dispose();
            throw;
        }
        return lease;
    }

    public async Task<OrderNo> NextAsync(Platform platform, CancellationToken ct = default) => (await TakeAsync(platform, 1, ct))[0];

    internal void Return(OrderNo number)
    {
        var key = (number.ChannelCode, number.Value.Substring(2, 8));
        lock (_blocks)
        {
            if (!_returned.TryGetValue(key, out var stack)) _returned[key] = stack = new Stack<OrderNo>();
            stack.Push(number);
        }
    }

    private async Task<List<OrderNo>> TakeAsync(Platform platform, int count, CancellationToken ct)
    {
        var taken = new List<OrderNo>(count);
        var channel = platform.ChannelCode();
        var date = ChinaTime.DateOf(clock.GetUtcNow());
        var key = (channel, date.ToString("yyyyMMdd", CultureInfo.InvariantCulture));
        if (TakeFromMemory(key, date, count, taken)) return taken;

        await _refill.WaitAsync(ct);
        try
        {
            // Another caller may have refilled while this one waited.
            if (TakeFromMemory(key, date, count, taken)) return taken;
            var size = Math.Max(blockSize, count - taken.Count);
            // Sequences start at 1; next_value is the first number of the next free block.
            var end = await database.WriteAsync(s => s.ScalarAsync<long>(
                """
                INSERT INTO order_number_blocks (channel, day, next_value) VALUES (@c, @d, 1 + @n)
                ON CONFLICT (channel, day) DO UPDATE SET next_value = order_number_blocks.next_value + @n
                RETURNING next_value
                """, ("c", key.Item1), ("d", key.Item2), ("n", size)), ct);
            lock (_blocks)
            {
                // What is left of the old block goes back rather than being skipped.
                if (_blocks.TryGetValue(key, out var old))
                    while (old.Next < old.End) ReturnLocked(key, OrderNo.Create(channel, date, old.Next++));
                _blocks[key] = new Block(end - size, end);
                // Drop blocks of past days; they are never used again.
                foreach (var stale in _blocks.Keys.Where(k => k.Day != key.Item2).ToList()) _blocks.Remove(stale);
                foreach (var stale in _returned.Keys.Where(k => k.Day != key.Item2).ToList()) _returned.Remove(stale);
                // Taken before the lock is let go: callers served from memory (they do not wait for a refill) would
                // otherwise take numbers from the fresh block first, and leave it short of what it was sized for.
                if (!TakeFromMemory(key, date, count, taken))
                    throw new InvalidOperationException($"a fresh block of {size} order numbers did not cover {count} numbers");
            }
            return taken;
        }
        catch
        {
            foreach (var n in taken) Return(n);
            throw;
        }
        finally
        {
            _refill.Release();
        }
    }

    /// <summary>Fills <paramref name="taken"/> up to <paramref name="count"/> from returned numbers, then the current block; true when full.</summary>
    private bool TakeFromMemory((string Channel, string Day) key, DateOnly date, int count, List<OrderNo> taken)
    {
        lock (_blocks)
        {
            if (_returned.TryGetValue(key, out var stack))
                while (taken.Count < count && stack.Count > 0) taken.Add(stack.Pop());
            if (_blocks.TryGetValue(key, out var block))
                while (taken.Count < count && block.Next < block.End) taken.Add(OrderNo.Create(key.Channel, date, block.Next++));
            return taken.Count == count;
        }
    }

    private void ReturnLocked((string, string) key, OrderNo number)
    {
        if (!_returned.TryGetValue(key, out var stack)) _returned[key] = stack = new Stack<OrderNo>();
        stack.Push(number);
    }
}

/// <summary>
/// Order numbers set aside for one or more write transactions run one after the other; the ones not stored go back
/// on dispose.
/// </summary>
public sealed class NumberLease(OrderNumberAllocator allocator) : IDisposable
{
    private readonly List<(Platform Platform, OrderNo Number)> _numbers = [];
    private readonly HashSet<OrderNo> _taken = [];

    internal void Add(Platform platform, OrderNo number) => _numbers.Add((platform, number));

    /// <summary>Call at the start of each attempt of a transaction: numbers taken by a failed attempt are free again.</summary>
    public void Reset() => _taken.Clear();

    /// <summary>
    /// Moves one number per element of <paramref name="platforms"/> out of this lease into a new one, for writes that
    /// run beside others (a lease is used by one writer at a time). Numbers this lease lacks are not made up: the new
    /// lease then holds fewer, and <see cref="Take"/> says so.
    /// </summary>
    public NumberLease Split(IEnumerable<Platform> platforms)
    {
        var part = new NumberLease(allocator);
        foreach (var platform in platforms)
        {
            var i = _numbers.FindIndex(x => x.Platform == platform && !_taken.Contains(x.Number));
            if (i < 0) continue;
            part.Add(platform, _numbers[i].Number);
            _numbers.RemoveAt(i);
        }
        return part;
    }

    public OrderNo Take(Platform platform)
    {
        foreach (var (p, n) in _numbers)
            if (p == platform && _taken.Add(n)) return n;
        throw new InvalidOperationException($"no order number leased for {platform}");
    }

    /// <summary>After a transaction committed: the numbers it took are used for good; the rest stay available.</summary>
    public void Commit()
    {
        _numbers.RemoveAll(x => _taken.Contains(x.Number));
        _taken.Clear();
    }

    public void Dispose()
    {
        foreach (var (_, n) in _numbers) allocator.Return(n);
        _numbers.Clear();
    }
}
