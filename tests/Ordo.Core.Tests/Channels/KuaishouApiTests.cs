using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Web;
using Ordo.Core.Channels;
using Ordo.Core.Channels.Kuaishou;
using Ordo.Core.Orders;
using Ordo.Simulator.Platforms;
using Shouldly;

namespace Ordo.Core.Tests.Channels;

public class KuaishouApiTests
{
    private static readonly KuaishouApi Api = new();
    private static readonly KuaishouFake Fake = new();
    private static readonly KuaishouOrderAdapter Adapter = new();
    private static readonly ShopContext Shop = new(Platform.Kuaishou, "ks-main");
    private static readonly DateTimeOffset Now = new(2025, 3, 8, 12, 0, 0, TimeSpan.Zero);
    private static readonly PullWindow Window = new(new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 3, 8, 0, 0, 0, TimeSpan.Zero));

    private static ApiConnection Connection(string secret = "sign-secret", string token = "token-1") =>
        new(new Uri("https://openapi.kwaixiaodian.com"), "ks000000000000000001", secret, token);

    private static FakeShop NewShop() => new("ks000000000000000001", "sign-secret", "token-1");

    private static Dictionary<string, string> Query(ApiCall call) => Pairs(call.Url.Query);

    private static Dictionary<string, string> Pairs(string encoded)
    {
        var parsed = HttpUtility.ParseQueryString(encoded);
        return parsed.AllKeys.ToDictionary(k => k!, k => parsed[k]!);
    }

    /// <summary>The documented recipe, written out independently of the code under test.</summary>
    private static string ExpectedSign(Dictionary<string, string> parameters, string secret)
    {
        var keys = parameters.Keys.Where(k => k != "sign").ToList();
        keys.Sort(StringComparer.Ordinal);
        var text = new StringBuilder();
        foreach (var key in keys) text.Append(text.Length == 0 ? "" : "&").Append(key).Append('=').Append(parameters[key]);
        text.Append("&signSecret=").Append(secret);
        return Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static JsonElement Param(Dictionary<string, string> parameters) => JsonDocument.Parse(parameters["param"]).RootElement.Clone();

    [Fact]
    public void The_list_request_carries_the_common_parameters_and_the_documented_signature()
    {
        var call = Api.ListModified(Connection(), Window, null, Now);

        call.Method.ShouldBe(HttpMethod.Get);
        call.Url.GetLeftPart(UriPartial.Path).ShouldBe("https://openapi.kwaixiaodian.com/open/order/cursor/list");
        var query = Query(call);
        query["appkey"].ShouldBe("ks000000000000000001");
        query["method"].ShouldBe("open.order.cursor.list");
        query["version"].ShouldBe("1");
        query["access_token"].ShouldBe("token-1");
        query["signMethod"].ShouldBe("MD5");
        query["timestamp"].ShouldBe(Now.ToUnixTimeMilliseconds().ToString());
        query["sign"].ShouldBe(ExpectedSign(query, "sign-secret"));
        query["sign"].ShouldNotBe(ExpectedSign(query, "another-secret"));
    }

    [Fact]
    public void The_list_asks_by_update_time_over_the_window_in_milliseconds_with_a_cursor()
    {
        var first = Param(Query(Api.ListModified(Connection(), Window, null, Now)));
        first.GetProperty("queryType").GetInt32().ShouldBe(2);
        first.GetProperty("orderViewStatus").GetInt32().ShouldBe(1);
        first.GetProperty("beginTime").GetInt64().ShouldBe(Window.From.ToUnixTimeMilliseconds());
        first.GetProperty("endTime").GetInt64().ShouldBe(Window.To.ToUnixTimeMilliseconds());
        first.GetProperty("pageSize").GetInt32().ShouldBe(50);
        first.GetProperty("cursor").GetString().ShouldBe("");

        var next = Param(Query(Api.ListModified(Connection(), Window, "1740960000000_2419500012345678", Now)));
        next.GetProperty("cursor").GetString().ShouldBe("1740960000000_2419500012345678");
        Api.MaxWindow.ShouldBe(TimeSpan.FromDays(7));
    }

    [Fact]
    public void Detail_and_ship_requests_follow_the_documented_methods()
    {
        var detail = Query(Api.GetOrder(Connection(), "2419500012345678", Now));
        detail["method"].ShouldBe("open.order.detail");
        Param(detail).GetProperty("oid").GetInt64().ShouldBe(2419500012345678);
        detail["sign"].ShouldBe(ExpectedSign(detail, "sign-secret"));

        var ship = Api.Ship(Connection(), new ShipmentNotice("2419500012345678", "4", "YT1234567890123"), Now);
        ship.Method.ShouldBe(HttpMethod.Post);
        ship.Url.AbsolutePath.ShouldBe("/open/seller/order/goods/deliver");
        ship.ContentType.ShouldBe("application/x-www-form-urlencoded");
        var form = Pairs(ship.Body!);
        form["method"].ShouldBe("open.seller.order.goods.deliver");
        form["sign"].ShouldBe(ExpectedSign(form, "sign-secret"));
        var param = Param(form);
        param.GetProperty("orderId").GetInt64().ShouldBe(2419500012345678);
        param.GetProperty("expressNo").GetString().ShouldBe("YT1234567890123");
        param.GetProperty("expressCode").GetInt32().ShouldBe(4);
    }

    [Fact]
    public void A_base_url_with_a_path_keeps_its_path()
    {
        var connection = Connection() with { BaseUrl = new Uri("http://localhost:5080/fake/kuaishou/") };
        Api.GetOrder(connection, "1", Now).Url.AbsolutePath.ShouldBe("/fake/kuaishou/open/order/detail");
    }

    [Fact]
    public void Pulls_every_order_modified_in_the_window_page_by_page_and_none_outside()
    {
        var shop = NewShop();
        for (var i = 0; i < 250; i++)
            shop.Put(Fake.NewOrder($"24195000{i:D8}", OrderStatus.Paid, Window.From.AddHours(i * 0.5), Window.From.AddHours(i * 0.5 + 0.25), $"SKU-{i % 7}", 1 + i % 3, 19.9m));
        shop.Put(Fake.NewOrder("2419400000000001", OrderStatus.Paid, Window.From.AddDays(-3), Window.From.AddHours(-1), "OLD", 1, 5m));
        shop.Put(Fake.NewOrder("2419600000000001", OrderStatus.Paid, Window.To.AddHours(1), Window.To.AddHours(2), "NEW", 1, 5m));

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var answer = ApiRoundTrip.Send(Api.ListModified(Connection(), Window, token, Now), Fake, shop, Now);
            var page = Api.ReadList(answer, token);
            page.Error.ShouldBeNull();
            page.Value!.OrderIdsToFetch.ShouldBeEmpty();
            page.Value.Orders.Count.ShouldBeLessThanOrEqualTo(KuaishouApi.PageSize);
            foreach (var order in page.Value.Orders)
            {
                var parsed = Adapter.Parse(order, Shop);
                parsed.Errors.ShouldBeEmpty();
                seen.Add(parsed.Value!.PlatformOrderId);
            }
            token = page.Value.NextPageToken;
            pages++;
        } while (token is not null && pages < 100);

        pages.ShouldBe(5);
        seen.Count.ShouldBe(250);
        seen.Distinct().Count().ShouldBe(250);
        seen.ShouldNotContain("2419400000000001");
        seen.ShouldNotContain("2419600000000001");
        shop.Calls.ShouldBe(5);
    }

    [Fact]
    public void Gets_one_order_and_ships_it()
    {
        var shop = NewShop();
        shop.Put(Fake.NewOrder("2419500012345678", OrderStatus.Paid, Window.From, Window.From.AddMinutes(5), "MUG-W", 2, 49.5m));

        var got = Api.ReadOrder(ApiRoundTrip.Send(Api.GetOrder(Connection(), "2419500012345678", Now), Fake, shop, Now));
        got.Error.ShouldBeNull();
        var order = Adapter.Parse(got.Value, Shop).Value!;
        order.PlatformOrderId.ShouldBe("2419500012345678");
        order.Status.ShouldBe(OrderStatus.Paid);

        var shipped = Api.ReadShip(ApiRoundTrip.Send(Api.Ship(Connection(), new ShipmentNotice("2419500012345678", "4", "YT1234567890123"), Now), Fake, shop, Now));
        shipped.Error.ShouldBeNull();
        shipped.Value.ShouldNotBeNullOrEmpty();
        var shipment = shop.Shipments.ShouldHaveSingleItem();
        (shipment.PlatformOrderId, shipment.CarrierCode, shipment.TrackingNumber, shipment.At).ShouldBe(("2419500012345678", "4", "YT1234567890123", Now));
        shipment.SubOrderIds.ShouldBeEmpty();

        var after = Api.ReadOrder(ApiRoundTrip.Send(Api.GetOrder(Connection(), "2419500012345678", Now), Fake, shop, Now));
        Adapter.Parse(after.Value, Shop).Value!.Status.ShouldBe(OrderStatus.Shipped);
        shop.Orders["2419500012345678"].ModifiedAt.ShouldBe(Now);
    }

    [Fact]
    public void An_unknown_order_is_an_error_that_is_not_retried()
    {
        var got = Api.ReadOrder(ApiRoundTrip.Send(Api.GetOrder(Connection(), "999", Now), Fake, NewShop(), Now));
        got.Error.ShouldNotBeNull();
        got.Error.Retryable.ShouldBeFalse();
        got.Error.Message.ShouldBe("订单不存在");
    }

    [Fact]
    public void A_failing_write_back_is_retryable_and_the_next_one_goes_through()
    {
        var shop = NewShop();
        shop.Put(Fake.NewOrder("2419500012345678", OrderStatus.Paid, Window.From, Window.From.AddMinutes(5), "MUG-W", 1, 49.5m));
        shop.FailNextShipments = 1;
        var call = Api.Ship(Connection(), new ShipmentNotice("2419500012345678", "4", "YT1"), Now);

        var failed = Api.ReadShip(ApiRoundTrip.Send(call, Fake, shop, Now));
        failed.Error.ShouldNotBeNull();
        failed.Error.Retryable.ShouldBeTrue();
        shop.FailNextShipments.ShouldBe(0);
        shop.Shipments.ShouldBeEmpty();

        Api.ReadShip(ApiRoundTrip.Send(call, Fake, shop, Now)).Error.ShouldBeNull();
        shop.Shipments.Count.ShouldBe(1);
    }

    [Fact]
    public void The_fake_refuses_a_wrong_secret_and_a_wrong_token()
    {
        var shop = NewShop();
        shop.Put(Fake.NewOrder("2419500012345678", OrderStatus.Paid, Window.From, Window.From.AddMinutes(5), "MUG-W", 1, 49.5m));

        var wrongSecret = Api.ReadList(ApiRoundTrip.Send(Api.ListModified(Connection(secret: "guessed"), Window, null, Now), Fake, shop, Now), null);
        wrongSecret.Error.ShouldNotBeNull();
        wrongSecret.Error.Code.ShouldBe(KuaishouFake.SignatureInvalid.ToString());
        wrongSecret.Error.Message.ShouldBe("签名验证失败");
        wrongSecret.Error.Retryable.ShouldBeFalse();

        var wrongToken = Api.ReadOrder(ApiRoundTrip.Send(Api.GetOrder(Connection(token: "stolen"), "2419500012345678", Now), Fake, shop, Now));
        wrongToken.Error!.Code.ShouldBe(KuaishouFake.TokenInvalid.ToString());
        wrongToken.Error.Retryable.ShouldBeFalse();
    }

    [Fact]
    public void An_outage_answers_502_which_is_retryable()
    {
        var shop = NewShop();
        shop.Down = true;
        var answer = ApiRoundTrip.Send(Api.ListModified(Connection(), Window, null, Now), Fake, shop, Now);
        answer.StatusCode.ShouldBe(502);
        var page = Api.ReadList(answer, null);
        page.Error!.Retryable.ShouldBeTrue();
        page.Error.Code.ShouldBe("http_502");
        shop.Calls.ShouldBe(1);
    }

    [Fact]
    public void Throttling_answers_are_retryable_with_the_platform_code_kept()
    {
        var quota = new ApiAnswer(200, ApiCall.NoHeaders,
            """{"result":802006,"code":"802006","msg":"业务处理失败","sub_code":"802006","sub_msg":"APP已达到当天调用额度限制"}""");
        var error = Api.ReadList(quota, null).Error!;
        error.Code.ShouldBe("802006");
        error.Message.ShouldBe("APP已达到当天调用额度限制");
        error.Retryable.ShouldBeTrue();

        var http429 = new ApiAnswer(429, new Dictionary<string, string> { ["Retry-After"] = "30" }, "");
        var limited = Api.ReadOrder(http429).Error!;
        limited.Retryable.ShouldBeTrue();
        limited.RetryAfter.ShouldBe(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void Parameter_errors_are_kept_verbatim_and_not_retried()
    {
        var answer = new ApiAnswer(200, ApiCall.NoHeaders, """{"result":2001,"error_msg":"endTime无效","requestId":"r-1"}""");
        var error = Api.ReadList(answer, null).Error!;
        error.Code.ShouldBe("2001");
        error.Message.ShouldBe("endTime无效");
        error.Retryable.ShouldBeFalse();

        Api.ReadList(new ApiAnswer(200, ApiCall.NoHeaders, "<html>oops</html>"), null).Error!.Retryable.ShouldBeTrue();
        Api.ReadList(new ApiAnswer(200, ApiCall.NoHeaders, """{"result":1}"""), null).Error!.Code.ShouldBe("ordo.invalid_response");
    }

    [Fact]
    public void The_last_page_and_a_stuck_cursor_end_the_pull()
    {
        var last = Api.ReadList(new ApiAnswer(200, ApiCall.NoHeaders, """{"result":1,"data":{"cursor":"nomore","orderList":[{"orderBaseInfo":{}}]}}"""), "c1");
        last.Value!.NextPageToken.ShouldBeNull();
        last.Value.Orders.Count.ShouldBe(1);

        var stuck = Api.ReadList(new ApiAnswer(200, ApiCall.NoHeaders, """{"result":1,"data":{"cursor":"c1","orderList":[{"orderBaseInfo":{}}]}}"""), "c1");
        stuck.Error!.Code.ShouldBe("ordo.cursor_stuck");
    }

    public static TheoryData<OrderStatus> Expressible =>
    [
        OrderStatus.PendingPayment, OrderStatus.Paid, OrderStatus.Shipped, OrderStatus.Delivered, OrderStatus.Completed,
        OrderStatus.Cancelled, OrderStatus.Refunded, OrderStatus.RefundRequested,
    ];

    [Theory]
    [MemberData(nameof(Expressible))]
    public void Every_new_order_parses_with_the_adapter_into_its_status(OrderStatus status)
    {
        var fake = Fake.NewOrder("2419500012345678", status, Window.From, Window.From.AddHours(3), "TS-RED-M", 3, 33.33m);
        fake.ModifiedAt.ShouldBe(Window.From.AddHours(3));
        using var document = JsonDocument.Parse(fake.NativeJson);
        var parsed = Adapter.Parse(document.RootElement, Shop);

        parsed.Errors.ShouldBeEmpty();
        var order = parsed.Value!;
        order.Status.ShouldBe(status);
        order.PlatformOrderId.ShouldBe("2419500012345678");
        order.PlatformModifiedAt.ShouldBe(Window.From.AddHours(3));
        var line = order.Lines.ShouldHaveSingleItem();
        (line.Sku, line.Quantity, line.UnitPrice).ShouldBe(("TS-RED-M", 3, 33.33m));
        order.Amounts.Paid.ShouldBe(99.99m);
        order.Receiver.ShouldNotBeNull();
        order.Receiver.Province.ShouldBe("福建省");
    }

    [Theory]
    [InlineData(OrderStatus.Accepted)]
    [InlineData(OrderStatus.Packed)]
    [InlineData(OrderStatus.OnHold)]
    public void Ordo_only_states_are_expressed_as_paid(OrderStatus status)
    {
        using var document = JsonDocument.Parse(Fake.NewOrder("1", status, Window.From, Window.From, "S", 1, 1m).NativeJson);
        Adapter.Parse(document.RootElement, Shop).Value!.Status.ShouldBe(OrderStatus.Paid);
    }

    // ---- stock push ----

    [Theory]
    // current on the platform, wanted, skuChangeStock, changeType
    [InlineData(10, 18, 8, 1)]
    [InlineData(10, 7, 3, 2)]
    [InlineData(0, 5, 5, 1)]
    public void A_stock_push_reads_the_sku_s_stock_then_sends_the_difference(int current, int wanted, int change, int changeType)
    {
        var shop = NewShop();
        shop.Stock[FakeShop.StockKey("24904424073914", "158419190357914")] = current;
        shop.Stock[FakeShop.StockKey("24904424073914", "158419190357915")] = 99;
        var update = new StockUpdate("24904424073914", "158419190357914", wanted);

        var read = Api.PrepareSetStock(Connection(), update, Now).ShouldNotBeNull();
        var readQuery = Query(read);
        readQuery["method"].ShouldBe("open.item.get");
        readQuery["sign"].ShouldBe(ExpectedSign(readQuery, "sign-secret"));
        Param(readQuery).GetProperty("kwaiItemId").GetInt64().ShouldBe(24904424073914);
        var prepared = Api.ReadPrepareSetStock(ApiRoundTrip.Send(read, Fake, shop, Now), update);
        prepared.Value.ShouldBe(update with { CurrentQuantity = current });

        var call = Api.SetStock(Connection(), prepared.Value!, Now);
        call.Method.ShouldBe(HttpMethod.Post);
        call.Url.AbsolutePath.ShouldBe("/open/item/sku/stock/update");
        var form = Pairs(call.Body!);
        form.Keys.ShouldBe(["access_token", "appkey", "method", "param", "sign", "signMethod", "timestamp", "version"], ignoreOrder: true);
        form["method"].ShouldBe("open.item.sku.stock.update");
        form["timestamp"].ShouldBe(Now.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        form["sign"].ShouldBe(ExpectedSign(form, "sign-secret"));
        form["param"].ShouldBe($$"""{"kwaiItemId":24904424073914,"skuId":158419190357914,"skuChangeStock":{{change}},"changeType":{{changeType}}}""");

        Api.ReadSetStock(ApiRoundTrip.Send(call, Fake, shop, Now)).Error.ShouldBeNull();
        shop.StockOf("24904424073914", "158419190357914").ShouldBe(wanted);
        shop.StockOf("24904424073914", "158419190357915").ShouldBe(99);
    }

    [Fact]
    public void A_stock_push_for_an_unknown_sku_of_the_item_is_refused_before_changing_anything()
    {
        var shop = NewShop();
        shop.Stock[FakeShop.StockKey("24904424073914", "158419190357914")] = 4;
        var update = new StockUpdate("24904424073914", "1", 2);
        var prepared = Api.ReadPrepareSetStock(ApiRoundTrip.Send(Api.PrepareSetStock(Connection(), update, Now)!, Fake, shop, Now), update);
        prepared.Error.ShouldNotBeNull().Code.ShouldBe("ordo.sku_not_found");
    }
}
