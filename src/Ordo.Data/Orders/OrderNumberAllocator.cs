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

    public async Task<OrderNo> NextAsync(Platform platform, CancellationToken ct = default)
    {
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
                return OrderNo.Create(channel, date, fresh.Next++);
            }
        }
        finally
        {
            _refill.Release();
        }
    }
}
