using Ordo.Core.Inventory;
using Shouldly;
using Xunit;

namespace Ordo.Core.Tests.Inventory;

public class ReplenishmentTests
{
    private static readonly DateOnly Yesterday = new(2025, 3, 7);

    private static (DateOnly, int)[] Days(params int[] unitsOldestFirst) =>
        unitsOldestFirst.Select((u, i) => (Yesterday.AddDays(i - unitsOldestFirst.Length + 1), u)).ToArray();

    [Theory]
    // atp, units per day (oldest first, ending yesterday), alert
    [InlineData(14, new[] { 10, 10, 10, 10, 10, 10, 10 }, true)]
    [InlineData(15, new[] { 10, 10, 10, 10, 10, 10, 10 }, false)]
    [InlineData(16, new[] { 10, 10, 10, 10, 10, 10, 10 }, false)]
    [InlineData(0, new[] { 0, 0, 0, 0, 0, 0, 0 }, false)]
    [InlineData(0, new int[0], false)]
    [InlineData(-1, new int[0], true)]
    [InlineData(0, new[] { 1 }, true)]
    public void Alerts_when_atp_is_below_one_and_a_half_times_the_seven_day_average(int atp, int[] units, bool alert)
    {
        ReplenishmentSettings.Default.WindowDays.ShouldBe(7);
        ReplenishmentSettings.Default.Factor.ShouldBe(1.5m);

        Replenishment.Check(atp, Days(units), Yesterday).Alert.ShouldBe(alert);
    }

    [Fact]
    public void The_result_carries_the_average_the_level_and_the_reason()
    {
        var result = Replenishment.Check(12, Days(7, 8, 9, 10, 11, 12, 13), Yesterday);

        result.Alert.ShouldBeTrue();
        result.AverageDailySales.ShouldBe(10m);
        result.Level.ShouldBe(15m);
        result.Reason.ShouldBe("ATP 12 is below 1.5 × average daily sales 10 over 7 days (2025-03-01 to 2025-03-07) = 15: replenish");
    }

    [Fact]
    public void Missing_days_count_as_nothing_sold()
    {
        // 21 units on two days of seven: 3 a day.
        var result = Replenishment.Check(4, [(Yesterday, 14), (Yesterday.AddDays(-6), 7)], Yesterday);

        result.AverageDailySales.ShouldBe(3m);
        result.Level.ShouldBe(4.5m);
        result.Alert.ShouldBeTrue();
    }

    [Fact]
    public void Days_outside_the_window_are_ignored_and_entries_of_one_day_add_up()
    {
        var sales = new[] { (Yesterday.AddDays(-7), 700), (Yesterday.AddDays(1), 700), (Yesterday, 3), (Yesterday, 4) };

        Replenishment.Check(100, sales, Yesterday).AverageDailySales.ShouldBe(1m);
    }

    [Fact]
    public void Negative_entries_count_as_zero()
    {
        Replenishment.Check(100, [(Yesterday, 14), (Yesterday.AddDays(-1), -14)], Yesterday).AverageDailySales.ShouldBe(2m);
    }

    [Fact]
    public void The_window_and_factor_are_configurable()
    {
        var settings = new ReplenishmentSettings(windowDays: 3, factor: 2m);

        var result = Replenishment.Check(9, Days(100, 100, 3, 3, 6), Yesterday, settings);

        result.AverageDailySales.ShouldBe(4m);
        result.Level.ShouldBe(8m);
        result.Alert.ShouldBeFalse();
        result.Reason.ShouldBe("ATP 9 covers 2 × average daily sales 4 over 3 days (2025-03-05 to 2025-03-07) = 8");
    }

    [Fact]
    public void An_average_that_does_not_divide_evenly_is_kept_exact_and_shown_rounded()
    {
        var result = Replenishment.Check(12, Days(10, 10, 10, 10, 10, 10, 0), Yesterday);

        result.AverageDailySales.ShouldBe(60m / 7);
        result.Level.ShouldBe(1.5m * (60m / 7));
        result.Alert.ShouldBeTrue();
        result.Reason.ShouldContain("average daily sales 8.57");
        result.Reason.ShouldContain("= 12.86");
    }

    [Theory]
    [InlineData(0, "1.5", "windowDays")]
    [InlineData(367, "1.5", "windowDays")]
    [InlineData(7, "0", "factor")]
    [InlineData(7, "-1", "factor")]
    public void Settings_outside_their_range_cannot_be_made(int windowDays, string factor, string param)
    {
        Should.Throw<ArgumentOutOfRangeException>(() => new ReplenishmentSettings(windowDays, decimal.Parse(factor, System.Globalization.CultureInfo.InvariantCulture)))
            .ParamName.ShouldBe(param);
    }
}
