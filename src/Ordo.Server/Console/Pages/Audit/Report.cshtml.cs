using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Ordo.Core.Audit;
using Ordo.Server.Features.Audit;
using Ordo.Server.Security;

namespace Ordo.Server.Console.Pages.Audit;

/// <summary>/audit/report: the monthly access report with a chart of the top accessors and a CSV download (audited).</summary>
[Authorize(Policy = Permissions.AuditRead)]
public sealed class ReportModel(AccessReports reports, AuditTrail audit, TimeProvider clock) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Month { get; set; }

    public AccessReport? Report { get; private set; }
    public WorkingHours Hours => reports.Hours;
    public bool InvalidMonth { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => Report = await ReadAsync(ct);

    public async Task<IActionResult> OnGetCsvAsync(CancellationToken ct)
    {
        var report = await ReadAsync(ct);
        if (report is null) return Page();
        await audit.RecordAsync(HttpContext, AuditEndpoints.ReportExportAction, AuditTrail.Outcomes.Ok, $"report:{report.Month}",
            new { format = "csv", report.Month, report.Entries });
        return File(Encoding.UTF8.GetBytes(AuditEndpoints.ReportCsv(report)), "text/csv; charset=utf-8", $"ordo-access-report-{report.Month}.csv");
    }

    private async Task<AccessReport?> ReadAsync(CancellationToken ct)
    {
        int year, month;
        if (string.IsNullOrEmpty(Month)) (year, month) = AuditEndpoints.CurrentChinaMonth(clock);
        else if (!AccessReport.TryParseMonth(Month, out year, out month)) { InvalidMonth = true; return null; }
        Month = $"{year:D4}-{month:D2}";
        return await reports.ForMonthAsync(year, month, ct);
    }
}
