using Ordo.Core.Inventory;
using Shouldly;
using Xunit;

namespace Ordo.Core.Tests.Inventory;

public class StockLedgerTests
{
    private static StockBalance Balance(int onHand, int reserved, int inTransit, decimal arrival = 0m) =>
        new("SKU-1", "WH-1", onHand, reserved, inTransit, SafetyBuffer.None, ArrivalCoefficient.Of(arrival));

    public static TheoryData<MovementKind, int, bool, StockDelta> Deltas => new()
    {
        { MovementKind.Receipt, 10, false, new StockDelta(10, 0, 0) },
        { MovementKind.Receipt, 10, true, new StockDelta(10, 0, -10) },
        { MovementKind.Inbound, 10, false, new StockDelta(0, 0, 10) },
        { MovementKind.Reservation, 3, false, new StockDelta(0, 3, 0) },
        { MovementKind.Release, 3, false, new StockDelta(0, -3, 0) },
        { MovementKind.Shipment, 3, false, new StockDelta(-3, -3, 0) },
        { MovementKind.Adjustment, -2, false, new StockDelta(-2, 0, 0) },
        { MovementKind.Adjustment, 4, false, new StockDelta(4, 0, 0) },
        { MovementKind.Count, -5, false, new StockDelta(-5, 0, 0) },
        { MovementKind.Count, 6, false, new StockDelta(6, 0, 0) },
        { MovementKind.TransferOut, 8, false, new StockDelta(-8, 0, 0) },
        { MovementKind.TransferIn, 8, false, new StockDelta(8, 0, -8) },
        { MovementKind.Return, 1, false, new StockDelta(1, 0, 0) },
    };

    [Theory]
    [MemberData(nameof(Deltas))]
    public void Each_kind_of_movement_makes_its_delta(MovementKind kind, int quantity, bool fromInTransit, StockDelta expected)
    {
        StockLedger.DeltaOf(kind, quantity, fromInTransit).ShouldBe(expected);
    }

    [Fact]
    public void Every_movement_kind_has_a_delta()
    {
        foreach (var kind in Enum.GetValues<MovementKind>())
            StockLedger.DeltaOf(kind, 1).IsZero.ShouldBeFalse(kind.ToString());
        Enum.GetValues<MovementKind>().Length.ShouldBe(10);
    }

    [Fact]
    public void An_unknown_kind_has_no_delta()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => StockLedger.DeltaOf((MovementKind)99, 1));
    }

    [Theory]
    [InlineData(MovementKind.TransferOut, "transferOut")]
    [InlineData(MovementKind.Receipt, "receipt")]
    [InlineData(MovementKind.Count, "count")]
    public void Kinds_are_named_in_lower_camel_case_and_parse_back(MovementKind kind, string name)
    {
        kind.Name().ShouldBe(name);
        MovementKinds.TryParse(name, out var parsed).ShouldBeTrue();
        parsed.ShouldBe(kind);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("TransferOut")]
    [InlineData("shipped")]
    public void Other_names_are_not_movement_kinds(string? name)
    {
        MovementKinds.TryParse(name, out _).ShouldBeFalse();
    }

    [Fact]
    public void Deltas_add_up()
    {
        (new StockDelta(1, 2, 3) + new StockDelta(-1, 1, -3)).ShouldBe(new StockDelta(0, 3, 0));
        default(StockDelta).IsZero.ShouldBeTrue();
    }

    [Fact]
    public void Apply_adds_the_delta_to_the_balance()
    {
        var (after, refusal) = StockLedger.Apply(Balance(100, 30, 20), StockLedger.DeltaOf(MovementKind.Shipment, 10));

        refusal.ShouldBeNull();
        after.ShouldNotBeNull();
        (after.OnHand, after.Reserved, after.InTransit).ShouldBe((90, 20, 20));
        (after.Sku, after.Warehouse).ShouldBe(("SKU-1", "WH-1"));
    }

    [Theory]
    // on hand, reserved, in transit, kind, quantity, refusal fragment
    [InlineData(5, 0, 0, MovementKind.TransferOut, 6, "5 on hand, cannot take 6 out")]
    [InlineData(5, 0, 0, MovementKind.Adjustment, -6, "5 on hand, cannot take 6 out")]
    [InlineData(5, 0, 0, MovementKind.Count, -6, "5 on hand, cannot take 6 out")]
    [InlineData(5, 5, 0, MovementKind.Shipment, 6, "5 on hand, cannot take 6 out")]
    [InlineData(10, 2, 0, MovementKind.Release, 3, "2 reserved, cannot release 3")]
    [InlineData(10, 2, 0, MovementKind.Shipment, 3, "2 reserved, cannot release 3")]
    [InlineData(10, 0, 4, MovementKind.TransferIn, 5, "4 in transit, cannot take 5 in from transit")]
    [InlineData(10, 0, 0, MovementKind.Inbound, -1, "0 in transit, cannot take 1 in from transit")]
    public void Apply_refuses_anything_that_would_go_below_zero(int onHand, int reserved, int inTransit, MovementKind kind, int quantity, string refusal)
    {
        var balance = Balance(onHand, reserved, inTransit);
        var (after, reason) = StockLedger.Apply(balance, StockLedger.DeltaOf(kind, quantity));

        after.ShouldBeNull();
        reason.ShouldNotBeNull();
        reason.ShouldStartWith("SKU-1 in WH-1: ");
        reason.ShouldContain(refusal);
    }

    [Fact]
    public void A_receipt_of_announced_goods_cannot_take_more_from_transit_than_is_announced()
    {
        var (after, reason) = StockLedger.Apply(Balance(0, 0, 3), StockLedger.DeltaOf(MovementKind.Receipt, 5, fromInTransit: true));
        after.ShouldBeNull();
        reason.ShouldNotBeNull().ShouldContain("3 in transit");
    }

    [Theory]
    [InlineData(MovementKind.TransferOut, 3)]
    [InlineData(MovementKind.Adjustment, -3)]
    [InlineData(MovementKind.Count, -3)]
    public void Apply_refuses_to_take_on_hand_below_what_is_reserved(MovementKind kind, int quantity)
    {
        var (after, reason) = StockLedger.Apply(Balance(10, 8, 0), StockLedger.DeltaOf(kind, quantity));

        after.ShouldBeNull();
        reason.ShouldBe("SKU-1 in WH-1: 8 reserved, taking 3 of 10 on hand would leave less than is promised");
    }

    [Theory]
    [InlineData(MovementKind.TransferOut, 2)]
    [InlineData(MovementKind.Adjustment, -2)]
    public void Apply_takes_on_hand_down_to_exactly_what_is_reserved(MovementKind kind, int quantity)
    {
        var (after, reason) = StockLedger.Apply(Balance(10, 8, 0), StockLedger.DeltaOf(kind, quantity));

        reason.ShouldBeNull();
        after.ShouldNotBeNull().OnHand.ShouldBe(8);
    }

    [Fact]
    public void Stock_counted_in_transit_covers_promises_when_on_hand_is_taken()
    {
        // 10 on hand, 8 reserved, 5 arriving at 0.8 (4 counted): 6 may go, leaving 4 + 4 = 8; 7 may not.
        StockLedger.Apply(Balance(10, 8, 5, 0.8m), StockLedger.DeltaOf(MovementKind.TransferOut, 7)).Refusal.ShouldNotBeNull();
        StockLedger.Apply(Balance(10, 8, 5, 0.8m), StockLedger.DeltaOf(MovementKind.TransferOut, 7)).Balance.ShouldBeNull();
        StockLedger.Apply(Balance(10, 8, 5, 0.8m), StockLedger.DeltaOf(MovementKind.TransferOut, 6)).Balance.ShouldNotBeNull().OnHand.ShouldBe(4);
    }

    [Fact]
    public void Shipping_reserved_units_is_not_taking_on_hand_below_what_is_reserved()
    {
        var (after, reason) = StockLedger.Apply(Balance(10, 10, 0), StockLedger.DeltaOf(MovementKind.Shipment, 10));

        reason.ShouldBeNull();
        after.ShouldNotBeNull();
        (after.OnHand, after.Reserved).ShouldBe((0, 0));
    }

    [Fact]
    public void Apply_keeps_the_balance_version_buffer_and_coefficient()
    {
        var balance = new StockBalance("A", "W", 10, 0, 0, SafetyBuffer.Units(2), ArrivalCoefficient.Of(0.5m)) { Version = 7 };
        var after = StockLedger.Apply(balance, StockLedger.DeltaOf(MovementKind.Receipt, 1)).Balance.ShouldNotBeNull();

        after.Version.ShouldBe(7);
        after.Buffer.ShouldBe(SafetyBuffer.Units(2));
        after.Arrival.ShouldBe(ArrivalCoefficient.Of(0.5m));
    }

    [Fact]
    public void Check_finds_nothing_when_the_books_agree()
    {
        var balances = new[] { Balance(10, 2, 0), new StockBalance("SKU-2", "WH-1", 0, 0, 5, SafetyBuffer.None, ArrivalCoefficient.Default) };
        var sums = new[] { ("SKU-1", "WH-1", new StockDelta(10, 2, 0)), ("SKU-2", "WH-1", new StockDelta(0, 0, 5)) };

        StockLedger.Check(balances, sums).ShouldBeEmpty();
    }

    [Fact]
    public void Check_finds_a_balance_that_differs_from_its_movements()
    {
        var differences = StockLedger.Check([Balance(10, 2, 0)], [("SKU-1", "WH-1", new StockDelta(9, 2, 0))]);

        differences.ShouldHaveSingleItem().ShouldBe(new LedgerDifference("SKU-1", "WH-1", new StockDelta(10, 2, 0), new StockDelta(9, 2, 0)));
    }

    [Fact]
    public void Check_finds_a_balance_without_movements()
    {
        var differences = StockLedger.Check([Balance(10, 0, 0)], []);

        differences.ShouldHaveSingleItem().ShouldBe(new LedgerDifference("SKU-1", "WH-1", new StockDelta(10, 0, 0), default));
    }

    [Fact]
    public void Check_finds_movements_without_a_balance()
    {
        var differences = StockLedger.Check([], [("SKU-9", "WH-2", new StockDelta(3, 0, 0))]);

        differences.ShouldHaveSingleItem().ShouldBe(new LedgerDifference("SKU-9", "WH-2", default, new StockDelta(3, 0, 0)));
    }

    [Fact]
    public void Check_accepts_an_empty_balance_without_movements_and_movements_that_add_up_to_nothing()
    {
        StockLedger.Check([Balance(0, 0, 0)], [("SKU-9", "WH-2", new StockDelta(0, 0, 0))]).ShouldBeEmpty();
        StockLedger.Check([], []).ShouldBeEmpty();
    }

    [Fact]
    public void Check_keys_on_sku_and_warehouse_together()
    {
        var differences = StockLedger.Check([Balance(10, 0, 0)], [("SKU-1", "WH-2", new StockDelta(10, 0, 0))]);

        differences.Count.ShouldBe(2);
        differences.ShouldContain(new LedgerDifference("SKU-1", "WH-1", new StockDelta(10, 0, 0), default));
        differences.ShouldContain(new LedgerDifference("SKU-1", "WH-2", default, new StockDelta(10, 0, 0)));
    }
}
