using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Ordo.Server.Tests.Infrastructure;

/// <summary>
/// A real Ordo server process (the built <c>Ordo.Server.dll</c>, as deployed), on a free loopback port, configured
/// through environment variables. Used where "several instances" must really be several processes.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _output = new();

    private ServerProcess(Process process, string baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }
    public string Output { get { lock (_output) return _output.ToString(); } }

    public static string ServerDll()
    {
        // tests/Ordo.Server.Tests/bin/<Configuration>/net10.0/ → src/Ordo.Server/bin/<Configuration>/net10.0/Ordo.Server.dll
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        var configuration = dir.Parent!.Name;
        var root = dir;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Ordo.slnx"))) root = root.Parent;
        if (root is null) throw new InvalidOperationException("cannot find the repository root (Ordo.slnx) above " + AppContext.BaseDirectory);
        var dll = Path.Combine(root.FullName, "src", "Ordo.Server", "bin", configuration, "net10.0", "Ordo.Server.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("build src/Ordo.Server first", dll);
    }

    /// <summary>The settings of an instance on <paramref name="database"/> (PostgreSQL), with the test admin key and fast job polling; callers add their own.</summary>
    public static Dictionary<string, string> PostgresEnvironment(TestDatabase database) => new()
    {
        ["Ordo__Database__Provider"] = "postgres",
        ["ConnectionStrings__Ordo"] = database.ConnectionString,
        ["Ordo__DemoData"] = "false",
        ["Ordo__Bootstrap__ApiKey"] = OrdoHost.AdminKey,
        ["Ordo__Jobs__PollIntervalMilliseconds"] = "100",
        ["Logging__LogLevel__Default"] = "Warning",
        // Every instance on one database needs the same personal-data keys (a key file per working directory would not do).
        ["Ordo__PersonalData__Keys__k1__Key"] = PersonalDataKey,
        ["Ordo__PersonalData__IndexKey"] = PersonalDataKey,
    };

    private static readonly string PersonalDataKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    /// <summary>A client of this instance with the test admin key.</summary>
    public HttpClient AdminClient()
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(120) };
        client.DefaultRequestHeaders.Add("X-Api-Key", OrdoHost.AdminKey);
        return client;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task<ServerProcess> StartAsync(IDictionary<string, string> environment)
    {
        var port = FreePort();
        var url = $"http://127.0.0.1:{port}";
        var info = new ProcessStartInfo("dotnet", [ServerDll(), "--urls", url])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var (k, v) in environment) info.Environment[k] = v;
        var process = Process.Start(info)!;
        var server = new ServerProcess(process, url);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (server._output) server._output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (server._output) server._output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var until = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"Ordo server exited with {process.ExitCode}:\n{server.Output}");
            try
            {
                if ((await probe.GetAsync(url + "/healthz")).IsSuccessStatusCode) return server;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            if (DateTime.UtcNow > until) throw new TimeoutException($"Ordo server did not become healthy:\n{server.Output}");
            await Task.Delay(200);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
