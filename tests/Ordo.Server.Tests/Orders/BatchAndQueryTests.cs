using System.Net;
using System.Text.Json.Nodes;
using Ordo.Server.Tests.Infrastructure;
using Shouldly;

namespace Ordo.Server.Tests.Orders;

/// <summary>POST /api/v1/orders:batch, GET /api/v1/orders (filters, cursor pagination) and order number checks in URLs.</summary>
public abstract class BatchAndQueryTests(OrdoHost host) : CatalogueTestBase(host)
{
    [Fact]
    public async Task One_bad_item_never_sinks_the_others()
    {
        var good1 = TestOrders.Example();
        var bad = TestOrders.Example();
        bad["lines"]![0]!["quantity"] = 0;
        var good2 = TestOrders.Example();
        var repeat = good1.DeepClone();

        var response = await Host.PostJsonAsync("/api/v1/orders:batch", new JsonArray(good1, bad, good2, repeat).ToJsonString());

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await response.ReadObjectAsync();
        body["created"]!.GetValue<int>().ShouldBe(2);
        body["rejected"]!.GetValue<int>().ShouldBe(1);
        body["unchanged"]!.GetValue<int>().ShouldBe(1);
        var results = body["results"]!.AsArray();
        results.Select(r => r!["outcome"]!.GetValue<string>()).ShouldBe(["created", "rejected", "created", "unchanged"]);
        results[1]!["errors"]![0]!["field"]!.GetValue<string>().ShouldBe("lines[0].quantity");
        results[3]!["orderNo"]!.GetValue<string>().ShouldBe(results[0]!["orderNo"]!.GetValue<string>());
        var kept = await Host.GetJsonAsync($"/api/v1/inbox/{results[1]!["inboxId"]}");
        kept["status"]!.GetValue<string>().ShouldBe("rejected");
    }

    [Fact]
    public async Task A_later_update_in_the_same_batch_applies_to_the_order_created_earlier_in_it()
    {
        var id = TestOrders.NewId();
        var first = TestOrders.Example(id, status: "Paid", modifiedAt: "2026-02-22T10:01:01+08:00");
        var shipped = TestOrders.Example(id, status: "Shipped", modifiedAt: "2026-02-22T12:00:00+08:00");
        var older = TestOrders.Example(id, status: "Paid", modifiedAt: "2026-02-22T09:00:00+08:00");
        older["sellerMemo"] = "stale copy";
        // Many orders in between make the batch span several chunks (written side by side on PostgreSQL): the
        // order's later items must still apply after its first, in the order they came.
        var fillers = Enumerable.Range(0, 450).Select(_ => (JsonNode)TestOrders.Example()).ToList();

        var response = await Host.PostJsonAsync("/api/v1/orders:batch", new JsonArray([first, .. fillers, shipped, older]).ToJsonString());

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var results = (await response.ReadObjectAsync())["results"]!.AsArray();
        results.Count.ShouldBe(453);
        results[0]!["outcome"]!.GetValue<string>().ShouldBe("created");
        results[451]!["outcome"]!.GetValue<string>().ShouldBe("updated");
        results[452]!["outcome"]!.GetValue<string>().ShouldBe("stale");
        var orderNo = results[0]!["orderNo"]!.GetValue<string>();
        results[451]!["orderNo"]!.GetValue<string>().ShouldBe(orderNo);
        results.Select(r => r!["orderNo"]!.GetValue<string>()).Distinct().Count().ShouldBe(451);

        var order = await Host.GetJsonAsync($"/api/v1/orders/{orderNo}");
        order["status"]!.GetValue<string>().ShouldBe("Shipped");
        order["sellerMemo"]!.GetValue<string>().ShouldBe("");
        var events = (await Host.GetJsonAsync($"/api/v1/orders/{orderNo}/events"))["events"]!.AsArray();
        events.Select(e => e!["type"]!.GetValue<string>()).ShouldBe(["order.created", "order.updated", "order.status_changed"], ignoreOrder: false);
    }

    [Fact]
    public async Task An_update_and_a_new_order_in_one_chunk_are_written_together()
    {
        var id = TestOrders.NewId();
        (await Host.PostOrderAsync(TestOrders.Example(id))).StatusCode.ShouldBe(HttpStatusCode.Created);
        var changed = TestOrders.Example(id, modifiedAt: "2026-02-22T11:00:00+08:00");
        changed["sellerMemo"] = "gift wrap";
        var fresh = TestOrders.Example();

        var response = await Host.PostJsonAsync("/api/v1/orders:batch", new JsonArray(changed, fresh).ToJsonString());

        var results = (await response.ReadObjectAsync())["results"]!.AsArray();
        results.Select(r => r!["outcome"]!.GetValue<string>()).ShouldBe(["updated", "created"]);
        var order = await Host.GetJsonAsync($"/api/v1/orders/{results[0]!["orderNo"]}");
        order["sellerMemo"]!.GetValue<string>().ShouldBe("gift wrap");
        (await Host.GetJsonAsync($"/api/v1/inbox/{results[0]!["inboxId"]}"))["orderNo"]!.GetValue<string>().ShouldBe(order["orderNo"]!.GetValue<string>());
    }

    [Fact]
    public async Task Batch_of_more_than_1000_is_refused_and_kept()
    {
        var items = new JsonArray(Enumerable.Range(0, 1001).Select(_ => (JsonNode)new JsonObject { ["platform"] = "douyin" }).ToArray());

        var response = await Host.PostJsonAsync("/api/v1/orders:batch", items.ToJsonString());

        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        var problem = await response.ReadObjectAsync();
        problem["detail"]!.GetValue<string>().ShouldContain("at most 1000");
        (await Host.GetJsonAsync($"/api/v1/inbox/{problem["inboxId"]}"))["status"]!.GetValue<string>().ShouldBe("rejected");
    }

    [Fact]
    public async Task Batch_that_is_not_an_array_gets_400()
    {
        var response = await Host.PostJsonAsync("/api/v1/orders:batch", "{\"orders\": 5}");
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Theory]
    [InlineData("DY20260222", "wrong length")]
    [InlineData("DY2026022200872B", "bad check character")]
    [InlineData("XX2026022200872A", "unknown channel code")]
    [InlineData("DY2026134000872A", "not a valid yyyyMMdd date")]
    public async Task Malformed_order_number_in_the_url_gets_400_naming_the_problem(string orderNo, string problem)
    {
        var response = await Host.Client.GetAsync($"/api/v1/orders/{orderNo}");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var body = await response.ReadObjectAsync();
        body["field"]!.GetValue<string>().ShouldBe("orderNo");
        body["detail"]!.GetValue<string>().ShouldContain(problem);
    }

    [Fact]
    public async Task Well_formed_but_unknown_order_number_gets_404()
    {
        var unknown = Ordo.Core.Orders.OrderNo.Create("DY", new DateOnly(2020, 1, 1), 99999).Value;
        (await Host.Client.GetAsync($"/api/v1/orders/{unknown}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task List_filters_by_status_platform_shop_text_and_created_range()
    {
        var shop = "DY-Q-" + Guid.NewGuid().ToString("N")[..6];
        await Host.EnsureShopAsync("douyin", shop);
        var numbers = new List<string>();
        var platformIds = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var order = TestOrders.Example(status: i < 3 ? "Paid" : "PendingPayment");
            order["shopCode"] = shop;
            order["createdAt"] = $"2026-03-0{i + 1}T12:00:00+08:00";
            order["receiver"]!["phone"] = $"1390000{i:D4}";
            var answer = await (await Host.PostOrderAsync(order)).ReadObjectAsync();
            numbers.Add(answer["orderNo"]!.GetValue<string>());
            platformIds.Add(answer["platformOrderId"]!.GetValue<string>());
        }

        async Task<List<string>> Query(string query) =>
            (await Host.GetJsonAsync($"/api/v1/orders?shop={shop}&{query}"))["items"]!.AsArray().Select(o => o!["orderNo"]!.GetValue<string>()).ToList();

        (await Query("status=Paid")).ShouldBe([numbers[2], numbers[1], numbers[0]]);
        (await Query("status=PendingPayment&platform=douyin")).ShouldBe([numbers[4], numbers[3]]);
        (await Query("platform=taobao")).ShouldBeEmpty();
        (await Query("q=0003")).ShouldBe([numbers[3]]);
        (await Query($"q={numbers[1].ToLowerInvariant()}")).ShouldBe([numbers[1]]);
        (await Query($"q={platformIds[2]}")).ShouldBe([numbers[2]]);
        (await Query($"q={platformIds[2]}&status=PendingPayment")).ShouldBeEmpty();
        (await Query("q=6936476799999999999")).ShouldBeEmpty();
        (await Query("createdFrom=2026-03-02T00:00:00%2B08:00&createdTo=2026-03-04T00:00:00%2B08:00")).ShouldBe([numbers[2], numbers[1]]);
        (await Query("createdFrom=2026-03-04T00:00:00+08:00")).ShouldBe([numbers[4], numbers[3]]);

        var bad = await Host.Client.GetAsync("/api/v1/orders?createdFrom=2026-03-04T00:00:00");
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await bad.ReadObjectAsync())["field"]!.GetValue<string>().ShouldBe("createdFrom");
        (await Host.Client.GetAsync("/api/v1/orders?status=Lost")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Cursor_pagination_walks_every_order_once()
    {
        var shop = "DY-P-" + Guid.NewGuid().ToString("N")[..6];
        await Host.EnsureShopAsync("douyin", shop);
        var batch = new JsonArray(Enumerable.Range(0, 23).Select(_ =>
        {
            var o = TestOrders.Example();
            o["shopCode"] = shop;
            return (JsonNode)o;
        }).ToArray());
        var created = (await (await Host.PostJsonAsync("/api/v1/orders:batch", batch.ToJsonString())).ReadObjectAsync())["results"]!.AsArray()
            .Select(r => r!["orderNo"]!.GetValue<string>()).ToHashSet();

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await Host.GetJsonAsync($"/api/v1/orders?shop={shop}&limit=5{(cursor is null ? "" : "&cursor=" + cursor)}");
            seen.AddRange(page["items"]!.AsArray().Select(o => o!["orderNo"]!.GetValue<string>()));
            cursor = page["nextCursor"]?.GetValue<string>();
            pages++;
        } while (cursor is not null);

        pages.ShouldBe(5);
        seen.Count.ShouldBe(23);
        seen.ToHashSet().SetEquals(created).ShouldBeTrue();
        (await Host.Client.GetAsync("/api/v1/orders?cursor=garbage")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }
}

public sealed class BatchAndQueryTestsOnSqlite(SqliteHost host) : BatchAndQueryTests(host), IClassFixture<SqliteHost>;
public sealed class BatchAndQueryTestsOnPostgres(PostgresHost host) : BatchAndQueryTests(host), IClassFixture<PostgresHost>;
