using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Ordo.Server.Observability;
using Shouldly;
using Xunit;

namespace Ordo.Server.Tests.Observability;

public sealed class PrometheusMetricsTests : IDisposable
{
    // A unique meter name per test keeps parallel tests (and other listeners) from seeing each other's data.
    private readonly string _meterName = "OrdoTest." + Guid.NewGuid().ToString("N");
    private readonly Meter _meter;
    private readonly PrometheusMetricsCollector _collector;

    public PrometheusMetricsTests()
    {
        _meter = new Meter(_meterName);
        _collector = new PrometheusMetricsCollector(_meterName);
    }

    public void Dispose()
    {
        _collector.Dispose();
        _meter.Dispose();
    }

    private string[] Lines() => _collector.Render().Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static KeyValuePair<string, object?> Tag(string key, object? value) => new(key, value);

    [Fact]
    public void Counter_renders_total_with_help_type_and_separate_tag_sets()
    {
        var counter = _meter.CreateCounter<long>("ordo.orders.received", description: "Orders accepted by intake.");
        counter.Add(2, Tag("channel", "web"));
        counter.Add(3, Tag("channel", "web"));
        counter.Add(1, Tag("channel", "phone"));

        _collector.Render().ShouldBe(
            "# HELP ordo_orders_received_total Orders accepted by intake.\n" +
            "# TYPE ordo_orders_received_total counter\n" +
            "ordo_orders_received_total{channel=\"phone\"} 1\n" +
            "ordo_orders_received_total{channel=\"web\"} 5\n");
    }

    [Fact]
    public void Labels_are_sorted_and_sanitized_so_tag_order_does_not_split_series()
    {
        var counter = _meter.CreateCounter<int>("ordo.order-lines.added");
        counter.Add(1, Tag("region", "eu"), Tag("sales.channel", "web"));
        counter.Add(4, Tag("sales.channel", "web"), Tag("region", "eu"));
        counter.Add(7);

        Lines().ShouldBe([
            "# TYPE ordo_order_lines_added_total counter",
            "ordo_order_lines_added_total 7",
            "ordo_order_lines_added_total{region=\"eu\",sales_channel=\"web\"} 5",
        ]);
    }

    [Fact]
    public void Histogram_with_advice_renders_cumulative_buckets_sum_and_count()
    {
        var histogram = _meter.CreateHistogram<double>("ordo.intake.duration.seconds", unit: null,
            description: "Time to accept an order.", tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.25, 1, 2.5] });
        histogram.Record(0.125, Tag("channel", "web"));
        histogram.Record(0.25, Tag("channel", "web")); // on the boundary: le is inclusive
        histogram.Record(0.5, Tag("channel", "web"));
        histogram.Record(4, Tag("channel", "web"));   // above every boundary: only +Inf
        histogram.Record(2, Tag("channel", "phone"));

        _collector.Render().ShouldBe(
            "# HELP ordo_intake_duration_seconds Time to accept an order.\n" +
            "# TYPE ordo_intake_duration_seconds histogram\n" +
            "ordo_intake_duration_seconds_bucket{channel=\"phone\",le=\"0.25\"} 0\n" +
            "ordo_intake_duration_seconds_bucket{channel=\"phone\",le=\"1\"} 0\n" +
            "ordo_intake_duration_seconds_bucket{channel=\"phone\",le=\"2.5\"} 1\n" +
            "ordo_intake_duration_seconds_bucket{channel=\"phone\",le=\"+Inf\"} 1\n" +
            "ordo_intake_duration_seconds_sum{channel=\"phone\"} 2\n" +
            "ordo_intake_duration_seconds_count{channel=\"phone\"} 1\n" +
            "ordo_intake_duration_seconds_bucket{channel=\"web\",le=\"0.25\"} 2\n" +
            "ordo_intake_duration_seconds_bucket{channel=\"web\",le=\"1\"} 3\n" +
            "ordo_intake_duration_seconds_bucket{channel=\"web\",le=\"2.5\"} 3\n" +
            "ordo_intake_duration_seconds_bucket{channel=\"web\",le=\"+Inf\"} 4\n" +
            "ordo_intake_duration_seconds_sum{channel=\"web\"} 4.875\n" +
            "ordo_intake_duration_seconds_count{channel=\"web\"} 4\n");
    }

    [Fact]
    public void Histogram_without_advice_uses_default_second_boundaries()
    {
        var histogram = _meter.CreateHistogram<double>("ordo.db.query.seconds");
        histogram.Record(0.003);

        Lines().Where(l => l.Contains("_bucket", StringComparison.Ordinal)).ShouldBe([
            "ordo_db_query_seconds_bucket{le=\"0.001\"} 0",
            "ordo_db_query_seconds_bucket{le=\"0.0025\"} 0",
            "ordo_db_query_seconds_bucket{le=\"0.005\"} 1",
            "ordo_db_query_seconds_bucket{le=\"0.01\"} 1",
            "ordo_db_query_seconds_bucket{le=\"0.025\"} 1",
            "ordo_db_query_seconds_bucket{le=\"0.05\"} 1",
            "ordo_db_query_seconds_bucket{le=\"0.1\"} 1",
            "ordo_db_query_seconds_bucket{le=\"0.25\"} 1",
            "ordo_db_query_seconds_bucket{le=\"0.5\"} 1",
            "ordo_db_query_seconds_bucket{le=\"1\"} 1",
            "ordo_db_query_seconds_bucket{le=\"2.5\"} 1",
            "ordo_db_query_seconds_bucket{le=\"5\"} 1",
            "ordo_db_query_seconds_bucket{le=\"10\"} 1",
            "ordo_db_query_seconds_bucket{le=\"+Inf\"} 1",
        ]);
    }

    [Fact]
    public void Integer_histogram_honours_integer_advice()
    {
        var histogram = _meter.CreateHistogram<int>("ordo.order.lines", unit: null, description: null, tags: null,
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 5] });
        histogram.Record(3);
        histogram.Record(9);

        Lines().ShouldBe([
            "# TYPE ordo_order_lines histogram",
            "ordo_order_lines_bucket{le=\"1\"} 0",
            "ordo_order_lines_bucket{le=\"5\"} 1",
            "ordo_order_lines_bucket{le=\"+Inf\"} 2",
            "ordo_order_lines_sum 12",
            "ordo_order_lines_count 2",
        ]);
    }

    [Fact]
    public void Observable_gauge_reports_latest_value_at_each_scrape()
    {
        var depth = 3;
        _meter.CreateObservableGauge("ordo.queue.depth", () => new Measurement<int>(depth, Tag("queue", "intake")),
            description: "Orders waiting.");

        Lines().ShouldBe([
            "# HELP ordo_queue_depth Orders waiting.",
            "# TYPE ordo_queue_depth gauge",
            "ordo_queue_depth{queue=\"intake\"} 3",
        ]);
        depth = 11;
        Lines().ShouldContain("ordo_queue_depth{queue=\"intake\"} 11");
        Lines().ShouldNotContain("ordo_queue_depth{queue=\"intake\"} 3");
    }

    [Fact]
    public void Observable_series_no_longer_reported_disappear()
    {
        var queues = new List<string> { "intake", "billing" };
        _meter.CreateObservableGauge("ordo.queue.depth",
            () => queues.Select(q => new Measurement<long>(1, Tag("queue", q))));

        Lines().Length.ShouldBe(3);
        queues.Remove("billing");
        Lines().ShouldBe(["# TYPE ordo_queue_depth gauge", "ordo_queue_depth{queue=\"intake\"} 1"]);
    }

    [Fact]
    public void Observable_counter_and_up_down_counter_map_to_counter_and_gauge()
    {
        _meter.CreateObservableCounter("ordo.gc.collections", () => 42L);
        _meter.CreateObservableUpDownCounter("ordo.connections.open", () => -2.5);

        Lines().ShouldBe([
            "# TYPE ordo_connections_open gauge",
            "ordo_connections_open -2.5",
            "# TYPE ordo_gc_collections_total counter",
            "ordo_gc_collections_total 42",
        ]);
    }

    [Fact]
    public void Up_down_counter_sums_to_a_gauge()
    {
        var inFlight = _meter.CreateUpDownCounter<int>("ordo.orders.in-flight");
        inFlight.Add(5);
        inFlight.Add(-2);

        Lines().ShouldBe(["# TYPE ordo_orders_in_flight gauge", "ordo_orders_in_flight 3"]);
    }

    [Fact]
    public void Label_values_and_help_are_escaped()
    {
        var counter = _meter.CreateCounter<long>("ordo.errors", description: "Errors \\ by\nkind");
        counter.Add(1, Tag("message", "say \"hi\"\\path\nnext"));

        Lines().ShouldBe([
            @"# HELP ordo_errors_total Errors \\ by\nkind",
            "# TYPE ordo_errors_total counter",
            @"ordo_errors_total{message=""say \""hi\""\\path\nnext""} 1",
        ]);
    }

    [Fact]
    public void Numbers_use_invariant_culture()
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = new CultureInfo("de-DE");
        try
        {
            var amount = _meter.CreateCounter<double>("ordo.revenue.eur");
            amount.Add(1234.5, Tag("rate", 0.25));

            Lines().ShouldContain("ordo_revenue_eur_total{rate=\"0.25\"} 1234.5");
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void Measurements_from_many_threads_are_summed_exactly()
    {
        var counter = _meter.CreateCounter<long>("ordo.orders.received");
        var histogram = _meter.CreateHistogram<double>("ordo.intake.duration.seconds");
        const int threads = 8, perThread = 50_000;

        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            var channel = Tag("channel", t % 2 == 0 ? "web" : "phone");
            for (var i = 0; i < perThread; i++)
            {
                counter.Add(1, channel);
                histogram.Record(0.5, channel);
            }
        });

        var lines = Lines();
        lines.ShouldContain("ordo_orders_received_total{channel=\"phone\"} 200000");
        lines.ShouldContain("ordo_orders_received_total{channel=\"web\"} 200000");
        lines.ShouldContain("ordo_intake_duration_seconds_count{channel=\"web\"} 200000");
        lines.ShouldContain("ordo_intake_duration_seconds_sum{channel=\"web\"} 100000");
        lines.ShouldContain("ordo_intake_duration_seconds_bucket{channel=\"web\",le=\"0.25\"} 0");
        lines.ShouldContain("ordo_intake_duration_seconds_bucket{channel=\"web\",le=\"0.5\"} 200000");
    }

    [Fact]
    public void Only_listed_meters_are_collected_and_same_named_instruments_share_a_metric()
    {
        using var child = new Meter(_meterName + ".Payments");
        using var lookalike = new Meter(_meterName + "Other");
        using var second = new Meter(_meterName); // e.g. another Meter instance of the same name
        child.CreateCounter<int>("ordo.payments.captured").Add(2);
        lookalike.CreateCounter<int>("ordo.ignored").Add(1);
        _meter.CreateCounter<int>("ordo.orders.received").Add(1);
        second.CreateCounter<int>("ordo.orders.received").Add(4);

        Lines().ShouldBe([
            "# TYPE ordo_orders_received_total counter",
            "ordo_orders_received_total 5",
            "# TYPE ordo_payments_captured_total counter",
            "ordo_payments_captured_total 2",
        ]);
    }

    [Fact]
    public void Nothing_is_rendered_before_any_measurement()
    {
        _meter.CreateCounter<long>("ordo.orders.received");

        _collector.Render().ShouldBe("");
    }

    [Fact]
    public async Task Endpoint_serves_text_format_from_the_registered_collector()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddPrometheusMetrics(_meterName);
        await using var app = builder.Build();
        app.MapPrometheusMetrics();
        await app.StartAsync(TestContext.Current.CancellationToken);

        // Recorded after start but before any scrape: the collector must already be listening.
        _meter.CreateCounter<int>("ordo.orders.received").Add(3, Tag("channel", "web"));

        using var client = app.GetTestClient();
        using var response = await client.GetAsync(new Uri("/metrics", UriKind.Relative), TestContext.Current.CancellationToken);

        response.Content.Headers.ContentType!.ToString().ShouldBe("text/plain; version=0.0.4; charset=utf-8");
        (await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).ShouldBe(
            "# TYPE ordo_orders_received_total counter\nordo_orders_received_total{channel=\"web\"} 3\n");
    }
}
