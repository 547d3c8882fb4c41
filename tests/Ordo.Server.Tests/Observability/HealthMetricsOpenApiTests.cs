using System.Net;
using Ordo.Server.Tests.Infrastructure;
using Shouldly;

namespace Ordo.Server.Tests.Observability;

public sealed class HealthMetricsOpenApiTests(SqliteHost host) : IClassFixture<SqliteHost>
{
    [Fact]
    public async Task Healthz_reports_the_database()
    {
        var body = await (await host.NewClient(null).GetAsync("/healthz")).ReadObjectAsync();
        body["status"]!.GetValue<string>().ShouldBe("ok");
        body["database"]!.GetValue<string>().ShouldBe("sqlite");
    }

    [Fact]
    public async Task Metrics_count_orders_per_platform_and_outcome_in_prometheus_text()
    {
        await host.EnsureShopAsync("douyin", TestOrders.Shop);
        await host.EnsureSkuAsync(TestOrders.Sku);
        (await host.PostOrderAsync(TestOrders.Example())).StatusCode.ShouldBe(HttpStatusCode.Created);
        var bad = TestOrders.Example();
        bad["shopCode"] = "NOPE";
        (await host.PostOrderAsync(bad)).StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);

        var response = await host.NewClient(null).GetAsync("/metrics");
        response.Content.Headers.ContentType!.ToString().ShouldStartWith("text/plain; version=0.0.4");
        var text = await response.Content.ReadAsStringAsync();
        text.ShouldContain("# TYPE ordo_orders_received_total counter");
        text.ShouldContain("ordo_orders_accepted_total{outcome=\"created\",platform=\"douyin\"}");
        text.ShouldContain("ordo_orders_rejected_total{platform=\"douyin\"}");
        text.ShouldContain("ordo_intake_duration_seconds_bucket{endpoint=\"single\",le=\"+Inf\"}");
        text.ShouldContain("ordo_jobs_queue_depth ");
        text.ShouldContain("ordo_jobs_queue_oldest_age_seconds ");
    }

    [Fact]
    public async Task OpenApi_document_describes_the_api()
    {
        var doc = await (await host.NewClient(null).GetAsync("/openapi/v1.json")).ReadObjectAsync();
        var paths = doc["paths"]!.AsObject().Select(p => p.Key).ToList();
        paths.ShouldContain("/api/v1/orders");
        paths.ShouldContain("/api/v1/orders:batch");
        paths.ShouldContain("/api/v1/orders/{orderNo}/{action}");
        paths.ShouldContain("/api/v1/inbox/{id}/replay");
    }

    [Fact]
    public async Task Unknown_route_gets_a_problem_response()
    {
        var response = await host.Client.GetAsync("/api/v1/nothing-here");
        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }
}
