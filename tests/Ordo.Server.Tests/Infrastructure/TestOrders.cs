using System.Text.Json.Nodes;

namespace Ordo.Server.Tests.Infrastructure;

/// <summary>Canonical order payloads for tests: the README's contract example, with a unique platform order id.</summary>
public static class TestOrders
{
    public const string Shop = "DY-FLAGSHIP";
    public const string Sku = "MUG-W";

    public static string NewId() => "T" + Guid.NewGuid().ToString("N")[..20];

    /// <summary>The example order with one line of <paramref name="quantity"/> × <paramref name="sku"/> at 99.00 (10.00 off the order).</summary>
    public static JsonObject Of(string sku, int quantity = 1, string status = "Paid")
    {
        var order = Example(status: status);
        order["lines"]![0]!["sku"] = sku;
        order["lines"]![0]!["quantity"] = quantity;
        order["amounts"]!["goods"] = 99.00m * quantity;
        order["amounts"]!["paid"] = 99.00m * quantity - 10.00m;
        return order;
    }

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

    /// <summary>A Shopify order as its Admin API returns it (native), paid unless told otherwise.</summary>
    public static string ShopifyNative(long id, string financialStatus = "paid", string updatedAt = "2025-03-01T10:05:40-05:00") => """
        {"id":@ID,"name":"#@NAME","email":"wei.li@example.com","created_at":"2025-03-01T10:02:11-05:00","updated_at":"@UPDATED",
         "processed_at":"2025-03-01T10:02:12-05:00","cancelled_at":null,"closed_at":null,"currency":"USD","financial_status":"@FIN",
         "fulfillment_status":null,"taxes_included":false,"total_line_items_price":"60.00","total_discounts":"0.00","total_tax":"0.00",
         "total_price":"70.00","total_shipping_price_set":{"shop_money":{"amount":"10.00","currency_code":"USD"}},
         "customer":{"id":7012345678,"first_name":"Wei","last_name":"Li"},
         "shipping_address":{"name":"Wei Li","phone":"+1 415-555-0134","address1":"1 Market St","city":"San Francisco","province":"California","zip":"94105","country_code":"US"},
         "line_items":[{"id":13000002,"variant_id":44000002,"sku":"@SKU","title":"Mug","quantity":1,"price":"60.00","total_discount":"0.00","discount_allocations":[]}]}
        """.Replace("@ID", id.ToString()).Replace("@NAME", (id % 10000).ToString()).Replace("@UPDATED", updatedAt)
           .Replace("@FIN", financialStatus).Replace("@SKU", Sku);
}
