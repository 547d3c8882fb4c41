using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Ordo.Cli.Import;
using Ordo.Core.Channels.Csv;
using Ordo.Server.Tests.Infrastructure;
using Shouldly;

namespace Ordo.Server.Tests.Cli;

/// <summary>
/// <c>ordo import</c> (<see cref="OrderImport"/>) against a real Ordo host: files split into requests of whole orders,
/// rejected rows reported with their row number in the file, idempotent re-runs, bad input refused with exit code 2.
/// Output is captured as a pipe sees it (no terminal), so every line is exact and nothing depends on timing.
/// </summary>
public abstract class OrderImportTests(OrdoHost host) : CliTestBase(host)
{
    private const string Header = "订单编号,订单状态,订单创建时间,订单付款时间,收货人姓名,收货地址,联系手机,宝贝标题,商家编码,宝贝数量,价格,买家应付邮费,买家实际支付金额";

    private static string NewId() => Random.Shared.NextInt64(1_000_000_000_000_000, 2_000_000_000_000_000).ToString();

    /// <summary>One line of a Taobao order (¥10.00 each) whose order has <paramref name="lines"/> lines; paid is the order's total.</summary>
    private static string Row(string id, int lines = 1, string quantity = "1", string created = "2026-03-01 10:00:00") =>
        $"{id},买家已付款，等待卖家发货,{created},2026-03-01 10:01:00,王伟,浙江省 杭州市 西湖区 文三路 1 号,13800000000,马克杯,{TestOrders.Sku},{quantity},10.00,0.00,{lines * 10}.00";

    private static IEnumerable<string> Order(string id, int lines) => Enumerable.Range(0, lines).Select(_ => Row(id, lines));

    private async Task<string> ShopAsync(string platform)
    {
        var code = platform.ToUpperInvariant()[..2] + "-IMP-" + Guid.NewGuid().ToString("N")[..8];
        (await Host.Client.PostAsJsonAsync("/api/v1/shops", new { platform, code, name = code })).EnsureSuccessStatusCode();
        return code;
    }

    private Task<int> ImportAsync(string file, string shop, string? preset = null, string? errors = null, ImportLimits? limits = null)
    {
        return new OrderImport(Host.Client, Output(), limits)
            .RunAsync(new ImportRequest(file, shop, preset, errors), TestContext.Current.CancellationToken);
    }

    /// <summary>Every order of the shop, through the API's pages.</summary>
    private async Task<List<JsonNode>> OrdersOfAsync(string shop)
    {
        var orders = new List<JsonNode>();
        string? cursor = null;
        do
        {
            var page = await Host.GetJsonAsync($"/api/v1/orders?shop={shop}&limit=200" + (cursor is null ? "" : "&cursor=" + cursor));
            orders.AddRange(page["items"]!.AsArray().Select(o => o!));
            cursor = page["nextCursor"]?.GetValue<string>();
        }
        while (cursor is not null);
        return orders;
    }

    [Fact]
    public async Task A_file_of_more_than_1000_orders_lands_completely_and_once_with_each_order_in_one_request()
    {
        var shop = await ShopAsync("taobao");
        // 1,203 orders; every fourth has 3 lines, and so do the last order of the first request and the first of
        // the second (indexes 999 and 1000): 1,500 rows in the first 1,000 orders, 305 in the other 203.
        var ids = Enumerable.Range(0, 1203).Select(_ => NewId()).ToList();
        int LinesOf(int i) => i % 4 == 3 || i == 1000 ? 3 : 1;
        var file = WriteFile("taobao.csv", Header + "\r\n" + string.Join("\r\n", ids.SelectMany((id, i) => Order(id, LinesOf(i)))) + "\r\n");

        var exit = await ImportAsync(file, shop);

        exit.ShouldBe(ImportExitCodes.AllLanded);
        Lines(Out).ShouldBe([
            $"Importing taobao.csv into shop {shop} (taobao): 1,805 rows (UTF-8), preset taobao (the one for taobao shops).",
            "Done: 1,805 rows, 1,203 orders: 1,203 created, 0 updated, 0 unchanged, 0 rejected (0 rows).",
        ]);
        Lines(Error).ShouldBe([
            "1,500/1,805 rows · 1,000 orders landed · 0 rejected",
            "1,805/1,805 rows · 1,203 orders landed · 0 rejected",
        ]);
        var orders = await OrdersOfAsync(shop);
        orders.Count.ShouldBe(1203);
        orders.Select(o => o["platformOrderId"]!.GetValue<string>()).Distinct().Count().ShouldBe(1203);
        orders.Sum(o => o["lines"]!.AsArray().Count).ShouldBe(1805);
        var byId = orders.ToDictionary(o => o["platformOrderId"]!.GetValue<string>());
        foreach (var i in new[] { 998, 999, 1000, 1001 })
        {
            byId[ids[i]]["lines"]!.AsArray().Count.ShouldBe(LinesOf(i));
            byId[ids[i]]["amounts"]!["paid"]!.GetValue<decimal>().ShouldBe(LinesOf(i) * 10m);
            byId[ids[i]]["status"]!.GetValue<string>().ShouldBe("Paid");
        }
    }

    [Fact]
    public async Task Rejected_rows_are_reported_with_their_row_in_the_file_and_written_to_the_errors_file_while_good_rows_land()
    {
        var shop = await ShopAsync("taobao");
        var (a, b, c, d, e) = (NewId(), NewId(), NewId(), NewId(), NewId());
        string[] lines =
        [
            Header,                                                      // row 1
            Row(a),                                                      // 2
            Row(b, quantity: "two"),                                     // 3: bad quantity
            Row(c, lines: 2), Row(c, lines: 2),                          // 4, 5
            "",                                                          // 6: blank, still a spreadsheet row
            Row(d, lines: 2, created: "2026-13-01 12:00:00"), Row(d, lines: 2), // 7: bad time, 8: same order
            Row(e),                                                      // 9
            Row(""),                                                     // 10: no order id
        ];
        var file = WriteFile("mixed.csv", string.Join("\n", lines) + "\n");
        var errors = Path.Combine(Folder, "errors.csv");

        // Two orders per request, so that rows in later requests have other numbers there than in the file.
        var exit = await ImportAsync(file, shop, errors: errors, limits: new ImportLimits(MaxOrders: 2));

        exit.ShouldBe(ImportExitCodes.SomeRejected);
        Lines(Out).ShouldBe([
            $"Importing mixed.csv into shop {shop} (taobao): 8 rows (UTF-8), preset taobao (the one for taobao shops).",
            "row 3, 宝贝数量: is not a whole number of at least 1 (\"two\")",
            "row 7, 订单创建时间: is not a time (yyyy-MM-dd HH:mm:ss) (\"2026-13-01 12:00:00\")",
            "row 8, 订单编号: same order as row 7, which was rejected",
            "row 10, 订单编号: is empty: every row needs its order id",
            $"All 4 rejected rows are in {errors}.",
            "Done: 8 rows, 6 orders: 3 created, 0 updated, 0 unchanged, 3 rejected (4 rows).",
        ]);
        Lines(Error).ShouldBe([
            "2/8 rows · 1 order landed · 1 rejected",
            "6/8 rows · 2 orders landed · 3 rejected",
            "8/8 rows · 3 orders landed · 4 rejected",
        ]);

        var written = CsvReader.Read(File.ReadAllText(errors));
        written.Select(r => r.Fields).ShouldBe([
            ["row", "field", "reason", "raw"],
            ["3", "宝贝数量", "is not a whole number of at least 1 (\"two\")", lines[2]],
            ["7", "订单创建时间", "is not a time (yyyy-MM-dd HH:mm:ss) (\"2026-13-01 12:00:00\")", lines[6]],
            ["8", "订单编号", "same order as row 7, which was rejected", lines[7]],
            ["10", "订单编号", "is empty: every row needs its order id", lines[9]],
        ]);

        var landed = (await OrdersOfAsync(shop)).ToDictionary(o => o["platformOrderId"]!.GetValue<string>());
        landed.Keys.Order().ShouldBe(new[] { a, c, e }.Order());
        landed[c]["lines"]!.AsArray().Count.ShouldBe(2);
    }

    [Fact]
    public async Task Only_the_first_50_rejected_rows_are_printed_with_a_count_of_the_rest()
    {
        var shop = await ShopAsync("taobao");
        var file = WriteFile("no-ids.csv", Header + "\n" + string.Join("\n", Enumerable.Range(0, 53).Select(_ => Row(""))) + "\n");

        var exit = await ImportAsync(file, shop);

        exit.ShouldBe(ImportExitCodes.SomeRejected);
        var output = Lines(Out);
        output.Length.ShouldBe(1 + 50 + 2);
        output[1].ShouldBe("row 2, 订单编号: is empty: every row needs its order id");
        output[50].ShouldBe("row 51, 订单编号: is empty: every row needs its order id");
        output[51].ShouldBe("… and 3 more rejected rows; pass --errors FILE to get them all");
        output[52].ShouldBe("Done: 53 rows, 53 orders: 0 created, 0 updated, 0 unchanged, 53 rejected (53 rows).");
    }

    [Fact]
    public async Task Importing_the_same_file_again_changes_nothing()
    {
        var shop = await ShopAsync("taobao");
        var ids = Enumerable.Range(0, 7).Select(_ => NewId()).ToList();
        var file = WriteFile("again.csv", Header + "\n" + string.Join("\n", ids.SelectMany((id, i) => Order(id, i % 3 + 1))) + "\n");
        // Requests of at most ~2 rows by size: an order of 3 rows goes alone, never split.
        var small = new ImportLimits(MaxBytes: Encoding.UTF8.GetByteCount(Header) + 2 * Encoding.UTF8.GetByteCount(Row(ids[0])) + 10);

        (await ImportAsync(file, shop, limits: small)).ShouldBe(ImportExitCodes.AllLanded);
        Lines(Out)[^1].ShouldBe("Done: 13 rows, 7 orders: 7 created, 0 updated, 0 unchanged, 0 rejected (0 rows).");
        var before = (await OrdersOfAsync(shop)).Select(o => o.ToJsonString()).Order().ToList();
        var events = await Host.GetJsonAsync($"/api/v1/orders/{(await OrdersOfAsync(shop))[0]["orderNo"]}/events");

        (await ImportAsync(file, shop, limits: small)).ShouldBe(ImportExitCodes.AllLanded);
        Lines(Out)[^1].ShouldBe("Done: 13 rows, 7 orders: 0 created, 0 updated, 7 unchanged, 0 rejected (0 rows).");
        (await OrdersOfAsync(shop)).Select(o => o.ToJsonString()).Order().ToList().ShouldBe(before);
        (await Host.GetJsonAsync($"/api/v1/orders/{(await OrdersOfAsync(shop))[0]["orderNo"]}/events")).ToJsonString().ShouldBe(events.ToJsonString());
        before.Sum(o => JsonNode.Parse(o)!["lines"]!.AsArray().Count).ShouldBe(13);
    }

    [Fact]
    public async Task Native_orders_in_JSON_lines_or_a_JSON_array_are_imported_with_rejected_lines_reported()
    {
        var shop = await ShopAsync("shopify");
        var id = Random.Shared.NextInt64(7_000_000_000_000, 8_000_000_000_000);
        var broken = JsonNode.Parse(TestOrders.ShopifyNative(id + 1))!.AsObject();
        broken["created_at"] = "2025-03-01 10:02:11"; // no offset: refused, never guessed
        var jsonLines = WriteFile("orders.jsonl", string.Join("\n",
            JsonNode.Parse(TestOrders.ShopifyNative(id))!.ToJsonString(), "", broken.ToJsonString(), JsonNode.Parse(TestOrders.ShopifyNative(id + 2))!.ToJsonString()) + "\n");
        var errors = Path.Combine(Folder, "native-errors.csv");

        var exit = await ImportAsync(jsonLines, shop, errors: errors, limits: new ImportLimits(MaxOrders: 2));

        exit.ShouldBe(ImportExitCodes.SomeRejected);
        var output = Lines(Out);
        output[0].ShouldBe($"Importing orders.jsonl into shop {shop} (shopify): 3 native orders (one per line).");
        output[1].ShouldBe("line 3, created_at: has no UTC offset; refusing to guess the zone");
        output[^1].ShouldBe("Done: 3 lines, 3 orders: 2 created, 0 updated, 0 unchanged, 1 rejected (1 line).");
        Lines(Error).ShouldBe(["2/3 lines · 1 order landed · 1 rejected", "3/3 lines · 2 orders landed · 1 rejected"]);
        var written = CsvReader.Read(File.ReadAllText(errors));
        written.Select(r => r.Fields[0]).ShouldBe(["line", "3"]);
        written[1].Fields.ShouldBe(["3", "created_at", "has no UTC offset; refusing to guess the zone", broken.ToJsonString()]);

        var array = WriteFile("orders.json", $"[\n{TestOrders.ShopifyNative(id, "refunded", "2025-03-02T09:00:00-05:00")},\n{TestOrders.ShopifyNative(id + 3)}\n]");
        (await ImportAsync(array, shop)).ShouldBe(ImportExitCodes.AllLanded);
        Lines(Out).ShouldBe([
            $"Importing orders.json into shop {shop} (shopify): 2 native orders (a JSON array).",
            "Done: 2 items, 2 orders: 1 created, 1 updated, 0 unchanged, 0 rejected (0 items).",
        ]);
        var orders = (await OrdersOfAsync(shop)).ToDictionary(o => o["platformOrderId"]!.GetValue<string>());
        orders.Count.ShouldBe(3);
        orders[id.ToString()]["status"]!.GetValue<string>().ShouldBe("Refunded");
    }

    [Fact]
    public async Task Bad_input_gets_one_line_on_stderr_and_exit_code_2()
    {
        var shop = await ShopAsync("taobao");
        var good = WriteFile("good.csv", Header + "\n" + Row(NewId()) + "\n");

        async Task Refused(string file, string shopCode, string message, string? preset = null)
        {
            (await ImportAsync(file, shopCode, preset)).ShouldBe(ImportExitCodes.Failed);
            Error.ToString().ShouldBe("ordo import: " + message + Environment.NewLine);
            Out.ToString().ShouldBeEmpty();
        }

        await Refused(good, "NOPE-" + shop, $"unknown shop 'NOPE-{shop}' (Ordo answered 404: there is no shop with code 'NOPE-{shop}')");
        var missing = Path.Combine(Folder, "missing.csv");
        await Refused(missing, shop, $"no such file: {missing}");
        await Refused(good, shop, "unknown preset 'amazon'; expected one of: generic, taobao, jd, pinduoduo, douyin, kuaishou, youzan, shopify", preset: "amazon");
        var text = WriteFile("notes.txt", "hello");
        await Refused(text, shop, $"cannot tell what {text} holds: name it .csv (an order export) or .json (the platform's native orders, an array or one per line)");
        var (x, y) = (NewId(), NewId());
        var apart = WriteFile("apart.csv", string.Join("\n", Header, Row(x, 2), Row(y), Row(x, 2)) + "\n");
        await Refused(apart, shop, $"the rows of order {x} (订单编号) are not together: row 4 comes after other orders' rows; sort the file by 订单编号 so that each order's rows follow one another");

        var broken = WriteFile("broken.json", "[{\"id\":1},\n{\"id\":");
        (await ImportAsync(broken, shop)).ShouldBe(ImportExitCodes.Failed);
        Error.ToString().ShouldStartWith($"ordo import: {broken} is not valid JSON: ");
        Lines(Error).Length.ShouldBe(1);

        // A header without the preset's required columns: the server's problem detail is passed on.
        var header = WriteFile("header.csv", "订单编号,宝贝标题\n1,杯\n");
        (await ImportAsync(header, shop)).ShouldBe(ImportExitCodes.Failed);
        Error.ToString().ShouldStartWith("ordo import: Ordo answered 400: columns the header lacks required columns of preset 'taobao' (and of 'generic'): " +
                                          "status (订单状态), createdAt (订单创建时间 / 创建时间), quantity (宝贝数量 / 购买数量 / 宝贝总数量), unitPrice (价格 / 宝贝单价 / 单价); the file is kept as inbox item ");
        Lines(Error).Length.ShouldBe(1);

        (await OrdersOfAsync(shop)).ShouldBeEmpty();
    }
}

/// <summary>The progress line as a terminal shows it, on a clock the test moves.</summary>
public sealed class ImportProgressTests
{
    private sealed class ManualClock : TimeProvider
    {
        public long Ticks;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => Ticks;
    }

    [Fact]
    public void On_a_terminal_one_line_is_redrawn_with_the_time_left_and_cut_to_the_width()
    {
        var (error, clock) = (new StringWriter(), new ManualClock());
        var progress = new ImportProgress(error, terminal: true, clock, total: 10_000, noun: "row");

        progress.Start();
        clock.Ticks += TimeSpan.FromSeconds(10).Ticks;
        progress.Advance(rows: 6_200, landed: 6_150, rejected: 12);
        progress.Clear();
        progress.Advance(rows: 3_800, landed: 3_790, rejected: 0);
        progress.Finish();

        var start = "[░░░░░░░░░░] 0/10,000 rows · 0 orders landed · 0 rejected";
        var middle = "[██████░░░░] 6,200/10,000 rows · 6,150 orders landed · 12 rejected · 7 s left";
        var end = "[██████████] 10,000/10,000 rows · 9,940 orders landed · 12 rejected";
        error.ToString().ShouldBe("\r" + start + "\r" + middle + "\r" + new string(' ', middle.Length) + "\r" + "\r" + end + Environment.NewLine);

        var narrow = new StringWriter();
        var cut = new ImportProgress(narrow, terminal: true, clock, total: 10_000, noun: "row", columns: 30);
        cut.Start();
        narrow.ToString().ShouldBe("\r" + start[..29]);
    }

    [Fact]
    public void Elsewhere_each_request_gets_one_plain_line()
    {
        var error = new StringWriter();
        var progress = new ImportProgress(error, terminal: false, new ManualClock(), total: 3, noun: "item");
        progress.Start();
        progress.Advance(rows: 2, landed: 1, rejected: 1);
        progress.Clear();
        progress.Advance(rows: 1, landed: 1, rejected: 0);
        progress.Finish();
        error.ToString().ShouldBe($"2/3 items · 1 order landed · 1 rejected{Environment.NewLine}3/3 items · 2 orders landed · 1 rejected{Environment.NewLine}");
    }
}

public sealed class OrderImportTestsOnSqlite(SqliteHost host) : OrderImportTests(host), IClassFixture<SqliteHost>;
public sealed class OrderImportTestsOnPostgres(PostgresHost host) : OrderImportTests(host), IClassFixture<PostgresHost>;
