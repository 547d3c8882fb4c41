using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Ordo.Cli.Import;
using static System.FormattableString;

namespace Ordo.Cli.Inventory;

/// <summary>Exit codes of <c>ordo stock count</c> (also in its --help and the README).</summary>
public static class StockCountExitCodes
{
    /// <summary>The count was booked and no difference is beyond the threshold.</summary>
    public const int Counted = 0;

    /// <summary>The count was booked, but some rows were rejected (they were left out of it).</summary>
    public const int SomeRejected = 1;

    /// <summary>Usage or input error, Ordo unreachable, or the count refused (unknown warehouse, below what is reserved): nothing was booked.</summary>
    public const int Failed = 2;

    /// <summary>The count was booked and alerts: a line or the total differs from the system beyond the threshold.</summary>
    public const int Alert = 3;
}

/// <summary>
/// <c>ordo stock count &lt;file.csv&gt; --warehouse CODE [--reference R]</c>: one stock count of one warehouse
/// (<c>POST /api/v1/inventory/counts</c>) from rows of SKU and counted units. Rows that cannot be read, or whose SKU
/// Ordo does not know, are rejected with their row number and left out of the count; the others are counted in one
/// request (the count is one document). Prints the differences report and the alert line.
/// </summary>
public sealed class StockCountImport(HttpClient http, ImportOutput output)
{
    public static readonly CsvColumn CountedColumn = new("counted", "count", "quantity", "qty", "盘点数量", "实盘数量", "实盘", "数量");

    private const int MaxLines = 10_000;

    private readonly OrdoApi _api = new(http, output.Clock);
    private readonly RowImport _rows = new(output, "stock count");

    private sealed record Line(CsvRow Row, string Sku, int Counted);

    public async Task<int> RunAsync(string file, string warehouse, string? reference, string? errorsFile, CancellationToken ct)
    {
        var (table, problem) = CsvTable.Read(file, [SkuImport.Code, CountedColumn], [SkuImport.Code, CountedColumn]);
        if (table is null) return _rows.Fail(problem!);
        if (table.Rows.Count > MaxLines) return _rows.Fail(Invariant($"{table.Rows.Count:N0} rows: a count takes at most {MaxLines:N0}; split the file (by location or category) into several counts"));
        var (report, reportProblem) = RejectionReport.Create(output.Out, errorsFile, "row");
        if (report is null) return _rows.Fail(reportProblem!);
        using (report)
        {
            output.Out.WriteLine(Invariant($"Counting {Path.GetFileName(file)} in {warehouse}: {table.Rows.Count:N0} rows ({table.Encoding})."));
            var lines = new List<Line>();
            var firstRowOf = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var row in table.Rows)
            {
                var sku = row[SkuImport.Code];
                var (counted, countedProblem) = Cell.WholeNumber(row[CountedColumn], 0, 1_000_000_000);
                if (sku is null) Reject(report, row, table.HeaderOf(SkuImport.Code), "the SKU code is empty");
                else if (countedProblem is not null || counted is null) Reject(report, row, table.HeaderOf(CountedColumn), countedProblem ?? "the counted quantity is empty");
                else if (firstRowOf.TryGetValue(sku, out var first)) Reject(report, row, table.HeaderOf(SkuImport.Code), Invariant($"SKU '{sku}' is counted already in row {first:N0}: add the units up in one row"));
                else
                {
                    firstRowOf[sku] = row.Number;
                    lines.Add(new Line(row, sku, counted.Value));
                }
            }
            while (lines.Count > 0)
            {
                var body = new JsonObject
                {
                    ["warehouse"] = warehouse,
                    ["lines"] = new JsonArray(lines.Select(l => (JsonNode)new JsonObject { ["sku"] = l.Sku, ["counted"] = l.Counted }).ToArray()),
                };
                if (reference is not null) body["reference"] = reference;
                // Not retried: a count repeated after stock moved would book the movement's units again.
                var (answer, failure) = await _api.SendJsonAsync(HttpMethod.Post, "/api/v1/inventory/counts", body, retry: false, ct);
                if (answer is null) return Stop(report, failure!);
                if (answer.Ok)
                {
                    report.Finish();
                    return Print(answer.Body!, table.Rows.Count, lines.Count, report.Count);
                }
                // "lines[3].sku": that row is rejected and the others are counted without it.
                if (answer.Status == HttpStatusCode.UnprocessableEntity && answer.Field is { } field && field.StartsWith("lines[", StringComparison.Ordinal)
                    && int.TryParse(field[6..field.IndexOf(']', StringComparison.Ordinal)], NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < lines.Count)
                {
                    Reject(report, lines[index].Row, table.HeaderOf(field.EndsWith(".counted", StringComparison.Ordinal) ? CountedColumn : SkuImport.Code), answer.Reason);
                    lines.RemoveAt(index);
                    continue;
                }
                return Stop(report, "the count was refused, nothing was booked: Ordo answered " + answer.Describe());
            }
            report.Finish();
            output.Out.WriteLine($"Done: {Import.Counted.Of(table.Rows.Count, "row")}: 0 counted, {report.Count:N0} rejected; nothing was booked.");
            return StockCountExitCodes.SomeRejected;
        }
    }

    private static void Reject(RejectionReport report, CsvRow row, string field, string reason) =>
        report.Add(new RejectedRow(row.Number, [new RowProblem(field, reason)], row.Raw));

    private int Stop(RejectionReport report, string why)
    {
        report.Finish();
        return _rows.Fail(why);
    }

    /// <summary>The differences report (lines that differ, then the total), the alert line and the summary; the exit code.</summary>
    private int Print(JsonObject count, int rows, int counted, int rejected)
    {
        var o = output.Out;
        var lines = count["lines"]!.AsArray().Select(l => l!).ToList();
        var differing = lines.Where(l => l["difference"]!.GetValue<int>() != 0).ToList();
        o.WriteLine(Invariant($"Count {count["reference"]} in {count["warehouse"]}: {lines.Count:N0} SKUs, {differing.Count:N0} differ."));
        if (differing.Count > 0)
        {
            o.WriteLine($"{"SKU",-24} {"SYSTEM",10} {"COUNTED",10} {"DIFF",10} {"%",8}");
            foreach (var l in differing)
                o.WriteLine(Row(l["sku"]!.GetValue<string>(), l) + (l["exceedsThreshold"]!.GetValue<bool>() ? "  !" : ""));
            o.WriteLine(Row("total", count["total"]!));
        }
        var alert = count["alert"]!.GetValue<bool>();
        o.WriteLine(alert
            ? "ALERT: " + string.Join("; ", count["reasons"]!.AsArray().Select(r => r!.GetValue<string>()))
            : "No alert: every difference is within the threshold.");
        o.WriteLine(Invariant($"Done: {Import.Counted.Of(rows, "row")}: {counted:N0} counted, {rejected:N0} rejected; {count["movements"]} count movements booked."));
        return alert ? StockCountExitCodes.Alert : rejected > 0 ? StockCountExitCodes.SomeRejected : StockCountExitCodes.Counted;
    }

    private static string Row(string label, JsonNode l) => string.Create(CultureInfo.InvariantCulture,
        $"{label,-24} {l["system"]!.GetValue<int>(),10:N0} {l["counted"]!.GetValue<int>(),10:N0} {l["difference"]!.GetValue<int>(),10:+#,0;-#,0;0} {l["differencePercent"]!.GetValue<decimal>(),8:0.00}");
}
