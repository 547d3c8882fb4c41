using System.Text.Json.Serialization;
using System.Text.Json.Nodes;
using Ordo.Core.Orders;
using Ordo.Core.Privacy;
using Ordo.Server.Security.PersonalData;
using Ordo.Data.Orders;

namespace Ordo.Server.Features.Orders;

/// <summary>
/// An order as the API returns it: the canonical fields under their contract names, plus what Ordo adds
/// (<c>orderNo</c>, <c>holdReasons</c>, <c>allowedActions</c>, shipment). Instants are UTC; amounts have two decimals.
/// </summary>
public sealed record OrderView(
    string OrderNo, string Platform, string ShopCode, string PlatformOrderId, OrderStatus Status, string StatusLabel, OrderStatus? ResumeStatus,
    IReadOnlyList<HoldReason> HoldReasons, DateTimeOffset CreatedAt, DateTimeOffset? PaidAt, DateTimeOffset? PlatformModifiedAt,
    DateTimeOffset ReceivedAt, DateTimeOffset UpdatedAt, string Currency, Buyer? Buyer, Receiver? Receiver, ReceiverPrivacy? ReceiverPrivacy,
    string? Oaid, string? OpenAddressId,
    IReadOnlyList<OrderLine> Lines, OrderAmounts Amounts, string BuyerMessage, string SellerMemo, IReadOnlyList<string> Tags, int Priority,
    Shipment? Shipment, int Version, IReadOnlyList<string> AllowedActions)
{
    /// <summary>The stock promised to the order's lines (GET /orders/{orderNo} only; null elsewhere).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ReservationView>? Reservations { get; init; }

    /// <summary>The order as a viewer with <paramref name="access"/> may see it: the receiver's personal fields masked or left out as it allows.</summary>
    public static OrderView From(OrderState s, PersonalDataAccess access)
    {
        var d = s.Data;
        return new OrderView(
            s.OrderNo, d.Platform.Name(), d.ShopCode, d.PlatformOrderId, s.Status, s.Status.ChineseLabel(), s.ResumeStatus, s.HoldReasons,
            d.CreatedAt, d.PaidAt, d.PlatformModifiedAt, s.ReceivedAt, s.UpdatedAt, d.Currency, d.Buyer,
            PersonalDataMasks.Receiver(d.Receiver, access), ViewerAccess.Mask(d.ReceiverPrivacy, access), d.Oaid, d.OpenAddressId,
            d.Lines.Select(l => l with { UnitPrice = Money2(l.UnitPrice), Discount = Money2(l.Discount) }).ToList(),
            new OrderAmounts(Money2(d.Amounts.Goods), Money2(d.Amounts.Freight), Money2(d.Amounts.Discount), Money2(d.Amounts.Paid)),
            d.BuyerMessage, d.SellerMemo, d.Tags, d.Priority, s.Shipment, s.Version,
            Order.Restore(s).AllowedActionNames());
    }

    /// <summary>Gives every amount exactly two decimals (99 → 99.00) without changing its value.</summary>
    private static decimal Money2(decimal value) => decimal.Round(value, 2) + 0.00m;
}

public sealed record OrderEventView(
    long Id, int Sequence, string Type, [property: JsonPropertyName("from")] OrderStatus? FromStatus, [property: JsonPropertyName("to")] OrderStatus? ToStatus, string ActorKind, string Actor, string Reason, DateTimeOffset OccurredAt, JsonObject Context)
{
    public static OrderEventView Of(StoredOrderEvent e) => new(
        e.Id, e.Event.Sequence, e.Event.Type, e.Event.From, e.Event.To, e.Event.Actor.Kind.ToString().ToLowerInvariant(), e.Event.Actor.Id,
        e.Event.Reason, e.Event.OccurredAt, e.Event.Context);
}

/// <summary>Units of a SKU promised to a line of the order from a warehouse (status active, confirmed, released or shipped).</summary>
public sealed record ReservationView(int LineNo, string Sku, string Warehouse, int Quantity, string? BundleSku, string Status, DateTimeOffset? ExpiresAt)
{
    public static ReservationView Of(Ordo.Data.Inventory.Reservation r) =>
        new(r.LineNo, r.Sku, r.Warehouse, r.Quantity, r.BundleSku, Ordo.Data.Inventory.InventoryStore.StatusName(r.Status), r.ExpiresAt);
}
