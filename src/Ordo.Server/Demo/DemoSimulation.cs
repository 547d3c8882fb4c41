using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Ordo.Core.Orders;
using Ordo.Data;
using Ordo.Data.Catalogue;
using Ordo.Server.Configuration;
using Ordo.Simulator;
using Ordo.Simulator.Platforms;

namespace Ordo.Server.Demo;

/// <summary>
/// The demo mode's live orders. When <see cref="OrdoOptions.RunsDemoSimulation"/> holds, the simulator's fake platforms
/// run inside this process on loopback ports and <see cref="Simulation"/> drives orders from them into this server
/// through its own HTTP address, as any client would: API calls with the admin key (<c>Ordo:Bootstrap:ApiKey</c>, or
/// the key file written on first start), pushes signed as each platform signs them, pulls by the job runner. It runs
/// until the server stops. Its shops (<c>DEMO-TB</c>, <c>DEMO-JD</c>, …) are its own, beside the demo data's shops,
/// and are reconnected on every start, because the fakes and their ports live only as long as the process; the
/// fakes' orders are kept in the data directory from one run to the next.
/// </summary>
public sealed partial class DemoSimulation(
    IServer server, IHostApplicationLifetime lifetime, OrdoDatabase database, IOptions<OrdoOptions> options, TimeProvider clock,
    ILogger<DemoSimulation> log) : IHostedService, IAsyncDisposable
{
    /// <summary>About one order every 2 s across all shops: slow enough to watch the order list grow.</summary>
    public const double OrdersPerSecond = 0.5;
    public const string ShopPrefix = "DEMO";
    private static readonly TimeSpan SummaryInterval = TimeSpan.FromMinutes(1);
    /// <summary>Pause before the traffic resumes after Ordo did not answer (e.g. a long SQLite write).</summary>
    private static readonly TimeSpan ResumeAfter = TimeSpan.FromSeconds(10);

    private readonly CancellationTokenSource _stopping = new();
    private HttpClient? _http;
    private Simulation? _simulation;
    private Task _running = Task.CompletedTask;
    private readonly Lock _stopGate = new();
    private Task? _stopped;

    /// <summary>The fake platforms' base URLs by shop code while the simulation runs; empty when it is off or stopped.</summary>
    public IReadOnlyDictionary<string, Uri> FakePlatformUrls => _simulation?.ApiBaseUrls ?? new Dictionary<string, Uri>();

    public async Task StartAsync(CancellationToken ct)
    {
        if (!options.Value.RunsDemoSimulation(database.Provider)) return;
        if (AdminKey() is not { } key)
        {
            LogNotStarted($"no admin API key to call Ordo with (neither Ordo:Bootstrap:ApiKey nor {StartupTasks.AdminKeyFile(options.Value)}); set one, or");
            return;
        }
        _http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        _http.DefaultRequestHeaders.Add("X-Api-Key", key);
        // Credentials derived from the key stay the same across restarts, like the ports below.
        _simulation = new Simulation(_http, new SimulationOptions(null, OrdersPerSecond, ShopPrefix) { FixedShopCodes = true, CredentialSeed = key }, LogDetail);
        // The fakes start now, before the job runner and the server: on the ports their shops had last time when
        // those are free, so that pulls already due at start reach a fake instead of failing against a closed port.
        var shops = await database.ReadAsync(CatalogueStore.ListShopsAsync, ct);
        var previousPorts = shops
            .Where(s => _simulation.Shops.Any(d => d.Code == s.Code))
            .Select(s => (s.Code, Url: Uri.TryCreate(s.ApiBaseUrl, UriKind.Absolute, out var url) ? url : null))
            .Where(s => s.Url is { IsLoopback: true })
            .ToDictionary(s => s.Code, s => s.Url!.Port);
        await _simulation.StartPlatformsAsync(previousPorts, await ReadHeldOrdersAsync(ct), ct);
        // Stop the traffic as soon as shutdown begins, before the server stops answering it.
        lifetime.ApplicationStopping.Register(_stopping.Cancel);
        _running = RunAsync(_simulation, _http, _stopping.Token);
    }

    /// <summary>Stops the traffic, keeps the fakes' orders and stops the fakes; once, however often it is called (a test host calls it twice).</summary>
    public Task StopAsync(CancellationToken ct)
    {
        lock (_stopGate) return _stopped ??= StopOnceAsync(ct);
    }

    private async Task StopOnceAsync(CancellationToken ct)
    {
        await _stopping.CancelAsync();
        try
        {
            await _running.WaitAsync(ct);
            if (_simulation is { } simulation) await SaveHeldOrdersAsync(simulation, ct);
        }
        catch (OperationCanceledException) { } // the host's shutdown timeout: the fakes are stopped below anyway
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogNotSaved(HeldOrdersFile, ex.Message);
        }
        await DisposeAsync();
    }

    /// <summary>
    /// Where the fakes' orders wait between two runs. The fakes live in memory, but a push just before a stop leaves a
    /// fetch job that runs at the next start, and shipped orders are written back later: both must find the order.
    /// </summary>
    private string HeldOrdersFile => Path.GetFullPath(Path.Combine(options.Value.DataDirectory, "demo-simulation-orders.json"));

    private async Task SaveHeldOrdersAsync(Simulation simulation, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(HeldOrdersFile)!);
        await using var file = File.Create(HeldOrdersFile);
        await JsonSerializer.SerializeAsync(file, simulation.HeldOrders, cancellationToken: ct);
    }

    private async Task<Dictionary<string, List<FakeOrder>>?> ReadHeldOrdersAsync(CancellationToken ct)
    {
        if (!File.Exists(HeldOrdersFile)) return null;
        try
        {
            await using var file = File.OpenRead(HeldOrdersFile);
            var held = await JsonSerializer.DeserializeAsync<Dictionary<string, List<FakeOrder>>>(file, cancellationToken: ct);
            var since = clock.GetUtcNow() - Simulation.OpenEndedMemory;
            return held?.ToDictionary(h => h.Key, h => h.Value.Where(o => o.ModifiedAt >= since).ToList());
        }
        catch (Exception ex) when (ex is JsonException or IOException)
        {
            return null; // a damaged file costs only the fakes' memory of older orders
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_simulation is { } simulation)
        {
            _simulation = null;
            await simulation.DisposeAsync();
        }
        _http?.Dispose();
    }

    private async Task RunAsync(Simulation simulation, HttpClient http, CancellationToken ct)
    {
        try
        {
            await WhenStartedAsync(ct);
            if (OwnAddress() is not { } address)
            {
                LogNotStarted("the server has no address to call;");
                return;
            }
            http.BaseAddress = address;
            await simulation.ConnectAsync(ct);
            LogRunning(address, string.Join(", ", simulation.Shops.Select(s => $"{s.Platform.Name()} {s.Code}")), 1 / OrdersPerSecond,
                Simulation.OpenEndedCycle.TotalMinutes);

            using var done = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var summarising = SummariseAsync(simulation.Report, done.Token);
            try
            {
                while (!ct.IsCancellationRequested)
                {
                    try { await simulation.RunAsync(ct); }
                    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
                    {
                        // Ordo did not answer one call: the demo goes on after a pause rather than stopping for good.
                        LogInterrupted(ex.Message, ResumeAfter.TotalSeconds);
                        await Task.Delay(ResumeAfter, clock, ct);
                    }
                }
            }
            finally
            {
                await done.CancelAsync();
                await summarising;
            }
        }
        catch (Exception) when (ct.IsCancellationRequested) { } // the server is stopping: calls in flight are cut short
        catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or TaskCanceledException)
        {
            // Connecting failed (e.g. the key in the key file is not an admin key of this database): the server runs on.
            LogNotStarted(ex.Message + ";");
        }
        catch (Exception ex)
        {
            LogFailed(ex);
        }
    }

    private async Task WhenStartedAsync(CancellationToken ct)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        await using (ct.Register(() => started.TrySetCanceled(ct)))
            await started.Task;
    }

    /// <summary>One line a minute instead of one per order, so the console stays readable.</summary>
    private async Task SummariseAsync(SimulationReport report, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(SummaryInterval, clock);
        var (orders, updates, pushes, refused, outages) = (0, 0, 0, 0, 0);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                var now = (report.OrdersPlaced, report.Updates, report.PushesSent, report.PushesRefusedByOrdo, report.Outages);
                var outage = now.Outages > outages ? $"; fake {report.LastOutage?.Name()} was down (502) for {report.OutageSeconds} s" : "";
                LogSummary(now.PushesRefusedByOrdo > refused ? LogLevel.Warning : LogLevel.Information, now.OrdersPlaced - orders, now.Updates - updates,
                    now.PushesSent - pushes, now.PushesRefusedByOrdo - refused, outage, now.OrdersPlaced);
                (orders, updates, pushes, refused, outages) = now;
            }
        }
        catch (OperationCanceledException) { }
    }

    private string? AdminKey()
    {
        if (options.Value.Bootstrap.ApiKey is { } configured && !string.IsNullOrWhiteSpace(configured)) return configured.Trim();
        var file = StartupTasks.AdminKeyFile(options.Value);
        try
        {
            return File.Exists(file) && File.ReadAllText(file).Trim() is { Length: > 0 } key ? key : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>This server's own address, over loopback when it listens on every interface.</summary>
    private Uri? OwnAddress()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        foreach (var address in addresses.OrderBy(a => a.StartsWith("https:", StringComparison.OrdinalIgnoreCase) ? 1 : 0))
        {
            // Wildcard bindings are reported as configured (http://+:80, http://*:80, http://0.0.0.0:80, http://[::]:80).
            var text = address.Replace("://+:", "://127.0.0.1:", StringComparison.Ordinal).Replace("://*:", "://127.0.0.1:", StringComparison.Ordinal);
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri)) continue;
            var builder = new UriBuilder(uri) { Path = "/" };
            if (uri.Host is "0.0.0.0" or "[::]" or "::") builder.Host = "127.0.0.1";
            return builder.Uri;
        }
        return null; // an in-memory test server has no address to call
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo simulation running: fake platforms on 127.0.0.1 ports send about one order every {Seconds} s into {Address} (pushes and pulls, with a short outage and a burst every {CycleMinutes} min) for the shops {Shops}. Turn it off with Ordo:DemoSimulation=false (e.g. dotnet run --project src/Ordo.Server -- --Ordo:DemoSimulation=false)")]
    private partial void LogRunning(Uri address, string shops, double seconds, double cycleMinutes);

    /// <param name="level">Warning when Ordo refused pushes (see GET /api/v1/shops/{code}/push-attempts?outcome=refused).</param>
    [LoggerMessage(Message = "Demo simulation, last minute: {Orders} orders placed, {Updates} payments and cancellations, {Pushes} pushes ({Refused} refused by Ordo){Outage}; {Total} orders since start")]
    private partial void LogSummary(LogLevel level, int orders, int updates, int pushes, int refused, string outage, int total);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Demo simulation: {Line}")]
    private partial void LogDetail(string line);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Demo simulation: could not keep the fakes' orders for the next start in {File}: {Reason}")]
    private partial void LogNotSaved(string file, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Demo simulation not started: {Reason} turn it off with Ordo:DemoSimulation=false")]
    private partial void LogNotStarted(string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Demo simulation failed; the server runs on without it")]
    private partial void LogFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Demo simulation paused: Ordo did not answer ({Reason}); it goes on in {Seconds} s")]
    private partial void LogInterrupted(string reason, double seconds);
}
