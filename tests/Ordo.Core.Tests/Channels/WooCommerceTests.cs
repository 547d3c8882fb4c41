using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ordo.Core.Channels;
using Ordo.Core.Channels.WooCommerce;
using Ordo.Core.Common;
using Ordo.Core.Orders;
using Shouldly;
using Xunit;

namespace Ordo.Core.Tests.Channels;

public class WooCommerceTests
{
    private static readonly ShopContext Shop = new(Platform.Woocommerce, "WC-DE");
    private static readonly WooCommerceOrderAdapter Adapter = new();
    private static readonly WooCommerceWebhook Webhook = new();
    private const string Secret = "wc-secret-1";

    /// <summary>
    /// A REST v3 order (composed from the documented field names) of a German shop on Berlin time (UTC+1 in March):
    /// prices without tax, 19% VAT on top, a 5.00 coupon on the mugs, 4.90 flat-rate shipping.
    /// Lines 15.00 + 9.90, shipping 4.90, tax 2.85 + 1.88 + 0.93 = 5.66: total 35.46.
    /// </summary>
    private const string OrderJson = """
        {
          "id": 727,
          "parent_id": 0,
          "number": "727",
          "order_key": "wc_order_58d2d042d1d",
          "created_via": "checkout",
          "status": "processing",
          "currency": "EUR",
          "prices_include_tax": false,
          "date_created": "2025-03-01T11:02:11",
          "date_created_gmt": "2025-03-01T10:02:11",
          "date_modified": "2025-03-01T11:05:40",
          "date_modified_gmt": "2025-03-01T10:05:40",
          "date_paid": "2025-03-01T11:02:30",
          "date_paid_gmt": "2025-03-01T10:02:30",
          "date_completed": null,
          "date_completed_gmt": null,
          "discount_total": "5.00",
          "discount_tax": "0.95",
          "shipping_total": "4.90",
          "shipping_tax": "0.93",
          "cart_tax": "4.73",
          "total": "35.46",
          "total_tax": "5.66",
          "customer_id": 26,
          "customer_note": "Bitte beim Nachbarn abgeben",
          "billing": {
            "first_name": "Anna", "last_name": "Schmidt", "company": "", "address_1": "Hauptstraße 5", "address_2": "",
            "city": "Berlin", "state": "BE", "postcode": "10115", "country": "DE", "email": "anna.schmidt@example.com", "phone": "+49 30 1234567"
          },
          "shipping": {
            "first_name": "Anna", "last_name": "Schmidt", "company": "", "address_1": "Hauptstraße 5", "address_2": "2. OG",
            "city": "Berlin", "state": "BE", "postcode": "10115", "country": "DE", "phone": ""
          },
          "payment_method": "stripe",
          "payment_method_title": "Credit card",
          "transaction_id": "ch_3Ox1",
          "line_items": [
            { "id": 315, "name": "Mug - White", "product_id": 93, "variation_id": 101, "quantity": 2, "tax_class": "",
              "subtotal": "20.00", "subtotal_tax": "3.80", "total": "15.00", "total_tax": "2.85", "sku": "MUG-W", "price": 7.5 },
            { "id": 316, "name": "Tea towel", "product_id": 94, "variation_id": 0, "quantity": 1, "tax_class": "",
              "subtotal": "9.90", "subtotal_tax": "1.88", "total": "9.90", "total_tax": "1.88", "sku": "", "price": 9.9 }
          ],
          "tax_lines": [ { "id": 318, "rate_code": "DE-MWST-1", "rate_id": 1, "label": "MwSt.", "tax_total": "4.73", "shipping_tax_total": "0.93" } ],
          "shipping_lines": [ { "id": 317, "method_title": "Flat rate", "method_id": "flat_rate", "total": "4.90", "total_tax": "0.93" } ],
          "fee_lines": [],
          "coupon_lines": [ { "id": 319, "code": "mug5", "discount": "5.00", "discount_tax": "0.95" } ],
          "refunds": []
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

        order.Platform.ShouldBe(Platform.Woocommerce);
        order.ShopCode.ShouldBe("WC-DE");
        order.PlatformOrderId.ShouldBe("727");
        order.Status.ShouldBe(OrderStatus.Paid);
        order.Currency.ShouldBe("EUR");
        // The _gmt fields are UTC; the site-local ones (an hour later in Berlin) are not read.
        order.CreatedAt.ShouldBe(new DateTimeOffset(2025, 3, 1, 10, 2, 11, TimeSpan.Zero));
        order.CreatedAt.Offset.ShouldBe(TimeSpan.Zero);
        order.PaidAt.ShouldBe(new DateTimeOffset(2025, 3, 1, 10, 2, 30, TimeSpan.Zero));
        order.PlatformModifiedAt.ShouldBe(new DateTimeOffset(2025, 3, 1, 10, 5, 40, TimeSpan.Zero));
        order.Buyer.ShouldBe(new Buyer("Anna Schmidt", "26"));
        order.Receiver.ShouldBe(new Receiver("Anna Schmidt", "+49 30 1234567", "BE", "Berlin", null, null, "Hauptstraße 5 2. OG", "10115"));
        order.ReceiverPrivacy.ShouldBeNull();
        order.Lines.ShouldBe([
            new OrderLine("101", "MUG-W", "Mug - White", 2, 10.00m, 5.00m),
            new OrderLine("94", null, "Tea towel", 1, 9.90m, 0m),
        ]);
        order.Amounts.ShouldBe(new OrderAmounts(29.90m, 10.56m, 5.00m, 35.46m));
        order.Tags.ShouldBe(["tax:5.66"]);
        order.BuyerMessage.ShouldBe("Bitte beim Nachbarn abgeben");
        order.SellerMemo.ShouldBe("");
    }

    [Fact]
    public void The_amounts_add_up_and_pass_the_intake_checks()
    {
        var order = ParseOk(OrderJson);

        var a = order.Amounts;
        (a.Goods + a.Freight - a.Discount).ShouldBe(a.Paid);
        // The tea towel has no merchant SKU (WooCommerce sends ""), which the intake checks report; the amounts are fine.
        IntakeChecks.Evaluate(order, sku => sku is "MUG-W").Select(h => h.Code).ShouldBe(["unknown_sku"]);
    }

    public static TheoryData<string, int, OrderStatus, string[]> StatusCases => new()
    {
        // status, number of refunds → canonical status, tags besides tax
        { "pending", 0, OrderStatus.PendingPayment, [] },
        { "on-hold", 0, OrderStatus.PendingPayment, ["platform:on-hold"] },
        { "failed", 0, OrderStatus.PendingPayment, ["platform:failed"] },
        { "checkout-draft", 0, OrderStatus.PendingPayment, ["platform:checkout-draft"] },
        { "processing", 0, OrderStatus.Paid, [] },
        { "processing", 1, OrderStatus.Paid, ["partially-refunded"] },
        { "completed", 0, OrderStatus.Completed, [] },
        { "completed", 2, OrderStatus.Completed, ["partially-refunded"] },
        { "cancelled", 0, OrderStatus.Cancelled, [] },
        { "cancelled", 1, OrderStatus.Refunded, [] },
        { "trash", 0, OrderStatus.Cancelled, ["platform:trash"] },
        { "refunded", 1, OrderStatus.Refunded, [] },
    };

    [Theory]
    [MemberData(nameof(StatusCases))]
    public void Every_status_maps_to_a_canonical_status(string status, int refunds, OrderStatus expected, string[] tags)
    {
        var order = ParseOk(With(o =>
        {
            o["status"] = status;
            o["refunds"] = new JsonArray(Enumerable.Range(0, refunds)
                .Select(i => (JsonNode?)JsonNode.Parse($$"""{"id":{{800 + i}},"reason":"damaged","total":"-5.00"}""")).ToArray());
        }));

        order.Status.ShouldBe(expected);
        order.Tags.Where(t => !t.StartsWith("tax:", StringComparison.Ordinal)).ShouldBe(tags);
    }

    [Fact]
    public void An_unpaid_order_has_no_paid_time()
    {
        var order = ParseOk(With(o =>
        {
            o["status"] = "pending";
            o["date_paid"] = null;
            o["date_paid_gmt"] = null;
        }));

        order.PaidAt.ShouldBeNull();
    }

    public static TheoryData<string, string, string, string> ErrorCases => new()
    {
        // JSON property to set, raw JSON value ("<remove>" removes it), expected field, expected reason
        { "status", "\"shipped\"", "status", "unknown order status 'shipped'; known: pending, processing, on-hold, completed, cancelled, refunded, failed, trash, checkout-draft" },
        { "status", "\"wc-processing\"", "status", "unknown order status 'wc-processing'; known: pending, processing, on-hold, completed, cancelled, refunded, failed, trash, checkout-draft" },
        { "status", "<remove>", "status", "is required" },
        { "id", "<remove>", "id", "is required" },
        { "currency", "\"euro\"", "currency", "must be a 3-letter upper-case ISO 4217 code such as EUR" },
        { "date_created_gmt", "<remove>", "date_created_gmt", "is missing; date_created is the site's local time without an offset and the site's time zone is unknown, so it cannot be converted to UTC" },
        { "date_modified_gmt", "<remove>", "date_modified_gmt", "is missing; date_modified is the site's local time without an offset and the site's time zone is unknown, so it cannot be converted to UTC" },
        { "date_paid_gmt", "<remove>", "date_paid_gmt", "is missing; date_paid is the site's local time without an offset and the site's time zone is unknown, so it cannot be converted to UTC" },
        { "date_created_gmt", "\"01/03/2025 10:02\"", "date_created_gmt", "is not an ISO 8601 time such as 2025-03-01T10:02:11" },
        { "date_created_gmt", "\"2025-03-01T25:02:11\"", "date_created_gmt", "is not an ISO 8601 time" },
        { "date_modified_gmt", "1740823540", "date_modified_gmt", "must be an ISO 8601 time" },
        { "total", "<remove>", "total", "is required" },
        { "total", "\"35,46\"", "total", "is not a yuan amount such as \"99.00\"" },
        { "shipping_total", "\"4.901\"", "shipping_total", "amount has more than 2 decimal places" },
        { "discount_total", "\"-5.00\"", "discount_total", "amount must not be negative" },
        { "line_items", "[]", "line_items", "must contain at least one line" },
        { "line_items", "<remove>", "line_items", "is required" },
        { "refunds", "{}", "refunds", "must be an array" },
        { "fee_lines", "[{\"name\":\"Surcharge\",\"total\":\"abc\"}]", "fee_lines[0].total", "is not a decimal amount such as \"-5.00\"" },
        { "billing", "\"Anna\"", "billing", "must be an object" },
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

    [Fact]
    public void The_local_time_is_named_as_the_fragment_when_its_gmt_twin_is_missing()
    {
        var error = ParseSingleError(With(o => o.Remove("date_created_gmt")));

        error.Fragment.ShouldBe("\"2025-03-01T11:02:11\"");
    }

    [Fact]
    public void Without_either_time_field_the_gmt_field_is_required()
    {
        var error = ParseSingleError(With(o =>
        {
            o.Remove("date_modified");
            o.Remove("date_modified_gmt");
        }));

        error.ShouldBe(new FieldError("date_modified_gmt", "is required"));
    }

    [Fact]
    public void A_gmt_time_with_an_explicit_offset_is_honoured()
    {
        var order = ParseOk(With(o => o["date_created_gmt"] = "2025-03-01T11:02:11+01:00"));

        order.CreatedAt.ShouldBe(new DateTimeOffset(2025, 3, 1, 10, 2, 11, TimeSpan.Zero));
    }

    public static TheoryData<string, string, string, string> LineErrorCases => new()
    {
        { "quantity", "0", "line_items[0].quantity", "must be from 1 to 1000000" },
        { "subtotal", "\"20.005\"", "line_items[0].subtotal", "amount has more than 2 decimal places" },
        { "total", "\"fifteen\"", "line_items[0].total", "is not a yuan amount such as \"99.00\"" },
        { "variation_id", "\"v101\"", "line_items[0].variation_id", "must be a whole number" },
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
    public void A_subtotal_that_does_not_divide_into_whole_cents_is_refused_not_rounded()
    {
        var error = ParseSingleError(With(o =>
        {
            o["line_items"]![1]!["quantity"] = 3;
            o["line_items"]![1]!["subtotal"] = "10.00";
        }));

        error.ShouldBe(new FieldError("line_items[1].subtotal", "10.00 over quantity 3 is not a whole-cent unit price; Ordo does not round amounts", "\"10.00\""));
    }

    [Fact]
    public void Without_a_subtotal_the_price_is_the_unit_price_and_the_total_gives_the_discount()
    {
        var order = ParseOk(With(o =>
        {
            var line = o["line_items"]![0]!.AsObject();
            line.Remove("subtotal");
            line["price"] = 10;
        }));

        order.Lines[0].ShouldBe(new OrderLine("101", "MUG-W", "Mug - White", 2, 10.00m, 5.00m));
    }

    [Fact]
    public void Without_a_subtotal_a_price_with_more_than_two_decimals_is_refused()
    {
        var error = ParseSingleError(With(o =>
        {
            var line = o["line_items"]![0]!.AsObject();
            line.Remove("subtotal");
            line["price"] = 7.333333;
        }));

        error.Field.ShouldBe("line_items[0].price");
        error.Reason.ShouldBe("amount has more than 2 decimal places");
    }

    [Fact]
    public void A_simple_product_line_is_identified_by_its_product()
    {
        ParseOk(OrderJson).Lines[1].PlatformSkuId.ShouldBe("94");
    }

    [Fact]
    public void Prices_entered_with_tax_still_give_amounts_that_add_up()
    {
        // The store shows 11.90 a mug including VAT; WooCommerce keeps the line amounts without tax all the same.
        var order = ParseOk(With(o => o["prices_include_tax"] = true));

        var a = order.Amounts;
        (a.Goods + a.Freight - a.Discount).ShouldBe(a.Paid);
    }

    [Fact]
    public void An_order_without_tax_has_no_tax_tag()
    {
        var order = ParseOk(With(o =>
        {
            o["total_tax"] = "0.00";
            o["total"] = "29.80";
        }));

        order.Amounts.ShouldBe(new OrderAmounts(29.90m, 4.90m, 5.00m, 29.80m));
        order.Tags.ShouldBeEmpty();
    }

    [Fact]
    public void A_fee_adds_to_the_freight_and_a_negative_fee_to_the_discount()
    {
        var order = ParseOk(With(o =>
        {
            o["fee_lines"] = JsonNode.Parse("""[{"id":320,"name":"Cash on delivery","total":"3.00","total_tax":"0.57"},{"id":321,"name":"Loyalty","total":"-2.00","total_tax":"-0.38"}]""");
            o["total_tax"] = "5.85";
            o["total"] = "36.65";
        }));

        // 29.90 + (4.90 + 5.85 tax + 3.00 fee) − (5.00 + 2.00) = 36.65
        order.Amounts.ShouldBe(new OrderAmounts(29.90m, 13.75m, 7.00m, 36.65m));
        order.Tags.ShouldBe(["tax:5.85", "fees:3.00"]);
    }

    [Fact]
    public void A_guest_order_uses_the_billing_email_as_the_buyer()
    {
        var order = ParseOk(With(o => o["customer_id"] = 0));

        order.Buyer.ShouldBe(new Buyer("Anna Schmidt", "anna.schmidt@example.com"));
    }

    [Fact]
    public void A_shipping_phone_wins_over_the_billing_phone()
    {
        var order = ParseOk(With(o => o["shipping"]!["phone"] = "+49 170 7654321"));

        order.Receiver!.Phone.ShouldBe("+49 170 7654321");
        order.PhoneLast4.ShouldBe("4321");
    }

    [Fact]
    public void A_virtual_order_with_an_empty_shipping_address_has_no_receiver()
    {
        var order = ParseOk(With(o => o["shipping"] = JsonNode.Parse(
            """{"first_name":"","last_name":"","company":"","address_1":"","address_2":"","city":"","state":"","postcode":"","country":"","phone":""}""")));

        order.Receiver.ShouldBeNull();
        order.ReceiverPrivacy.ShouldBeNull();
    }

    [Fact]
    public void Masked_personal_data_goes_to_the_privacy_record_never_to_the_receiver()
    {
        var order = ParseOk(With(o =>
        {
            o["shipping"]!["last_name"] = "S*****";
            o["billing"]!["phone"] = "+49 30 ***4567";
        }));

        order.Receiver!.Name.ShouldBeNull();
        order.Receiver.Phone.ShouldBeNull();
        order.ReceiverPrivacy.ShouldBe(new ReceiverPrivacy(MaskedName: "Anna S*****", MaskedPhone: "+49 30 ***4567"));
        order.PhoneLast4.ShouldBe("4567");
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var json = With(o =>
        {
            o["status"] = "shipped";
            o.Remove("date_created_gmt");
            o["line_items"]![1]!["quantity"] = -1;
        });

        Adapter.Parse(Json(json), Shop).Errors.Select(e => e.Field)
            .ShouldBe(["status", "date_created_gmt", "line_items[1].quantity"], ignoreOrder: true);
    }

    [Fact]
    public void Another_platforms_shop_is_refused()
    {
        var result = Adapter.Parse(Json(OrderJson), new ShopContext(Platform.Shopify, "SP-US"));

        result.Errors.ShouldHaveSingleItem().ShouldBe(new FieldError("$", "the WooCommerce adapter reads WooCommerce orders only, not shopify"));
        Adapter.Platforms.ShouldBe([Platform.Woocommerce]);
    }

    [Fact]
    public void A_body_that_is_not_an_object_is_refused()
    {
        ParseSingleError("\"727\"").ShouldBe(new FieldError("$", "a WooCommerce order must be a JSON object", "\"727\""));
    }

    // ----- webhook -----

    private static string Sign(string secret, byte[] body) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    private static readonly ShopCredentials Credentials = new(null, Secret, null);

    private static PushRequest Push(string body, string topic = "order.created", string? signature = null, string? deliveryId = "a6e4c3f2d1b04e8f9c7a5b3d1e0f2a4c")
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var headers = new Dictionary<string, string>
        {
            ["X-WC-Webhook-Source"] = "https://shop.example.de/",
            ["X-WC-Webhook-Topic"] = topic,
            ["X-WC-Webhook-Resource"] = topic.Split('.')[0],
            ["X-WC-Webhook-Event"] = topic.Split('.').Last(),
            ["X-WC-Webhook-ID"] = "12",
            ["x-wc-webhook-signature"] = signature ?? Sign(Secret, bytes),
        };
        if (deliveryId is not null) headers["X-WC-Webhook-Delivery-ID"] = deliveryId;
        return new PushRequest(headers, bytes);
    }

    /// <summary>WooCommerce's ping when a webhook is saved: a form body and no X-WC headers at all.</summary>
    private static PushRequest Ping(string body = "webhook_id=12", string? signature = null)
    {
        var headers = new Dictionary<string, string> { ["User-Agent"] = "WooCommerce/9.6.0 Hookshot (WordPress/6.7.2)" };
        if (signature is not null) headers["X-WC-Webhook-Signature"] = signature;
        return new PushRequest(headers, Encoding.UTF8.GetBytes(body));
    }

    [Fact]
    public void A_webhook_signed_with_the_secret_is_authentic()
    {
        Webhook.Verify(Push(OrderJson), Credentials).ShouldBe(PushVerification.Ok);
    }

    [Fact]
    public void The_signature_matches_a_known_vector()
    {
        // base64(HMAC-SHA256("wc-secret-1", "{\"id\":727}")) computed with Python's hmac module.
        var request = new PushRequest(
            new Dictionary<string, string> { ["X-WC-Webhook-Signature"] = "Ah+AxWOKVN6kVvkgfEgv1YsM0865R7DwhKQN9n7jgx8=", ["X-WC-Webhook-Topic"] = "order.deleted" },
            """{"id":727}"""u8.ToArray());

        Webhook.Verify(request, Credentials).Authentic.ShouldBeTrue();
    }

    public static TheoryData<string, Func<PushRequest>, ShopCredentials, string> RefusedCases => new()
    {
        { "wrong secret", () => Push(OrderJson, signature: Sign("another-secret", Encoding.UTF8.GetBytes(OrderJson))), Credentials,
            "X-WC-Webhook-Signature does not match the body signed with the webhook secret" },
        { "tampered body", () => Push(OrderJson, signature: Sign(Secret, Encoding.UTF8.GetBytes(OrderJson.Replace("35.46", "1.00")))), Credentials,
            "X-WC-Webhook-Signature does not match the body signed with the webhook secret" },
        { "missing header", () => new PushRequest(new Dictionary<string, string> { ["X-WC-Webhook-Topic"] = "order.created" }, Encoding.UTF8.GetBytes(OrderJson)), Credentials,
            "header X-WC-Webhook-Signature is missing" },
        { "no secret configured", () => Push(OrderJson), new ShopCredentials(null, null, null),
            "the shop has no webhook secret to check X-WC-Webhook-Signature with" },
        { "ping with a wrong signature", () => Ping(signature: Sign("another-secret", "webhook_id=12"u8.ToArray())), Credentials,
            "X-WC-Webhook-Signature does not match the body signed with the webhook secret" },
        { "unsigned ping look-alike with more in it", () => Ping("webhook_id=12&order=727"), Credentials,
            "header X-WC-Webhook-Signature is missing" },
        { "unsigned ping look-alike with a topic", () => new PushRequest(new Dictionary<string, string> { ["X-WC-Webhook-Topic"] = "order.created" }, "webhook_id=12"u8.ToArray()), Credentials,
            "header X-WC-Webhook-Signature is missing" },
    };

    [Theory]
    [MemberData(nameof(RefusedCases))]
    public void A_webhook_that_is_not_signed_with_the_secret_is_refused(string _, Func<PushRequest> request, ShopCredentials credentials, string reason)
    {
        var verification = Webhook.Verify(request(), credentials);

        verification.Authentic.ShouldBeFalse();
        verification.Reason.ShouldBe(reason);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("signed")]
    public void The_creation_ping_is_accepted_and_yields_no_messages(string? signed)
    {
        var ping = Ping(signature: signed is null ? null : Sign(Secret, "webhook_id=12"u8.ToArray()));

        Webhook.Verify(ping, Credentials).ShouldBe(PushVerification.Ok);
        var result = Webhook.Read(ping, Credentials);
        result.Errors.ShouldBeEmpty();
        result.Value.ShouldNotBeNull().Messages.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("order.created")]
    [InlineData("order.updated")]
    [InlineData("order.restored")]
    public void An_order_topic_carries_the_whole_order_which_the_adapter_reads(string topic)
    {
        var result = Webhook.Read(Push(OrderJson, topic), Credentials);

        result.Errors.ShouldBeEmpty();
        var message = result.Value!.Messages.ShouldHaveSingleItem();
        message.MessageId.ShouldBe("a6e4c3f2d1b04e8f9c7a5b3d1e0f2a4c");
        message.Topic.ShouldBe(topic);
        message.PlatformOrderId.ShouldBe("727");
        var order = message.Order.ShouldNotBeNull();
        Adapter.Parse(order, Shop).Value.ShouldNotBeNull().SameDataAs(ParseOk(OrderJson)).ShouldBeTrue();
    }

    [Fact]
    public void A_deleted_order_is_named_without_a_body_to_read()
    {
        var message = Webhook.Read(Push("""{"id":727}""", "order.deleted"), Credentials).Value.ShouldNotBeNull().Messages.ShouldHaveSingleItem();

        message.PlatformOrderId.ShouldBe("727");
        message.Topic.ShouldBe("order.deleted");
        message.Order.ShouldBeNull();
    }

    public static TheoryData<string, Func<PushRequest>, string, string> ReadErrorCases => new()
    {
        { "unknown topic", () => Push("""{"id":93}""", "product.updated"), "headers.X-WC-Webhook-Topic",
            "topic 'product.updated' is not an order topic Ordo reads; known: order.created, order.updated, order.restored, order.deleted" },
        { "no delivery id", () => Push(OrderJson, deliveryId: null), "headers.X-WC-Webhook-Delivery-ID", "is required: it is how a redelivered webhook is recognised" },
        { "not JSON", () => Push("webhook_id=12&x=1"), "$", "the body is not valid JSON" },
        { "not an object", () => Push("[727]"), "$", "the body must be a JSON object" },
        { "no order id", () => Push("""{"number":"727"}"""), "id", "is required" },
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
        Webhook.Platforms.ShouldBe([Platform.Woocommerce]);
    }
}
