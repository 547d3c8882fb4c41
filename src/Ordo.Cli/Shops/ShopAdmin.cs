using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ordo.Cli.Shops;

/// <summary>What <c>ordo shops add</c> / <c>update</c> sets; null leaves a setting out (unchanged on update).</summary>
public sealed record ShopSettings(
    string Code, string? Platform = null, string? Name = null, string? AppKey = null, string? AppSecret = null, string? AccessToken = null,
    string? ApiBaseUrl = null, int? PullIntervalSeconds = null, bool? PushEnabled = null, string? PlatformShopId = null);

/// <summary>
/// <c>ordo shops list|add|update</c>: connects shops through Ordo's API (<c>POST /api/v1/shops</c>,
/// <c>PATCH /api/v1/shops/{code}</c>). Secrets given as <c>-</c> are read from standard input, so that they stay out of
/// the shell's history and the process list; the API never returns them, and neither does this command.
/// Exit codes: 0 done; 1 Ordo failed (5xx); 2 refused (the server's reason is printed) or Ordo unreachable.
/// </summary>
public sealed class ShopAdmin(HttpClient http, TextWriter output, TextWriter error, TextReader input)
{
    public const int Done = AdminRequests.Done, ServerFailed = AdminRequests.ServerFailed, Refused = AdminRequests.Refused;

    public async Task<int> ListAsync(CancellationToken ct)
    {
        var (status, body) = await SendAsync("list", () => http.GetAsync("api/v1/shops", ct), ct);
        if (status != Done) return status;
        var shops = body!["items"]!.AsArray();
        if (shops.Count == 0)
        {
            output.WriteLine("No shops yet: ordo shops add <code> --platform <platform> --name <name>");
            return Done;
        }
        output.WriteLine($"{"CODE",-20} {"PLATFORM",-12} {"PUSH",-5} {"PULL",-8} {"SECRET",-7} {"API",-40} NAME");
        foreach (var shop in shops)
        {
            var pull = shop!["apiBaseUrl"] is null ? "-" : $"{shop["pullIntervalSeconds"]} s";
            output.WriteLine($"{shop["code"],-20} {shop["platform"],-12} {(shop["pushEnabled"]!.GetValue<bool>() ? "on" : "off"),-5} {pull,-8} " +
                             $"{(shop["hasAppSecret"]!.GetValue<bool>() ? "set" : "-"),-7} {shop["apiBaseUrl"]?.GetValue<string>() ?? "-",-40} {shop["name"]}");
        }
        return Done;
    }

    public async Task<int> AddAsync(ShopSettings settings, CancellationToken ct)
    {
        if (settings.Platform is null || settings.Name is null)
        {
            error.WriteLine("ordo shops add: --platform and --name are required");
            return Refused;
        }
        var body = Body(settings, "add");
        if (body is null) return Refused;
        body["platform"] = settings.Platform;
        body["code"] = settings.Code;
        body["name"] = settings.Name;
        var (status, shop) = await SendAsync("add", () => http.PostAsJsonAsync("api/v1/shops", body, ct), ct);
        if (status == Done) output.WriteLine($"Shop {settings.Code} ({shop!["platform"]}) added: {Describe(shop)}");
        return status;
    }

    public async Task<int> UpdateAsync(ShopSettings settings, CancellationToken ct)
    {
        var body = Body(settings, "update");
        if (body is null) return Refused;
        if (body.Count == 0)
        {
            error.WriteLine("ordo shops update: nothing to change; give at least one of --app-key, --app-secret, --access-token, --api-base-url, --pull-interval, --push, --platform-shop-id");
            return Refused;
        }
        var request = new HttpRequestMessage(HttpMethod.Patch, $"api/v1/shops/{Uri.EscapeDataString(settings.Code)}") { Content = JsonContent.Create(body) };
        var (status, shop) = await SendAsync("update", () => http.SendAsync(request, ct), ct);
        if (status == Done) output.WriteLine($"Shop {settings.Code} updated: {Describe(shop!)}");
        return status;
    }

    /// <summary>The connection settings as the API names them; null after saying why (a secret '-' with nothing on standard input).</summary>
    private JsonObject? Body(ShopSettings settings, string command)
    {
        var body = new JsonObject();
        if (settings.AppKey is not null) body["appKey"] = settings.AppKey;
        foreach (var (name, option, value) in new[] { ("appSecret", "--app-secret", settings.AppSecret), ("accessToken", "--access-token", settings.AccessToken) })
        {
            if (value is null) continue;
            var secret = value == "-" ? input.ReadLine()?.Trim() : value;
            if (string.IsNullOrEmpty(secret))
            {
                error.WriteLine($"ordo shops {command}: {option} - reads the secret from standard input, but it gave none");
                return null;
            }
            body[name] = secret;
        }
        if (settings.ApiBaseUrl is not null) body["apiBaseUrl"] = settings.ApiBaseUrl;
        if (settings.PullIntervalSeconds is { } interval) body["pullIntervalSeconds"] = interval;
        if (settings.PushEnabled is { } push) body["pushEnabled"] = push;
        if (settings.PlatformShopId is not null) body["platformShopId"] = settings.PlatformShopId;
        return body;
    }

    private static string Describe(JsonNode shop) =>
        string.Join(", ",
            shop["apiBaseUrl"] is { } api ? $"pulled every {shop["pullIntervalSeconds"]} s from {api}" : "not pulled (no apiBaseUrl)",
            shop["pushEnabled"]!.GetValue<bool>() ? $"pushes taken at {shop["pushPath"]}" : "push off",
            shop["hasAppSecret"]!.GetValue<bool>() ? "app secret set" : "no app secret");

    private Task<(int Status, JsonNode? Body)> SendAsync(string command, Func<Task<HttpResponseMessage>> send, CancellationToken ct) =>
        AdminRequests.SendAsync(http, error, "ordo shops " + command, send, ct);
}
