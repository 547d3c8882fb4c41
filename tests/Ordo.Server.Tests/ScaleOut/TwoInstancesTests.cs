using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Ordo.Core.Orders;
using Ordo.Server.Tests.Infrastructure;
using Shouldly;

namespace Ordo.Server.Tests.ScaleOut;

/// <summary>
/// Scale-out as deployed: two Ordo server processes on one PostgreSQL database, taking orders at the same time.
/// Order numbers must be unique and valid, each order created once, and each webhook delivered exactly once
/// even though both instances run the job runner.
/// </summary>
public sealed class TwoInstancesTests
{
    private const int BatchOrders = 8_000;
    private const int SingleOrders = 2_000;

    [Fact]
    public async Task Two_processes_create_10000_orders_with_unique_numbers_and_deliver_every_webhook_once()
    {
        TestDatabase.RequirePostgres();
        await using var database = await TestDatabase.CreateAsync(Db.Postgres);
        await using var receiver = await WebhookReceiver.StartAsync();
        var environment = ServerProcess.PostgresEnvironment(database);
        environment["Ordo__OrderNumberBlockSize"] = "50";
        await using var a = await ServerProcess.StartAsync(environment);
        await using var b = await ServerProcess.StartAsync(environment);
        using var clientA = a.AdminClient();
        using var clientB = b.AdminClient();

        (await clientA.PostAsJsonAsync("/api/v1/shops", new { platform = "douyin", code = TestOrders.Shop, name = "flagship" })).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await clientB.PostAsJsonAsync("/api/v1/skus", new { code = TestOrders.Sku, name = "mug" })).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await clientA.PostAsJsonAsync("/api/v1/webhooks", new { url = receiver.Url, secret = WebhookReceiver.Secret, eventTypes = new[] { "order.created" } }))
            .StatusCode.ShouldBe(HttpStatusCode.Created);

        var batches = Enumerable.Range(0, BatchOrders / 1000).Select(i =>
        {
            var client = i % 2 == 0 ? clientA : clientB;
            var body = new JsonArray(Enumerable.Range(0, 1000).Select(_ => (JsonNode)TestOrders.Example()).ToArray()).ToJsonString();
            return Task.Run(async () =>
            {
                var response = await client.PostAsync("/api/v1/orders:batch", new StringContent(body, Encoding.UTF8, "application/json"));
                response.StatusCode.ShouldBe(HttpStatusCode.OK);
                return (await response.ReadObjectAsync())["results"]!.AsArray().Select(r => r!["orderNo"]!.GetValue<string>()).ToList();
            });
        }).ToList();
        var singles = Enumerable.Range(0, 16).Select(worker => Task.Run(async () =>
        {
            var client = worker % 2 == 0 ? clientA : clientB;
            var numbers = new List<string>();
            for (var i = 0; i < SingleOrders / 16; i++)
            {
                var response = await client.PostAsync("/api/v1/orders", new StringContent(TestOrders.Example().ToJsonString(), Encoding.UTF8, "application/json"));
                response.StatusCode.ShouldBe(HttpStatusCode.Created);
                numbers.Add((await response.ReadObjectAsync())["orderNo"]!.GetValue<string>());
            }
            return numbers;
        })).ToList();
        var all = (await Task.WhenAll(batches.Concat(singles))).SelectMany(n => n).ToList();

        all.Count.ShouldBe(BatchOrders + SingleOrders);
        all.Distinct().Count().ShouldBe(all.Count);
        all.Where(n => !OrderNo.TryParse(n, out var _1, out var _2)).ShouldBeEmpty();

        await using (var db = await database.OpenMigratedAsync())
            (await db.ReadAsync(s => s.ScalarAsync<long>("SELECT COUNT(*) FROM orders"))).ShouldBe(all.Count);

        await WebhookReceiver.WaitUntilAsync(() => receiver.Received.Count >= all.Count, TimeSpan.FromSeconds(180),
            $"{all.Count} webhook deliveries (got {receiver.Received.Count})");
        await Task.Delay(1000); // a duplicate, if any, would arrive now
        var delivered = receiver.Received.ToList();
        delivered.Select(d => d.EventId).Distinct().Count().ShouldBe(all.Count);
        delivered.Count.ShouldBe(all.Count, "each job must run once: no delivery twice");
        delivered.Select(d => d.OrderNo).ToHashSet().SetEquals(all).ShouldBeTrue();
        delivered.ShouldAllBe(d => d.SignatureValid);
    }
}
