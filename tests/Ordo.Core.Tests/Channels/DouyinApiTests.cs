using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Web;
using Ordo.Core.Channels;
using Ordo.Core.Channels.Douyin;
using Ordo.Core.Orders;
using Ordo.Simulator.Platforms;
using Shouldly;
using Xunit;

namespace Ordo.Core.Tests.Channels;

public class DouyinApiTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 4, 30, 0, TimeSpan.Zero);
    private static readonly PullWindow Window = new(Now.AddHours(-2), Now.AddMinutes(-3));
    private static readonly ApiConnection Connection = new(new Uri("https://openapi-fxg.jinritemai.com"), "7001234567890123456", "dy-secret", "dy-token");

    private static readonly DouyinApi Api = new();
    private static readonly DouyinFake Fake = new();
    private static readonly DouyinOrderAdapter Adapter = new();
    private static readonly ShopContext Shop = new(Platform.Douyin, "DY-FLAGSHIP");

    private static FakeShop NewShop() => new("7001234567890123456", "dy-secret", "dy-token");

    private static Dictionary<string, string> Query(ApiCall call)
    {
        var query = HttpUtility.ParseQueryString(call.Url.Query);
        return query.AllKeys.ToDictionary(k => k!, k => query[k]!);
    }

    /// <summary>The documented recipe, written out independently.</summary>
    private static string DocumentedSign(string secret, string appKey, string method, string paramJson, string timestamp) =>
        Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(
            secret + "app_key" + appKey + "method" + method + "param_json" + paramJson + "timestamp" + timestamp + "v" + "2" + secret)));

    private static CanonicalOrder ParseOk(JsonElement native)
    {
        var result = Adapter.Parse(native, Shop);
        result.Errors.ShouldBeEmpty(string.Join("; ", result.Errors));
        return result.Value.ShouldNotBeNull();
    }

    private static FakeShop ShopWithOrders(int inside, int outside)
    {
        var shop = NewShop();
        var span = (int)(Window.To - Window.From).TotalSeconds;
        for (var i = 0; i < inside; i++)
        {
            var modified = Window.From.AddSeconds(i * 13 % span);
            shop.Put(Fake.NewOrder($"69364766924374{i:D5}", OrderStatus.Paid, modified.AddHours(-1), modified, $"MUG-{i % 5}", 1 + i % 2, 99m));
        }
        for (var i = 0; i < outside; i++)
        {
            var modified = i % 2 == 0 ? Window.From.AddMinutes(-2 - i) : Window.To.AddMinutes(2 + i);
            shop.Put(Fake.NewOrder($"69364766900000{i:D5}", OrderStatus.Paid, modified.AddHours(-1), modified, "MUG-X", 1, 9m));
        }
        return shop;
    }

    [Fact]
    public void Every_call_goes_to_its_method_path_with_the_common_parameters_signed_as_documented()
    {
        var calls = new[]
        {
            (Api.ListModified(Connection, Window, null, Now), "order.searchList"),
            (Api.GetOrder(Connection, "6936476692437472563", Now), "order.orderDetail"),
            (Api.Ship(Connection, new ShipmentNotice("6936476692437472563", "zhongtong", "ZT1"), Now), "order.logisticsAdd"),
        };
        foreach (var (call, method) in calls)
        {
            call.Method.ShouldBe(HttpMethod.Post);
            call.Url.GetLeftPart(UriPartial.Path).ShouldBe("https://openapi-fxg.jinritemai.com/" + method.Replace('.', '/'));
            call.ContentType.ShouldBe("application/json");
            var q = Query(call);
            q["app_key"].ShouldBe("7001234567890123456");
            q["method"].ShouldBe(method);
            q["access_token"].ShouldBe("dy-token");
            q["timestamp"].ShouldBe("2025-03-01 12:30:00");   // China time
            q["v"].ShouldBe("2");
            q["sign_method"].ShouldBe("md5");
            q.ShouldNotContainKey("param_json");
            q["sign"].ShouldBe(DocumentedSign("dy-secret", q["app_key"], method, call.Body!, q["timestamp"]));
        }
    }

    [Fact]
    public void Param_json_has_sorted_keys_and_the_update_time_query_with_0_based_pages()
    {
        Api.MaxWindow.ShouldBe(TimeSpan.FromDays(1));

        var first = Api.ListModified(Connection, Window, null, Now).Body!;
        using (var document = JsonDocument.Parse(first))
        {
            var names = document.RootElement.EnumerateObject().Select(p => p.Name).ToList();
            names.ShouldBe(names.OrderBy(n => n, StringComparer.Ordinal).ToList());
            var p = document.RootElement;
            p.GetProperty("update_time_start").GetInt64().ShouldBe(Window.From.ToUnixTimeSeconds());
            p.GetProperty("update_time_end").GetInt64().ShouldBe(Window.To.ToUnixTimeSeconds());
            p.GetProperty("order_by").GetString().ShouldBe("update_time");
            p.GetProperty("order_asc").GetBoolean().ShouldBeTrue();
            p.GetProperty("page").GetInt32().ShouldBe(0);
            p.GetProperty("size").GetInt32().ShouldBe(100);
        }
        first.ShouldNotContain(" ");

        using var third = JsonDocument.Parse(Api.ListModified(Connection, Window, "2", Now).Body!);
        third.RootElement.GetProperty("page").GetInt32().ShouldBe(2);

        Api.Ship(Connection, new ShipmentNotice("1", "zhongtong", "ZT1"), Now).Body
            .ShouldBe("""{"company_code":"zhongtong","logistics_code":"ZT1","order_id":"1"}""");
    }

    [Fact]
    public void A_window_of_250_orders_is_pulled_over_three_pages_and_nothing_outside_it()
    {
        var shop = ShopWithOrders(inside: 250, outside: 10);
        var ids = new List<string>();
        var tokens = new List<string?>();
        string? token = null;
        do
        {
            tokens.Add(token);
            var page = Api.ReadList(ApiRoundTrip.Send(Api.ListModified(Connection, Window, token, Now), Fake, shop, Now));
            page.Error.ShouldBeNull();
            page.Value!.OrderIdsToFetch.ShouldBeEmpty();
            ids.AddRange(page.Value.Orders.Select(o => ParseOk(o).PlatformOrderId));
            token = page.Value.NextPageToken;
        }
        while (token is not null && tokens.Count < 20);

        tokens.ShouldBe(new string?[] { null, "1", "2" });
        shop.Calls.ShouldBe(3);
        ids.Count.ShouldBe(250);
        ids.Distinct().Count().ShouldBe(250);
        ids.ShouldAllBe(id => !id.StartsWith("69364766900000", StringComparison.Ordinal));
    }

    [Fact]
    public void An_empty_window_is_one_call_with_no_next_page()
    {
        var shop = NewShop();
        var page = Api.ReadList(ApiRoundTrip.Send(Api.ListModified(Connection, Window, null, Now), Fake, shop, Now));
        page.Value.ShouldNotBeNull().Orders.ShouldBeEmpty();
        page.Value.NextPageToken.ShouldBeNull();
    }

    [Fact]
    public void One_order_is_fetched_by_shop_order_id()
    {
        var shop = ShopWithOrders(inside: 3, outside: 0);

        var order = Api.ReadOrder(ApiRoundTrip.Send(Api.GetOrder(Connection, "6936476692437400001", Now), Fake, shop, Now));

        order.Error.ShouldBeNull();
        var parsed = ParseOk(order.Value);
        parsed.PlatformOrderId.ShouldBe("6936476692437400001");
        parsed.Status.ShouldBe(OrderStatus.Paid);

        var missing = Api.ReadOrder(ApiRoundTrip.Send(Api.GetOrder(Connection, "404", Now), Fake, shop, Now));
        missing.Error.ShouldNotBeNull().Code.ShouldBe("50002");
        missing.Error.Retryable.ShouldBeFalse();
    }

    [Fact]
    public void A_shipment_is_written_back_and_a_refused_one_is_reported_with_the_platform_code()
    {
        var shop = ShopWithOrders(inside: 1, outside: 0);
        shop.FailNextShipments = 1;
        var call = Api.Ship(Connection, new ShipmentNotice("6936476692437400000", "zhongtong", "ZT73190553102532"), Now);

        var refused = Api.ReadShip(ApiRoundTrip.Send(call, Fake, shop, Now));
        refused.Error.ShouldNotBeNull().Code.ShouldBe("50002");
        refused.Error.Message.ShouldContain("业务处理失败");
        refused.Error.Retryable.ShouldBeFalse();
        shop.Shipments.ShouldBeEmpty();

        var shipped = Api.ReadShip(ApiRoundTrip.Send(call, Fake, shop, Now));
        shipped.Error.ShouldBeNull();
        shipped.Value.ShouldNotBeNull().ShouldContain("\"code\":10000");
        var shipment = shop.Shipments.ShouldHaveSingleItem();
        (shipment.PlatformOrderId, shipment.CarrierCode, shipment.TrackingNumber).ShouldBe(("6936476692437400000", "zhongtong", "ZT73190553102532"));
        shop.FailNextShipments.ShouldBe(0);
    }

    [Fact]
    public void A_wrong_secret_or_token_is_refused_and_not_worth_retrying()
    {
        var shop = ShopWithOrders(inside: 1, outside: 0);

        var badSign = Api.ReadList(ApiRoundTrip.Send(Api.ListModified(Connection with { AppSecret = "wrong" }, Window, null, Now), Fake, shop, Now));
        var error = badSign.Error.ShouldNotBeNull();
        error.Code.ShouldBe("40003");
        error.Message.ShouldContain("isv.signature-invalid");
        error.Retryable.ShouldBeFalse();

        var badToken = Api.ReadOrder(ApiRoundTrip.Send(Api.GetOrder(Connection with { AccessToken = "old" }, "x", Now), Fake, shop, Now));
        badToken.Error.ShouldNotBeNull().Message.ShouldContain("isv.access-token-no-existed");
        badToken.Error.Retryable.ShouldBeFalse();

        var late = Api.ReadOrder(ApiRoundTrip.Send(Api.GetOrder(Connection, "x", Now.AddMinutes(-11)), Fake, shop, Now));
        late.Error.ShouldNotBeNull().Message.ShouldContain("isv.timestamp-invalid");
    }

    [Fact]
    public void The_fake_accepts_the_hmac_sha256_sign_method_of_the_newer_sdks()
    {
        var shop = ShopWithOrders(inside: 1, outside: 0);
        var paramJson = """{"shop_order_id":"6936476692437400000"}""";
        var timestamp = DouyinApi.Timestamp(Now);
        var text = DouyinApi.SignText(shop.AppKey, shop.AppSecret, "order.orderDetail", paramJson, timestamp);
        var sign = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(shop.AppSecret), Encoding.UTF8.GetBytes(text)));
        var query = new Dictionary<string, string>
        {
            ["app_key"] = shop.AppKey, ["method"] = "order.orderDetail", ["access_token"] = shop.AccessToken,
            ["timestamp"] = timestamp, ["v"] = "2", ["sign_method"] = "hmac-sha256", ["sign"] = sign,
        };
        var response = Fake.Handle(new FakeRequest("POST", "/order/orderDetail", query, new Dictionary<string, string>(), paramJson), shop, Now).ShouldNotBeNull();

        Api.ReadOrder(new ApiAnswer(response.StatusCode, new Dictionary<string, string>(), response.Body)).Error.ShouldBeNull();
    }

    [Fact]
    public void An_outage_answers_502_which_reads_as_retryable()
    {
        var shop = ShopWithOrders(inside: 1, outside: 0);
        shop.Down = true;

        var list = Api.ReadList(ApiRoundTrip.Send(Api.ListModified(Connection, Window, null, Now), Fake, shop, Now));
        var order = Api.ReadOrder(ApiRoundTrip.Send(Api.GetOrder(Connection, "6936476692437400000", Now), Fake, shop, Now));
        var ship = Api.ReadShip(ApiRoundTrip.Send(Api.Ship(Connection, new ShipmentNotice("6936476692437400000", "zhongtong", "ZT1"), Now), Fake, shop, Now));

        foreach (var error in new[] { list.Error, order.Error, ship.Error })
        {
            error.ShouldNotBeNull().Code.ShouldBe("http_502");
            error.Retryable.ShouldBeTrue();
        }
        shop.Calls.ShouldBe(3);
    }

    public static TheoryData<int, string, bool> PlatformErrors => new()
    {
        { 200, """{"code":60000,"msg":"触发限流，请稍后重试","sub_code":"isv.traffic-limited","sub_msg":"请求太频繁，请稍后重试","data":null}""", true },
        { 200, """{"code":20000,"msg":"服务不可用","sub_code":"dop.service-error","sub_msg":"服务调用失败，请稍后重试"}""", true },
        { 200, """{"code":40001,"msg":"缺少必选参数","sub_code":"isv.parameter-missing","sub_msg":"缺少参数"}""", false },
        { 200, """{"code":30001,"msg":"操作权限不足","sub_code":"dop.authorization-no-existed","sub_msg":"店铺授权已失效，请重新授权"}""", false },
    };

    [Theory]
    [MemberData(nameof(PlatformErrors))]
    public void Platform_errors_keep_their_code_and_message_and_rate_limits_are_retryable(int status, string body, bool retryable)
    {
        var error = Api.ReadList(new ApiAnswer(status, new Dictionary<string, string>(), body)).Error.ShouldNotBeNull();

        using var document = JsonDocument.Parse(body);
        error.Code.ShouldBe(document.RootElement.GetProperty("code").GetRawText());
        error.Message.ShouldStartWith(document.RootElement.GetProperty("msg").GetString()!);
        error.Message.ShouldContain(document.RootElement.GetProperty("sub_msg").GetString()!);
        error.Retryable.ShouldBe(retryable);
    }

    [Fact]
    public void Http_429_is_retryable_after_the_time_the_server_gives()
    {
        var answer = new ApiAnswer(429, new Dictionary<string, string> { ["Retry-After"] = "12" }, "");
        var error = Api.ReadShip(answer).Error.ShouldNotBeNull();
        error.Code.ShouldBe("http_429");
        error.Retryable.ShouldBeTrue();
        error.RetryAfter.ShouldBe(TimeSpan.FromSeconds(12));
    }

    public static TheoryData<OrderStatus> AllStatuses => new(Enum.GetValues<OrderStatus>());

    [Theory]
    [MemberData(nameof(AllStatuses))]
    public void Every_new_order_reads_back_as_its_status(OrderStatus status)
    {
        var created = Now.AddHours(-5);
        var order = Fake.NewOrder("6936476692437472563", status, created, Now.AddMinutes(-10), "MUG-W", 3, 99.5m);
        using var document = JsonDocument.Parse(order.NativeJson);

        var parsed = ParseOk(document.RootElement);

        parsed.Status.ShouldBe(DouyinFake.Expressed(status));
        parsed.PlatformOrderId.ShouldBe("6936476692437472563");
        parsed.CreatedAt.ShouldBe(created);
        parsed.PlatformModifiedAt.ShouldBe(Now.AddMinutes(-10));
        var line = parsed.Lines.ShouldHaveSingleItem();
        (line.Sku, line.Quantity, line.UnitPrice).ShouldBe(("MUG-W", 3, 99.5m));
        parsed.Amounts.Paid.ShouldBe(298.5m);
        parsed.ReceiverPrivacy.ShouldNotBeNull().EncryptedName.ShouldNotBeNull();
    }

    [Theory]
    [InlineData(OrderStatus.PendingPayment)]
    [InlineData(OrderStatus.Paid)]
    [InlineData(OrderStatus.Shipped)]
    [InlineData(OrderStatus.Completed)]
    [InlineData(OrderStatus.Cancelled)]
    [InlineData(OrderStatus.RefundRequested)]
    [InlineData(OrderStatus.Refunded)]
    public void Statuses_douyin_has_are_expressed_as_themselves(OrderStatus status) =>
        DouyinFake.Expressed(status).ShouldBe(status);

    // ---- stock push ----

    [Theory]
    [InlineData("3539925204033339668", "1737398770243598", "{\"incremental\":false,\"product_id\":\"3539925204033339668\",\"sku_id\":1737398770243598,\"stock_num\":6}", 6)]
    [InlineData("3539925204033339668", null, "{\"incremental\":false,\"product_id\":\"3539925204033339668\",\"stock_num\":0}", 0)]
    public void A_stock_push_sets_the_stock_without_incremental_and_the_fake_keeps_it(string product, string? sku, string paramJson, int quantity)
    {
        var shop = NewShop();
        var call = Api.SetStock(Connection, new StockUpdate(product, sku, quantity), Now);

        call.Method.ShouldBe(HttpMethod.Post);
        call.Url.AbsolutePath.ShouldBe("/sku/syncStock");
        call.Body.ShouldBe(paramJson);
        var query = Query(call);
        query.ShouldBe(new Dictionary<string, string>
        {
            ["app_key"] = "7001234567890123456", ["access_token"] = "dy-token", ["method"] = "sku.syncStock",
            ["timestamp"] = "2025-03-01 12:30:00", ["v"] = "2", ["sign_method"] = "md5",
            ["sign"] = DocumentedSign("dy-secret", "7001234567890123456", "sku.syncStock", paramJson, "2025-03-01 12:30:00"),
        }, ignoreOrder: true);

        Api.ReadSetStock(ApiRoundTrip.Send(call, Fake, shop, Now)).Error.ShouldBeNull();
        shop.StockOf(product, sku).ShouldBe(quantity);
    }
}
