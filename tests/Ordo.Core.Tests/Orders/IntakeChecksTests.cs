using Ordo.Core.Orders;
using Shouldly;
using Xunit;

namespace Ordo.Core.Tests.Orders;

public class IntakeChecksTests
{
    private static readonly Func<string, bool> Catalogue = sku => sku is "MUG-W" or "MUG-B";

    private static CanonicalOrder Example => SampleOrders.Contract();

    private static IReadOnlyList<HoldReason> Evaluate(CanonicalOrder order) => IntakeChecks.Evaluate(order, Catalogue);

    [Fact]
    public void The_contract_example_has_no_hold_reasons_when_its_SKU_exists()
    {
        Evaluate(Example).ShouldBeEmpty();
    }

    [Fact]
    public void The_parsed_contract_example_has_no_hold_reasons_either()
    {
        var order = CanonicalOrderParser.Parse(SampleOrders.ContractJson).Value!;

        Evaluate(order).ShouldBeEmpty();
    }

    public static TheoryData<string, CanonicalOrder, HoldReason> SingleReasonCases => new()
    {
        {
            "goods is not Σ quantity × unit price",
            Example with { Amounts = new OrderAmounts(100.00m, 0m, 10.00m, 90.00m) },
            new HoldReason("amounts_mismatch", "goods 100.00 does not equal the sum of quantity × unit price over the lines (99.00)", "amounts.goods")
        },
        {
            "paid is not goods + freight − discount",
            Example with { Amounts = new OrderAmounts(99.00m, 0m, 10.00m, 88.00m) },
            new HoldReason("amounts_mismatch", "paid 88.00 does not equal goods + freight − discount (99.00 + 0.00 − 10.00 = 89.00)", "amounts.paid")
        },
        {
            "paid forgets the freight",
            Example with { Amounts = new OrderAmounts(99.00m, 12.00m, 10.00m, 89.00m) },
            new HoldReason("amounts_mismatch", "paid 89.00 does not equal goods + freight − discount (99.00 + 12.00 − 10.00 = 101.00)", "amounts.paid")
        },
        {
            "line discounts exceed the order discount",
            Example with { Amounts = new OrderAmounts(99.00m, 0m, 5.00m, 94.00m) },
            new HoldReason("amounts_mismatch", "the lines' discounts (10.00) exceed the order's discount (5.00)", "amounts.discount")
        },
        {
            "a line discount exceeds the line's value",
            Example with
            {
                Lines = [new OrderLine("1790001", "MUG-W", "马克杯", 1, 99.00m, 120.00m)],
                Amounts = new OrderAmounts(99.00m, 30.00m, 120.00m, 9.00m),
            },
            new HoldReason("amounts_mismatch", "line 1 discount 120.00 exceeds its value 99.00", "lines[0].discount")
        },
        {
            "no receiver",
            Example with { Receiver = null },
            new HoldReason("missing_receiver", "the order has no receiver", "receiver")
        },
        {
            "receiver without name and phone",
            Example with { Receiver = Example.Receiver! with { Name = null, Phone = "" } },
            new HoldReason("missing_receiver", "the receiver is missing: name, phone", "receiver.name")
        },
        {
            "receiver without province and address",
            Example with { Receiver = Example.Receiver! with { Province = null, Address = null } },
            new HoldReason("missing_receiver", "the receiver is missing: province, address", "receiver.province")
        },
        {
            "receiver without anything",
            Example with { Receiver = new Receiver(null, null, null, null, null, null, null, null) },
            new HoldReason("missing_receiver", "the receiver is missing: name, phone, province, address", "receiver.name")
        },
        {
            "an oaid stands in for phone and address but not for the name",
            Example with { Oaid = "OAID-1", Receiver = Example.Receiver! with { Name = null, Phone = null, Address = null } },
            new HoldReason("missing_receiver", "the receiver is missing: name", "receiver.name")
        },
        {
            "a masked phone alone does not stand in for the phone",
            Example with { Receiver = Example.Receiver! with { Phone = null }, ReceiverPrivacy = new ReceiverPrivacy(MaskedPhone: "138****8000") },
            new HoldReason("missing_receiver", "the receiver is missing: phone", "receiver.phone")
        },
        {
            "a privacy id does not stand in for the province",
            Example with { OpenAddressId = "oa-1", Receiver = Example.Receiver! with { Province = "", Phone = null, Address = null } },
            new HoldReason("missing_receiver", "the receiver is missing: province", "receiver.province")
        },
        {
            "a pending payment still needs a receiver",
            Example with { Status = OrderStatus.PendingPayment, Receiver = null },
            new HoldReason("missing_receiver", "the order has no receiver", "receiver")
        },
        {
            "unknown SKU",
            Example with { Lines = [Example.Lines[0] with { Sku = "MUG-X" }] },
            new HoldReason("unknown_sku", "merchant SKU 'MUG-X' is not in the catalogue", "lines[0].sku")
        },
        {
            "missing SKU",
            Example with { Lines = [Example.Lines[0] with { Sku = null }] },
            new HoldReason("unknown_sku", "line 1 ('马克杯') has no merchant SKU", "lines[0].sku")
        },
        {
            "empty SKU",
            Example with { Lines = [Example.Lines[0] with { Sku = "" }] },
            new HoldReason("unknown_sku", "line 1 ('马克杯') has no merchant SKU", "lines[0].sku")
        },
        {
            "SKU look-up is exact",
            Example with { Lines = [Example.Lines[0] with { Sku = "mug-w" }] },
            new HoldReason("unknown_sku", "merchant SKU 'mug-w' is not in the catalogue", "lines[0].sku")
        },
    };

    [Theory]
    [MemberData(nameof(SingleReasonCases))]
    public void Each_problem_gives_one_reason(string because, CanonicalOrder order, HoldReason expected)
    {
        var reasons = Evaluate(order);

        reasons.ShouldHaveSingleItem(because).ShouldBe(expected, because);
    }

    public static TheoryData<string, CanonicalOrder> NoReasonCases => new()
    {
        { "oaid instead of phone and address", Example with { Oaid = "OAID-1", Receiver = Example.Receiver! with { Phone = null, Address = null } } },
        { "open address id instead of phone and address", Example with { OpenAddressId = "oa-1", Receiver = Example.Receiver! with { Phone = "", Address = "" } } },
        { "a masked phone is still a phone", Example with { Receiver = Example.Receiver! with { Phone = "138****8000" } } },
        { "city, district, street and postal code are optional", Example with { Receiver = Example.Receiver! with { City = null, District = null, Street = null, PostalCode = null } } },
        { "a cancelled order needs no receiver", Example with { Status = OrderStatus.Cancelled, Receiver = null } },
        { "a refunded order needs no receiver", Example with { Status = OrderStatus.Refunded, Receiver = new Receiver(null, null, null, null, null, null, null, null) } },
        { "freight is part of paid", Example with { Amounts = new OrderAmounts(99.00m, 12.00m, 10.00m, 101.00m) } },
        { "order discount larger than the lines' discounts", Example with { Amounts = new OrderAmounts(99.00m, 0m, 15.00m, 84.00m) } },
        {
            "3 × 19.90 + 2 × 25.05 = 109.80 over two lines",
            Example with
            {
                Lines = [new OrderLine("1", "MUG-W", "白杯", 3, 19.90m, 0m), new OrderLine("2", "MUG-B", "黑杯", 2, 25.05m, 0m)],
                Amounts = new OrderAmounts(109.80m, 0m, 0m, 109.80m),
            }
        },
        { "amounts equal whatever their scale", Example with { Amounts = new OrderAmounts(99.000m, 0m, 10.0m, 89m) } },
        {
            "ciphertext stands in for name, phone and address (Douyin, JD)",
            Example with
            {
                Receiver = Example.Receiver! with { Name = null, Phone = null, Address = null },
                ReceiverPrivacy = new ReceiverPrivacy(EncryptedName: "##qIOp#1##", EncryptedPhone: "$$Klqd$1$$", EncryptedAddress: "##i688#1##"),
            }
        },
        {
            "an oaid with a masked name stands in for the name (Taobao's 张** and oaid)",
            Example with
            {
                Oaid = "1b9ZxQ", Receiver = Example.Receiver! with { Name = null, Phone = null, Address = null },
                ReceiverPrivacy = new ReceiverPrivacy(MaskedName: "张**", MaskedPhone: "138****8000"),
            }
        },
    };

    [Theory]
    [MemberData(nameof(NoReasonCases))]
    public void Orders_that_add_up_are_not_held(string because, CanonicalOrder order)
    {
        Evaluate(order).ShouldBeEmpty(because);
    }

    [Fact]
    public void Every_problem_is_reported_in_order_receiver_amounts_skus()
    {
        var order = Example with
        {
            Receiver = null,
            Lines =
            [
                new OrderLine("1", "MUG-W", "白杯", 2, 10.00m, 1.00m),
                new OrderLine("2", "CUP-9", "茶杯", 1, 5.00m, 0m),
                new OrderLine("3", null, "赠品", 1, 0.00m, 0m),
            ],
            Amounts = new OrderAmounts(24.00m, 0m, 0.50m, 20.00m),
        };

        var reasons = Evaluate(order);

        reasons.Select(r => (r.Code, r.Field)).ShouldBe(
        [
            ("missing_receiver", "receiver"),
            ("amounts_mismatch", "amounts.goods"),
            ("amounts_mismatch", "amounts.paid"),
            ("amounts_mismatch", "amounts.discount"),
            ("unknown_sku", "lines[1].sku"),
            ("unknown_sku", "lines[2].sku"),
        ]);
        reasons[1].Message.ShouldBe("goods 24.00 does not equal the sum of quantity × unit price over the lines (25.00)");
        reasons[2].Message.ShouldBe("paid 20.00 does not equal goods + freight − discount (24.00 + 0.00 − 0.50 = 23.50)");
        reasons[3].Message.ShouldBe("the lines' discounts (1.00) exceed the order's discount (0.50)");
        reasons[4].Message.ShouldBe("merchant SKU 'CUP-9' is not in the catalogue");
        reasons[5].Message.ShouldBe("line 3 ('赠品') has no merchant SKU");
    }

    [Fact]
    public void The_catalogue_is_asked_once_per_line_with_a_SKU()
    {
        var asked = new List<string>();
        var order = Example with { Lines = [Example.Lines[0], Example.Lines[0] with { Sku = null }, Example.Lines[0] with { Sku = "MUG-B" }], Amounts = new OrderAmounts(297m, 0m, 30m, 267m) };

        IntakeChecks.Evaluate(order, sku => { asked.Add(sku); return true; }).ShouldHaveSingleItem().Field.ShouldBe("lines[1].sku");

        asked.ShouldBe(["MUG-W", "MUG-B"]);
    }

    [Fact]
    public void A_hold_reason_key_joins_code_field_and_message()
    {
        new HoldReason("unknown_sku", "merchant SKU 'X' is not in the catalogue", "lines[0].sku").Key
            .ShouldBe("unknown_sku|lines[0].sku|merchant SKU 'X' is not in the catalogue");
        new HoldReason("manual", "check the address").Key.ShouldBe("manual||check the address");
    }
}
