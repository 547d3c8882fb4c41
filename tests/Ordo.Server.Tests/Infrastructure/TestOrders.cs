using System.Text.Json.Nodes;

namespace Ordo.Server.Tests.Infrastructure;

/// <summary>Canonical order payloads for tests: the README's contract example, with a unique platform order id.</summary>
public static class TestOrders
{
    public const string Shop = "DY-FLAGSHIP";
    public const string Sku = "MUG-W";

    public static string NewId() => "T" + Guid.NewGuid().ToString("N")[..20];

    public static JsonObject Example(string? platformOrderId = null, string status = "Paid", string modifiedAt = "2026-02-22T10:01:01+08:00") =>
        JsonNode.Parse($$"""
        {
          "platform": "douyin",
          "shopCode": "{{Shop}}",
          "platformOrderId": "{{platformOrderId ?? NewId()}}",
          "status": "{{status}}",
          "createdAt": "2026-02-22T10:00:00+08:00",
          "paidAt": "2026-02-22T10:01:00+08:00",
          "platformModifiedAt": "{{modifiedAt}}",
          "currency": "CNY",
          "buyer": { "nick": "小王", "platformBuyerId": "1@#Vrt9" },
          "receiver": { "name": "张三", "phone": "13800138000", "province": "福建省", "city": "厦门市",
                        "district": "思明区", "street": "莲前街道", "address": "环岛东路 1 号", "postalCode": "361000" },
          "lines": [ { "platformSkuId": "1790001", "sku": "{{Sku}}", "title": "马克杯", "quantity": 1,
                       "unitPrice": 99.00, "discount": 10.00 } ],
          "amounts": { "goods": 99.00, "freight": 0.00, "discount": 10.00, "paid": 89.00 },
          "buyerMessage": "", "sellerMemo": ""
        }
        """)!.AsObject();
}
