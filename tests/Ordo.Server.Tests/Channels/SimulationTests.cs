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
