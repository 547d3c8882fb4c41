using System.Net;
using System.Net.Http.Json;
using Ordo.Core.Orders;
using Ordo.Simulator.Platforms;
using Shouldly;

namespace Ordo.Server.Tests.Infrastructure;

/// <summary>A fake platform on a loopback port with one shop, connected to an Ordo host as a new shop of that platform.</summary>
public sealed record ConnectedFake(string Code, Platform Platform, FakeShop Shop, FakePlatformHost Fake) : IAsyncDisposable
{
    /// <summary>Starts the platform's fake with fresh credentials (<paramref name="seed"/> fills the shop first) and connects a shop to it.</summary>
    public static async Task<ConnectedFake> StartAsync(OrdoHost host, Platform platform, Action<FakeShop>? seed = null, int pullIntervalSeconds = 10)
    {
        var shop = new FakeShop("key-" + Guid.NewGuid().ToString("N")[..6], "secret-" + Guid.NewGuid().ToString("N"), "token-" + Guid.NewGuid().ToString("N")[..10]);
        seed?.Invoke(shop);
        var fake = await FakePlatformHost.StartAsync(FakePlatforms.For(platform), shop);
        var code = platform.ChannelCode() + "-P" + Guid.NewGuid().ToString("N")[..8];
        var response = await host.Client.PostAsJsonAsync("/api/v1/shops", new
        {
            platform = platform.Name(), code, name = code, appKey = shop.AppKey, appSecret = shop.AppSecret, accessToken = shop.AccessToken,
            apiBaseUrl = fake.BaseUrl.ToString(), pullIntervalSeconds,
        });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return new ConnectedFake(code, platform, shop, fake);
    }

    public ValueTask DisposeAsync() => Fake.DisposeAsync();
}
