using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Ordo.Core.Orders;
using Ordo.Data;
using Ordo.Data.Console;
using Ordo.Server.Security;

namespace Ordo.Server.Console.Pages;

/// <summary>
/// The overview: today's orders (the China day, received since its midnight) by platform and by status, and the live
/// counts (backlog per stage, holds, rejected inbox items) that the live stream keeps current.
/// </summary>
[Authorize(Policy = Permissions.OrdersRead)]
public sealed class IndexModel(OrdoDatabase db, ConsoleLiveCounts live, TimeProvider clock) : PageModel
{
    private static readonly TimeZoneInfo China = TimeZoneInfo.FindSystemTimeZoneById(ConsoleTime.DefaultZone);

    public DateOnly Today { get; private set; }
    public IReadOnlyList<(string Platform, OrderStatus Status, long Count)> TodayBreakdown { get; private set; } = [];
    public LiveCounts Counts { get; private set; } = null!;

    public long TodayTotal => TodayBreakdown.Sum(r => r.Count);

    public async Task OnGetAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var start = ConsoleTime.StartOfDay(now, China);
        Today = ChinaTime.DateOf(now);
        TodayBreakdown = await db.ReadAsync(s => ConsoleStore.ReceivedBreakdownAsync(s, start, start.AddDays(1)), ct);
        Counts = await live.GetAsync(ct);
    }

    /// <summary>The chart data (labels already in the request's language), read by overview.js.</summary>
    public object ChartData() => new
    {
        platforms = TodayBreakdown.GroupBy(r => r.Platform).OrderByDescending(g => g.Sum(r => r.Count))
            .Select(g => new { name = ConsoleLabels.Platform(g.Key), value = g.Sum(r => r.Count) }),
        statuses = TodayBreakdown.GroupBy(r => r.Status).OrderBy(g => g.Key)
            .Select(g => new { name = ConsoleLabels.Status(g.Key), status = g.Key.ToString(), value = g.Sum(r => r.Count) }),
    };
}
