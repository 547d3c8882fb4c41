using System.Text.Json.Nodes;

namespace Ordo.Core.Orders;

public enum ActorKind { User, ApiKey, System, Channel }

/// <summary>Who caused a change: a signed-in user, an integration's API key, a system job, or a sales channel.</summary>
public sealed record Actor(ActorKind Kind, string Id)
{
    public bool IsPerson => Kind is ActorKind.User or ActorKind.ApiKey;
    public override string ToString() => $"{Kind.ToString().ToLowerInvariant()}:{Id}";
}

public static class OrderEventTypes
{
    public const string Created = "order.created";
    public const string StatusChanged = "order.status_changed";
    public const string Updated = "order.updated";

    public static IReadOnlyList<string> All { get; } = [Created, StatusChanged, Updated];
}

/// <summary>
/// One fact in an order's history. <see cref="Sequence"/> counts from 1 per order and orders its events;
/// <see cref="Context"/> is a snapshot of what led to the change (inbox id, action, hold reasons, platform note…).
/// </summary>
public sealed record OrderEvent(
    int Sequence, string Type, OrderStatus? From, OrderStatus? To, Actor Actor, string Reason, DateTimeOffset OccurredAt, JsonObject Context);

public sealed record Shipment(string Carrier, string TrackingNo, DateTimeOffset ShippedAt);

/// <summary>What an order is, as stored: the canonical data plus what Ordo decided about it.</summary>
public sealed record OrderState
{
    public long Id { get; init; }
    public required string OrderNo { get; init; }
    public required OrderStatus Status { get; init; }
    public OrderStatus? ResumeStatus { get; init; }
    public IReadOnlyList<HoldReason> HoldReasons { get; init; } = [];
    public IReadOnlyList<string> ReleasedHoldKeys { get; init; } = [];
    public Shipment? Shipment { get; init; }
    public required CanonicalOrder Data { get; init; }
    public required DateTimeOffset ReceivedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
    public int Version { get; init; }
    public int LastEventSequence { get; init; }
}

public enum ChannelUpdateOutcome
{
    /// <summary>Same data as stored: nothing changed.</summary>
    Unchanged,
    /// <summary>Older than what is stored (by the platform's modified time): ignored.</summary>
    Stale,
    Updated,
}

/// <summary>
/// The order aggregate: its state changes only through <see cref="Create"/>, <see cref="ApplyChannelUpdate"/> and
/// <see cref="Apply"/>, each of which enforces the lifecycle and records events in <see cref="NewEvents"/> for the
/// caller to store in the same transaction. Not thread-safe: one use case works on one instance.
/// </summary>
public sealed class Order
{
    private readonly List<OrderEvent> _newEvents = [];

    private Order(OrderState state) => (State, StoredVersion) = (state, state.Version);

    public OrderState State { get; private set; }

    /// <summary>The version as storage last held it (read or written): a write of the new state expects the row at this version.</summary>
    public int StoredVersion { get; private set; }
    public IReadOnlyList<OrderEvent> NewEvents => _newEvents;
    public OrderNo OrderNo => Orders.OrderNo.Parse(State.OrderNo);
    public OrderStatus Status => State.Status;

    public static Order Restore(OrderState state) => new(state);

    public static Order Create(OrderNo orderNo, CanonicalOrder data, IReadOnlyList<HoldReason> holdReasons, Actor actor, DateTimeOffset now, JsonObject context)
    {
        var hold = holdReasons.Count > 0 && IsHoldable(data.Status);
        var order = new Order(new OrderState
        {
            OrderNo = orderNo.Value,
            Status = hold ? OrderStatus.OnHold : data.Status,
            // A refund request reported on first sight returns to Paid if the request is rejected.
            ResumeStatus = hold ? data.Status : data.Status == OrderStatus.RefundRequested ? OrderStatus.Paid : null,
            HoldReasons = hold ? holdReasons : [],
            Data = data,
            ReceivedAt = now,
            UpdatedAt = now,
        });
        context["holdReasons"] = ToJson(holdReasons);
        var reason = hold
            ? "held for review: " + string.Join("; ", holdReasons.Select(h => h.Message))
            : $"received from {data.Platform.Name()}";
        order.Record(OrderEventTypes.Created, null, order.Status, actor, reason, now, context);
        return order;
    }

    /// <summary>
    /// Takes a newer version of the order from its channel. Out-of-order delivery is normal: an update whose
    /// platform-modified time is older than the stored one changes nothing. Status follows
    /// <see cref="ChannelStatusSync"/>; new problems found by the intake checks hold the order again unless a person
    /// already released that same problem.
    /// </summary>
    public ChannelUpdateOutcome ApplyChannelUpdate(CanonicalOrder incoming, IReadOnlyList<HoldReason> holdReasons, Actor actor, DateTimeOffset now, JsonObject context)
    {
        var stored = State.Data;
        if (incoming.SameDataAs(stored)) return ChannelUpdateOutcome.Unchanged;
        if (stored.PlatformModifiedAt is { } storedModified
            && (incoming.PlatformModifiedAt is not { } incomingModified || incomingModified < storedModified))
            return ChannelUpdateOutcome.Stale;

        var changed = ChangedFields(stored, incoming);
        State = State with { Data = incoming with { Platform = stored.Platform, ShopCode = stored.ShopCode, PlatformOrderId = stored.PlatformOrderId } };
        context["changed"] = new JsonArray(changed.Select(c => (JsonNode)c).ToArray());
        Record(OrderEventTypes.Updated, State.Status, State.Status, actor, $"updated by {stored.Platform.Name()}: {string.Join(", ", changed)}", now, context.DeepClone().AsObject());

        var decision = ChannelStatusSync.Decide(State.Status, State.ResumeStatus, incoming.Status);
        if (decision.Changes)
        {
            var from = State.Status;
            State = State with
            {
                Status = decision.Status,
                ResumeStatus = decision.ResumeStatus,
                HoldReasons = decision.Status == OrderStatus.OnHold ? State.HoldReasons : [],
            };
            if (from != decision.Status)
                Record(OrderEventTypes.StatusChanged, from, decision.Status, actor, decision.Note ?? $"platform reports {incoming.Status}", now, context.DeepClone().AsObject());
        }

        var known = State.HoldReasons.Select(h => h.Key).Concat(State.ReleasedHoldKeys).ToHashSet();
        var fresh = holdReasons.Where(h => !known.Contains(h.Key)).ToList();
        var effective = State.Status == OrderStatus.OnHold ? State.ResumeStatus ?? State.Status : State.Status;
        if (fresh.Count > 0 && IsHoldable(effective) && State.Status != OrderStatus.RefundRequested)
        {
            var from = State.Status;
            State = State with
            {
                Status = OrderStatus.OnHold,
                ResumeStatus = from == OrderStatus.OnHold ? State.ResumeStatus : from,
                HoldReasons = [.. State.HoldReasons, .. fresh],
            };
            var holdContext = context.DeepClone().AsObject();
            holdContext["holdReasons"] = ToJson(fresh);
            Record(OrderEventTypes.StatusChanged, from, OrderStatus.OnHold, actor,
                "held for review: " + string.Join("; ", fresh.Select(h => h.Message)), now, holdContext);
        }
        return ChannelUpdateOutcome.Updated;
    }

    /// <summary>Applies a person's or a job's action. Refused actions change nothing and say why.</summary>
    public ActionOutcome Apply(OrderActionRequest request, Actor actor, DateTimeOffset now)
    {
        var from = State.Status;
        var decision = OrderLifecycle.Decide(from, State.ResumeStatus, request.Action);
        if (!decision.Allowed) return ActionOutcome.Refused(decision.Reason!, from, AllowedActionNames());

        var reason = request.Reason?.Trim() ?? "";
        if (reason.Length == 0 && request.Action is OrderAction.Hold or OrderAction.Release or OrderAction.Cancel or OrderAction.RejectRefund)
            return ActionOutcome.Invalid("reason", $"a reason is required to {request.Action.Name()} an order");
        if (request.Action == OrderAction.Release && !actor.IsPerson)
            return ActionOutcome.Invalid("actor", "only a person (user or API key) can release a held order");

        var to = decision.To!.Value;
        var context = new JsonObject { ["action"] = request.Action.Name() };
        switch (request.Action)
        {
            case OrderAction.Ship:
                if (string.IsNullOrWhiteSpace(request.Carrier)) return ActionOutcome.Invalid("carrier", "the carrier is required to ship an order");
                if (string.IsNullOrWhiteSpace(request.TrackingNo)) return ActionOutcome.Invalid("trackingNo", "the tracking number is required to ship an order");
                State = State with { Shipment = new Shipment(request.Carrier.Trim(), request.TrackingNo.Trim(), now) };
                context["carrier"] = request.Carrier.Trim();
                context["trackingNo"] = request.TrackingNo.Trim();
                break;
            case OrderAction.Hold:
                var manual = new HoldReason("manual", reason);
                State = State with { ResumeStatus = from, HoldReasons = [.. State.HoldReasons, manual] };
                context["holdReasons"] = ToJson([manual]);
                break;
            case OrderAction.Release:
                context["released"] = ToJson(State.HoldReasons);
                State = State with
                {
                    ResumeStatus = null,
                    ReleasedHoldKeys = [.. State.ReleasedHoldKeys, .. State.HoldReasons.Select(h => h.Key)],
                    HoldReasons = [],
                };
                break;
            case OrderAction.RequestRefund:
                State = State with { ResumeStatus = from };
                break;
            default:
                State = State with { ResumeStatus = null, HoldReasons = to == OrderStatus.Cancelled ? [] : State.HoldReasons };
                break;
        }
        State = State with { Status = to };
        Record(OrderEventTypes.StatusChanged, from, to, actor, reason.Length > 0 ? reason : request.Action.Name(), now, context);
        return ActionOutcome.Done(from, to);
    }

    /// <summary>
    /// Holds the order for problems found after it arrived (a stock shortage, an unpaid reservation that expired).
    /// A reason a person already released is not raised again; an order already on hold gains the new reasons.
    /// Answers whether anything changed.
    /// </summary>
    public bool HoldFor(IReadOnlyList<HoldReason> reasons, Actor actor, DateTimeOffset now, JsonObject context)
    {
        var fresh = reasons.Where(r => !State.ReleasedHoldKeys.Contains(r.Key) && State.HoldReasons.All(h => h.Key != r.Key)).ToList();
        if (fresh.Count == 0 || !IsHoldable(State.Status)) return false;
        var from = State.Status;
        State = State with
        {
            Status = OrderStatus.OnHold,
            ResumeStatus = from == OrderStatus.OnHold ? State.ResumeStatus : from,
            HoldReasons = [.. State.HoldReasons, .. fresh],
        };
        context["holdReasons"] = ToJson(fresh);
        Record(from == OrderStatus.OnHold ? OrderEventTypes.Updated : OrderEventTypes.StatusChanged, from, OrderStatus.OnHold, actor,
            "held for review: " + string.Join("; ", fresh.Select(h => h.Message)), now, context);
        return true;
    }

    public IReadOnlyList<string> AllowedActionNames() =>
        OrderLifecycle.AllowedActions(State.Status, State.ResumeStatus).Select(a => a.Name()).ToList();

    /// <summary>Called by storage once the new events are written.</summary>
    public void MarkStored(long id)
    {
        State = State with { Id = id };
        StoredVersion = State.Version;
        _newEvents.Clear();
    }

    private static bool IsHoldable(OrderStatus status) => status <= OrderStatus.Packed || status == OrderStatus.OnHold;

    private void Record(string type, OrderStatus? from, OrderStatus? to, Actor actor, string reason, DateTimeOffset now, JsonObject context)
    {
        var sequence = State.LastEventSequence + 1;
        State = State with { LastEventSequence = sequence, Version = State.Version + 1, UpdatedAt = now };
        _newEvents.Add(new OrderEvent(sequence, type, from, to, actor, reason, now, context));
    }

    private static JsonArray ToJson(IEnumerable<HoldReason> reasons) =>
        new(reasons.Select(h => (JsonNode)new JsonObject { ["code"] = h.Code, ["message"] = h.Message, ["field"] = h.Field }).ToArray());

    private static List<string> ChangedFields(CanonicalOrder a, CanonicalOrder b)
    {
        var changed = new List<string>();
        if (a.Status != b.Status) changed.Add("status");
        if (a.PaidAt != b.PaidAt) changed.Add("paidAt");
        if (a.Receiver != b.Receiver || a.Oaid != b.Oaid || a.OpenAddressId != b.OpenAddressId) changed.Add("receiver");
        if (!a.Lines.SequenceEqual(b.Lines)) changed.Add("lines");
        if (a.Amounts != b.Amounts || a.Currency != b.Currency) changed.Add("amounts");
        if (a.BuyerMessage != b.BuyerMessage) changed.Add("buyerMessage");
        if (a.SellerMemo != b.SellerMemo) changed.Add("sellerMemo");
        if (!a.Tags.SequenceEqual(b.Tags)) changed.Add("tags");
        if (a.Priority != b.Priority) changed.Add("priority");
        if (a.Buyer != b.Buyer) changed.Add("buyer");
        if (a.CreatedAt != b.CreatedAt) changed.Add("createdAt");
        if (changed.Count == 0 || a.PlatformModifiedAt != b.PlatformModifiedAt) changed.Add("platformModifiedAt");
        return changed;
    }
}

public sealed record OrderActionRequest(OrderAction Action, string? Reason, string? Carrier = null, string? TrackingNo = null);

public sealed record ActionOutcome(bool Succeeded, OrderStatus? From, OrderStatus? To, string? Problem, string? Field, IReadOnlyList<string> AllowedActions)
{
    /// <summary>True when the lifecycle refused the action (HTTP 409); false for a missing or bad argument (HTTP 422).</summary>
    public bool IsConflict => !Succeeded && Field is null;

    public static ActionOutcome Done(OrderStatus from, OrderStatus to) => new(true, from, to, null, null, []);
    public static ActionOutcome Refused(string problem, OrderStatus current, IReadOnlyList<string> allowed) => new(false, current, null, problem, null, allowed);
    public static ActionOutcome Invalid(string field, string problem) => new(false, null, null, problem, field, []);
}
