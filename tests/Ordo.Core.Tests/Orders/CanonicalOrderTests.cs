using Ordo.Core.Orders;
using Shouldly;
using Xunit;

namespace Ordo.Core.Tests.Orders;

public class CanonicalOrderTests
{
    [Fact]
    public void Two_orders_built_separately_with_the_same_data_are_the_same()
    {
        var a = SampleOrders.Contract() with { Tags = ["vip"] };
        var b = SampleOrders.Contract() with { Tags = new List<string> { "vip" } };

        a.Lines.ShouldNotBeSameAs(b.Lines);
        a.SameDataAs(b).ShouldBeTrue();
        b.SameDataAs(a).ShouldBeTrue();
    }

    public static TheoryData<string, CanonicalOrder> Differences => new()
    {
        { "status", SampleOrders.Contract() with { Status = OrderStatus.Shipped } },
        { "line quantity", SampleOrders.Contract() with { Lines = [new OrderLine("1790001", "MUG-W", "马克杯", 2, 99.00m, 10.00m)] } },
        { "extra line", SampleOrders.Contract() with { Lines = [.. SampleOrders.Contract().Lines, .. SampleOrders.Contract().Lines] } },
        { "tags", SampleOrders.Contract() with { Tags = ["vip"] } },
        { "receiver phone", SampleOrders.Contract() with { Receiver = SampleOrders.Contract().Receiver! with { Phone = "13900139000" } } },
        { "amounts", SampleOrders.Contract() with { Amounts = new OrderAmounts(99m, 0m, 10m, 89.01m) } },
        { "modified time", SampleOrders.Contract() with { PlatformModifiedAt = null } },
        { "oaid", SampleOrders.Contract() with { Oaid = "x" } },
        { "priority", SampleOrders.Contract() with { Priority = 1 } },
        { "seller memo", SampleOrders.Contract() with { SellerMemo = "m" } },
    };

    [Theory]
    [MemberData(nameof(Differences))]
    public void Any_difference_makes_the_data_different(string because, CanonicalOrder other)
    {
        SampleOrders.Contract().SameDataAs(other).ShouldBeFalse(because);
        other.SameDataAs(SampleOrders.Contract()).ShouldBeFalse(because);
    }

    [Theory]
    [InlineData("13800138000", "8000")]
    [InlineData("138****8000", "8000")]
    [InlineData("+86 138 0013 8000", "8000")]
    [InlineData("1234", "1234")]
    [InlineData("138****", null)]
    [InlineData("*******", null)]
    [InlineData("123", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void PhoneLast4_is_the_last_four_digits_when_they_are_digits(string? phone, string? expected)
    {
        new Receiver("张三", phone, "福建省", null, null, null, "x", null).PhoneLast4.ShouldBe(expected);
    }
}
