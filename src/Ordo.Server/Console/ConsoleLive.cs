using System.Globalization;
using Ordo.Data;
using Ordo.Data.Console;

namespace Ordo.Server.Console;

/// <summary>
/// The live counts, read at most once per <see cref="MaxAge"/> whatever the number of open consoles: every stream
/// shares the last reading.
/// </summary>
public sealed class ConsoleLiveCounts(OrdoDatabase db, TimeProvider clock)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1.5);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (LiveCounts Counts, DateTimeOffset At)? _last;

    public async Task<LiveCounts> GetAsync(CancellationToken ct)
    {
        if (_last is { } fresh && clock.GetUtcNow() - fresh.At < MaxAge) return fresh.Counts;
        await _gate.WaitAsync(ct);
        try
        {
            if (_last is { } again && clock.GetUtcNow() - again.At < MaxAge) return again.Counts;
            var counts = await db.ReadAsync(ConsoleStore.LiveCountsAsync, ct);
            _last = (counts, clock.GetUtcNow());
            return counts;
        }
        finally
        {
            _gate.Release();
        }
    }
}

/// <summary>
/// GET /console/live: a server-sent event stream. Each counter is its own event whose data is the number
/// (<c>holds</c>, <c>rejected</c>, <c>backlog-Paid</c>, …), sent first in full and then whenever it changes, so that
/// htmx's sse extension swaps it straight into <c>sse-swap="holds"</c> elements. <c>orders</c> (data: the last event
/// id) tells that an order arrived or moved: lists refresh on it.
/// </summary>
public static class ConsoleLive
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    public static async Task StreamAsync(HttpContext http, ConsoleLiveCounts live, TimeProvider clock)
    {
        var ct = http.RequestAborted;
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        // Tells reverse proxies not to buffer the stream.
        http.Response.Headers["X-Accel-Buffering"] = "no";
        var sent = new Dictionary<string, string>(StringComparer.Ordinal);
        var lastWrite = clock.GetUtcNow();
        await http.Response.WriteAsync("retry: 3000\n\n", ct);
        await http.Response.Body.FlushAsync(ct);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var counts = await live.GetAsync(ct);
                var wrote = false;
                foreach (var (name, value) in Events(counts))
                {
                    if (sent.TryGetValue(name, out var previous) && previous == value) continue;
                    sent[name] = value;
                    await http.Response.WriteAsync($"event: {name}\ndata: {value}\n\n", ct);
                    wrote = true;
                }
                if (!wrote && clock.GetUtcNow() - lastWrite >= Heartbeat)
                {
                    await http.Response.WriteAsync(": keep-alive\n\n", ct);
                    wrote = true;
                }
                if (wrote)
                {
                    lastWrite = clock.GetUtcNow();
                    await http.Response.Body.FlushAsync(ct);
                }
                await Task.Delay(Interval, clock, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The browser closed the page.
        }
    }

    public static IEnumerable<(string Name, string Value)> Events(LiveCounts counts)
    {
        foreach (var (status, n) in counts.Backlog) yield return ("backlog-" + status, Number(n));
        yield return ("backlog-total", Number(counts.Backlog.Values.Sum()));
        yield return ("holds", Number(counts.Holds));
        yield return ("rejected", Number(counts.RejectedInbox));
        yield return ("orders", counts.LastEventId.ToString(CultureInfo.InvariantCulture));
    }

    private static string Number(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
