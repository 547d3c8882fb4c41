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

    public static async Task<FakePlatformHost> StartAsync(IFakePlatformApi api, FakeShop shop, TimeProvider? clock = null, CancellationToken ct = default)
    {
        var time = clock ?? TimeProvider.System;
        var (app, address) = await StartLoopbackAsync(app => app.Run(async http =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync(http.RequestAborted);
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
    internal static async Task<(WebApplication App, string Address)> StartLoopbackAsync(Action<WebApplication> configure, CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        configure(app);
        await app.StartAsync(ct);
        return (app, app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
