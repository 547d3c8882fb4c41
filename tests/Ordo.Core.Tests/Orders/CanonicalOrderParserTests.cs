using System.Text.Json.Nodes;
using Ordo.Core.Common;
using Ordo.Core.Orders;
using Shouldly;
using Xunit;

namespace Ordo.Core.Tests.Orders;

public class CanonicalOrderParserTests
{
    private static CanonicalOrder ParseOk(string json)
    {
        var result = CanonicalOrderParser.Parse(json);
        result.Errors.ShouldBeEmpty(string.Join("; ", result.Errors));
        result.Succeeded.ShouldBeTrue();
        return result.Value.ShouldNotBeNull();
    }

    private static FieldError ParseSingleError(string json)
    {
        var result = CanonicalOrderParser.Parse(json);
        result.Succeeded.ShouldBeFalse();
        result.Value.ShouldBeNull();
        return result.Errors.ShouldHaveSingleItem();
    }

    /// <summary>Sets a property by a simple path such as <c>lines[0].unitPrice</c> or <c>amounts.paid</c>.</summary>
    private static void Set(JsonObject root, string path, JsonNode? value)
    {
        var parts = path.Split('.');
        JsonNode node = root;
        foreach (var part in parts[..^1]) node = Step(node, part);
        var last = parts[^1];
        node.AsObject()[last] = value;

        static JsonNode Step(JsonNode node, string part)
        {
            var bracket = part.IndexOf('[');
            if (bracket < 0) return node[part]!;
            var index = int.Parse(part[(bracket + 1)..^1]);
            return node[part[..bracket]]![index]!;
        }
    }

    private static string ContractWithRaw(string path, string rawJsonValue) =>
        SampleOrders.ContractWith(o => Set(o, path, JsonNode.Parse(rawJsonValue)));

    [Fact]
    public void The_contract_example_parses_to_exact_values()
    {
        var order = ParseOk(SampleOrders.ContractJson);

        order.Platform.ShouldBe(Platform.Douyin);
        order.ShopCode.ShouldBe("DY-FLAGSHIP");
        order.PlatformOrderId.ShouldBe("6936476692437472563");
        order.Status.ShouldBe(OrderStatus.Paid);
        order.CreatedAt.ShouldBe(new DateTimeOffset(2026, 2, 22, 2, 0, 0, TimeSpan.Zero));
        order.CreatedAt.Offset.ShouldBe(TimeSpan.Zero);
        order.PaidAt.ShouldBe(new DateTimeOffset(2026, 2, 22, 2, 1, 0, TimeSpan.Zero));
        order.PaidAt!.Value.Offset.ShouldBe(TimeSpan.Zero);
        order.PlatformModifiedAt.ShouldBe(new DateTimeOffset(2026, 2, 22, 2, 1, 1, TimeSpan.Zero));
        order.Currency.ShouldBe("CNY");
        order.Buyer.ShouldBe(new Buyer("小王", "1@#Vrt9"));
        order.Receiver.ShouldBe(new Receiver("张三", "13800138000", "福建省", "厦门市", "思明区", "莲前街道", "环岛东路 1 号", "361000"));
        order.Receiver!.PhoneLast4.ShouldBe("8000");
        var line = order.Lines.ShouldHaveSingleItem();
        line.ShouldBe(new OrderLine("1790001", "MUG-W", "马克杯", 1, 99.00m, 10.00m));
        order.Amounts.ShouldBe(new OrderAmounts(99.00m, 0.00m, 10.00m, 89.00m));
        order.BuyerMessage.ShouldBe("");
        order.SellerMemo.ShouldBe("");
        order.Oaid.ShouldBeNull();
        order.OpenAddressId.ShouldBeNull();
        order.Tags.ShouldBeEmpty();
        order.Priority.ShouldBe(0);
        order.SameDataAs(SampleOrders.Contract()).ShouldBeTrue();
    }

    [Fact]
    public void Optional_fields_default_when_absent()
    {
        var json = SampleOrders.ContractWith(o =>
        {
            foreach (var name in new[] { "paidAt", "platformModifiedAt", "currency", "buyer", "receiver", "buyerMessage", "sellerMemo" })
                o.Remove(name);
            o["lines"]![0]!.AsObject().Remove("discount");
            o["amounts"]!.AsObject().Remove("freight");
            o["amounts"]!.AsObject().Remove("discount");
        });

        var order = ParseOk(json);

        order.PaidAt.ShouldBeNull();
        order.PlatformModifiedAt.ShouldBeNull();
        order.Currency.ShouldBe("CNY");
        order.Buyer.ShouldBeNull();
        order.Receiver.ShouldBeNull();
        order.Lines[0].Discount.ShouldBe(0m);
        order.Amounts.ShouldBe(new OrderAmounts(99m, 0m, 0m, 89m));
    }

    [Fact]
    public void Optional_extras_are_read()
    {
        var json = SampleOrders.ContractWith(o =>
        {
            o["oaid"] = "OAID-123";
            o["openAddressId"] = "oa-456";
            o["tags"] = new JsonArray("vip", "gift");
            o["priority"] = 9;
            o["buyerMessage"] = "  请尽快发货  ";
            o["shopCode"] = "  DY-FLAGSHIP  ";
            o["currency"] = "USD";
        });

        var order = ParseOk(json);

        order.Oaid.ShouldBe("OAID-123");
        order.OpenAddressId.ShouldBe("oa-456");
        order.Tags.ShouldBe(["vip", "gift"]);
        order.Priority.ShouldBe(9);
        order.BuyerMessage.ShouldBe("请尽快发货");
        order.ShopCode.ShouldBe("DY-FLAGSHIP");
        order.Currency.ShouldBe("USD");
    }

    [Fact]
    public void A_numeric_platform_order_id_is_kept_digit_for_digit()
    {
        var order = ParseOk(ContractWithRaw("platformOrderId", "6936476692437472563"));

        order.PlatformOrderId.ShouldBe("6936476692437472563");
    }

    // ---------------------------------------------------------------- money

    public static TheoryData<string, string, decimal> AcceptedMoney => new()
    {
        { "lines[0].unitPrice", "99.000", 99m },
        { "lines[0].unitPrice", "\"99.00\"", 99m },
        { "lines[0].unitPrice", "99", 99m },
        { "lines[0].unitPrice", "0", 0m },
        { "lines[0].unitPrice", "0.01", 0.01m },
        { "lines[0].discount", "\"10.5\"", 10.5m },
        { "amounts.goods", "9999999999.99", 9_999_999_999.99m },
        { "amounts.paid", "\"89.00\"", 89m },
        { "amounts.freight", "12.30", 12.3m },
    };

    [Theory]
    [MemberData(nameof(AcceptedMoney))]
    public void Money_that_fits_decimal_12_2_is_accepted(string field, string raw, decimal expected)
    {
        var order = ParseOk(ContractWithRaw(field, raw));

        var actual = field switch
        {
            "lines[0].unitPrice" => order.Lines[0].UnitPrice,
            "lines[0].discount" => order.Lines[0].Discount,
            "amounts.goods" => order.Amounts.Goods,
            "amounts.paid" => order.Amounts.Paid,
            "amounts.freight" => order.Amounts.Freight,
            _ => throw new ArgumentOutOfRangeException(nameof(field)),
        };
        actual.ShouldBe(expected);
    }

    [Fact]
    public void Money_with_trailing_zeros_is_kept_with_exactly_two_decimals()
    {
        var order = ParseOk(ContractWithRaw("lines[0].unitPrice", "99.000"));

        ((int)order.Lines[0].UnitPrice.Scale).ShouldBe(2);
        order.Lines[0].UnitPrice.ToString(System.Globalization.CultureInfo.InvariantCulture).ShouldBe("99.00");
    }

    public static TheoryData<string, string, string> RefusedMoney => new()
    {
        { "lines[0].unitPrice", "99.005", "amount has more than 2 decimal places" },
        { "lines[0].unitPrice", "\"99.005\"", "amount has more than 2 decimal places" },
        { "lines[0].discount", "0.001", "amount has more than 2 decimal places" },
        { "amounts.goods", "10000000000.00", "amount exceeds the largest storable amount 9999999999.99 (decimal(12,2))" },
        { "amounts.paid", "99999999999", "exceeds the largest storable amount" },
        { "amounts.goods", "1e30", "is not a number that fits decimal(12,2)" },
        { "amounts.goods", "-1e30", "is not a number that fits decimal(12,2)" },
        { "amounts.paid", "-0.01", "amount must not be negative" },
        { "lines[0].unitPrice", "-99.00", "amount must not be negative" },
        { "amounts.freight", "\"-5\"", "amount must not be negative" },
        { "amounts.paid", "\"abc\"", "is not a decimal amount" },
        { "amounts.paid", "\"1e5\"", "is not a decimal amount" },
        { "amounts.paid", "\"\"", "is not a decimal amount" },
        { "amounts.paid", "true", "must be a number such as 99.00" },
        { "amounts.paid", "{}", "must be a number such as 99.00" },
    };

    [Theory]
    [MemberData(nameof(RefusedMoney))]
    public void Money_that_does_not_fit_is_refused_naming_the_field(string field, string raw, string reason)
    {
        var error = ParseSingleError(ContractWithRaw(field, raw));

        error.Field.ShouldBe(field);
        error.Reason.ShouldContain(reason);
        error.Fragment.ShouldBe(raw);
    }

    [Theory]
    [InlineData("lines[0].unitPrice")]
    [InlineData("amounts.goods")]
    [InlineData("amounts.paid")]
    public void Required_money_must_be_present(string field)
    {
        var error = ParseSingleError(SampleOrders.ContractWith(o => Set(o, field, null)));

        error.ShouldBe(new FieldError(field, "is required", null));
    }

    // ---------------------------------------------------------------- instants

    public static TheoryData<string, bool> OffsetlessByPlatform => new()
    {
        { "taobao", true }, { "tmall", true }, { "jd", true }, { "pinduoduo", true }, { "douyin", true },
        { "kuaishou", true }, { "youzan", true }, { "wechat", true },
        { "shopify", false }, { "woocommerce", false }, { "manual", false },
    };

    [Theory]
    [MemberData(nameof(OffsetlessByPlatform))]
    public void An_offsetless_timestamp_is_China_time_only_where_the_platform_documents_it(string platform, bool accepted)
    {
        var json = SampleOrders.ContractWith(o =>
        {
            o["platform"] = platform;
            o["createdAt"] = "2026-02-22T10:00:00";
        });

        var result = CanonicalOrderParser.Parse(json);

        if (accepted)
        {
            result.Errors.ShouldBeEmpty();
            result.Value!.CreatedAt.ShouldBe(new DateTimeOffset(2026, 2, 22, 2, 0, 0, TimeSpan.Zero));
            result.Value.CreatedAt.Offset.ShouldBe(TimeSpan.Zero);
        }
        else
        {
            var error = result.Errors.ShouldHaveSingleItem();
            error.Field.ShouldBe("createdAt");
            error.Reason.ShouldContain("offset");
            error.Reason.ShouldContain($"'{platform}'");
            error.Fragment.ShouldBe("2026-02-22T10:00:00");
            result.Value.ShouldBeNull();
        }
    }

    public static TheoryData<string, string, DateTimeOffset> AcceptedInstants => new()
    {
        { "douyin", "2026-02-22T10:00:00+08:00", new(2026, 2, 22, 2, 0, 0, TimeSpan.Zero) },
        { "shopify", "2026-02-22T02:00:00Z", new(2026, 2, 22, 2, 0, 0, TimeSpan.Zero) },
        { "shopify", "2026-02-21T18:00:00-08:00", new(2026, 2, 22, 2, 0, 0, TimeSpan.Zero) },
        { "woocommerce", "2026-02-22T10:00:00+0800", new(2026, 2, 22, 2, 0, 0, TimeSpan.Zero) },
        { "manual", "2026-02-22T10:00:00.5+08:00", new DateTimeOffset(2026, 2, 22, 2, 0, 0, TimeSpan.Zero).AddMilliseconds(500) },
        { "taobao", "2026-02-22 10:00:00", new(2026, 2, 22, 2, 0, 0, TimeSpan.Zero) },
        { "jd", "2026-02-22T10:00", new(2026, 2, 22, 2, 0, 0, TimeSpan.Zero) },
        { "pinduoduo", "2026-02-22T00:30:00", new(2026, 2, 21, 16, 30, 0, TimeSpan.Zero) },
        { "kuaishou", "2026-02-22T10:00:00.123", new DateTimeOffset(2026, 2, 22, 2, 0, 0, TimeSpan.Zero).AddMilliseconds(123) },
    };

    [Theory]
    [MemberData(nameof(AcceptedInstants))]
    public void Instants_are_converted_to_UTC(string platform, string text, DateTimeOffset expected)
    {
        var order = ParseOk(SampleOrders.ContractWith(o =>
        {
            o["platform"] = platform;
            o["paidAt"] = text;
        }));

        order.PaidAt.ShouldBe(expected);
        order.PaidAt!.Value.Offset.ShouldBe(TimeSpan.Zero);
    }

    public static TheoryData<string, string, string> RefusedInstants => new()
    {
        { "platformModifiedAt", "\"2026-02-30T10:00:00+08:00\"", "is not an ISO 8601 timestamp" },
        { "platformModifiedAt", "\"2026-02-22\"", "is not an ISO 8601 timestamp" },
        { "paidAt", "\"yesterday\"", "is not an ISO 8601 timestamp" },
        { "paidAt", "\"22/02/2026 10:00\"", "is not an ISO 8601 timestamp" },
        { "createdAt", "1771725600", "must be an ISO 8601 string" },
        { "createdAt", "\"\"", "is not an ISO 8601 timestamp" },
        { "createdAt", "\"10:00:00 2026-02-22\"", "is not an ISO 8601 timestamp" }, // "-22" is not an offset
    };

    [Theory]
    [MemberData(nameof(RefusedInstants))]
    public void Malformed_instants_are_refused(string field, string raw, string reason)
    {
        var error = ParseSingleError(ContractWithRaw(field, raw));

        error.Field.ShouldBe(field);
        error.Reason.ShouldContain(reason);
    }

    [Theory]
    [InlineData("shopify")]
    [InlineData("douyin")]
    public void A_time_before_the_date_is_not_mistaken_for_one_with_an_offset(string platform)
    {
        var error = ParseSingleError(SampleOrders.ContractWith(o =>
        {
            o["platform"] = platform;
            o["paidAt"] = "10:01:00 2026-02-22";
        }));

        error.ShouldBe(new FieldError("paidAt", "is not an ISO 8601 timestamp", "10:01:00 2026-02-22"));
    }

    [Fact]
    public void An_offsetless_paidAt_from_shopify_names_paidAt()
    {
        var error = ParseSingleError(SampleOrders.ContractWith(o =>
        {
            o["platform"] = "shopify";
            o["paidAt"] = "2026-02-22T10:01:00";
        }));

        error.ShouldBe(new FieldError("paidAt",
            "has no UTC offset and platform 'shopify' does not document its time zone; send an offset, e.g. 2026-02-22T10:01:00+08:00 or 2026-02-22T10:01:00Z",
            "2026-02-22T10:01:00"));
    }

    // ---------------------------------------------------------------- structure

    [Theory]
    [InlineData("{")]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("{\"platform\":\"douyin\",}")]
    public void Invalid_JSON_is_reported_on_the_root(string json)
    {
        var error = ParseSingleError(json);

        error.Field.ShouldBe("$");
        error.Reason.ShouldStartWith("not valid JSON");
        error.Fragment.ShouldBe(json);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("42")]
    [InlineData("\"order\"")]
    [InlineData("null")]
    public void A_root_that_is_not_an_object_is_refused(string json)
    {
        var error = ParseSingleError(json);

        error.ShouldBe(new FieldError("$", "an order must be a JSON object", json));
    }

    [Fact]
    public void A_long_fragment_is_cut_to_200_characters()
    {
        var json = "{" + new string(' ', 300);

        var error = ParseSingleError(json);

        error.Fragment.ShouldNotBeNull().Length.ShouldBe(201);
        error.Fragment.ShouldEndWith("…");
    }

    public static TheoryData<string, string> RequiredFields => new()
    {
        { "platform", "is required" },
        { "shopCode", "is required" },
        { "platformOrderId", "is required" },
        { "status", "is required" },
        { "createdAt", "is required (ISO 8601, e.g. 2026-02-22T10:00:00+08:00)" },
        { "lines", "is required: an order needs at least one line" },
        { "amounts", "is required: goods, freight, discount and paid" },
    };

    [Theory]
    [MemberData(nameof(RequiredFields))]
    public void A_missing_required_field_is_named(string field, string reason)
    {
        var error = ParseSingleError(SampleOrders.ContractWith(o => o.Remove(field)));

        error.ShouldBe(new FieldError(field, reason, null));
    }

    [Theory]
    [MemberData(nameof(RequiredFields))]
    public void A_null_required_field_is_named(string field, string reason)
    {
        var error = ParseSingleError(SampleOrders.ContractWith(o => o[field] = null));

        error.ShouldBe(new FieldError(field, reason, null));
    }

    [Theory]
    [InlineData("shopCode")]
    [InlineData("platformOrderId")]
    public void A_blank_required_string_counts_as_missing(string field)
    {
        var error = ParseSingleError(SampleOrders.ContractWith(o => o[field] = "   "));

        error.ShouldBe(new FieldError(field, "is required", null));
    }

    public static TheoryData<string, string, string, string?> RefusedFields => new()
    {
        { "platform", "\"tiktok\"", "unknown platform; expected one of: taobao, tmall, jd, pinduoduo, douyin, kuaishou, youzan, wechat, shopify, woocommerce, manual", "tiktok" },
        { "platform", "\"Douyin\"", "unknown platform", "Douyin" },
        { "status", "\"Shipping\"", "unknown status; expected one of: PendingPayment, Paid,", "Shipping" },
        { "status", "\"paid\"", "unknown status", "paid" },
        { "status", "\"OnHold\"", "OnHold is set by Ordo's checks and people, a channel cannot send it", "OnHold" },
        { "platform", "{}", "must be a string", "{}" },
        { "shopCode", "\"" + new string('S', 65) + "\"", "is 65 characters long, at most 64 are accepted", new string('S', 65) },
        { "currency", "\"usd\"", "must be a 3-letter upper-case ISO 4217 code such as CNY", "usd" },
        { "currency", "\"CNYY\"", "is 4 characters long, at most 3 are accepted", "CNYY" },
        { "buyer", "\"wang\"", "must be an object", "\"wang\"" },
        { "receiver", "[]", "must be an object", "[]" },
        { "amounts", "89", "must be an object", "89" },
        { "lines", "{}", "must be an array", "{}" },
        { "lines", "[]", "must contain at least one line", "[]" },
        { "lines[0]", "42", "must be an object", "42" },
        { "tags", "\"vip\"", "must be an array of at most 20 strings", "\"vip\"" },
        { "tags", "[\"\"]", "each tag must be a string of 1 to 32 characters", "\"\"" },
        { "priority", "10", "must be a whole number from 0 to 9", "10" },
        { "priority", "-1", "must be a whole number from 0 to 9", "-1" },
        { "priority", "1.5", "must be a whole number from 0 to 9", "1.5" },
    };

    [Theory]
    [MemberData(nameof(RefusedFields))]
    public void A_wrong_value_is_refused_naming_the_field(string field, string raw, string reason, string? fragment)
    {
        var json = field == "lines[0]"
            ? SampleOrders.ContractWith(o => o["lines"]![0] = JsonNode.Parse(raw))
            : ContractWithRaw(field, raw);

        var error = ParseSingleError(json);

        error.Field.ShouldBe(field);
        error.Reason.ShouldContain(reason);
        error.Fragment.ShouldBe(fragment);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("1000001")]
    [InlineData("10000000000")]
    [InlineData("\"1\"")]
    [InlineData("true")]
    public void A_quantity_that_is_not_a_whole_number_from_1_to_a_million_is_refused(string raw)
    {
        var error = ParseSingleError(ContractWithRaw("lines[0].quantity", raw));

        error.ShouldBe(new FieldError("lines[0].quantity", "must be a whole number from 1 to 1000000", raw));
    }

    [Fact]
    public void A_missing_quantity_is_refused()
    {
        var error = ParseSingleError(SampleOrders.ContractWith(o => o["lines"]![0]!.AsObject().Remove("quantity")));

        error.ShouldBe(new FieldError("lines[0].quantity", "is required", null));
    }

    [Theory]
    [InlineData("1", 1)]
    [InlineData("1000000", 1_000_000)]
    public void A_quantity_from_1_to_a_million_is_accepted(string raw, int expected)
    {
        ParseOk(ContractWithRaw("lines[0].quantity", raw)).Lines[0].Quantity.ShouldBe(expected);
    }

    private static string WithLines(int count) => SampleOrders.ContractWith(o =>
    {
        var lines = new JsonArray();
        for (var i = 0; i < count; i++)
            lines.Add(new JsonObject { ["sku"] = $"SKU-{i}", ["title"] = "杯", ["quantity"] = 1, ["unitPrice"] = 1.00m });
        o["lines"] = lines;
    });

    [Fact]
    public void Up_to_500_lines_are_accepted()
    {
        var order = ParseOk(WithLines(500));

        order.Lines.Count.ShouldBe(500);
        order.Lines[499].ShouldBe(new OrderLine(null, "SKU-499", "杯", 1, 1.00m, 0m));
    }

    [Fact]
    public void More_than_500_lines_are_refused()
    {
        var error = ParseSingleError(WithLines(501));

        error.ShouldBe(new FieldError("lines", "has 501 lines, at most 500 are accepted", null));
    }

    [Fact]
    public void Errors_in_the_second_line_are_named_with_its_index()
    {
        var json = SampleOrders.ContractWith(o =>
            o["lines"]!.AsArray().Add(new JsonObject { ["sku"] = "X", ["quantity"] = 2, ["unitPrice"] = JsonNode.Parse("1.234") }));

        var error = ParseSingleError(json);

        error.Field.ShouldBe("lines[1].unitPrice");
    }

    [Fact]
    public void Several_errors_are_reported_at_once_in_document_order()
    {
        var json = SampleOrders.ContractWith(o =>
        {
            o["platform"] = "tiktok";
            o.Remove("status");
            o["createdAt"] = "2026-02-22T10:00:00";
            o["lines"]![0]!["quantity"] = 0;
            o["lines"]![0]!["unitPrice"] = JsonNode.Parse("99.005");
            o["amounts"]!["paid"] = -1;
        });

        var result = CanonicalOrderParser.Parse(json);

        result.Succeeded.ShouldBeFalse();
        result.Value.ShouldBeNull();
        result.Errors.Select(e => e.Field).ShouldBe(
            ["platform", "status", "createdAt", "lines[0].quantity", "lines[0].unitPrice", "amounts.paid"]);
        result.Errors[2].Reason.ShouldContain("platform 'tiktok' does not document its time zone");
    }

    [Fact]
    public void Without_a_platform_an_offsetless_time_cannot_be_placed()
    {
        var json = SampleOrders.ContractWith(o =>
        {
            o.Remove("platform");
            o["createdAt"] = "2026-02-22T10:00:00";
        });

        var result = CanonicalOrderParser.Parse(json);

        result.Errors.Select(e => e.Field).ShouldBe(["platform", "createdAt"]);
        result.Errors[1].Reason.ShouldContain("'(unknown)'");
    }
}
