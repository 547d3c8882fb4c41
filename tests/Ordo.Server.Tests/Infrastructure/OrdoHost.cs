using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Ordo.Server.Tests.Infrastructure;

/// <summary>
/// An Ordo server in the test process on a fresh database, entered the way production is: HTTP with an API key.
/// Jobs poll fast and webhook retries are short so tests wait for side effects in seconds.
/// </summary>
public class OrdoHost : IAsyncLifetime
{
    public const string AdminKey = "ordo_test_admin_key_0123456789abcdef";

    private readonly Db _kind;
    private readonly TestDatabase? _sharedDatabase;
    private WebApplicationFactory<OrdoServer>? _factory;

    protected OrdoHost(Db kind) => _kind = kind;

    /// <summary>A host on a database that outlives it (e.g. to start Ordo again on the same data); the caller disposes it.</summary>
    protected OrdoHost(TestDatabase database)
    {
        _kind = database.Kind;
        _sharedDatabase = database;
    }

    public TestDatabase Database { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;
    public Db Kind => _kind;

    /// <summary>Extra settings for a derived host (e.g. a smaller webhook attempt budget).</summary>
    protected virtual IEnumerable<KeyValuePair<string, string>> Settings => [];

    /// <summary>
    /// True: Kestrel on a free 127.0.0.1 port instead of the in-memory test server, for code that calls the server's
    /// own address (the demo simulation); <see cref="Client"/> then talks to that port.
    /// </summary>
    protected virtual bool ListensOnLoopback => false;

    /// <summary>Further setup of the web host by a derived host (e.g. a logger provider that captures the log).</summary>
    protected virtual void ConfigureWebHost(IWebHostBuilder builder) { }

    /// <summary>The running server's services.</summary>
    public IServiceProvider Services => _factory!.Services;

    /// <summary>False when this host's database is not available here (PostgreSQL without ORDO_TEST_PG).</summary>
    public bool Available { get; private set; }

    /// <summary>Skips (or, in CI, fails) the calling test when the database is not available.</summary>
    public void EnsureAvailable()
    {
        if (!Available) TestDatabase.RequirePostgres();
    }

    public virtual async ValueTask InitializeAsync()
    {
        if (_kind == Db.Postgres && string.IsNullOrEmpty(TestDatabase.PostgresServer)) return;
        Available = true;
        Database = _sharedDatabase ?? await TestDatabase.CreateAsync(_kind);
        var settings = new Dictionary<string, string>
        {
            ["Ordo:Database:Provider"] = Database.Provider,
            ["ConnectionStrings:Ordo"] = Database.ConnectionString,
            ["Ordo:DemoData"] = "false",
            ["Ordo:Bootstrap:ApiKey"] = AdminKey,
            ["Ordo:DataDirectory"] = Path.Combine(Path.GetTempPath(), "ordo-test-data-" + Guid.NewGuid().ToString("N")),
            ["Ordo:Jobs:PollIntervalMilliseconds"] = "100",
            ["Ordo:Webhooks:BaseDelaySeconds"] = "0.2",
            ["Ordo:Webhooks:MaxDelaySeconds"] = "1",
            ["Ordo:Webhooks:MaxAttempts"] = "40",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        if (ListensOnLoopback) settings[WebHostDefaults.ServerUrlsKey] = "http://127.0.0.1:0";
        foreach (var (k, v) in Settings) settings[k] = v;
        _factory = new WebApplicationFactory<OrdoServer>().WithWebHostBuilder(b =>
        {
            foreach (var (k, v) in settings) b.UseSetting(k, v);
            ConfigureWebHost(b);
        });
        if (ListensOnLoopback) _factory.UseKestrel();
        Client = NewClient(AdminKey);
        (await Client.GetAsync("/healthz")).EnsureSuccessStatusCode();
    }

    /// <param name="followRedirects">False for tests that check a redirect itself (console forms).</param>
    public HttpClient NewClient(string? apiKey, bool followRedirects = true)
    {
        // CreateClient() knows the Kestrel port when the host listens on loopback; options must carry that base address.
        var client = followRedirects
            ? _factory!.CreateClient()
            : _factory!.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = _factory.CreateClient().BaseAddress! });
        if (apiKey is not null) client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        return client;
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (_factory is not null) await _factory.DisposeAsync();
        if (Database is not null && _sharedDatabase is null) await Database.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    // ---- helpers used by many tests ----

    public async Task EnsureShopAsync(string platform, string code)
    {
        var response = await Client.PostAsJsonAsync("/api/v1/shops", new { platform, code, name = code });
        if (response.StatusCode is not (System.Net.HttpStatusCode.Created or System.Net.HttpStatusCode.Conflict))
            throw new InvalidOperationException($"creating shop {code}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public async Task EnsureSkuAsync(string code)
    {
        var response = await Client.PostAsJsonAsync("/api/v1/skus", new { code, name = code });
        if (response.StatusCode is not (System.Net.HttpStatusCode.Created or System.Net.HttpStatusCode.Conflict))
            throw new InvalidOperationException($"creating SKU {code}: {response.StatusCode}");
    }

    public Task<HttpResponseMessage> PostJsonAsync(string url, string json) =>
        Client.PostAsync(url, new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json")));

    public Task<HttpResponseMessage> PostOrderAsync(JsonObject order) => PostJsonAsync("/api/v1/orders", order.ToJsonString());

    public async Task<JsonObject> GetJsonAsync(string url)
    {
        var response = await Client.GetAsync(url);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"GET {url}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public async Task<HttpResponseMessage> ActAsync(string orderNo, string action, object? body = null) =>
        await Client.PostAsync($"/api/v1/orders/{orderNo}/{action}",
            new StringContent(JsonSerializer.Serialize(body ?? new { }), Encoding.UTF8, "application/json"));
}

public static class Json
{
    public static async Task<JsonObject> ReadObjectAsync(this HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
}

public sealed class SqliteHost() : OrdoHost(Db.Sqlite);
public sealed class PostgresHost() : OrdoHost(Db.Postgres);
