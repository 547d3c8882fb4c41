using Ordo.Core.Orders;
using Shouldly;
using Xunit;
using static Ordo.Core.Orders.OrderStatus;

namespace Ordo.Core.Tests.Orders;

public class ChannelStatusSyncTests
{
    /// <summary>
    /// (current, resume, reported) → (changes, status, resume, note). The note column is a fragment the note must
    /// contain, or null when there must be no note.
    /// </summary>
    public static TheoryData<OrderStatus, OrderStatus?, OrderStatus, bool, OrderStatus, OrderStatus?, string?> Cases => new()
    {
        // Same status: nothing to say.
        { Paid, null, Paid, false, Paid, null, null },
        { Shipped, null, Shipped, false, Shipped, null, null },

        // The platform is behind Ordo's own progress (the warehouse is ahead): ignored.
        { Packed, null, Paid, false, Packed, null, "platform reports Paid, behind the order's own progress (Packed); ignored" },
        { Picking, null, Accepted, false, Picking, null, "behind the order's own progress (Picking)" },
        { Shipped, null, PendingPayment, false, Shipped, null, "behind" },
        { Completed, null, Delivered, false, Completed, null, "behind the order's own progress (Completed)" },

        // The platform is ahead (the merchant shipped elsewhere, the buyer signed): taken over, even skipping steps.
        { PendingPayment, null, Paid, true, Paid, null, "platform reports Paid" },
        { Paid, null, Shipped, true, Shipped, null, "platform reports Shipped" },
        { Packed, null, Delivered, true, Delivered, null, "platform reports Delivered" },
        { Delivered, null, Completed, true, Completed, null, "platform reports Completed" },

        // Cancellation before shipment wins.
        { PendingPayment, null, Cancelled, true, Cancelled, null, "platform reports the order cancelled" },
        { Paid, null, Cancelled, true, Cancelled, null, "platform reports the order cancelled" },
        { Packed, null, Cancelled, true, Cancelled, null, "platform reports the order cancelled" },
        { OnHold, Packed, Cancelled, true, Cancelled, null, "platform reports the order cancelled" },
        { RefundRequested, Allocated, Cancelled, true, Cancelled, null, "platform reports the order cancelled" },

        // Cancellation after shipment is ignored with a note: it is a refund now.
        { Shipped, null, Cancelled, false, Shipped, null, "platform reports Cancelled but the order is already Shipped; handle it as a refund" },
        { Delivered, null, Cancelled, false, Delivered, null, "handle it as a refund" },
        { Completed, null, Cancelled, false, Completed, null, "handle it as a refund" },
        { OnHold, Shipped, Cancelled, false, OnHold, Shipped, "already Shipped; handle it as a refund" },

        // Refund requested: the order remembers where it was.
        { Paid, null, RefundRequested, true, RefundRequested, Paid, "platform reports a refund request" },
        { Shipped, null, RefundRequested, true, RefundRequested, Shipped, "platform reports a refund request" },
        { Completed, null, RefundRequested, true, RefundRequested, Completed, "platform reports a refund request" },
        { OnHold, Allocated, RefundRequested, true, RefundRequested, Allocated, "platform reports a refund request" },
        { PendingPayment, null, RefundRequested, false, PendingPayment, null, "platform reports a refund request before payment" },
        { RefundRequested, Shipped, RefundRequested, false, RefundRequested, Shipped, null },

        // Refunded always wins; before payment it is a cancellation.
        { Paid, null, Refunded, true, Refunded, null, "platform reports the order refunded" },
        { Shipped, null, Refunded, true, Refunded, null, "platform reports the order refunded" },
        { RefundRequested, Delivered, Refunded, true, Refunded, null, "platform reports the order refunded" },
        { OnHold, Paid, Refunded, true, Refunded, null, "platform reports the order refunded" },
        { PendingPayment, null, Refunded, true, Cancelled, null, "platform reports a refund before payment: cancelled" },
        { OnHold, PendingPayment, Refunded, true, Cancelled, null, "refund before payment" },

        // A held order stays held; the resume status moves forward but never back.
        { OnHold, Paid, Shipped, true, OnHold, Shipped, "platform reports Shipped; the order stays on hold and will resume there" },
        { OnHold, PendingPayment, Paid, true, OnHold, Paid, "stays on hold" },
        { OnHold, null, Paid, true, OnHold, Paid, "stays on hold" },
        { OnHold, Packed, Paid, false, OnHold, Packed, "platform reports Paid, behind the order's own progress (Packed); ignored" },
        { OnHold, Paid, Paid, false, OnHold, Paid, null },

        // OnHold is Ordo's own state: a platform cannot send it.
        { Paid, null, OnHold, false, Paid, null, "OnHold is set by Ordo, not by platforms" },
        { OnHold, Paid, OnHold, false, OnHold, Paid, null },

        // A closed refund request brings the order back, to where it was or further.
        { RefundRequested, Shipped, Shipped, true, Shipped, null, "platform reports the refund request closed" },
        { RefundRequested, Shipped, Paid, true, Shipped, null, "platform reports the refund request closed" },
        { RefundRequested, Completed, Completed, true, Completed, null, "platform reports the refund request closed" },
        { RefundRequested, Shipped, Delivered, true, Delivered, null, "platform reports Delivered" },

        // Final statuses never change.
        { Cancelled, null, Paid, false, Cancelled, null, "platform reports Paid but the order is already Cancelled" },
        { Cancelled, null, Refunded, false, Cancelled, null, "already Cancelled" },
        { Refunded, null, Shipped, false, Refunded, null, "platform reports Shipped but the order is already Refunded" },
        { Refunded, null, RefundRequested, false, Refunded, null, "already Refunded" },
        { Refunded, null, Refunded, false, Refunded, null, null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decide_follows_the_table(
        OrderStatus current, OrderStatus? resume, OrderStatus reported,
        bool changes, OrderStatus status, OrderStatus? newResume, string? note)
    {
        var decision = ChannelStatusSync.Decide(current, resume, reported);

        decision.Changes.ShouldBe(changes);
        decision.Status.ShouldBe(status);
        decision.ResumeStatus.ShouldBe(newResume);
        if (note is null) decision.Note.ShouldBeNull();
        else decision.Note.ShouldNotBeNull().ShouldContain(note);
    }

    [Fact]
    public void A_decision_that_keeps_the_order_keeps_status_and_resume_exactly()
    {
        foreach (var current in Enum.GetValues<OrderStatus>())
        foreach (var reported in Enum.GetValues<OrderStatus>())
        {
            OrderStatus? resume = current is OnHold or RefundRequested ? Paid : null;
            var decision = ChannelStatusSync.Decide(current, resume, reported);
            if (decision.Changes) continue;
            decision.Status.ShouldBe(current, $"{current} ← {reported}");
            decision.ResumeStatus.ShouldBe(resume, $"{current} ← {reported}");
        }
    }

    [Fact]
    public void Only_side_states_carry_a_resume_status_after_a_change()
    {
        foreach (var current in Enum.GetValues<OrderStatus>())
        foreach (var reported in Enum.GetValues<OrderStatus>())
        {
            OrderStatus? resume = current is OnHold or RefundRequested ? Accepted : null;
            var decision = ChannelStatusSync.Decide(current, resume, reported);
            if (!decision.Changes) continue;
            if (decision.Status is OnHold or RefundRequested) decision.ResumeStatus.ShouldNotBeNull($"{current} ← {reported}");
            else decision.ResumeStatus.ShouldBeNull($"{current} ← {reported}");
        }
    }
}
