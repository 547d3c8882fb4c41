using Ordo.Core.Inventory;
using Shouldly;
using Xunit;

namespace Ordo.Core.Tests.Inventory;

public class StockBalanceTests
{
    private static StockBalance Balance(int onHand, int reserved, int inTransit, SafetyBuffer buffer, decimal arrival) =>
        new("SKU-1", "WH-1", onHand, reserved, inTransit, buffer, ArrivalCoefficient.Of(arrival));

    [Fact]
    public void The_issue_example_is_86_before_the_buffer()
    {
        var balance = Balance(100, 30, 20, SafetyBuffer.None, 0.8m);

        balance.CountedInTransit.ShouldBe(16);
        balance.AtpBeforeBuffer.ShouldBe(86);
        balance.Atp.ShouldBe(86);
        balance.Promisable.ShouldBe(86);
    }

    [Fact]
    public void The_issue_example_with_the_default_buffer_keeps_5_percent_of_on_hand_back()
    {
        var balance = Balance(100, 30, 20, SafetyBuffer.Default, 0.8m);

        balance.BufferUnits.ShouldBe(5);
        balance.Atp.ShouldBe(81);
    }

    [Theory]
    // onHand, reserved, inTransit, buffer units (-1: default 5%), arrival, expected ATP, expected promisable
    [InlineData(100, 30, 20, 10, "0.8", 76, 76)]
    [InlineData(100, 0, 0, 0, "0", 100, 100)]
    [InlineData(100, 0, 50, 0, "0", 100, 100)]
    [InlineData(0, 0, 50, 0, "1", 50, 50)]
    [InlineData(10, 10, 0, -1, "0", -1, 0)]
    [InlineData(10, 12, 0, 0, "0", -2, 0)]
    [InlineData(5, 0, 0, 20, "0", 0, 0)]
    [InlineData(0, 0, 0, -1, "0.5", 0, 0)]
    public void Atp_is_on_hand_less_reserved_less_buffer_plus_counted_in_transit(
        int onHand, int reserved, int inTransit, int bufferUnits, string arrival, int atp, int promisable)
    {
        var buffer = bufferUnits < 0 ? SafetyBuffer.Default : SafetyBuffer.Units(bufferUnits);
        var balance = Balance(onHand, reserved, inTransit, buffer, decimal.Parse(arrival, System.Globalization.CultureInfo.InvariantCulture));

        balance.Atp.ShouldBe(atp);
        balance.Promisable.ShouldBe(promisable);
    }

    [Theory]
    // percent, on hand, units held back
    [InlineData("5", 100, 5)]
    [InlineData("5", 10, 1)]
    [InlineData("5", 1, 1)]
    [InlineData("5", 21, 2)]
    [InlineData("5", 0, 0)]
    [InlineData("5", -3, 0)]
    [InlineData("2.5", 100, 3)]
    [InlineData("2.5", 40, 1)]
    [InlineData("0.01", 1, 1)]
    [InlineData("0", 100, 0)]
    [InlineData("100", 7, 7)]
    public void A_percent_buffer_rounds_up_and_never_exceeds_on_hand(string percent, int onHand, int expected)
    {
        SafetyBuffer.Percent(decimal.Parse(percent, System.Globalization.CultureInfo.InvariantCulture)).UnitsFor(onHand).ShouldBe(expected);
    }

    [Theory]
    [InlineData(10, 100, 10)]
    [InlineData(10, 4, 4)]
    [InlineData(10, 0, 0)]
    [InlineData(0, 50, 0)]
    public void An_absolute_buffer_holds_back_its_units_but_never_more_than_on_hand(int units, int onHand, int expected)
    {
        SafetyBuffer.Units(units).UnitsFor(onHand).ShouldBe(expected);
    }

    [Fact]
    public void The_default_buffer_is_5_percent_and_none_is_zero_units()
    {
        SafetyBuffer.Default.Kind.ShouldBe(SafetyBufferKind.Percent);
        SafetyBuffer.Default.Value.ShouldBe(500);
        SafetyBuffer.Default.PercentValue.ShouldBe(5m);
        SafetyBuffer.Default.ToString().ShouldBe("5%");
        SafetyBuffer.None.UnitsFor(100).ShouldBe(0);
        SafetyBuffer.Units(3).ToString().ShouldBe("3 units");
        SafetyBuffer.Percent(2.5m).ToString().ShouldBe("2.5%");
        SafetyBuffer.Percent(2.5m).Value.ShouldBe(250);
    }

    [Theory]
    [InlineData("-0.01")]
    [InlineData("-5")]
    [InlineData("100.01")]
    [InlineData("101")]
    [InlineData("2.555")]
    [InlineData("0.001")]
    public void A_percent_buffer_outside_0_to_100_or_with_more_than_two_decimals_cannot_be_made(string percent)
    {
        var ex = Should.Throw<ArgumentOutOfRangeException>(() => SafetyBuffer.Percent(decimal.Parse(percent, System.Globalization.CultureInfo.InvariantCulture)));
        ex.ParamName.ShouldBe("percent");
    }

    [Fact]
    public void A_negative_unit_buffer_cannot_be_made()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => SafetyBuffer.Units(-1)).ParamName.ShouldBe("units");
    }

    [Theory]
    [InlineData(SafetyBufferKind.Absolute, 0, true)]
    [InlineData(SafetyBufferKind.Absolute, 1_000_000, true)]
    [InlineData(SafetyBufferKind.Absolute, -1, false)]
    [InlineData(SafetyBufferKind.Percent, 0, true)]
    [InlineData(SafetyBufferKind.Percent, 500, true)]
    [InlineData(SafetyBufferKind.Percent, 10_000, true)]
    [InlineData(SafetyBufferKind.Percent, 10_001, false)]
    [InlineData(SafetyBufferKind.Percent, -1, false)]
    [InlineData((SafetyBufferKind)7, 5, false)]
    public void TryRestore_accepts_only_values_a_buffer_can_have(SafetyBufferKind kind, int value, bool ok)
    {
        SafetyBuffer.TryRestore(kind, value, out var buffer).ShouldBe(ok);
        if (ok)
        {
            buffer.Kind.ShouldBe(kind);
            buffer.Value.ShouldBe(value);
        }
    }

    [Fact]
    public void A_restored_buffer_equals_the_one_made_directly()
    {
        SafetyBuffer.TryRestore(SafetyBufferKind.Percent, 500, out var restored).ShouldBeTrue();
        restored.ShouldBe(SafetyBuffer.Default);
    }

    [Theory]
    // coefficient, in transit, counted
    [InlineData("0.8", 20, 16)]
    [InlineData("0.8", 21, 16)]
    [InlineData("0.8", 19, 15)]
    [InlineData("0.333", 3, 0)]
    [InlineData("0.5", 1, 0)]
    [InlineData("1", 7, 7)]
    [InlineData("0", 100, 0)]
    [InlineData("0.9", 0, 0)]
    [InlineData("0.9", -5, 0)]
    public void The_arrival_coefficient_rounds_down(string coefficient, int inTransit, int expected)
    {
        ArrivalCoefficient.Of(decimal.Parse(coefficient, System.Globalization.CultureInfo.InvariantCulture)).CountedOf(inTransit).ShouldBe(expected);
    }

    [Fact]
    public void The_default_arrival_coefficient_promises_nothing_in_transit()
    {
        ArrivalCoefficient.Default.Value.ShouldBe(0m);
        ArrivalCoefficient.Default.CountedOf(1000).ShouldBe(0);
        ArrivalCoefficient.Of(0.8m).Thousandths.ShouldBe(800);
        ArrivalCoefficient.Of(0.8m).Value.ShouldBe(0.8m);
    }

    [Theory]
    [InlineData("-0.001")]
    [InlineData("1.001")]
    [InlineData("2")]
    [InlineData("0.8005")]
    public void An_arrival_coefficient_outside_0_to_1_or_with_more_than_three_decimals_cannot_be_made(string coefficient)
    {
        var ex = Should.Throw<ArgumentOutOfRangeException>(() => ArrivalCoefficient.Of(decimal.Parse(coefficient, System.Globalization.CultureInfo.InvariantCulture)));
        ex.ParamName.ShouldBe("coefficient");
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(800, true)]
    [InlineData(1000, true)]
    [InlineData(1001, false)]
    [InlineData(-1, false)]
    public void ArrivalCoefficient_TryRestore_accepts_0_to_1000_thousandths(int thousandths, bool ok)
    {
        ArrivalCoefficient.TryRestore(thousandths, out var coefficient).ShouldBe(ok);
        if (ok) coefficient.Thousandths.ShouldBe(thousandths);
    }

    [Fact]
    public void An_empty_balance_has_nothing_to_promise()
    {
        var empty = StockBalance.Empty("A", "W", SafetyBuffer.Default, ArrivalCoefficient.Of(1m));
        empty.OnHand.ShouldBe(0);
        empty.Reserved.ShouldBe(0);
        empty.InTransit.ShouldBe(0);
        empty.Atp.ShouldBe(0);
        empty.Promisable.ShouldBe(0);
    }
}
