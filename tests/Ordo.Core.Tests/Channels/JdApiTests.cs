using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Ordo.Core.Channels;
using Ordo.Core.Channels.Jd;
using Ordo.Core.Orders;
using Ordo.Simulator.Platforms;
using Shouldly;

namespace Ordo.Core.Tests.Channels;

public class JdApiTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly PullWindow Window = new(new(2025, 3, 1, 0, 0, 0, TimeSpan.Zero), new(2025, 3, 1, 10, 0, 0, TimeSpan.Zero));
    private static readonly Uri BaseUrl = new("https://api.jd.com/");
    private static readonly IPlatformApi Api = new JdApi();
    private static readonly JdFake Fake = new();
    private static readonly JdOrderAdapter Adapter = new();
    private static readonly ShopContext Shop = new(Platform.Jd, "JD-POP-1");

    private static FakeShop NewShop() => new("jd-app-key", "jd-secret-1", "jd-token-1");

    private static ApiConnection Connection(FakeShop shop, string? secret = null, string? token = null) =>
        new(BaseUrl, shop.AppKey, secret ?? shop.AppSecret, token ?? shop.AccessToken);

    private static Dictionary<string, string> Form(ApiCall call)
    {
        var form = System.Web.HttpUtility.ParseQueryString(call.Body!);
        return form.AllKeys.ToDictionary(k => k!, k => form[k]!);
    }

    private static JsonElement Business(ApiCall call) => JsonDocument.Parse(Form(call)["360buy_param_json"]).RootElement;

    /// <summary>The documented recipe, written out here: upper(md5(secret + k1v1 + k2v2 … + secret)), names sorted, sign left out.</summary>
    private static string ExpectedSign(IReadOnlyDictionary<string, string> parameters, string secret)
    {
        var text = new StringBuilder(secret);
        foreach (var name in parameters.Keys.Where(k => k != "sign").OrderBy(k => k, StringComparer.Ordinal)) text.Append(name).Append(parameters[name]);
        text.Append(secret);
        return Convert.ToHexString(MD5.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static (FakeShop Shop, List<string> Inside) ShopWithOrders(int count = 250)
    {
        var shop = NewShop();
        var inside = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var id = (301234560000L + i).ToString();
            var modified = Window.From.AddMinutes(2 * i);
            shop.Put(Fake.NewOrder(id, OrderStatus.Paid, modified.AddMinutes(-5), modified, "HD-01", 1, 299.00m));
            inside.Add(id);
        }
        shop.Put(Fake.NewOrder("301234569001", OrderStatus.Paid, Window.From.AddHours(-1), Window.From.AddSeconds(-1), "X", 1, 1m));
        shop.Put(Fake.NewOrder("301234569002", OrderStatus.Paid, Window.From.AddHours(-1), Window.To, "X", 1, 1m));
        shop.Put(Fake.NewOrder("301234569003", OrderStatus.Paid, Window.From.AddHours(-1), Window.To.AddHours(1), "X", 1, 1m));
        return (shop, inside);
    }

    private static ApiAnswer Send(ApiCall call, FakeShop shop) => ApiRoundTrip.Send(call, Fake, shop, Now);

    private static (List<JsonElement> Orders, List<string?> Tokens) Pull(FakeShop shop, ApiConnection connection, Action<int>? between = null)
    {
        var orders = new List<JsonElement>();
        var tokens = new List<string?>();
        string? token = null;
        do
        {
            tokens.Add(token);
            var page = Api.ReadList(Send(Api.ListModified(connection, Window, token, Now), shop), token);
            page.Error.ShouldBeNull();
            page.Value!.OrderIdsToFetch.ShouldBeEmpty();
            orders.AddRange(page.Value.Orders);
            token = page.Value.NextPageToken;
            between?.Invoke(tokens.Count);
        } while (token is not null && tokens.Count < 50);
        return (orders, tokens);
    }

    private static string IdOf(JsonElement order) => order.GetProperty("orderId").GetString()!;

    [Fact]
    public void The_signature_follows_the_documented_recipe_over_the_common_parameters_and_the_param_json()
    {
        var shop = NewShop();
        foreach (var call in new[]
                 {
                     Api.ListModified(Connection(shop), Window, null, Now),
                     Api.GetOrder(Connection(shop), "301234567890", Now),
                     Api.Ship(Connection(shop), new ShipmentNotice("301234567890", "463", "YT1234567890123"), Now),
                 })
        {
            var form = Form(call);
            form.Keys.ShouldBe(["360buy_param_json", "access_token", "app_key", "method", "sign", "timestamp", "v"], ignoreOrder: true);
            form["sign"].ShouldBe(ExpectedSign(form, "jd-secret-1"));
        }
    }

    [Fact]
    public void A_list_request_searches_by_modified_time_in_China_time_over_every_state()
    {
        var call = Api.ListModified(Connection(NewShop()), Window, null, Now);

        call.Method.ShouldBe(HttpMethod.Post);
        call.Url.ShouldBe(new Uri("https://api.jd.com/routerjson"));
        var form = Form(call);
        form["method"].ShouldBe("jingdong.pop.order.search");
        form["app_key"].ShouldBe("jd-app-key");
        form["access_token"].ShouldBe("jd-token-1");
        form["timestamp"].ShouldBe("2025-03-01 20:00:00");
        form["v"].ShouldBe("2.0");
        var q = Business(call);
        q.GetProperty("start_date").GetString().ShouldBe("2025-03-01 08:00:00");
        q.GetProperty("end_date").GetString().ShouldBe("2025-03-01 18:00:00");
        q.GetProperty("dateType").GetInt32().ShouldBe(0);
        q.GetProperty("page").GetString().ShouldBe("1");
        q.GetProperty("page_size").GetString().ShouldBe("100");
        q.GetProperty("order_state").GetString()!.Split(',').ShouldBe(JdApi.OrderStates);
        var fields = q.GetProperty("optional_fields").GetString()!.Split(',');
        fields.ShouldContain("orderId");
        fields.ShouldContain("modified");
        fields.ShouldContain("consigneeInfo");
        fields.ShouldContain("itemInfoList");

        Business(Api.ListModified(Connection(NewShop()), Window, "page:4", Now)).GetProperty("page").GetString().ShouldBe("4");
        Api.MaxWindow.ShouldBe(TimeSpan.FromDays(28));
        Api.Platforms.ShouldBe([Platform.Jd]);
    }

    [Fact]
    public void The_adapter_knows_every_state_the_search_asks_for()
    {
        JdApi.OrderStates.ShouldBeSubsetOf(JdOrderAdapter.KnownOrderStates);
    }

    [Fact]
    public void Pulling_250_orders_walks_from_the_last_page_back_and_returns_whole_orders_of_the_window()
    {
        var (shop, inside) = ShopWithOrders();

        var (orders, tokens) = Pull(shop, Connection(shop));

        tokens.ShouldBe([null, "page:3", "page:2", "page:1"]);
        orders.Select(IdOf).ShouldBe(inside, ignoreOrder: true);
        shop.Calls.ShouldBe(4);
        foreach (var native in orders)
        {
            var order = Adapter.Parse(native, Shop);
            order.Errors.ShouldBeEmpty();
            order.Value!.Status.ShouldBe(OrderStatus.Paid);
            order.Value.Lines.ShouldBe([new OrderLine(order.Value.Lines[0].PlatformSkuId, "HD-01", "商品 HD-01", 1, 299.00m, 0m)]);
            order.Value.PlatformModifiedAt.ShouldNotBeNull().ShouldBeInRange(Window.From, Window.To.AddSeconds(-1));
        }
    }

    [Fact]
    public void An_order_modified_again_during_the_walk_does_not_make_another_one_skipped()
    {
        var (shop, inside) = ShopWithOrders();
        var oldest = inside[0];

        var (orders, _) = Pull(shop, Connection(shop), between: pages =>
        {
            if (pages == 2) shop.Put(Fake.NewOrder(oldest, OrderStatus.Shipped, Window.From, Window.To.AddHours(1), "HD-01", 1, 299.00m));
        });

        orders.Select(IdOf).Distinct().ShouldBe(inside.Where(id => id != oldest), ignoreOrder: true);
    }

    [Fact]
    public void A_small_window_takes_one_call_and_the_single_page_reader_refuses_more()
    {
        var (small, inside) = ShopWithOrders(count: 12);
        var (orders, tokens) = Pull(small, Connection(small));
        orders.Select(IdOf).ShouldBe(inside, ignoreOrder: true);
        tokens.ShouldBe([null]);

        var (large, _) = ShopWithOrders();
        var result = Api.ReadList(Send(Api.ListModified(Connection(large), Window, null, Now), large));
        result.Error.ShouldNotBeNull().Code.ShouldBe("paging");
    }

    [Fact]
    public void Getting_one_order_returns_the_order_info_the_adapter_reads()
    {
        var (shop, _) = ShopWithOrders(count: 3);

        var call = Api.GetOrder(Connection(shop), "301234560001", Now);
        call.Url.AbsolutePath.ShouldBe("/routerjson");
        Form(call)["method"].ShouldBe("jingdong.pop.order.get");
        Business(call).GetProperty("order_id").GetString().ShouldBe("301234560001");

        var native = Api.ReadOrder(Send(call, shop));
        native.Error.ShouldBeNull();
        var order = Adapter.Parse(native.Value, Shop);
        order.Errors.ShouldBeEmpty();
        order.Value!.PlatformOrderId.ShouldBe("301234560001");
        order.Value.ReceiverPrivacy.ShouldNotBeNull().EncryptedName.ShouldNotBeNull();

        var missing = Api.ReadOrder(Send(Api.GetOrder(Connection(shop), "42", Now), shop));
        missing.Error.ShouldBe(new ApiError("10100034", "订单不存在 (order does not exist)", false));
    }

    [Fact]
    public void Shipping_sends_the_documented_write_back_and_the_order_moves_on()
    {
        var shop = NewShop();
        shop.Put(Fake.NewOrder("301234567890", OrderStatus.Paid, Now.AddHours(-2), Now.AddHours(-1), "HD-01", 1, 299.00m));

        // JOS ships whole orders: sub-order ids are not part of the call.
        var call = Api.Ship(Connection(shop), new ShipmentNotice("301234567890", "463", "YT1234567890123", ["x"]), Now);
        Form(call)["method"].ShouldBe("jingdong.pop.order.shipment");
        Business(call).GetRawText().ShouldBe("""{"orderId":301234567890,"logiCoprId":"463","logiNo":"YT1234567890123"}""");

        var shipped = Api.ReadShip(Send(call, shop));
        shipped.Error.ShouldBeNull();
        shipped.Value!.ShouldContain("sopjosshipment_result");
        shop.Shipments.ShouldHaveSingleItem().ShouldBe(new FakeShipment("301234567890", "463", "YT1234567890123", [], Now));

        var after = Adapter.Parse(Api.ReadOrder(Send(Api.GetOrder(Connection(shop), "301234567890", Now), shop)).Value, Shop);
        after.Value!.Status.ShouldBe(OrderStatus.Shipped);

        var again = Api.ReadShip(Send(call, shop));
        again.Error.ShouldNotBeNull().Retryable.ShouldBeFalse();
    }

    [Fact]
    public void A_failing_write_back_is_JOSs_refusal_and_the_next_one_goes_through()
    {
        var shop = NewShop();
        shop.Put(Fake.NewOrder("301234567890", OrderStatus.Paid, Now.AddHours(-2), Now.AddHours(-1), "HD-01", 1, 299.00m));
        shop.FailNextShipments = 1;
        var call = Api.Ship(Connection(shop), new ShipmentNotice("301234567890", "463", "YT1234567890123"), Now);

        Api.ReadShip(Send(call, shop)).Error.ShouldBe(new ApiError("10400002", "订单出库失败 (order shipment failed)", false));
        shop.FailNextShipments.ShouldBe(0);
        shop.Shipments.ShouldBeEmpty();

        Api.ReadShip(Send(call, shop)).Succeeded.ShouldBeTrue();
    }

    [Fact]
    public void A_wrong_secret_or_token_is_refused_and_not_retried()
    {
        var shop = NewShop();

        Api.ReadList(Send(Api.ListModified(Connection(shop, secret: "guessed"), Window, null, Now), shop), null)
            .Error.ShouldBe(new ApiError("12", "无效签名 (Invalid Signature)", false));
        Api.ReadOrder(Send(Api.GetOrder(Connection(shop, token: "expired"), "1", Now), shop))
            .Error.ShouldBe(new ApiError("19", "无效access_token (Invalid access_token)", false));
    }

    [Fact]
    public void The_fake_holds_to_the_one_month_window()
    {
        var shop = NewShop();
        var february = new PullWindow(new(2025, 2, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 2, 1, 0, 0, 0, TimeSpan.Zero) + Api.MaxWindow);
        Api.ReadList(Send(Api.ListModified(Connection(shop), february, null, Now), shop), null).Succeeded.ShouldBeTrue();

        var tooLong = february with { To = february.From.AddMonths(1).AddSeconds(1) };
        Api.ReadList(Send(Api.ListModified(Connection(shop), tooLong, null, Now), shop), null).Error.ShouldNotBeNull().Code.ShouldBe("61");
    }

    [Fact]
    public void An_outage_answers_502_and_reads_as_retryable()
    {
        var shop = NewShop();
        shop.Down = true;

        var answer = Send(Api.ListModified(Connection(shop), Window, null, Now), shop);

        answer.StatusCode.ShouldBe(502);
        Api.ReadList(answer, null).Error.ShouldNotBeNull().Retryable.ShouldBeTrue();
        Api.ReadOrder(answer).Error!.Code.ShouldBe("http-502");
        Api.ReadShip(answer).Error!.Retryable.ShouldBeTrue();
    }

    private static ApiAnswer Answer(string body, int status = 200) => new(status, new Dictionary<string, string>(), body);

    [Fact]
    public void Call_limits_and_back_end_failures_are_retryable_other_errors_not()
    {
        Api.ReadList(Answer("""{"error_response":{"code":"2","zh_desc":"限制时间内调用失败次数","en_desc":"App Call Limited"}}"""), null)
            .Error.ShouldBe(new ApiError("2", "限制时间内调用失败次数 (App Call Limited)", true));
        Api.ReadOrder(Answer("""{"error_response":{"code":"66","zh_desc":"平台连接后端服务不可用","en_desc":"platform to connect to the back-end service not available"}}"""))
            .Error!.Retryable.ShouldBeTrue();
        Api.ReadShip(Answer("""{"error_response":{"code":"67","zh_desc":"平台连接后端服务处理过程中出现未知异常信息"}}"""))
            .Error.ShouldBe(new ApiError("67", "平台连接后端服务处理过程中出现未知异常信息", true));
        Api.ReadList(Answer("""{"error_response":{"code":"61","zh_desc":"参数值不合法"}}"""), null).Error!.Retryable.ShouldBeFalse();
        Api.ReadList(Answer("""{"jingdong_pop_order_search_responce":{"code":"0","searchorderinfo_result":{"apiResult":{"success":false,"chineseErrCode":"查询失败","englishErrCode":"query failed","numberCode":10100001}}}}"""), null)
            .Error.ShouldBe(new ApiError("10100001", "查询失败 (query failed)", false));
        Api.ReadList(Answer("busy", 503), null).Error.ShouldBe(new ApiError("http-503", "busy", true));
        Api.ReadList(Answer("<html>错误</html>"), null).Error!.Retryable.ShouldBeTrue();
    }

    public static TheoryData<OrderStatus, OrderStatus> NewOrderStatuses()
    {
        var data = new TheoryData<OrderStatus, OrderStatus>();
        foreach (var status in Enum.GetValues<OrderStatus>())
            data.Add(status, status switch
            {
                // JD's order payload has no warehouse steps, holds or refund side (after-sales is another API).
                OrderStatus.Accepted or OrderStatus.Allocated or OrderStatus.Picking or OrderStatus.Packed or OrderStatus.OnHold
                    or OrderStatus.RefundRequested => OrderStatus.Paid,
                OrderStatus.Refunded => OrderStatus.Cancelled,
                _ => status,
            });
        return data;
    }

    [Theory]
    [MemberData(nameof(NewOrderStatuses))]
    public void Every_new_order_parses_to_its_status(OrderStatus status, OrderStatus expected)
    {
        var created = new DateTimeOffset(2025, 3, 1, 2, 0, 0, TimeSpan.Zero);
        var fake = Fake.NewOrder("249786309732", status, created, created.AddHours(3), "SOAP-3", 2, 59.90m);

        var order = Adapter.Parse(JsonDocument.Parse(fake.NativeJson).RootElement, Shop);

        order.Errors.ShouldBeEmpty();
        order.Value!.Status.ShouldBe(expected);
        order.Value.PlatformOrderId.ShouldBe("249786309732");
        order.Value.CreatedAt.ShouldBe(created);
        order.Value.PlatformModifiedAt.ShouldBe(created.AddHours(3));
        order.Value.Lines.ShouldHaveSingleItem().ShouldBe(new OrderLine(order.Value.Lines[0].PlatformSkuId, "SOAP-3", "商品 SOAP-3", 2, 59.90m, 0m));
        order.Value.Amounts.ShouldBe(new OrderAmounts(119.80m, 0m, 0m, 119.80m));
        order.Value.ReceiverPrivacy.ShouldNotBeNull().EncryptedAddress.ShouldNotBeNull();
    }

    // ---- stock push ----

    [Theory]
    [InlineData("100012043978", "100012043979", 100012043979L, 12)]
    [InlineData("100012043978", null, 100012043978L, 0)]
    public void A_stock_push_sets_the_jd_sku_s_stock_and_the_fake_keeps_it(string ware, string? sku, long jdSku, int quantity)
    {
        var shop = NewShop();
        var call = Api.SetStock(Connection(shop), new StockUpdate(ware, sku, quantity), Now);

        var form = Form(call);
        form.Keys.ShouldBe(["360buy_param_json", "access_token", "app_key", "method", "sign", "timestamp", "v"], ignoreOrder: true);
        form["method"].ShouldBe("jingdong.stock.write.updateSkuStock");
        form["app_key"].ShouldBe("jd-app-key");
        form["access_token"].ShouldBe("jd-token-1");
        form["timestamp"].ShouldBe("2025-03-01 20:00:00");
        form["360buy_param_json"].ShouldBe($$"""{"skuId":{{jdSku}},"stockNum":{{quantity}}}""");
        form["sign"].ShouldBe(ExpectedSign(form, "jd-secret-1"));

        Api.ReadSetStock(Send(call, shop)).Error.ShouldBeNull();
        shop.StockOf(jdSku.ToString(System.Globalization.CultureInfo.InvariantCulture)).ShouldBe(quantity);
    }

    [Fact]
    public void A_failed_stock_push_is_retryable_when_jos_is_unavailable()
    {
        var shop = NewShop();
        shop.FailNextStockUpdates = 1;
        var error = Api.ReadSetStock(Send(Api.SetStock(Connection(shop), new StockUpdate("1", "2", 3), Now), shop)).Error.ShouldNotBeNull();
        error.Code.ShouldBe("66");
        error.Retryable.ShouldBeTrue();
        shop.Stock.ShouldBeEmpty();
    }
}
