using Ordo.Core.Orders;

namespace Ordo.Core.Inventory;

/// <summary>Where a reservation stands: promised (Active, or Confirmed once the order is paid), given back, or shipped.</summary>
public enum ReservationStatus { Active, Confirmed, Released, Shipped }

/// <summary>What an order's change of status does to its stock.</summary>
public enum StockEffect
{
    None,
    /// <summary>Payment arrived: the reservation no longer expires.</summary>
    Confirm,
    /// <summary>The order will not ship: reserved units go back to available.</summary>
    Release,
    /// <summary>The order left the warehouse: reserved units leave on hand.</summary>
    Ship,
    /// <summary>A shipped order was refunded and its goods come back: on hand grows again.</summary>
    Restock,
}

/// <summary>What happens to an unpaid order whose reservation expired.</summary>
public enum ExpiryAction
{
    /// <summary>Release the stock and cancel the order (the platform closes unpaid orders too).</summary>
    Cancel,
    /// <summary>Release the stock and put the order on hold for a person to look at.</summary>
    Hold,
}

/// <summary>
/// How long an unpaid order keeps its stock, per platform (Ordo's default 30 minutes), and what happens then.
/// </summary>
public sealed record ReservationPolicy(TimeSpan UnpaidHold, ExpiryAction OnExpiry, IReadOnlyDictionary<Platform, TimeSpan> UnpaidHoldByPlatform, bool RestockRefundsAfterShipment)
{
    public static ReservationPolicy Default { get; } = new(TimeSpan.FromMinutes(30), ExpiryAction.Cancel, new Dictionary<Platform, TimeSpan>(), true);

    public TimeSpan UnpaidHoldFor(Platform platform) => UnpaidHoldByPlatform.TryGetValue(platform, out var hold) ? hold : UnpaidHold;

    /// <summary>When a reservation made at <paramref name="reservedAt"/> for an order in <paramref name="status"/> expires; null when it does not (paid).</summary>
    public DateTimeOffset? ExpiresAt(Platform platform, OrderStatus status, DateTimeOffset reservedAt) =>
        status == OrderStatus.PendingPayment ? reservedAt + UnpaidHoldFor(platform) : null;
}

/// <summary>The order lifecycle's effects on stock, as a pure function of the change.</summary>
public static class ReservationRules
{
    private static readonly HashSet<OrderStatus> ShippedOrLater = [OrderStatus.Shipped, OrderStatus.Delivered, OrderStatus.Completed];

    /// <summary>
    /// The stock effect of an order moving from <paramref name="from"/> to <paramref name="to"/>, given whether it
    /// holds reservations still promised (<paramref name="holdsStock"/>) and whether it has shipped
    /// (<paramref name="shipped"/>). Holding an order keeps its stock; a refund that is only requested changes nothing
    /// until it is granted. <see cref="StockEffect.Confirm"/> is idempotent: the caller confirms only reservations still Active.
    /// </summary>
    public static StockEffect EffectOf(OrderStatus from, OrderStatus to, bool holdsStock, bool shipped, ReservationPolicy policy)
    {
        if (from == to) return StockEffect.None;
        if (to is OrderStatus.Cancelled or OrderStatus.Refunded)
        {
            if (holdsStock) return StockEffect.Release;
            return to == OrderStatus.Refunded && shipped && policy.RestockRefundsAfterShipment ? StockEffect.Restock : StockEffect.None;
        }
        if (ShippedOrLater.Contains(to) && holdsStock) return StockEffect.Ship;
        // Leaving OnHold for a paid state confirms too: an order held while unpaid resumes as Paid when the platform
        // reported payment meanwhile. Confirming a reservation that is already confirmed changes nothing.
        if (from is OrderStatus.PendingPayment or OrderStatus.OnHold && to is not (OrderStatus.OnHold or OrderStatus.PendingPayment) && holdsStock)
            return StockEffect.Confirm;
        return StockEffect.None;
    }

    /// <summary>Whether an order in <paramref name="status"/> should hold stock when it arrives (open and not yet shipped).</summary>
    public static bool Reserves(OrderStatus status) =>
        status is OrderStatus.PendingPayment or OrderStatus.Paid or OrderStatus.Accepted or OrderStatus.Allocated
            or OrderStatus.Picking or OrderStatus.Packed or OrderStatus.OnHold;
}
