using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Ordo.Cli.Import;
using Ordo.Cli.Inventory;
using Ordo.Core.Channels.Csv;
using Ordo.Server.Tests.Infrastructure;
using Shouldly;

namespace Ordo.Server.Tests.Cli;

/// <summary>
/// <c>ordo skus import</c>, <c>ordo stock import</c> and <c>ordo stock count</c> against a real Ordo host: good rows
/// land, rejected rows are reported with their row, column and reason, re-runs change nothing, bad usage exits 2,
/// and a count prints its differences and exits 3 when it alerts. Output is captured as a pipe sees it.
/// </summary>
public abstract class InventoryImportTests(OrdoHost host) : CliTestBase(host)
{
    private static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    private string WriteCsv(string name, params string[] lines) => WriteFile(name, string.Join("\r\n", lines) + "\r\n");

    private Task<int> SkusAsync(string file, string? errors = null) =>
        new SkuImport(Host.Client, Output()).RunAsync(file, errors, TestContext.Current.CancellationToken);

    private Task<int> StockAsync(string file, string? warehouse = null, string? reference = null, string? errors = null) =>
        new StockImport(Host.Client, Output()).RunAsync(file, warehouse, reference, errors, TestContext.Current.CancellationToken);

    private Task<int> CountAsync(string file, string warehouse, string? reference = null) =>
        new StockCountImport(Host.Client, Output()).RunAsync(file, warehouse, reference, null, TestContext.Current.CancellationToken);

    private async Task<string> WarehouseAsync()
    {
        var code = Unique("WH");
        (await Host.Client.PostAsJsonAsync("/api/v1/warehouses", new { code, name = "华东仓" })).StatusCode.ShouldBe(HttpStatusCode.Created);
        return code;
    }

    private async Task<string> SkuAsync()
    {
        var sku = Unique("SKU");
        await Host.EnsureSkuAsync(sku);
        return sku;
    }

    private async Task<JsonObject> OnHandAsync(string sku) => await Host.GetJsonAsync($"/api/v1/inventory/{sku}");

    [Fact]
    public async Task Skus_are_created_with_their_settings_updated_when_they_differ_and_unchanged_when_imported_again()
    {
        var (cup, lid, set, bad) = (Unique("CUP"), Unique("LID"), Unique("SET"), Unique("BAD"));
        string[] lines =
        [
            "商家编码,名称,类目,冷链,重量(g),尺寸,成本价,保质期,安全库存,组合明细,备注",
            $"{cup},马克杯,杯具,否,350,100x80x120,12.50,,5%,,",
            $"{lid},杯盖,杯具,no,40,,1.20,,3,,",
            $"{bad},坏行,杯具,maybe,heavy,,,,,,",                       // row 4: two bad cells
            $"{set},杯子套装,套装,,,,,,,{cup}*1;{lid}*2,",
            $"NEW-{Guid.NewGuid():N},,,,,,,,,,",                       // row 6: new SKU without a name
        ];
        var file = WriteCsv("skus.csv", lines);
        var errors = Path.Combine(Folder, "errors.csv");

        var exit = await SkusAsync(file, errors);

        exit.ShouldBe(ImportExitCodes.SomeRejected);
        Lines(Out).ShouldBe([
            "Importing skus.csv: 5 SKUs (UTF-8); columns not read: 备注.",
            "row 4, 冷链: 'maybe' is not yes/no (true, false, 1, 0, 是, 否); 重量(g): 'heavy' is not a whole number from 0 to 10,000,000",
            $"row 6, 名称: SKU '{lines[5].Split(',')[0]}' is new: it needs a name",
            $"All 2 rejected rows are in {errors}.",
            "Done: 5 rows: 3 created, 0 updated, 0 unchanged, 2 rejected.",
        ]);
        Lines(Error).ShouldBe(["5/5 rows · 3 SKUs landed · 2 rejected"]);
        CsvReader.Read(File.ReadAllText(errors)).Select(r => r.Fields[0]).ShouldBe(["row", "4", "6"]);

        var stored = await Host.GetJsonAsync($"/api/v1/skus/{cup}/stock-settings");
        stored["name"]!.GetValue<string>().ShouldBe("马克杯");
        stored["weightGrams"]!.GetValue<int>().ShouldBe(350);
        (stored["lengthMm"]!.GetValue<int>(), stored["widthMm"]!.GetValue<int>(), stored["heightMm"]!.GetValue<int>()).ShouldBe((100, 80, 120));
        stored["costPrice"]!.GetValue<string>().ShouldBe("12.50");
        stored["costCurrency"]!.GetValue<string>().ShouldBe("CNY");
        stored["coldChain"]!.GetValue<bool>().ShouldBeFalse();
        (await Host.GetJsonAsync($"/api/v1/skus/{lid}/stock-settings"))["safetyBuffer"]!["units"]!.GetValue<int>().ShouldBe(3);
        (await Host.GetJsonAsync($"/api/v1/skus/{set}/stock-settings"))["components"]!.AsArray()
            .Select(c => $"{c!["sku"]}*{c["quantity"]}").Order().ShouldBe(new[] { $"{cup}*1", $"{lid}*2" }.Order());

        // The same good rows again: nothing changes; one cost changed: that SKU is updated.
        var again = WriteCsv("again.csv", lines[0], lines[1], lines[2], lines[4]);
        (await SkusAsync(again)).ShouldBe(ImportExitCodes.AllLanded);
        Lines(Out)[^1].ShouldBe("Done: 3 rows: 0 created, 0 updated, 3 unchanged, 0 rejected.");
        var changed = WriteCsv("changed.csv", lines[0], lines[1].Replace("12.50", "13.00"), lines[2]);
        (await SkusAsync(changed)).ShouldBe(ImportExitCodes.AllLanded);
        Lines(Out)[^1].ShouldBe("Done: 2 rows: 0 created, 1 updated, 1 unchanged, 0 rejected.");
        (await Host.GetJsonAsync($"/api/v1/skus/{cup}/stock-settings"))["costPrice"]!.GetValue<string>().ShouldBe("13.00");

        // A name Ordo does not have is refused (SKUs cannot be renamed), the server's refusal names the column.
        var renamed = WriteCsv("renamed.csv", "sku,name,components", $"{cup},Mug,", $"{Unique("SET")},Set,NO-SUCH-SKU*2");
        (await SkusAsync(renamed)).ShouldBe(ImportExitCodes.SomeRejected);
        Lines(Out)[1].ShouldBe($"row 2, name: Ordo has SKU '{cup}' as '马克杯'; renaming a SKU is not supported: use Ordo's name or a new code");
        Lines(Out)[2].ShouldBe("row 3, components: component SKU 'NO-SUCH-SKU' does not exist; create it first");
    }

    [Fact]
    public async Task Stock_rows_are_received_once_even_when_the_file_is_imported_again()
    {
        var (warehouse, other) = (await WarehouseAsync(), await WarehouseAsync());
        var (a, b) = (await SkuAsync(), await SkuAsync());
        string[] lines =
        [
            "sku,warehouse,数量,批次,生产日期,有效期至",
            $"{a},,10,L1,2026-11-01,2027/05/01",
            $"{a},,10,L1,2026-11-01,2027/05/01",   // row 3: the same receipt twice in the file is two receipts
            $"{b},{other},5,,,",
            $"{b},,ten,,,",                        // row 5: bad quantity
            $"{b},NO-SUCH-WH,1,,,",                // row 6: unknown warehouse
            $"NO-SUCH-SKU,,1,,,",                  // row 7: unknown SKU
            $"{b},,2,,2026-13-01,",                // row 8: bad date
        ];
        var file = WriteCsv("receipts.csv", lines);

        var exit = await StockAsync(file, warehouse);

        exit.ShouldBe(ImportExitCodes.SomeRejected);
        Lines(Out).ShouldBe([
            $"Receiving receipts.csv: 7 rows (UTF-8), into {warehouse} where a row names no warehouse.",
            "row 5, 数量: 'ten' is not a whole number from 1 to 1,000,000,000",
            "row 6, warehouse: warehouse 'NO-SUCH-WH' does not exist; create it with POST /api/v1/warehouses first",
            "row 7, sku: SKU 'NO-SUCH-SKU' does not exist; create it with POST /api/v1/skus first",
            "row 8, 生产日期: '2026-13-01' is not a date (2026-12-31, 2026/12/31 or 20261231)",
            "Done: 7 rows: 3 booked, 0 unchanged, 4 rejected.",
        ]);
        (await OnHandAsync(a))["onHand"]!.GetValue<int>().ShouldBe(20);
        (await OnHandAsync(b))["onHand"]!.GetValue<int>().ShouldBe(5);

        // Run again, then with the bad rows fixed: the rows that landed are not booked twice.
        (await StockAsync(file, warehouse)).ShouldBe(ImportExitCodes.SomeRejected);
        Lines(Out)[^1].ShouldBe("Done: 7 rows: 0 booked, 3 unchanged, 4 rejected.");
        var fixedFile = WriteCsv("receipts.csv", [.. lines[..4], $"{b},,10,,,", $"{b},{other},1,,,", $"{b},,2,,,"]);
        (await StockAsync(fixedFile, warehouse)).ShouldBe(ImportExitCodes.AllLanded);
        Lines(Out)[^1].ShouldBe("Done: 6 rows: 3 booked, 3 unchanged, 0 rejected.");
        (await OnHandAsync(a))["onHand"]!.GetValue<int>().ShouldBe(20);
        (await OnHandAsync(b))["onHand"]!.GetValue<int>().ShouldBe(5 + 10 + 1 + 2);
        (await Host.GetJsonAsync("/api/v1/inventory/ledger/check"))["balanced"]!.GetValue<bool>().ShouldBeTrue();
    }

    [Fact]
    public async Task Bad_usage_is_one_line_and_exit_code_2()
    {
        (await StockAsync(Path.Combine(Folder, "missing.csv"), "WH")).ShouldBe(ImportExitCodes.Failed);
        Lines(Error).ShouldBe([$"ordo stock import: no such file: {Path.Combine(Folder, "missing.csv")}"]);

        (await StockAsync(WriteCsv("no-warehouse.csv", "sku,quantity", "A,1"))).ShouldBe(ImportExitCodes.Failed);
        Lines(Error).ShouldBe(["ordo stock import: the file has no warehouse column: pass --warehouse CODE"]);

        (await SkusAsync(WriteCsv("no-sku.csv", "name,weight", "杯子,1"))).ShouldBe(ImportExitCodes.Failed);
        Lines(Error).ShouldBe(["ordo skus import: the header lacks the sku column (accepted headers: sku, code, skucode, 商家编码, sku编码, 商品编码, 编码, 货号)"]);

        (await CountAsync(WriteCsv("count.csv", "sku,counted", "A,1"), "NO-SUCH-WH")).ShouldBe(StockCountExitCodes.Failed);
        Lines(Error).ShouldBe(["ordo stock count: the count was refused, nothing was booked: Ordo answered 422: warehouse 'NO-SUCH-WH' does not exist"]);
    }

    [Fact]
    public async Task A_count_prints_its_differences_leaves_out_rejected_rows_and_exits_3_when_it_alerts()
    {
        var warehouse = await WarehouseAsync();
        var (a, b, c) = (await SkuAsync(), await SkuAsync(), await SkuAsync());
        foreach (var (sku, units) in new[] { (a, 100), (b, 50), (c, 20) })
            (await Host.Client.PostAsJsonAsync("/api/v1/inventory/receipts", new { sku, warehouse, quantity = units })).StatusCode.ShouldBe(HttpStatusCode.Created);

        // Within 3 %: exit 0.
        var calm = WriteCsv("calm.csv", "商家编码,盘点数量", $"{a},99", $"{b},50", $"{c},20");
        (await CountAsync(calm, warehouse, "CNT-1")).ShouldBe(StockCountExitCodes.Counted);
        Lines(Out).ShouldBe([
            $"Counting calm.csv in {warehouse}: 3 rows (UTF-8).",
            $"Count CNT-1 in {warehouse}: 3 SKUs, 1 differ.",
            $"{"SKU",-24}     SYSTEM    COUNTED       DIFF        %",
            $"{a,-24}        100         99         -1    -1.00",
            $"{"total",-24}        170        169         -1    -0.59",
            "No alert: every difference is within the threshold.",
            "Done: 3 rows: 3 counted, 0 rejected; 1 count movements booked.",
        ]);

        // A bad number, a SKU twice and an unknown SKU are rejected; the rest is counted and alerts.
        var file = WriteCsv("alert.csv", "sku,counted", $"{a},99", $"{b},40", $"{b},1", "NO-SUCH-SKU,3", $"{c},x");
        (await CountAsync(file, warehouse, "CNT-2")).ShouldBe(StockCountExitCodes.Alert);
        Lines(Out).ShouldBe([
            $"Counting alert.csv in {warehouse}: 5 rows (UTF-8).",
            $"row 4, sku: SKU '{b}' is counted already in row 3: add the units up in one row",
            "row 6, counted: 'x' is not a whole number from 0 to 1,000,000,000",
            "row 5, sku: SKU 'NO-SUCH-SKU' does not exist",
            $"Count CNT-2 in {warehouse}: 2 SKUs, 1 differ.",
            $"{"SKU",-24}     SYSTEM    COUNTED       DIFF        %",
            $"{b,-24}         50         40        -10   -20.00  !",
            $"{"total",-24}        149        139        -10    -6.71",
            $"ALERT: {b} in {warehouse}: counted 40, system 50, difference -10 is more than 3% of system on hand; total: counted 139, system 149, difference -10 is more than 3% of system on hand",
            "Done: 5 rows: 2 counted, 3 rejected; 1 count movements booked.",
        ]);
        (await OnHandAsync(b))["onHand"]!.GetValue<int>().ShouldBe(40);
        (await OnHandAsync(c))["onHand"]!.GetValue<int>().ShouldBe(20);
    }
}

public sealed class InventoryImportTestsOnSqlite(SqliteHost host) : InventoryImportTests(host), IClassFixture<SqliteHost>;
public sealed class InventoryImportTestsOnPostgres(PostgresHost host) : InventoryImportTests(host), IClassFixture<PostgresHost>;
