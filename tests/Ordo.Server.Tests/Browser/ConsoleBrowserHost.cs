using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Ordo.Server.Tests.Infrastructure;

namespace Ordo.Server.Tests.Browser;

/// <summary>
/// Ordo on a real loopback port (a browser cannot reach the in-memory test server), SQLite, with a first admin from
/// Ordo:Bootstrap and one console user per role made through the users API.
/// </summary>
public sealed class ConsoleBrowserHost() : OrdoHost(Db.Sqlite)
{
    public const string AdminEmail = "admin@browser.test";
    public const string Password = "browser-test-password";

    protected override bool ListensOnLoopback => true;

    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
    [
        new("Ordo:Bootstrap:AdminEmail", AdminEmail),
        new("Ordo:Bootstrap:AdminPassword", Password),
    ];

    public string BaseUrl => Client.BaseAddress!.ToString().TrimEnd('/');

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await EnsureSkuAsync(TestOrders.Sku);
        foreach (var role in new[] { "operations", "customer-service", "warehouse", "finance" })
        {
            var response = await Client.PostAsJsonAsync("/api/v1/users", new { email = EmailOf(role), password = Password, roles = new[] { role } });
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"adding the {role} user: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    public static string EmailOf(string role) => role == "admin" ? AdminEmail : $"{role}@browser.test";

    /// <summary>A new order on a new shop (receiver 张三, 13800138000, 环岛东路 1 号); returns its numbers.</summary>
    public async Task<(string OrderNo, string PlatformOrderId)> NewOrderAsync()
    {
        var shop = "WEB-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        await EnsureShopAsync("douyin", shop);
        var order = TestOrders.Example();
        order["shopCode"] = shop;
        var body = await (await PostOrderAsync(order)).ReadObjectAsync();
        return (body["orderNo"]!.GetValue<string>(), order["platformOrderId"]!.GetValue<string>());
    }

    public async Task<string> StatusOfAsync(string orderNo) => (await GetJsonAsync($"/api/v1/orders/{orderNo}"))["status"]!.GetValue<string>();

    public async Task<JsonArray> EventsOfAsync(string orderNo) => (await GetJsonAsync($"/api/v1/orders/{orderNo}/events"))["events"]!.AsArray();
}
