using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ordo.Simulator.Platforms;

/// <summary>
/// Serves one fake shop's platform API over HTTP on a free loopback port: the shop's <c>apiBaseUrl</c> in Ordo is
/// <see cref="BaseUrl"/>. Every request is passed to the platform's fake as it arrived (form bodies included).
/// </summary>
public sealed class FakePlatformHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakePlatformHost(WebApplication app, Uri baseUrl, FakeShop shop, IFakePlatformApi api)
    {
        _app = app;
        BaseUrl = baseUrl;
        Shop = shop;
        Api = api;
    }

    public Uri BaseUrl { get; }
    public FakeShop Shop { get; }
    public IFakePlatformApi Api { get; }

    /// <param name="port">The loopback port to listen on; 0, or a port that is taken: any free one.</param>
    public static async Task<FakePlatformHost> StartAsync(IFakePlatformApi api, FakeShop shop, TimeProvider? clock = null, CancellationToken ct = default, int port = 0)
    {
        if (port != 0)
        {
            try { return await StartOnAsync(api, shop, clock, port, ct); }
            catch (IOException) { } // taken (Kestrel reports "address already in use" as an IOException)
        }
        return await StartOnAsync(api, shop, clock, 0, ct);
    }

    private static async Task<FakePlatformHost> StartOnAsync(IFakePlatformApi api, FakeShop shop, TimeProvider? clock, int port, CancellationToken ct)
    {
        var time = clock ?? TimeProvider.System;
        var (app, address) = await StartLoopbackAsync(port, app => app.Run(async http =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync(http.RequestAborted);
            if (shop.Latency > TimeSpan.Zero) await Task.Delay(shop.Latency, http.RequestAborted);
            var request = new FakeRequest(http.Request.Method, http.Request.Path.Value ?? "/",
                http.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString()),
                http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body);
            var response = api.Handle(request, shop, time.GetUtcNow()) ?? new FakeResponse(404, "{\"error\":\"no such API path\"}");
            http.Response.StatusCode = response.StatusCode;
            http.Response.ContentType = response.ContentType;
            foreach (var (name, value) in response.Headers ?? new Dictionary<string, string>()) http.Response.Headers[name] = value;
            await http.Response.WriteAsync(response.Body, http.RequestAborted);
        }), ct);
        return new FakePlatformHost(app, new Uri(address.TrimEnd('/') + "/"), shop, api);
    }

    /// <summary>Starts a quiet web app on a free loopback port, set up by <paramref name="configure"/>; returns it with its <c>http://</c> address.</summary>
    internal static async Task<(WebApplication App, string Address)> StartLoopbackAsync(Action<WebApplication> configure, CancellationToken ct) =>
        await StartLoopbackAsync(0, configure, ct);

    /// <summary>Starts a small web app on 127.0.0.1:<paramref name="port"/> (0: any free port); a port that is taken throws IOException.</summary>
    internal static async Task<(WebApplication App, string Address)> StartLoopbackAsync(int port, Action<WebApplication> configure, CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        configure(app);
        try { await app.StartAsync(ct); }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        return (app, app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
