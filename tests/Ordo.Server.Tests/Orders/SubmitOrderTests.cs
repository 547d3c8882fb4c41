using System.Net;
using System.Text.Json.Nodes;
using Ordo.Core.Orders;
using Ordo.Server.Tests.Infrastructure;
using Shouldly;

namespace Ordo.Server.Tests.Orders;

/// <summary>POST /api/v1/orders and the inbox, on both databases.</summary>
public abstract class SubmitOrderTests(OrdoHost host) : CatalogueTestBase(host)
{
    [Fact]
    public async Task New_order_is_created_with_a_valid_order_number_and_utc_times()
    {
        var response = await Host.PostOrderAsync(TestOrders.Example());

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var body = await response.ReadObjectAsync();
        var orderNo = body["orderNo"]!.GetValue<string>();
        OrderNo.TryParse(orderNo, out var parsed, out var error).ShouldBeTrue(error);
        parsed.ChannelCode.ShouldBe("DY");
        response.Headers.Location!.ToString().ShouldBe($"/api/v1/orders/{orderNo}");
        body["outcome"]!.GetValue<string>().ShouldBe("created");
        body["status"]!.GetValue<string>().ShouldBe("Paid");
        body["createdAt"]!.GetValue<string>().ShouldBe("2026-02-22T02:00:00Z");
        body["amounts"]!["paid"]!.ToJsonString().ShouldBe("89.00");
        body["holdReasons"]!.AsArray().Count.ShouldBe(0);

        var fetched = await Host.GetJsonAsync($"/api/v1/orders/{orderNo}");
        fetched["platformOrderId"]!.GetValue<string>().ShouldBe(body["platformOrderId"]!.GetValue<string>());
        fetched["receiver"]!["city"]!.GetValue<string>().ShouldBe("厦门市");
    }

    [Fact]
    public async Task Repeat_changes_nothing_and_returns_the_existing_order()
    {
        var order = TestOrders.Example();
        var first = await (await Host.PostOrderAsync(order)).ReadObjectAsync();

        var repeat = await Host.PostOrderAsync(order);

        repeat.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await repeat.ReadObjectAsync();
        body["orderNo"]!.GetValue<string>().ShouldBe(first["orderNo"]!.GetValue<string>());
        body["outcome"]!.GetValue<string>().ShouldBe("unchanged");
        body["version"]!.GetValue<int>().ShouldBe(first["version"]!.GetValue<int>());
        var events = await Host.GetJsonAsync($"/api/v1/orders/{body["orderNo"]}/events");
        events["events"]!.AsArray().Count.ShouldBe(1);
    }

    [Fact]
    public async Task Fifty_parallel_identical_posts_make_exactly_one_order()
    {
        var order = TestOrders.Example();
        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Host.PostOrderAsync(order)));

        responses.Count(r => r.StatusCode == HttpStatusCode.Created).ShouldBe(1);
        responses.Count(r => r.StatusCode == HttpStatusCode.OK).ShouldBe(49);
        var numbers = new HashSet<string>();
        foreach (var r in responses) numbers.Add((await r.ReadObjectAsync())["orderNo"]!.GetValue<string>());
        numbers.Count.ShouldBe(1);
        var list = await Host.GetJsonAsync($"/api/v1/orders?q={order["platformOrderId"]}");
        list["items"]!.AsArray().Count.ShouldBe(1);
    }

    [Fact]
    public async Task Parallel_updates_of_one_order_all_land_and_the_newest_wins()
    {
        // Updates decided from the same stored version race to write it: each loser is decided again from what the
        // winner stored, so no update is lost, the newest snapshot wins, and the order's events stay one sequence.
        var id = TestOrders.NewId();
        var created = await (await Host.PostOrderAsync(TestOrders.Example(id, "PendingPayment", "2026-02-22T10:00:00+08:00"))).ReadObjectAsync();
        var orderNo = created["orderNo"]!.GetValue<string>();
        var updates = Enumerable.Range(1, 30).Select(i =>
        {
            var update = TestOrders.Example(id, "PendingPayment", $"2026-02-22T10:{i:00}:00+08:00");
            update["sellerMemo"] = $"memo {i}";
            return update;
        }).ToList();

        var responses = await Task.WhenAll(updates.Select(u => Host.PostOrderAsync(u)));

        responses.ShouldAllBe(r => r.StatusCode == HttpStatusCode.OK);
        var outcomes = new List<string>();
        foreach (var r in responses) outcomes.Add((await r.ReadObjectAsync())["outcome"]!.GetValue<string>());
        outcomes.ShouldAllBe(o => o == "updated" || o == "stale");
        var now = await Host.GetJsonAsync($"/api/v1/orders/{orderNo}");
        now["sellerMemo"]!.GetValue<string>().ShouldBe("memo 30");
        now["platformModifiedAt"]!.GetValue<string>().ShouldBe("2026-02-22T02:30:00Z");
        var events = (await Host.GetJsonAsync($"/api/v1/orders/{orderNo}/events"))["events"]!.AsArray();
        events.Count.ShouldBe(1 + outcomes.Count(o => o == "updated"));
        events.Select(e => e!["sequence"]!.GetValue<int>()).ShouldBe(Enumerable.Range(1, events.Count));
    }

    [Fact]
    public async Task Newer_update_is_applied_and_older_one_never_overwrites_it()
    {
        var id = TestOrders.NewId();
        var created = await (await Host.PostOrderAsync(TestOrders.Example(id, "PendingPayment", "2026-02-22T10:00:00+08:00"))).ReadObjectAsync();
        var orderNo = created["orderNo"]!.GetValue<string>();

        var newer = TestOrders.Example(id, "Paid", "2026-02-22T10:05:00+08:00");
        newer["sellerMemo"] = "加急";
        var updated = await Host.PostOrderAsync(newer);
        updated.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await updated.ReadObjectAsync())["outcome"]!.GetValue<string>().ShouldBe("updated");

        // Delivered late: the platform's older snapshot (still unpaid) must not win.
        var older = TestOrders.Example(id, "PendingPayment", "2026-02-22T10:02:00+08:00");
        var stale = await Host.PostOrderAsync(older);
        stale.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await stale.ReadObjectAsync())["outcome"]!.GetValue<string>().ShouldBe("stale");

        var now = await Host.GetJsonAsync($"/api/v1/orders/{orderNo}");
        now["status"]!.GetValue<string>().ShouldBe("Paid");
        now["sellerMemo"]!.GetValue<string>().ShouldBe("加急");
        now["platformModifiedAt"]!.GetValue<string>().ShouldBe("2026-02-22T02:05:00Z");
        var events = (await Host.GetJsonAsync($"/api/v1/orders/{orderNo}/events"))["events"]!.AsArray();
        events.Select(e => e!["type"]!.GetValue<string>()).ShouldBe(["order.created", "order.updated", "order.status_changed"]);
        events[2]!["from"]!.GetValue<string>().ShouldBe("PendingPayment");
        events[2]!["to"]!.GetValue<string>().ShouldBe("Paid");
        events[2]!["actorKind"]!.GetValue<string>().ShouldBe("apikey");
    }

    [Theory]
    [InlineData("lines[0].unitPrice", "99.001", "more than 2 decimal places")]
    [InlineData("amounts.paid", "10000000000.00", "exceeds the largest storable amount")]
    [InlineData("amounts.goods", "-1", "must not be negative")]
    public async Task Money_that_does_not_fit_decimal_12_2_is_rejected_and_kept(string field, string value, string reason)
    {
        var order = TestOrders.Example();
        var path = field.Split('.');
        JsonNode target = path[0] == "lines[0]" ? order["lines"]![0]! : order[path[0]]!;
        target[path[1]] = JsonNode.Parse(value);

        var response = await Host.PostOrderAsync(order);

        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = await response.ReadObjectAsync();
        problem["field"]!.GetValue<string>().ShouldBe(field);
        problem["errors"]![0]!["reason"]!.GetValue<string>().ShouldContain(reason);
        var inboxId = problem["inboxId"]!.GetValue<long>();
        var item = await Host.GetJsonAsync($"/api/v1/inbox/{inboxId}");
        item["status"]!.GetValue<string>().ShouldBe("rejected");
        item["payload"]!.GetValue<string>().ShouldBe(order.ToJsonString());
        item["errors"]![0]!["field"]!.GetValue<string>().ShouldBe(field);
    }

    [Fact]
    public async Task Time_without_offset_is_china_time_for_douyin_and_refused_for_shopify()
    {
        var douyin = TestOrders.Example();
        douyin["createdAt"] = "2026-02-22 10:00:00";
        var accepted = await (await Host.PostOrderAsync(douyin)).ReadObjectAsync();
        accepted["createdAt"]!.GetValue<string>().ShouldBe("2026-02-22T02:00:00Z");

        await Host.EnsureShopAsync("shopify", "SP-STORE");
        var shopify = TestOrders.Example();
        shopify["platform"] = "shopify";
        shopify["shopCode"] = "SP-STORE";
        shopify["createdAt"] = "2026-02-22T10:00:00";
        var response = await Host.PostOrderAsync(shopify);
        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var problem = await response.ReadObjectAsync();
        problem["field"]!.GetValue<string>().ShouldBe("createdAt");
        problem["detail"]!.GetValue<string>().ShouldContain("no UTC offset");
    }

    [Fact]
    public async Task Amounts_that_do_not_add_up_are_accepted_but_held_for_review()
    {
        var order = TestOrders.Example();
        order["amounts"]!["paid"] = 80.00m;

        var response = await Host.PostOrderAsync(order);

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var body = await response.ReadObjectAsync();
        body["status"]!.GetValue<string>().ShouldBe("OnHold");
        body["resumeStatus"]!.GetValue<string>().ShouldBe("Paid");
        var reason = body["holdReasons"]![0]!;
        reason["code"]!.GetValue<string>().ShouldBe("amounts_mismatch");
        reason["message"]!.GetValue<string>().ShouldContain("89.00");
        body["allowedActions"]!.AsArray().Select(a => a!.GetValue<string>()).ShouldBe(["cancel", "release"], ignoreOrder: true);
    }

    [Fact]
    public async Task Missing_receiver_and_unknown_sku_are_held_with_both_reasons()
    {
        var order = TestOrders.Example();
        order.Remove("receiver");
        order["lines"]![0]!["sku"] = "NOT-IN-CATALOGUE";

        var body = await (await Host.PostOrderAsync(order)).ReadObjectAsync();

        body["status"]!.GetValue<string>().ShouldBe("OnHold");
        body["holdReasons"]!.AsArray().Select(r => r!["code"]!.GetValue<string>()).ShouldBe(["missing_receiver", "unknown_sku"]);
    }

    [Fact]
    public async Task Unknown_shop_is_rejected_kept_listed_and_replayed_after_the_shop_is_created()
    {
        var shop = "DY-NEW-" + Guid.NewGuid().ToString("N")[..6];
        var order = TestOrders.Example();
        order["shopCode"] = shop;

        var response = await Host.PostOrderAsync(order);
        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var problem = await response.ReadObjectAsync();
        problem["field"]!.GetValue<string>().ShouldBe("shopCode");
        var inboxId = problem["inboxId"]!.GetValue<long>();

        var rejected = await Host.GetJsonAsync("/api/v1/inbox?status=rejected&limit=200");
        rejected["items"]!.AsArray().ShouldContain(i => i!["id"]!.GetValue<long>() == inboxId);

        var tooEarly = await Host.Client.PostAsync($"/api/v1/inbox/{inboxId}/replay", null);
        tooEarly.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);

        await Host.EnsureShopAsync("douyin", shop);
        var replay = await Host.Client.PostAsync($"/api/v1/inbox/{inboxId}/replay", null);
        replay.StatusCode.ShouldBe(HttpStatusCode.Created);
        (await replay.ReadObjectAsync())["inboxId"]!.GetValue<long>().ShouldBe(inboxId);

        var item = await Host.GetJsonAsync($"/api/v1/inbox/{inboxId}");
        item["status"]!.GetValue<string>().ShouldBe("accepted");
        item["attempts"]!.GetValue<int>().ShouldBe(3);
        var again = await Host.Client.PostAsync($"/api/v1/inbox/{inboxId}/replay", null);
        again.StatusCode.ShouldBe(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Rejected_item_can_be_replayed_with_a_corrected_payload_and_the_original_is_kept()
    {
        var order = TestOrders.Example();
        order["lines"]![0]!["unitPrice"] = 99.001m;
        var problem = await (await Host.PostOrderAsync(order)).ReadObjectAsync();
        var inboxId = problem["inboxId"]!.GetValue<long>();

        order["lines"]![0]!["unitPrice"] = 99.00m;
        var replay = await Host.PostJsonAsync($"/api/v1/inbox/{inboxId}/replay", new JsonObject { ["payload"] = order.DeepClone() }.ToJsonString());

        replay.StatusCode.ShouldBe(HttpStatusCode.Created);
        var item = await Host.GetJsonAsync($"/api/v1/inbox/{inboxId}");
        item["originalPayload"]!.GetValue<string>().ShouldContain("99.001");
        item["payload"]!.GetValue<string>().ShouldNotContain("99.001");
    }

    [Fact]
    public async Task Invalid_json_gets_400_and_is_kept()
    {
        var response = await Host.PostJsonAsync("/api/v1/orders", "{\"platform\": \"douyin\",");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await response.ReadObjectAsync();
        problem["field"]!.GetValue<string>().ShouldBe("$");
        var item = await Host.GetJsonAsync($"/api/v1/inbox/{problem["inboxId"]}");
        item["payload"]!.GetValue<string>().ShouldBe("{\"platform\": \"douyin\",");
    }

    [Fact]
    public async Task Shop_of_another_platform_is_rejected()
    {
        var order = TestOrders.Example();
        order["platform"] = "taobao";

        var response = await Host.PostOrderAsync(order);

        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await response.ReadObjectAsync())["field"]!.GetValue<string>().ShouldBe("platform");
    }
}

public sealed class SubmitOrderTestsOnSqlite(SqliteHost host) : SubmitOrderTests(host), IClassFixture<SqliteHost>;
public sealed class SubmitOrderTestsOnPostgres(PostgresHost host) : SubmitOrderTests(host), IClassFixture<PostgresHost>;
