using System.Text.Json;
using System.Web;
using Ordo.Core.Channels;
using Ordo.Core.Channels.Youzan;
using Ordo.Core.Orders;
using Ordo.Simulator.Platforms;
using Shouldly;

namespace Ordo.Core.Tests.Channels;

public class YouzanApiTests
{
    private static readonly YouzanApi Api = new();
    private static readonly YouzanFake Fake = new();
    private static readonly YouzanOrderAdapter Adapter = new();
    private static readonly ShopContext Shop = new(Platform.Youzan, "yz-flagship");
    private static readonly DateTimeOffset Now = new(2025, 3, 8, 12, 0, 0, TimeSpan.Zero);
    private static readonly PullWindow Window = new(new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 3, 8, 0, 0, 0, TimeSpan.Zero));

    private static ApiConnection Connection(string token = "yz-token-1") =>
        new(new Uri("https://open.youzanyun.com"), "client-id", "client-secret", token);

    private static FakeShop NewShop() => new("client-id", "client-secret", "yz-token-1");

    private static JsonElement Body(ApiCall call) => JsonDocument.Parse(call.Body!).RootElement.Clone();

    private static ApiAnswer Answer(string body) => new(200, ApiCall.NoHeaders, body);

    [Fact]
    public void Requests_go_to_the_method_and_version_path_with_the_token_in_the_query_only()
    {
        var call = Api.ListModified(Connection(), Window, null, Now);

        call.Method.ShouldBe(HttpMethod.Post);
        call.Url.GetLeftPart(UriPartial.Path).ShouldBe("https://open.youzanyun.com/api/youzan.trades.sold.get/4.0.4");
        var query = HttpUtility.ParseQueryString(call.Url.Query);
        query.AllKeys.ShouldBe(["access_token"]);
        query["access_token"].ShouldBe("yz-token-1");
        call.ContentType.ShouldBe("application/json");
        call.Headers.ShouldBeEmpty();
        // Youzan has no request signature: the secret never leaves Ordo, and the token only in the URL.
        call.Body!.ShouldNotContain("client-secret");
        call.Body!.ShouldNotContain("yz-token-1");

        Api.GetOrder(Connection(), "E1", Now).Url.AbsolutePath.ShouldBe("/api/youzan.trade.get/4.0.2");
        Api.Ship(Connection(), new ShipmentNotice("E1", "1", "YT1"), Now).Url.AbsolutePath.ShouldBe("/api/youzan.logistics.online.confirm/3.0.0");
        Api.GetOrder(Connection() with { BaseUrl = new Uri("http://localhost:5080/fake/youzan/") }, "E1", Now).Url.AbsolutePath
            .ShouldBe("/fake/youzan/api/youzan.trade.get/4.0.2");
    }

    [Fact]
    public void The_list_asks_by_update_time_in_china_time_with_page_numbers()
    {
        var window = new PullWindow(new DateTimeOffset(2025, 3, 1, 2, 0, 0, 400, TimeSpan.Zero), new DateTimeOffset(2025, 3, 1, 3, 30, 15, 1, TimeSpan.Zero));
        var first = Body(Api.ListModified(Connection(), window, null, Now));
        first.GetProperty("start_update").GetString().ShouldBe("2025-03-01 10:00:00");
        first.GetProperty("end_update").GetString().ShouldBe("2025-03-01 11:30:16");
        first.GetProperty("page_no").GetInt32().ShouldBe(1);
        first.GetProperty("page_size").GetInt32().ShouldBe(100);

        Body(Api.ListModified(Connection(), window, "3", Now)).GetProperty("page_no").GetInt32().ShouldBe(3);
        Api.MaxWindow.ShouldBe(TimeSpan.FromDays(89));
    }

    [Fact]
    public void Ship_sends_the_carrier_id_the_tracking_number_and_the_sub_orders_of_a_split()
    {
        var whole = Body(Api.Ship(Connection(), new ShipmentNotice("E20250301100211012345678", "138", "YT1234567890123"), Now));
        whole.GetProperty("tid").GetString().ShouldBe("E20250301100211012345678");
        whole.GetProperty("is_no_express").GetInt32().ShouldBe(0);
        whole.GetProperty("out_stype").GetString().ShouldBe("138");
        whole.GetProperty("out_sid").GetString().ShouldBe("YT1234567890123");
        whole.TryGetProperty("oids", out _).ShouldBeFalse();

        var split = Body(Api.Ship(Connection(), new ShipmentNotice("E1", "138", "YT1", ["1001", "1002"]), Now));
        split.GetProperty("oids").GetString().ShouldBe("1001,1002");
    }

    [Fact]
    public void Pulls_every_order_modified_in_the_window_page_by_page_and_none_outside()
    {
        var shop = NewShop();
        for (var i = 0; i < 250; i++)
            shop.Put(Fake.NewOrder($"E20250301{i:D15}", OrderStatus.Paid, Window.From.AddHours(i * 0.5), Window.From.AddHours(i * 0.5 + 0.25), $"SKU-{i % 7}", 1 + i % 3, 19.9m));
        shop.Put(Fake.NewOrder("E20250201000000000000001", OrderStatus.Paid, Window.From.AddDays(-3), Window.From.AddHours(-1), "OLD", 1, 5m));
        shop.Put(Fake.NewOrder("E20250309000000000000001", OrderStatus.Paid, Window.To.AddHours(1), Window.To.AddHours(2), "NEW", 1, 5m));

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var answer = ApiRoundTrip.Send(Api.ListModified(Connection(), Window, token, Now), Fake, shop, Now);
            var page = Api.ReadList(answer, token);
            page.Error.ShouldBeNull();
            page.Value!.OrderIdsToFetch.ShouldBeEmpty();
            foreach (var order in page.Value.Orders)
            {
                var parsed = Adapter.Parse(order, Shop);
                parsed.Errors.ShouldBeEmpty();
                seen.Add(parsed.Value!.PlatformOrderId);
            }
            token = page.Value.NextPageToken;
            pages++;
        } while (token is not null && pages < 100);

        pages.ShouldBe(3);
        seen.Count.ShouldBe(250);
        seen.Distinct().Count().ShouldBe(250);
        seen.ShouldNotContain("E20250201000000000000001");
        seen.ShouldNotContain("E20250309000000000000001");
        shop.Calls.ShouldBe(3);
    }

    [Fact]
    public void Without_its_page_token_a_list_answer_is_read_only_when_it_is_complete()
    {
        var shop = NewShop();
        for (var i = 0; i < 150; i++)
            shop.Put(Fake.NewOrder($"E{i:D23}", OrderStatus.Paid, Window.From, Window.From.AddHours(1), "S", 1, 1m));

        var full = ApiRoundTrip.Send(Api.ListModified(Connection(), Window, null, Now), Fake, shop, Now);
        Api.ReadList(full).Error!.Code.ShouldBe("ordo.page_unknown");

        var last = ApiRoundTrip.Send(Api.ListModified(Connection(), Window, "2", Now), Fake, shop, Now);
        Api.ReadList(last, "2").Value!.NextPageToken.ShouldBeNull();
        Api.ReadList(last, "2").Value!.Orders.Count.ShouldBe(50);
        Api.ReadList(Answer("""{"code":200,"success":true,"data":{"total_results":1,"full_order_info_list":[{"full_order_info":{"order_info":{}}}]}}"""))
            .Value!.NextPageToken.ShouldBeNull();
    }

    [Fact]
    public void A_window_beyond_the_last_page_number_must_be_cut_smaller()
    {
        var orders = string.Join(',', Enumerable.Repeat("""{"full_order_info":{"order_info":{}}}""", 100));
        var answer = Answer($$$"""{"code":200,"success":true,"data":{"total_results":12000,"full_order_info_list":[{{{orders}}}]}}""");
        Api.ReadList(answer, "99").Value!.NextPageToken.ShouldBe("100");
        var error = Api.ReadList(answer, "100").Error!;
        error.Code.ShouldBe("ordo.window_too_large");
        error.Retryable.ShouldBeFalse();
    }

    [Fact]
    public void Gets_one_order_and_ships_it_by_its_sub_order()
    {
        var shop = NewShop();
        shop.Put(Fake.NewOrder("E20250301100211012345678", OrderStatus.Paid, Window.From, Window.From.AddMinutes(5), "TS-RED-M", 2, 99m));

        var got = Api.ReadOrder(ApiRoundTrip.Send(Api.GetOrder(Connection(), "E20250301100211012345678", Now), Fake, shop, Now));
        got.Error.ShouldBeNull();
        var order = Adapter.Parse(got.Value, Shop).Value!;
        order.PlatformOrderId.ShouldBe("E20250301100211012345678");
        order.Status.ShouldBe(OrderStatus.Paid);
        var oid = got.Value.GetProperty("orders")[0].GetProperty("oid").GetString()!;

        var shipped = Api.ReadShip(ApiRoundTrip.Send(Api.Ship(Connection(), new ShipmentNotice("E20250301100211012345678", "138", "YT1234567890123", [oid]), Now), Fake, shop, Now));
        shipped.Error.ShouldBeNull();
        shipped.Value!.ShouldContain("is_success");
        var shipment = shop.Shipments.ShouldHaveSingleItem();
        (shipment.PlatformOrderId, shipment.CarrierCode, shipment.TrackingNumber, shipment.At).ShouldBe(("E20250301100211012345678", "138", "YT1234567890123", Now));
        shipment.SubOrderIds.ShouldBe([oid]);

        var after = Api.ReadOrder(ApiRoundTrip.Send(Api.GetOrder(Connection(), "E20250301100211012345678", Now), Fake, shop, Now));
        Adapter.Parse(after.Value, Shop).Value!.Status.ShouldBe(OrderStatus.Shipped);
    }

    [Fact]
    public void An_unknown_order_is_an_error_with_youzans_code_that_is_not_retried()
    {
        var got = Api.ReadOrder(ApiRoundTrip.Send(Api.GetOrder(Connection(), "E404", Now), Fake, NewShop(), Now));
        got.Error!.Code.ShouldBe("5000");
        got.Error.Message.ShouldBe("trade not found");
        got.Error.Retryable.ShouldBeFalse();
    }

    [Fact]
    public void A_failing_write_back_is_retryable_and_the_next_one_goes_through()
    {
        var shop = NewShop();
        shop.Put(Fake.NewOrder("E1", OrderStatus.Paid, Window.From, Window.From.AddMinutes(5), "S", 1, 1m));
        shop.FailNextShipments = 1;
        var call = Api.Ship(Connection(), new ShipmentNotice("E1", "1", "YT1"), Now);

        var failed = Api.ReadShip(ApiRoundTrip.Send(call, Fake, shop, Now)).Error!;
        failed.Code.ShouldBe("-100");
        failed.Retryable.ShouldBeTrue();
        shop.FailNextShipments.ShouldBe(0);

        Api.ReadShip(ApiRoundTrip.Send(call, Fake, shop, Now)).Error.ShouldBeNull();
        shop.Shipments.Count.ShouldBe(1);

        var again = Api.ReadShip(ApiRoundTrip.Send(call, Fake, shop, Now)).Error!;
        again.Code.ShouldBe(YouzanFake.NothingToShip.ToString());
        again.Retryable.ShouldBeFalse();
    }

    [Fact]
    public void The_fake_refuses_a_wrong_or_missing_token_as_youzans_gateway_does()
    {
        var shop = NewShop();
        var wrong = Api.ReadList(ApiRoundTrip.Send(Api.ListModified(Connection(token: "guessed"), Window, null, Now), Fake, shop, Now), null).Error!;
        wrong.Code.ShouldBe("4203");
        wrong.Message.ShouldBe("Token 不存在");
        wrong.Retryable.ShouldBeFalse();

        var missing = Api.ReadList(ApiRoundTrip.Send(Api.ListModified(Connection(token: ""), Window, null, Now), Fake, shop, Now), null).Error!;
        missing.Code.ShouldBe("4201");
        missing.Retryable.ShouldBeFalse();
        shop.Calls.ShouldBe(2);
    }

    [Fact]
    public void An_outage_answers_502_which_is_retryable()
    {
        var shop = NewShop();
        shop.Down = true;
        var answer = ApiRoundTrip.Send(Api.GetOrder(Connection(), "E1", Now), Fake, shop, Now);
        answer.StatusCode.ShouldBe(502);
        Api.ReadOrder(answer).Error!.Retryable.ShouldBeTrue();
    }

    [Theory]
    [InlineData("""{"gw_err_resp":{"trace_id":"yz7-1","err_msg":"请求太频繁","err_code":4101}}""", "4101", true)]
    [InlineData("""{"msg":"请求被限流","code":500100004}""", "500100004", true)]
    [InlineData("""{"code":123000042,"success":false,"message":"请求被限流"}""", "123000042", true)]
    [InlineData("""{"code":106100118,"success":false,"message":"请求超时"}""", "106100118", true)]
    [InlineData("""{"gw_err_resp":{"trace_id":"yz7-2","err_msg":"请求凭证过期","err_code":4202}}""", "4202", false)]
    [InlineData("""{"gw_err_resp":{"trace_id":"yz7-3","err_msg":"无权限访问","err_code":4204}}""", "4204", false)]
    [InlineData("""{"code":106000001,"data":{"full_order_info_list":[]},"success":false,"message":"每次可搜索一年订单记录,请重新选择起止时间"}""", "106000001", false)]
    [InlineData("""{"error_response":{"msg":"订单不存在","code":50000}}""", "50000", false)]
    public void Errors_keep_youzans_code_and_say_whether_to_retry(string body, string code, bool retryable)
    {
        var error = Api.ReadList(Answer(body), null).Error!;
        error.Code.ShouldBe(code);
        error.Retryable.ShouldBe(retryable);
        error.Message.ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public void Http_throttling_is_retryable_after_the_given_delay()
    {
        var error = Api.ReadShip(new ApiAnswer(429, new Dictionary<string, string> { ["retry-after"] = "12" }, "")).Error!;
        error.Retryable.ShouldBeTrue();
        error.RetryAfter.ShouldBe(TimeSpan.FromSeconds(12));
        Api.ReadShip(Answer("""{"code":200,"success":true,"data":{"is_success":false},"message":"successful"}""")).Error!.Retryable.ShouldBeFalse();
    }

    public static TheoryData<OrderStatus> Expressible =>
    [
        OrderStatus.PendingPayment, OrderStatus.Paid, OrderStatus.Shipped, OrderStatus.Completed,
        OrderStatus.Cancelled, OrderStatus.Refunded, OrderStatus.RefundRequested,
    ];

    [Theory]
    [MemberData(nameof(Expressible))]
    public void Every_new_order_parses_with_the_adapter_into_its_status(OrderStatus status)
    {
        var fake = Fake.NewOrder("E20250301100211012345678", status, Window.From, Window.From.AddHours(3), "TS-RED-M", 3, 33.33m);
        using var document = JsonDocument.Parse(fake.NativeJson);
        var parsed = Adapter.Parse(document.RootElement, Shop);

        parsed.Errors.ShouldBeEmpty();
        var order = parsed.Value!;
        order.Status.ShouldBe(status);
        order.PlatformOrderId.ShouldBe("E20250301100211012345678");
        order.PlatformModifiedAt.ShouldBe(Window.From.AddHours(3));
        var line = order.Lines.ShouldHaveSingleItem();
        (line.Sku, line.Quantity, line.UnitPrice).ShouldBe(("TS-RED-M", 3, 33.33m));
        order.Amounts.Paid.ShouldBe(99.99m);
        order.Receiver!.City.ShouldBe("成都市");
    }

    [Theory]
    [InlineData(OrderStatus.Delivered, OrderStatus.Shipped)]
    [InlineData(OrderStatus.Accepted, OrderStatus.Paid)]
    [InlineData(OrderStatus.OnHold, OrderStatus.Paid)]
    public void States_youzan_has_no_word_for_are_expressed_by_the_nearest_one(OrderStatus asked, OrderStatus expressed)
    {
        using var document = JsonDocument.Parse(Fake.NewOrder("E1", asked, Window.From, Window.From, "S", 1, 1m).NativeJson);
        Adapter.Parse(document.RootElement, Shop).Value!.Status.ShouldBe(expressed);
    }

    // ---- stock push ----

    [Theory]
    [InlineData("412998877", "36115432", "/api/youzan.item.sku.update/3.0.0", "{\"item_id\":412998877,\"sku_id\":36115432,\"quantity\":11}", 11)]
    [InlineData("412998877", null, "/api/youzan.item.update/3.0.0", "{\"item_id\":412998877,\"quantity\":0}", 0)]
    public void A_stock_push_sets_the_quantity_of_the_sku_or_the_item_and_the_fake_keeps_it(string item, string? sku, string path, string body, int quantity)
    {
        var shop = NewShop();
        var call = Api.SetStock(Connection(), new StockUpdate(item, sku, quantity), Now);

        call.Method.ShouldBe(HttpMethod.Post);
        call.Url.AbsolutePath.ShouldBe(path);
        call.Url.Query.ShouldBe("?access_token=yz-token-1");
        call.Body.ShouldBe(body);

        Api.ReadSetStock(ApiRoundTrip.Send(call, Fake, shop, Now)).Error.ShouldBeNull();
        shop.StockOf(item, sku).ShouldBe(quantity);
    }
}
