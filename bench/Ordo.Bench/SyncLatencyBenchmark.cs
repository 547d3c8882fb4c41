using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Ordo.Core.Orders;
using Ordo.Simulator.Platforms;

namespace Ordo.Bench;

/// <summary>
/// The sync-latency benchmark: per database, a fresh Ordo server, a fake Douyin API holding the orders, a douyin shop
/// connected to it with push enabled and a webhook subscription to a receiver here; then N signed id-only pushes at a
/// steady rate. Latency is webhook arrival (order.created) minus push send start; a sample is also polled through the API.
/// </summary>
public sealed class SyncLatencyBenchmark(SyncLatencyOptions options)
{
    public const string SectionHeading = "## Sync latency";
    public const string ShopCode = "DY-SYNC";
    public const string Sku = "MUG-W";
    public const int MaxInFlight = 256;
    /// <summary>Every PollEvery-th order is polled for through the API.</summary>
    public const int PollEvery = 20;
    /// <summary>Sampled orders asked for per tick of the poller at most.</summary>
    public const int MaxPollsPerTick = 4;
    /// <summary>Pushes sent (at the same rate) before the measured ones, to warm up the server (JIT, pools); not reported.</summary>
    public const int WarmupPushes = 500;
    public const int PollIntervalMs = 20;
    public const double TargetP99Ms = 1000;
    public const double TargetRate = 500;
    private const string AppKey = "bench-app-key";
    private const string AppSecret = "bench-app-secret-0123456789";
    private const string AccessToken = "bench-access-token";
    private const string WebhookSecret = "bench-webhook-secret-0123456789";

    public async Task<int> RunAsync(CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        var total = Stopwatch.StartNew();
        var helper = new IntakeBenchmark(options.Shared);
        var root = helper.RepoRoot();
        var serverDll = await helper.ServerDllAsync(root, ct);
        var machine = await MachineInfo.CollectAsync(root, ct);
        Console.WriteLine($"Ordo sync-latency benchmark: {machine.Summary}");
        Console.WriteLine($"Server: {serverDll}");

        var apiKey = BenchHttp.NewApiKey();
        using var http = BenchHttp.Create(apiKey, MaxInFlight + 16, TimeSpan.FromSeconds(60));

        var runs = await PostgresCluster.ForEachDatabaseAsync(options.Sqlite, options.Postgres, options.PostgresConnection, pg => pg is { } p
            ? RunDatabaseAsync("PostgreSQL", "postgres", (p.Connection, p.Description), serverDll, apiKey, http, ct)
            : RunDatabaseAsync("SQLite", "sqlite", null, serverDll, apiKey, http, ct), ct);
        total.Stop();

        Console.WriteLine();
        foreach (var run in runs)
        {
            Console.WriteLine($"{run.Title} ({run.Database})");
            Console.WriteLine(Table(run));
            Console.WriteLine(run.Verification);
            Console.WriteLine(run.Target.Line);
            Console.WriteLine();
        }
        Console.WriteLine($"Total time {total.Elapsed.TotalSeconds:0} s.");

        if (options.Output is { } output)
        {
            var path = Path.IsPathRooted(output) || options.Output != "docs/benchmarks.md" ? Path.GetFullPath(output) : Path.Combine(root, output);
            Report.WriteSection(path, machine, Section(machine, started, total.Elapsed, runs), SectionHeading);
            Console.WriteLine($"Wrote the \"{SectionHeading}\" section of {path}");
        }

        var failed = runs.Any(r => !r.Verified || r.PushErrors > 0);
        if (failed) Console.Error.WriteLine("Some pushes failed or not every order was created exactly once: see above.");
        return failed ? 1 : 0;
    }

    private async Task<SyncRun> RunDatabaseAsync(
        string title, string provider, (string Connection, string Description)? postgres, string serverDll, string apiKey, HttpClient http, CancellationToken ct)
    {
        Console.WriteLine();
        Console.WriteLine($"== {title} ==");
        // The server build (compiler servers) may still be busy for a few seconds: let it settle (up to 20 s) first.
        var background = await ProcStats.MachineLoadAsync(TimeSpan.FromSeconds(2), ct);
        for (var settle = 0; settle < 10 && background > 0.15; settle++)
            background = await ProcStats.MachineLoadAsync(TimeSpan.FromSeconds(2), ct);
        Console.WriteLine($"Machine load before the run: {background:0.00} cores busy" +
                          (background > 0.15 ? " - WARNING: something else is running; figures will be lower than on a quiet machine" : ""));
        await using var workspace = await BenchWorkspace.CreateAsync(provider, postgres, apiKey, options.ServerEnvironment, ct);
        var (workDir, env, description) = (workspace.WorkDir, workspace.Environment, workspace.Description);
        try
        {
            Console.WriteLine($"Database: {description}");
            // The platform: a fake Douyin API holding the orders (each put in just before its push, as on the platform).
            var fake = new DouyinFake();
            var shop = new FakeShop(AppKey, AppSecret, AccessToken);
            await using var platform = await FakePlatformHost.StartAsync(fake, shop, ct: ct);
            await using var receiver = await WebhookReceiver.StartAsync(ct);
            await using var server = await OrdoServerProcess.StartAsync(serverDll, workDir, env, http, ct);
            Console.WriteLine($"Ordo server pid {server.Pid} on {server.BaseAddress}; fake Douyin API on {platform.BaseUrl}; webhook receiver on {receiver.Url}");

            // A long pull interval: the shop's first pull finds no order yet, so every order arrives through its push.
            await CreateAsync(http, server, "api/v1/shops", new
            {
                platform = "douyin", code = ShopCode, name = "sync bench", appKey = AppKey, appSecret = AppSecret, accessToken = AccessToken,
                apiBaseUrl = platform.BaseUrl.ToString(), pullIntervalSeconds = 86400, pushEnabled = true,
            }, ct);
            await CreateAsync(http, server, "api/v1/skus", new { code = Sku, name = "mug" }, ct);
            await CreateAsync(http, server, "api/v1/webhooks", new { url = receiver.Url, secret = WebhookSecret, eventTypes = new[] { "order.created" }, name = "sync bench" }, ct);
            await Task.Delay(1000, ct); // let the shop's first (empty) pull finish

            // Pre-built orders and push bodies (serialised and signed before timing).
            var now = DateTimeOffset.UtcNow;
            var prefix = 4_900_000_000_000_000_000L + RandomNumberGenerator.GetInt32(1_000_000) * 100_000L;
            const int W = WarmupPushes;
            var all = W + options.Pushes;
            var orders = new FakeOrder[all];
            var bodies = new byte[all][];
            var signs = new string[all];
            var index = new Dictionary<string, int>(all);
            for (var i = 0; i < all; i++)
            {
                var id = (prefix + i).ToString(CultureInfo.InvariantCulture);
                orders[i] = fake.NewOrder(id, OrderStatus.Paid, now.AddSeconds(-5), now.AddSeconds(-5), Sku, 1 + i % 3, 29.90m);
                var data = JsonSerializer.Serialize(new { p_id = id, s_ids = new[] { id }, shop_id = 4463798, order_status = 2, pay_type = 1, pay_time = now.ToUnixTimeSeconds() });
                bodies[i] = JsonSerializer.SerializeToUtf8Bytes(new[] { new { tag = "101", msg_id = $"{id}-101", data } });
                signs[i] = Convert.ToHexStringLower(MD5.HashData([.. Encoding.UTF8.GetBytes(AppKey), .. bodies[i], .. Encoding.UTF8.GetBytes(AppSecret)]));
                index[id] = i;
            }
            receiver.Index = index;

            var hook = new Uri(server.BaseAddress, $"hooks/douyin/{ShopCode}");
            var sendStart = new long[all];
            var answered = new long[all];
            var polled = new ConcurrentDictionary<int, double>();
            var errors = 0;
            var errorSamples = new ConcurrentQueue<string>();
            var maxLag = 0.0;
            var gate = new SemaphoreSlim(MaxInFlight);
            var period = Stopwatch.Frequency / (double)options.Rate;

            // Sends pushes from..to-1 on the open-loop schedule; answers the start time.
            async Task<long> SendAsync(int from, int to)
            {
                var inFlight = new List<Task>();
                var t0 = Stopwatch.GetTimestamp();
                for (var i = from; i < to; i++)
                {
                    var due = t0 + (long)((i - from) * period);
                    var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
                    if (wait > TimeSpan.FromMilliseconds(1)) await Task.Delay(wait, ct);
                    await gate.WaitAsync(ct);
                    var n = i;
                    var order = orders[n];
                    shop.Put(order);
                    var start = Stopwatch.GetTimestamp();
                    if (n >= W) maxLag = Math.Max(maxLag, Stopwatch.GetElapsedTime(due, start).TotalMilliseconds);
                    sendStart[n] = start;
                    inFlight.Add(Task.Run(async () =>
                    {
                        try
                        {
                            using var request = new HttpRequestMessage(HttpMethod.Post, hook) { Content = new ByteArrayContent(bodies[n]) };
                            request.Content.Headers.ContentType = new("application/json");
                            request.Headers.Add("event-sign", signs[n]);
                            request.Headers.Add("event", "101");
                            using var response = await http.SendAsync(request, ct);
                            var text = await response.Content.ReadAsStringAsync(ct);
                            answered[n] = Stopwatch.GetTimestamp();
                            if (response.StatusCode != HttpStatusCode.OK)
                            {
                                Interlocked.Increment(ref errors);
                                if (errorSamples.Count < 5) errorSamples.Enqueue($"{(int)response.StatusCode} {text[..Math.Min(200, text.Length)]}");
                            }
                        }
                        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
                        {
                            Interlocked.Increment(ref errors);
                            if (errorSamples.Count < 5) errorSamples.Enqueue(ex.Message);
                        }
                        finally { gate.Release(); }
                    }, CancellationToken.None));
                }
                await Task.WhenAll(inFlight);
                return t0;
            }

            // Visibility through the API, for every PollEvery-th order, by one poller: every PollIntervalMs it asks
            // GET /api/v1/orders?q={platformOrderId} for each sampled order pushed and not yet listed, the oldest first
            // and at most MaxPollsPerTick of them, so that the benchmark's own load stays bounded however far the server
            // falls behind (a sampled order then waits its turn, which can only make its latency look worse).
            // An order is visible at the answer that first lists it.
            async Task WatchAsync(CancellationToken stop)
            {
                var next = W;
                var waiting = new List<int>();
                while (!stop.IsCancellationRequested)
                {
                    for (; next < all && sendStart[next] != 0; next++)
                        if ((next - W) % PollEvery == 0) waiting.Add(next);
                    foreach (var n in waiting.Take(MaxPollsPerTick).ToList())
                    {
                        try
                        {
                            var uri = new Uri(server.BaseAddress, $"api/v1/orders?q={orders[n].PlatformOrderId}&limit=1");
                            using var doc = await http.GetFromJsonAsync<JsonDocument>(uri, ct);
                            if (doc!.RootElement.GetProperty("items").GetArrayLength() == 0) continue;
                            polled[n] = Stopwatch.GetElapsedTime(sendStart[n]).TotalMilliseconds;
                            waiting.Remove(n);
                        }
                        catch (HttpRequestException) { }
                    }
                    try { await Task.Delay(PollIntervalMs, stop); } catch (OperationCanceledException) { break; }
                }
            }

            // Waits until the webhooks of the first `count` orders have arrived, giving up after 30 s without progress.
            async Task WaitForWebhooksAsync(int count)
            {
                var lastCount = -1;
                var lastProgress = Stopwatch.StartNew();
                while (receiver.Distinct < count && lastProgress.Elapsed < TimeSpan.FromSeconds(30))
                {
                    if (receiver.Distinct != lastCount) { lastCount = receiver.Distinct; lastProgress.Restart(); }
                    await Task.Delay(50, ct);
                }
            }

            Console.WriteLine($"Warm-up: {W} pushes at {options.Rate:N0}/s (not reported)...");
            await SendAsync(0, W);
            await WaitForWebhooksAsync(W);
            var warmupErrors = errors;
            errors = 0;
            GC.Collect();
            await Task.Delay(1000, ct);

            var resetPeak = ProcStats.ResetPeak(server.Pid);
            long peakSampled = 0;
            using var samplerStop = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                while (!samplerStop.IsCancellationRequested)
                {
                    if (ProcStats.Memory(server.Pid) is { } m) peakSampled = Math.Max(peakSampled, m.Rss);
                    try { await Task.Delay(50, samplerStop.Token); } catch (OperationCanceledException) { break; }
                }
            }, CancellationToken.None);

            var serverCpu0 = ProcStats.ProcessCpuSeconds(server.Pid);
            Console.WriteLine($"Sending {options.Pushes:N0} pushes at {options.Rate:N0}/s (at most {MaxInFlight} in flight)...");
            using var watchStop = new CancellationTokenSource();
            var watcher = Task.Run(() => WatchAsync(watchStop.Token), CancellationToken.None);
            var t0 = await SendAsync(W, all);
            var sendSeconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            Console.WriteLine($"  sent in {sendSeconds:0.0} s ({options.Pushes / sendSeconds:N0} pushes/s), {errors} answers not 200; waiting for the webhooks...");
            await WaitForWebhooksAsync(all);
            // The last orders' listing may come just after their webhook; give the poller a moment to see them all.
            var sampled = (options.Pushes + PollEvery - 1) / PollEvery;
            for (var wait = Stopwatch.StartNew(); polled.Count < sampled && wait.Elapsed < TimeSpan.FromSeconds(10);) await Task.Delay(50, ct);
            await watchStop.CancelAsync();
            await watcher;
            var notListed = sampled - polled.Count;
            var allSeconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            var serverCpu = ProcStats.ProcessCpuSeconds(server.Pid) - serverCpu0;
            await samplerStop.CancelAsync();
            await sampler;
            var peak = Math.Max(ProcStats.Memory(server.Pid)?.Peak ?? 0, peakSampled);
            await Task.Delay(2000, ct); // late duplicates, if any

            // Latencies: webhook arrival − push send start; polled visibility for the sample.
            var arrivals = receiver.Arrivals;
            var hookLatencies = new List<double>(options.Pushes);
            for (var i = W; i < all; i++)
                if (arrivals.TryGetValue(i, out var at)) hookLatencies.Add(Stopwatch.GetElapsedTime(sendStart[i], at).TotalMilliseconds);
            var pollLatencies = polled.Values.ToList();
            var answerMs = Enumerable.Range(W, options.Pushes).Where(i => answered[i] != 0).Select(i => Stopwatch.GetElapsedTime(sendStart[i], answered[i]).TotalMilliseconds).ToList();
            var lastArrival = arrivals.Count > 0 ? arrivals.Values.Max() : t0;

            // Exactly once: webhook receipts, and the orders of the shop through the API.
            var listed = await CountShopOrdersAsync(http, server, ct);
            var created = await server.CreatedOrdersAsync(http, ct);
            var pulled = await PulledAsync(http, server, ct);
            var verified = receiver.Distinct == all && receiver.Duplicates == 0 && receiver.Unknown == 0 && listed == all && created == all && warmupErrors == 0;
            var verification = $"{(verified ? "Verified" : "MISMATCH")}: {all:N0} pushes sent ({W} warm-up, {warmupErrors} of them not answered 200), {receiver.Distinct:N0} distinct orders announced by order.created webhooks " +
                               $"({receiver.Duplicates} duplicate, {receiver.Unknown} unknown), {listed:N0} orders of shop {ShopCode} listed by GET /api/v1/orders?shop={ShopCode}, " +
                               $"{created:N0} created by the server (ordo_orders_accepted_total{{outcome=\"created\"}}); orders pulled by the shop's pull: {pulled}.";
            var run = new SyncRun(title, description, options.Pushes, errors, errorSamples.ToList(), sendSeconds, options.Pushes / sendSeconds,
                hookLatencies.Count / Math.Max(1e-9, Stopwatch.GetElapsedTime(t0, lastArrival).TotalSeconds),
                Stats(hookLatencies), Stats(pollLatencies), pollLatencies.Count, notListed, Stats(answerMs), maxLag, peak, resetPeak,
                serverCpu / allSeconds, verified, verification, background, null!);
            run = run with { Target = Target(run) };
            Console.WriteLine($"  {Line(run)}");
            workspace.Keep = !verified || errors > 0;
            if (workspace.Keep) Console.Error.WriteLine($"Keeping {workDir} (server log: {server.LogFile}) for inspection.");
            return run;
        }
        catch when (!ct.IsCancellationRequested)
        {
            workspace.Keep = true;
            Console.Error.WriteLine($"Keeping {workDir} for inspection.");
            throw;
        }
    }

    private static async Task<long> CountShopOrdersAsync(HttpClient http, OrdoServerProcess server, CancellationToken ct)
    {
        long count = 0;
        string? cursor = null;
        do
        {
            var uri = new Uri(server.BaseAddress, $"api/v1/orders?shop={ShopCode}&limit=200" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)));
            using var doc = await http.GetFromJsonAsync<JsonDocument>(uri, ct);
            count += doc!.RootElement.GetProperty("items").GetArrayLength();
            cursor = doc.RootElement.TryGetProperty("nextCursor", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
        } while (cursor is not null);
        return count;
    }

    private static async Task<string> PulledAsync(HttpClient http, OrdoServerProcess server, CancellationToken ct)
    {
        using var response = await http.GetAsync(new Uri(server.BaseAddress, $"api/v1/shops/{ShopCode}/sync"), ct);
        if (!response.IsSuccessStatusCode) return $"unknown ({(int)response.StatusCode})";
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        return doc.RootElement.TryGetProperty("ordersPulled", out var p) ? p.GetRawText() : "unknown";
    }

    private static async Task CreateAsync(HttpClient http, OrdoServerProcess server, string path, object body, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync(new Uri(server.BaseAddress, path), body, ct);
        if (response.StatusCode != HttpStatusCode.Created)
            throw new BenchmarkException($"POST /{path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
    }

    private static LatencyStats Stats(List<double> values)
    {
        if (values.Count == 0) return new LatencyStats(0, double.NaN, double.NaN, double.NaN, double.NaN);
        values.Sort();
        double P(double q) => values[Math.Min(values.Count - 1, (int)Math.Ceiling(q * values.Count) - 1)];
        return new LatencyStats(values.Count, P(0.50), P(0.90), P(0.99), values[^1]);
    }

    private static TargetResult Target(SyncRun r)
    {
        var pass = r.Webhook.P99 < TargetP99Ms && r.Polled.Count > 0 && r.NotListed == 0 && r.Polled.P99 < TargetP99Ms && r.SendRate >= TargetRate * 0.98 && r.Verified && r.PushErrors == 0;
        return new TargetResult(r.Title, $"push → order visible p99 < {TargetP99Ms:0} ms at {TargetRate:0} pushes/s",
            pass, string.Create(CultureInfo.InvariantCulture, $"webhook p99 {r.Webhook.P99:0} ms, polled p99 {r.Polled.P99:0} ms at {r.SendRate:0} pushes/s") +
                  (r.Verified ? "" : ", orders not created exactly once") + (r.PushErrors > 0 ? $", {r.PushErrors} pushes not answered 200" : ""));
    }

    private static string Line(SyncRun r) => string.Create(CultureInfo.InvariantCulture,
        $"webhook p50 {r.Webhook.P50:0} ms p90 {r.Webhook.P90:0} ms p99 {r.Webhook.P99:0} ms max {r.Webhook.Max:0} ms; polled (n={r.Polled.Count}) p50 {r.Polled.P50:0} p99 {r.Polled.P99:0} max {r.Polled.Max:0} ms; " +
        $"push answer p99 {r.Answer.P99:0.0} ms; peak RSS {r.PeakRssBytes / 1e6:0} MB");

    public static string Table(SyncRun r)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("| Measure | Samples | p50 (ms) | p90 (ms) | p99 (ms) | Max (ms) |");
        sb.AppendLine("|---|--:|--:|--:|--:|--:|");
        void Row(string name, LatencyStats s) => sb.AppendLine(string.Create(inv, $"| {name} | {s.Count:N0} | {s.P50:0} | {s.P90:0} | {s.P99:0} | {s.Max:0} |"));
        Row("push → order.created webhook received", r.Webhook);
        Row($"push → order found by GET /api/v1/orders?q= (every {PollEvery}th order, one poller every {PollIntervalMs} ms)", r.Polled);
        sb.AppendLine(string.Create(inv, $"| push answered (200) | {r.Answer.Count:N0} | {r.Answer.P50:0.0} | {r.Answer.P90:0.0} | {r.Answer.P99:0.0} | {r.Answer.Max:0.0} |"));
        sb.AppendLine();
        sb.AppendLine("| Pushes sent | Answers not 200 | Orders created | Push rate achieved (/s) | Orders announced (/s) | Server CPU (cores) | Server peak RSS (MB) |");
        sb.AppendLine("|--:|--:|--:|--:|--:|--:|--:|");
        sb.AppendLine(string.Create(inv, $"| {r.Pushes:N0} | {r.PushErrors:N0} | {r.Webhook.Count:N0} | {r.SendRate:N0} | {r.DeliveryRate:N0} | {r.ServerCores:0.00} | {r.PeakRssBytes / 1e6:0} |"));
        return sb.ToString().TrimEnd();
    }

    private string Section(MachineInfo machine, DateTimeOffset started, TimeSpan elapsed, IReadOnlyList<SyncRun> runs)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = Report.SectionStart(SectionHeading, options.CommandLine, started, elapsed, machine,
            "The benchmark (pusher, fake platform API and webhook receiver) runs on the same machine as the server and competes with it for the same cores.");
        sb.AppendLine("How: per database a fresh Ordo server (Release build, default configuration: jobs on, default logging) on a free loopback port " +
                      "with an empty database; a fake Douyin open API (`src/Ordo.Simulator`, `DouyinFake` in `FakePlatformHost`) on another loopback port; " +
                      "a douyin shop connected to it (`apiBaseUrl` = the fake, `pushEnabled`, a one-day pull interval so that orders arrive only through their push); " +
                      "a webhook subscription for `order.created` to a receiver in the benchmark (Kestrel on loopback, answers 200 at once). " +
                      string.Create(inv, $"Then {options.Pushes:N0} Douyin pushes (`POST /hooks/douyin/{ShopCode}`, one id-only message `tag` 101 each, signed with `event-sign`), each naming a new order ") +
                      string.Create(inv, $"that is put into the fake shop just before its push, sent on a steady open-loop schedule of {options.Rate:N0} per second ") +
                      string.Create(inv, $"(at most {MaxInFlight} in flight, HTTP/1.1 keep-alive); the server keeps each message, queues a fetch job, fetches the order with `order.orderDetail` from the fake and takes it in, ") +
                      string.Create(inv, $"which queues the webhook. A warm-up of {WarmupPushes} pushes at the same rate goes first and is not reported. ") +
                      "**Webhook latency** is the receiver's arrival time of the order's `order.created` delivery minus the push's send start: an upper bound on when the order is visible in the API, " +
                      "since the webhook is sent after the order is committed. **Polled latency** checks visibility directly: " +
                      string.Create(inv, $"every {PollEvery}th order is looked for with GET /api/v1/orders?q={{platformOrderId}} by one poller that, every {PollIntervalMs} ms, asks for the sampled orders pushed and not yet found, ") +
                      string.Create(inv, $"oldest first and at most {MaxPollsPerTick} per round (so that the benchmark's own load stays bounded when the server falls behind); an order's latency is the first answer listing it minus its push's send start. ") +
                      "Every order must be created exactly once: every push id announced by exactly one webhook, and the shop's order count through GET /api/v1/orders?shop= and the server's created counter equal to the pushes. " +
                      "Server peak RSS is VmHWM (reset before the pushes); server CPU is the average cores busy from the first push to the last webhook.");
        Report.ServerEnvironmentNote(sb, options.ServerEnvironment);
        foreach (var run in runs)
        {
            Report.RunStart(sb, run.Title, run.Database, Table(run), run.Verification);
            sb.AppendLine(string.Create(inv, $"Sending took {run.SendSeconds:0.0} s; the latest push started {run.MaxScheduleLagMs:0} ms after its scheduled time."));
            if (run.NotListed > 0) sb.AppendLine(string.Create(inv, $"{run.NotListed} sampled orders were never found by the poller."));
            if (run.PushErrors > 0) sb.AppendLine($"Push errors, e.g.: {string.Join("; ", run.ErrorSamples.Select(e => $"`{e}`"))}.");
            if (!run.PeakIsReset) sb.AppendLine("Note: the peak RSS could not be reset before the pushes, so it is the peak since the server started.");
            var busy = run.BackgroundLoad > 0.15 ? " (something else was running: figures are worse than on a quiet machine)" : "";
            sb.AppendLine(string.Create(inv, $"Machine load just before the run: {run.BackgroundLoad:0.00} cores busy{busy}."));
            sb.AppendLine();
            sb.AppendLine($"- **{(run.Target.Pass ? "PASS" : "MISS")}** {run.Target.Target}: {run.Target.Measured}");
        }
        return sb.ToString().TrimEnd() + "\n";
    }
}

public sealed record LatencyStats(int Count, double P50, double P90, double P99, double Max);

public sealed record SyncRun(
    string Title, string Database, int Pushes, int PushErrors, IReadOnlyList<string> ErrorSamples, double SendSeconds, double SendRate, double DeliveryRate,
    LatencyStats Webhook, LatencyStats Polled, int PolledCount, int NotListed, LatencyStats Answer, double MaxScheduleLagMs, long PeakRssBytes, bool PeakIsReset,
    double ServerCores, bool Verified, string Verification, double BackgroundLoad, TargetResult Target);

/// <summary>Receives Ordo's webhook deliveries on loopback and records when each order's order.created arrived.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<int, long> _arrivals = new();
    private readonly ConcurrentDictionary<string, byte> _events = new();
    private int _duplicates;
    private int _unknown;

    private WebhookReceiver(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";
    /// <summary>platformOrderId → push number.</summary>
    public IReadOnlyDictionary<string, int> Index { get; set; } = new Dictionary<string, int>();
    public IReadOnlyDictionary<int, long> Arrivals => _arrivals;
    public int Distinct => _arrivals.Count;
    public int Duplicates => Volatile.Read(ref _duplicates);
    public int Unknown => Volatile.Read(ref _unknown);

    public static async Task<WebhookReceiver> StartAsync(CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.Run(async http =>
        {
            var arrived = Stopwatch.GetTimestamp();
            using var doc = await JsonDocument.ParseAsync(http.Request.Body, default(JsonDocumentOptions), http.RequestAborted);
            receiver.Record(doc.RootElement, arrived);
            http.Response.StatusCode = 200;
        });
        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = address.TrimEnd('/') + "/ordo-webhook";
        return receiver;
    }

    private void Record(JsonElement body, long arrived)
    {
        if (body.GetProperty("type").GetString() != "order.created") return;
        var eventId = body.GetProperty("id").GetString()!;
        if (!_events.TryAdd(eventId, 0)) return; // the same event again (at least once): not a second order
        var id = body.GetProperty("order").GetProperty("platformOrderId").GetString();
        if (id is null || !Index.TryGetValue(id, out var n)) { Interlocked.Increment(ref _unknown); return; }
        if (!_arrivals.TryAdd(n, arrived)) Interlocked.Increment(ref _duplicates);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
