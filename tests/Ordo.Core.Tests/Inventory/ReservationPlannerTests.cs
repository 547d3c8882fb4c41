using Ordo.Core.Inventory;
using Shouldly;
using Xunit;

namespace Ordo.Core.Tests.Inventory;

public class ReservationPlannerTests
{
    private static readonly Warehouse Shanghai = new("SH", "上海仓", ["上海", "江苏", "浙江"], WarehouseKind.Own, ColdChain: false, Priority: 1);
    private static readonly Warehouse Chengdu = new("CD", "成都仓", ["四川", "重庆"], WarehouseKind.Own, ColdChain: false, Priority: 2);
    private static readonly Warehouse Guangzhou = new("GZ", "广州冷链仓", ["广东"], WarehouseKind.ThirdParty, ColdChain: true, Priority: 3);

    private static readonly Dictionary<string, Warehouse> Warehouses = new[] { Shanghai, Chengdu, Guangzhou }.ToDictionary(w => w.Code);

    private static Dictionary<(string Sku, string Warehouse), StockBalance> Stock(params (string Sku, string Warehouse, int OnHand)[] rows) =>
        rows.ToDictionary(r => (r.Sku, r.Warehouse), r => new StockBalance(r.Sku, r.Warehouse, r.OnHand, 0, 0, SafetyBuffer.None, ArrivalCoefficient.Default));

    private static Dictionary<string, SkuStockProfile> Profiles(params SkuStockProfile[] profiles) => profiles.ToDictionary(p => p.Sku);

    private static ReservationRequest Order(string orderNo, string? province, params (string Sku, int Quantity)[] lines) =>
        new(orderNo, province, lines.Select((l, i) => new RequestedLine(i + 1, l.Sku, l.Quantity)).ToList());

    private static ReservationDecision DecideOne(
        ReservationRequest request, Dictionary<(string Sku, string Warehouse), StockBalance> balances, Dictionary<string, SkuStockProfile>? profiles = null) =>
        ReservationPlanner.Decide([request], balances, Warehouses, profiles ?? Profiles()).ShouldHaveSingleItem();

    [Fact]
    public void A_single_order_is_reserved()
    {
        var balances = Stock(("A", "SH", 10));

        var decision = DecideOne(Order("O1", "上海", ("A", 3)), balances);

        decision.IsReserved.ShouldBeTrue();
        decision.OrderNo.ShouldBe("O1");
        decision.Shortages.ShouldBeEmpty();
        decision.Reserved.ShouldHaveSingleItem().ShouldBe(new ReservedUnits(1, "A", "SH", 3, null));
        balances[("A", "SH")].Reserved.ShouldBe(3);
        balances[("A", "SH")].OnHand.ShouldBe(10);
        balances[("A", "SH")].Promisable.ShouldBe(7);
    }

    [Fact]
    public void Exact_stock_serves_exactly_as_many_orders_and_the_next_gets_a_shortage()
    {
        var balances = Stock(("A", "SH", 100));
        var requests = Enumerable.Range(1, 101).Select(i => Order($"O{i}", null, ("A", 1))).ToList();

        var decisions = ReservationPlanner.Decide(requests, balances, Warehouses, Profiles());

        decisions.Count.ShouldBe(101);
        decisions.Take(100).ShouldAllBe(d => d.IsReserved);
        var last = decisions[100];
        last.IsReserved.ShouldBeFalse();
        last.Reserved.ShouldBeEmpty();
        last.Shortages.ShouldHaveSingleItem().ShouldBe(new Shortage(1, "A", 1, 0, "A: 1 needed, 0 available to promise"));
        balances[("A", "SH")].Reserved.ShouldBe(100);
        balances[("A", "SH")].Atp.ShouldBe(0);
        balances.Values.ShouldAllBe(b => b.OnHand >= 0 && b.Reserved >= 0 && b.Atp >= 0);
    }

    [Fact]
    public void An_order_is_reserved_whole_or_not_at_all()
    {
        var balances = Stock(("A", "SH", 10), ("B", "SH", 1));
        var before = balances.ToDictionary(kv => kv.Key, kv => kv.Value);

        var decision = DecideOne(Order("O1", null, ("A", 2), ("B", 2)), balances);

        decision.IsReserved.ShouldBeFalse();
        decision.Reserved.ShouldBeEmpty();
        decision.Shortages.ShouldHaveSingleItem().ShouldBe(new Shortage(2, "B", 2, 1, "B: 2 needed, 1 available to promise"));
        balances.ShouldBe(before);
    }

    [Fact]
    public void A_short_order_does_not_stop_the_next_one()
    {
        var balances = Stock(("A", "SH", 3));

        var decisions = ReservationPlanner.Decide([Order("O1", null, ("A", 5)), Order("O2", null, ("A", 3))], balances, Warehouses, Profiles());

        decisions[0].IsReserved.ShouldBeFalse();
        decisions[1].IsReserved.ShouldBeTrue();
        balances[("A", "SH")].Reserved.ShouldBe(3);
    }

    [Fact]
    public void One_warehouse_that_can_serve_the_whole_order_is_preferred()
    {
        // The province's warehouse (成都) holds A but not B; 上海 holds both: one parcel from 上海.
        var balances = Stock(("A", "CD", 10), ("A", "SH", 10), ("B", "SH", 10));

        var decision = DecideOne(Order("O1", "四川省", ("A", 1), ("B", 1)), balances);

        decision.IsReserved.ShouldBeTrue();
        decision.Reserved.ShouldAllBe(r => r.Warehouse == "SH");
        balances[("A", "CD")].Reserved.ShouldBe(0);
    }

    [Fact]
    public void Without_one_warehouse_for_the_whole_order_each_sku_comes_from_its_first_candidate_with_enough()
    {
        var balances = Stock(("A", "CD", 10), ("A", "SH", 10), ("B", "SH", 1), ("B", "GZ", 10));

        var decision = DecideOne(Order("O1", "四川", ("A", 1), ("B", 5)), balances);

        decision.IsReserved.ShouldBeTrue();
        decision.Reserved.ShouldBe([new ReservedUnits(1, "A", "CD", 1, null), new ReservedUnits(2, "B", "GZ", 5, null)]);
    }

    public static TheoryData<string?, string> Preferences => new()
    {
        // province → warehouse chosen when SH (priority 1), CD (priority 2) and GZ (priority 3) all have enough
        { "四川省", "CD" },
        { "重庆", "CD" },
        { "广东省", "GZ" },
        { "江苏", "SH" },
        { "北京", "SH" },
        { null, "SH" },
        { "", "SH" },
    };

    [Theory]
    [MemberData(nameof(Preferences))]
    public void The_warehouse_serving_the_province_is_preferred_then_priority(string? province, string expected)
    {
        var balances = Stock(("A", "SH", 10), ("A", "CD", 10), ("A", "GZ", 10));

        DecideOne(Order("O1", province, ("A", 1)), balances).Reserved.ShouldHaveSingleItem().Warehouse.ShouldBe(expected);
    }

    [Fact]
    public void Warehouses_of_equal_priority_are_ordered_by_code()
    {
        var b = new Warehouse("B-WH", "B", [], WarehouseKind.Own, false, 5);
        var a = new Warehouse("A-WH", "A", [], WarehouseKind.Own, false, 5);
        var warehouses = new Dictionary<string, Warehouse> { [b.Code] = b, [a.Code] = a };
        var balances = Stock(("A", "B-WH", 10), ("A", "A-WH", 10));

        var decision = ReservationPlanner.Decide([Order("O1", null, ("A", 1))], balances, warehouses, Profiles()).ShouldHaveSingleItem();

        decision.Reserved.ShouldHaveSingleItem().Warehouse.ShouldBe("A-WH");
    }

    [Fact]
    public void The_province_warehouse_is_skipped_when_it_has_too_little()
    {
        var balances = Stock(("A", "SH", 10), ("A", "CD", 2));

        DecideOne(Order("O1", "四川", ("A", 3)), balances).Reserved.ShouldHaveSingleItem().Warehouse.ShouldBe("SH");
    }

    [Fact]
    public void A_cold_chain_sku_is_reserved_only_from_a_cold_chain_warehouse()
    {
        var balances = Stock(("ICE", "SH", 100), ("ICE", "GZ", 10));

        var decision = DecideOne(Order("O1", "上海", ("ICE", 2)), balances, Profiles(SkuStockProfile.Plain("ICE", coldChain: true)));

        decision.Reserved.ShouldHaveSingleItem().Warehouse.ShouldBe("GZ");
        balances[("ICE", "SH")].Reserved.ShouldBe(0);
    }

    [Fact]
    public void A_cold_chain_sku_held_only_outside_the_cold_chain_is_short_with_the_reason()
    {
        var balances = Stock(("ICE", "SH", 100), ("ICE", "CD", 100));

        var decision = DecideOne(Order("O1", "上海", ("ICE", 2)), balances, Profiles(SkuStockProfile.Plain("ICE", coldChain: true)));

        decision.IsReserved.ShouldBeFalse();
        var shortage = decision.Shortages.ShouldHaveSingleItem();
        shortage.Reason.ShouldBe("ICE needs a cold-chain warehouse and none holds it");
        shortage.Available.ShouldBe(0);
        balances.Values.ShouldAllBe(b => b.Reserved == 0);
    }

    [Fact]
    public void A_bundle_reserves_its_components()
    {
        var balances = Stock(("A", "SH", 10), ("B", "SH", 10));
        var profiles = Profiles(new SkuStockProfile("KIT", false, [new BundleComponent("A", 2), new BundleComponent("B", 1)]));

        var decision = DecideOne(Order("O1", null, ("KIT", 2)), balances, profiles);

        decision.IsReserved.ShouldBeTrue();
        decision.Reserved.ShouldBe([new ReservedUnits(1, "A", "SH", 4, "KIT"), new ReservedUnits(1, "B", "SH", 2, "KIT")]);
        balances[("A", "SH")].Reserved.ShouldBe(4);
        balances[("B", "SH")].Reserved.ShouldBe(2);
    }

    [Fact]
    public void A_bundle_whose_component_is_short_reserves_nothing()
    {
        var balances = Stock(("A", "SH", 3), ("B", "SH", 10));
        var profiles = Profiles(new SkuStockProfile("KIT", false, [new BundleComponent("A", 2), new BundleComponent("B", 1)]));

        var decision = DecideOne(Order("O1", null, ("KIT", 2)), balances, profiles);

        decision.IsReserved.ShouldBeFalse();
        decision.Shortages.ShouldHaveSingleItem().ShouldBe(new Shortage(1, "A", 4, 3, "A: 4 needed, 3 available to promise"));
        balances.Values.ShouldAllBe(b => b.Reserved == 0);
    }

    [Fact]
    public void Needs_expands_bundles_and_keeps_plain_lines()
    {
        var profiles = Profiles(new SkuStockProfile("KIT", false, [new BundleComponent("A", 2), new BundleComponent("B", 1)]), SkuStockProfile.Plain("C"));

        var needs = ReservationPlanner.Needs(Order("O1", null, ("KIT", 3), ("C", 1), ("UNKNOWN", 2)), profiles);

        needs.Select(n => (n.Line.LineNo, n.Sku, n.Quantity, n.BundleSku)).ShouldBe([(1, "A", 6, "KIT"), (1, "B", 3, "KIT"), (2, "C", 1, null), (3, "UNKNOWN", 2, null)]);
    }

    [Fact]
    public void Two_lines_of_one_sku_draw_on_one_balance()
    {
        var balances = Stock(("A", "SH", 5));

        var shortOrder = DecideOne(Order("O1", null, ("A", 3), ("A", 3)), balances);

        shortOrder.IsReserved.ShouldBeFalse();
        shortOrder.Shortages.Select(s => (s.LineNo, s.Needed, s.Available)).ShouldBe([(1, 6, 5), (2, 6, 5)]);
        balances[("A", "SH")].Reserved.ShouldBe(0);

        var fitting = DecideOne(Order("O2", null, ("A", 3), ("A", 2)), balances);

        fitting.IsReserved.ShouldBeTrue();
        fitting.Reserved.ShouldBe([new ReservedUnits(1, "A", "SH", 3, null), new ReservedUnits(2, "A", "SH", 2, null)]);
        balances[("A", "SH")].Reserved.ShouldBe(5);
    }

    [Fact]
    public void A_bundle_and_its_component_sold_alone_draw_on_one_balance()
    {
        var balances = Stock(("A", "SH", 5));
        var profiles = Profiles(new SkuStockProfile("KIT", false, [new BundleComponent("A", 2)]));

        DecideOne(Order("O1", null, ("KIT", 2), ("A", 2)), balances, profiles).IsReserved.ShouldBeFalse();
        DecideOne(Order("O2", null, ("KIT", 2), ("A", 1)), balances, profiles).IsReserved.ShouldBeTrue();
        balances[("A", "SH")].Reserved.ShouldBe(5);
    }

    [Fact]
    public void An_unstocked_sku_gives_a_clear_reason()
    {
        var balances = Stock(("A", "SH", 10));

        var decision = DecideOne(Order("O1", null, ("A", 1), ("NOPE", 1)), balances);

        decision.IsReserved.ShouldBeFalse();
        decision.Shortages.ShouldHaveSingleItem().ShouldBe(new Shortage(2, "NOPE", 1, 0, "NOPE is not stocked in any warehouse"));
        balances[("A", "SH")].Reserved.ShouldBe(0);
    }

    [Fact]
    public void Stock_spread_over_warehouses_is_not_split_and_the_reason_says_so()
    {
        var balances = Stock(("A", "SH", 3), ("A", "CD", 4));

        var decision = DecideOne(Order("O1", null, ("A", 5)), balances);

        decision.Shortages.ShouldHaveSingleItem().Reason.ShouldBe("A: 5 needed, 7 available to promise but no single warehouse has more than 4");
    }

    [Fact]
    public void The_safety_buffer_is_not_promised()
    {
        var balances = new Dictionary<(string Sku, string Warehouse), StockBalance>
        {
            [("A", "SH")] = new("A", "SH", 100, 0, 0, SafetyBuffer.Default, ArrivalCoefficient.Default),
        };

        DecideOne(Order("O1", null, ("A", 96)), balances).Shortages.ShouldHaveSingleItem().Available.ShouldBe(95);
        DecideOne(Order("O2", null, ("A", 95)), balances).IsReserved.ShouldBeTrue();
        balances[("A", "SH")].Promisable.ShouldBe(0);
    }

    [Fact]
    public void Stock_in_transit_is_promised_with_its_coefficient()
    {
        var balances = new Dictionary<(string Sku, string Warehouse), StockBalance>
        {
            [("A", "SH")] = new("A", "SH", 0, 0, 20, SafetyBuffer.None, ArrivalCoefficient.Of(0.8m)),
        };

        DecideOne(Order("O1", null, ("A", 17)), balances).IsReserved.ShouldBeFalse();
        DecideOne(Order("O2", null, ("A", 16)), balances).IsReserved.ShouldBeTrue();
        balances[("A", "SH")].Reserved.ShouldBe(16);
        balances[("A", "SH")].OnHand.ShouldBe(0);
    }

    [Fact]
    public void Stock_in_transit_is_not_promised_by_default()
    {
        var balances = new Dictionary<(string Sku, string Warehouse), StockBalance>
        {
            [("A", "SH")] = new("A", "SH", 0, 0, 20, SafetyBuffer.None, ArrivalCoefficient.Default),
        };

        DecideOne(Order("O1", null, ("A", 1)), balances).IsReserved.ShouldBeFalse();
    }

    [Fact]
    public void A_balance_in_an_unknown_warehouse_is_not_a_candidate()
    {
        var balances = Stock(("A", "XX", 10));

        var decision = DecideOne(Order("O1", null, ("A", 1)), balances);

        decision.IsReserved.ShouldBeFalse();
        decision.Shortages.ShouldHaveSingleItem().Reason.ShouldBe("A is not stocked in any warehouse");
        balances[("A", "XX")].Reserved.ShouldBe(0);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void A_line_without_a_positive_quantity_reserves_nothing_and_never_gives_stock_back(int quantity)
    {
        var balances = new Dictionary<(string Sku, string Warehouse), StockBalance>
        {
            [("A", "SH")] = new("A", "SH", 10, 5, 0, SafetyBuffer.None, ArrivalCoefficient.Default),
        };

        var decision = DecideOne(Order("O1", null, ("A", 1), ("A", quantity)), balances);

        decision.IsReserved.ShouldBeFalse();
        decision.Reserved.ShouldBeEmpty();
        decision.Shortages.ShouldContain(s => s.LineNo == 2 && s.Reason == $"line 2: quantity {quantity} is not a positive number of units");
        balances[("A", "SH")].Reserved.ShouldBe(5);
    }
}
