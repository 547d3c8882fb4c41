using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Ordo.Cli.Import;
using static System.FormattableString;

namespace Ordo.Cli.Inventory;

/// <summary>
/// <c>ordo stock import &lt;file.csv&gt; [--warehouse CODE] [--reference R]</c>: one receipt per row
/// (<c>POST /api/v1/inventory/receipts</c>). Ordo books a receipt once per (reference, SKU, warehouse, lot), so every
/// row carries a reference: the row's own (a reference column, e.g. the goods-received note), or one made from the
/// batch name (<c>--reference</c>, by default the file's name) and the row's content (SKU, warehouse, quantity, lot,
/// dates, and how many identical rows came before it). Running the same file again, or the file fixed after some
/// rows were rejected, therefore books each row once.
/// </summary>
public sealed class StockImport(HttpClient http, ImportOutput output)
{
    public static readonly CsvColumn Warehouse = new("warehouse", "warehouseCode", "仓库", "仓库编码");
    public static readonly CsvColumn Quantity = new("quantity", "qty", "数量", "入库数量");
    public static readonly CsvColumn Lot = new("lot", "batch", "批次", "批号");
    public static readonly CsvColumn ProducedOn = new("producedOn", "productionDate", "produced", "生产日期");
    public static readonly CsvColumn ExpiresOn = new("expiresOn", "expiryDate", "expires", "有效期至", "过期日期", "到期日");
    public static readonly CsvColumn Reference = new("reference", "ref", "单号", "入库单号");

    private static readonly CsvColumn[] Columns = [SkuImport.Code, Warehouse, Quantity, Lot, ProducedOn, ExpiresOn, Reference];

    private static readonly Dictionary<string, CsvColumn> ColumnOfField = new()
    {
        ["sku"] = SkuImport.Code, ["warehouse"] = Warehouse, ["quantity"] = Quantity, ["lot"] = Lot,
        ["producedOn"] = ProducedOn, ["expiresOn"] = ExpiresOn, ["reference"] = Reference,
    };

    private const int MaxQuantity = 1_000_000_000;

    private readonly OrdoApi _api = new(http, output.Clock);
    private readonly RowImport _rows = new(output, "stock import");

    public async Task<int> RunAsync(string file, string? warehouse, string? batch, string? errorsFile, CancellationToken ct)
    {
        var (table, problem) = CsvTable.Read(file, Columns, [SkuImport.Code, Quantity]);
        if (table is null) return _rows.Fail(problem!);
        if (!table.Has(Warehouse) && warehouse is null) return _rows.Fail("the file has no warehouse column: pass --warehouse CODE");
        batch ??= Path.GetFileNameWithoutExtension(file);
        if (batch.Length is 0 or > 100) return _rows.Fail("--reference is 1 to 100 characters");
        output.Out.WriteLine(Invariant($"Receiving {Path.GetFileName(file)}: {table.Rows.Count:N0} rows ({table.Encoding})") +
                             (warehouse is null ? "" : table.Has(Warehouse) ? $", into {warehouse} where a row names no warehouse" : $", into {warehouse}") +
                             (table.Ignored.Count > 0 ? $"; columns not read: {string.Join(", ", table.Ignored)}." : "."));
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        return await _rows.RunAsync(table, errorsFile, "receipt", ["booked", "unchanged"], (row, c) => ReceiveAsync(table, row, warehouse, batch, seen, c), ct);
    }

    private async Task<RowOutcome> ReceiveAsync(CsvTable table, CsvRow row, string? defaultWarehouse, string batch, Dictionary<string, int> seen, CancellationToken ct)
    {
        var problems = new List<RowProblem>();
        var sku = row[SkuImport.Code];
        if (sku is null) problems.Add(new RowProblem(table.HeaderOf(SkuImport.Code), "the SKU code is empty"));
        var warehouse = row[Warehouse] ?? defaultWarehouse;
        if (warehouse is null) problems.Add(new RowProblem(table.HeaderOf(Warehouse), "no warehouse: fill the cell or pass --warehouse"));
        var (quantity, quantityProblem) = Cell.WholeNumber(row[Quantity], 1, MaxQuantity);
        if (quantityProblem is not null || quantity is null) problems.Add(new RowProblem(table.HeaderOf(Quantity), quantityProblem ?? "the quantity is empty"));
        var (producedOn, producedProblem) = Cell.Date(row[ProducedOn]);
        if (producedProblem is not null) problems.Add(new RowProblem(table.HeaderOf(ProducedOn), producedProblem));
        var (expiresOn, expiresProblem) = Cell.Date(row[ExpiresOn]);
        if (expiresProblem is not null) problems.Add(new RowProblem(table.HeaderOf(ExpiresOn), expiresProblem));
        if (problems.Count > 0) return new RowOutcome.Rejected(problems);

        var lot = row[Lot];
        var reference = row[Reference] ?? Key(batch, string.Join('\u001f', sku, warehouse, quantity, lot, producedOn, expiresOn), seen);
        var body = new JsonObject { ["sku"] = sku, ["warehouse"] = warehouse, ["quantity"] = quantity, ["reference"] = reference };
        if (lot is not null) body["lot"] = lot;
        if (producedOn is not null) body["producedOn"] = producedOn;
        if (expiresOn is not null) body["expiresOn"] = expiresOn;
        // Safe to retry: the reference makes a repeat book nothing.
        var (answer, failure) = await _api.SendJsonAsync(HttpMethod.Post, "/api/v1/inventory/receipts", body, retry: true, ct);
        if (answer is null) return new RowOutcome.Stopped(failure!);
        if (answer.Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            return new RowOutcome.Stopped("the API key was refused (Ordo answered " + answer.Describe() + "); pass --key with a key that may write inventory");
        if (answer.Ok) return new RowOutcome.Landed(answer.Status == HttpStatusCode.Created ? "booked" : "unchanged");
        var column = answer.Field is { } field ? ColumnOfField.GetValueOrDefault(field) : null;
        return RowOutcome.Reject(column is null ? answer.Field ?? "" : table.HeaderOf(column), answer.Reason);
    }

    /// <summary>
    /// "{batch}:{16 hex}": a hash of the row's content and of how many identical rows came before it, so two
    /// identical rows are two receipts while edits elsewhere in the file change no other row's key.
    /// </summary>
    private static string Key(string batch, string content, Dictionary<string, int> seen)
    {
        var occurrence = seen[content] = seen.GetValueOrDefault(content) + 1;
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(Invariant($"{content}\u001f{occurrence}")));
        return $"{batch}:{Convert.ToHexStringLower(hash.AsSpan(0, 8))}";
    }
}
