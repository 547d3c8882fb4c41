using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Ordo.Core.Orders;
using Ordo.Data;
using Ordo.Server.Configuration;
using Ordo.Server.Demo;
using Ordo.Server.Tests.Infrastructure;
using Shouldly;

namespace Ordo.Server.Tests.Demo;

/// <summary>
/// The demo mode's live orders (<c>Ordo:DemoSimulation</c>): fake platforms inside the server, orders driven into it
/// through its own HTTP address, stopped with it, and the same shops again after a restart.
/// </summary>
public abstract class DemoSimulationTests(Db kind)
{
    private static readonly Platform[] PulledPlatforms = [Platform.Taobao, Platform.Jd, Platform.Pinduoduo, Platform.Kuaishou];
    private static readonly Platform[] PushingPlatforms = [Platform.Douyin, Platform.Youzan, Platform.Shopify, Platform.Woocommerce];
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    /// <summary>
    /// SQLite runs as the README's command does (demo data on, the simulation left to its default); PostgreSQL, where
    /// both default to off, switches the simulation on explicitly.
    /// </summary>
    private bool DefaultRun => kind == Db.Sqlite;

    [Fact]
    public async Task Orders_arrive_live_from_several_platforms_stop_with_the_server_and_arrive_again_after_a_restart()
    {
        if (kind == Db.Postgres) TestDatabase.RequirePostgres();
        await using var database = await TestDatabase.CreateAsync(kind);
        var dataDirectory = Path.Combine(Path.GetTempPath(), "ordo-demo-test-" + Guid.NewGuid().ToString("N"));
        // The same key for both starts, so the second can open the shop credentials the first stored.
        var secretsKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        // Other tests run meanwhile: only exceptions thrown by the simulation or its fakes count.
        var unobserved = new ConcurrentQueue<Exception>();
        EventHandler<UnobservedTaskExceptionEventArgs> collect = (_, e) =>
        {
            var text = e.Exception.ToString();
            if (text.Contains("Ordo.Simulator", StringComparison.Ordinal) || text.Contains("Ordo.Server.Demo", StringComparison.Ordinal)) unobserved.Enqueue(e.Exception);
        };
        TaskScheduler.UnobservedTaskException += collect;
        try
        {
            var firstLog = new CapturedLog();
            IReadOnlyDictionary<string, Uri> fakes;
            HashSet<string> firstRun;
            await using (var first = new DemoHost(database, dataDirectory, secretsKey, firstLog, DefaultRun))
            {
                await first.InitializeAsync();
                fakes = first.Services.GetRequiredService<DemoSimulation>().FakePlatformUrls;
                fakes.Count.ShouldBe(8, "one fake per simulated platform");
                firstRun = (await WaitForNewOrdersAsync(first, [], firstLog)).Values.SelectMany(ids => ids).ToHashSet();
                foreach (var (code, url) in fakes) (await AnswersAsync(url)).ShouldBeTrue($"{code}'s fake at {url} while the server runs");
                (await DemoShopCodesAsync(first)).ShouldBe(fakes.Keys.Order(), ignoreOrder: true);
            }

            foreach (var (code, url) in fakes) (await AnswersAsync(url)).ShouldBeFalse($"{code}'s fake at {url} stops with the server");
            // A task the simulation left running or faulted would surface here once collected.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            unobserved.ShouldBeEmpty();
            firstLog.Entries.Count(e => e.Message.StartsWith("Demo simulation running:", StringComparison.Ordinal)).ShouldBe(1, Describe(firstLog));
            Problems(firstLog).ShouldBeEmpty(Describe(firstLog));

            // Started again on the same data: the same shops, reconnected to new fakes, and new orders from them.
            var secondLog = new CapturedLog();
            await using (var second = new DemoHost(database, dataDirectory, secretsKey, secondLog, DefaultRun))
            {
                await second.InitializeAsync();
                await WaitForNewOrdersAsync(second, firstRun, secondLog);
                (await DemoShopCodesAsync(second)).ShouldBe(fakes.Keys.Order(), ignoreOrder: true);
                if (DefaultRun)
                {
                    var shops = (await second.GetJsonAsync("/api/v1/shops"))["items"]!.AsArray();
                    shops.Count.ShouldBe(16, "the demo data's 8 shops beside the simulation's 8");
                }
            }
            Problems(secondLog).ShouldBeEmpty(Describe(secondLog));
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= collect;
            try { Directory.Delete(dataDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>
    /// Polls until orders not in <paramref name="known"/> have arrived from at least three platforms, among them one that
    /// pushes and one that is only pulled (so both paths into Ordo work); returns the new order ids by platform.
    /// </summary>
    private static async Task<Dictionary<Platform, HashSet<string>>> WaitForNewOrdersAsync(OrdoHost host, HashSet<string> known, CapturedLog log)
    {
        var until = DateTime.UtcNow + Deadline;
        while (true)
        {
            var fresh = new Dictionary<Platform, HashSet<string>>();
            var shops = (await host.GetJsonAsync("/api/v1/shops"))["items"]!.AsArray();
            foreach (var shop in shops.Where(s => s!["code"]!.GetValue<string>().StartsWith(DemoSimulation.ShopPrefix + "-", StringComparison.Ordinal)))
            {
                var page = await host.GetJsonAsync($"/api/v1/orders?shop={shop!["code"]!.GetValue<string>()}&limit=200");
                foreach (var order in page["items"]!.AsArray())
                {
                    var id = order!["platformOrderId"]!.GetValue<string>();
                    if (known.Contains(id)) continue;
                    Platforms.TryParse(order["platform"]!.GetValue<string>(), out var platform).ShouldBeTrue();
                    if (!fresh.TryGetValue(platform, out var ids)) fresh[platform] = ids = [];
                    ids.Add(id);
                }
            }
            if (fresh.Count >= 3 && fresh.Keys.Any(PulledPlatforms.Contains) && fresh.Keys.Any(PushingPlatforms.Contains)) return fresh;
            if (DateTime.UtcNow > until)
                throw new ShouldAssertException($"new orders by platform after {Deadline.TotalSeconds} s: {string.Join(", ", fresh.Select(f => $"{f.Key} {f.Value.Count}"))}\n{Describe(log)}");
            await Task.Delay(1000);
        }
    }

    private static async Task<List<string>> DemoShopCodesAsync(OrdoHost host) =>
        (await host.GetJsonAsync("/api/v1/shops"))["items"]!.AsArray()
            .Select(s => s!["code"]!.GetValue<string>())
            .Where(c => c.StartsWith(DemoSimulation.ShopPrefix + "-", StringComparison.Ordinal))
            .ToList();

    /// <summary>Whether something accepts connections at the URL's port.</summary>
    private static async Task<bool> AnswersAsync(Uri url)
    {
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await client.ConnectAsync(url.Host, url.Port, timeout.Token);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Warnings and errors from Ordo itself (pulls failing against a fake, the simulation failing), and any exception logged.</summary>
    // The first start's sign-in instructions are warnings on purpose (they must stand out in the log); nothing else may warn.
    private static List<CapturedLog.Entry> Problems(CapturedLog log) =>
        log.Entries.Where(e => e.Exception is not null || (e.Level >= LogLevel.Warning && e.Category.StartsWith("Ordo.", StringComparison.Ordinal)
            && !(e.Category == "Ordo.Server.Security.Users.UserBootstrap" && e.Message.Contains("/login", StringComparison.Ordinal)))).ToList();

    private static string Describe(CapturedLog log) =>
        string.Join("\n", log.Entries.Select(e => $"{e.Level} {e.Category}: {e.Message} {e.Exception}"));

    private sealed class DemoHost(TestDatabase database, string dataDirectory, string secretsKey, CapturedLog log, bool defaultRun) : OrdoHost(database)
    {
        protected override bool ListensOnLoopback => true;

        protected override IEnumerable<KeyValuePair<string, string>> Settings =>
        [
            defaultRun ? new("Ordo:DemoData", "true") : new("Ordo:DemoSimulation", "true"),
            new("Ordo:DataDirectory", dataDirectory),
            new("Ordo:Secrets:Key", secretsKey),
            // Configured like the secrets key, so the first run logs no warning about creating a key file.
            new("Ordo:PersonalData:Keys:k1:Key", secretsKey),
            new("Ordo:PersonalData:IndexKey", secretsKey),
            new("Logging:LogLevel:Ordo.Server.Demo", "Information"),
        ];

        protected override void ConfigureWebHost(IWebHostBuilder builder) =>
            builder.ConfigureServices(services => services.AddSingleton<ILoggerProvider>(log));
    }
}

public sealed class DemoSimulationTestsOnSqlite() : DemoSimulationTests(Db.Sqlite);
public sealed class DemoSimulationTestsOnPostgres() : DemoSimulationTests(Db.Postgres);

/// <summary>
/// With the switch off nothing starts. SQLite only: whether the simulation runs is decided before any storage is used,
/// and how the default depends on the database is the table below.
/// </summary>
public sealed class DemoSimulationOffTests(SqliteHost host) : IClassFixture<SqliteHost>
{
    [Fact]
    public async Task With_the_switch_off_no_fake_platform_and_no_shop_is_started()
    {
        host.Services.GetRequiredService<DemoSimulation>().FakePlatformUrls.ShouldBeEmpty();
        var shops = (await host.GetJsonAsync("/api/v1/shops"))["items"]!.AsArray();
        shops.ShouldNotContain(s => s!["code"]!.GetValue<string>().StartsWith(DemoSimulation.ShopPrefix + "-", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null, null, DatabaseProvider.Sqlite, true)]
    [InlineData(null, null, DatabaseProvider.Postgres, false)]
    [InlineData(false, null, DatabaseProvider.Sqlite, false)]
    [InlineData(true, null, DatabaseProvider.Postgres, true)]
    [InlineData(null, false, DatabaseProvider.Sqlite, false)]
    [InlineData(true, false, DatabaseProvider.Sqlite, false)]
    [InlineData(false, true, DatabaseProvider.Sqlite, true)]
    [InlineData(null, true, DatabaseProvider.Postgres, true)]
    public void The_simulation_runs_exactly_when_demo_data_does_unless_set(bool? demoData, bool? demoSimulation, DatabaseProvider provider, bool runs) =>
        new OrdoOptions { DemoData = demoData, DemoSimulation = demoSimulation }.RunsDemoSimulation(provider).ShouldBe(runs);
}
