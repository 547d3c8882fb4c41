using System.Net;
using System.Net.Http.Json;
using Ordo.Server.Tests.Infrastructure;
using Shouldly;

namespace Ordo.Server.Tests.Webhooks;

/// <summary>Outbound webhooks: signed, in order per order, at least once, retried while the receiver is down.</summary>
public abstract class WebhookDeliveryTests(OrdoHost host) : CatalogueTestBase(host)
{
    private WebhookReceiver? _receiver;
    protected WebhookReceiver Receiver { get { _ = Host; return _receiver!; } }

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        if (!Available) return;
        _receiver = await WebhookReceiver.StartAsync();
        var subscribed = await Host.Client.PostAsJsonAsync("/api/v1/webhooks", new { url = _receiver.Url, secret = WebhookReceiver.Secret, eventTypes = new[] { "*" } });
        subscribed.StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    public override async ValueTask DisposeAsync()
    {
        if (_receiver is not null) await _receiver.DisposeAsync();
    }

    private async Task<string> OrderWithStepsAsync(params string[] actions)
    {
        var orderNo = (await (await Host.PostOrderAsync(TestOrders.Example())).ReadObjectAsync())["orderNo"]!.GetValue<string>();
        foreach (var action in actions) (await Host.ActAsync(orderNo, action)).StatusCode.ShouldBe(HttpStatusCode.OK);
        return orderNo;
    }

    [Fact]
    public async Task Every_event_is_delivered_signed_and_in_order()
    {
        var orderNo = await OrderWithStepsAsync("accept", "allocate", "pick");

        await WebhookReceiver.WaitUntilAsync(() => Receiver.For(orderNo).Count >= 4, TimeSpan.FromSeconds(30), "4 deliveries");

        var got = Receiver.For(orderNo);
        got.Select(d => d.Sequence).ShouldBe([1, 2, 3, 4]);
        got.Select(d => d.Type).ShouldBe(["order.created", "order.status_changed", "order.status_changed", "order.status_changed"]);
        got.ShouldAllBe(d => d.SignatureValid);
        got[3].Body["event"]!["to"]!.GetValue<string>().ShouldBe("Picking");
        got[0].Body["order"]!["orderNo"]!.GetValue<string>().ShouldBe(orderNo);
    }

    [Fact]
    public async Task Receiver_that_is_down_for_a_while_gets_everything_afterwards_in_order()
    {
        Receiver.Down = true;
        var orderNo = await OrderWithStepsAsync("accept", "allocate");
        await WebhookReceiver.WaitUntilAsync(() => Receiver.Refused >= 3, TimeSpan.FromSeconds(30), "a few refused attempts");
        var pending = await Host.GetJsonAsync("/api/v1/webhooks/deliveries?status=pending&limit=200");
        var errors = pending["items"]!.AsArray().Where(d => d!["orderNo"]!.GetValue<string>() == orderNo).Select(d => d!["lastError"]?.GetValue<string>() ?? "");
        errors.ShouldContain(e => e.Contains("HTTP 503"), pending.ToJsonString());

        Receiver.Down = false;
        await WebhookReceiver.WaitUntilAsync(() => Receiver.For(orderNo).Count >= 3, TimeSpan.FromSeconds(60), "deliveries after recovery");

        Receiver.For(orderNo).Select(d => d.Sequence).ShouldBe([1, 2, 3]);
    }

    [Fact]
    public async Task Deliveries_still_queued_for_a_deleted_subscription_stop_at_once()
    {
        await using var other = await WebhookReceiver.StartAsync();
        other.Down = true;
        var created = await (await Host.Client.PostAsJsonAsync("/api/v1/webhooks", new { url = other.Url, secret = WebhookReceiver.Secret, eventTypes = new[] { "*" } })).ReadObjectAsync();
        var orderNo = await OrderWithStepsAsync("accept");
        await WebhookReceiver.WaitUntilAsync(() => other.Refused >= 2, TimeSpan.FromSeconds(30), "refused attempts (the subscription is in use)");

        (await Host.Client.DeleteAsync($"/api/v1/webhooks/{created["id"]}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        other.Down = false;

        // Its retries (every second at most here) find it gone and give up; the other subscription got everything.
        await WebhookReceiver.WaitUntilAsync(() => Receiver.For(orderNo).Count >= 2, TimeSpan.FromSeconds(30), "the remaining subscription's deliveries");
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        other.For(orderNo).ShouldBeEmpty();
    }
}

public sealed class WebhookDeliveryTestsOnSqlite(SqliteHost host) : WebhookDeliveryTests(host), IClassFixture<SqliteHost>;
public sealed class WebhookDeliveryTestsOnPostgres(PostgresHost host) : WebhookDeliveryTests(host), IClassFixture<PostgresHost>;

/// <summary>A host whose deliveries give up after two attempts, to see failed deliveries listed and re-sent.</summary>
public sealed class ImpatientWebhookHost() : OrdoHost(Db.Sqlite)
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings => [new("Ordo:Webhooks:MaxAttempts", "2")];
}

public sealed class FailedWebhookTests(ImpatientWebhookHost host) : IClassFixture<ImpatientWebhookHost>
{
    [Fact]
    public async Task Delivery_that_gives_up_is_listed_as_failed_and_can_be_resent()
    {
        await host.EnsureShopAsync("douyin", TestOrders.Shop);
        await host.EnsureSkuAsync(TestOrders.Sku);
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Down = true;
        (await host.Client.PostAsJsonAsync("/api/v1/webhooks", new { url = receiver.Url, secret = WebhookReceiver.Secret, eventTypes = new[] { "order.created" } }))
            .StatusCode.ShouldBe(HttpStatusCode.Created);
        var orderNo = (await (await host.PostOrderAsync(TestOrders.Example())).ReadObjectAsync())["orderNo"]!.GetValue<string>();

        System.Text.Json.Nodes.JsonNode? failed = null;
        await WebhookReceiver.WaitUntilAsync(() =>
        {
            var list = host.GetJsonAsync("/api/v1/webhooks/deliveries?status=failed").GetAwaiter().GetResult();
            failed = list["items"]!.AsArray().FirstOrDefault(d => d!["orderNo"]!.GetValue<string>() == orderNo);
            return failed is not null;
        }, TimeSpan.FromSeconds(30), "the delivery to fail for good");
        failed!["attempts"]!.GetValue<int>().ShouldBe(2);
        var id = failed["id"]!.GetValue<long>();
        var detail = await host.GetJsonAsync($"/api/v1/webhooks/deliveries/{id}");
        detail["attempts"]!.AsArray().Count.ShouldBe(2);
        detail["attempts"]![0]!["statusCode"]!.GetValue<int>().ShouldBe(503);

        receiver.Down = false;
        (await host.Client.PostAsync($"/api/v1/webhooks/deliveries/{id}/resend", null)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await WebhookReceiver.WaitUntilAsync(() => receiver.For(orderNo).Count == 1, TimeSpan.FromSeconds(30), "the re-sent delivery");
        receiver.For(orderNo)[0].SignatureValid.ShouldBeTrue();
        await WebhookReceiver.WaitUntilAsync(
            () => host.GetJsonAsync($"/api/v1/webhooks/deliveries/{id}").GetAwaiter().GetResult()["delivery"]!["status"]!.GetValue<string>() == "done",
            TimeSpan.FromSeconds(10), "the delivery to be marked done");
    }

    [Fact]
    public async Task Subscription_is_validated()
    {
        var response = await host.Client.PostAsJsonAsync("/api/v1/webhooks", new { url = "ftp://x", secret = "short" });
        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await response.ReadObjectAsync())["field"]!.GetValue<string>().ShouldBe("url");
        var types = await host.Client.PostAsJsonAsync("/api/v1/webhooks", new { url = "http://127.0.0.1:9/x", secret = WebhookReceiver.Secret, eventTypes = new[] { "order.exploded" } });
        (await types.ReadObjectAsync())["field"]!.GetValue<string>().ShouldBe("eventTypes");
    }
}
