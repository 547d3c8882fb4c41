using Ordo.Core.Inventory;
using Shouldly;
using Xunit;

namespace Ordo.Core.Tests.Inventory;

public class ChannelStockTests
{
    private static SalesChannel Share(string shop, decimal percent, bool core = false) => new(shop, core, percent);
    private static SalesChannel Pool(string shop, bool core = false) => new(shop, core);

    private static IReadOnlyList<ChannelQuantity> Allocate(int atp, IReadOnlyList<SalesChannel> channels, int? threshold = null)
    {
        var decision = ChannelStock.Allocate(atp, channels, threshold);
        decision.Refusal.ShouldBeNull();
        decision.IsValid.ShouldBeTrue();
        return decision.Quantities;
    }

    [Fact]
    public void Share_channels_take_their_share_and_pool_channels_are_offered_the_remainder()
    {
        var quantities = Allocate(86, [Share("tmall", 30, core: true), Share("jd", 20), Pool("pdd"), Pool("douyin")]);

        quantities.ShouldBe([
            new ChannelQuantity("tmall", 25, "30% of ATP 86"),
            new ChannelQuantity("jd", 17, "20% of ATP 86"),
            new ChannelQuantity("pdd", 44, "shared pool: ATP 86 less 42 for share channels"),
            new ChannelQuantity("douyin", 44, "shared pool: ATP 86 less 42 for share channels"),
        ]);
    }

    [Theory]
    // atp, share percent, expected units
    [InlineData(86, "30", 25)]
    [InlineData(10, "33.33", 3)]
    [InlineData(3, "33.33", 0)]
    [InlineData(100, "12.5", 12)]
    [InlineData(100, "100", 100)]
    [InlineData(100, "0", 0)]
    [InlineData(0, "50", 0)]
    public void A_share_rounds_down(int atp, string percent, int expected)
    {
        var share = decimal.Parse(percent, System.Globalization.CultureInfo.InvariantCulture);
        Allocate(atp, [Share("shop", share)]).ShouldHaveSingleItem().Quantity.ShouldBe(expected);
    }

    [Fact]
    public void Pool_channels_alone_are_all_offered_the_whole_atp()
    {
        Allocate(40, [Pool("a"), Pool("b", core: true)]).ShouldBe([
            new ChannelQuantity("a", 40, "shared pool: ATP 40"),
            new ChannelQuantity("b", 40, "shared pool: ATP 40"),
        ]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(99)]
    [InlineData(1001)]
    public void Share_channels_together_never_get_more_than_atp(int atp)
    {
        var quantities = Allocate(atp, [Share("a", 33.34m), Share("b", 33.33m), Share("c", 33.33m), Pool("d")]);

        quantities.Take(3).Sum(q => q.Quantity).ShouldBeLessThanOrEqualTo(atp);
        quantities.ShouldAllBe(q => q.Quantity >= 0);
        quantities[3].Quantity.ShouldBe(atp - quantities.Take(3).Sum(q => q.Quantity));
    }

    [Fact]
    public void Shares_summing_to_more_than_100_percent_are_refused_naming_the_channels()
    {
        var decision = ChannelStock.Allocate(100, [Share("tmall", 60), Pool("pdd"), Share("jd", 40.5m)]);

        decision.IsValid.ShouldBeFalse();
        decision.Quantities.ShouldBeEmpty();
        decision.Refusal.ShouldBe("shares sum to 100.5%, more than 100%: tmall (60%), jd (40.5%)");
        ChannelStock.Validate([Share("tmall", 60), Pool("pdd"), Share("jd", 40.5m)]).ShouldBe(decision.Refusal);
    }

    [Fact]
    public void Shares_summing_to_exactly_100_percent_are_valid()
    {
        ChannelStock.Validate([Share("a", 60), Share("b", 40), Pool("c")]).ShouldBeNull();
        Allocate(10, [Share("a", 60), Share("b", 40), Pool("c")]).Select(q => q.Quantity).ShouldBe([6, 4, 0]);
    }

    public static TheoryData<SalesChannel[], string> Invalid => new()
    {
        { [Share("a", -1)], "a share is between 0 and 100%: a (-1%)" },
        { [Share("a", 100.01m)], "a share is between 0 and 100%: a (100.01%)" },
        { [Share("a", 2.555m), Share("b", 1)], "a share has at most two decimals: a (2.555%)" },
        { [Pool("a"), Pool("a")], "channels listed more than once: a" },
        { [Pool(" ")], "every channel needs a shop code" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Invalid_channels_are_refused_with_the_reason(SalesChannel[] channels, string reason)
    {
        ChannelStock.Validate(channels).ShouldBe(reason);
        ChannelStock.Allocate(50, channels).ShouldBe(ChannelStockDecision.Refused(reason), new ChannelStockDecisionComparer());
    }

    [Fact]
    public void No_channels_is_valid_and_offers_nothing()
    {
        ChannelStock.Validate([]).ShouldBeNull();
        Allocate(10, []).ShouldBeEmpty();
    }

    [Theory]
    [InlineData(10)]
    [InlineData(5)]
    [InlineData(0)]
    public void At_or_below_the_threshold_non_core_channels_are_offered_0_and_core_channels_keep_selling(int atp)
    {
        var quantities = Allocate(atp, [Share("tmall", 50, core: true), Share("jd", 30), Pool("pdd"), Pool("own", core: true)], threshold: 10);

        quantities[0].ShouldBe(new ChannelQuantity("tmall", atp / 2, $"50% of ATP {atp} (ATP {atp} at or below threshold 10: core channels only)"));
        quantities[1].ShouldBe(new ChannelQuantity("jd", 0, $"ATP {atp} at or below threshold 10: non-core channel offered 0"));
        quantities[2].ShouldBe(new ChannelQuantity("pdd", 0, $"ATP {atp} at or below threshold 10: non-core channel offered 0"));
        // jd's 30% is not taken out of the pool: core channels are computed as if non-core channels did not exist.
        quantities[3].Quantity.ShouldBe(atp - atp / 2);
    }

    [Fact]
    public void Above_the_threshold_every_channel_sells()
    {
        var quantities = Allocate(11, [Share("tmall", 50, core: true), Pool("pdd")], threshold: 10);

        quantities.Select(q => q.Quantity).ShouldBe([5, 6]);
        quantities[1].Reason.ShouldBe("shared pool: ATP 11 less 5 for share channels");
    }

    [Fact]
    public void A_negative_atp_offers_nothing_to_anyone()
    {
        var quantities = Allocate(-4, [Share("tmall", 50, core: true), Pool("pdd"), Pool("own", core: true)], threshold: 10);

        quantities.ShouldAllBe(q => q.Quantity == 0);
        quantities[0].Reason.ShouldBe("ATP -4 is below zero: nothing to offer (ATP -4 at or below threshold 10: core channels only)");
        quantities[1].Reason.ShouldBe("ATP -4 at or below threshold 10: non-core channel offered 0");

        Allocate(-4, [Pool("pdd")]).ShouldHaveSingleItem().ShouldBe(new ChannelQuantity("pdd", 0, "ATP -4 is below zero: nothing to offer"));
    }

    private sealed class ChannelStockDecisionComparer : IEqualityComparer<ChannelStockDecision>
    {
        public bool Equals(ChannelStockDecision? x, ChannelStockDecision? y) =>
            x is not null && y is not null && x.Refusal == y.Refusal && x.Quantities.SequenceEqual(y.Quantities);

        public int GetHashCode(ChannelStockDecision obj) => obj.Refusal?.GetHashCode() ?? 0;
    }
}
