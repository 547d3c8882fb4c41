using System.Text.Json.Nodes;
using Ordo.Core.Orders;

namespace Ordo.Core.Tests.Orders;

/// <summary>The canonical order contract example, as JSON and as the value it must parse to.</summary>
internal static class SampleOrders
{
    public const string ContractJson = """
        {"platform":"douyin","shopCode":"DY-FLAGSHIP","platformOrderId":"6936476692437472563","status":"Paid","createdAt":"2026-02-22T10:00:00+08:00","paidAt":"2026-02-22T10:01:00+08:00","platformModifiedAt":"2026-02-22T10:01:01+08:00","currency":"CNY","buyer":{"nick":"小王","platformBuyerId":"1@#Vrt9"},"receiver":{"name":"张三","phone":"13800138000","province":"福建省","city":"厦门市","district":"思明区","street":"莲前街道","address":"环岛东路 1 号","postalCode":"361000"},"lines":[{"platformSkuId":"1790001","sku":"MUG-W","title":"马克杯","quantity":1,"unitPrice":99.00,"discount":10.00}],"amounts":{"goods":99.00,"freight":0.00,"discount":10.00,"paid":89.00},"buyerMessage":"","sellerMemo":""}
        """;

    /// <summary>A fixed "now" for every test: 2026-02-22 10:05 China time.</summary>
    public static readonly DateTimeOffset Now = new(2026, 2, 22, 2, 5, 0, TimeSpan.Zero);

    public static JsonObject ContractNode() => JsonNode.Parse(ContractJson)!.AsObject();

    /// <summary>The contract example with one change applied to its JSON.</summary>
    public static string ContractWith(Action<JsonObject> change)
    {
        var node = ContractNode();
        change(node);
        return node.ToJsonString();
    }

    /// <summary>What <see cref="ContractJson"/> means, built by hand.</summary>
    public static CanonicalOrder Contract() => new()
    {
        Platform = Platform.Douyin,
        ShopCode = "DY-FLAGSHIP",
        PlatformOrderId = "6936476692437472563",
        Status = OrderStatus.Paid,
        CreatedAt = new DateTimeOffset(2026, 2, 22, 2, 0, 0, TimeSpan.Zero),
        PaidAt = new DateTimeOffset(2026, 2, 22, 2, 1, 0, TimeSpan.Zero),
        PlatformModifiedAt = new DateTimeOffset(2026, 2, 22, 2, 1, 1, TimeSpan.Zero),
        Currency = "CNY",
        Buyer = new Buyer("小王", "1@#Vrt9"),
        Receiver = new Receiver("张三", "13800138000", "福建省", "厦门市", "思明区", "莲前街道", "环岛东路 1 号", "361000"),
        Lines = [new OrderLine("1790001", "MUG-W", "马克杯", 1, 99.00m, 10.00m)],
        Amounts = new OrderAmounts(99.00m, 0.00m, 10.00m, 89.00m),
    };
}
