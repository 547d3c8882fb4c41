using System.Globalization;
using Ordo.Core.Orders;

namespace Ordo.Data.Orders;

/// <summary>
/// Hands out order numbers. Each instance reserves a block of sequence numbers per channel and China date with one
/// atomic upsert, then numbers orders from memory, so allocation costs one database round trip per block, not per
/// order, and several instances never collide. Numbers left in a block when an instance stops are skipped, never
/// reused: sequences have gaps but no duplicates. Thread-safe.
/// </summary>
public sealed class OrderNumberAllocator(OrdoDatabase database, TimeProvider clock, int blockSize = 100)
{
    private readonly Dictionary<(string Channel, string Day), Block> _blocks = [];
    private readonly SemaphoreSlim _refill = new(1, 1);

    private sealed class Block(long next, long end)
    {
        public long Next = next;
        public readonly long End = end;
    }

    /// <summary>
    /// Takes <paramref name="count"/> numbers for <paramref name="platform"/> ahead of a write transaction (a block
    /// refill is its own short transaction, which must not run inside another on SQLite). Numbers the transaction does
    /// not use — or uses in a transaction that rolls back — are given back with <see cref="NumberLease.Dispose"/> and
    /// handed out again by this instance; they were never stored, so nothing is reused.
    /// </summary>
    public async Task<NumberLease> LeaseAsync(IEnumerable<Platform> platforms, CancellationToken ct = default)
    {
        var lease = new NumberLease(this);
        foreach (var platform in platforms) lease.Add(platform, await NextAsync(platform, ct));
        return lease;
    }

    private readonly Dictionary<(string Channel, string Day), Stack<OrderNo>> _returned = [];

    internal void Return(OrderNo number)
    {
        var key = (number.ChannelCode, number.Value.Substring(2, 8));
        lock (_blocks)
        {
            if (!_returned.TryGetValue(key, out var stack)) _returned[key] = stack = new Stack<OrderNo>();
            stack.Push(number);
        }
    }

    public async Task<OrderNo> NextAsync(Platform platform, CancellationToken ct = default)
    {
        lock (_blocks)
        {
            var day = ChinaTime.DateOf(clock.GetUtcNow()).ToString("yyyyMMdd", CultureInfo.InvariantCulture);
            if (_returned.TryGetValue((platform.ChannelCode(), day), out var stack) && stack.Count > 0) return stack.Pop();
        }
        var channel = platform.ChannelCode();
        var date = ChinaTime.DateOf(clock.GetUtcNow());
        var key = (channel, date.ToString("yyyyMMdd", CultureInfo.InvariantCulture));
        lock (_blocks)
        {
            if (_blocks.TryGetValue(key, out var block) && block.Next < block.End)
                return OrderNo.Create(channel, date, block.Next++);
        }
        await _refill.WaitAsync(ct);
        try
        {
            lock (_blocks)
            {
                if (_blocks.TryGetValue(key, out var block) && block.Next < block.End)
                    return OrderNo.Create(channel, date, block.Next++);
            }
            // Sequences start at 1; next_value is the first number of the next free block.
            var end = await database.WriteAsync(s => s.ScalarAsync<long>(
                """
                INSERT INTO order_number_blocks (channel, day, next_value) VALUES (@c, @d, 1 + @n)
                ON CONFLICT (channel, day) DO UPDATE SET next_value = order_number_blocks.next_value + @n
                RETURNING next_value
                """, ("c", key.Item1), ("d", key.Item2), ("n", blockSize)), ct);
            var fresh = new Block(end - blockSize, end);
            lock (_blocks)
            {
                _blocks[key] = fresh;
                // Drop blocks of past days; they are never used again.
                foreach (var old in _blocks.Keys.Where(k => k.Day != key.Item2).ToList()) _blocks.Remove(old);
                foreach (var old in _returned.Keys.Where(k => k.Day != key.Item2).ToList()) _returned.Remove(old);
                return OrderNo.Create(channel, date, fresh.Next++);
            }
        }
        finally
        {
            _refill.Release();
        }
    }
}

/// <summary>Order numbers set aside for one write transaction; the ones not stored go back on dispose.</summary>
public sealed class NumberLease(OrderNumberAllocator allocator) : IDisposable
{
    private readonly List<(Platform Platform, OrderNo Number)> _numbers = [];
    private readonly HashSet<OrderNo> _taken = [];

    internal void Add(Platform platform, OrderNo number) => _numbers.Add((platform, number));

    /// <summary>Call at the start of each attempt of the transaction: a retried attempt starts from a full lease.</summary>
    public void Reset() => _taken.Clear();

    public OrderNo Take(Platform platform)
    {
        foreach (var (p, n) in _numbers)
            if (p == platform && _taken.Add(n)) return n;
        throw new InvalidOperationException($"no order number leased for {platform}");
    }

    /// <summary>Marks the numbers taken in the committed transaction as used; the rest go back.</summary>
    public void Commit() => _numbers.RemoveAll(x => _taken.Contains(x.Number));

    public void Dispose()
    {
        foreach (var (_, n) in _numbers) allocator.Return(n);
        _numbers.Clear();
    }
}
