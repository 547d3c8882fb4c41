using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Ordo.Core.Orders;
using Ordo.Data;
using Ordo.Data.Inbox;
using Ordo.Data.Orders;
using Ordo.Data.Privacy;
using Ordo.Server.Tests.Infrastructure;
using Shouldly;

namespace Ordo.Server.Tests.Security;

/// <summary>
/// Upgrading a database written in clear, and changing the active key while orders change: the rotation job
/// re-encrypts every row, loses no update, and leaves no row on the old key.
/// </summary>
public abstract class PersonalDataRotationTests(Db kind)
{
    private async Task<TestDatabase> DatabaseAsync()
    {
        if (kind == Db.Postgres && string.IsNullOrEmpty(TestDatabase.PostgresServer)) TestDatabase.RequirePostgres();
        return await TestDatabase.CreateAsync(kind);
    }

    private static OrdoDatabase Open(TestDatabase database) =>
        OrdoDatabase.Create(database.Kind == Db.Postgres ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite, database.ConnectionString);

    private static async Task WaitAsync(Func<Task<bool>> done, string what)
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while (!await done())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException("waited 60 s for " + what);
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Rows_written_in_clear_before_the_upgrade_are_read_and_then_re_encrypted_in_the_background()
    {
        await using var database = await DatabaseAsync();
        var now = new DateTimeOffset(2026, 11, 11, 2, 0, 0, TimeSpan.Zero);
        var orderJson = TestOrders.Example();
        orderJson["receiver"]!["phone"] = "13912345678";
        string orderNo;
        await using (var old = Open(database))
        {
            // The schema as the version before personal-data encryption left it, written without keys.
            await Migrator.MigrateAsync(old, TimeProvider.System, upTo: "0010_audit");
            var data = CanonicalOrderParser.Parse(orderJson.ToJsonString()).Value!;
            var order = Order.Create(OrderNo.Create("DY", new DateOnly(2026, 11, 11), 7), data, [], new Actor(ActorKind.System, "test"), now, new JsonObject());
            await old.WriteAsync(async s => (await OrderStore.TryInsertManyAsync(s, [order])).ShouldBeEmpty());
            await old.WriteAsync(s => InboxStore.AddManyAsync(s, [("api", orderJson.ToJsonString())], now));
            orderNo = order.State.OrderNo;
        }
        (await ReadRawAsync(database, "SELECT document AS v FROM orders")).Single().ShouldContain("13912345678");

        await using var host = new KeyedHost(database);
        await host.InitializeAsync();
        await WaitAsync(async () => (await ReadRawAsync(database, "SELECT COALESCE(pd_key, 'plain') AS v FROM orders UNION ALL SELECT COALESCE(pd_key, 'plain') FROM inbox"))
            .All(k => k == "k1"), "every row on k1");

        var document = (await ReadRawAsync(database, "SELECT document AS v FROM orders")).Single();
        var payload = (await ReadRawAsync(database, "SELECT payload AS v FROM inbox")).Single();
        foreach (var plain in new[] { "13912345678", "张三", "环岛东路" }) { document.ShouldNotContain(plain); payload.ShouldNotContain(plain); }
        var view = await host.GetJsonAsync($"/api/v1/orders/{orderNo}");
        view["receiver"]!["phone"]!.GetValue<string>().ShouldBe("13912345678");
        // The re-encryption also wrote the blind index, so the old order is found by its full number.
        (await host.GetJsonAsync("/api/v1/orders?q=13912345678"))["items"]!.AsArray().Single()!["orderNo"]!.GetValue<string>().ShouldBe(orderNo);
        (await host.Client.GetStringAsync("/metrics")).ShouldContain("ordo_personal_data_reencrypted_total{table=\"orders\"} 1");
        await host.DisposeAsync();
    }

    /// <summary>A host whose personal-data keys come from a configuration source the test changes while it runs.</summary>
    private sealed class ReloadableKeysHost(Db kind) : OrdoHost(kind)
    {
        public const string Marker = "Ordo:Test:ReloadableKeys";
        private readonly MemoryConfigurationSource _source = new()
        {
            InitialData = new Dictionary<string, string?>
            {
                [Marker] = "1",
                ["Ordo:PersonalData:Keys:k1:Key"] = KeyedHost.AesKey,
                ["Ordo:PersonalData:ActiveKey"] = "k1",
                ["Ordo:PersonalData:IndexKey"] = KeyedHost.IndexKey,
            },
        };

        protected override void ConfigureWebHost(IWebHostBuilder builder) => builder.ConfigureAppConfiguration((_, c) => c.Add(_source));

        /// <summary>Changes settings and reloads the configuration, as an edited appsettings.json does.</summary>
        public void Change(params (string Key, string Value)[] settings)
        {
            var root = (IConfigurationRoot)Services.GetRequiredService<IConfiguration>();
            var provider = root.Providers.OfType<MemoryConfigurationProvider>().Single(p => p.TryGet(Marker, out _));
            foreach (var (key, value) in settings) provider.Set(key, value);
            root.Reload();
        }
    }

    [Fact]
    public async Task Changing_the_active_key_while_orders_change_loses_no_update_and_leaves_no_row_on_the_old_key()
    {
        await using var host = new ReloadableKeysHost(kind);
        await host.InitializeAsync();
        host.EnsureAvailable();
        await host.EnsureShopAsync("douyin", TestOrders.Shop);
        await host.EnsureSkuAsync(TestOrders.Sku);
        var batch = new JsonArray(Enumerable.Range(0, 400).Select(_ => (JsonNode)TestOrders.Example()).ToArray());
        (await host.PostJsonAsync("/api/v1/orders:batch", batch.ToJsonString())).StatusCode.ShouldBe(HttpStatusCode.OK);
        var orderNos = await ReadRawAsync(host.Database, "SELECT order_no AS v FROM orders");
        orderNos.Count.ShouldBe(400);

        var db = host.Services.GetRequiredService<OrdoDatabase>();
        db.PersonalData!.ActiveKeyId.ShouldBe("k1");
        var succeeded = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        using var stop = new CancellationTokenSource();
        var changes = Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            var rng = new Random(worker);
            while (!stop.IsCancellationRequested)
            {
                var no = orderNos[rng.Next(orderNos.Count)];
                // hold then release: each succeeds or is refused (409) as a whole; a success is one event.
                foreach (var action in new[] { "hold", "release" })
                    if ((await host.ActAsync(no, action, new { reason = "checking" })).IsSuccessStatusCode)
                        succeeded.AddOrUpdate(no, 1, (_, n) => n + 1);
            }
        })).ToList();
        // The operator adds k2 (SM4) and makes it active while orders keep changing: the configuration change alone
        // swaps the keys and queues the rotation.
        host.Change(("Ordo:PersonalData:Keys:k2:Key", Convert.ToBase64String(RandomNumberGenerator.GetBytes(16))),
            ("Ordo:PersonalData:Keys:k2:Algorithm", "sm4-gcm"), ("Ordo:PersonalData:ActiveKey", "k2"));
        db.PersonalData!.ActiveKeyId.ShouldBe("k2");
        await WaitAsync(async () =>
        {
            var status = await host.GetJsonAsync("/api/v1/personal-data/status");
            return !status["rotationPending"]!.GetValue<bool>()
                   && status["tables"]!.AsArray().All(t => t!["notOnActiveKey"]!.GetValue<long>() == 0);
        }, "the rotation to finish");
        await stop.CancelAsync();
        await Task.WhenAll(changes);

        (await ReadRawAsync(host.Database, "SELECT COALESCE(pd_key, 'plain') AS v FROM orders UNION ALL SELECT COALESCE(pd_key, 'plain') FROM inbox"))
            .ShouldAllBe(k => k == "k2");
        (await ReadRawAsync(host.Database, "SELECT document AS v FROM orders")).ShouldAllBe(d => d.Contains("pd1:sm4:k2:") && !d.Contains(":k1:"));
        succeeded.Values.Sum().ShouldBeGreaterThan(0);
        // No lost update: every order has its creation plus each action that succeeded, and reads back plain.
        var events = await ReadRawAsync(host.Database, "SELECT o.order_no || ':' || COUNT(e.id) AS v FROM orders o JOIN order_events e ON e.order_id = o.id GROUP BY o.order_no");
        foreach (var row in events)
        {
            var (no, count) = (row[..row.IndexOf(':')], int.Parse(row[(row.IndexOf(':') + 1)..]));
            count.ShouldBe(1 + succeeded.GetValueOrDefault(no), $"events of {no}");
        }
        foreach (var no in succeeded.Keys.Take(20))
        {
            var view = await host.GetJsonAsync($"/api/v1/orders/{no}");
            view["receiver"]!["name"]!.GetValue<string>().ShouldBe("张三");
            view["version"]!.GetValue<int>().ShouldBe(1 + succeeded[no]);
        }
    }

    private static async Task<List<string>> ReadRawAsync(TestDatabase database, string sql)
    {
        await using var db = Open(database);
        return await db.ReadAsync(s => s.QueryAsync(sql, r => r.String("v")));
    }
}

public sealed class PersonalDataRotationTestsOnSqlite() : PersonalDataRotationTests(Db.Sqlite);
public sealed class PersonalDataRotationTestsOnPostgres() : PersonalDataRotationTests(Db.Postgres);
