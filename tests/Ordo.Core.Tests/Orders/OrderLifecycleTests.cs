using Ordo.Core.Orders;
using Shouldly;
using Xunit;
using static Ordo.Core.Orders.OrderStatus;

namespace Ordo.Core.Tests.Orders;

public class OrderLifecycleTests
{
    // The expected lifecycle, written out by hand from DESIGN.md ("Canonical statuses") and the OrderLifecycle doc
    // comment. Rows are "from", columns are "to", both in enum order. 'x' = allowed, '.' = refused.
    // OnHold is read with resume status Picking, RefundRequested with resume status Delivered: each may go back to
    // exactly that status and nowhere else on the main flow.
    private const string Columns = "PP Pd Ac Al Pi Pk Sh De Co OH Ca RR Rf";
    private static readonly (OrderStatus From, OrderStatus? Resume, string Row)[] TransitionMatrix =
    [
        //                                  PP Pd Ac Al Pi Pk Sh De Co OH Ca RR Rf
        (PendingPayment,  null,           ". x  .  .  .  .  .  .  .  x  x  .  ."),
        (Paid,            null,           ". .  x  .  .  .  .  .  .  x  x  x  ."),
        (Accepted,        null,           ". .  .  x  .  .  .  .  .  x  x  x  ."),
        (Allocated,       null,           ". .  .  .  x  .  .  .  .  x  x  x  ."),
        (Picking,         null,           ". .  .  .  .  x  .  .  .  x  x  x  ."),
        (Packed,          null,           ". .  .  .  .  .  x  .  .  x  x  x  ."),
        (Shipped,         null,           ". .  .  .  .  .  .  x  .  x  .  x  ."),
        (Delivered,       null,           ". .  .  .  .  .  .  .  x  x  .  x  ."),
        (Completed,       null,           ". .  .  .  .  .  .  .  .  .  .  x  ."),
        (OnHold,          Picking,        ". .  .  .  x  .  .  .  .  .  x  .  ."),
        (Cancelled,       null,           ". .  .  .  .  .  .  .  .  .  .  .  ."),
        (RefundRequested, Delivered,      ". .  .  .  .  .  .  x  .  .  .  .  x"),
        (Refunded,        null,           ". .  .  .  .  .  .  .  .  .  .  .  ."),
    ];

    public static TheoryData<OrderStatus, OrderStatus?, OrderStatus, bool> AllPairs()
    {
        var data = new TheoryData<OrderStatus, OrderStatus?, OrderStatus, bool>();
        var columns = Columns.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        columns.Length.ShouldBe(13);
        foreach (var (from, resume, row) in TransitionMatrix)
        {
            var cells = row.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            cells.Length.ShouldBe(13);
            for (var to = 0; to < cells.Length; to++)
                data.Add(from, resume, (OrderStatus)to, cells[to] == "x");
        }
        return data;
    }

    [Fact]
    public void The_matrix_covers_all_169_pairs()
    {
        TransitionMatrix.Select(r => r.From).ShouldBe(Enum.GetValues<OrderStatus>());
        AllPairs().Count().ShouldBe(169);
    }

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void CanTransition_matches_the_expected_matrix(OrderStatus from, OrderStatus? resume, OrderStatus to, bool allowed)
    {
        OrderLifecycle.CanTransition(from, to, resume).ShouldBe(allowed, $"{from} (resume {resume}) → {to}");
        OrderLifecycle.AllowedTargets(from, resume).Contains(to).ShouldBe(allowed);
    }

    public static TheoryData<OrderStatus> ResumableMainFlow => new(PendingPayment, Paid, Accepted, Allocated, Picking, Packed, Shipped, Delivered);

    [Theory]
    [MemberData(nameof(ResumableMainFlow))]
    public void A_held_order_can_go_back_to_its_resume_status_and_nowhere_else_but_cancelled(OrderStatus resume)
    {
        OrderLifecycle.AllowedTargets(OnHold, resume).ShouldBe([resume, Cancelled], ignoreOrder: true);
    }

    public static TheoryData<OrderStatus> RefundableMainFlow => new(Paid, Accepted, Allocated, Picking, Packed, Shipped, Delivered, Completed);

    [Theory]
    [MemberData(nameof(RefundableMainFlow))]
    public void A_refund_request_can_go_back_to_its_resume_status_or_be_refunded(OrderStatus resume)
    {
        OrderLifecycle.AllowedTargets(RefundRequested, resume).ShouldBe([resume, Refunded], ignoreOrder: true);
    }

    [Fact]
    public void Side_states_without_a_resume_status_only_have_their_fixed_exit()
    {
        OrderLifecycle.AllowedTargets(OnHold, null).ShouldBe([Cancelled]);
        OrderLifecycle.AllowedTargets(RefundRequested, null).ShouldBe([Refunded]);
        // A resume status equal to the state itself means nothing.
        OrderLifecycle.AllowedTargets(OnHold, OnHold).ShouldBe([Cancelled]);
    }

    [Fact]
    public void A_resume_status_is_ignored_outside_the_side_states()
    {
        OrderLifecycle.CanTransition(Paid, Shipped, Shipped).ShouldBeFalse();
        OrderLifecycle.AllowedTargets(Packed, Paid).ShouldBe([Shipped, Cancelled, RefundRequested, OnHold], ignoreOrder: true);
    }

    // Decide for every action from every status. Cells are the status the action leads to, '-' when refused.
    // OnHold again resumes at Picking and RefundRequested at Delivered, so "pick" from OnHold and "deliver" from
    // RefundRequested would lead to the resume status: they must still be refused (only release / reject-refund go back).
    private const string ActionColumns = "pay accept allocate pick pack ship deliver complete cancel hold release request-refund refund reject-refund";
    private static readonly (OrderStatus From, OrderStatus? Resume, string Row)[] DecisionMatrix =
    [
        //                             pay accept allocate pick pack ship deliver complete cancel hold release rreq refund reject
        (PendingPayment,  null,      "Pd  -     -        -    -    -    -       -        Ca     OH   -       -    -      -"),
        (Paid,            null,      "-   Ac    -        -    -    -    -       -        Ca     OH   -       RR   -      -"),
        (Accepted,        null,      "-   -     Al       -    -    -    -       -        Ca     OH   -       RR   -      -"),
        (Allocated,       null,      "-   -     -        Pi   -    -    -       -        Ca     OH   -       RR   -      -"),
        (Picking,         null,      "-   -     -        -    Pk   -    -       -        Ca     OH   -       RR   -      -"),
        (Packed,          null,      "-   -     -        -    -    Sh   -       -        Ca     OH   -       RR   -      -"),
        (Shipped,         null,      "-   -     -        -    -    -    De      -        -      OH   -       RR   -      -"),
        (Delivered,       null,      "-   -     -        -    -    -    -       Co       -      OH   -       RR   -      -"),
        (Completed,       null,      "-   -     -        -    -    -    -       -        -      -    -       RR   -      -"),
        (OnHold,          Picking,   "-   -     -        -    -    -    -       -        Ca     -    Pi      -    -      -"),
        (Cancelled,       null,      "-   -     -        -    -    -    -       -        -      -    -       -    -      -"),
        (RefundRequested, Delivered, "-   -     -        -    -    -    -       -        -      -    -       -    Rf     De"),
        (Refunded,        null,      "-   -     -        -    -    -    -       -        -      -    -       -    -      -"),
    ];

    private static readonly Dictionary<string, OrderStatus> Abbreviations = new()
    {
        ["PP"] = PendingPayment, ["Pd"] = Paid, ["Ac"] = Accepted, ["Al"] = Allocated, ["Pi"] = Picking, ["Pk"] = Packed,
        ["Sh"] = Shipped, ["De"] = Delivered, ["Co"] = Completed, ["OH"] = OnHold, ["Ca"] = Cancelled,
        ["RR"] = RefundRequested, ["Rf"] = Refunded,
    };

    public static TheoryData<OrderStatus, OrderStatus?, OrderAction, OrderStatus?> AllDecisions()
    {
        var data = new TheoryData<OrderStatus, OrderStatus?, OrderAction, OrderStatus?>();
        var actions = ActionColumns.Split(' ');
        foreach (var (from, resume, row) in DecisionMatrix)
        {
            var cells = row.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            cells.Length.ShouldBe(actions.Length);
            for (var i = 0; i < cells.Length; i++)
            {
                OrderActions.TryParse(actions[i], out var action).ShouldBeTrue(actions[i]);
                data.Add(from, resume, action, cells[i] == "-" ? null : Abbreviations[cells[i]]);
            }
        }
        return data;
    }

    [Fact]
    public void The_decision_matrix_covers_every_action_from_every_status()
    {
        AllDecisions().Count().ShouldBe(13 * 14);
        Enum.GetValues<OrderAction>().Length.ShouldBe(14);
    }

    [Theory]
    [MemberData(nameof(AllDecisions))]
    public void Decide_matches_the_expected_matrix(OrderStatus from, OrderStatus? resume, OrderAction action, OrderStatus? expectedTo)
    {
        var decision = OrderLifecycle.Decide(from, resume, action);

        decision.From.ShouldBe(from);
        if (expectedTo is { } to)
        {
            decision.Allowed.ShouldBeTrue($"{action.Name()} from {from}: {decision.Reason}");
            decision.To.ShouldBe(to);
            decision.Reason.ShouldBeNull();
        }
        else
        {
            decision.Allowed.ShouldBeFalse($"{action.Name()} from {from} was allowed to {decision.To}");
            decision.Reason.ShouldNotBeNullOrWhiteSpace();
        }
    }

    [Fact]
    public void A_refused_main_flow_action_names_both_statuses()
    {
        var decision = OrderLifecycle.Decide(Paid, null, OrderAction.Ship);

        decision.ShouldBe(new TransitionDecision(false, Paid, Shipped, "an order that is Paid cannot become Shipped"));
    }

    [Fact]
    public void A_main_flow_action_on_a_side_state_says_what_must_happen_first()
    {
        OrderLifecycle.Decide(OnHold, Picking, OrderAction.Pick)
            .ShouldBe(TransitionDecision.Refused(OnHold, Picking, "an order that is OnHold must be released (or cancelled) first"));
        OrderLifecycle.Decide(RefundRequested, Delivered, OrderAction.Deliver)
            .ShouldBe(TransitionDecision.Refused(RefundRequested, Delivered, "an order with a refund request must have it refunded or rejected first"));
    }

    public static TheoryData<OrderStatus> AllButOnHold => new(Enum.GetValues<OrderStatus>().Where(s => s != OnHold));

    [Theory]
    [MemberData(nameof(AllButOnHold))]
    public void Release_is_refused_from_every_status_but_OnHold(OrderStatus from)
    {
        var decision = OrderLifecycle.Decide(from, Paid, OrderAction.Release);

        decision.Allowed.ShouldBeFalse();
        decision.To.ShouldBeNull();
        decision.Reason.ShouldBe($"only an order that is OnHold can be released; it is {from}");
    }

    public static TheoryData<OrderStatus> AllButRefundRequested => new(Enum.GetValues<OrderStatus>().Where(s => s != RefundRequested));

    [Theory]
    [MemberData(nameof(AllButRefundRequested))]
    public void RejectRefund_is_refused_from_every_status_but_RefundRequested(OrderStatus from)
    {
        var decision = OrderLifecycle.Decide(from, Shipped, OrderAction.RejectRefund);

        decision.Allowed.ShouldBeFalse();
        decision.To.ShouldBeNull();
        decision.Reason.ShouldBe($"only an order that is RefundRequested can have its refund rejected; it is {from}");
    }

    [Theory]
    [MemberData(nameof(ResumableMainFlow))]
    public void Release_goes_back_to_exactly_the_resume_status(OrderStatus resume)
    {
        OrderLifecycle.Decide(OnHold, resume, OrderAction.Release).ShouldBe(TransitionDecision.Allow(OnHold, resume));
    }

    [Theory]
    [MemberData(nameof(RefundableMainFlow))]
    public void RejectRefund_goes_back_to_exactly_the_resume_status(OrderStatus resume)
    {
        OrderLifecycle.Decide(RefundRequested, resume, OrderAction.RejectRefund).ShouldBe(TransitionDecision.Allow(RefundRequested, resume));
    }

    [Theory]
    [MemberData(nameof(ResumableMainFlow))]
    public void From_OnHold_no_main_flow_action_leads_back_to_the_resume_status(OrderStatus resume)
    {
        // Leaving a hold is a release (with a reason, by a person), never a warehouse step that happens to match.
        foreach (var action in Enum.GetValues<OrderAction>().Where(a => a is not (OrderAction.Release or OrderAction.Cancel)))
            OrderLifecycle.Decide(OnHold, resume, action).Allowed.ShouldBeFalse($"{action.Name()} from OnHold (resume {resume})");
    }

    [Theory]
    [MemberData(nameof(RefundableMainFlow))]
    public void From_RefundRequested_no_main_flow_action_leads_back_to_the_resume_status(OrderStatus resume)
    {
        foreach (var action in Enum.GetValues<OrderAction>().Where(a => a is not (OrderAction.RejectRefund or OrderAction.Refund)))
            OrderLifecycle.Decide(RefundRequested, resume, action).Allowed.ShouldBeFalse($"{action.Name()} from RefundRequested (resume {resume})");
    }

    [Fact]
    public void Release_or_RejectRefund_without_a_resume_status_is_refused()
    {
        OrderLifecycle.Decide(OnHold, null, OrderAction.Release)
            .ShouldBe(TransitionDecision.Refused(OnHold, null, "the order has no status to return to"));
        OrderLifecycle.Decide(RefundRequested, null, OrderAction.RejectRefund)
            .ShouldBe(TransitionDecision.Refused(RefundRequested, null, "the order has no status to return to"));
    }

    public static TheoryData<OrderStatus> FinalStatuses => new(Cancelled, Refunded);

    [Theory]
    [MemberData(nameof(FinalStatuses))]
    public void Final_statuses_allow_nothing(OrderStatus final)
    {
        final.IsFinal().ShouldBeTrue();
        OrderLifecycle.AllowedTargets(final, null).ShouldBeEmpty();
        OrderLifecycle.AllowedTargets(final, Paid).ShouldBeEmpty();
        OrderLifecycle.AllowedActions(final, null).ShouldBeEmpty();
        OrderLifecycle.AllowedActions(final, Paid).ShouldBeEmpty();
    }

    public static TheoryData<OrderStatus, OrderStatus?, string[]> AllowedActionCases => new()
    {
        { PendingPayment, null, ["pay", "cancel", "hold"] },
        { Paid, null, ["accept", "cancel", "hold", "request-refund"] },
        { Packed, null, ["ship", "cancel", "hold", "request-refund"] },
        { Shipped, null, ["deliver", "hold", "request-refund"] },
        { Completed, null, ["request-refund"] },
        { OnHold, Allocated, ["cancel", "release"] },
        { OnHold, null, ["cancel"] },
        { RefundRequested, Shipped, ["refund", "reject-refund"] },
    };

    [Theory]
    [MemberData(nameof(AllowedActionCases))]
    public void AllowedActions_lists_what_the_caller_could_do(OrderStatus from, OrderStatus? resume, string[] expected)
    {
        OrderLifecycle.AllowedActions(from, resume).Select(a => a.Name()).ShouldBe(expected, ignoreOrder: true);
    }

    [Theory]
    [InlineData(OrderAction.Pay, OrderStatus.Paid)]
    [InlineData(OrderAction.Accept, OrderStatus.Accepted)]
    [InlineData(OrderAction.Allocate, OrderStatus.Allocated)]
    [InlineData(OrderAction.Pick, OrderStatus.Picking)]
    [InlineData(OrderAction.Pack, OrderStatus.Packed)]
    [InlineData(OrderAction.Ship, OrderStatus.Shipped)]
    [InlineData(OrderAction.Deliver, OrderStatus.Delivered)]
    [InlineData(OrderAction.Complete, OrderStatus.Completed)]
    [InlineData(OrderAction.Cancel, OrderStatus.Cancelled)]
    [InlineData(OrderAction.Hold, OrderStatus.OnHold)]
    [InlineData(OrderAction.RequestRefund, OrderStatus.RefundRequested)]
    [InlineData(OrderAction.Refund, OrderStatus.Refunded)]
    public void TargetOf_a_fixed_action(OrderAction action, OrderStatus expected)
    {
        OrderLifecycle.TargetOf(action, null).ShouldBe(expected);
        OrderLifecycle.TargetOf(action, Shipped).ShouldBe(expected);
    }

    [Fact]
    public void TargetOf_release_and_reject_refund_is_the_resume_status()
    {
        OrderLifecycle.TargetOf(OrderAction.Release, Packed).ShouldBe(Packed);
        OrderLifecycle.TargetOf(OrderAction.RejectRefund, Completed).ShouldBe(Completed);
        OrderLifecycle.TargetOf(OrderAction.Release, null).ShouldBeNull();
    }

    [Theory]
    [InlineData("pay", OrderAction.Pay)]
    [InlineData("accept", OrderAction.Accept)]
    [InlineData("allocate", OrderAction.Allocate)]
    [InlineData("pick", OrderAction.Pick)]
    [InlineData("pack", OrderAction.Pack)]
    [InlineData("ship", OrderAction.Ship)]
    [InlineData("deliver", OrderAction.Deliver)]
    [InlineData("complete", OrderAction.Complete)]
    [InlineData("cancel", OrderAction.Cancel)]
    [InlineData("hold", OrderAction.Hold)]
    [InlineData("release", OrderAction.Release)]
    [InlineData("request-refund", OrderAction.RequestRefund)]
    [InlineData("refund", OrderAction.Refund)]
    [InlineData("reject-refund", OrderAction.RejectRefund)]
    public void Action_names_round_trip(string name, OrderAction action)
    {
        OrderActions.TryParse(name, out var parsed).ShouldBeTrue();
        parsed.ShouldBe(action);
        action.Name().ShouldBe(name);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Pay")]
    [InlineData("requestRefund")]
    [InlineData("RequestRefund")]
    public void Unknown_action_names_are_refused(string? name) =>
        OrderActions.TryParse(name, out _).ShouldBeFalse();

    [Fact]
    public void Every_action_has_a_name()
    {
        OrderActions.Names.Count.ShouldBe(14);
        foreach (var action in Enum.GetValues<OrderAction>())
            OrderActions.Names.ShouldContain(action.Name());
    }
}
