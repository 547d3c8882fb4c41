using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Ordo.Bench;

/// <summary>
/// An Ordo server started for one benchmark run: fresh database, no demo data, a bootstrap admin key, jobs on,
/// default logging (its console output goes to a file so that the load generator does not pay for reading it).
/// </summary>
public sealed class OrdoServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private bool _stopped;

    private OrdoServerProcess(Process process, int port, string logFile)
    {
        _process = process;
        Port = port;
        LogFile = logFile;
    }

    public int Pid => _process.Id;
    public int Port { get; }
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");
    public string LogFile { get; }

    public static async Task<OrdoServerProcess> StartAsync(
        string serverDll, string workDir, IReadOnlyDictionary<string, string> environment, HttpClient http, CancellationToken ct)
    {
        var port = PostgresCluster.FreePort();
        var logFile = Path.Combine(workDir, "server.log");
        // sh exec's dotnet, so the pid we hold is the server's own (for /proc readings), with output going straight to a file.
        var psi = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            WorkingDirectory = workDir,
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("exec \"$0\" \"$@\" >>\"$ORDO_BENCH_LOG\" 2>&1");
        psi.ArgumentList.Add(DotnetHost());
        psi.ArgumentList.Add(serverDll);
        psi.ArgumentList.Add("--urls");
        psi.ArgumentList.Add($"http://127.0.0.1:{port}");

        // Start from our environment minus anything that would configure Ordo or ASP.NET Core behind our back.
        foreach (var key in psi.Environment.Keys.ToList())
            if (key.StartsWith("Ordo__", StringComparison.OrdinalIgnoreCase) || key.StartsWith("ConnectionStrings__", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith("Logging__", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase) || key is "DOTNET_ENVIRONMENT" or "DOTNET_URLS")
                psi.Environment.Remove(key);
        psi.Environment["ORDO_BENCH_LOG"] = logFile;
        psi.Environment["DOTNET_ENVIRONMENT"] = "Production";
        foreach (var (k, v) in environment) psi.Environment[k] = v;

        var process = Process.Start(psi) ?? throw new BenchmarkException("could not start the Ordo server");
        var server = new OrdoServerProcess(process, port, logFile);
        try
        {
            await server.WaitHealthyAsync(http, TimeSpan.FromSeconds(60), ct);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private async Task WaitHealthyAsync(HttpClient http, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        string last = "no answer";
        while (deadline.Elapsed < timeout)
        {
            ct.ThrowIfCancellationRequested();
            if (_process.HasExited)
                throw new BenchmarkException($"the Ordo server exited with code {_process.ExitCode} while starting; its output:\n{Tail(LogFile)}");
            try
            {
                using var response = await http.GetAsync(new Uri(BaseAddress, "healthz"), ct);
                if (response.IsSuccessStatusCode) return;
                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}";
            }
            catch (HttpRequestException ex) { last = ex.Message; }
            await Task.Delay(100, ct);
        }
        throw new BenchmarkException($"the Ordo server did not become healthy within {timeout.TotalSeconds:0} s (last: {last}); its output:\n{Tail(LogFile)}");
    }

    /// <summary>Ordo's own count of orders it created (Prometheus counter <c>ordo_orders_accepted_total{outcome="created"}</c>).</summary>
    public async Task<long> CreatedOrdersAsync(HttpClient http, CancellationToken ct)
    {
        var text = await http.GetStringAsync(new Uri(BaseAddress, "metrics"), ct);
        long total = 0;
        foreach (var line in text.Split('\n'))
            if (line.StartsWith("ordo_orders_accepted_total{", StringComparison.Ordinal) && line.Contains("outcome=\"created\"", StringComparison.Ordinal))
                total += (long)double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        return total;
    }

    /// <summary>The newest order through the API (proves the orders are readable, not only counted).</summary>
    public async Task<string?> NewestPlatformOrderIdAsync(HttpClient http, CancellationToken ct)
    {
        using var doc = await http.GetFromJsonAsync<JsonDocument>(new Uri(BaseAddress, "api/v1/orders?limit=1"), ct);
        var items = doc!.RootElement.GetProperty("items");
        return items.GetArrayLength() == 0 ? null : items[0].GetProperty("platformOrderId").GetString();
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopped) return;
        _stopped = true;
        try
        {
            if (!_process.HasExited)
            {
                // SIGTERM: ASP.NET Core shuts down gracefully (SQLite closes its WAL); kill if it takes too long.
                await PostgresCluster.Exec("kill", ["-TERM", Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)], CancellationToken.None);
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                try { await _process.WaitForExitAsync(wait.Token); }
                catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); await _process.WaitForExitAsync(); }
            }
        }
        finally { _process.Dispose(); }
    }

    public static string Tail(string file, int lines = 30)
    {
        if (!File.Exists(file)) return "(no output)";
        var all = File.ReadAllLines(file);
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }

    /// <summary>The dotnet host: the one running us when we run under it, else DOTNET_HOST_PATH, DOTNET_ROOT or PATH.</summary>
    private static string DotnetHost()
    {
        if (Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)) return host;
        if (Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } root && File.Exists(Path.Combine(root, "dotnet")))
            return Path.Combine(root, "dotnet");
        return "dotnet";
    }
}
