using System.Net;
using System.Net.Http.Json;
using Ordo.Server.Tests.Infrastructure;
using Shouldly;

namespace Ordo.Server.Tests.Orders;

/// <summary>POST /api/v1/orders/{orderNo}/{action} and the event history.</summary>
public abstract class OrderActionTests(OrdoHost host) : CatalogueTestBase(host)
{
    private async Task<string> NewOrderAsync(string status = "Paid") =>
        (await (await Host.PostOrderAsync(TestOrders.Example(status: status))).ReadObjectAsync())["orderNo"]!.GetValue<string>();

    [Fact]
    public async Task Order_goes_through_fulfilment_and_every_step_is_an_event()
    {
        var orderNo = await NewOrderAsync();
        foreach (var action in new[] { "accept", "allocate", "pick", "pack" })
            (await Host.ActAsync(orderNo, action)).StatusCode.ShouldBe(HttpStatusCode.OK, action);
        var shipped = await Host.ActAsync(orderNo, "ship", new { carrier = "ZTO", trackingNo = "73190553102532", reason = "packed at 厦门仓" });
        shipped.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await shipped.ReadObjectAsync();
        body["status"]!.GetValue<string>().ShouldBe("Shipped");
        body["shipment"]!["trackingNo"]!.GetValue<string>().ShouldBe("73190553102532");
        (await Host.ActAsync(orderNo, "deliver")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await Host.ActAsync(orderNo, "complete")).StatusCode.ShouldBe(HttpStatusCode.OK);

        var events = (await Host.GetJsonAsync($"/api/v1/orders/{orderNo}/events"))["events"]!.AsArray();
        events.Select(e => e!["to"]!.GetValue<string>())
            .ShouldBe(["Paid", "Accepted", "Allocated", "Picking", "Packed", "Shipped", "Delivered", "Completed"]);
        events.Select(e => e!["sequence"]!.GetValue<int>()).ShouldBe(Enumerable.Range(1, 8));
        var ship = events[5]!;
        ship["from"]!.GetValue<string>().ShouldBe("Packed");
        ship["reason"]!.GetValue<string>().ShouldBe("packed at 厦门仓");
        ship["actor"]!.GetValue<string>().ShouldStartWith("bootstrap-admin#");
        ship["context"]!["carrier"]!.GetValue<string>().ShouldBe("ZTO");
        ship["occurredAt"]!.GetValue<string>().ShouldEndWith("Z");
    }

    [Fact]
    public async Task Illegal_transition_gets_409_naming_current_status_and_allowed_actions()
    {
        var orderNo = await NewOrderAsync();

        var response = await Host.ActAsync(orderNo, "ship", new { carrier = "SF", trackingNo = "SF1" });

        response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = await response.ReadObjectAsync();
        problem["currentStatus"]!.GetValue<string>().ShouldBe("Paid");
        problem["allowedActions"]!.AsArray().Select(a => a!.GetValue<string>()).ShouldBe(["accept", "cancel", "hold", "request-refund"]);
        problem["detail"]!.GetValue<string>().ShouldContain("Paid");
        (await Host.GetJsonAsync($"/api/v1/orders/{orderNo}"))["status"]!.GetValue<string>().ShouldBe("Paid");
    }

    [Fact]
    public async Task Hold_needs_a_reason_and_release_returns_the_order_where_it_was()
    {
        var orderNo = await NewOrderAsync();
        (await Host.ActAsync(orderNo, "accept")).StatusCode.ShouldBe(HttpStatusCode.OK);

        var noReason = await Host.ActAsync(orderNo, "hold");
        noReason.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await noReason.ReadObjectAsync())["field"]!.GetValue<string>().ShouldBe("reason");

        var held = await (await Host.ActAsync(orderNo, "hold", new { reason = "地址可疑，电话核实" })).ReadObjectAsync();
        held["status"]!.GetValue<string>().ShouldBe("OnHold");
        held["holdReasons"]![0]!["code"]!.GetValue<string>().ShouldBe("manual");
        (await Host.ActAsync(orderNo, "allocate")).StatusCode.ShouldBe(HttpStatusCode.Conflict);

        var released = await (await Host.ActAsync(orderNo, "release", new { reason = "已电话确认" })).ReadObjectAsync();
        released["status"]!.GetValue<string>().ShouldBe("Accepted");
        released["holdReasons"]!.AsArray().ShouldBeEmpty();
    }

    [Fact]
    public async Task Cancel_refund_and_unknown_actions()
    {
        var orderNo = await NewOrderAsync();
        (await Host.ActAsync(orderNo, "cancel")).StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await Host.ActAsync(orderNo, "cancel", new { reason = "buyer asked" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        var final = await Host.ActAsync(orderNo, "accept");
        final.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await final.ReadObjectAsync())["allowedActions"]!.AsArray().ShouldBeEmpty();

        var other = await NewOrderAsync();
        (await Host.ActAsync(other, "request-refund", new { reason = "破损" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await (await Host.ActAsync(other, "reject-refund", new { reason = "照片不符" })).ReadObjectAsync())["status"]!.GetValue<string>().ShouldBe("Paid");
        (await Host.ActAsync(other, "request-refund", new { reason = "破损" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await (await Host.ActAsync(other, "refund")).ReadObjectAsync())["status"]!.GetValue<string>().ShouldBe("Refunded");

        var unknown = await Host.ActAsync(other, "teleport");
        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await unknown.ReadObjectAsync())["field"]!.GetValue<string>().ShouldBe("action");
        (await Host.Client.PostAsync($"/api/v1/orders/{other}/accept", new StringContent("{not json", System.Text.Encoding.UTF8, "application/json")))
            .StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }
}

public sealed class OrderActionTestsOnSqlite(SqliteHost host) : OrderActionTests(host), IClassFixture<SqliteHost>;
public sealed class OrderActionTestsOnPostgres(PostgresHost host) : OrderActionTests(host), IClassFixture<PostgresHost>;
