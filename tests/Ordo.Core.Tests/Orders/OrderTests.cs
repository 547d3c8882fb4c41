using System.Text.Json.Nodes;
using Ordo.Core.Orders;
using Shouldly;
using Xunit;

namespace Ordo.Core.Tests.Orders;

public class OrderTests
{
    private static readonly DateTimeOffset Now = SampleOrders.Now;
    private static readonly DateTimeOffset Later = Now.AddMinutes(30);
    private static readonly Actor Douyin = new(ActorKind.Channel, "douyin");
    private static readonly Actor Alice = new(ActorKind.User, "alice");
    private static readonly Actor Erp = new(ActorKind.ApiKey, "erp-1");
    private static readonly Actor Job = new(ActorKind.System, "warehouse-sync");
    private static readonly OrderNo No = OrderNo.Create("DY", new DateOnly(2026, 2, 22), 872);

    private static readonly HoldReason UnknownSku = new("unknown_sku", "merchant SKU 'MUG-X' is not in the catalogue", "lines[0].sku");
    private static readonly HoldReason NoReceiver = new("missing_receiver", "the order has no receiver", "receiver");

    private static Order Create(CanonicalOrder? data = null, params HoldReason[] holds) =>
        Order.Create(No, data ?? SampleOrders.Contract(), holds, Douyin, Now, new JsonObject { ["inboxId"] = 7 });

    /// <summary>A stored order (events written, id given) so that <see cref="Order.NewEvents"/> shows only what a test does.</summary>
    private static Order Stored(CanonicalOrder? data = null, params HoldReason[] holds)
    {
        var order = Create(data, holds);
        order.MarkStored(42);
        return order;
    }

    private static Order StoredAt(params OrderAction[] path)
    {
        var order = Stored();
        foreach (var action in path)
            order.Apply(new OrderActionRequest(action, "step", "SF", "SF1001"), Alice, Now).Succeeded.ShouldBeTrue(action.Name());
        order.MarkStored(42);
        return order;
    }

    private static CanonicalOrder Newer(Func<CanonicalOrder, CanonicalOrder> change, int minutes = 10)
    {
        var data = SampleOrders.Contract();
        return change(data) with { PlatformModifiedAt = data.PlatformModifiedAt!.Value.AddMinutes(minutes) };
    }

    private static JsonObject Ctx(int inboxId) => new() { ["inboxId"] = inboxId };

    // ---------------------------------------------------------------- Create

    [Fact]
    public void An_order_first_seen_with_a_refund_request_returns_to_paid_when_the_request_is_rejected()
    {
        var order = Stored(SampleOrders.Contract() with { Status = OrderStatus.RefundRequested });

        order.State.ResumeStatus.ShouldBe(OrderStatus.Paid);
        var outcome = order.Apply(new OrderActionRequest(OrderAction.RejectRefund, "not eligible"), Alice, Now);

        outcome.Succeeded.ShouldBeTrue(outcome.Problem);
        order.Status.ShouldBe(OrderStatus.Paid);
    }

    [Fact]
    public void Create_without_hold_reasons_takes_the_platform_status_and_records_one_event()
    {
        var order = Create();

        order.Status.ShouldBe(OrderStatus.Paid);
        order.OrderNo.Value.ShouldBe("DY2026022200872Z");
        var state = order.State;
        state.OrderNo.ShouldBe("DY2026022200872Z");
        state.Status.ShouldBe(OrderStatus.Paid);
        state.ResumeStatus.ShouldBeNull();
        state.HoldReasons.ShouldBeEmpty();
        state.ReleasedHoldKeys.ShouldBeEmpty();
        state.Shipment.ShouldBeNull();
        state.Data.SameDataAs(SampleOrders.Contract()).ShouldBeTrue();
        state.ReceivedAt.ShouldBe(Now);
        state.UpdatedAt.ShouldBe(Now);
        state.Version.ShouldBe(1);
        state.LastEventSequence.ShouldBe(1);
        state.Id.ShouldBe(0L);

        var e = order.NewEvents.ShouldHaveSingleItem();
        e.Sequence.ShouldBe(1);
        e.Type.ShouldBe("order.created");
        e.From.ShouldBeNull();
        e.To.ShouldBe(OrderStatus.Paid);
        e.Actor.ShouldBe(Douyin);
        e.Reason.ShouldBe("received from douyin");
        e.OccurredAt.ShouldBe(Now);
        e.Context.ToJsonString().ShouldBe("""{"inboxId":7,"holdReasons":[]}""");
    }

    [Fact]
    public void Create_with_hold_reasons_holds_the_order_and_remembers_where_to_resume()
    {
        var order = Create(null, UnknownSku, NoReceiver);

        order.Status.ShouldBe(OrderStatus.OnHold);
        order.State.ResumeStatus.ShouldBe(OrderStatus.Paid);
        order.State.HoldReasons.ShouldBe([UnknownSku, NoReceiver]);
        order.State.Data.Status.ShouldBe(OrderStatus.Paid);

        var e = order.NewEvents.ShouldHaveSingleItem();
        e.Type.ShouldBe(OrderEventTypes.Created);
        e.From.ShouldBeNull();
        e.To.ShouldBe(OrderStatus.OnHold);
        e.Actor.ShouldBe(Douyin);
        e.Reason.ShouldBe("held for review: merchant SKU 'MUG-X' is not in the catalogue; the order has no receiver");
        var reasons = e.Context["holdReasons"]!.AsArray();
        reasons.Count.ShouldBe(2);
        reasons[0]!["code"]!.GetValue<string>().ShouldBe("unknown_sku");
        reasons[0]!["field"]!.GetValue<string>().ShouldBe("lines[0].sku");
        reasons[1]!["message"]!.GetValue<string>().ShouldBe("the order has no receiver");
        e.Context["inboxId"]!.GetValue<int>().ShouldBe(7);
    }

    [Theory]
    [InlineData(OrderStatus.PendingPayment, true)]
    [InlineData(OrderStatus.Paid, true)]
    [InlineData(OrderStatus.Packed, true)]
    [InlineData(OrderStatus.Shipped, false)]
    [InlineData(OrderStatus.Completed, false)]
    [InlineData(OrderStatus.Cancelled, false)]
    [InlineData(OrderStatus.Refunded, false)]
    public void Only_orders_that_have_not_shipped_are_held_on_creation(OrderStatus platformStatus, bool held)
    {
        var order = Create(SampleOrders.Contract() with { Status = platformStatus }, UnknownSku);

        order.Status.ShouldBe(held ? OrderStatus.OnHold : platformStatus);
        order.State.ResumeStatus.ShouldBe(held ? platformStatus : null);
        order.State.HoldReasons.Count.ShouldBe(held ? 1 : 0);
        // The reasons are in the history either way.
        order.NewEvents.ShouldHaveSingleItem().Context["holdReasons"]!.AsArray().Count.ShouldBe(1);
    }

    [Fact]
    public void MarkStored_sets_the_id_and_clears_the_new_events()
    {
        var order = Create();

        order.MarkStored(42);

        order.State.Id.ShouldBe(42L);
        order.NewEvents.ShouldBeEmpty();
        order.State.Version.ShouldBe(1);
    }

    [Fact]
    public void Restore_gives_back_the_state_without_events()
    {
        var state = Create().State with { Id = 9 };

        var order = Order.Restore(state);

        order.State.ShouldBeSameAs(state);
        order.NewEvents.ShouldBeEmpty();
        order.Status.ShouldBe(OrderStatus.Paid);
    }

    // ---------------------------------------------------------------- ApplyChannelUpdate

    [Fact]
    public void An_identical_update_changes_nothing()
    {
        var order = Stored();
        var before = order.State;

        order.ApplyChannelUpdate(SampleOrders.Contract(), [], Douyin, Later, Ctx(8)).ShouldBe(ChannelUpdateOutcome.Unchanged);

        order.State.ShouldBeSameAs(before);
        order.NewEvents.ShouldBeEmpty();
    }

    [Fact]
    public void An_identical_update_with_a_hold_reason_a_person_released_changes_nothing()
    {
        var order = Stored(null, UnknownSku);
        order.Apply(new OrderActionRequest(OrderAction.Release, "SKU mapped by hand"), Alice, Now).Succeeded.ShouldBeTrue();
        order.MarkStored(42);

        order.ApplyChannelUpdate(SampleOrders.Contract(), [UnknownSku], Douyin, Later, Ctx(8)).ShouldBe(ChannelUpdateOutcome.Unchanged);

        order.Status.ShouldBe(OrderStatus.Paid);
        order.NewEvents.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(-60 * 24)]
    public void An_update_older_than_the_stored_one_is_stale_and_changes_nothing(int minutes)
    {
        var order = Stored();
        var before = order.State;
        var older = Newer(d => d with { Status = OrderStatus.Cancelled, SellerMemo = "old" }, minutes);

        order.ApplyChannelUpdate(older, [UnknownSku], Douyin, Later, Ctx(8)).ShouldBe(ChannelUpdateOutcome.Stale);

        order.State.ShouldBeSameAs(before);
        order.Status.ShouldBe(OrderStatus.Paid);
        order.NewEvents.ShouldBeEmpty();
    }

    [Fact]
    public void An_update_without_a_modified_time_is_stale_when_the_stored_one_has_one()
    {
        var order = Stored();
        var before = order.State;

        order.ApplyChannelUpdate(SampleOrders.Contract() with { PlatformModifiedAt = null, SellerMemo = "x" }, [], Douyin, Later, Ctx(8))
            .ShouldBe(ChannelUpdateOutcome.Stale);

        order.State.ShouldBeSameAs(before);
    }

    [Fact]
    public void A_newer_update_replaces_the_data_and_records_which_fields_changed()
    {
        var order = Stored();
        var incoming = Newer(d => d with { Receiver = d.Receiver! with { Phone = "13900139000" }, SellerMemo = "VIP" });

        order.ApplyChannelUpdate(incoming, [], Douyin, Later, Ctx(8)).ShouldBe(ChannelUpdateOutcome.Updated);

        order.State.Data.SameDataAs(incoming).ShouldBeTrue();
        order.Status.ShouldBe(OrderStatus.Paid);
        order.State.UpdatedAt.ShouldBe(Later);
        order.State.ReceivedAt.ShouldBe(Now);
        order.State.Version.ShouldBe(2);
        order.State.LastEventSequence.ShouldBe(2);
        var e = order.NewEvents.ShouldHaveSingleItem();
        e.Sequence.ShouldBe(2);
        e.Type.ShouldBe("order.updated");
        e.From.ShouldBe(OrderStatus.Paid);
        e.To.ShouldBe(OrderStatus.Paid);
        e.Actor.ShouldBe(Douyin);
        e.Reason.ShouldBe("updated by douyin: receiver, sellerMemo, platformModifiedAt");
        e.OccurredAt.ShouldBe(Later);
        e.Context.ToJsonString().ShouldBe("""{"inboxId":8,"changed":["receiver","sellerMemo","platformModifiedAt"]}""");
    }

    [Fact]
    public void A_newer_update_with_the_same_modified_time_is_still_taken()
    {
        var order = Stored();
        var incoming = SampleOrders.Contract() with { SellerMemo = "same second" };

        order.ApplyChannelUpdate(incoming, [], Douyin, Later, Ctx(8)).ShouldBe(ChannelUpdateOutcome.Updated);

        order.State.Data.SellerMemo.ShouldBe("same second");
        order.NewEvents.ShouldHaveSingleItem().Context["changed"]!.ToJsonString().ShouldBe("""["sellerMemo"]""");
    }

    [Fact]
    public void An_update_cannot_move_the_order_to_another_shop_or_platform_order()
    {
        var order = Stored();
        var incoming = Newer(d => d with { Platform = Platform.Taobao, ShopCode = "OTHER", PlatformOrderId = "1", SellerMemo = "m" });

        order.ApplyChannelUpdate(incoming, [], Douyin, Later, Ctx(8)).ShouldBe(ChannelUpdateOutcome.Updated);

        order.State.Data.Platform.ShouldBe(Platform.Douyin);
        order.State.Data.ShopCode.ShouldBe("DY-FLAGSHIP");
        order.State.Data.PlatformOrderId.ShouldBe("6936476692437472563");
        order.State.Data.SellerMemo.ShouldBe("m");
    }

    [Fact]
    public void A_platform_status_ahead_of_the_order_moves_it_and_records_status_changed()
    {
        var order = Stored();

        order.ApplyChannelUpdate(Newer(d => d with { Status = OrderStatus.Shipped }), [], Douyin, Later, Ctx(8))
            .ShouldBe(ChannelUpdateOutcome.Updated);

        order.Status.ShouldBe(OrderStatus.Shipped);
        order.State.ResumeStatus.ShouldBeNull();
        order.State.Version.ShouldBe(3);
        order.State.LastEventSequence.ShouldBe(3);
        order.NewEvents.Select(e => (e.Sequence, e.Type, e.From, e.To)).ShouldBe(
        [
            (2, "order.updated", (OrderStatus?)OrderStatus.Paid, (OrderStatus?)OrderStatus.Paid),
            (3, "order.status_changed", OrderStatus.Paid, OrderStatus.Shipped),
        ]);
        order.NewEvents[0].Reason.ShouldBe("updated by douyin: status, platformModifiedAt");
        order.NewEvents[1].Reason.ShouldBe("platform reports Shipped");
        order.NewEvents[1].Actor.ShouldBe(Douyin);
        order.NewEvents[1].Context["inboxId"]!.GetValue<int>().ShouldBe(8);
    }

    [Fact]
    public void A_platform_status_behind_the_order_is_ignored_but_the_data_is_taken()
    {
        var order = StoredAt(OrderAction.Accept, OrderAction.Allocate, OrderAction.Pick);

        order.ApplyChannelUpdate(Newer(d => d with { BuyerMessage = "快点" }), [], Douyin, Later, Ctx(8)).ShouldBe(ChannelUpdateOutcome.Updated);

        order.Status.ShouldBe(OrderStatus.Picking);
        order.State.Data.BuyerMessage.ShouldBe("快点");
        order.NewEvents.ShouldHaveSingleItem().Type.ShouldBe(OrderEventTypes.Updated);
    }

    [Fact]
    public void A_platform_cancellation_before_shipment_cancels()
    {
        var order = StoredAt(OrderAction.Accept);

        order.ApplyChannelUpdate(Newer(d => d with { Status = OrderStatus.Cancelled }), [], Douyin, Later, Ctx(8));

        order.Status.ShouldBe(OrderStatus.Cancelled);
        order.NewEvents[^1].Reason.ShouldBe("platform reports the order cancelled");
        order.NewEvents[^1].From.ShouldBe(OrderStatus.Accepted);
    }

    [Fact]
    public void A_platform_cancellation_after_shipment_is_ignored()
    {
        var order = StoredAt(OrderAction.Accept, OrderAction.Allocate, OrderAction.Pick, OrderAction.Pack, OrderAction.Ship);

        order.ApplyChannelUpdate(Newer(d => d with { Status = OrderStatus.Cancelled }), [], Douyin, Later, Ctx(8));

        order.Status.ShouldBe(OrderStatus.Shipped);
        order.NewEvents.ShouldHaveSingleItem().Type.ShouldBe(OrderEventTypes.Updated);
    }

    [Fact]
    public void A_new_hold_reason_in_an_update_holds_the_order()
    {
        var order = Stored();

        order.ApplyChannelUpdate(Newer(d => d with { Receiver = null }), [NoReceiver], Douyin, Later, Ctx(8))
            .ShouldBe(ChannelUpdateOutcome.Updated);

        order.Status.ShouldBe(OrderStatus.OnHold);
        order.State.ResumeStatus.ShouldBe(OrderStatus.Paid);
        order.State.HoldReasons.ShouldBe([NoReceiver]);
        order.NewEvents.Count.ShouldBe(2);
        var held = order.NewEvents[1];
        held.Type.ShouldBe(OrderEventTypes.StatusChanged);
        held.From.ShouldBe(OrderStatus.Paid);
        held.To.ShouldBe(OrderStatus.OnHold);
        held.Reason.ShouldBe("held for review: the order has no receiver");
        held.Context["holdReasons"]!.AsArray().Count.ShouldBe(1);
        held.Context["changed"]!.ToJsonString().ShouldBe("""["receiver","platformModifiedAt"]""");
        order.State.Version.ShouldBe(3);
    }

    [Fact]
    public void A_hold_reason_a_person_already_released_does_not_hold_again_but_a_new_one_does()
    {
        var order = Stored(null, UnknownSku);
        order.Apply(new OrderActionRequest(OrderAction.Release, "SKU mapped by hand"), Alice, Now).Succeeded.ShouldBeTrue();
        order.State.ReleasedHoldKeys.ShouldBe([UnknownSku.Key]);
        order.MarkStored(42);

        order.ApplyChannelUpdate(Newer(d => d with { SellerMemo = "a" }), [UnknownSku], Douyin, Later, Ctx(8));

        order.Status.ShouldBe(OrderStatus.Paid);
        order.NewEvents.ShouldHaveSingleItem().Type.ShouldBe(OrderEventTypes.Updated);
        order.MarkStored(42);

        order.ApplyChannelUpdate(Newer(d => d with { SellerMemo = "b", Receiver = null }, 20), [UnknownSku, NoReceiver], Douyin, Later, Ctx(9));

        order.Status.ShouldBe(OrderStatus.OnHold);
        order.State.ResumeStatus.ShouldBe(OrderStatus.Paid);
        order.State.HoldReasons.ShouldBe([NoReceiver]);
        order.NewEvents[^1].Reason.ShouldBe("held for review: the order has no receiver");
    }

    [Fact]
    public void A_held_order_stays_held_when_the_platform_moves_on_and_remembers_the_newer_status()
    {
        var order = Stored(null, UnknownSku);

        order.ApplyChannelUpdate(Newer(d => d with { Status = OrderStatus.Shipped }), [UnknownSku], Douyin, Later, Ctx(8));

        order.Status.ShouldBe(OrderStatus.OnHold);
        order.State.ResumeStatus.ShouldBe(OrderStatus.Shipped);
        order.State.HoldReasons.ShouldBe([UnknownSku]);
        // No status_changed: the order was OnHold and still is.
        order.NewEvents.ShouldHaveSingleItem().Type.ShouldBe(OrderEventTypes.Updated);
    }

    [Fact]
    public void A_known_hold_reason_on_a_held_order_is_not_added_twice()
    {
        var order = Stored(null, UnknownSku);

        order.ApplyChannelUpdate(Newer(d => d with { SellerMemo = "x" }), [UnknownSku], Douyin, Later, Ctx(8));

        order.State.HoldReasons.ShouldBe([UnknownSku]);
        order.NewEvents.ShouldHaveSingleItem();
    }

    [Fact]
    public void A_platform_cancellation_of_a_held_order_cancels_it_and_drops_the_hold()
    {
        var order = Stored(null, UnknownSku);

        order.ApplyChannelUpdate(Newer(d => d with { Status = OrderStatus.Cancelled }), [UnknownSku], Douyin, Later, Ctx(8));

        order.Status.ShouldBe(OrderStatus.Cancelled);
        order.State.ResumeStatus.ShouldBeNull();
        order.State.HoldReasons.ShouldBeEmpty();
        order.NewEvents.Select(e => e.Type).ShouldBe([OrderEventTypes.Updated, OrderEventTypes.StatusChanged]);
    }

    [Fact]
    public void A_shipped_order_is_not_held_by_an_update()
    {
        var order = StoredAt(OrderAction.Accept, OrderAction.Allocate, OrderAction.Pick, OrderAction.Pack, OrderAction.Ship);

        order.ApplyChannelUpdate(Newer(d => d with { SellerMemo = "x" }), [NoReceiver], Douyin, Later, Ctx(8));

        order.Status.ShouldBe(OrderStatus.Shipped);
        order.State.HoldReasons.ShouldBeEmpty();
    }

    [Fact]
    public void A_refund_request_from_the_platform_remembers_where_the_order_was()
    {
        var order = StoredAt(OrderAction.Accept);

        order.ApplyChannelUpdate(Newer(d => d with { Status = OrderStatus.RefundRequested }), [NoReceiver], Douyin, Later, Ctx(8));

        order.Status.ShouldBe(OrderStatus.RefundRequested);
        order.State.ResumeStatus.ShouldBe(OrderStatus.Accepted);
        order.State.HoldReasons.ShouldBeEmpty();
    }

    // ---------------------------------------------------------------- Apply

    private static readonly (OrderAction Action, string? Reason, OrderStatus From, OrderStatus To)[] HappyPath =
    [
        (OrderAction.Pay, "paid by bank transfer", OrderStatus.PendingPayment, OrderStatus.Paid),
        (OrderAction.Accept, null, OrderStatus.Paid, OrderStatus.Accepted),
        (OrderAction.Allocate, "成都仓", OrderStatus.Accepted, OrderStatus.Allocated),
        (OrderAction.Pick, null, OrderStatus.Allocated, OrderStatus.Picking),
        (OrderAction.Pack, null, OrderStatus.Picking, OrderStatus.Packed),
        (OrderAction.Ship, null, OrderStatus.Packed, OrderStatus.Shipped),
        (OrderAction.Deliver, null, OrderStatus.Shipped, OrderStatus.Delivered),
        (OrderAction.Complete, "  signed 7 days ago  ", OrderStatus.Delivered, OrderStatus.Completed),
        (OrderAction.RequestRefund, "buyer: broken", OrderStatus.Completed, OrderStatus.RefundRequested),
        (OrderAction.Refund, null, OrderStatus.RefundRequested, OrderStatus.Refunded),
    ];

    [Fact]
    public void Every_action_on_the_way_records_an_event_with_from_to_actor_and_reason()
    {
        var order = Stored(SampleOrders.Contract() with { Status = OrderStatus.PendingPayment, PaidAt = null });
        var expectedSequence = 1;
        foreach (var (action, reason, from, to) in HappyPath)
        {
            var at = Now.AddHours(expectedSequence);

            var outcome = order.Apply(new OrderActionRequest(action, reason, " SF ", " SF1001 "), Job, at);

            outcome.Succeeded.ShouldBeTrue(outcome.Problem);
            outcome.From.ShouldBe(from);
            outcome.To.ShouldBe(to);
            outcome.Problem.ShouldBeNull();
            outcome.AllowedActions.ShouldBeEmpty();
            expectedSequence++;
            order.Status.ShouldBe(to);
            order.State.Version.ShouldBe(expectedSequence);
            order.State.LastEventSequence.ShouldBe(expectedSequence);
            order.State.UpdatedAt.ShouldBe(at);
            var e = order.NewEvents[^1];
            e.Sequence.ShouldBe(expectedSequence);
            e.Type.ShouldBe(OrderEventTypes.StatusChanged);
            e.From.ShouldBe(from);
            e.To.ShouldBe(to);
            e.Actor.ShouldBe(Job);
            e.Reason.ShouldBe(reason?.Trim() ?? action.Name());
            e.OccurredAt.ShouldBe(at);
            e.Context["action"]!.GetValue<string>().ShouldBe(action.Name());
        }
        order.NewEvents.Count.ShouldBe(10);
        order.NewEvents.Select(e => e.Sequence).ShouldBe([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
        order.State.ResumeStatus.ShouldBeNull();
    }

    [Fact]
    public void Ship_stores_the_shipment_trimmed()
    {
        var order = StoredAt(OrderAction.Accept, OrderAction.Allocate, OrderAction.Pick, OrderAction.Pack);

        order.Apply(new OrderActionRequest(OrderAction.Ship, null, "  SF Express ", " SF1234567 "), Job, Later).Succeeded.ShouldBeTrue();

        order.State.Shipment.ShouldBe(new Shipment("SF Express", "SF1234567", Later));
        var e = order.NewEvents.ShouldHaveSingleItem();
        e.Context.ToJsonString().ShouldBe("""{"action":"ship","carrier":"SF Express","trackingNo":"SF1234567"}""");
        e.Reason.ShouldBe("ship");
    }

    [Theory]
    [InlineData(null, "SF1", "carrier", "the carrier is required to ship an order")]
    [InlineData("  ", "SF1", "carrier", "the carrier is required to ship an order")]
    [InlineData("SF", null, "trackingNo", "the tracking number is required to ship an order")]
    [InlineData("SF", "", "trackingNo", "the tracking number is required to ship an order")]
    public void Ship_needs_a_carrier_and_a_tracking_number(string? carrier, string? trackingNo, string field, string problem)
    {
        var order = StoredAt(OrderAction.Accept, OrderAction.Allocate, OrderAction.Pick, OrderAction.Pack);
        var before = order.State;

        var outcome = order.Apply(new OrderActionRequest(OrderAction.Ship, null, carrier, trackingNo), Job, Later);

        outcome.ShouldBe(new ActionOutcome(false, null, null, problem, field, outcome.AllowedActions));
        outcome.AllowedActions.ShouldBeEmpty();
        outcome.IsConflict.ShouldBeFalse();
        order.State.ShouldBeSameAs(before);
        order.NewEvents.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(OrderAction.Hold, null)]
    [InlineData(OrderAction.Hold, "")]
    [InlineData(OrderAction.Hold, "   ")]
    [InlineData(OrderAction.Cancel, null)]
    [InlineData(OrderAction.Cancel, " ")]
    public void Hold_and_cancel_need_a_reason(OrderAction action, string? reason)
    {
        var order = Stored();
        var before = order.State;

        var outcome = order.Apply(new OrderActionRequest(action, reason), Alice, Later);

        outcome.Succeeded.ShouldBeFalse();
        outcome.Field.ShouldBe("reason");
        outcome.Problem.ShouldBe($"a reason is required to {action.Name()} an order");
        outcome.IsConflict.ShouldBeFalse();
        order.State.ShouldBeSameAs(before);
        order.NewEvents.ShouldBeEmpty();
    }

    [Fact]
    public void Release_needs_a_reason()
    {
        var order = Stored(null, UnknownSku);
        var before = order.State;

        var outcome = order.Apply(new OrderActionRequest(OrderAction.Release, null), Alice, Later);

        outcome.Field.ShouldBe("reason");
        outcome.Problem.ShouldBe("a reason is required to release an order");
        order.State.ShouldBeSameAs(before);
    }

    [Fact]
    public void Reject_refund_needs_a_reason()
    {
        var order = StoredAt(OrderAction.RequestRefund);

        order.Apply(new OrderActionRequest(OrderAction.RejectRefund, ""), Alice, Later).Field.ShouldBe("reason");
        order.Status.ShouldBe(OrderStatus.RefundRequested);
    }

    [Fact]
    public void Hold_records_a_manual_reason_and_where_to_resume()
    {
        var order = StoredAt(OrderAction.Accept);

        var outcome = order.Apply(new OrderActionRequest(OrderAction.Hold, "  check the address "), Alice, Later);

        (outcome.Succeeded, outcome.From, outcome.To).ShouldBe((true, (OrderStatus?)OrderStatus.Accepted, (OrderStatus?)OrderStatus.OnHold));

        order.Status.ShouldBe(OrderStatus.OnHold);
        order.State.ResumeStatus.ShouldBe(OrderStatus.Accepted);
        order.State.HoldReasons.ShouldBe([new HoldReason("manual", "check the address")]);
        var e = order.NewEvents.ShouldHaveSingleItem();
        e.Reason.ShouldBe("check the address");
        e.Actor.ShouldBe(Alice);
        e.Context.ToJsonString().ShouldBe("""{"action":"hold","holdReasons":[{"code":"manual","message":"check the address","field":null}]}""");
    }

    [Theory]
    [InlineData(ActorKind.User)]
    [InlineData(ActorKind.ApiKey)]
    public void A_person_releases_a_held_order_back_to_exactly_where_it_was(ActorKind kind)
    {
        var order = Stored(null, UnknownSku, NoReceiver);
        var person = new Actor(kind, "p1");

        var outcome = order.Apply(new OrderActionRequest(OrderAction.Release, "checked with the buyer"), person, Later);

        outcome.Succeeded.ShouldBeTrue();
        outcome.From.ShouldBe(OrderStatus.OnHold);
        outcome.To.ShouldBe(OrderStatus.Paid);
        order.Status.ShouldBe(OrderStatus.Paid);
        order.State.ResumeStatus.ShouldBeNull();
        order.State.HoldReasons.ShouldBeEmpty();
        order.State.ReleasedHoldKeys.ShouldBe([UnknownSku.Key, NoReceiver.Key]);
        var e = order.NewEvents.ShouldHaveSingleItem();
        e.From.ShouldBe(OrderStatus.OnHold);
        e.To.ShouldBe(OrderStatus.Paid);
        e.Actor.ShouldBe(person);
        e.Reason.ShouldBe("checked with the buyer");
        e.Context["action"]!.GetValue<string>().ShouldBe("release");
        e.Context["released"]!.AsArray().Select(r => r!["code"]!.GetValue<string>()).ShouldBe(["unknown_sku", "missing_receiver"]);
    }

    [Theory]
    [InlineData(ActorKind.System)]
    [InlineData(ActorKind.Channel)]
    public void Only_a_person_can_release(ActorKind kind)
    {
        var order = Stored(null, UnknownSku);
        var before = order.State;

        var outcome = order.Apply(new OrderActionRequest(OrderAction.Release, "auto"), new Actor(kind, "bot"), Later);

        outcome.ShouldBe(ActionOutcome.Invalid("actor", "only a person (user or API key) can release a held order") with { AllowedActions = outcome.AllowedActions });
        outcome.AllowedActions.ShouldBeEmpty();
        order.State.ShouldBeSameAs(before);
        order.NewEvents.ShouldBeEmpty();
    }

    [Fact]
    public void A_held_order_is_not_moved_on_by_a_warehouse_step_that_matches_its_resume_status()
    {
        var order = StoredAt(OrderAction.Accept, OrderAction.Allocate, OrderAction.Pick);
        order.Apply(new OrderActionRequest(OrderAction.Hold, "suspicious"), Alice, Now).Succeeded.ShouldBeTrue();
        order.MarkStored(42);
        var before = order.State;

        var outcome = order.Apply(new OrderActionRequest(OrderAction.Pick, null), Job, Later);

        outcome.Succeeded.ShouldBeFalse();
        outcome.IsConflict.ShouldBeTrue();
        outcome.AllowedActions.ShouldBe(["cancel", "release"], ignoreOrder: true);
        order.State.ShouldBeSameAs(before);
        order.NewEvents.ShouldBeEmpty();
    }

    [Fact]
    public void Cancelling_a_held_order_clears_the_hold()
    {
        var order = Stored(null, UnknownSku);

        order.Apply(new OrderActionRequest(OrderAction.Cancel, "buyer asked"), Alice, Later).Succeeded.ShouldBeTrue();

        order.Status.ShouldBe(OrderStatus.Cancelled);
        order.State.ResumeStatus.ShouldBeNull();
        order.State.HoldReasons.ShouldBeEmpty();
        order.AllowedActionNames().ShouldBeEmpty();
    }

    [Fact]
    public void A_refund_request_can_be_rejected_back_to_where_the_order_was()
    {
        var order = StoredAt(OrderAction.Accept, OrderAction.Allocate, OrderAction.Pick, OrderAction.Pack, OrderAction.Ship);

        order.Apply(new OrderActionRequest(OrderAction.RequestRefund, "buyer"), Erp, Now).Succeeded.ShouldBeTrue();
        order.State.ResumeStatus.ShouldBe(OrderStatus.Shipped);
        var outcome = order.Apply(new OrderActionRequest(OrderAction.RejectRefund, "parcel already on its way"), Alice, Later);

        (outcome.Succeeded, outcome.From, outcome.To).ShouldBe((true, (OrderStatus?)OrderStatus.RefundRequested, (OrderStatus?)OrderStatus.Shipped));

        order.Status.ShouldBe(OrderStatus.Shipped);
        order.State.ResumeStatus.ShouldBeNull();
        order.State.Shipment.ShouldBe(new Shipment("SF", "SF1001", Now));
        order.NewEvents.Select(e => (e.From, e.To)).ShouldBe(
        [
            ((OrderStatus?)OrderStatus.Shipped, (OrderStatus?)OrderStatus.RefundRequested),
            (OrderStatus.RefundRequested, OrderStatus.Shipped),
        ]);
    }

    public static TheoryData<OrderAction[], OrderAction, string, string[]> RefusedActions => new()
    {
        { [], OrderAction.Ship, "an order that is Paid cannot become Shipped", ["accept", "cancel", "hold", "request-refund"] },
        { [], OrderAction.Pay, "an order that is Paid cannot become Paid", ["accept", "cancel", "hold", "request-refund"] },
        { [], OrderAction.Release, "only an order that is OnHold can be released; it is Paid", ["accept", "cancel", "hold", "request-refund"] },
        { [], OrderAction.RejectRefund, "only an order that is RefundRequested can have its refund rejected; it is Paid", ["accept", "cancel", "hold", "request-refund"] },
        { [OrderAction.Cancel], OrderAction.Accept, "an order that is Cancelled cannot become Accepted", [] },
        { [OrderAction.Cancel], OrderAction.Cancel, "an order that is Cancelled cannot become Cancelled", [] },
        { [OrderAction.Accept, OrderAction.Allocate, OrderAction.Pick, OrderAction.Pack, OrderAction.Ship], OrderAction.Cancel,
            "an order that is Shipped cannot become Cancelled", ["deliver", "hold", "request-refund"] },
        { [OrderAction.Hold], OrderAction.Hold, "an order that is OnHold must be released (or cancelled) first", ["cancel", "release"] },
        { [OrderAction.Hold], OrderAction.Accept, "an order that is OnHold must be released (or cancelled) first", ["cancel", "release"] },
        { [OrderAction.Hold], OrderAction.Pay, "an order that is OnHold must be released (or cancelled) first", ["cancel", "release"] },
        { [OrderAction.RequestRefund], OrderAction.Accept, "an order with a refund request must have it refunded or rejected first", ["refund", "reject-refund"] },
        { [OrderAction.RequestRefund], OrderAction.Cancel, "an order with a refund request must have it refunded or rejected first", ["refund", "reject-refund"] },
    };

    [Theory]
    [MemberData(nameof(RefusedActions))]
    public void A_refused_action_changes_nothing_and_lists_what_is_allowed(OrderAction[] path, OrderAction action, string problem, string[] allowed)
    {
        var order = StoredAt(path);
        var before = order.State;

        var outcome = order.Apply(new OrderActionRequest(action, "because", "SF", "SF1"), Alice, Later);

        outcome.Succeeded.ShouldBeFalse();
        outcome.IsConflict.ShouldBeTrue();
        outcome.Field.ShouldBeNull();
        outcome.Problem.ShouldBe(problem);
        outcome.From.ShouldBe(before.Status);
        outcome.To.ShouldBeNull();
        outcome.AllowedActions.ShouldBe(allowed, ignoreOrder: true);
        order.AllowedActionNames().ShouldBe(allowed, ignoreOrder: true);
        order.State.ShouldBeSameAs(before);
        order.NewEvents.ShouldBeEmpty();
    }

    [Fact]
    public void Version_and_event_sequence_go_up_by_one_per_event_across_create_update_and_actions()
    {
        var order = Create(null, UnknownSku);                                           // 1 created
        order.Apply(new OrderActionRequest(OrderAction.Release, "ok"), Alice, Now);     // 2
        order.ApplyChannelUpdate(Newer(d => d with { Status = OrderStatus.Shipped }), [], Douyin, Later, Ctx(8)); // 3 updated, 4 status
        order.Apply(new OrderActionRequest(OrderAction.Ship, null, "SF", "1"), Job, Later);  // refused: already Shipped
        order.Apply(new OrderActionRequest(OrderAction.Deliver, null), Job, Later);     // 5

        order.NewEvents.Select(e => e.Sequence).ShouldBe([1, 2, 3, 4, 5]);
        order.NewEvents.Select(e => e.Type).ShouldBe(
            ["order.created", "order.status_changed", "order.updated", "order.status_changed", "order.status_changed"]);
        order.State.Version.ShouldBe(5);
        order.State.LastEventSequence.ShouldBe(5);
        order.Status.ShouldBe(OrderStatus.Delivered);
    }

    [Fact]
    public void Actor_names_kind_and_id()
    {
        new Actor(ActorKind.ApiKey, "erp-1").ToString().ShouldBe("apikey:erp-1");
        new Actor(ActorKind.System, "job").IsPerson.ShouldBeFalse();
        new Actor(ActorKind.Channel, "douyin").IsPerson.ShouldBeFalse();
        new Actor(ActorKind.User, "alice").IsPerson.ShouldBeTrue();
        new Actor(ActorKind.ApiKey, "k").IsPerson.ShouldBeTrue();
    }
}
