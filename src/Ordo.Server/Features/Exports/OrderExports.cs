using System.Globalization;
using System.Security.Claims;
using System.Text;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using MiniExcelLibs;
using Ordo.Core.Common;
using Ordo.Core.Orders;
using Ordo.Core.Privacy;
using Ordo.Data;
using Ordo.Data.Orders;
using Ordo.Server.Features.Audit;
using Ordo.Server.Features.Orders;
using Ordo.Server.Security;
using Ordo.Server.Security.PersonalData;
using Ordo.Server.Security.Users;
using ExportText = Ordo.Server.Console.Resources.Exports;

namespace Ordo.Server.Features.Exports;

/// <summary>
/// Orders to a CSV or Excel file (issue 5, item 5), with the order list's filters. Only a signed-in person may export
/// (an API key cannot type a second-factor code): the export needs orders:export, a current TOTP code checked by
/// <see cref="ISecondFactorCheck"/>, and no more rows than the user's roles allow. The receiver's fields are masked to
/// what the exporter may see. Every export, and every refused one, is audited; the file is streamed page by page.
/// </summary>
public sealed class OrderExports(
    OrdoDatabase database, AuditTrail audit, AccessReports reports, IOptions<ExportOptions> options, IStringLocalizer<ExportText> text,
    TimeProvider clock)
{
    public static readonly string[] Formats = ["csv", "xlsx"];
    private const int PageSize = 1_000;

    /// <summary>Runs an export whose fields (format, code and the list filters) are read by name; answers the file or a problem.</summary>
    public async Task<IResult> ExportAsync(HttpContext http, Func<string, string?> field, CancellationToken ct)
    {
        var user = http.User;
        var format = (field("format") ?? "csv").Trim().ToLowerInvariant();
        if (!Formats.Contains(format)) return Problems.BadRequest("format", $"unknown format '{format}'; expected one of: {string.Join(", ", Formats)}");
        var (query, problem) = ListOrders.ReadFilters(field);
        if (problem is not null) return problem;
        var filters = FiltersOf(query!);

        Task<IResult> Deny(int status, string title, string reason, string? fieldName, object? more = null, IDictionary<string, object?>? extra = null) =>
            DenyAsync(http, status, title, reason, fieldName, new { filters, format, reason, more }, extra);

        if (user.Identity?.AuthenticationType == ApiKeyAuthenticationHandler.SchemeName)
            return await Deny(403, "Export needs a person", "an API key cannot pass the second-factor check an export needs; sign in to the console and export there", null);
        var code = field("code")?.Trim();
        if (string.IsNullOrEmpty(code))
            return await Deny(403, "Second factor required", "type the current 6-digit code of your authenticator app", "code");
        // From the request's services: the check reads the signed-in user's account (a scoped service).
        if (http.RequestServices.GetService<ISecondFactorCheck>() is not { } secondFactor)
            return await Deny(403, "Second factor unavailable", "this server has no second-factor check, so it cannot export", "code");
        if (!await secondFactor.VerifyAsync(user, code, ct))
            return await Deny(403, "Second factor failed",
                "the code is wrong or expired, or you have no second factor enrolled (enrol an authenticator app in your account first)", "code");

        var roles = Roles.Of(user).ToList();
        var limit = options.Value.MaxRowsFor(roles);
        // The export covers the orders there are now: the newest matching order bounds the count and the pages, so
        // orders arriving meanwhile neither push it over the limit nor go missing from the count.
        var (bound, count) = await database.ReadAsync(async s =>
        {
            var newest = await OrderStore.ListAsync(s, query! with { Limit = 1 });
            if (newest.Orders.Count == 0) return (0L, 0L);
            var upTo = newest.Orders[0].Id + 1;
            return (upTo, await OrderStore.CountAsync(s, query! with { After = upTo }));
        }, ct);
        if (count > limit)
            return await Deny(422, "Too many rows",
                $"the filters match {count:N0} orders, more than the {limit:N0} your roles may export at once ({string.Join(", ", roles)}); narrow the filters, e.g. a shorter date range",
                null, new { rows = count, limit }, new Dictionary<string, object?> { ["rows"] = count, ["limit"] = limit });

        var access = ViewerAccess.Of(user);
        var now = clock.GetUtcNow();
        var outside = reports.Hours.OutsideReason(now);
        await audit.RecordAsync(http, AuditTrail.Actions.Export, AuditTrail.Outcomes.Ok, "orders", new
        {
            filters, format, rows = count, limit, access = AccessView(access), outsideWorkingHours = outside is not null, outsideReason = outside,
        });

        var zone = Ordo.Server.Console.ConsoleTime.ZoneOf(user);
        var columns = Columns();
        var stamp = TimeZoneInfo.ConvertTime(now, zone).ToString("yyyyMMdd-HHmm", CultureInfo.InvariantCulture);
        var rows = RowsAsync(query! with { After = count == 0 ? null : bound }, count == 0, access, zone, ct);
        return format == "csv"
            ? new FileWriter("text/csv; charset=utf-8", $"ordo-orders-{stamp}.csv", (stream, token) => WriteCsvAsync(stream, columns, rows, token))
            : new FileWriter("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"ordo-orders-{stamp}.xlsx",
                (stream, token) => WriteXlsxAsync(stream, columns, rows, token));
    }

    private async Task<IResult> DenyAsync(HttpContext http, int status, string title, string reason, string? field, object detail, IDictionary<string, object?>? extra)
    {
        await audit.RecordAsync(http, AuditTrail.Actions.Export, AuditTrail.Outcomes.Denied, "orders", detail);
        return Problems.Result(status, title, reason, field, extra: extra);
    }

    private static object FiltersOf(OrderQuery q) => new
    {
        status = q.Status?.ToString(), platform = q.Platform?.Name(), shop = q.ShopCode, createdFrom = q.CreatedFrom, createdTo = q.CreatedTo, q = q.Text,
    };

    private static object AccessView(PersonalDataAccess a) => new
    {
        name = Level(a.Name), phone = Level(a.Phone), address = Level(a.Address), idCard = Level(a.IdCard),
    };

    private static string Level(FieldAccess f) => f.ToString().ToLowerInvariant();

    private static readonly string[] ColumnKeys =
    [
        "OrderNo", "Platform", "Shop", "PlatformOrderId", "Status", "CreatedAt", "PaidAt", "Currency", "Goods", "Freight", "Discount", "Paid", "Lines",
        "ReceiverName", "ReceiverPhone", "Province", "City", "District", "Street", "Address", "PostalCode", "IdCard",
    ];

    private string[] Columns() => ColumnKeys.Select(k => text["Col_" + k].Value).ToArray();

    /// <summary>Every matching order as a row of cells (text, or a decimal for amounts), newest first, read a page at a time.</summary>
    private async IAsyncEnumerable<object?[]> RowsAsync(OrderQuery query, bool none, PersonalDataAccess access, TimeZoneInfo zone,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        if (none) yield break;
        var chinese = CultureInfo.CurrentUICulture.Name.StartsWith("zh", StringComparison.OrdinalIgnoreCase) || CultureInfo.CurrentUICulture.Name == "";
        long? after = query.After;
        while (true)
        {
            var page = await database.ReadAsync(s => OrderStore.ListAsync(s, query with { After = after, Limit = PageSize }, maxLimit: PageSize), ct);
            foreach (var order in page.Orders) yield return Row(order, access, zone, chinese);
            if (page.NextCursor is null) yield break;
            after = page.NextCursor;
        }
    }

    private static object?[] Row(OrderState o, PersonalDataAccess access, TimeZoneInfo zone, bool chinese)
    {
        var d = o.Data;
        var r = PersonalDataMasks.Receiver(d.Receiver, access);
        var p = ViewerAccess.Mask(d.ReceiverPrivacy, access);   // what the platform itself only gave masked
        return
        [
            o.OrderNo, d.Platform.Name(), d.ShopCode, Untrusted(d.PlatformOrderId), chinese ? o.Status.ChineseLabel() : o.Status.ToString(),
            Time(d.CreatedAt, zone), d.PaidAt is { } paid ? Time(paid, zone) : null, d.Currency,
            d.Amounts.Goods, d.Amounts.Freight, d.Amounts.Discount, d.Amounts.Paid,
            Untrusted(string.Join("; ", d.Lines.Select(l => $"{(string.IsNullOrEmpty(l.Sku) ? l.Title : l.Sku)} ×{l.Quantity}"))),
            Untrusted(r?.Name ?? p?.MaskedName), Untrusted(r?.Phone ?? p?.MaskedPhone), Untrusted(r?.Province), Untrusted(r?.City), Untrusted(r?.District),
            Untrusted(r?.Street), Untrusted(r?.Address ?? (r is null ? p?.MaskedAddress : null)), Untrusted(r?.PostalCode), Untrusted(r?.IdCard),
        ];
    }

    private static string? Untrusted(string? value) => CsvWriter.Untrusted(value);

    private static string Time(DateTimeOffset instant, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(instant, zone).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static async Task WriteCsvAsync(Stream stream, string[] columns, IAsyncEnumerable<object?[]> rows, CancellationToken ct)
    {
        // A byte-order mark so that Excel on Chinese Windows reads the file as UTF-8 rather than GBK.
        await using var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 64 * 1024, leaveOpen: true);
        await writer.WriteAsync(CsvWriter.Line(columns));
        var n = 0;
        await foreach (var row in rows.WithCancellation(ct))
        {
            await writer.WriteAsync(CsvWriter.Line(row.Select(Cell)));
            if (++n % PageSize == 0) await writer.FlushAsync(ct);
        }
        await writer.FlushAsync(ct);
    }

    private static string? Cell(object? value) => value switch
    {
        null => null,
        decimal m => m.ToString("0.00", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// The workbook is written to a temporary file first (an .xlsx is a zip whose directory comes last, written with
    /// synchronous calls the response body refuses), then sent; rows never pile up in memory.
    /// </summary>
    private static async Task WriteXlsxAsync(Stream stream, string[] columns, IAsyncEnumerable<object?[]> rows, CancellationToken ct)
    {
        var path = Path.Combine(Path.GetTempPath(), "ordo-export-" + Guid.NewGuid().ToString("N") + ".xlsx");
        try
        {
            await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true))
                await MiniExcel.SaveAsAsync(file, Dictionaries(columns, rows, ct), sheetName: "orders", excelType: ExcelType.XLSX, cancellationToken: ct);
            await using var read = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None, 64 * 1024, useAsync: true);
            await read.CopyToAsync(stream, ct);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async IAsyncEnumerable<Dictionary<string, object?>> Dictionaries(string[] columns, IAsyncEnumerable<object?[]> rows,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var row in rows.WithCancellation(ct))
        {
            var cells = new Dictionary<string, object?>(columns.Length);
            for (var i = 0; i < columns.Length; i++) cells[columns[i]] = row[i];
            yield return cells;
        }
    }

    /// <summary>An attachment written straight to the response body.</summary>
    private sealed class FileWriter(string contentType, string fileName, Func<Stream, CancellationToken, Task> write) : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            http.Response.ContentType = contentType;
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
            http.Response.Headers.CacheControl = "no-store";
            await write(http.Response.Body, http.RequestAborted);
        }
    }
}
