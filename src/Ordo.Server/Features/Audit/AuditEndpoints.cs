using System.Text;
using Ordo.Core.Audit;
using Ordo.Core.Common;
using Ordo.Data;
using Ordo.Data.Security;
using Ordo.Server.Security;

namespace Ordo.Server.Features.Audit;

/// <summary>
/// GET /api/v1/audit (filters from, to, actor, action, outcome; newest first, keyset paging by id) and
/// GET /api/v1/audit/report?month=yyyy-MM[&amp;format=csv], the monthly access report. Reading the log is not itself
/// audited; downloading the report as a file is (<see cref="ReportExportAction"/>).
/// </summary>
public static class AuditEndpoints
{
    /// <summary>The audit action of a downloaded report.</summary>
    public const string ReportExportAction = "audit.export";

    private static readonly string[] Outcomes = [AuditTrail.Outcomes.Ok, AuditTrail.Outcomes.Denied, AuditTrail.Outcomes.Failed];

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/audit", async (HttpRequest request, OrdoDatabase db, CancellationToken ct) =>
        {
            var (query, problem) = ReadQuery(request.Query);
            if (problem is not null) return problem;
            var size = query!.Limit;
            var rows = await db.ReadAsync(s => AuditStore.QueryAsync(s, query with { Limit = size + 1 }), ct);
            var more = rows.Count > size;
            if (more) rows.RemoveAt(rows.Count - 1);
            return Results.Json(new { items = rows.Select(View), nextCursor = more ? Cursor.Encode(rows[^1].Id) : null }, ApiJson.Options);
        })
        .RequireAuthorization(Permissions.AuditRead).WithName("ListAudit")
        .WithSummary("The audit log, newest first: ?from, ?to (ISO 8601 with offset), ?actor, ?action, ?outcome (ok, denied, failed), ?limit (1–200), ?cursor.");

        api.MapGet("/audit/report", async (string? month, string? format, HttpContext http, AccessReports reports, AuditTrail audit, TimeProvider clock, CancellationToken ct) =>
        {
            int year, m;
            if (string.IsNullOrEmpty(month)) (year, m) = CurrentChinaMonth(clock);
            else if (!AccessReport.TryParseMonth(month, out year, out m)) return Problems.BadRequest("month", $"'{month}' is not a month written yyyy-MM, e.g. 2026-12");
            if (format is not (null or "" or "json" or "csv")) return Problems.BadRequest("format", "must be json or csv");
            var report = await reports.ForMonthAsync(year, m, ct);
            if (format != "csv") return Results.Json(ReportView(report, reports.Hours), ApiJson.Options);
            await audit.RecordAsync(http, ReportExportAction, AuditTrail.Outcomes.Ok, $"report:{report.Month}", new { format = "csv", report.Month, report.Entries });
            return Results.Text(ReportCsv(report), "text/csv; charset=utf-8", Encoding.UTF8)
                .WithHeader("Content-Disposition", $"attachment; filename=\"ordo-access-report-{report.Month}.csv\"");
        })
        .RequireAuthorization(Permissions.AuditRead).WithName("AccessReport")
        .WithSummary("The monthly access report (China time): top accessors, exports outside working hours, denied attempts, sign-in failures and lockouts; ?format=csv downloads it (audited).");
    }

    /// <summary>The report as CSV text, with a byte-order mark so that Excel reads the UTF-8.</summary>
    public static string ReportCsv(AccessReport report) => "\uFEFF" + string.Concat(report.CsvRows().Select(CsvWriter.Line));

    public static (int Year, int Month) CurrentChinaMonth(TimeProvider clock)
    {
        var now = clock.GetUtcNow().ToOffset(AccessReport.ChinaOffset);
        return (now.Year, now.Month);
    }

    public static object ReportView(AccessReport r, WorkingHours hours) => new
    {
        r.Month, r.From, r.To, r.Entries,
        workingHours = new { start = hours.Start.ToString("HH:mm"), end = hours.End.ToString("HH:mm"), days = hours.Days.Select(d => d.ToString()) },
        topAccessors = r.TopAccessors.Select(a => new { a.Actor, views = a.Views, decrypts = a.Decrypts, exports = a.Exports, total = a.Total }),
        exportsOutsideWorkingHours = r.ExportsOutsideWorkingHours.Select(x => new { x.Id, at = x.At.ToString("yyyy-MM-dd'T'HH:mm:sszzz"), x.Actor, x.Target, x.Reason, x.Rows, x.Format }),
        deniedByActor = r.DeniedByActor.Select(d => new { actor = d.Key, count = d.Count }),
        deniedByAction = r.DeniedByAction.Select(d => new { action = d.Key, count = d.Count }),
        signIns = r.SignIns.Select(s => new { s.Account, failures = s.Failures, lockouts = s.Lockouts }),
    };

    private static object View(AuditEntry e) => new
    {
        e.Id, e.OccurredAt, e.Actor, e.Action, e.Outcome, e.Target, e.Ip,
        detail = System.Text.Json.JsonDocument.Parse(string.IsNullOrEmpty(e.Detail) ? "{}" : e.Detail).RootElement.Clone(),
    };

    /// <summary>Reads the log's filters (shared with the console's audit page); a problem names the field that is wrong.</summary>
    public static (AuditQuery? Query, IResult? Problem) ReadQuery(IQueryCollection q)
    {
        DateTimeOffset? Instant(string field, out IResult? problem)
        {
            problem = null;
            var text = q[field].ToString();
            if (string.IsNullOrEmpty(text)) return null;
            if (IsoInstant.TryParseWithOffset(text, out var v)) return v;
            problem = Problems.BadRequest(field, $"'{text}' is not an ISO 8601 instant with an offset, e.g. 2026-12-01T00:00:00+08:00");
            return null;
        }
        var from = Instant("from", out var p1); if (p1 is not null) return (null, p1);
        var to = Instant("to", out var p2); if (p2 is not null) return (null, p2);
        var outcome = Text(q, "outcome");
        if (outcome is not null && !Outcomes.Contains(outcome))
            return (null, Problems.BadRequest("outcome", $"unknown outcome '{outcome}'; expected one of: {string.Join(", ", Outcomes)}"));
        var limit = 50;
        if (q["limit"].ToString() is { Length: > 0 } l && (!int.TryParse(l, out limit) || limit is < 1 or > 200))
            return (null, Problems.BadRequest("limit", "must be a whole number from 1 to 200"));
        if (!Cursor.TryDecode(q["cursor"], out var before)) return (null, Cursor.Invalid());
        return (new AuditQuery(from, to, Text(q, "actor"), Text(q, "action"), outcome, before, limit), null);
    }

    private static string? Text(IQueryCollection q, string field) => q[field].ToString() is { Length: > 0 } t ? t.Trim() : null;
}

internal static class ResultHeaders
{
    public static IResult WithHeader(this IResult result, string name, string value) => new HeaderResult(result, name, value);

    private sealed class HeaderResult(IResult inner, string name, string value) : IResult
    {
        public Task ExecuteAsync(HttpContext http)
        {
            http.Response.Headers[name] = value;
            return inner.ExecuteAsync(http);
        }
    }
}
