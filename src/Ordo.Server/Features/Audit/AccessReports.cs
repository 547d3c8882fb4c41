using Microsoft.Extensions.Options;
using Ordo.Core.Audit;
using Ordo.Data;
using Ordo.Data.Security;

namespace Ordo.Server.Features.Audit;

/// <summary>Reads a month of the audit log page by page into the monthly access report (<see cref="AccessReport"/>).</summary>
public sealed class AccessReports(OrdoDatabase database, IOptions<AuditOptions> options)
{
    private const int PageSize = 5_000;

    public WorkingHours Hours { get; } = options.Value.WorkingHours.ToWorkingHours();

    public async Task<AccessReport> ForMonthAsync(int year, int month, CancellationToken ct)
    {
        var (from, to) = AccessReport.RangeOf(year, month);
        var builder = new AccessReport.Builder(year, month, Hours);
        long after = 0;
        while (true)
        {
            var page = await database.ReadAsync(s => AuditStore.RangeAsync(s, from, to, after, PageSize), ct);
            foreach (var e in page) builder.Add(new AuditRecord(e.Id, e.OccurredAt, e.Actor, e.Action, e.Outcome, e.Target, e.Detail));
            if (page.Count < PageSize) break;
            after = page[^1].Id;
        }
        return builder.Build();
    }
}
