using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Ordo.Bench;

/// <summary>
/// Canonical order bodies, each with its own platform order id, serialised up front. Every order has one line of one
/// unit: of <paramref name="skus"/>[0] when one SKU is given, else of a SKU drawn from them (seeded, so runs repeat).
/// </summary>
public sealed class OrderFactory(string shopCode, params string[] skus)
{
    // The README's example order; only platformOrderId (and the line's SKU) change from one order to the next.
    private const string Template = """
        {"platform":"douyin","shopCode":"@SHOP@","platformOrderId":"@ID@","status":"Paid","createdAt":"2026-02-22T10:00:00+08:00","paidAt":"2026-02-22T10:01:00+08:00","platformModifiedAt":"2026-02-22T10:01:01+08:00","currency":"CNY","buyer":{"nick":"小王","platformBuyerId":"1@#Vrt9"},"receiver":{"name":"张三","phone":"13800138000","province":"福建省","city":"厦门市","district":"思明区","street":"莲前街道","address":"环岛东路 1 号","postalCode":"361000"},"lines":[{"platformSkuId":"1790001","sku":"@SKU@","title":"马克杯","quantity":1,"unitPrice":99.00,"discount":10.00}],"amounts":{"goods":99.00,"freight":0.00,"discount":10.00,"paid":89.00},"buyerMessage":"","sellerMemo":""}
        """;
    private static readonly int IdAt = Template.IndexOf("@ID@", StringComparison.Ordinal);
    private static readonly int SkuAt = Template.IndexOf("@SKU@", StringComparison.Ordinal);
    private readonly string _head = Template[..IdAt].Replace("@SHOP@", shopCode, StringComparison.Ordinal);
    private readonly string _middle = Template[(IdAt + 4)..SkuAt];
    private readonly string _tail = Template[(SkuAt + 5)..];
    private readonly Random _draw = new(20261111);
    private long _next = 6_936_476_700_000_000_000;

    /// <summary>The first order's platform order id; two factories feeding one shop need ranges that do not meet.</summary>
    public long FirstPlatformOrderId { init => _next = value; }

    /// <summary>Orders created so far per SKU.</summary>
    public Dictionary<string, int> Drawn { get; } = new(StringComparer.Ordinal);

    /// <summary>Orders created so far (all distinct).</summary>
    public long Count { get; private set; }

    public string NextOrderJson()
    {
        Count++;
        var sku = skus.Length == 1 ? skus[0] : skus[_draw.Next(skus.Length)];
        Drawn[sku] = Drawn.GetValueOrDefault(sku) + 1;
        return string.Concat(_head, (_next++).ToString(System.Globalization.CultureInfo.InvariantCulture), _middle, sku, _tail);
    }

    public byte[][] Singles(int count)
    {
        var bodies = new byte[count][];
        for (var i = 0; i < count; i++) bodies[i] = Encoding.UTF8.GetBytes(NextOrderJson());
        return bodies;
    }

    /// <summary>JSON arrays of <paramref name="batchSize"/> orders (the last one may be smaller).</summary>
    public byte[][] Batches(int orders, int batchSize)
    {
        var list = new List<byte[]>();
        for (var done = 0; done < orders; done += batchSize)
        {
            var n = Math.Min(batchSize, orders - done);
            var sb = new StringBuilder(n * 800).Append('[');
            for (var i = 0; i < n; i++)
            {
                if (i > 0) sb.Append(',');
                sb.Append(NextOrderJson());
            }
            list.Add(Encoding.UTF8.GetBytes(sb.Append(']').ToString()));
        }
        return [.. list];
    }
}

/// <summary>What one scenario measured.</summary>
public sealed record ScenarioResult(
    string Name, int Concurrency, int Orders, int Requests, int Errors, IReadOnlyList<string> ErrorSamples,
    double Seconds, double P50Ms, double P99Ms, double MaxMs, long PeakRssBytes, CpuSplit Cpu)
{
    /// <summary>True when the kernel's peak RSS was reset before the scenario, so the peak is this scenario's own.</summary>
    public bool PeakIsPerScenario { get; init; }

    public double OrdersPerSecond => (Orders - ErroredOrders) / Seconds;
    /// <summary>Server CPU time per order sent: what an order costs the server, whatever else competes for the cores.</summary>
    public double ServerCpuMsPerOrder => Cpu.Server * Seconds * 1000 / Math.Max(1, Orders);
    /// <summary>Orders not confirmed created (failed requests, or batch items not reported as created).</summary>
    public int ErroredOrders { get; init; }
}

/// <summary>Sends pre-serialised bodies with a fixed number of concurrent workers and records each request's latency.</summary>
public sealed class LoadGenerator(HttpClient http, Uri baseAddress, Func<double>? databaseCpuSeconds)
{
    /// <summary>One body per request to POST /api/v1/orders; every answer must be 201 Created.</summary>
    public Task<ScenarioResult> SinglesAsync(string name, byte[][] bodies, int concurrency, int serverPid, CancellationToken ct) =>
        RunAsync(name, bodies, bodies.Length, concurrency, new Uri(baseAddress, "api/v1/orders"), ordersPerBody: null, serverPid, ct);

    /// <summary>One JSON array per request to POST /api/v1/orders:batch; every answer must be 200 with every item created.</summary>
    public Task<ScenarioResult> BatchesAsync(string name, byte[][] bodies, int orders, int batchSize, int concurrency, int serverPid, CancellationToken ct) =>
        RunAsync(name, bodies, orders, concurrency, new Uri(baseAddress, "api/v1/orders:batch"), ordersPerBody: batchSize, serverPid, ct);

    private async Task<ScenarioResult> RunAsync(
        string name, byte[][] bodies, int orders, int concurrency, Uri url, int? ordersPerBody, int serverPid, CancellationToken ct)
    {
        var latencies = new long[bodies.Length];
        var errors = 0;
        var erroredOrders = 0;
        var samples = new ConcurrentQueue<string>();
        var next = -1;

        void Fail(string what, int lostOrders)
        {
            Interlocked.Increment(ref errors);
            Interlocked.Add(ref erroredOrders, lostOrders);
            if (samples.Count < 5) samples.Enqueue(what);
        }

        async Task Worker()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < bodies.Length)
            {
                ct.ThrowIfCancellationRequested();
                var body = bodies[i];
                var expected = ordersPerBody is null ? 1 : CountOrders(i, bodies.Length, orders, ordersPerBody.Value);
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                    using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
                    var content = await response.Content.ReadAsByteArrayAsync(ct);
                    latencies[i] = Stopwatch.GetTimestamp() - started;
                    if (ordersPerBody is null)
                    {
                        if (response.StatusCode != HttpStatusCode.Created)
                            Fail($"{(int)response.StatusCode}: {Snippet(content)}", 1);
                    }
                    else if (response.StatusCode != HttpStatusCode.OK)
                        Fail($"{(int)response.StatusCode}: {Snippet(content)}", expected);
                    else if (CreatedCount(content) is var created && created != expected)
                        Fail($"batch created {created} of {expected} orders: {Snippet(content)}", expected - Math.Max(0, created));
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
                {
                    latencies[i] = Stopwatch.GetTimestamp() - started;
                    Fail($"{ex.GetType().Name}: {ex.Message}", expected);
                }
            }
        }

        var perScenarioPeak = ProcStats.ResetPeak(serverPid);
        var cpu = new CpuMeter(serverPid, databaseCpuSeconds);
        var sampler = new RssSampler(serverPid, TimeSpan.FromMilliseconds(50));
        cpu.Start();
        var wall = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(Worker, ct)));
        wall.Stop();
        var split = cpu.Stop(wall.Elapsed.TotalSeconds);
        var peak = await sampler.StopAsync();

        Array.Sort(latencies);
        double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
        return new ScenarioResult(name, concurrency, orders, bodies.Length, errors, [.. samples], wall.Elapsed.TotalSeconds,
            Ms(Percentile(latencies, 0.50)), Ms(Percentile(latencies, 0.99)), Ms(latencies[^1]), peak, split)
        { ErroredOrders = erroredOrders, PeakIsPerScenario = perScenarioPeak };
    }

    private static int CountOrders(int index, int bodies, int orders, int perBody) =>
        index < bodies - 1 ? perBody : orders - perBody * (bodies - 1);

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    private static long Percentile(long[] sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    /// <summary>The "created" count of a batch answer (the second top-level property, so this reads little of the body).</summary>
    private static int CreatedCount(byte[] content)
    {
        try
        {
            var reader = new Utf8JsonReader(content);
            while (reader.Read())
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("created"u8))
                {
                    reader.Read();
                    return reader.GetInt32();
                }
        }
        catch (JsonException) { }
        return -1;
    }

    private static string Snippet(byte[] content)
    {
        var text = Encoding.UTF8.GetString(content, 0, Math.Min(content.Length, 600));
        return text.Length < 300 ? text : text[..300] + "...";
    }
}
