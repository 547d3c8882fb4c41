using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ordo.Core.Channels;
using Ordo.Core.Channels.Shopify;
using Ordo.Core.Common;
using Ordo.Core.Orders;
using Shouldly;
using Xunit;

namespace Ordo.Core.Tests.Channels;

public class ShopifyTests
{
    private static readonly ShopContext Shop = new(Platform.Shopify, "SP-US");
    private static readonly ShopifyOrderAdapter Adapter = new();
    private static readonly ShopifyWebhook Webhook = new();
    private const string Secret = "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";

    /// <summary>
    /// A REST Admin order as <c>orders/create</c> sends it (composed from the documented field names): two lines,
    /// a 10.00 code discount spread over them, 10.00 shipping and sales tax charged on top.
    /// 118.00 − 10.00 + 10.00 + 8.91 = 126.91.
    /// </summary>
    private const string OrderJson = """
        {
          "id": 5912345678901,
          "name": "#1042",
          "order_number": 1042,
          "email": "wei.li@example.com",
          "phone": null,
          "created_at": "2025-03-01T10:02:11-05:00",
          "updated_at": "2025-03-01T10:05:40-05:00",
          "processed_at": "2025-03-01T10:02:12-05:00",
          "cancelled_at": null,
          "closed_at": null,
          "currency": "USD",
          "presentment_currency": "USD",
          "financial_status": "paid",
          "fulfillment_status": null,
          "test": false,
          "taxes_included": false,
          "total_line_items_price": "118.00",
          "subtotal_price": "108.00",
          "total_discounts": "10.00",
          "total_tax": "8.91",
          "total_price": "126.91",
          "total_shipping_price_set": {
            "shop_money": { "amount": "10.00", "currency_code": "USD" },
            "presentment_money": { "amount": "10.00", "currency_code": "USD" }
          },
          "shipping_lines": [ { "id": 4100001, "title": "Standard", "code": "STANDARD", "price": "10.00", "discounted_price": "10.00", "discount_allocations": [] } ],
          "note": "Leave at the front desk",
          "customer": { "id": 7012345678, "email": "wei.li@example.com", "first_name": "Wei", "last_name": "Li" },
          "billing_address": { "first_name": "Wei", "last_name": "Li", "phone": "+1 415-555-0199", "address1": "1 Market St", "city": "San Francisco", "province": "California", "zip": "94105", "country_code": "US" },
          "shipping_address": {
            "first_name": "Wei", "last_name": "Li", "name": "Wei Li", "company": null, "phone": "+1 415-555-0134",
            "address1": "1 Market St", "address2": "Suite 300", "city": "San Francisco",
            "province": "California", "province_code": "CA", "zip": "94105", "country": "United States", "country_code": "US"
          },
          "line_items": [
            {
              "id": 13000001, "variant_id": 44000001, "product_id": 8000001, "sku": "TS-RED-M",
              "title": "T-shirt", "variant_title": "Red / M", "name": "T-shirt - Red / M",
              "quantity": 2, "price": "29.00", "total_discount": "0.00",
              "discount_allocations": [ { "amount": "5.80", "discount_application_index": 0 } ]
            },
            {
              "id": 13000002, "variant_id": 44000002, "product_id": 8000002, "sku": "MUG-W",
              "title": "Mug", "variant_title": null, "name": "Mug",
              "quantity": 1, "price": "60.00", "total_discount": "0.00",
              "discount_allocations": [ { "amount": "4.20", "discount_application_index": 0 } ]
            }
          ]
        }
        """;

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private static string With(Action<JsonObject> change, string json = OrderJson)
    {
        var root = JsonNode.Parse(json)!.AsObject();
        change(root);
        return root.ToJsonString();
    }

    private static CanonicalOrder ParseOk(string json)
    {
        var result = Adapter.Parse(Json(json), Shop);
        result.Errors.ShouldBeEmpty(string.Join("; ", result.Errors));
        return result.Value.ShouldNotBeNull();
    }

    private static FieldError ParseSingleError(string json)
    {
        var result = Adapter.Parse(Json(json), Shop);
        result.Value.ShouldBeNull();
        return result.Errors.ShouldHaveSingleItem();
    }

    [Fact]
    public void The_example_order_maps_to_exact_canonical_values()
    {
        var order = ParseOk(OrderJson);

        order.Platform.ShouldBe(Platform.Shopify);
        order.ShopCode.ShouldBe("SP-US");
        order.PlatformOrderId.ShouldBe("5912345678901");
        order.Status.ShouldBe(OrderStatus.Paid);
        order.Currency.ShouldBe("USD");
        order.CreatedAt.ShouldBe(new DateTimeOffset(2025, 3, 1, 15, 2, 11, TimeSpan.Zero));
        order.CreatedAt.Offset.ShouldBe(TimeSpan.Zero);
        order.PaidAt.ShouldBe(new DateTimeOffset(2025, 3, 1, 15, 2, 12, TimeSpan.Zero));
        order.PlatformModifiedAt.ShouldBe(new DateTimeOffset(2025, 3, 1, 15, 5, 40, TimeSpan.Zero));
        order.Buyer.ShouldBe(new Buyer("Wei Li", "7012345678"));
        order.Receiver.ShouldBe(new Receiver("Wei Li", "+1 415-555-0134", "California", "San Francisco", null, null, "1 Market St Suite 300", "94105"));
        order.ReceiverPrivacy.ShouldBeNull();
        order.Lines.ShouldBe([
            new OrderLine("44000001", "TS-RED-M", "T-shirt - Red / M", 2, 29.00m, 5.80m),
            new OrderLine("44000002", "MUG-W", "Mug", 1, 60.00m, 4.20m),
        ]);
        order.Amounts.ShouldBe(new OrderAmounts(118.00m, 18.91m, 10.00m, 126.91m));
        order.Tags.ShouldBe(["tax:8.91"]);
        order.BuyerMessage.ShouldBe("Leave at the front desk");
        order.SellerMemo.ShouldBe("");
    }

    [Fact]
    public void The_amounts_add_up_and_pass_the_intake_checks()
    {
        var order = ParseOk(OrderJson);

        var a = order.Amounts;
        (a.Goods + a.Freight - a.Discount).ShouldBe(a.Paid);
        IntakeChecks.Evaluate(order, sku => sku is "TS-RED-M" or "MUG-W").ShouldBeEmpty();
    }

    [Fact]
    public void The_API_envelope_gives_the_same_order_and_envelope_paths_in_errors()
    {
        var enveloped = $$"""{"order":{{OrderJson}}}""";

        ParseOk(enveloped).SameDataAs(ParseOk(OrderJson)).ShouldBeTrue();

        var bad = With(o => o["order"]!["line_items"]![1]!["price"] = "60.005", enveloped);
        var error = ParseSingleError(bad);
        error.Field.ShouldBe("order.line_items[1].price");
        error.Reason.ShouldBe("amount has more than 2 decimal places");
        error.Fragment.ShouldBe("\"60.005\"");
    }

    public static TheoryData<string, string?, string?, string?, OrderStatus, string[]> StatusCases => new()
    {
        // financial_status, fulfillment_status, cancelled_at, closed_at → status, tags besides tax
        { "pending", null, null, null, OrderStatus.PendingPayment, [] },
        { "pending", "fulfilled", null, null, OrderStatus.Shipped, ["payment-pending"] },
        { "authorized", null, null, null, OrderStatus.Paid, ["payment-authorized"] },
        { "partially_paid", null, null, null, OrderStatus.Paid, ["partially-paid"] },
        { "paid", null, null, null, OrderStatus.Paid, [] },
        { "paid", "partial", null, null, OrderStatus.Shipped, ["partial-shipment"] },
        { "paid", "fulfilled", null, null, OrderStatus.Shipped, [] },
        { "paid", "fulfilled", null, "2025-03-09T08:00:00-05:00", OrderStatus.Completed, [] },
        { "paid", "restocked", null, null, OrderStatus.Paid, ["restocked"] },
        { "paid", null, "2025-03-02T09:00:00-05:00", null, OrderStatus.Cancelled, [] },
        { "partially_refunded", null, null, null, OrderStatus.Paid, ["partially-refunded"] },
        { "partially_refunded", "fulfilled", null, null, OrderStatus.Shipped, ["partially-refunded"] },
        { "partially_refunded", "restocked", "2025-03-02T09:00:00-05:00", null, OrderStatus.Refunded, ["restocked", "partially-refunded"] },
        { "refunded", null, null, null, OrderStatus.Refunded, [] },
        { "refunded", "fulfilled", null, null, OrderStatus.Refunded, [] },
        { "refunded", "restocked", "2025-03-02T09:00:00-05:00", "2025-03-02T09:00:00-05:00", OrderStatus.Refunded, ["restocked"] },
        { "voided", null, null, null, OrderStatus.Cancelled, [] },
        { "voided", null, "2025-03-02T09:00:00-05:00", null, OrderStatus.Cancelled, [] },
        { "expired", null, null, null, OrderStatus.Cancelled, [] },
        { "pending", null, "2025-03-02T09:00:00-05:00", null, OrderStatus.Cancelled, [] },
    };

    [Theory]
    [MemberData(nameof(StatusCases))]
    public void Every_financial_and_fulfillment_status_maps_to_a_canonical_status(
        string financial, string? fulfillment, string? cancelledAt, string? closedAt, OrderStatus expected, string[] tags)
    {
        var order = ParseOk(With(o =>
        {
            o["financial_status"] = financial;
            o["fulfillment_status"] = fulfillment;
            o["cancelled_at"] = cancelledAt;
            o["closed_at"] = closedAt;
        }));

        order.Status.ShouldBe(expected);
        order.Tags.Where(t => !t.StartsWith("tax:", StringComparison.Ordinal)).ShouldBe(tags);
    }

    [Theory]
    [InlineData("pending", false)]
    [InlineData("authorized", false)]
    [InlineData("voided", false)]
    [InlineData("paid", true)]
    [InlineData("partially_paid", true)]
    [InlineData("partially_refunded", true)]
    [InlineData("refunded", true)]
    public void Paid_time_is_the_processing_time_only_once_money_was_taken(string financial, bool hasPaidAt)
    {
        var order = ParseOk(With(o => o["financial_status"] = financial));

        order.PaidAt.ShouldBe(hasPaidAt ? new DateTimeOffset(2025, 3, 1, 15, 2, 12, TimeSpan.Zero) : null);
    }

    [Fact]
    public void A_test_order_is_tagged()
    {
        ParseOk(With(o => o["test"] = true)).Tags.ShouldContain("platform:test");
    }

    public static TheoryData<string, string, string, string> ErrorCases => new()
    {
        // JSON property to set, raw JSON value ("<remove>" removes it), expected field, expected reason start
        { "financial_status", "\"on_hold\"", "financial_status", "unknown financial status 'on_hold'; known: pending, authorized, partially_paid, paid, partially_refunded, refunded, voided, expired" },
        { "financial_status", "<remove>", "financial_status", "is required" },
        { "fulfillment_status", "\"shipped\"", "fulfillment_status", "unknown fulfillment status 'shipped'; known: null (unfulfilled), fulfilled, partial, restocked" },
        { "created_at", "\"2025-03-01T10:02:11\"", "created_at", "has no UTC offset; refusing to guess the zone" },
        { "created_at", "\"2025-03-01 10:02\"", "created_at", "has no UTC offset; refusing to guess the zone" },
        { "created_at", "\"yesterday at noon-05:00\"", "created_at", "is not an ISO 8601 time" },
        { "created_at", "<remove>", "created_at", "is required" },
        { "updated_at", "<remove>", "updated_at", "is required" },
        { "cancelled_at", "1740841331", "cancelled_at", "must be an ISO 8601 time" },
        { "id", "<remove>", "id", "is required" },
        { "currency", "\"usd\"", "currency", "must be a 3-letter upper-case ISO 4217 code such as USD" },
        { "currency", "<remove>", "currency", "is required" },
        { "total_price", "<remove>", "total_price", "is required" },
        { "total_price", "\"126,91\"", "total_price", "is not a yuan amount such as \"99.00\"" },
        { "total_discounts", "\"-10.00\"", "total_discounts", "amount must not be negative" },
        { "total_tax", "\"8.915\"", "total_tax", "amount has more than 2 decimal places" },
        { "taxes_included", "\"no\"", "taxes_included", "must be true or false" },
        { "line_items", "[]", "line_items", "must contain at least one line" },
        { "line_items", "<remove>", "line_items", "is required" },
        { "line_items", "{}", "line_items", "must be an array" },
        { "shipping_address", "\"1 Market St\"", "shipping_address", "must be an object" },
    };

    [Theory]
    [MemberData(nameof(ErrorCases))]
    public void A_wrong_or_missing_field_gives_one_error_with_its_native_path(string property, string raw, string field, string reason)
    {
        var json = With(o =>
        {
            if (raw == "<remove>") o.Remove(property);
            else o[property] = JsonNode.Parse(raw);
        });

        var error = ParseSingleError(json);

        error.Field.ShouldBe(field);
        error.Reason.ShouldBe(reason);
    }

    public static TheoryData<string, string, string, string> LineErrorCases => new()
    {
        { "quantity", "0", "line_items[0].quantity", "must be from 1 to 1000000" },
        { "quantity", "\"two\"", "line_items[0].quantity", "must be a whole number" },
        { "price", "null", "line_items[0].price", "is required" },
        { "price", "\"29.001\"", "line_items[0].price", "amount has more than 2 decimal places" },
        { "discount_allocations", "[{\"amount\":\"abc\"}]", "line_items[0].discount_allocations[0].amount", "is not a yuan amount such as \"99.00\"" },
    };

    [Theory]
    [MemberData(nameof(LineErrorCases))]
    public void A_wrong_line_field_names_the_line(string property, string raw, string field, string reason)
    {
        var error = ParseSingleError(With(o => o["line_items"]![0]![property] = JsonNode.Parse(raw)));

        error.Field.ShouldBe(field);
        error.Reason.ShouldBe(reason);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var json = With(o =>
        {
            o["financial_status"] = "on_hold";
            o["updated_at"] = null;
            o["line_items"]![1]!["price"] = "x";
        });

        var result = Adapter.Parse(Json(json), Shop);

        result.Errors.Select(e => e.Field).ShouldBe(["updated_at", "financial_status", "line_items[1].price"], ignoreOrder: true);
    }

    [Fact]
    public void Tax_included_in_the_prices_is_not_added_again()
    {
        // An EU shop: prices include 20% VAT; 118.00 − 10.00 + 10.00 = 118.00, of which 19.67 is VAT.
        var order = ParseOk(With(o =>
        {
            o["taxes_included"] = true;
            o["total_tax"] = "19.67";
            o["total_price"] = "118.00";
        }));

        order.Amounts.ShouldBe(new OrderAmounts(118.00m, 10.00m, 10.00m, 118.00m));
        order.Tags.ShouldBeEmpty();
    }

    [Fact]
    public void Freight_falls_back_to_the_shipping_lines_when_the_total_set_is_absent()
    {
        var order = ParseOk(With(o =>
        {
            o.Remove("total_shipping_price_set");
            o["shipping_lines"] = JsonNode.Parse("""[{"title":"Standard","price":"6.00"},{"title":"Insurance","price":"4.00"}]""");
        }));

        order.Amounts.Freight.ShouldBe(18.91m); // 6.00 + 4.00 shipping + 8.91 tax
    }

    [Fact]
    public void A_shipping_discount_left_out_of_total_discounts_is_added_to_the_discount()
    {
        // Free shipping code: 10.00 shipping discounted to 0.00; total_discounts only holds the 10.00 product discount.
        var order = ParseOk(With(o =>
        {
            o["shipping_lines"] = JsonNode.Parse("""[{"title":"Standard","price":"10.00","discounted_price":"0.00"}]""");
            o["total_price"] = "116.91";
        }));

        order.Amounts.ShouldBe(new OrderAmounts(118.00m, 18.91m, 20.00m, 116.91m));
    }

    [Fact]
    public void A_shipping_discount_already_in_total_discounts_is_not_counted_twice()
    {
        var order = ParseOk(With(o =>
        {
            o["shipping_lines"] = JsonNode.Parse("""[{"title":"Standard","price":"10.00","discounted_price":"0.00"}]""");
            o["total_discounts"] = "20.00";
            o["total_price"] = "116.91";
        }));

        order.Amounts.Discount.ShouldBe(20.00m);
    }

    [Fact]
    public void Goods_is_the_platforms_line_total_so_a_disagreement_reaches_the_intake_checks()
    {
        var order = ParseOk(With(o => o["total_line_items_price"] = "120.00"));

        order.Amounts.Goods.ShouldBe(120.00m);
        IntakeChecks.Evaluate(order, _ => true).ShouldContain(h => h.Code == "amounts_mismatch" && h.Field == "amounts.goods");
    }

    [Fact]
    public void Without_the_platform_goods_total_goods_is_the_sum_of_the_lines()
    {
        ParseOk(With(o => o.Remove("total_line_items_price"))).Amounts.Goods.ShouldBe(118.00m);
    }

    [Fact]
    public void The_line_discount_falls_back_to_total_discount_and_a_custom_line_has_no_variant_or_sku()
    {
        var order = ParseOk(With(o =>
        {
            var line = o["line_items"]![1]!.AsObject();
            line["discount_allocations"] = new JsonArray();
            line["total_discount"] = "4.20";
            line["variant_id"] = null;
            line["sku"] = "";
            line["name"] = null;
        }));

        order.Lines[1].ShouldBe(new OrderLine(null, null, "Mug", 1, 60.00m, 4.20m));
    }

    [Fact]
    public void A_guest_checkout_uses_the_order_email_as_the_buyer()
    {
        var order = ParseOk(With(o => o["customer"] = null));

        order.Buyer.ShouldBe(new Buyer(null, "wei.li@example.com"));
    }

    [Fact]
    public void An_order_without_a_shipping_address_has_no_receiver()
    {
        var order = ParseOk(With(o => o.Remove("shipping_address")));

        order.Receiver.ShouldBeNull();
        order.ReceiverPrivacy.ShouldBeNull();
    }

    [Fact]
    public void Without_a_shipping_phone_the_billing_phone_is_used_and_a_missing_name_is_built_from_its_parts()
    {
        var order = ParseOk(With(o =>
        {
            o["shipping_address"]!["phone"] = null;
            o["shipping_address"]!["name"] = null;
        }));

        order.Receiver!.Name.ShouldBe("Wei Li");
        order.Receiver.Phone.ShouldBe("+1 415-555-0199");
        order.PhoneLast4.ShouldBe("0199");
    }

    [Fact]
    public void Masked_personal_data_goes_to_the_privacy_record_never_to_the_receiver()
    {
        var order = ParseOk(With(o =>
        {
            o["shipping_address"]!["name"] = "W** L*";
            o["shipping_address"]!["phone"] = "+1 415-***-0134";
            o["shipping_address"]!["address1"] = "*** Market St";
        }));

        order.Receiver.ShouldBe(new Receiver(null, null, "California", "San Francisco", null, null, null, "94105"));
        order.ReceiverPrivacy.ShouldBe(new ReceiverPrivacy(MaskedName: "W** L*", MaskedPhone: "+1 415-***-0134", MaskedAddress: "*** Market St Suite 300"));
        order.PhoneLast4.ShouldBe("0134");
    }

    [Fact]
    public void Another_platforms_shop_is_refused()
    {
        var result = Adapter.Parse(Json(OrderJson), new ShopContext(Platform.Woocommerce, "WC-1"));

        result.Errors.ShouldHaveSingleItem().ShouldBe(new FieldError("$", "the Shopify adapter reads Shopify orders only, not woocommerce"));
        Adapter.Platforms.ShouldBe([Platform.Shopify]);
    }

    [Fact]
    public void A_body_that_is_not_an_object_is_refused()
    {
        ParseSingleError("[1,2]").ShouldBe(new FieldError("$", "a Shopify order must be a JSON object", "[1,2]"));
    }

    // ----- webhook -----

    private static string Sign(string secret, byte[] body) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    private static PushRequest Push(string body, string topic = "orders/create", string? signature = null, string? webhookId = "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043")
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var headers = new Dictionary<string, string>
        {
            ["X-Shopify-Topic"] = topic,
            ["X-Shopify-Shop-Domain"] = "ordo-demo.myshopify.com",
            ["x-shopify-hmac-sha256"] = signature ?? Sign(Secret, bytes),
        };
        if (webhookId is not null) headers["X-Shopify-Webhook-Id"] = webhookId;
        return new PushRequest(headers, bytes);
    }

    private static readonly ShopCredentials Credentials = new("app-key", Secret, null);

    [Fact]
    public void A_webhook_signed_with_the_app_secret_is_authentic()
    {
        Webhook.Verify(Push(OrderJson), Credentials).ShouldBe(PushVerification.Ok);
    }

    [Fact]
    public void The_signature_matches_a_known_vector()
    {
        // base64(HMAC-SHA256("secret", "{}")) computed with openssl.
        var request = new PushRequest(new Dictionary<string, string> { ["X-Shopify-Hmac-Sha256"] = "dzJZAsrKgS3CWXM6rNBGtzgXNyx3e42VtAJkdHRRbhM=" }, "{}"u8.ToArray());

        Webhook.Verify(request, new ShopCredentials(null, "secret", null)).Authentic.ShouldBeTrue();
    }

    public static TheoryData<string, Func<PushRequest>, ShopCredentials, string> RefusedCases => new()
    {
        { "wrong secret", () => Push(OrderJson, signature: Sign("another-secret", Encoding.UTF8.GetBytes(OrderJson))), Credentials,
            "X-Shopify-Hmac-Sha256 does not match the body signed with the shop's app secret" },
        { "tampered body", () => Push(OrderJson, signature: Sign(Secret, Encoding.UTF8.GetBytes(OrderJson.Replace("126.91", "1.00")))), Credentials,
            "X-Shopify-Hmac-Sha256 does not match the body signed with the shop's app secret" },
        { "hex instead of base64", () => Push(OrderJson, signature: Convert.ToHexStringLower(Convert.FromBase64String(Sign(Secret, Encoding.UTF8.GetBytes(OrderJson))))), Credentials,
            "X-Shopify-Hmac-Sha256 does not match the body signed with the shop's app secret" },
        { "missing header", () => new PushRequest(new Dictionary<string, string> { ["X-Shopify-Topic"] = "orders/create" }, Encoding.UTF8.GetBytes(OrderJson)), Credentials,
            "header X-Shopify-Hmac-Sha256 is missing" },
        { "no secret configured", () => Push(OrderJson), new ShopCredentials("app-key", null, null),
            "the shop has no app secret to check X-Shopify-Hmac-Sha256 with" },
    };

    [Theory]
    [MemberData(nameof(RefusedCases))]
    public void A_webhook_that_is_not_signed_with_the_app_secret_is_refused(string _, Func<PushRequest> request, ShopCredentials credentials, string reason)
    {
        var verification = Webhook.Verify(request(), credentials);

        verification.Authentic.ShouldBeFalse();
        verification.Reason.ShouldBe(reason);
    }

    [Theory]
    [InlineData("orders/create")]
    [InlineData("orders/updated")]
    [InlineData("orders/paid")]
    [InlineData("orders/cancelled")]
    [InlineData("orders/fulfilled")]
    [InlineData("orders/partially_fulfilled")]
    public void An_order_topic_carries_the_whole_order_which_the_adapter_reads(string topic)
    {
        var result = Webhook.Read(Push(OrderJson, topic), Credentials);

        result.Errors.ShouldBeEmpty();
        var message = result.Value!.Messages.ShouldHaveSingleItem();
        message.MessageId.ShouldBe("b54557e4-bdd9-4b37-8a5f-bf7d70bcd043");
        message.Topic.ShouldBe(topic);
        message.PlatformOrderId.ShouldBe("5912345678901");
        var order = message.Order.ShouldNotBeNull();
        Adapter.Parse(order, Shop).Value.ShouldNotBeNull().SameDataAs(ParseOk(OrderJson)).ShouldBeTrue();
    }

    [Theory]
    [InlineData("orders/delete", """{"id":5912345678901}""")]
    [InlineData("orders/edited", """{"order_edit":{"id":78912,"app_id":null,"created_at":"2025-03-02T09:00:00-05:00","order_id":5912345678901,"line_items":{"additions":[],"removals":[]}}}""")]
    [InlineData("refunds/create", """{"id":890088186047892319,"order_id":5912345678901,"created_at":"2025-03-02T09:00:00-05:00","refund_line_items":[],"transactions":[]}""")]
    public void Topics_without_the_order_name_it_for_fetching(string topic, string body)
    {
        var result = Webhook.Read(Push(body, topic), Credentials);

        var message = result.Value.ShouldNotBeNull().Messages.ShouldHaveSingleItem();
        message.PlatformOrderId.ShouldBe("5912345678901");
        message.Order.ShouldBeNull();
    }

    public static TheoryData<string, Func<PushRequest>, string, string> ReadErrorCases => new()
    {
        { "unknown topic", () => Push("""{"id":1}""", "products/update"), "headers.X-Shopify-Topic",
            "topic 'products/update' is not an order topic Ordo reads; known: orders/create, orders/updated, orders/paid, orders/cancelled, orders/fulfilled, orders/partially_fulfilled, orders/delete, orders/edited, refunds/create" },
        { "no topic", () => Push(OrderJson, ""), "headers.X-Shopify-Topic", "is required" },
        { "no webhook id", () => Push(OrderJson, webhookId: null), "headers.X-Shopify-Webhook-Id", "is required: it is how a redelivered webhook is recognised" },
        { "not JSON", () => Push("order=1"), "$", "the body is not valid JSON" },
        { "not an object", () => Push("[]"), "$", "the body must be a JSON object" },
        { "no order id", () => Push("""{"name":"#1042"}"""), "id", "is required" },
        { "edit without order id", () => Push("""{"order_edit":{"id":1}}""", "orders/edited"), "order_edit.order_id", "is required" },
    };

    [Theory]
    [MemberData(nameof(ReadErrorCases))]
    public void An_unreadable_webhook_names_what_is_wrong(string _, Func<PushRequest> request, string field, string reasonStart)
    {
        var result = Webhook.Read(request(), Credentials);

        result.Value.ShouldBeNull();
        var error = result.Errors.ShouldHaveSingleItem();
        error.Field.ShouldBe(field);
        error.Reason.ShouldStartWith(reasonStart);
    }

    [Fact]
    public void The_acknowledgement_is_an_empty_JSON_object()
    {
        Webhook.Acknowledgement.ShouldBe("{}");
        Webhook.Platforms.ShouldBe([Platform.Shopify]);
    }
}
