using Ordo.Core.Inventory;
using Ordo.Core.Orders;
using Shouldly;
using Xunit;

namespace Ordo.Core.Tests.Inventory;

public class ReservationRulesTests
{
    private static readonly DateTimeOffset ReservedAt = new(2025, 3, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_unpaid_order_keeps_its_stock_30_minutes_by_default()
    {
        ReservationPolicy.Default.ExpiresAt(Platform.Taobao, OrderStatus.PendingPayment, ReservedAt).ShouldBe(ReservedAt.AddMinutes(30));
        ReservationPolicy.Default.UnpaidHoldFor(Platform.Jd).ShouldBe(TimeSpan.FromMinutes(30));
        ReservationPolicy.Default.OnExpiry.ShouldBe(ExpiryAction.Cancel);
        ReservationPolicy.Default.RestockRefundsAfterShipment.ShouldBeTrue();
    }

    [Fact]
    public void A_platform_may_keep_unpaid_stock_longer_or_shorter()
    {
        var policy = ReservationPolicy.Default with
        {
            UnpaidHoldByPlatform = new Dictionary<Platform, TimeSpan> { [Platform.Pinduoduo] = TimeSpan.FromMinutes(15), [Platform.Shopify] = TimeSpan.FromHours(24) },
        };

        policy.ExpiresAt(Platform.Pinduoduo, OrderStatus.PendingPayment, ReservedAt).ShouldBe(ReservedAt.AddMinutes(15));
        policy.ExpiresAt(Platform.Shopify, OrderStatus.PendingPayment, ReservedAt).ShouldBe(ReservedAt.AddHours(24));
        policy.ExpiresAt(Platform.Taobao, OrderStatus.PendingPayment, ReservedAt).ShouldBe(ReservedAt.AddMinutes(30));
    }

    [Theory]
    [InlineData(OrderStatus.Paid)]
    [InlineData(OrderStatus.Accepted)]
    [InlineData(OrderStatus.Packed)]
    [InlineData(OrderStatus.OnHold)]
    public void A_paid_or_later_order_never_expires(OrderStatus status)
    {
        ReservationPolicy.Default.ExpiresAt(Platform.Taobao, status, ReservedAt).ShouldBeNull();
    }

    public static TheoryData<OrderStatus, OrderStatus, bool, bool, StockEffect> Effects => new()
    {
        // from, to, holds stock, shipped, effect
        { OrderStatus.PendingPayment, OrderStatus.Paid, true, false, StockEffect.Confirm },
        { OrderStatus.PendingPayment, OrderStatus.Paid, false, false, StockEffect.None },
        { OrderStatus.PendingPayment, OrderStatus.Cancelled, true, false, StockEffect.Release },
        { OrderStatus.Paid, OrderStatus.Cancelled, true, false, StockEffect.Release },
        { OrderStatus.OnHold, OrderStatus.Cancelled, true, false, StockEffect.Release },
        { OrderStatus.PendingPayment, OrderStatus.Cancelled, false, false, StockEffect.None },
        { OrderStatus.RefundRequested, OrderStatus.Refunded, true, false, StockEffect.Release },
        { OrderStatus.RefundRequested, OrderStatus.Refunded, false, true, StockEffect.Restock },
        { OrderStatus.RefundRequested, OrderStatus.Refunded, false, false, StockEffect.None },
        { OrderStatus.Packed, OrderStatus.Shipped, true, false, StockEffect.Ship },
        { OrderStatus.Shipped, OrderStatus.Delivered, false, true, StockEffect.None },
        { OrderStatus.Paid, OrderStatus.OnHold, true, false, StockEffect.None },
        { OrderStatus.PendingPayment, OrderStatus.OnHold, true, false, StockEffect.None },
        { OrderStatus.Packed, OrderStatus.OnHold, true, false, StockEffect.None },
        { OrderStatus.OnHold, OrderStatus.PendingPayment, true, false, StockEffect.None },
        { OrderStatus.Paid, OrderStatus.RefundRequested, true, false, StockEffect.None },
        { OrderStatus.Shipped, OrderStatus.RefundRequested, false, true, StockEffect.None },
        { OrderStatus.RefundRequested, OrderStatus.Paid, true, false, StockEffect.None },
        { OrderStatus.Paid, OrderStatus.Accepted, true, false, StockEffect.None },
        { OrderStatus.Paid, OrderStatus.Paid, true, false, StockEffect.None },
        { OrderStatus.Cancelled, OrderStatus.Cancelled, true, false, StockEffect.None },
    };

    [Theory]
    [MemberData(nameof(Effects))]
    public void Each_change_of_status_has_its_stock_effect(OrderStatus from, OrderStatus to, bool holdsStock, bool shipped, StockEffect effect)
    {
        ReservationRules.EffectOf(from, to, holdsStock, shipped, ReservationPolicy.Default).ShouldBe(effect);
    }

    [Fact]
    public void A_refund_after_shipping_does_not_restock_when_the_policy_says_no()
    {
        var policy = ReservationPolicy.Default with { RestockRefundsAfterShipment = false };

        ReservationRules.EffectOf(OrderStatus.RefundRequested, OrderStatus.Refunded, holdsStock: false, shipped: true, policy).ShouldBe(StockEffect.None);
        ReservationRules.EffectOf(OrderStatus.RefundRequested, OrderStatus.Refunded, holdsStock: true, shipped: false, policy).ShouldBe(StockEffect.Release);
    }

    [Fact]
    public void An_order_held_while_unpaid_and_released_as_paid_confirms_its_reservation()
    {
        // Channel sync keeps an OnHold order on hold when the platform reports payment, and resumes it as Paid on
        // release: without Confirm its reservation would still expire and release the stock of a paid order.
        ReservationRules.EffectOf(OrderStatus.OnHold, OrderStatus.Paid, holdsStock: true, shipped: false, ReservationPolicy.Default).ShouldBe(StockEffect.Confirm);
    }

    [Theory]
    [InlineData(OrderStatus.PendingPayment, true)]
    [InlineData(OrderStatus.Paid, true)]
    [InlineData(OrderStatus.Accepted, true)]
    [InlineData(OrderStatus.Allocated, true)]
    [InlineData(OrderStatus.Picking, true)]
    [InlineData(OrderStatus.Packed, true)]
    [InlineData(OrderStatus.OnHold, true)]
    [InlineData(OrderStatus.Shipped, false)]
    [InlineData(OrderStatus.Delivered, false)]
    [InlineData(OrderStatus.Completed, false)]
    [InlineData(OrderStatus.Cancelled, false)]
    [InlineData(OrderStatus.RefundRequested, false)]
    [InlineData(OrderStatus.Refunded, false)]
    public void Open_unshipped_orders_reserve_stock_when_they_arrive(OrderStatus status, bool reserves)
    {
        ReservationRules.Reserves(status).ShouldBe(reserves);
    }
}
