using Ordo.Core.Common;
using Shouldly;
using Xunit;

namespace Ordo.Core.Tests.Common;

public class AmountsTests
{
    private const string TooLarge = "exceeds the largest storable amount 9999999999.99 (decimal(12,2))";
    private const string Negative = "must not be negative";
    private const string TooPrecise = "has more than 2 decimal places";

    public static TheoryData<decimal, bool, string?> Cases => new()
    {
        { 0m, false, null },
        { 0.01m, false, null },
        { 99m, false, null },
        { 99.00m, false, null },
        { 99.000m, false, null },          // more digits but the same value: not rounding, so accepted
        { 99.9900m, false, null },
        { 9_999_999_999.99m, false, null },
        { 9_999_999_999.990m, false, null },
        { -0.01m, false, Negative },
        { -0.01m, true, null },
        { -9_999_999_999.99m, true, null },
        { 10_000_000_000.00m, false, TooLarge },
        { 9_999_999_999.991m, false, TooLarge },
        { -10_000_000_000m, true, TooLarge },
        { -10_000_000_000m, false, Negative },   // negative is reported first
        { decimal.MaxValue, false, TooLarge },
        { decimal.MinValue, true, TooLarge },
        { 0.001m, false, TooPrecise },
        { 99.005m, false, TooPrecise },
        { -99.005m, true, TooPrecise },
        { 1.0000000000000000000000000001m, false, TooPrecise },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Check_applies_decimal_12_2_rules(decimal value, bool allowNegative, string? expected)
    {
        Amounts.Check(value, allowNegative).ShouldBe(expected);
    }

    [Fact]
    public void Negative_amounts_are_refused_by_default()
    {
        Amounts.Check(-1m).ShouldBe(Negative);
    }

    [Fact]
    public void The_largest_amount_is_that_of_decimal_12_2()
    {
        Amounts.Max.ShouldBe(9_999_999_999.99m);
    }
}
