using System.Globalization;
using System.Text.Json;
using Ordo.Core.Inventory;
using Ordo.Core.Orders;
using Ordo.Data;
using Ordo.Data.Catalogue;
using Ordo.Data.Inventory;
using Ordo.Data.Orders;
using Ordo.Server.Features.Orders;

namespace Ordo.Server.Demo;

/// <summary>
/// Demo shops, SKUs and a few hundred orders in varied states, so that a newcomer sees a living system. The orders go
/// through the real intake and lifecycle (events, holds, webhooks), not straight into tables. Deterministic (fixed seed).
/// </summary>
public sealed partial class DemoData(OrdoDatabase database, OrderIntake intake, TimeProvider clock, ILogger<DemoData> log)
{
    public const int OrderCount = 300;

    private static readonly (Platform Platform, string Code, string Name)[] Shops =
    [
        (Platform.Taobao, "TB-HOME", "居家好物淘宝店"), (Platform.Tmall, "TM-FLAGSHIP", "Ordo 天猫旗舰店"),
        (Platform.Jd, "JD-POP", "京东 POP 店"), (Platform.Pinduoduo, "PDD-STORE", "拼多多优选店"),
        (Platform.Douyin, "DY-FLAGSHIP", "抖音旗舰店"), (Platform.Kuaishou, "KS-LIVE", "快手直播小店"),
        (Platform.Youzan, "YZ-MALL", "有赞微商城"), (Platform.Wechat, "WX-MINI", "微信小程序商城"),
    ];

    /// <summary>The demo's shop codes (the first start's demo users are made only where the demo data is).</summary>
    public static IEnumerable<string> ShopCodes => Shops.Select(s => s.Code);

    private static readonly (string Code, string Name, decimal Price)[] Skus =
    [
        ("MUG-W", "马克杯 白色", 99.00m), ("MUG-B", "马克杯 黑色", 99.00m), ("TS-RED-M", "纯棉T恤 红色 M", 79.00m),
        ("TS-RED-L", "纯棉T恤 红色 L", 79.00m), ("HD-01", "蓝牙耳机", 299.00m), ("BOX-2", "收纳盒 两件套", 29.90m),
        ("TEA-500", "明前龙井 500g", 268.00m), ("PILLOW-01", "乳胶枕", 159.00m), ("LAMP-DESK", "护眼台灯", 189.00m),
        ("SOCK-5P", "袜子 五双装", 39.90m), ("BAG-CAN", "帆布包", 59.00m), ("CUP-GLS", "玻璃水杯", 35.50m),
    ];

    // Three warehouses by region; most SKUs well stocked, two scarce so that shortage holds show up (the earphones
    // run out during the seed, the tea soon after the live demo starts).
    private static readonly Warehouse[] Warehouses =
    [
        new("WH-HZ", "杭州华东仓", ["浙江", "江苏", "上海", "安徽", "福建"], WarehouseKind.Own, false, 10),
        new("WH-GZ", "广州华南仓", ["广东", "广西", "海南", "福建"], WarehouseKind.Own, false, 20),
        new("WH-CD", "成都西南仓", ["四川", "重庆", "云南", "贵州", "湖北"], WarehouseKind.ThirdParty, false, 30),
    ];

    private static int UnitsOf(string sku, string warehouse) => (sku, warehouse) switch
    {
        ("HD-01", "WH-HZ") => 60,
        ("HD-01", _) => 0,
        ("TEA-500", "WH-HZ") => 120,
        ("TEA-500", _) => 0,
        (_, "WH-HZ") => 400,
        (_, "WH-GZ") => 250,
        _ => 150,
    };

    private static readonly (string Province, string City, string District, string Street)[] Places =
    [
        ("福建省", "厦门市", "思明区", "莲前街道"), ("浙江省", "杭州市", "西湖区", "转塘街道"), ("广东省", "深圳市", "南山区", "粤海街道"),
        ("上海市", "上海市", "长宁区", "新华路街道"), ("北京市", "北京市", "朝阳区", "三里屯街道"), ("四川省", "成都市", "武侯区", "玉林街道"),
        ("江苏省", "苏州市", "姑苏区", "平江街道"), ("湖北省", "武汉市", "洪山区", "珞南街道"), ("海南省", "", "琼海市", "嘉积镇"),
    ];

    private static readonly string[] Surnames = ["张", "王", "李", "赵", "陈", "刘", "杨", "黄", "周", "吴"];
    private static readonly string[] GivenNames = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "婷"];

    public async Task SeedIfEmptyAsync(CancellationToken ct)
    {
        var empty = await database.ReadAsync(async s =>
            await s.ScalarAsync<long>("SELECT COUNT(*) FROM orders") == 0 && await s.ScalarAsync<long>("SELECT COUNT(*) FROM shops") == 0, ct);
        if (!empty) return;

        var now = clock.GetUtcNow();
        await database.WriteAsync(async s =>
        {
            foreach (var (platform, code, name) in Shops) await CatalogueStore.TryCreateShopAsync(s, platform, code, name, now);
            foreach (var (code, name, _) in Skus) await CatalogueStore.TryCreateSkuAsync(s, code, name, now);
            foreach (var warehouse in Warehouses) await InventoryStore.TryCreateWarehouseAsync(s, warehouse, now);
            var receipts = Skus.SelectMany(k => Warehouses.Select(w => (Sku: k.Code, Warehouse: w.Code, Units: UnitsOf(k.Code, w.Code))))
                .Where(r => r.Units > 0)
                .Select(r => new StockChange(r.Sku, r.Warehouse, MovementKind.Receipt, StockLedger.DeltaOf(MovementKind.Receipt, r.Units),
                    "demo opening stock", "DEMO-OPENING"))
                .ToList();
            var booked = await InventoryStore.BookAsync(s, receipts, new Actor(ActorKind.System, "demo-data"), now);
            if (booked.Refusal is { } refusal) throw new InvalidOperationException($"demo opening stock refused: {refusal}");
        }, ct);

        var random = new Random(20261111);
        var payloads = Enumerable.Range(0, OrderCount).Select(i => Order(i, random, now)).ToList();
        var channel = new Actor(ActorKind.Channel, "demo-data");
        var results = await intake.SubmitBatchAsync(payloads, "demo", channel, ct);

        // Move orders along the lifecycle so every stage has some.
        var person = new Actor(ActorKind.User, "demo-operator");
        var system = new Actor(ActorKind.System, "demo-data");
        foreach (var (result, i) in results.Select((r, i) => (r, i)))
        {
            if (result.Order is not { Status: OrderStatus.Paid } order) continue;
            var steps = (i % 10) switch
            {
                0 or 1 => [],
                2 => [OrderAction.Accept],
                3 => [OrderAction.Accept, OrderAction.Allocate],
                4 => [OrderAction.Accept, OrderAction.Allocate, OrderAction.Pick],
                5 => [OrderAction.Accept, OrderAction.Allocate, OrderAction.Pick, OrderAction.Pack],
                6 => [OrderAction.Accept, OrderAction.Allocate, OrderAction.Pick, OrderAction.Pack, OrderAction.Ship],
                7 => [OrderAction.Accept, OrderAction.Allocate, OrderAction.Pick, OrderAction.Pack, OrderAction.Ship, OrderAction.Deliver],
                8 => [OrderAction.Accept, OrderAction.Allocate, OrderAction.Pick, OrderAction.Pack, OrderAction.Ship, OrderAction.Deliver, OrderAction.Complete],
                _ => i % 20 == 9 ? new[] { OrderAction.Cancel } : [OrderAction.Accept, OrderAction.Allocate, OrderAction.Pick, OrderAction.Pack, OrderAction.Ship, OrderAction.RequestRefund],
            };
            if (steps.Length == 0) continue;
            await database.WriteAsync(async s =>
            {
                var stored = await OrderStore.FindByNoAsync(s, order.OrderNo, forUpdate: true);
                if (stored is null) return;
                foreach (var step in steps)
                {
                    var request = step switch
                    {
                        OrderAction.Ship => new OrderActionRequest(step, null, i % 2 == 0 ? "ZTO" : "SF", $"{(i % 2 == 0 ? "7319" : "SF14")}{i:D8}"),
                        OrderAction.Cancel => new OrderActionRequest(step, "买家申请取消 (buyer asked to cancel)"),
                        OrderAction.RequestRefund => new OrderActionRequest(step, "买家申请退货退款 (buyer requested a return)"),
                        _ => new OrderActionRequest(step, null),
                    };
                    stored.Apply(request, step is OrderAction.Cancel or OrderAction.RequestRefund ? person : system, clock.GetUtcNow());
                }
                await OrderStore.UpdateAsync(s, stored);
            }, ct);
        }
        LogSeeded(Shops.Length, Skus.Length, Warehouses.Length, results.Count, results.Count(r => r.Order?.Status == OrderStatus.OnHold));
    }

    private static string Order(int i, Random random, DateTimeOffset now)
    {
        var (platform, shop, _) = Shops[i % Shops.Length];
        var created = now.AddMinutes(-random.Next(5, 3 * 24 * 60));
        var status = i % 25 == 24 ? OrderStatus.PendingPayment : OrderStatus.Paid;
        var lineCount = 1 + random.Next(0, 3);
        var lines = new List<object>();
        decimal goods = 0, lineDiscounts = 0;
        for (var l = 0; l < lineCount; l++)
        {
            var (code, name, price) = Skus[random.Next(Skus.Length)];
            var quantity = 1 + random.Next(0, 3);
            var discount = random.Next(0, 4) == 0 ? 5.00m : 0m;
            // A few orders carry a SKU the catalogue does not know: they are held for review.
            var sku = i % 37 == 5 && l == 0 ? "NEW-" + code : code;
            lines.Add(new { platformSkuId = (1_790_000 + Array.FindIndex(Skus, x => x.Code == code)).ToString(CultureInfo.InvariantCulture), sku, title = name, quantity, unitPrice = price, discount });
            goods += price * quantity;
            lineDiscounts += discount;
        }
        var freight = goods >= 99 ? 0m : 8.00m;
        var paid = goods + freight - lineDiscounts;
        if (i % 41 == 7) paid -= 1.00m; // amounts that do not add up: held for review
        var place = Places[random.Next(Places.Length)];
        var phone = "13" + random.Next(100_000_000, 999_999_999).ToString(CultureInfo.InvariantCulture);
        var receiverName = Surnames[random.Next(Surnames.Length)] + GivenNames[random.Next(GivenNames.Length)];
        var order = new Dictionary<string, object?>
        {
            ["platform"] = platform.Name(),
            ["shopCode"] = shop,
            ["platformOrderId"] = PlatformOrderId(platform, i, created),
            ["status"] = status.ToString(),
            ["createdAt"] = created.ToOffset(ChinaTime.Offset).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
            ["paidAt"] = status == OrderStatus.Paid ? created.AddMinutes(1).ToOffset(ChinaTime.Offset).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture) : null,
            ["platformModifiedAt"] = created.AddMinutes(1).ToOffset(ChinaTime.Offset).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
            ["currency"] = "CNY",
            ["buyer"] = new { nick = "买家" + i.ToString(CultureInfo.InvariantCulture), platformBuyerId = $"demo-buyer-{i % 120}" },
            ["receiver"] = i % 53 == 11 ? null : new
            {
                name = receiverName, phone, province = place.Province, city = place.City, district = place.District, street = place.Street,
                address = $"{random.Next(1, 300)} 号 {random.Next(1, 30)} 栋 {random.Next(101, 2999)} 室", postalCode = "361000",
            },
            ["lines"] = lines,
            ["amounts"] = new { goods, freight, discount = lineDiscounts, paid },
            ["buyerMessage"] = i % 7 == 0 ? "尽快发货，谢谢" : "",
            ["sellerMemo"] = "",
            ["tags"] = i % 11 == 0 ? new[] { "VIP" } : Array.Empty<string>(),
            ["priority"] = i % 11 == 0 ? 5 : 0,
        };
        return JsonSerializer.Serialize(order, ApiJson.Options);
    }

    private static string PlatformOrderId(Platform platform, int i, DateTimeOffset created) => platform switch
    {
        Platform.Pinduoduo => $"{created.ToOffset(ChinaTime.Offset):yyMMdd}-{(100_000_000_000_000L + i * 7919L).ToString(CultureInfo.InvariantCulture)}",
        Platform.Douyin => (6_936_476_692_437_400_000L + i * 104_729L).ToString(CultureInfo.InvariantCulture),
        _ => (3_821_004_455_600_000L + i * 7_927L).ToString(CultureInfo.InvariantCulture),
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo data: {Shops} shops, {Skus} SKUs, {Warehouses} warehouses with opening stock, {Orders} orders ({Held} held for review)")]
    private partial void LogSeeded(int shops, int skus, int warehouses, int orders, int held);
}
