using System.Globalization;
using Ordo.Core.Common;
using Shouldly;
using Xunit;

namespace Ordo.Core.Tests.Common;

public class MoneyTests
{
    [Theory]
    [InlineData("99", "CNY", "99.00 CNY")]
    [InlineData("99.000", "CNY", "99.00 CNY")]
    [InlineData("0.5", "USD", "0.50 USD")]
    [InlineData("-15", "CNY", "-15.00 CNY")]
    [InlineData("9999999999.99", "JPY", "9999999999.99 JPY")]
    public void Money_holds_an_amount_with_two_decimals_and_its_currency(string amount, string currency, string expected)
    {
        var money = new Money(decimal.Parse(amount, CultureInfo.InvariantCulture), currency);

        money.ToString().ShouldBe(expected);
        money.Amount.ShouldBe(decimal.Parse(amount, CultureInfo.InvariantCulture));
        money.Currency.ShouldBe(currency);
    }

    [Fact]
    public void ToString_does_not_depend_on_the_current_culture()
    {
        var saved = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            new Money(1234.5m, "EUR").ToString().ShouldBe("1234.50 EUR");
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    [Theory]
    [InlineData("0.001")]
    [InlineData("99.005")]
    [InlineData("10000000000")]
    [InlineData("-10000000000")]
    public void An_amount_that_does_not_fit_decimal_12_2_cannot_be_money(string amount)
    {
        var ex = Should.Throw<ArgumentOutOfRangeException>(() => new Money(decimal.Parse(amount, CultureInfo.InvariantCulture), "CNY"));
        ex.ParamName.ShouldBe("amount");
    }

    [Theory]
    [InlineData("")]
    [InlineData("cny")]
    [InlineData("CN")]
    [InlineData("CNYY")]
    [InlineData("RM1")]
    [InlineData("¥")]
    [InlineData("ＣＮＹ")]
    public void A_currency_must_be_three_upper_case_ASCII_letters(string currency)
    {
        var ex = Should.Throw<ArgumentException>(() => new Money(1m, currency));
        ex.ParamName.ShouldBe("currency");
        Currencies.IsValidCode(currency).ShouldBeFalse();
    }

    [Theory]
    [InlineData("CNY")]
    [InlineData("USD")]
    [InlineData("XYZ")]
    public void Any_three_upper_case_letters_are_a_currency(string currency)
    {
        Currencies.IsValidCode(currency).ShouldBeTrue();
    }

    [Fact]
    public void Null_is_not_a_currency()
    {
        Currencies.IsValidCode(null).ShouldBeFalse();
        Should.Throw<ArgumentException>(() => new Money(1m, null!));
    }

    public static TheoryData<decimal, decimal, decimal, decimal> Arithmetic => new()
    {
        // a, b, a + b, a − b
        { 99.00m, 10.50m, 109.50m, 88.50m },
        { 10m, 25m, 35m, -15m },
        { 0.01m, 0.02m, 0.03m, -0.01m },
        { 9_999_999_999.98m, 0.01m, 9_999_999_999.99m, 9_999_999_999.97m },
    };

    [Theory]
    [MemberData(nameof(Arithmetic))]
    public void Adds_and_subtracts_in_the_same_currency(decimal a, decimal b, decimal sum, decimal difference)
    {
        var x = new Money(a, "CNY");
        var y = new Money(b, "CNY");

        (x + y).ShouldBe(new Money(sum, "CNY"));
        (x - y).ShouldBe(new Money(difference, "CNY"));
        (x + y).Currency.ShouldBe("CNY");
    }

    [Fact]
    public void Combining_currencies_is_a_bug_and_throws()
    {
        var cny = new Money(1m, "CNY");
        var usd = new Money(1m, "USD");

        Should.Throw<InvalidOperationException>(() => cny + usd).Message.ShouldBe("Cannot combine CNY and USD.");
        Should.Throw<InvalidOperationException>(() => usd - cny).Message.ShouldBe("Cannot combine USD and CNY.");
    }

    [Fact]
    public void A_sum_beyond_decimal_12_2_throws()
    {
        var max = new Money(Amounts.Max, "CNY");

        Should.Throw<ArgumentOutOfRangeException>(() => max + new Money(0.01m, "CNY"));
        Should.Throw<ArgumentOutOfRangeException>(() => new Money(-Amounts.Max, "CNY") - new Money(0.01m, "CNY"));
    }

    [Fact]
    public void Equality_is_by_value_whatever_the_scale()
    {
        new Money(1.0m, "CNY").ShouldBe(new Money(1.00m, "CNY"));
        (new Money(1m, "CNY") == new Money(1m, "USD")).ShouldBeFalse();
        (new Money(1m, "CNY") == new Money(1.01m, "CNY")).ShouldBeFalse();
    }
}
