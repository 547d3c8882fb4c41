namespace Ordo.Core.Orders;

/// <summary>What a person, an integration or a system job asks to do with an order.</summary>
public enum OrderAction
{
    Pay, Accept, Allocate, Pick, Pack, Ship, Deliver, Complete, Cancel, Hold, Release, RequestRefund, Refund, RejectRefund,
}

public static class OrderActions
{
    private static readonly Dictionary<string, OrderAction> ByName = new(StringComparer.Ordinal)
    {
        ["pay"] = OrderAction.Pay, ["accept"] = OrderAction.Accept, ["allocate"] = OrderAction.Allocate,
        ["pick"] = OrderAction.Pick, ["pack"] = OrderAction.Pack, ["ship"] = OrderAction.Ship,
        ["deliver"] = OrderAction.Deliver, ["complete"] = OrderAction.Complete, ["cancel"] = OrderAction.Cancel,
        ["hold"] = OrderAction.Hold, ["release"] = OrderAction.Release, ["request-refund"] = OrderAction.RequestRefund,
        ["refund"] = OrderAction.Refund, ["reject-refund"] = OrderAction.RejectRefund,
    };

    public static IReadOnlyCollection<string> Names => ByName.Keys;

    public static bool TryParse(string? name, out OrderAction action) => ByName.TryGetValue(name ?? "", out action);

    public static string Name(this OrderAction action) => ByName.First(p => p.Value == action).Key;
}

/// <summary>
/// The order lifecycle as pure rules. The main flow moves one step at a time; OnHold can be entered from any open
/// state and is left by release (back to where the order was) or cancellation; RefundRequested can be entered from
/// any paid state and is left by a refund or by rejecting the request (back to where the order was). Cancelled and
/// Refunded are final. Thread-safe: no state.
/// </summary>
public static class OrderLifecycle
{
    private static readonly OrderStatus[] None = [];

    private static readonly Dictionary<OrderStatus, OrderStatus[]> FixedTargets = new()
    {
        [OrderStatus.PendingPayment] = [OrderStatus.Paid, OrderStatus.Cancelled, OrderStatus.OnHold],
        [OrderStatus.Paid] = [OrderStatus.Accepted, OrderStatus.Cancelled, OrderStatus.RefundRequested, OrderStatus.OnHold],
        [OrderStatus.Accepted] = [OrderStatus.Allocated, OrderStatus.Cancelled, OrderStatus.RefundRequested, OrderStatus.OnHold],
        [OrderStatus.Allocated] = [OrderStatus.Picking, OrderStatus.Cancelled, OrderStatus.RefundRequested, OrderStatus.OnHold],
        [OrderStatus.Picking] = [OrderStatus.Packed, OrderStatus.Cancelled, OrderStatus.RefundRequested, OrderStatus.OnHold],
        [OrderStatus.Packed] = [OrderStatus.Shipped, OrderStatus.Cancelled, OrderStatus.RefundRequested, OrderStatus.OnHold],
        [OrderStatus.Shipped] = [OrderStatus.Delivered, OrderStatus.RefundRequested, OrderStatus.OnHold],
        [OrderStatus.Delivered] = [OrderStatus.Completed, OrderStatus.RefundRequested, OrderStatus.OnHold],
        [OrderStatus.Completed] = [OrderStatus.RefundRequested],
        [OrderStatus.OnHold] = [OrderStatus.Cancelled],
        [OrderStatus.RefundRequested] = [OrderStatus.Refunded],
        [OrderStatus.Cancelled] = None,
        [OrderStatus.Refunded] = None,
    };

    /// <summary>
    /// The statuses an order in <paramref name="from"/> may move to. <paramref name="resumeStatus"/> is where a held
    /// order or one with a refund request returns to (release / reject-refund); it is ignored for other states.
    /// </summary>
    public static IReadOnlyList<OrderStatus> AllowedTargets(OrderStatus from, OrderStatus? resumeStatus)
    {
        var targets = FixedTargets[from];
        if (from is OrderStatus.OnHold or OrderStatus.RefundRequested && resumeStatus is { } resume && resume != from)
        {
            return [resume, .. targets];
        }
        return targets;
    }

    public static bool CanTransition(OrderStatus from, OrderStatus to, OrderStatus? resumeStatus) =>
        AllowedTargets(from, resumeStatus).Contains(to);

    /// <summary>The status an action leads to, given where the order is. Release and reject-refund lead back.</summary>
    public static OrderStatus? TargetOf(OrderAction action, OrderStatus? resumeStatus) => action switch
    {
        OrderAction.Pay => OrderStatus.Paid,
        OrderAction.Accept => OrderStatus.Accepted,
        OrderAction.Allocate => OrderStatus.Allocated,
        OrderAction.Pick => OrderStatus.Picking,
        OrderAction.Pack => OrderStatus.Packed,
        OrderAction.Ship => OrderStatus.Shipped,
        OrderAction.Deliver => OrderStatus.Delivered,
        OrderAction.Complete => OrderStatus.Completed,
        OrderAction.Cancel => OrderStatus.Cancelled,
        OrderAction.Hold => OrderStatus.OnHold,
        OrderAction.RequestRefund => OrderStatus.RefundRequested,
        OrderAction.Refund => OrderStatus.Refunded,
        OrderAction.Release or OrderAction.RejectRefund => resumeStatus,
        _ => null,
    };

    /// <summary>The actions that are allowed from a status; used to tell a caller what it could do instead.</summary>
    public static IReadOnlyList<OrderAction> AllowedActions(OrderStatus from, OrderStatus? resumeStatus) =>
        Enum.GetValues<OrderAction>().Where(a => Decide(from, resumeStatus, a).Allowed).ToList();

    public static TransitionDecision Decide(OrderStatus from, OrderStatus? resumeStatus, OrderAction action)
    {
        // Release only leaves OnHold, reject-refund only leaves RefundRequested: both "go back", but not from anywhere.
        if (action == OrderAction.Release && from != OrderStatus.OnHold)
            return TransitionDecision.Refused(from, null, $"only an order that is OnHold can be released; it is {from}");
        if (action == OrderAction.RejectRefund && from != OrderStatus.RefundRequested)
            return TransitionDecision.Refused(from, null, $"only an order that is RefundRequested can have its refund rejected; it is {from}");
        var to = TargetOf(action, resumeStatus);
        if (to is null) return TransitionDecision.Refused(from, null, "the order has no status to return to");
        // The way back from a side state is only its own action: "pay" on a held order must not act as a release.
        if (from == OrderStatus.OnHold && action is not (OrderAction.Release or OrderAction.Cancel))
            return TransitionDecision.Refused(from, to, "an order that is OnHold must be released (or cancelled) first");
        if (from == OrderStatus.RefundRequested && action is not (OrderAction.RejectRefund or OrderAction.Refund))
            return TransitionDecision.Refused(from, to, "an order with a refund request must have it refunded or rejected first");
        return CanTransition(from, to.Value, resumeStatus)
            ? TransitionDecision.Allow(from, to.Value)
            : TransitionDecision.Refused(from, to, $"an order that is {from} cannot become {to}");
    }
}

public sealed record TransitionDecision(bool Allowed, OrderStatus From, OrderStatus? To, string? Reason)
{
    public static TransitionDecision Allow(OrderStatus from, OrderStatus to) => new(true, from, to, null);
    public static TransitionDecision Refused(OrderStatus from, OrderStatus? to, string reason) => new(false, from, to, reason);
}

/// <summary>
/// How a status reported by a platform changes an order Ordo already holds. Platforms only know part of the
/// lifecycle (paid, shipped, signed, finished, cancelled, refunds) and often report late or out of order, so:
/// a status behind the order's own progress is ignored (Ordo's warehouse is ahead of the platform), a status
/// ahead of it is taken over (the merchant shipped elsewhere), cancellation before shipment and refunds always
/// win, and a held order stays held while remembering the newer status to return to.
/// </summary>
public static class ChannelStatusSync
{
    public static ChannelStatusDecision Decide(OrderStatus current, OrderStatus? resumeStatus, OrderStatus reported)
    {
        if (reported == current) return ChannelStatusDecision.Keep(current, resumeStatus, null);
        if (current.IsFinal())
            return ChannelStatusDecision.Keep(current, resumeStatus, $"platform reports {reported} but the order is already {current}");

        // Where the order "really" is on the main flow, looking through side states.
        var effective = current is OrderStatus.OnHold or OrderStatus.RefundRequested ? resumeStatus ?? OrderStatus.PendingPayment : current;

        switch (reported)
        {
            case OrderStatus.Cancelled:
                return effective <= OrderStatus.Packed
                    ? ChannelStatusDecision.Change(OrderStatus.Cancelled, null, "platform reports the order cancelled")
                    : ChannelStatusDecision.Keep(current, resumeStatus, $"platform reports Cancelled but the order is already {effective}; handle it as a refund");
            case OrderStatus.Refunded:
                return effective == OrderStatus.PendingPayment
                    ? ChannelStatusDecision.Change(OrderStatus.Cancelled, null, "platform reports a refund before payment: cancelled")
                    : ChannelStatusDecision.Change(OrderStatus.Refunded, null, "platform reports the order refunded");
            case OrderStatus.RefundRequested:
                if (effective == OrderStatus.PendingPayment)
                    return ChannelStatusDecision.Keep(current, resumeStatus, "platform reports a refund request before payment");
                return current == OrderStatus.RefundRequested
                    ? ChannelStatusDecision.Keep(current, resumeStatus, null)
                    : ChannelStatusDecision.Change(OrderStatus.RefundRequested, effective, "platform reports a refund request");
            case OrderStatus.OnHold:
                return ChannelStatusDecision.Keep(current, resumeStatus, "OnHold is set by Ordo, not by platforms");
        }

        // A main-flow status.
        if (reported <= effective)
        {
            // A closed refund request brings the order back even if the platform's status is behind Ordo's.
            return current == OrderStatus.RefundRequested
                ? ChannelStatusDecision.Change(effective, null, "platform reports the refund request closed")
                : ChannelStatusDecision.Keep(current, resumeStatus, reported == effective ? null : $"platform reports {reported}, behind the order's own progress ({effective}); ignored");
        }
        return current switch
        {
            OrderStatus.OnHold => ChannelStatusDecision.Change(OrderStatus.OnHold, reported, $"platform reports {reported}; the order stays on hold and will resume there"),
            _ => ChannelStatusDecision.Change(reported, null, $"platform reports {reported}"),
        };
    }
}

public sealed record ChannelStatusDecision(bool Changes, OrderStatus Status, OrderStatus? ResumeStatus, string? Note)
{
    public static ChannelStatusDecision Keep(OrderStatus status, OrderStatus? resume, string? note) => new(false, status, resume, note);
    public static ChannelStatusDecision Change(OrderStatus status, OrderStatus? resume, string? note) => new(true, status, resume, note);
}
