using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Ordo.Server.Tests.Infrastructure;
using Shouldly;

namespace Ordo.Server.Tests.Channels;

/// <summary>
/// Pushes through /hooks/{platform}/{shop} in the platforms' own formats (Shopify: full order, HMAC; Youzan: ids only,
/// MD5 event sign), and native order import: authentic pushes are taken in, others refused with nothing processed
/// and the attempt recorded.
/// </summary>
public abstract class PushAndImportTests(OrdoHost host) : CatalogueTestBase(host)
{
    private const string ShopifySecret = "shpss_test_secret_0123456789";

    private async Task<string> ConnectShopAsync(string platform, string appKey, string secret, bool push = true)
    {
        var code = platform.ToUpperInvariant()[..2] + "-" + Guid.NewGuid().ToString("N")[..8];
        var response = await Host.Client.PostAsJsonAsync("/api/v1/shops", new { platform, code, name = code, appKey, appSecret = secret, pushEnabled = push });
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        return code;
    }

    private Task<HttpResponseMessage> PushAsync(string platform, string shop, string body, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/hooks/{platform}/{shop}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        // No API key: a platform authenticates with its own signature.
        return Host.NewClient(null).SendAsync(request);
    }

    private static string ShopifyHmac(string body, string secret = ShopifySecret) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body)));

    [Fact]
    public async Task An_authentic_Shopify_push_creates_the_order_and_answers_as_Shopify_expects()
    {
        var shop = await ConnectShopAsync("shopify", "shopify-app", ShopifySecret);
        var id = Random.Shared.NextInt64(5_000_000_000_000, 6_000_000_000_000);
        var body = TestOrders.ShopifyNative(id);

        var response = await PushAsync("shopify", shop, body, ("X-Shopify-Hmac-Sha256", ShopifyHmac(body)), ("X-Shopify-Topic", "orders/create"),
            ("X-Shopify-Webhook-Id", Guid.NewGuid().ToString()), ("X-Shopify-Shop-Domain", "demo.myshopify.com"));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var page = await Host.GetJsonAsync($"/api/v1/orders?q={id}");
        var order = page["items"]!.AsArray().Single()!;
        order["platform"]!.GetValue<string>().ShouldBe("shopify");
        order["shopCode"]!.GetValue<string>().ShouldBe(shop);
        order["status"]!.GetValue<string>().ShouldBe("Paid");
        order["currency"]!.GetValue<string>().ShouldBe("USD");
        order["amounts"]!["paid"]!.GetValue<decimal>().ShouldBe(70.00m);
        var inbox = await Host.GetJsonAsync("/api/v1/inbox?status=accepted&limit=5");
        inbox["items"]!.AsArray().ShouldContain(i => i!["format"]!.GetValue<string>() == "shopify" && i["platformOrderId"]!.GetValue<string>() == id.ToString());
        var attempts = await Host.GetJsonAsync($"/api/v1/shops/{shop}/push-attempts");
        attempts["items"]![0]!["outcome"]!.GetValue<string>().ShouldBe("accepted");
    }

    [Theory]
    [InlineData("wrong secret")]
    [InlineData("tampered body")]
    [InlineData("missing header")]
    public async Task A_push_that_is_not_authentic_gets_401_nothing_is_processed_and_the_attempt_is_recorded(string how)
    {
        var shop = await ConnectShopAsync("shopify", "shopify-app", ShopifySecret);
        var id = Random.Shared.NextInt64(6_000_000_000_000, 7_000_000_000_000);
        var body = TestOrders.ShopifyNative(id);
        var headers = how switch
        {
            "wrong secret" => new[] { ("X-Shopify-Hmac-Sha256", ShopifyHmac(body, "another-secret")), ("X-Shopify-Topic", "orders/create") },
            "tampered body" => [("X-Shopify-Hmac-Sha256", ShopifyHmac(body)), ("X-Shopify-Topic", "orders/create")],
            _ => [("X-Shopify-Topic", "orders/create")],
        };
        if (how == "tampered body") body = body.Replace("\"60.00\"", "\"0.01\"");

        var response = await PushAsync("shopify", shop, body, headers);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await Host.GetJsonAsync($"/api/v1/orders?q={id}"))["items"]!.AsArray().ShouldBeEmpty();
        var attempt = (await Host.GetJsonAsync($"/api/v1/shops/{shop}/push-attempts?outcome=refused"))["items"]![0]!;
        attempt["reason"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
        attempt["bodyExcerpt"]!.GetValue<string>().ShouldContain(id.ToString());
    }

    [Fact]
    public async Task Pushes_to_an_unknown_shop_or_a_shop_without_push_are_refused_and_recorded()
    {
        (await PushAsync("shopify", "NO-SUCH-SHOP", "{}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var quiet = await ConnectShopAsync("shopify", "app", ShopifySecret, push: false);
        var body = TestOrders.ShopifyNative(1);
        var response = await PushAsync("shopify", quiet, body, ("X-Shopify-Hmac-Sha256", ShopifyHmac(body)), ("X-Shopify-Topic", "orders/create"));
        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await Host.GetJsonAsync($"/api/v1/shops/{quiet}/push-attempts"))["items"]![0]!["outcome"]!.GetValue<string>().ShouldBe("push_disabled");
    }

    [Fact]
    public async Task A_Youzan_push_with_only_ids_is_verified_and_kept_for_fetching()
    {
        const string clientId = "yz-client-1";
        const string secret = "yz-secret-1";
        var shop = await ConnectShopAsync("youzan", clientId, secret);
        var tid = "E2025" + Random.Shared.NextInt64(100_000_000, 999_999_999);
        var msg = Uri.EscapeDataString($"{{\"tid\":\"{tid}\",\"status\":\"WAIT_SELLER_SEND_GOODS\"}}");
        var body = $"{{\"client_id\":\"{clientId}\",\"kdt_id\":55,\"id\":\"{tid}\",\"type\":\"trade_TradeBuyerPay\",\"status\":\"WAIT_SELLER_SEND_GOODS\",\"msg\":\"{msg}\",\"msg_id\":\"m-{tid}\",\"version\":1,\"sendCount\":0,\"test\":false}}";
        var sign = Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(clientId + body + secret)));

        var bad = await PushAsync("youzan", shop, body, ("Event-Sign", sign.Replace(sign[0], sign[0] == 'a' ? 'b' : 'a')), ("Client-Id", clientId), ("Event-Type", "trade_TradeBuyerPay"));
        bad.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        var good = await PushAsync("youzan", shop, body, ("Event-Sign", sign), ("Client-Id", clientId), ("Event-Type", "trade_TradeBuyerPay"));
        good.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await good.Content.ReadAsStringAsync()).ShouldContain("success");
        var received = await Host.GetJsonAsync("/api/v1/inbox?status=received&limit=20");
        var kept = received["items"]!.AsArray().Single(i => i!["shopCode"]?.GetValue<string>() == shop)!;
        kept["format"]!.GetValue<string>().ShouldBe("youzan.push");
        kept["payload"]!.GetValue<string>().ShouldContain(tid);
    }

    [Fact]
    public async Task Native_orders_are_imported_per_shop_with_a_result_per_item()
    {
        var shop = await ConnectShopAsync("shopify", "app", ShopifySecret, push: false);
        var id = Random.Shared.NextInt64(7_000_000_000_000, 8_000_000_000_000);
        var broken = JsonNode.Parse(TestOrders.ShopifyNative(id + 1))!.AsObject();
        broken["created_at"] = "2025-03-01 10:02:11"; // no offset: refused, never guessed
        var body = $"[{TestOrders.ShopifyNative(id)}, {broken.ToJsonString()}, {TestOrders.ShopifyNative(id, "refunded", "2025-03-02T09:00:00-05:00")}]";

        var response = await Host.PostJsonAsync($"/api/v1/shops/{shop}/orders:import", body);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var results = (await response.ReadObjectAsync())["results"]!.AsArray();
        results.Select(r => r!["outcome"]!.GetValue<string>()).ShouldBe(["created", "rejected", "updated"]);
        results[1]!["errors"]![0]!["field"]!.GetValue<string>().ShouldBe("created_at");
        var order = await Host.GetJsonAsync($"/api/v1/orders/{results[0]!["orderNo"]}");
        order["status"]!.GetValue<string>().ShouldBe("Refunded");
        var rejected = await Host.GetJsonAsync($"/api/v1/inbox/{results[1]!["inboxId"]}");
        rejected["status"]!.GetValue<string>().ShouldBe("rejected");
        rejected["format"]!.GetValue<string>().ShouldBe("shopify");
    }

    [Fact]
    public async Task Import_for_a_shop_that_does_not_exist_is_refused_and_kept()
    {
        var response = await Host.PostJsonAsync("/api/v1/shops/NOPE-SHOP/orders:import", "[{\"id\":1}]");
        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var kept = (await response.ReadObjectAsync())["inboxId"]!.GetValue<long>();
        (await Host.GetJsonAsync($"/api/v1/inbox/{kept}"))["payload"]!.GetValue<string>().ShouldBe("[{\"id\":1}]");
    }
}

public sealed class PushAndImportTestsOnSqlite(SqliteHost host) : PushAndImportTests(host), IClassFixture<SqliteHost>;
public sealed class PushAndImportTestsOnPostgres(PostgresHost host) : PushAndImportTests(host), IClassFixture<PostgresHost>;
