namespace Ordo.Core.Orders;

/// <summary>
/// The canonical statuses of an order (DESIGN.md). Every platform's status enum maps onto these in its adapter.
/// The main flow runs PendingPayment → … → Completed; OnHold and RefundRequested are side states that remember
/// where the order was so it can return there; Cancelled and Refunded are final.
/// </summary>
public enum OrderStatus
{
    PendingPayment,
    Paid,
    Accepted,
    Allocated,
    Picking,
    Packed,
    Shipped,
    Delivered,
    Completed,
    OnHold,
    Cancelled,
    RefundRequested,
    Refunded,
}

public static class OrderStatuses
{
    private static readonly Dictionary<string, OrderStatus> ByName =
        Enum.GetValues<OrderStatus>().ToDictionary(s => s.ToString(), s => s, StringComparer.Ordinal);

    public static bool TryParse(string? name, out OrderStatus status) => ByName.TryGetValue(name ?? "", out status);

    public static IReadOnlyCollection<string> Names => ByName.Keys;

    /// <summary>Chinese label used by merchants (DESIGN.md).</summary>
    public static string ChineseLabel(this OrderStatus status) => status switch
    {
        OrderStatus.PendingPayment => "待付款",
        OrderStatus.Paid => "已付款",
        OrderStatus.Accepted => "已接单",
        OrderStatus.Allocated => "已分仓",
        OrderStatus.Picking => "拣货中",
        OrderStatus.Packed => "已打包",
        OrderStatus.Shipped => "已发货",
        OrderStatus.Delivered => "已签收",
        OrderStatus.Completed => "已完成",
        OrderStatus.OnHold => "待人工复核",
        OrderStatus.Cancelled => "已取消",
        OrderStatus.RefundRequested => "退款中",
        OrderStatus.Refunded => "已退款",
        _ => status.ToString(),
    };

    public static bool IsFinal(this OrderStatus status) => status is OrderStatus.Cancelled or OrderStatus.Refunded;

    /// <summary>Position on the main flow, or null for side and final states.</summary>
    public static int? FlowRank(this OrderStatus status) => status <= OrderStatus.Completed ? (int)status : null;
}
