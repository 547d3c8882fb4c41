using System.Collections.Concurrent;

namespace Ordo.Data;

/// <summary>
/// Rows that almost never change (shops, webhook subscriptions) as read from the database at most once per
/// <c>freshFor</c> per key: a busy instance otherwise reads the same row for every push or delivery. A change made
/// through this instance is seen at once (its writer calls <see cref="Forget"/>); one made through another instance on
/// the same database within <c>freshFor</c>. Only rows that exist are kept, so requests naming made-up keys cannot grow
/// it. Thread-safe. Written by hand: the framework's memory cache brings size limits and eviction this does not need.
/// </summary>
public class RecentlyRead<TKey, TValue>(TimeProvider clock, TimeSpan freshFor, Func<TKey, CancellationToken, Task<TValue?>> read)
    where TKey : notnull where TValue : class
{
    private readonly ConcurrentDictionary<TKey, (TValue Value, long ReadAt)> _kept = new();

    /// <summary>The row as read at most <c>freshFor</c> ago; null when it does not exist.</summary>
    public async Task<TValue?> FindAsync(TKey key, CancellationToken ct)
    {
        if (_kept.TryGetValue(key, out var kept) && clock.GetElapsedTime(kept.ReadAt) < freshFor) return kept.Value;
        var readAt = clock.GetTimestamp();
        var value = await read(key, ct);
        if (value is null) _kept.TryRemove(key, out _);
        else _kept[key] = (value, readAt);
        return value;
    }

    /// <summary>Drops what is kept for a row that was just changed, so its next use reads it again.</summary>
    public void Forget(TKey key) => _kept.TryRemove(key, out _);
}
