using System.Globalization;
using System.Text;
using System.Text.Json;
using Ordo.Core.Channels;
using Ordo.Core.Channels.WooCommerce;
using Ordo.Core.Orders;
using Ordo.Simulator.Platforms;
using Shouldly;
using Xunit;

namespace Ordo.Core.Tests.Channels;

public class WooCommerceApiTests
{
    private static readonly ShopContext Shop = new(Platform.Woocommerce, "WC-DE");
    private static readonly WooCommerceOrderAdapter Adapter = new();
    private static readonly WooCommerceApi Api = new();
    private static readonly WooCommerceFake Fake = new();
    private const string Key = "ck_4b1f0e1a2c3d4e5f60718293a4b5c6d7e8f90a1b";
    private const string Secret = "cs_9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d";
    private static readonly ApiConnection Connection = new(new Uri("https://shop.example.de/"), Key, Secret, null);
    private static readonly DateTimeOffset Now = new(2025, 3, 10, 8, 0, 0, TimeSpan.Zero);
    private static readonly PullWindow Window = new(new(2025, 3, 1, 0, 0, 0, TimeSpan.Zero), new(2025, 3, 2, 0, 0, 0, TimeSpan.Zero));

    private static FakeShop NewShop() => new(Key, Secret, "");

    private static Dictionary<string, string> QueryOf(ApiCall call)
    {
        var query = System.Web.HttpUtility.ParseQueryString(call.Url.Query);
        return query.AllKeys.ToDictionary(k => k!, k => query[k]!);
    }

    private static ApiAnswer Answer(int status, string body, params (string Name, string Value)[] headers) =>
        new(status, headers.ToDictionary(h => h.Name, h => h.Value), body);

    private static FakeOrder Put(FakeShop shop, long id, OrderStatus status, DateTimeOffset modifiedAt)
    {
        var order = Fake.NewOrder(id.ToString(CultureInfo.InvariantCulture), status, modifiedAt.AddMinutes(-30), modifiedAt, "MUG-BLU", 2, 14.95m);
        shop.Put(order);
        return order;
    }

    // ---- requests as documented ----

    [Fact]
    public void The_list_asks_for_orders_modified_in_the_window_by_gmt_modified_time_ascending()
    {
        var call = Api.ListModified(Connection, Window, null, Now);

        call.Method.ShouldBe(HttpMethod.Get);
        call.Url.GetLeftPart(UriPartial.Path).ShouldBe("https://shop.example.de/wp-json/wc/v3/orders");
        QueryOf(call).ShouldBe(new Dictionary<string, string>
        {
            // WordPress compares strictly (after < modified < before) on whole seconds: [From, To) is (From − 1 s, To).
            ["modified_after"] = "2025-02-28T23:59:59",
            ["modified_before"] = "2025-03-02T00:00:00",
            ["dates_are_gmt"] = "true",
            ["orderby"] = "modified",
            ["order"] = "asc",
            ["per_page"] = "100",
            ["page"] = "1",
        }, ignoreOrder: true);
        call.Body.ShouldBeNull();
    }

    [Fact]
    public void Requests_carry_http_basic_with_the_consumer_key_and_secret()
    {
        // Recomputed from the documented recipe: "Basic " + base64(consumer_key ":" consumer_secret).
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(Key + ":" + Secret));
        Api.ListModified(Connection, Window, null, Now).Headers["Authorization"].ShouldBe(expected);
        Api.GetOrder(Connection, "727", Now).Headers["Authorization"].ShouldBe(expected);
        Api.Ship(Connection, new ShipmentNotice("727", "dhl", "00340434161094042557"), Now).Headers["Authorization"].ShouldBe(expected);
    }

    [Fact]
    public void Window_bounds_inside_a_second_keep_exactly_the_whole_seconds_within_the_window()
    {
        var window = new PullWindow(new(2025, 3, 1, 10, 0, 0, 250, TimeSpan.Zero), new(2025, 3, 1, 11, 0, 0, 750, TimeSpan.Zero));
        var query = QueryOf(Api.ListModified(Connection, window, null, Now));
        query["modified_after"].ShouldBe("2025-03-01T10:00:00");
        query["modified_before"].ShouldBe("2025-03-01T11:00:01");
    }

    [Theory]
    [InlineData(null, "1")]
    [InlineData("3", "3")]
    [InlineData("0", "1")]
    [InlineData("page-two", "1")]
    public void The_page_token_is_the_page_number(string? token, string page)
    {
        var query = QueryOf(Api.ListModified(Connection, Window, token, Now));
        query["page"].ShouldBe(page);
        query["modified_after"].ShouldBe("2025-02-28T23:59:59");
    }

    [Fact]
    public void Paths_are_appended_to_the_base_url()
    {
        var connection = Connection with { BaseUrl = new Uri("http://127.0.0.1:5080/fake/woocommerce/WC-DE") };
        Api.GetOrder(connection, "727", Now).Url.AbsoluteUri.ShouldBe("http://127.0.0.1:5080/fake/woocommerce/WC-DE/wp-json/wc/v3/orders/727");
    }

    [Fact]
    public void Ship_completes_the_order_and_records_the_tracking_in_its_meta_data_in_one_call()
    {
        var call = Api.Ship(Connection, new ShipmentNotice("727", "dhl", "00340434161094042557"), Now);

        call.Method.ShouldBe(HttpMethod.Put);
        call.Url.AbsoluteUri.ShouldBe("https://shop.example.de/wp-json/wc/v3/orders/727");
        call.ContentType.ShouldBe("application/json");
        using var body = JsonDocument.Parse(call.Body!);
        body.RootElement.GetProperty("status").GetString().ShouldBe("completed");
        var meta = body.RootElement.GetProperty("meta_data").EnumerateArray()
            .ToDictionary(m => m.GetProperty("key").GetString()!, m => m.GetProperty("value").GetString());
        meta.ShouldBe(new Dictionary<string, string?> { ["_ordo_tracking_number"] = "00340434161094042557", ["_ordo_carrier"] = "dhl" }, ignoreOrder: true);
    }

    // ---- reading answers ----

    private static string Orders(int count) => "[" + string.Join(",", Enumerable.Range(1, count).Select(i => $$"""{"id":{{i}}}""")) + "]";

    [Fact]
    public void The_next_page_comes_from_the_link_header_until_a_short_page_or_the_last_page()
    {
        const string link = "<https://shop.example.de/wp-json/wc/v3/orders?orderby=modified&page=1>; rel=\"prev\", <https://shop.example.de/wp-json/wc/v3/orders?orderby=modified&page=3>; rel=\"next\"";
        Api.ReadList(Answer(200, Orders(100), ("Link", link), ("X-WP-TotalPages", "3"))).Value!.NextPageToken.ShouldBe("3");
        // Fewer than per_page: the last page, whatever the headers say.
        Api.ReadList(Answer(200, Orders(99), ("Link", link))).Value!.NextPageToken.ShouldBeNull();
        // X-WP-TotalPages reached.
        Api.ReadList(Answer(200, Orders(100), ("Link", link), ("X-WP-TotalPages", "2"))).Value!.NextPageToken.ShouldBeNull();
        // No next link: WordPress sends one whenever there is a next page.
        Api.ReadList(Answer(200, Orders(100), ("Link", "<https://shop.example.de/wp-json/wc/v3/orders?page=1>; rel=\"prev\""))).Value!.NextPageToken.ShouldBeNull();
        var empty = Api.ReadList(Answer(200, "[]"));
        empty.Value!.Orders.ShouldBeEmpty();
        empty.Value.NextPageToken.ShouldBeNull();
    }

    public static TheoryData<int, string, string, string, bool> ErrorCases => new()
    {
        { 401, """{"code":"woocommerce_rest_authentication_error","message":"Consumer secret is invalid.","data":{"status":401}}""", "woocommerce_rest_authentication_error", "Consumer secret is invalid.", false },
        { 401, """{"code":"woocommerce_rest_cannot_view","message":"Sorry, you cannot list resources.","data":{"status":401}}""", "woocommerce_rest_cannot_view", "Sorry, you cannot list resources.", false },
        { 400, """{"code":"rest_invalid_param","message":"Invalid parameter(s): per_page","data":{"status":400,"params":{"per_page":"per_page must be between 1 (inclusive) and 100 (inclusive)"}}}""", "rest_invalid_param", "Invalid parameter(s): per_page", false },
        { 404, """{"code":"woocommerce_rest_shop_order_invalid_id","message":"Invalid ID.","data":{"status":404}}""", "woocommerce_rest_shop_order_invalid_id", "Invalid ID.", false },
        { 429, """{"code":"rate_limit_exceeded","message":"Too many requests. Please wait 10 seconds before trying again.","data":{"status":429}}""", "rate_limit_exceeded", "Too many requests. Please wait 10 seconds before trying again.", true },
        { 500, """{"code":"internal_server_error","message":"<p>There has been a critical error on this website.</p>","data":{"status":500},"additional_errors":[]}""", "internal_server_error", "<p>There has been a critical error on this website.</p>", true },
        { 504, "<html><body>504 Gateway Time-out</body></html>", "504", "<html><body>504 Gateway Time-out</body></html>", true },
    };

    [Theory]
    [MemberData(nameof(ErrorCases))]
    public void Errors_keep_woocommerce_s_code_and_message_verbatim_and_say_whether_to_retry(int status, string body, string code, string message, bool retryable)
    {
        var answer = Answer(status, body);
        foreach (var error in new[] { Api.ReadList(answer).Error, Api.ReadOrder(answer).Error, Api.ReadShip(answer).Error })
        {
            error.ShouldNotBeNull();
            error.Code.ShouldBe(code);
            error.Message.ShouldBe(message);
            error.Retryable.ShouldBe(retryable);
        }
    }

    [Fact]
    public void A_rate_limit_answer_is_retryable_after_the_seconds_given()
    {
        var error = Api.ReadList(Answer(429, """{"code":"rate_limit_exceeded","message":"Too many requests.","data":{"status":429}}""", ("Retry-After", "10"))).Error!;
        error.Retryable.ShouldBeTrue();
        error.RetryAfter.ShouldBe(TimeSpan.FromSeconds(10));

        var dated = Api.ReadList(Answer(503, "", ("Retry-After", "Mon, 10 Mar 2025 08:01:00 GMT"), ("Date", "Mon, 10 Mar 2025 08:00:30 GMT"))).Error!;
        dated.RetryAfter.ShouldBe(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void An_answer_that_is_not_the_documented_shape_is_an_error_not_an_empty_page()
    {
        Api.ReadList(Answer(200, """{"orders":[]}""")).Error!.Code.ShouldBe("invalid_response");
        Api.ReadList(Answer(200, "[1,2]")).Succeeded.ShouldBeFalse();
        Api.ReadOrder(Answer(200, "[]")).Succeeded.ShouldBeFalse();
        Api.ReadShip(Answer(200, "<html></html>")).Succeeded.ShouldBeFalse();
    }

    // ---- round trips through the fake ----

    [Fact]
    public void Pulling_a_window_pages_through_every_order_modified_in_it_and_none_outside()
    {
        var shop = NewShop();
        var inside = new HashSet<string>();
        for (var i = 0; i < 248; i++)
            inside.Add(Put(shop, 2000 + i, i % 3 == 0 ? OrderStatus.Paid : OrderStatus.Completed, Window.From.AddSeconds(1 + i * 300 / 7)).PlatformOrderId);
        inside.Add(Put(shop, 3000, OrderStatus.PendingPayment, Window.From).PlatformOrderId);
        inside.Add(Put(shop, 3001, OrderStatus.Refunded, Window.To.AddSeconds(-1)).PlatformOrderId);
        Put(shop, 4000, OrderStatus.Paid, Window.From.AddSeconds(-1));
        Put(shop, 4001, OrderStatus.Paid, Window.To);
        Put(shop, 4002, OrderStatus.Paid, Window.To.AddDays(2));

        var pulled = new List<JsonElement>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = Api.ReadList(ApiRoundTrip.Send(Api.ListModified(Connection, Window, token, Now), Fake, shop, Now));
            page.Error.ShouldBeNull();
            page.Value!.OrderIdsToFetch.ShouldBeEmpty();
            pulled.AddRange(page.Value.Orders);
            token = page.Value.NextPageToken;
            pages++;
        } while (token is not null && pages < 10);

        pages.ShouldBe(3);
        shop.Calls.ShouldBe(3);
        var orders = pulled.Select(o => Adapter.Parse(o, Shop)).ToList();
        orders.ShouldAllBe(r => r.Succeeded);
        var ids = orders.Select(r => r.Value!.PlatformOrderId).ToList();
        ids.Count.ShouldBe(250);
        ids.ToHashSet().SetEquals(inside).ShouldBeTrue();
        var modified = orders.Select(r => r.Value!.PlatformModifiedAt!.Value).ToList();
        modified.ShouldBe(modified.OrderBy(t => t).ToList());
    }

    [Fact]
    public void One_order_is_fetched_by_id_and_an_unknown_id_is_invalid()
    {
        var shop = NewShop();
        Put(shop, 727, OrderStatus.Paid, Window.From.AddHours(3));

        var read = Api.ReadOrder(ApiRoundTrip.Send(Api.GetOrder(Connection, "727", Now), Fake, shop, Now));
        read.Error.ShouldBeNull();
        var order = Adapter.Parse(read.Value, Shop);
        order.Succeeded.ShouldBeTrue();
        order.Value!.PlatformOrderId.ShouldBe("727");
        order.Value.Status.ShouldBe(OrderStatus.Paid);
        order.Value.Lines.Single().Sku.ShouldBe("MUG-BLU");
        order.Value.Amounts.Paid.ShouldBe(29.90m);
        order.Value.PlatformModifiedAt.ShouldBe(Window.From.AddHours(3));

        var missing = Api.ReadOrder(ApiRoundTrip.Send(Api.GetOrder(Connection, "728", Now), Fake, shop, Now)).Error!;
        missing.Code.ShouldBe("woocommerce_rest_shop_order_invalid_id");
        missing.Message.ShouldBe("Invalid ID.");
        missing.Retryable.ShouldBeFalse();
    }

    [Fact]
    public void Shipping_completes_the_order_with_the_tracking_in_its_meta_data()
    {
        var shop = NewShop();
        Put(shop, 727, OrderStatus.Paid, Window.From.AddHours(3));

        var shipped = Api.ReadShip(ApiRoundTrip.Send(Api.Ship(Connection, new ShipmentNotice("727", "dhl", "00340434161094042557"), Now), Fake, shop, Now));
        shipped.Error.ShouldBeNull();
        shipped.Value.ShouldBe("order 727 completed");

        var shipment = shop.Shipments.ShouldHaveSingleItem();
        (shipment.PlatformOrderId, shipment.CarrierCode, shipment.TrackingNumber).ShouldBe(("727", "dhl", "00340434161094042557"));
        shipment.At.ShouldBe(Now);

        var read = Api.ReadOrder(ApiRoundTrip.Send(Api.GetOrder(Connection, "727", Now), Fake, shop, Now)).Value;
        var after = Adapter.Parse(read, Shop).Value!;
        after.Status.ShouldBe(OrderStatus.Completed);
        after.PlatformModifiedAt.ShouldBe(Now);
        var meta = read.GetProperty("meta_data").EnumerateArray().ToDictionary(m => m.GetProperty("key").GetString()!, m => m.GetProperty("value").GetString());
        meta["_ordo_tracking_number"].ShouldBe("00340434161094042557");
        meta["_ordo_carrier"].ShouldBe("dhl");

        // The shipment moved the order's modified time: the next pull sees it.
        var later = new PullWindow(Now.AddMinutes(-1), Now.AddMinutes(1));
        Api.ReadList(ApiRoundTrip.Send(Api.ListModified(Connection, later, null, Now), Fake, shop, Now)).Value!.Orders.ShouldHaveSingleItem();
    }

    [Fact]
    public void A_failing_write_back_is_a_retryable_server_error_and_goes_through_on_the_next_attempt()
    {
        var shop = NewShop();
        Put(shop, 727, OrderStatus.Paid, Window.From.AddHours(3));
        shop.FailNextShipments = 1;
        var call = Api.Ship(Connection, new ShipmentNotice("727", "dhl", "00340434161094042557"), Now);

        var first = Api.ReadShip(ApiRoundTrip.Send(call, Fake, shop, Now)).Error!;
        first.Code.ShouldBe("internal_server_error");
        first.Retryable.ShouldBeTrue();
        shop.FailNextShipments.ShouldBe(0);
        shop.Shipments.ShouldBeEmpty();

        Api.ReadShip(ApiRoundTrip.Send(call, Fake, shop, Now)).Succeeded.ShouldBeTrue();
        shop.Shipments.Count.ShouldBe(1);
    }

    [Fact]
    public void A_wrong_secret_or_key_is_refused_with_woocommerce_s_error()
    {
        var shop = NewShop();
        Put(shop, 727, OrderStatus.Paid, Window.From.AddHours(3));

        var wrongSecret = Api.ReadList(ApiRoundTrip.Send(Api.ListModified(Connection with { AppSecret = "cs_wrong" }, Window, null, Now), Fake, shop, Now)).Error!;
        (wrongSecret.Code, wrongSecret.Message, wrongSecret.Retryable).ShouldBe(("woocommerce_rest_authentication_error", "Consumer secret is invalid.", false));

        var wrongKey = Api.ReadOrder(ApiRoundTrip.Send(Api.GetOrder(Connection with { AppKey = "ck_wrong" }, "727", Now), Fake, shop, Now)).Error!;
        (wrongKey.Code, wrongKey.Message).ShouldBe(("woocommerce_rest_authentication_error", "Consumer key is invalid."));

        var none = Api.ReadShip(ApiRoundTrip.Send(Api.Ship(Connection with { AppKey = null, AppSecret = null }, new ShipmentNotice("727", "dhl", "1"), Now), Fake, shop, Now)).Error!;
        none.Code.ShouldBe("woocommerce_rest_cannot_edit");
        shop.Shipments.ShouldBeEmpty();
    }

    [Fact]
    public void An_outage_answers_502_which_is_retryable()
    {
        var shop = NewShop();
        shop.Down = true;
        var answer = ApiRoundTrip.Send(Api.GetOrder(Connection, "727", Now), Fake, shop, Now);
        answer.StatusCode.ShouldBe(502);
        var error = Api.ReadOrder(answer).Error!;
        error.Code.ShouldBe("502");
        error.Retryable.ShouldBeTrue();
        shop.Calls.ShouldBe(1);
    }

    [Fact]
    public void The_fake_answers_only_its_own_paths()
    {
        var request = new FakeRequest("GET", "/admin/api/2024-10/orders.json", new Dictionary<string, string>(), new Dictionary<string, string>(), "");
        Fake.Handle(request, NewShop(), Now).ShouldBeNull();
    }

    // ---- the simulator's orders ----

    [Fact]
    public void Every_new_order_parses_to_the_status_it_was_made_for()
    {
        foreach (var status in Enum.GetValues<OrderStatus>())
        {
            var expected = WooCommerceFake.ExpressibleStatuses.Contains(status) ? status : WooCommerceFake.NearestStatus(status);
            WooCommerceFake.ExpressibleStatuses.ShouldContain(expected);
            var made = Fake.NewOrder("1042", status, Now.AddHours(-2), Now.AddMinutes(-5), "TEA-GRN-100", 3, 7.45m);
            made.ModifiedAt.ShouldBe(Now.AddMinutes(-5));

            using var native = JsonDocument.Parse(made.NativeJson);
            var parsed = Adapter.Parse(native.RootElement, Shop);
            parsed.Succeeded.ShouldBeTrue($"{status}: {string.Join("; ", parsed.Errors.Select(e => $"{e.Field} {e.Reason}"))}");
            parsed.Value!.Status.ShouldBe(expected, status.ToString());
            parsed.Value.PlatformOrderId.ShouldBe("1042");
            parsed.Value.PlatformModifiedAt.ShouldBe(Now.AddMinutes(-5));
            var line = parsed.Value.Lines.ShouldHaveSingleItem();
            (line.Sku, line.Quantity, line.UnitPrice).ShouldBe(("TEA-GRN-100", 3, 7.45m));
            parsed.Value.Amounts.Paid.ShouldBe(22.35m);
            parsed.Value.Receiver.ShouldNotBeNull();
        }
        foreach (var status in WooCommerceFake.ExpressibleStatuses) WooCommerceFake.NearestStatus(status).ShouldBe(status);
    }

    // ---- stock push ----

    [Theory]
    [InlineData("794", null, "https://shop.example.de/wp-json/wc/v3/products/794", "product 794 stock 4")]
    [InlineData("794", "801", "https://shop.example.de/wp-json/wc/v3/products/794/variations/801", "product 801 stock 4")]
    public void A_stock_push_manages_stock_and_sets_the_quantity_of_the_product_or_variation(string product, string? variation, string url, string confirmation)
    {
        var shop = NewShop();
        var call = Api.SetStock(Connection, new StockUpdate(product, variation, 4), Now);

        call.Method.ShouldBe(HttpMethod.Put);
        call.Url.ShouldBe(new Uri(url));
        call.Headers["Authorization"].ShouldBe(WooCommerceApi.BasicAuthorization(Key, Secret));
        call.Body.ShouldBe("""{"manage_stock":true,"stock_quantity":4}""");

        Api.ReadSetStock(ApiRoundTrip.Send(call, Fake, shop, Now)).Value.ShouldBe(confirmation);
        shop.StockOf(product, variation).ShouldBe(4);
    }
}
