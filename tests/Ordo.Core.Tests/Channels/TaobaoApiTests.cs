using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Ordo.Core.Channels;
using Ordo.Core.Channels.Taobao;
using Ordo.Core.Orders;
using Ordo.Simulator.Platforms;
using Shouldly;

namespace Ordo.Core.Tests.Channels;

public class TaobaoApiTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly PullWindow Window = new(new(2025, 3, 1, 0, 0, 0, TimeSpan.Zero), new(2025, 3, 1, 10, 0, 0, TimeSpan.Zero));
    private static readonly Uri BaseUrl = new("http://127.0.0.1:5080/fake/taobao");
    private static readonly IPlatformApi Api = new TaobaoApi();
    private static readonly TaobaoFake Fake = new();
    private static readonly TaobaoOrderAdapter Adapter = new();
    private static readonly ShopContext Shop = new(Platform.Taobao, "TB-1");

    private static FakeShop NewShop() => new("12345678", "top-secret-1", "6100e2f9session");

    private static ApiConnection Connection(FakeShop shop, string? secret = null, string? session = null) =>
        new(BaseUrl, shop.AppKey, secret ?? shop.AppSecret, session ?? shop.AccessToken);

    private static Dictionary<string, string> Form(ApiCall call)
    {
        var form = System.Web.HttpUtility.ParseQueryString(call.Body!);
        return form.AllKeys.ToDictionary(k => k!, k => form[k]!);
    }

    /// <summary>The documented recipe, written out here: upper(md5(secret + k1v1 + k2v2 … + secret)), names sorted, sign left out.</summary>
    private static string ExpectedSign(IReadOnlyDictionary<string, string> parameters, string secret)
    {
        var text = new StringBuilder(secret);
        foreach (var name in parameters.Keys.Where(k => k != "sign").OrderBy(k => k, StringComparer.Ordinal)) text.Append(name).Append(parameters[name]);
        text.Append(secret);
        return Convert.ToHexString(MD5.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>250 orders modified within the window (2 minutes apart) and three just outside it.</summary>
    private static (FakeShop Shop, List<string> Inside) ShopWithOrders(int count = 250)
    {
        var shop = NewShop();
        var inside = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var id = (3821004455600000L + i).ToString();
            var modified = Window.From.AddMinutes(2 * i);
            shop.Put(Fake.NewOrder(id, OrderStatus.Paid, modified.AddMinutes(-5), modified, "TS-RED-M", 2, 99.00m));
            inside.Add(id);
        }
        shop.Put(Fake.NewOrder("3821004455699001", OrderStatus.Paid, Window.From.AddHours(-1), Window.From.AddSeconds(-1), "X", 1, 1m));
        shop.Put(Fake.NewOrder("3821004455699002", OrderStatus.Paid, Window.From.AddHours(-1), Window.To, "X", 1, 1m));
        shop.Put(Fake.NewOrder("3821004455699003", OrderStatus.Paid, Window.From.AddHours(-1), Window.To.AddHours(1), "X", 1, 1m));
        return (shop, inside);
    }

    private static ApiAnswer Send(ApiCall call, FakeShop shop) => ApiRoundTrip.Send(call, Fake, shop, Now);

    /// <summary>Walks a window page by page as the server does; <paramref name="between"/> runs after each page.</summary>
    private static (List<string> Ids, List<string?> Tokens) Pull(FakeShop shop, ApiConnection connection, Action<int>? between = null)
    {
        var ids = new List<string>();
        var tokens = new List<string?>();
        string? token = null;
        do
        {
            tokens.Add(token);
            var answer = Send(Api.ListModified(connection, Window, token, Now), shop);
            var page = Api.ReadList(answer, token);
            page.Error.ShouldBeNull();
            page.Value!.Orders.ShouldBeEmpty();
            ids.AddRange(page.Value.OrderIdsToFetch);
            token = page.Value.NextPageToken;
            between?.Invoke(tokens.Count);
        } while (token is not null && tokens.Count < 50);
        return (ids, tokens);
    }

    [Fact]
    public void The_signature_follows_the_documented_recipe()
    {
        var shop = NewShop();
        foreach (var call in new[]
                 {
                     Api.ListModified(Connection(shop), Window, null, Now),
                     Api.GetOrder(Connection(shop), "3821004455667788", Now),
                     Api.Ship(Connection(shop), new ShipmentNotice("3821004455667788", "YTO", "YT1234567890123", ["38210044556677881"]), Now),
                 })
        {
            var form = Form(call);
            form["sign"].ShouldBe(ExpectedSign(form, "top-secret-1"));
            form["sign"].ShouldMatch("^[0-9A-F]{32}$");
        }
    }

    [Fact]
    public void A_list_request_carries_the_common_parameters_and_the_window_in_China_time()
    {
        var call = Api.ListModified(Connection(NewShop()), Window, null, Now);

        call.Method.ShouldBe(HttpMethod.Post);
        call.Url.ShouldBe(new Uri("http://127.0.0.1:5080/fake/taobao/router/rest"));
        call.ContentType.ShouldBe("application/x-www-form-urlencoded;charset=utf-8");
        var form = Form(call);
        form.Remove("sign");
        form.ShouldBe(new Dictionary<string, string>
        {
            ["method"] = "taobao.trades.sold.increment.get",
            ["app_key"] = "12345678",
            ["session"] = "6100e2f9session",
            ["timestamp"] = "2025-03-01 20:00:00",
            ["format"] = "json",
            ["v"] = "2.0",
            ["sign_method"] = "md5",
            ["fields"] = "tid,modified",
            ["start_modified"] = "2025-03-01 08:00:00",
            ["end_modified"] = "2025-03-01 18:00:00",
            ["page_no"] = "1",
            ["page_size"] = "100",
            ["use_has_next"] = "false",
        }, ignoreOrder: true);
        Api.MaxWindow.ShouldBe(TimeSpan.FromDays(1));
        Api.Platforms.ShouldBe([Platform.Taobao, Platform.Tmall]);
    }

    [Fact]
    public void Later_pages_name_their_page_and_use_has_next_paging()
    {
        var form = Form(Api.ListModified(Connection(NewShop()), Window, "page:3", Now));

        form["page_no"].ShouldBe("3");
        form["use_has_next"].ShouldBe("true");
        // A token that is not ours starts the window over rather than guess.
        Form(Api.ListModified(Connection(NewShop()), Window, "cursor-xyz", Now))["page_no"].ShouldBe("1");
    }

    [Fact]
    public void Pulling_250_orders_walks_from_the_last_page_back_and_returns_exactly_the_window()
    {
        var (shop, inside) = ShopWithOrders();

        var (ids, tokens) = Pull(shop, Connection(shop));

        tokens.ShouldBe([null, "page:3", "page:2", "page:1"]);
        ids.Count.ShouldBe(250);
        ids.ShouldBe(inside, ignoreOrder: true);
        shop.Calls.ShouldBe(4);
    }

    [Fact]
    public void An_order_modified_again_during_the_walk_does_not_make_another_one_skipped()
    {
        var (shop, inside) = ShopWithOrders();
        var newest = inside[^1];

        // After the last page is read, the newest order is modified again: it leaves the window and every order
        // after it moves one place up.
        var (ids, _) = Pull(shop, Connection(shop), between: pages =>
        {
            if (pages == 2) shop.Put(Fake.NewOrder(newest, OrderStatus.Shipped, Window.From, Window.To.AddHours(1), "TS-RED-M", 2, 99.00m));
        });

        ids.Distinct().ShouldBe(inside.Where(id => id != newest), ignoreOrder: true);
    }

    [Fact]
    public void A_small_or_empty_window_takes_one_call()
    {
        var (shop, inside) = ShopWithOrders(count: 7);

        var (ids, tokens) = Pull(shop, Connection(shop));
        ids.ShouldBe(inside, ignoreOrder: true);
        tokens.ShouldBe([null]);

        var empty = NewShop();
        Pull(empty, Connection(empty)).Ids.ShouldBeEmpty();
        empty.Calls.ShouldBe(1);
    }

    [Fact]
    public void Without_the_page_token_only_a_single_page_window_is_read()
    {
        var (small, _) = ShopWithOrders(count: 3);
        Api.ReadList(Send(Api.ListModified(Connection(small), Window, null, Now), small)).Value!.OrderIdsToFetch.Count.ShouldBe(3);

        var (large, _) = ShopWithOrders();
        var result = Api.ReadList(Send(Api.ListModified(Connection(large), Window, null, Now), large));
        result.Error.ShouldNotBeNull().Code.ShouldBe("paging");
        result.Error.Retryable.ShouldBeFalse();
    }

    [Fact]
    public void Every_pulled_id_fetches_a_full_trade_the_adapter_reads()
    {
        var (shop, _) = ShopWithOrders(count: 120);

        foreach (var id in Pull(shop, Connection(shop)).Ids)
        {
            var call = Api.GetOrder(Connection(shop), id, Now);
            var form = Form(call);
            form["method"].ShouldBe("taobao.trade.fullinfo.get");
            form["tid"].ShouldBe(id);
            form["fields"].Split(',').ShouldContain("orders");

            var trade = Api.ReadOrder(Send(call, shop));
            trade.Error.ShouldBeNull();
            var order = Adapter.Parse(trade.Value, Shop);
            order.Errors.ShouldBeEmpty();
            order.Value!.PlatformOrderId.ShouldBe(id);
            order.Value.Status.ShouldBe(OrderStatus.Paid);
            order.Value.Lines.ShouldBe([new OrderLine(order.Value.Lines[0].PlatformSkuId, "TS-RED-M", "商品 TS-RED-M", 2, 99.00m, 0m)]);
            order.Value.Amounts.ShouldBe(new OrderAmounts(198.00m, 0m, 0m, 198.00m));
        }
    }

    [Fact]
    public void An_unknown_trade_is_an_error_not_an_order()
    {
        var shop = NewShop();
        var result = Api.ReadOrder(Send(Api.GetOrder(Connection(shop), "999", Now), shop));

        result.Error.ShouldBe(new ApiError("15/isv.trade-not-exist", "Remote service error: 交易不存在", false));
    }

    [Fact]
    public void Shipping_sends_the_documented_write_back_and_the_trade_moves_on()
    {
        var shop = NewShop();
        shop.Put(Fake.NewOrder("3821004455667788", OrderStatus.Paid, Now.AddHours(-2), Now.AddHours(-1), "TS-RED-M", 2, 99.00m));

        var call = Api.Ship(Connection(shop), new ShipmentNotice("3821004455667788", "YTO", "YT1234567890123"), Now);
        var form = Form(call);
        form["method"].ShouldBe("taobao.logistics.offline.send");
        form["tid"].ShouldBe("3821004455667788");
        form["out_sid"].ShouldBe("YT1234567890123");
        form["company_code"].ShouldBe("YTO");
        form.ShouldNotContainKey("sub_tid");
        form.ShouldNotContainKey("is_split");

        var shipped = Api.ReadShip(Send(call, shop));
        shipped.Error.ShouldBeNull();
        JsonDocument.Parse(shipped.Value!).RootElement.GetProperty("shipping").GetProperty("is_success").GetBoolean().ShouldBeTrue();
        shop.Shipments.ShouldHaveSingleItem().ShouldBe(new FakeShipment("3821004455667788", "YTO", "YT1234567890123", [], Now));

        var after = Adapter.Parse(Api.ReadOrder(Send(Api.GetOrder(Connection(shop), "3821004455667788", Now), shop)).Value, Shop);
        after.Value!.Status.ShouldBe(OrderStatus.Shipped);
        after.Value.PlatformModifiedAt.ShouldBe(Now);
    }

    [Fact]
    public void A_split_shipment_names_its_sub_orders()
    {
        var shop = NewShop();
        shop.Put(Fake.NewOrder("3821004455667788", OrderStatus.Paid, Now.AddHours(-2), Now.AddHours(-1), "TS-RED-M", 2, 99.00m));

        var call = Api.Ship(Connection(shop), new ShipmentNotice("3821004455667788", "SF", "SF1400000000001", ["3821004455667788"]), Now);
        var form = Form(call);
        form["sub_tid"].ShouldBe("3821004455667788");
        form["is_split"].ShouldBe("1");
        Api.ReadShip(Send(call, shop)).Error.ShouldBeNull();
        shop.Shipments.ShouldHaveSingleItem().SubOrderIds.ShouldBe(["3821004455667788"]);

        Form(Api.Ship(Connection(shop), new ShipmentNotice("1", "SF", "SF1", ["11", "12"]), Now))["sub_tid"].ShouldBe("11,12");
        var foreign = Api.ReadShip(Send(Api.Ship(Connection(shop), new ShipmentNotice("3821004455667788", "SF", "SF2", ["42"]), Now), shop));
        foreign.Error.ShouldNotBeNull().Retryable.ShouldBeFalse();
    }

    [Fact]
    public void A_failing_write_back_is_TOPs_error_and_the_next_one_goes_through()
    {
        var shop = NewShop();
        shop.Put(Fake.NewOrder("3821004455667788", OrderStatus.Paid, Now.AddHours(-2), Now.AddHours(-1), "TS-RED-M", 2, 99.00m));
        shop.FailNextShipments = 1;
        var call = Api.Ship(Connection(shop), new ShipmentNotice("3821004455667788", "YTO", "YT1234567890123"), Now);

        var failed = Api.ReadShip(Send(call, shop));
        failed.Error.ShouldBe(new ApiError("15/isv.logistics-offline-service-error", "Remote service error: 物流订单发货失败", false));
        shop.FailNextShipments.ShouldBe(0);
        shop.Shipments.ShouldBeEmpty();

        Api.ReadShip(Send(call, shop)).Succeeded.ShouldBeTrue();
        shop.Shipments.Count.ShouldBe(1);
    }

    [Fact]
    public void A_wrong_secret_or_session_is_refused_and_not_retried()
    {
        var shop = NewShop();

        var badSign = Api.ReadList(Send(Api.ListModified(Connection(shop, secret: "guessed"), Window, null, Now), shop), null);
        badSign.Error.ShouldBe(new ApiError("25", "Invalid signature", false));

        var badSession = Api.ReadList(Send(Api.ListModified(Connection(shop, session: "expired"), Window, null, Now), shop), null);
        badSession.Error.ShouldBe(new ApiError("27/invalid-sessionkey", "Invalid session: SessionKey非法", false));

        var stale = Api.ReadList(Send(Api.ListModified(Connection(shop), Window, null, Now.AddMinutes(-11)), shop), null);
        stale.Error.ShouldNotBeNull().Code.ShouldBe("31");
    }

    [Fact]
    public void An_outage_answers_502_and_reads_as_retryable()
    {
        var shop = NewShop();
        shop.Down = true;

        var answer = Send(Api.ListModified(Connection(shop), Window, null, Now), shop);

        answer.StatusCode.ShouldBe(502);
        var error = Api.ReadList(answer, null).Error.ShouldNotBeNull();
        error.Code.ShouldBe("http-502");
        error.Retryable.ShouldBeTrue();
        Api.ReadOrder(answer).Error!.Retryable.ShouldBeTrue();
        Api.ReadShip(answer).Error!.Retryable.ShouldBeTrue();
        shop.Calls.ShouldBe(1);
    }

    private static ApiAnswer Answer(string body, int status = 200, Dictionary<string, string>? headers = null) =>
        new(status, headers ?? new Dictionary<string, string>(), body);

    [Fact]
    public void Call_limits_and_TOPs_own_failures_are_retryable_with_the_ban_time()
    {
        var limited = Api.ReadList(Answer("""
            {"error_response":{"code":7,"msg":"App Call Limited","sub_code":"accesscontrol.limited-by-app-access-count","sub_msg":"This ban will last for 12 more seconds","request_id":"iz1q"}}
            """), null).Error;
        limited.ShouldBe(new ApiError("7/accesscontrol.limited-by-app-access-count", "App Call Limited: This ban will last for 12 more seconds", true, TimeSpan.FromSeconds(12)));

        var frequency = Api.ReadOrder(Answer("""{"error_response":{"code":"8","msg":"App Call Exceeds Limited Frequency"}}"""));
        frequency.Error.ShouldBe(new ApiError("8", "App Call Exceeds Limited Frequency", true));

        var isp = Api.ReadShip(Answer("""{"error_response":{"code":15,"msg":"Remote service error","sub_code":"isp.top-remote-connection-timeout","sub_msg":"连接超时"}}"""));
        isp.Error.ShouldBe(new ApiError("15/isp.top-remote-connection-timeout", "Remote service error: 连接超时", true));

        var isv = Api.ReadShip(Answer("""{"error_response":{"code":15,"msg":"Remote service error","sub_code":"isv.invalid-parameter","sub_msg":"参数错误"}}"""));
        isv.Error!.Retryable.ShouldBeFalse();

        var throttled = Api.ReadList(Answer("slow down", 429, new() { ["Retry-After"] = "30" }), null).Error;
        throttled.ShouldBe(new ApiError("http-429", "slow down", true, TimeSpan.FromSeconds(30)));

        var html = Api.ReadList(Answer("<html>gateway error</html>"), null).Error;
        html.ShouldNotBeNull().Retryable.ShouldBeTrue();

        Api.ReadList(Answer("forbidden", 403), null).Error!.Retryable.ShouldBeFalse();
    }

    public static TheoryData<OrderStatus, OrderStatus> NewOrderStatuses()
    {
        var data = new TheoryData<OrderStatus, OrderStatus>();
        foreach (var status in Enum.GetValues<OrderStatus>())
            // Ordo's own warehouse steps and holds have no Taobao form: the trade is simply paid and awaiting shipment.
            data.Add(status, status is OrderStatus.Accepted or OrderStatus.Allocated or OrderStatus.Picking or OrderStatus.Packed or OrderStatus.OnHold ? OrderStatus.Paid : status);
        return data;
    }

    [Theory]
    [MemberData(nameof(NewOrderStatuses))]
    public void Every_new_order_parses_to_its_status(OrderStatus status, OrderStatus expected)
    {
        var created = new DateTimeOffset(2025, 3, 1, 2, 0, 0, TimeSpan.Zero);
        var fake = Fake.NewOrder("4012345678901234567", status, created, created.AddHours(3), "CAP-01", 3, 45.50m);

        var order = Adapter.Parse(JsonDocument.Parse(fake.NativeJson).RootElement, new ShopContext(Platform.Tmall, "TM-1"));

        order.Errors.ShouldBeEmpty();
        order.Value!.Status.ShouldBe(expected);
        order.Value.PlatformOrderId.ShouldBe("4012345678901234567");
        order.Value.CreatedAt.ShouldBe(created);
        order.Value.PlatformModifiedAt.ShouldBe(created.AddHours(3));
        order.Value.Lines.ShouldHaveSingleItem().ShouldBe(new OrderLine(order.Value.Lines[0].PlatformSkuId, "CAP-01", "商品 CAP-01", 3, 45.50m, 0m));
        order.Value.Amounts.Paid.ShouldBe(136.50m);
        order.Value.Receiver.ShouldNotBeNull().Province.ShouldNotBeNull();
        fake.ModifiedAt.ShouldBe(created.AddHours(3));
    }

    // ---- stock push ----

    [Theory]
    [InlineData("612345678901", "4987654321001", 7)]
    [InlineData("612345678901", null, 0)]
    public void A_stock_push_sets_the_quantity_with_a_full_update_and_the_fake_keeps_it(string item, string? sku, int quantity)
    {
        var shop = NewShop();
        var call = Api.SetStock(Connection(shop), new StockUpdate(item, sku, quantity), Now);

        var form = Form(call);
        var expected = new Dictionary<string, string>
        {
            ["method"] = "taobao.item.quantity.update", ["app_key"] = "12345678", ["session"] = "6100e2f9session",
            ["timestamp"] = "2025-03-01 20:00:00", ["format"] = "json", ["v"] = "2.0", ["sign_method"] = "md5",
            ["num_iid"] = item, ["quantity"] = quantity.ToString(System.Globalization.CultureInfo.InvariantCulture), ["type"] = "1",
        };
        if (sku is not null) expected["sku_id"] = sku;
        expected["sign"] = ExpectedSign(expected, "top-secret-1");
        form.ShouldBe(expected, ignoreOrder: true);

        Api.ReadSetStock(Send(call, shop)).Error.ShouldBeNull();
        shop.StockOf(item, sku).ShouldBe(quantity);
        shop.StockUpdates.ShouldHaveSingleItem().ShouldBe(new FakeStockUpdate(item, sku, quantity, Now));
    }

    [Fact]
    public void A_refused_stock_push_reports_the_platform_error_and_changes_nothing()
    {
        var shop = NewShop();
        shop.FailNextStockUpdates = 1;
        var read = Api.ReadSetStock(Send(Api.SetStock(Connection(shop), new StockUpdate("612345678901", "1", 5), Now), shop));
        read.Error.ShouldNotBeNull().Code.ShouldBe("15/isv.item-quantity-item-update-service-error");
        shop.Stock.ShouldBeEmpty();
        Api.ReadSetStock(Send(Api.SetStock(Connection(shop, secret: "wrong"), new StockUpdate("612345678901", "1", 5), Now), shop)).Error!.Code.ShouldBe("25");
    }
}
