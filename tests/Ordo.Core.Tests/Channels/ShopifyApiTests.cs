using System.Globalization;
using System.Text.Json;
using Ordo.Core.Channels;
using Ordo.Core.Channels.Shopify;
using Ordo.Core.Orders;
using Ordo.Simulator.Platforms;
using Shouldly;
using Xunit;

namespace Ordo.Core.Tests.Channels;

public class ShopifyApiTests
{
    private static readonly ShopContext Shop = new(Platform.Shopify, "SP-US");
    private static readonly ShopifyOrderAdapter Adapter = new();
    private static readonly ShopifyApi Api = new();
    private static readonly ShopifyFake Fake = new();
    private const string Token = "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";
    private static readonly ApiConnection Connection = new(new Uri("https://ordo-demo.myshopify.com/"), "api-key", "shpss_app_secret", Token);
    private static readonly DateTimeOffset Now = new(2025, 3, 10, 8, 0, 0, TimeSpan.Zero);
    private static readonly PullWindow Window = new(new(2025, 3, 1, 0, 0, 0, TimeSpan.Zero), new(2025, 3, 2, 0, 0, 0, TimeSpan.Zero));

    private static FakeShop NewShop() => new("api-key", "shpss_app_secret", Token);

    private static Dictionary<string, string> QueryOf(ApiCall call)
    {
        var query = System.Web.HttpUtility.ParseQueryString(call.Url.Query);
        return query.AllKeys.ToDictionary(k => k!, k => query[k]!);
    }

    private static ApiAnswer Answer(int status, string body, params (string Name, string Value)[] headers) =>
        new(status, headers.ToDictionary(h => h.Name, h => h.Value), body);

    private static FakeOrder Put(FakeShop shop, string id, OrderStatus status, DateTimeOffset modifiedAt)
    {
        var order = Fake.NewOrder(id, status, modifiedAt.AddMinutes(-30), modifiedAt, "TEE-BLK-M", 2, 24.50m);
        shop.Put(order);
        return order;
    }

    // ---- requests as documented ----

    [Fact]
    public void The_first_page_asks_for_every_status_by_update_time_ascending_with_the_token_header()
    {
        var call = Api.ListModified(Connection, Window, null, Now);

        call.Method.ShouldBe(HttpMethod.Get);
        call.Url.GetLeftPart(UriPartial.Path).ShouldBe("https://ordo-demo.myshopify.com/admin/api/2024-10/orders.json");
        QueryOf(call).ShouldBe(new Dictionary<string, string>
        {
            ["status"] = "any",
            ["updated_at_min"] = "2025-03-01T00:00:00Z",
            // updated_at_max is inclusive and times are whole seconds: the window's exclusive end becomes its last second.
            ["updated_at_max"] = "2025-03-01T23:59:59Z",
            ["limit"] = "250",
            ["order"] = "updated_at asc",
        }, ignoreOrder: true);
        call.Url.Query.ShouldContain("order=updated_at%20asc");
        // Shopify signs nothing: the Admin API authenticates each request by the shop's access token alone.
        call.Headers[ShopifyApi.TokenHeader].ShouldBe(Token);
        call.Body.ShouldBeNull();
    }

    [Fact]
    public void Window_bounds_inside_a_second_keep_exactly_the_whole_seconds_within_the_window()
    {
        var window = new PullWindow(new(2025, 3, 1, 10, 0, 0, 250, TimeSpan.Zero), new(2025, 3, 1, 11, 0, 0, 750, TimeSpan.Zero));
        var query = QueryOf(Api.ListModified(Connection, window, null, Now));
        query["updated_at_min"].ShouldBe("2025-03-01T10:00:01Z");
        query["updated_at_max"].ShouldBe("2025-03-01T11:00:00Z");
    }

    [Fact]
    public void Later_pages_send_only_page_info_and_limit()
    {
        var call = Api.ListModified(Connection, Window, "eyJsYXN0X2lkIjo0fQ", Now);
        call.Url.GetLeftPart(UriPartial.Path).ShouldBe("https://ordo-demo.myshopify.com/admin/api/2024-10/orders.json");
        QueryOf(call).ShouldBe(new Dictionary<string, string> { ["page_info"] = "eyJsYXN0X2lkIjo0fQ", ["limit"] = "250" }, ignoreOrder: true);
    }

    [Fact]
    public void Paths_are_appended_to_the_base_url_and_ids_escaped()
    {
        var connection = Connection with { BaseUrl = new Uri("http://127.0.0.1:5080/fake/shopify/SP-US") };
        Api.GetOrder(connection, "450789469", Now).Url.AbsoluteUri.ShouldBe("http://127.0.0.1:5080/fake/shopify/SP-US/admin/api/2024-10/orders/450789469.json");
        Api.FulfillmentOrders(connection, "450789469", Now).Url.AbsoluteUri
            .ShouldBe("http://127.0.0.1:5080/fake/shopify/SP-US/admin/api/2024-10/orders/450789469/fulfillment_orders.json");
        Api.GetOrder(connection, "a/b", Now).Url.AbsolutePath.ShouldEndWith("/orders/a%2Fb.json");
    }

    [Fact]
    public void Ship_creates_a_fulfillment_for_the_fulfillment_orders_with_the_tracking_info()
    {
        var call = Api.Ship(Connection, new ShipmentNotice("450789469", "UPS", "1Z999AA10123456784", ["1046000818", "1046000819"]), Now);

        call.Method.ShouldBe(HttpMethod.Post);
        call.Url.AbsoluteUri.ShouldBe("https://ordo-demo.myshopify.com/admin/api/2024-10/fulfillments.json");
        call.ContentType.ShouldBe("application/json");
        call.Headers[ShopifyApi.TokenHeader].ShouldBe(Token);
        using var body = JsonDocument.Parse(call.Body!);
        var fulfillment = body.RootElement.GetProperty("fulfillment");
        var byOrder = fulfillment.GetProperty("line_items_by_fulfillment_order");
        byOrder.GetArrayLength().ShouldBe(2);
        byOrder[0].GetProperty("fulfillment_order_id").GetInt64().ShouldBe(1046000818);
        byOrder[1].GetProperty("fulfillment_order_id").GetInt64().ShouldBe(1046000819);
        // No line items named: everything left on each fulfillment order ships.
        byOrder[0].TryGetProperty("fulfillment_order_line_items", out _).ShouldBeFalse();
        fulfillment.GetProperty("tracking_info").GetProperty("number").GetString().ShouldBe("1Z999AA10123456784");
        fulfillment.GetProperty("tracking_info").GetProperty("company").GetString().ShouldBe("UPS");
        fulfillment.GetProperty("notify_customer").GetBoolean().ShouldBeTrue();

        using var quiet = JsonDocument.Parse(new ShopifyApi { NotifyCustomer = false }.Ship(Connection, new ShipmentNotice("1", "UPS", "1Z", ["2"]), Now).Body!);
        quiet.RootElement.GetProperty("fulfillment").GetProperty("notify_customer").GetBoolean().ShouldBeFalse();
    }

    // ---- reading answers ----

    public static TheoryData<string?, string?> LinkCases => new()
    {
        { "<https://ordo-demo.myshopify.com/admin/api/2024-10/orders.json?limit=250&page_info=eyJsYXN0X2lkIjo0fQ>; rel=\"next\"", "eyJsYXN0X2lkIjo0fQ" },
        {
            "<https://ordo-demo.myshopify.com/admin/api/2024-10/orders.json?page_info=cHJldg&limit=250>; rel=\"previous\", " +
            "<https://ordo-demo.myshopify.com/admin/api/2024-10/orders.json?limit=250&page_info=bmV4dA>; rel=\"next\"",
            "bmV4dA"
        },
        { "<https://ordo-demo.myshopify.com/admin/api/2024-10/orders.json?page_info=cHJldg&limit=250>; rel=\"previous\"", null },
        { null, null },
    };

    [Theory]
    [MemberData(nameof(LinkCases))]
    public void The_next_page_token_is_the_page_info_of_the_next_link(string? link, string? expected)
    {
        var answer = link is null ? Answer(200, """{"orders":[]}""") : Answer(200, """{"orders":[]}""", ("Link", link));
        var page = Api.ReadList(answer);
        page.Succeeded.ShouldBeTrue();
        page.Value!.NextPageToken.ShouldBe(expected);
    }

    public static TheoryData<int, string, string, string, bool> ErrorCases => new()
    {
        { 401, """{"errors":"[API] Invalid API key or access token (unrecognized login or wrong password)"}""", "401", "[API] Invalid API key or access token (unrecognized login or wrong password)", false },
        { 403, """{"errors":"[API] This action requires merchant approval for read_orders scope."}""", "403", "[API] This action requires merchant approval for read_orders scope.", false },
        { 404, """{"errors":"Not Found"}""", "404", "Not Found", false },
        { 422, """{"errors":{"base":["Line items are already fulfilled"]}}""", "422", """{"base":["Line items are already fulfilled"]}""", false },
        { 423, """{"errors":"Unavailable Shop"}""", "423", "Unavailable Shop", false },
        { 429, """{"errors":"Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service."}""", "429", "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.", true },
        { 500, """{"errors":"Internal Server Error"}""", "500", "Internal Server Error", true },
        { 503, "<html><body>Service Unavailable</body></html>", "503", "<html><body>Service Unavailable</body></html>", true },
    };

    [Theory]
    [MemberData(nameof(ErrorCases))]
    public void Errors_keep_shopify_s_errors_verbatim_and_say_whether_to_retry(int status, string body, string code, string message, bool retryable)
    {
        var answer = Answer(status, body);
        foreach (var error in new[] { Api.ReadList(answer).Error, Api.ReadOrder(answer).Error, Api.ReadShip(answer).Error, Api.ReadFulfillmentOrders(answer).Error })
        {
            error.ShouldNotBeNull();
            error.Code.ShouldBe(code);
            error.Message.ShouldBe(message);
            error.Retryable.ShouldBe(retryable);
        }
    }

    [Fact]
    public void A_rate_limit_answer_is_retryable_after_the_seconds_shopify_gives()
    {
        var error = Api.ReadList(Answer(429, """{"errors":"Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service."}""", ("Retry-After", "2.0"))).Error!;
        error.Retryable.ShouldBeTrue();
        error.RetryAfter.ShouldBe(TimeSpan.FromSeconds(2));
    }

    [Fact]
    public void An_answer_that_is_not_the_documented_shape_is_an_error_not_an_empty_page()
    {
        Api.ReadList(Answer(200, "<html>login</html>")).Error!.Code.ShouldBe("invalid_response");
        Api.ReadList(Answer(200, """{"order":{}}""")).Succeeded.ShouldBeFalse();
        Api.ReadOrder(Answer(200, """{"orders":[]}""")).Succeeded.ShouldBeFalse();
        Api.ReadShip(Answer(201, """{"fulfillment":{}}""")).Succeeded.ShouldBeFalse();
    }

    // ---- round trips through the fake ----

    [Fact]
    public void Pulling_a_window_pages_through_every_order_updated_in_it_and_none_outside()
    {
        var shop = NewShop();
        var inside = new HashSet<string>();
        // 248 orders through the day (several per second at times), plus one on each edge of the window.
        for (var i = 0; i < 248; i++)
            inside.Add(Put(shop, (5_000_000_000_000 + i).ToString(CultureInfo.InvariantCulture), OrderStatus.Paid, Window.From.AddSeconds(1 + i * 300 / 7)).PlatformOrderId);
        inside.Add(Put(shop, "5000000001000", OrderStatus.Shipped, Window.From).PlatformOrderId);
        inside.Add(Put(shop, "5000000001001", OrderStatus.Cancelled, Window.To.AddSeconds(-1)).PlatformOrderId);
        Put(shop, "5000000002000", OrderStatus.Paid, Window.From.AddSeconds(-1));
        Put(shop, "5000000002001", OrderStatus.Paid, Window.To);
        Put(shop, "5000000002002", OrderStatus.Paid, Window.To.AddHours(5));

        var api = new ShopifyApi { PageSize = 100 };
        var pulled = new List<JsonElement>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = api.ReadList(ApiRoundTrip.Send(api.ListModified(Connection, Window, token, Now), Fake, shop, Now));
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
    public void One_order_is_fetched_by_id_and_an_unknown_id_is_not_found()
    {
        var shop = NewShop();
        Put(shop, "450789469", OrderStatus.Paid, Window.From.AddHours(3));

        var read = Api.ReadOrder(ApiRoundTrip.Send(Api.GetOrder(Connection, "450789469", Now), Fake, shop, Now));
        read.Error.ShouldBeNull();
        var order = Adapter.Parse(read.Value, Shop);
        order.Succeeded.ShouldBeTrue();
        order.Value!.PlatformOrderId.ShouldBe("450789469");
        order.Value.Status.ShouldBe(OrderStatus.Paid);
        order.Value.Lines.Single().Sku.ShouldBe("TEE-BLK-M");
        order.Value.Lines.Single().Quantity.ShouldBe(2);
        order.Value.Amounts.Paid.ShouldBe(49.00m);
        order.Value.PlatformModifiedAt.ShouldBe(Window.From.AddHours(3));

        var missing = Api.ReadOrder(ApiRoundTrip.Send(Api.GetOrder(Connection, "999", Now), Fake, shop, Now)).Error!;
        missing.Code.ShouldBe("404");
        missing.Message.ShouldBe("Not Found");
        missing.Retryable.ShouldBeFalse();
    }

    [Fact]
    public void Shipping_fulfils_the_order_s_fulfillment_order_once()
    {
        var shop = NewShop();
        Put(shop, "450789469", OrderStatus.Paid, Window.From.AddHours(3));

        var open = Api.ReadFulfillmentOrders(ApiRoundTrip.Send(Api.FulfillmentOrders(Connection, "450789469", Now), Fake, shop, Now));
        open.Error.ShouldBeNull();
        open.Value.ShouldBe([ShopifyFake.FulfillmentOrderIdOf("450789469")]);

        var notice = new ShipmentNotice("450789469", "UPS", "1Z999AA10123456784", open.Value);
        var shipped = Api.ReadShip(ApiRoundTrip.Send(Api.Ship(Connection, notice, Now), Fake, shop, Now));
        shipped.Error.ShouldBeNull();
        shipped.Value.ShouldStartWith("fulfillment ");
        shipped.Value.ShouldEndWith(" success");

        var shipment = shop.Shipments.ShouldHaveSingleItem();
        shipment.PlatformOrderId.ShouldBe("450789469");
        shipment.CarrierCode.ShouldBe("UPS");
        shipment.TrackingNumber.ShouldBe("1Z999AA10123456784");
        shipment.SubOrderIds.ShouldBe(open.Value!);

        // The order now reads as shipped, updated at the time of the fulfilment, and nothing is left to fulfil.
        var after = Adapter.Parse(Api.ReadOrder(ApiRoundTrip.Send(Api.GetOrder(Connection, "450789469", Now), Fake, shop, Now)).Value, Shop).Value!;
        after.Status.ShouldBe(OrderStatus.Shipped);
        after.PlatformModifiedAt.ShouldBe(Now);
        Api.ReadFulfillmentOrders(ApiRoundTrip.Send(Api.FulfillmentOrders(Connection, "450789469", Now), Fake, shop, Now)).Value.ShouldBeEmpty();

        var again = Api.ReadShip(ApiRoundTrip.Send(Api.Ship(Connection, notice, Now), Fake, shop, Now)).Error!;
        again.Code.ShouldBe("422");
        again.Retryable.ShouldBeFalse();
        shop.Shipments.Count.ShouldBe(1);
    }

    [Fact]
    public void A_shipment_without_fulfillment_order_ids_is_refused_by_shopify_not_guessed()
    {
        var shop = NewShop();
        Put(shop, "450789469", OrderStatus.Paid, Window.From.AddHours(3));
        var error = Api.ReadShip(ApiRoundTrip.Send(Api.Ship(Connection, new ShipmentNotice("450789469", "UPS", "1Z999AA10123456784"), Now), Fake, shop, Now)).Error!;
        error.Code.ShouldBe("422");
        error.Retryable.ShouldBeFalse();
        shop.Shipments.ShouldBeEmpty();
    }

    [Fact]
    public void A_failing_write_back_is_shopify_s_rate_limit_and_goes_through_on_the_next_attempt()
    {
        var shop = NewShop();
        Put(shop, "450789469", OrderStatus.Paid, Window.From.AddHours(3));
        shop.FailNextShipments = 1;
        var notice = new ShipmentNotice("450789469", "DHL Express", "JD014600006281230704", [ShopifyFake.FulfillmentOrderIdOf("450789469")]);

        var first = Api.ReadShip(ApiRoundTrip.Send(Api.Ship(Connection, notice, Now), Fake, shop, Now)).Error!;
        first.Code.ShouldBe("429");
        first.Retryable.ShouldBeTrue();
        first.RetryAfter.ShouldBe(TimeSpan.FromSeconds(2));
        shop.FailNextShipments.ShouldBe(0);
        shop.Shipments.ShouldBeEmpty();

        Api.ReadShip(ApiRoundTrip.Send(Api.Ship(Connection, notice, Now), Fake, shop, Now)).Succeeded.ShouldBeTrue();
        shop.Shipments.ShouldHaveSingleItem().CarrierCode.ShouldBe("DHL Express");
    }

    [Fact]
    public void A_wrong_access_token_is_refused_with_shopify_s_message()
    {
        var shop = NewShop();
        Put(shop, "450789469", OrderStatus.Paid, Window.From.AddHours(3));
        var wrong = Connection with { AccessToken = "shpat_00000000000000000000000000000000" };

        var error = Api.ReadList(ApiRoundTrip.Send(Api.ListModified(wrong, Window, null, Now), Fake, shop, Now)).Error!;
        error.Code.ShouldBe("401");
        error.Message.ShouldBe("[API] Invalid API key or access token (unrecognized login or wrong password)");
        error.Retryable.ShouldBeFalse();
        Api.ReadOrder(ApiRoundTrip.Send(Api.GetOrder(wrong with { AccessToken = null }, "450789469", Now), Fake, shop, Now)).Error!.Code.ShouldBe("401");
    }

    [Fact]
    public void An_outage_answers_502_which_is_retryable()
    {
        var shop = NewShop();
        shop.Down = true;
        var answer = ApiRoundTrip.Send(Api.ListModified(Connection, Window, null, Now), Fake, shop, Now);
        answer.StatusCode.ShouldBe(502);
        var error = Api.ReadList(answer).Error!;
        error.Code.ShouldBe("502");
        error.Retryable.ShouldBeTrue();
        shop.Calls.ShouldBe(1);
    }

    [Fact]
    public void The_fake_answers_only_its_own_paths()
    {
        var request = new FakeRequest("GET", "/wp-json/wc/v3/orders", new Dictionary<string, string>(), new Dictionary<string, string>(), "");
        Fake.Handle(request, NewShop(), Now).ShouldBeNull();
    }

    // ---- the simulator's orders ----

    [Fact]
    public void Every_new_order_parses_to_the_status_it_was_made_for()
    {
        foreach (var status in Enum.GetValues<OrderStatus>())
        {
            var expected = ShopifyFake.ExpressibleStatuses.Contains(status) ? status : ShopifyFake.NearestStatus(status);
            ShopifyFake.ExpressibleStatuses.ShouldContain(expected);
            var made = Fake.NewOrder("5912345678901", status, Now.AddHours(-2), Now.AddMinutes(-5), "MUG-WHT", 3, 12.90m);
            made.ModifiedAt.ShouldBe(Now.AddMinutes(-5));

            using var native = JsonDocument.Parse(made.NativeJson);
            var parsed = Adapter.Parse(native.RootElement, Shop);
            parsed.Succeeded.ShouldBeTrue($"{status}: {string.Join("; ", parsed.Errors.Select(e => $"{e.Field} {e.Reason}"))}");
            parsed.Value!.Status.ShouldBe(expected, status.ToString());
            parsed.Value.PlatformOrderId.ShouldBe("5912345678901");
            parsed.Value.PlatformModifiedAt.ShouldBe(Now.AddMinutes(-5));
            var line = parsed.Value.Lines.ShouldHaveSingleItem();
            (line.Sku, line.Quantity, line.UnitPrice).ShouldBe(("MUG-WHT", 3, 12.90m));
            parsed.Value.Amounts.Paid.ShouldBe(38.70m);
            parsed.Value.Receiver.ShouldNotBeNull();
        }
        foreach (var status in ShopifyFake.ExpressibleStatuses) ShopifyFake.NearestStatus(status).ShouldBe(status);
    }

    // ---- stock push ----

    [Fact]
    public void A_stock_push_sets_the_available_quantity_of_the_inventory_item_at_the_location()
    {
        var shop = NewShop();
        var call = Api.SetStock(Connection, new StockUpdate("808950810", null, 7, LocationId: "655441491"), Now);

        call.Method.ShouldBe(HttpMethod.Post);
        call.Url.ShouldBe(new Uri("https://ordo-demo.myshopify.com/admin/api/2024-10/inventory_levels/set.json"));
        call.Headers["X-Shopify-Access-Token"].ShouldBe(Token);
        call.Body.ShouldBe("""{"location_id":655441491,"inventory_item_id":808950810,"available":7}""");

        Api.ReadSetStock(ApiRoundTrip.Send(call, Fake, shop, Now)).Value.ShouldBe("inventory item 808950810 at 655441491: 7 available");
        shop.StockOf("808950810", "655441491").ShouldBe(7);
    }

    [Fact]
    public void A_stock_push_without_a_location_is_refused_by_shopify_and_a_throttled_one_is_retryable()
    {
        var shop = NewShop();
        var refused = Api.ReadSetStock(ApiRoundTrip.Send(Api.SetStock(Connection, new StockUpdate("808950810", null, 7), Now), Fake, shop, Now));
        refused.Error.ShouldNotBeNull().Code.ShouldBe("422");
        refused.Error.Retryable.ShouldBeFalse();

        shop.FailNextStockUpdates = 1;
        var throttled = Api.ReadSetStock(ApiRoundTrip.Send(Api.SetStock(Connection, new StockUpdate("808950810", null, 7, "1"), Now), Fake, shop, Now));
        throttled.Error.ShouldNotBeNull().Retryable.ShouldBeTrue();
        shop.Stock.ShouldBeEmpty();
    }
}
