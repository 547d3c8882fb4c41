using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Ordo.Core.Orders;
using Ordo.Server.Tests.Infrastructure;
using Ordo.Simulator;
using Shouldly;

namespace Ordo.Server.Tests.Channels;

/// <summary>The simulator against a running Ordo: every platform's orders arrive, each once, whatever the pushes did.</summary>
public sealed class SimulationTests(SqliteChannelHost host) : IClassFixture<SqliteChannelHost>
{
    [Fact]
    public async Task A_short_simulation_fills_the_order_list_across_all_platforms()
    {
        var log = new List<string>();
        await using var simulation = new Simulation(host.Client, new SimulationOptions(TimeSpan.FromSeconds(12), 6, "SIMT", Seed: 7), line => { lock (log) log.Add(line); });
        await simulation.StartAsync(CancellationToken.None);
        await simulation.RunAsync(CancellationToken.None);

        simulation.Report.PushesRefusedByOrdo.ShouldBe(0, string.Join("\n", log));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        Dictionary<Platform, int> seen;
        do
        {
            await Task.Delay(500);
            seen = [];
            foreach (var (platform, code) in simulation.Shops)
            {
                var ids = new HashSet<string>();
                string? cursor = null;
                do
                {
                    var page = await host.GetJsonAsync($"/api/v1/orders?shop={code}&limit=200{(cursor is null ? "" : "&cursor=" + cursor)}");
                    foreach (var o in page["items"]!.AsArray()) ids.Add(o!["platformOrderId"]!.GetValue<string>()).ShouldBeTrue("each order once");
                    cursor = page["nextCursor"]?.GetValue<string>();
                } while (cursor is not null);
                seen[platform] = ids.Count;
            }
        } while (seen.Any(s => s.Value < simulation.Report.PlacedByPlatform.GetValueOrDefault(s.Key)) && DateTime.UtcNow < deadline);

        foreach (var (platform, placed) in simulation.Report.PlacedByPlatform)
            seen[platform].ShouldBe(placed, $"{platform}: {string.Join("\n", log)}");
        seen.Count.ShouldBe(8);
        seen.Values.ShouldAllBe(n => n > 0);
    }
}

/// <summary>The simulator against an Ordo that keeps stock: its SKUs are received, listed on every shop and pushed.</summary>
public sealed class SimulationStockTests(SqliteChannelHost host) : IClassFixture<SqliteChannelHost>
{
    [Fact]
    public async Task With_a_warehouse_the_simulation_stocks_its_skus_lists_them_on_every_shop_and_their_stock_is_pushed()
    {
        (await host.Client.PostAsJsonAsync("/api/v1/warehouses", new { code = "WH-SIM", name = "模拟仓", regions = new[] { "浙江" } })).EnsureSuccessStatusCode();
        var log = new List<string>();
        await using var simulation = new Simulation(host.Client, new SimulationOptions(TimeSpan.FromSeconds(6), 4, "SIMS", Seed: 11), line => { lock (log) log.Add(line); });
        await simulation.StartAsync(CancellationToken.None);
        await simulation.RunAsync(CancellationToken.None);

        foreach (var sku in Simulation.Skus)
            (await host.GetJsonAsync($"/api/v1/inventory/{sku}"))["onHand"]!.GetValue<int>().ShouldBeGreaterThan(Simulation.ReceiptUnits - 100, string.Join("\n", log));

        // Every shop is offered the SKU's stock, and each platform is told its quantity.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        JsonArray channels;
        while (true)
        {
            channels = (await host.GetJsonAsync($"/api/v1/skus/{Simulation.Skus[0]}/channels"))["channels"]!.AsArray();
            if (channels.Count == 8 && channels.All(c => c!["pushedQuantity"] is JsonValue)) break;
            if (DateTime.UtcNow > deadline) throw new ShouldAssertException($"not every channel was pushed: {channels.ToJsonString()}\n{string.Join("\n", log)}");
            await Task.Delay(250);
        }
        channels.Select(c => c!["shop"]!.GetValue<string>()).ShouldBe(simulation.Shops.Select(s => s.Code), ignoreOrder: true);

        // Nothing the simulation sold was held for want of stock.
        var held = (await host.GetJsonAsync("/api/v1/orders?status=OnHold&limit=200"))["items"]!.AsArray();
        held.SelectMany(o => o!["holdReasons"]!.AsArray()).ShouldNotContain(r => r!["code"]!.GetValue<string>() == "stock-shortage");
    }
}
