using Ordo.Core.Inventory;
using Ordo.Core.Orders;
using Shouldly;
using Xunit;

namespace Ordo.Core.Tests.Inventory;

public class StockCountReportTests
{
    private static readonly Actor Counter = new(ActorKind.User, "u-7");
    private static readonly DateTimeOffset CountedAt = new(2025, 3, 31, 18, 0, 0, TimeSpan.Zero);

    private static StockCountReport Compare(
        IEnumerable<CountedStock> counted, Dictionary<(string Sku, string Warehouse), int> system, decimal threshold = StockCount.DefaultThresholdPercent, decimal? total = null) =>
        StockCount.Compare(counted, system, "PD-2025-03", Counter, CountedAt, threshold, total);

    [Theory]
    // system, counted, difference, percent, exceeds 3%
    [InlineData(100, 100, 0, "0", false)]
    [InlineData(100, 97, -3, "-3", false)]
    [InlineData(100, 96, -4, "-4", true)]
    [InlineData(100, 103, 3, "3", false)]
    [InlineData(100, 104, 4, "4", true)]
    [InlineData(3, 2, -1, "-33.33", true)]
    [InlineData(0, 5, 5, "100", true)]
    [InlineData(0, 0, 0, "0", false)]
    [InlineData(50, 0, -50, "-100", true)]
    [InlineData(1000, 1030, 30, "3", false)]
    [InlineData(1000, 1031, 31, "3.1", true)]
    public void Each_line_has_its_difference_percent_and_alert(int system, int counted, int difference, string percent, bool exceeds)
    {
        var report = Compare([new CountedStock("A", "SH", counted)], new() { [("A", "SH")] = system });

        report.Lines.ShouldHaveSingleItem().ShouldBe(new CountDifferenceLine(
            "A", "SH", system, counted, difference, decimal.Parse(percent, System.Globalization.CultureInfo.InvariantCulture), exceeds));
        report.Alert.ShouldBe(exceeds);
        report.Total.Difference.ShouldBe(difference);
    }

    [Fact]
    public void Each_difference_is_booked_by_a_count_movement()
    {
        var report = Compare(
            [new CountedStock("A", "SH", 97), new CountedStock("B", "SH", 10), new CountedStock("C", "CD", 12)],
            new() { [("A", "SH")] = 100, [("B", "SH")] = 10, [("C", "CD")] = 10 });

        report.Movements.Count.ShouldBe(2);
        var a = report.Movements[0];
        (a.Sku, a.Warehouse, a.Kind).ShouldBe(("A", "SH", MovementKind.Count));
        a.Delta.ShouldBe(StockLedger.DeltaOf(MovementKind.Count, -3));
        a.Delta.ShouldBe(new StockDelta(-3, 0, 0));
        a.Reason.ShouldBe("stock count PD-2025-03: system 100, counted 97");
        a.Actor.ShouldBe(Counter);
        a.SourceDocument.ShouldBe("PD-2025-03");
        a.OccurredAt.ShouldBe(CountedAt);
        report.Movements[1].Delta.ShouldBe(new StockDelta(2, 0, 0));
        report.Movements[1].Sku.ShouldBe("C");
    }

    [Fact]
    public void Booking_the_movements_makes_on_hand_equal_what_was_counted()
    {
        var balance = new StockBalance("A", "SH", 100, 20, 0, SafetyBuffer.None, ArrivalCoefficient.Default);
        var report = Compare([new CountedStock("A", "SH", 90)], new() { [("A", "SH")] = balance.OnHand });

        var (after, refusal) = StockLedger.Apply(balance, report.Movements.ShouldHaveSingleItem().Delta);

        refusal.ShouldBeNull();
        after.ShouldNotBeNull().OnHand.ShouldBe(90);
    }

    [Fact]
    public void The_total_adds_up_all_lines()
    {
        var report = Compare(
            [new CountedStock("A", "SH", 98), new CountedStock("B", "SH", 201), new CountedStock("C", "SH", 100)],
            new() { [("A", "SH")] = 100, [("B", "SH")] = 200, [("C", "SH")] = 100 });

        report.Total.ShouldBe(new CountTotal(400, 399, -1, 3, -0.25m, false));
        report.Alert.ShouldBeFalse();
        report.Reasons.ShouldBeEmpty();
    }

    [Fact]
    public void One_line_above_the_threshold_alerts_with_its_reason()
    {
        var report = Compare(
            [new CountedStock("A", "SH", 90), new CountedStock("B", "SH", 1000)],
            new() { [("A", "SH")] = 100, [("B", "SH")] = 1000 });

        report.Alert.ShouldBeTrue();
        report.Total.ExceedsThreshold.ShouldBeFalse();
        report.Reasons.ShouldBe(["A in SH: counted 90, system 100, difference -10 is more than 3% of system on hand"]);
    }

    [Fact]
    public void The_whole_count_alerts_when_its_net_difference_is_above_the_total_threshold()
    {
        var report = Compare(
            [new CountedStock("A", "SH", 98), new CountedStock("B", "SH", 98)],
            new() { [("A", "SH")] = 100, [("B", "SH")] = 100 }, threshold: 3m, total: 1m);

        report.Lines.ShouldAllBe(l => !l.ExceedsThreshold);
        report.Alert.ShouldBeTrue();
        report.Total.ExceedsThreshold.ShouldBeTrue();
        report.Reasons.ShouldBe(["total: counted 196, system 200, difference -4 is more than 1% of system on hand"]);
    }

    [Theory]
    [InlineData("10", 89, true)]
    [InlineData("10", 90, false)]
    [InlineData("0", 99, true)]
    [InlineData("0", 100, false)]
    public void The_threshold_is_configurable(string threshold, int counted, bool alert)
    {
        var report = Compare([new CountedStock("A", "SH", counted)], new() { [("A", "SH")] = 100 }, decimal.Parse(threshold, System.Globalization.CultureInfo.InvariantCulture));

        report.Alert.ShouldBe(alert);
    }

    [Fact]
    public void Counted_stock_unknown_to_the_system_is_a_100_percent_difference()
    {
        var report = Compare([new CountedStock("NEW", "SH", 4)], []);

        report.Lines.ShouldHaveSingleItem().ShouldBe(new CountDifferenceLine("NEW", "SH", 0, 4, 4, 100m, true));
        report.Movements.ShouldHaveSingleItem().Delta.ShouldBe(new StockDelta(4, 0, 0));
        report.Total.DifferencePercent.ShouldBe(100m);
        report.Alert.ShouldBeTrue();
    }

    [Fact]
    public void Rows_of_one_sku_and_warehouse_add_up_and_stock_not_counted_is_not_compared()
    {
        var report = Compare(
            [new CountedStock("A", "SH", 60), new CountedStock("A", "CD", 5), new CountedStock("A", "SH", 40)],
            new() { [("A", "SH")] = 100, [("A", "CD")] = 5, [("B", "SH")] = 70 });

        report.Lines.Select(l => (l.Sku, l.Warehouse, l.Counted)).ShouldBe([("A", "SH", 100), ("A", "CD", 5)]);
        report.Movements.ShouldBeEmpty();
        report.Total.System.ShouldBe(105);
    }

    [Fact]
    public void A_negative_count_is_rejected_and_takes_no_part()
    {
        var report = Compare([new CountedStock("A", "SH", -1), new CountedStock("B", "SH", 10)], new() { [("A", "SH")] = 5, [("B", "SH")] = 10 });

        report.Rejected.ShouldBe(["A in SH: counted -1 is negative"]);
        report.Lines.ShouldHaveSingleItem().Sku.ShouldBe("B");
        report.Alert.ShouldBeFalse();
    }

    [Fact]
    public void An_empty_count_reports_nothing()
    {
        var report = Compare([], new() { [("A", "SH")] = 5 });

        report.Lines.ShouldBeEmpty();
        report.Movements.ShouldBeEmpty();
        report.Total.ShouldBe(new CountTotal(0, 0, 0, 0, 0m, false));
        report.Alert.ShouldBeFalse();
    }

    [Fact]
    public void A_negative_threshold_is_a_bug()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => Compare([], [], threshold: -1m)).ParamName.ShouldBe("thresholdPercent");
        Should.Throw<ArgumentOutOfRangeException>(() => Compare([], [], total: -1m)).ParamName.ShouldBe("totalThresholdPercent");
    }
}
