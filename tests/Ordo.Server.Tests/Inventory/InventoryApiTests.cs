using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Ordo.Server.Tests.Infrastructure;
using Shouldly;

namespace Ordo.Server.Tests.Inventory;

/// <summary>The inventory API end to end: warehouses, stock settings, movements, the ledger and ATP per SKU.</summary>
public abstract class InventoryApiTests(OrdoHost host) : CatalogueTestBase(host)
{
    private static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    private async Task<string> WarehouseAsync(object? extra = null)
    {
        var code = Unique("WH");
        var body = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(extra ?? new { }))!.AsObject();
        body["code"] = code;
        body["name"] = "成都仓";
        (await Host.Client.PostAsJsonAsync("/api/v1/warehouses", body)).StatusCode.ShouldBe(HttpStatusCode.Created);
        return code;
    }

    private async Task<string> SkuAsync()
    {
        var sku = Unique("SKU");
        await Host.EnsureSkuAsync(sku);
        return sku;
    }

    private Task<HttpResponseMessage> PostAsync(string url, object body) => Host.Client.PostAsJsonAsync(url, body);

    private static async Task ShouldBeProblemAsync(HttpResponseMessage response, HttpStatusCode status, string field)
    {
        response.StatusCode.ShouldBe(status);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await response.ReadObjectAsync())["field"]!.GetValue<string>().ShouldBe(field);
    }

    [Fact]
    public async Task A_warehouse_is_created_listed_and_refused_twice()
    {
        var response = await PostAsync("/api/v1/warehouses", new { code = "WH-CD-" + Guid.NewGuid().ToString("N")[..6], name = "成都仓", regions = new[] { "四川", "重庆" }, kind = "3pl", coldChain = true, priority = 5 });

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var created = await response.ReadObjectAsync();
        created["regions"]!.AsArray().Select(r => r!.GetValue<string>()).ShouldBe(["四川", "重庆"]);
        created["kind"]!.GetValue<string>().ShouldBe("3pl");
        var code = created["code"]!.GetValue<string>();
        (await Host.GetJsonAsync("/api/v1/warehouses"))["items"]!.AsArray().Select(w => w!["code"]!.GetValue<string>()).ShouldContain(code);
        await ShouldBeProblemAsync(await PostAsync("/api/v1/warehouses", new { code, name = "again" }), HttpStatusCode.Conflict, "code");
    }

    [Theory]
    [InlineData("""{"name":"x"}""", "code")]
    [InlineData("""{"code":"W 1","name":"x"}""", "code")]
    [InlineData("""{"code":"W1"}""", "name")]
    [InlineData("""{"code":"W1","name":"x","regions":"四川"}""", "regions")]
    [InlineData("""{"code":"W1","name":"x","kind":"cloud"}""", "kind")]
    [InlineData("""{"code":"W1","name":"x","priority":-1}""", "priority")]
    public async Task Bad_warehouses_are_refused_with_the_field(string body, string field) =>
        await ShouldBeProblemAsync(await Host.PostJsonAsync("/api/v1/warehouses", body), HttpStatusCode.UnprocessableEntity, field);

    [Fact]
    public async Task Atp_shows_on_hand_reserved_buffer_and_counted_transit_per_warehouse()
    {
        var sku = await SkuAsync();
        var first = await WarehouseAsync();
        var second = await WarehouseAsync();
        (await Host.Client.PatchAsJsonAsync($"/api/v1/skus/{sku}/stock-settings", new { safetyBuffer = new { percent = 5 }, arrivalCoefficient = 0.8 }))
            .StatusCode.ShouldBe(HttpStatusCode.OK);

        (await PostAsync("/api/v1/inventory/receipts", new { sku, warehouse = first, quantity = 100, lot = "L2026-11", producedOn = "2026-11-01", expiresOn = "2027-05-01" }))
            .StatusCode.ShouldBe(HttpStatusCode.Created);
        (await PostAsync("/api/v1/inventory/inbound", new { sku, warehouse = first, quantity = 20, reference = "PO-1" })).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await PostAsync("/api/v1/inventory/receipts", new { sku, warehouse = second, quantity = 10 })).StatusCode.ShouldBe(HttpStatusCode.Created);

        var view = await Host.GetJsonAsync($"/api/v1/inventory/{sku}");
        view["onHand"]!.GetValue<int>().ShouldBe(110);
        view["inTransit"]!.GetValue<int>().ShouldBe(20);
        var w1 = view["warehouses"]!.AsArray().Single(w => w!["warehouse"]!.GetValue<string>() == first)!;
        w1["countedInTransit"]!.GetValue<int>().ShouldBe(16);
        w1["atpBeforeBuffer"]!.GetValue<int>().ShouldBe(116);
        w1["bufferUnits"]!.GetValue<int>().ShouldBe(5);
        w1["atp"]!.GetValue<int>().ShouldBe(111);
        // 5% of 10 rounds up to 1 unit held back.
        view["warehouses"]!.AsArray().Single(w => w!["warehouse"]!.GetValue<string>() == second)!["atp"]!.GetValue<int>().ShouldBe(9);
        view["atp"]!.GetValue<int>().ShouldBe(120);
    }

    [Fact]
    public async Task Taking_out_more_than_is_on_hand_is_refused_and_nothing_is_booked()
    {
        var sku = await SkuAsync();
        var warehouse = await WarehouseAsync();
        (await PostAsync("/api/v1/inventory/receipts", new { sku, warehouse, quantity = 3 })).StatusCode.ShouldBe(HttpStatusCode.Created);

        await ShouldBeProblemAsync(await PostAsync("/api/v1/inventory/adjustments", new { sku, warehouse, quantity = -4, reason = "damaged" }), HttpStatusCode.Conflict, "quantity");
        await ShouldBeProblemAsync(await PostAsync("/api/v1/inventory/adjustments", new { sku, warehouse, quantity = -1 }), HttpStatusCode.UnprocessableEntity, "reason");
        await ShouldBeProblemAsync(await PostAsync("/api/v1/inventory/transfers", new { sku, from = warehouse, to = await WarehouseAsync(), quantity = 9 }), HttpStatusCode.Conflict, "quantity");

        (await Host.GetJsonAsync($"/api/v1/inventory/{sku}"))["onHand"]!.GetValue<int>().ShouldBe(3);
        (await Host.GetJsonAsync($"/api/v1/inventory/{sku}/ledger"))["items"]!.AsArray().Count.ShouldBe(1);
        (await Host.GetJsonAsync("/api/v1/inventory/ledger/check"))["balanced"]!.GetValue<bool>().ShouldBeTrue();
    }

    [Fact]
    public async Task A_transfer_in_transit_arrives_later_and_the_ledger_tells_the_story()
    {
        var sku = await SkuAsync();
        var from = await WarehouseAsync();
        var to = await WarehouseAsync();
        await PostAsync("/api/v1/inventory/receipts", new { sku, warehouse = from, quantity = 10 });

        (await PostAsync("/api/v1/inventory/transfers", new { sku, from, to, quantity = 4, inTransit = true, reference = "TR-7" })).StatusCode.ShouldBe(HttpStatusCode.Created);
        var moving = await Host.GetJsonAsync($"/api/v1/inventory/{sku}");
        (moving["onHand"]!.GetValue<int>(), moving["inTransit"]!.GetValue<int>()).ShouldBe((6, 4));

        (await PostAsync("/api/v1/inventory/transfers/arrivals", new { sku, warehouse = to, quantity = 4, reference = "TR-7" })).StatusCode.ShouldBe(HttpStatusCode.Created);
        var arrived = await Host.GetJsonAsync($"/api/v1/inventory/{sku}");
        (arrived["onHand"]!.GetValue<int>(), arrived["inTransit"]!.GetValue<int>()).ShouldBe((10, 0));

        var ledger = (await Host.GetJsonAsync($"/api/v1/inventory/{sku}/ledger?limit=2"));
        ledger["items"]!.AsArray().Select(m => m!["kind"]!.GetValue<string>()).ShouldBe(["transferIn", "inbound"]);
        var older = await Host.GetJsonAsync($"/api/v1/inventory/{sku}/ledger?limit=2&cursor={ledger["nextCursor"]!.GetValue<string>()}");
        older["items"]!.AsArray().Select(m => m!["kind"]!.GetValue<string>()).ShouldBe(["transferOut", "receipt"]);
        older["items"]!.AsArray()[0]!["reference"]!.GetValue<string>().ShouldBe("TR-7");
        (await Host.GetJsonAsync("/api/v1/inventory/ledger/check"))["balanced"]!.GetValue<bool>().ShouldBeTrue();
    }

    [Fact]
    public async Task A_bundle_is_promised_as_often_as_its_scarcest_component_allows()
    {
        var cup = await SkuAsync();
        var lid = await SkuAsync();
        var set = await SkuAsync();
        var warehouse = await WarehouseAsync();
        (await Host.Client.PatchAsJsonAsync($"/api/v1/skus/{set}/stock-settings", new { components = new[] { new { sku = cup, quantity = 2 }, new { sku = lid, quantity = 1 } } }))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        foreach (var c in new[] { cup, lid })
            await Host.Client.PatchAsJsonAsync($"/api/v1/skus/{c}/stock-settings", new { safetyBuffer = new { units = 0 } });
        await PostAsync("/api/v1/inventory/receipts", new { sku = cup, warehouse, quantity = 9 });
        await PostAsync("/api/v1/inventory/receipts", new { sku = lid, warehouse, quantity = 7 });

        var view = await Host.GetJsonAsync($"/api/v1/inventory/{set}");

        view["bundle"]!.GetValue<bool>().ShouldBeTrue();
        view["atp"]!.GetValue<int>().ShouldBe(4);
        await ShouldBeProblemAsync(await PostAsync("/api/v1/inventory/receipts", new { sku = set, warehouse, quantity = 1 }), HttpStatusCode.UnprocessableEntity, "sku");
    }

    [Fact]
    public async Task A_stock_count_books_the_differences_and_alerts_above_3_percent()
    {
        var close = await SkuAsync();
        var off = await SkuAsync();
        var warehouse = await WarehouseAsync();
        await PostAsync("/api/v1/inventory/receipts", new { sku = close, warehouse, quantity = 100 });
        await PostAsync("/api/v1/inventory/receipts", new { sku = off, warehouse, quantity = 50 });

        var response = await PostAsync("/api/v1/inventory/counts", new { warehouse, reference = "CNT-11", lines = new[] { new { sku = close, counted = 98 }, new { sku = off, counted = 40 } } });

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var report = await response.ReadObjectAsync();
        report["alert"]!.GetValue<bool>().ShouldBeTrue();
        var lines = report["lines"]!.AsArray();
        lines.Single(l => l!["sku"]!.GetValue<string>() == close)!["exceedsThreshold"]!.GetValue<bool>().ShouldBeFalse();
        lines.Single(l => l!["sku"]!.GetValue<string>() == off)!["difference"]!.GetValue<int>().ShouldBe(-10);
        (await Host.GetJsonAsync($"/api/v1/inventory/{off}"))["onHand"]!.GetValue<int>().ShouldBe(40);
        var last = (await Host.GetJsonAsync($"/api/v1/inventory/{off}/ledger"))["items"]!.AsArray()[0]!;
        (last["kind"]!.GetValue<string>(), last["reference"]!.GetValue<string>(), last["onHand"]!.GetValue<int>()).ShouldBe(("count", "CNT-11", -10));
        await ShouldBeProblemAsync(await PostAsync("/api/v1/inventory/counts", new { warehouse, lines = new[] { new { sku = close, counted = -1 } } }), HttpStatusCode.UnprocessableEntity, "lines[0].counted");
        (await Host.GetJsonAsync("/api/v1/inventory/ledger/check"))["balanced"]!.GetValue<bool>().ShouldBeTrue();
    }

    [Fact]
    public async Task A_receipt_with_a_reference_is_booked_once_per_sku_warehouse_and_lot()
    {
        var (sku, warehouse) = (await SkuAsync(), await WarehouseAsync());
        var reference = Unique("GRN");
        var first = await PostAsync("/api/v1/inventory/receipts", new { sku, warehouse, quantity = 10, lot = "L1", reference });
        first.StatusCode.ShouldBe(HttpStatusCode.Created);
        (await first.ReadObjectAsync())["outcome"]!.GetValue<string>().ShouldBe("booked");

        var again = await PostAsync("/api/v1/inventory/receipts", new { sku, warehouse, quantity = 10, lot = "L1", reference });
        again.StatusCode.ShouldBe(HttpStatusCode.OK);
        var repeat = await again.ReadObjectAsync();
        repeat["outcome"]!.GetValue<string>().ShouldBe("unchanged");
        repeat["balances"]![0]!["onHand"]!.GetValue<int>().ShouldBe(10);
        await ShouldBeProblemAsync(await PostAsync("/api/v1/inventory/receipts", new { sku, warehouse, quantity = 12, lot = "L1", reference }), HttpStatusCode.Conflict, "reference");

        // Another lot under the same note, and receipts without a reference, are receipts of their own.
        (await PostAsync("/api/v1/inventory/receipts", new { sku, warehouse, quantity = 5, lot = "L2", reference })).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await PostAsync("/api/v1/inventory/receipts", new { sku, warehouse, quantity = 1 })).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await PostAsync("/api/v1/inventory/receipts", new { sku, warehouse, quantity = 1 })).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await Host.GetJsonAsync($"/api/v1/inventory/{sku}"))["onHand"]!.GetValue<int>().ShouldBe(17);

        // Concurrent repeats of one new key book it once.
        var concurrent = Unique("GRN");
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => PostAsync("/api/v1/inventory/receipts", new { sku, warehouse, quantity = 3, reference = concurrent })));
        answers.Count(a => a.StatusCode == HttpStatusCode.Created).ShouldBe(1);
        answers.Count(a => a.StatusCode == HttpStatusCode.OK).ShouldBe(7);
        (await Host.GetJsonAsync($"/api/v1/inventory/{sku}"))["onHand"]!.GetValue<int>().ShouldBe(20);
        (await Host.GetJsonAsync("/api/v1/inventory/ledger/check"))["balanced"]!.GetValue<bool>().ShouldBeTrue();
    }

    [Fact]
    public async Task A_count_names_the_line_of_an_unknown_sku_and_stock_settings_can_be_read()
    {
        var (sku, warehouse) = (await SkuAsync(), await WarehouseAsync());
        await ShouldBeProblemAsync(await PostAsync("/api/v1/inventory/counts", new { warehouse, lines = new[] { new { sku, counted = 1 }, new { sku = "NO-SUCH-SKU", counted = 1 } } }),
            HttpStatusCode.UnprocessableEntity, "lines[1].sku");
        (await Host.Client.PatchAsJsonAsync($"/api/v1/skus/{sku}/stock-settings", new { weightGrams = 250 })).StatusCode.ShouldBe(HttpStatusCode.OK);
        var settings = await Host.GetJsonAsync($"/api/v1/skus/{sku}/stock-settings");
        (settings["sku"]!.GetValue<string>(), settings["weightGrams"]!.GetValue<int>()).ShouldBe((sku, 250));
        (await Host.Client.GetAsync("/api/v1/skus/NO-SUCH-SKU/stock-settings")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("""{"warehouse":"W","quantity":1}""", "sku")]
    [InlineData("""{"sku":"S","quantity":1}""", "warehouse")]
    [InlineData("""{"sku":"S","warehouse":"W"}""", "quantity")]
    [InlineData("""{"sku":"S","warehouse":"W","quantity":0}""", "quantity")]
    [InlineData("""{"sku":"S","warehouse":"W","quantity":-3}""", "quantity")]
    [InlineData("""{"sku":"S","warehouse":"W","quantity":1.5}""", "quantity")]
    [InlineData("""{"sku":"S","warehouse":"W","quantity":1,"expiresOn":"2027-01-01"}""", "lot")]
    [InlineData("""{"sku":"S","warehouse":"W","quantity":1,"lot":"L1","expiresOn":"01/01/2027"}""", "expiresOn")]
    public async Task Bad_receipts_are_refused_with_the_field(string body, string field) =>
        await ShouldBeProblemAsync(await Host.PostJsonAsync("/api/v1/inventory/receipts", body), HttpStatusCode.UnprocessableEntity, field);

    [Fact]
    public async Task Unknown_skus_and_warehouses_are_named()
    {
        var warehouse = await WarehouseAsync();
        var response = await PostAsync("/api/v1/inventory/receipts", new { sku = "NO-SUCH-SKU", warehouse, quantity = 1 });
        await ShouldBeProblemAsync(response, HttpStatusCode.UnprocessableEntity, "sku");
        await ShouldBeProblemAsync(await PostAsync("/api/v1/inventory/receipts", new { sku = await SkuAsync(), warehouse = "NO-SUCH-WH", quantity = 1 }), HttpStatusCode.UnprocessableEntity, "warehouse");
        (await Host.Client.GetAsync("/api/v1/inventory/NO-SUCH-SKU")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("""{"safetyBuffer":{"percent":101}}""", "safetyBuffer")]
    [InlineData("""{"safetyBuffer":{"units":-1}}""", "safetyBuffer")]
    [InlineData("""{"arrivalCoefficient":1.2}""", "arrivalCoefficient")]
    [InlineData("""{"costPrice":"12.345"}""", "costPrice")]
    [InlineData("""{"components":[{"sku":"X"}]}""", "components[0].quantity")]
    [InlineData("""{}""", "$")]
    public async Task Bad_stock_settings_are_refused_with_the_field(string body, string field)
    {
        var sku = await SkuAsync();
        var response = await Host.Client.PatchAsync($"/api/v1/skus/{sku}/stock-settings", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        await ShouldBeProblemAsync(response, HttpStatusCode.UnprocessableEntity, field);
    }
}

public sealed class InventoryApiTestsOnSqlite(SqliteHost host) : InventoryApiTests(host), IClassFixture<SqliteHost>;
public sealed class InventoryApiTestsOnPostgres(PostgresHost host) : InventoryApiTests(host), IClassFixture<PostgresHost>;
