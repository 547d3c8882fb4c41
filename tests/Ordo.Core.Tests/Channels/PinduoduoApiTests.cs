using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Web;
using Ordo.Core.Channels;
using Ordo.Core.Channels.Pinduoduo;
using Ordo.Core.Orders;
using Ordo.Simulator.Platforms;
using Shouldly;
using Xunit;

namespace Ordo.Core.Tests.Channels;

public class PinduoduoApiTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 4, 30, 0, TimeSpan.Zero);
    private static readonly PullWindow Window = new(Now.AddMinutes(-33), Now.AddMinutes(-3));
    private static readonly ApiConnection Connection = new(new Uri("https://gw-api.pinduoduo.com"), "client-1", "secret-1", "token-1");

    private static readonly PinduoduoApi Api = new();
    private static readonly PinduoduoFake Fake = new();
    private static readonly PinduoduoOrderAdapter Adapter = new();
    private static readonly ShopContext Shop = new(Platform.Pinduoduo, "PDD-MAIN");

    private static FakeShop NewShop() => new("client-1", "secret-1", "token-1");

    private static Dictionary<string, string> Form(ApiCall call)
    {
        var form = HttpUtility.ParseQueryString(call.Body.ShouldNotBeNull());
        return form.AllKeys.ToDictionary(k => k!, k => form[k]!);
    }

    /// <summary>The documented recipe, written out independently: upper(md5hex(secret + k1v1 k2v2 … + secret)), names sorted, sign left out.</summary>
    private static string DocumentedSign(Dictionary<string, string> parameters, string secret)
    {
        var text = secret + string.Concat(parameters.Where(p => p.Key != "sign").OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + p.Value)) + secret;
        return Convert.ToHexString(MD5.HashData(Encoding.UTF8.GetBytes(text)));
    }

    private static CanonicalOrder ParseOk(JsonElement native)
    {
        var result = Adapter.Parse(native, Shop);
        result.Errors.ShouldBeEmpty(string.Join("; ", result.Errors));
        return result.Value.ShouldNotBeNull();
    }

    private static FakeShop ShopWithOrders(int inside, int outside)
    {
        var shop = NewShop();
        for (var i = 0; i < inside; i++)
        {
            // Spread over the window, several orders per second, so that sorting ties are exercised too.
            var modified = Window.From.AddSeconds(i * 7 % 1790);
            shop.Put(Fake.NewOrder($"250301-{i:D15}", OrderStatus.Paid, modified.AddHours(-2), modified, $"SKU-{i % 7}", 1 + i % 3, 19.9m));
        }
        for (var i = 0; i < outside; i++)
        {
            var modified = i % 2 == 0 ? Window.From.AddMinutes(-2 - i) : Window.To.AddMinutes(2 + i);
            shop.Put(Fake.NewOrder($"250301-OUT{i:D11}", OrderStatus.Paid, modified.AddHours(-2), modified, "SKU-X", 1, 5m));
        }
        return shop;
    }

    /// <summary>Pulls the window as the server would, passing each answer's request token back; returns ids and tokens used.</summary>
    private static (List<string> Ids, List<string?> Tokens) Pull(FakeShop shop, Action<int>? betweenPages = null)
    {
        var ids = new List<string>();
        var tokens = new List<string?>();
        string? token = null;
        do
        {
            tokens.Add(token);
            var answer = ApiRoundTrip.Send(Api.ListModified(Connection, Window, token, Now), Fake, shop, Now);
            var page = Api.ReadList(answer, token);
            page.Error.ShouldBeNull();
            page.Value!.OrderIdsToFetch.ShouldBeEmpty();
            ids.AddRange(page.Value.Orders.Select(o => ParseOk(o).PlatformOrderId));
            token = page.Value.NextPageToken;
            betweenPages?.Invoke(tokens.Count);
        }
        while (token is not null && tokens.Count < 50);
        return (ids, tokens);
    }

    [Fact]
    public void Every_call_is_a_form_post_to_the_router_signed_as_documented()
    {
        var calls = new[]
        {
            Api.ListModified(Connection, Window, null, Now),
            Api.GetOrder(Connection, "250301-1", Now),
            Api.Ship(Connection, new ShipmentNotice("250301-1", "85", "YT1"), Now),
        };
        foreach (var call in calls)
        {
            call.Method.ShouldBe(HttpMethod.Post);
            call.Url.ShouldBe(new Uri("https://gw-api.pinduoduo.com/api/router"));
            call.ContentType.ShouldBe("application/x-www-form-urlencoded");
            var form = Form(call);
            form["client_id"].ShouldBe("client-1");
            form["access_token"].ShouldBe("token-1");
            form["timestamp"].ShouldBe(Now.ToUnixTimeSeconds().ToString());
            form["data_type"].ShouldBe("JSON");
            form["version"].ShouldBe("V1");
            form["sign"].ShouldBe(DocumentedSign(form, "secret-1"));
        }
        Form(calls[0])["type"].ShouldBe("pdd.order.number.list.increment.get");
        Form(calls[1])["type"].ShouldBe("pdd.order.information.get");
        Form(calls[1])["order_sn"].ShouldBe("250301-1");
        var ship = Form(calls[2]);
        ship["type"].ShouldBe("pdd.logistics.online.send");
        (ship["order_sn"], ship["logistics_id"], ship["tracking_number"]).ShouldBe(("250301-1", "85", "YT1"));
    }

    [Fact]
    public void A_base_url_with_a_path_keeps_it()
    {
        var call = Api.GetOrder(Connection with { BaseUrl = new Uri("http://localhost:5055/fake/pdd/") }, "1", Now);
        call.Url.ShouldBe(new Uri("http://localhost:5055/fake/pdd/api/router"));
    }

    [Fact]
    public void The_first_list_call_asks_for_the_total_and_later_ones_name_their_page()
    {
        Api.MaxWindow.ShouldBe(TimeSpan.FromMinutes(30));

        var first = Form(Api.ListModified(Connection, Window, null, Now));
        first["start_updated_at"].ShouldBe(Window.From.ToUnixTimeSeconds().ToString());
        first["end_updated_at"].ShouldBe(Window.To.ToUnixTimeSeconds().ToString());
        first["is_lucky_flag"].ShouldBe("0");
        first["order_status"].ShouldBe("5");
        first["refund_status"].ShouldBe("5");
        first["page"].ShouldBe("1");
        first["page_size"].ShouldBe("100");
        first["use_has_next"].ShouldBe("false");

        var third = Form(Api.ListModified(Connection, Window, "3", Now));
        third["page"].ShouldBe("3");
        third["use_has_next"].ShouldBe("true");
        third["start_updated_at"].ShouldBe(first["start_updated_at"]);
    }

    [Fact]
    public void A_window_of_250_orders_is_pulled_from_the_last_page_back_and_nothing_outside_it()
    {
        var shop = ShopWithOrders(inside: 250, outside: 10);

        var (ids, tokens) = Pull(shop);

        tokens.ShouldBe(new string?[] { null, "3", "2", "1" });
        shop.Calls.ShouldBe(4);
        ids.Distinct().Count().ShouldBe(250);
        ids.ShouldAllBe(id => !id.Contains("OUT"));
        // Page 1 comes twice (first and last), which only repeats orders.
        ids.Count.ShouldBe(350);
    }

    [Fact]
    public void An_order_updated_while_paging_does_not_push_another_out_of_reach()
    {
        var shop = ShopWithOrders(inside: 250, outside: 0);
        var earliest = shop.Orders.Values.OrderBy(o => o.ModifiedAt).ThenBy(o => o.PlatformOrderId, StringComparer.Ordinal).First();

        // After the first page, the earliest order changes and leaves the window: every later one moves up a place.
        var (ids, _) = Pull(shop, betweenPages: page =>
        {
            if (page == 1) shop.Put(earliest with { ModifiedAt = Now });
        });

        ids.Distinct().Count().ShouldBe(250);
    }

    [Fact]
    public void The_plain_reader_takes_the_first_answer_and_refuses_to_guess_later_pages()
    {
        var shop = ShopWithOrders(inside: 150, outside: 0);
        var first = Api.ReadList(ApiRoundTrip.Send(Api.ListModified(Connection, Window, null, Now), Fake, shop, Now));
        first.Value.ShouldNotBeNull().NextPageToken.ShouldBe("2");

        var later = Api.ReadList(ApiRoundTrip.Send(Api.ListModified(Connection, Window, "2", Now), Fake, shop, Now));
        later.Error.ShouldNotBeNull().Code.ShouldBe("ordo.page_context_required");
        later.Error.Retryable.ShouldBeFalse();
    }

    [Fact]
    public void One_order_is_fetched_by_order_sn()
    {
        var shop = ShopWithOrders(inside: 3, outside: 0);

        var answer = ApiRoundTrip.Send(Api.GetOrder(Connection, "250301-000000000000001", Now), Fake, shop, Now);
        var order = Api.ReadOrder(answer);

        order.Error.ShouldBeNull();
        var parsed = ParseOk(order.Value);
        parsed.PlatformOrderId.ShouldBe("250301-000000000000001");
        parsed.Status.ShouldBe(OrderStatus.Paid);

        var missing = Api.ReadOrder(ApiRoundTrip.Send(Api.GetOrder(Connection, "nope", Now), Fake, shop, Now));
        missing.Error.ShouldNotBeNull().Code.ShouldBe("50001");
    }

    [Fact]
    public void A_shipment_is_written_back_and_a_refused_one_is_reported_with_the_platform_code()
    {
        var shop = ShopWithOrders(inside: 1, outside: 0);
        shop.FailNextShipments = 1;
        var call = Api.Ship(Connection, new ShipmentNotice("250301-000000000000000", "85", "YT9876543210", ["sub-1"]), Now);

        var refused = Api.ReadShip(ApiRoundTrip.Send(call, Fake, shop, Now));
        refused.Error.ShouldNotBeNull().Code.ShouldBe("50001");
        refused.Error.Message.ShouldContain("业务服务错误");
        refused.Error.Retryable.ShouldBeFalse();
        shop.Shipments.ShouldBeEmpty();

        var shipped = Api.ReadShip(ApiRoundTrip.Send(call, Fake, shop, Now));
        shipped.Error.ShouldBeNull();
        shipped.Value.ShouldNotBeNull().ShouldContain("\"is_success\":true");
        var shipment = shop.Shipments.ShouldHaveSingleItem();
        (shipment.PlatformOrderId, shipment.CarrierCode, shipment.TrackingNumber).ShouldBe(("250301-000000000000000", "85", "YT9876543210"));
        shop.FailNextShipments.ShouldBe(0);
    }

    [Fact]
    public void A_wrong_secret_or_token_is_refused_and_not_worth_retrying()
    {
        var shop = ShopWithOrders(inside: 1, outside: 0);

        var badSign = Api.ReadList(ApiRoundTrip.Send(Api.ListModified(Connection with { AppSecret = "wrong" }, Window, null, Now), Fake, shop, Now), null);
        badSign.Error.ShouldNotBeNull().Code.ShouldBe(PinduoduoFake.SignatureError.ToString());
        badSign.Error.Retryable.ShouldBeFalse();

        var badToken = Api.ReadOrder(ApiRoundTrip.Send(Api.GetOrder(Connection with { AccessToken = "old" }, "x", Now), Fake, shop, Now));
        badToken.Error.ShouldNotBeNull().Code.ShouldBe("10019");
        badToken.Error.Message.ShouldBe("access_token已过期");
        badToken.Error.Retryable.ShouldBeFalse();
    }

    [Fact]
    public void The_fake_refuses_a_window_over_30_minutes()
    {
        var shop = NewShop();
        var wide = new PullWindow(Window.From, Window.From.AddMinutes(31));
        var answer = Api.ReadList(ApiRoundTrip.Send(Api.ListModified(Connection, wide, null, Now), Fake, shop, Now), null);
        answer.Error.ShouldNotBeNull().Code.ShouldBe("10000");
    }

    [Fact]
    public void An_outage_answers_502_which_reads_as_retryable()
    {
        var shop = ShopWithOrders(inside: 1, outside: 0);
        shop.Down = true;

        var list = Api.ReadList(ApiRoundTrip.Send(Api.ListModified(Connection, Window, null, Now), Fake, shop, Now), null);
        var order = Api.ReadOrder(ApiRoundTrip.Send(Api.GetOrder(Connection, "250301-000000000000000", Now), Fake, shop, Now));
        var ship = Api.ReadShip(ApiRoundTrip.Send(Api.Ship(Connection, new ShipmentNotice("250301-000000000000000", "85", "YT1"), Now), Fake, shop, Now));

        foreach (var error in new[] { list.Error, order.Error, ship.Error })
        {
            error.ShouldNotBeNull().Code.ShouldBe("http_502");
            error.Retryable.ShouldBeTrue();
        }
        shop.Calls.ShouldBe(3);
    }

    public static TheoryData<int, string, bool> PlatformErrors => new()
    {
        { 200, """{"error_response":{"error_code":70031,"error_msg":"调用过于频繁,请调整调用频率","sub_code":"","sub_msg":""}}""", true },
        { 200, """{"error_response":{"error_code":70099,"error_msg":"系统繁忙，请稍后重试"}}""", true },
        { 200, """{"error_response":{"error_code":10000,"error_msg":"参数错误","sub_msg":"page_size"}}""", false },
        { 503, """{"error_response":{"error_code":50000,"error_msg":"系统内部错误"}}""", true },
    };

    [Theory]
    [MemberData(nameof(PlatformErrors))]
    public void Platform_errors_keep_their_code_and_message_and_rate_limits_are_retryable(int status, string body, bool retryable)
    {
        var result = Api.ReadList(new ApiAnswer(status, new Dictionary<string, string>(), body), null);

        var error = result.Error.ShouldNotBeNull();
        using var document = JsonDocument.Parse(body);
        var expected = document.RootElement.GetProperty("error_response");
        error.Code.ShouldBe(expected.GetProperty("error_code").GetRawText());
        error.Message.ShouldStartWith(expected.GetProperty("error_msg").GetString()!);
        error.Retryable.ShouldBe(retryable);
    }

    [Fact]
    public void Http_429_is_retryable_after_the_time_the_server_gives()
    {
        var answer = new ApiAnswer(429, new Dictionary<string, string> { ["retry-after"] = "7" }, "Too Many Requests");
        var error = Api.ReadOrder(answer).Error.ShouldNotBeNull();
        error.Code.ShouldBe("http_429");
        error.Retryable.ShouldBeTrue();
        error.RetryAfter.ShouldBe(TimeSpan.FromSeconds(7));
    }

    [Fact]
    public void A_body_that_is_not_json_is_reported_not_thrown()
    {
        var error = Api.ReadShip(new ApiAnswer(200, new Dictionary<string, string>(), "<html>")).Error.ShouldNotBeNull();
        error.Code.ShouldBe("invalid_response");
        error.Retryable.ShouldBeFalse();
    }

    public static TheoryData<OrderStatus> AllStatuses => new(Enum.GetValues<OrderStatus>());

    [Theory]
    [MemberData(nameof(AllStatuses))]
    public void Every_new_order_reads_back_as_its_status(OrderStatus status)
    {
        var created = Now.AddHours(-5);
        var order = Fake.NewOrder("250301-777", status, created, Now.AddMinutes(-10), "BOX-2", 2, 29.9m);
        using var document = JsonDocument.Parse(order.NativeJson);

        var parsed = ParseOk(document.RootElement);

        parsed.Status.ShouldBe(PinduoduoFake.Expressed(status));
        parsed.PlatformOrderId.ShouldBe("250301-777");
        parsed.CreatedAt.ShouldBe(created);
        parsed.PlatformModifiedAt.ShouldBe(Now.AddMinutes(-10));
        var line = parsed.Lines.ShouldHaveSingleItem();
        (line.Sku, line.Quantity, line.UnitPrice).ShouldBe(("BOX-2", 2, 29.9m));
        parsed.Amounts.Paid.ShouldBe(59.8m);
        parsed.Receiver.ShouldNotBeNull().Province.ShouldNotBeNull();
        order.ModifiedAt.ShouldBe(Now.AddMinutes(-10));
    }

    [Theory]
    [InlineData(OrderStatus.PendingPayment)]
    [InlineData(OrderStatus.Paid)]
    [InlineData(OrderStatus.Shipped)]
    [InlineData(OrderStatus.Delivered)]
    [InlineData(OrderStatus.Cancelled)]
    [InlineData(OrderStatus.RefundRequested)]
    [InlineData(OrderStatus.Refunded)]
    public void Statuses_pinduoduo_has_are_expressed_as_themselves(OrderStatus status) =>
        PinduoduoFake.Expressed(status).ShouldBe(status);

    // ---- stock push ----

    [Theory]
    [InlineData("3049201", "82719001", 9)]
    [InlineData("3049201", null, 0)]
    public void A_stock_push_sets_the_quantity_with_a_full_update_and_the_fake_keeps_it(string goods, string? sku, int quantity)
    {
        var shop = NewShop();
        var call = Api.SetStock(Connection, new StockUpdate(goods, sku, quantity), Now);

        var form = Form(call);
        var expected = new Dictionary<string, string>
        {
            ["type"] = "pdd.goods.quantity.update", ["client_id"] = "client-1", ["access_token"] = "token-1",
            ["timestamp"] = Now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), ["data_type"] = "JSON", ["version"] = "V1",
            ["goods_id"] = goods, ["quantity"] = quantity.ToString(System.Globalization.CultureInfo.InvariantCulture), ["update_type"] = "1",
        };
        if (sku is not null) expected["sku_id"] = sku;
        expected["sign"] = DocumentedSign(expected, "secret-1");
        form.ShouldBe(expected, ignoreOrder: true);

        Api.ReadSetStock(ApiRoundTrip.Send(call, Fake, shop, Now)).Error.ShouldBeNull();
        shop.StockOf(goods, sku).ShouldBe(quantity);
    }

    [Fact]
    public void A_refused_stock_push_reports_the_platform_code()
    {
        var shop = NewShop();
        shop.FailNextStockUpdates = 1;
        Api.ReadSetStock(ApiRoundTrip.Send(Api.SetStock(Connection, new StockUpdate("1", "2", 3), Now), Fake, shop, Now))
            .Error.ShouldNotBeNull().Code.ShouldBe("50001");
        shop.Stock.ShouldBeEmpty();
    }
}
