using Ordo.Core.Orders;
using Shouldly;
using Xunit;

namespace Ordo.Core.Tests.Orders;

public class OrderStatusTests
{
    public static TheoryData<OrderStatus, string, string, bool, int?> All => new()
    {
        { OrderStatus.PendingPayment, "PendingPayment", "待付款", false, 0 },
        { OrderStatus.Paid, "Paid", "已付款", false, 1 },
        { OrderStatus.Accepted, "Accepted", "已接单", false, 2 },
        { OrderStatus.Allocated, "Allocated", "已分仓", false, 3 },
        { OrderStatus.Picking, "Picking", "拣货中", false, 4 },
        { OrderStatus.Packed, "Packed", "已打包", false, 5 },
        { OrderStatus.Shipped, "Shipped", "已发货", false, 6 },
        { OrderStatus.Delivered, "Delivered", "已签收", false, 7 },
        { OrderStatus.Completed, "Completed", "已完成", false, 8 },
        { OrderStatus.OnHold, "OnHold", "待人工复核", false, null },
        { OrderStatus.Cancelled, "Cancelled", "已取消", true, null },
        { OrderStatus.RefundRequested, "RefundRequested", "退款中", false, null },
        { OrderStatus.Refunded, "Refunded", "已退款", true, null },
    };

    [Theory]
    [MemberData(nameof(All))]
    public void Each_status_has_its_name_label_finality_and_rank(OrderStatus status, string name, string label, bool final, int? rank)
    {
        OrderStatuses.TryParse(name, out var parsed).ShouldBeTrue();
        parsed.ShouldBe(status);
        status.ChineseLabel().ShouldBe(label);
        status.IsFinal().ShouldBe(final);
        status.FlowRank().ShouldBe(rank);
    }

    [Fact]
    public void There_are_thirteen_statuses()
    {
        Enum.GetValues<OrderStatus>().Length.ShouldBe(13);
        OrderStatuses.Names.Count.ShouldBe(13);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("paid")]
    [InlineData("PAID")]
    [InlineData("Shipping")]
    [InlineData("1")]
    public void Status_names_are_exact(string? name) =>
        OrderStatuses.TryParse(name, out _).ShouldBeFalse();
}
