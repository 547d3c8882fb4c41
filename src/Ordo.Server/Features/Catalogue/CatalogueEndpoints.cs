using Ordo.Core.Orders;
using Ordo.Data;
using Ordo.Data.Catalogue;
using Ordo.Server.Channels;
using Ordo.Server.Security;

namespace Ordo.Server.Features.Catalogue;

/// <summary>POST/GET /api/v1/shops and /api/v1/skus: the minimal catalogue that intake checks orders against.</summary>
public static class CatalogueEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/shops", async (HttpContext http, OrdoDatabase db, SecretBox secrets, TimeProvider clock, CancellationToken ct) =>
        {
            var (body, problem) = await RequestBody.ReadObjectAsync(http.Request, ct);
            return problem ?? await CreateShopAsync(body, db, secrets, clock, ct);
        })
        .RequireAuthorization(Permissions.CatalogueWrite).WithName("CreateShop")
        .WithSummary("Register a shop (platform, code, name) and optionally connect it (appKey, appSecret, accessToken, apiBaseUrl, pullIntervalSeconds, pushEnabled, platformShopId).");

        api.MapMethods("/shops/{code}", ["PATCH"], async (string code, HttpContext http, OrdoDatabase db, SecretBox secrets, ShopDirectory shops, TimeProvider clock, CancellationToken ct) =>
        {
            var (body, problem) = await RequestBody.ReadObjectAsync(http.Request, ct);
            return problem ?? await ConnectShopAsync(code, body, db, secrets, shops, clock, ct);
        })
        .RequireAuthorization(Permissions.CatalogueWrite).WithName("ConnectShop")
        .WithSummary("Connect a shop or change its connection; secrets are stored encrypted and never returned.");

        api.MapGet("/shops", async (OrdoDatabase db, CancellationToken ct) =>
            Results.Json(new { items = (await db.ReadAsync(CatalogueStore.ListShopsAsync, ct)).Select(ShopView) }, ApiJson.Options))
        .RequireAuthorization(Permissions.OrdersRead).WithName("ListShops");

        api.MapGet("/shops/{code}", async (string code, OrdoDatabase db, CancellationToken ct) =>
            await db.ReadAsync(s => CatalogueStore.FindShopAsync(s, code), ct) is { } shop
                ? Results.Json(ShopView(shop), ApiJson.Options)
                : Problems.Result(404, "No such shop", $"there is no shop with code '{code}'", "code"))
        .RequireAuthorization(Permissions.OrdersRead).WithName("GetShop");

        api.MapPost("/skus", async (HttpContext http, OrdoDatabase db, TimeProvider clock, CancellationToken ct) =>
        {
            var (body, problem) = await RequestBody.ReadObjectAsync(http.Request, ct);
            if (problem is not null) return problem;
            if (CheckCode(body.String("code"), "code") is { } codeProblem) return codeProblem;
            var name = body.String("name");
            if (string.IsNullOrEmpty(name) || name.Length > 256) return Problems.Result(422, "Invalid SKU", "name is required (1 to 256 characters)", "name");
            var sku = await db.WriteAsync(s => CatalogueStore.TryCreateSkuAsync(s, body.String("code")!, name, clock.GetUtcNow()), ct);
            return sku is null
                ? Problems.Result(409, "SKU exists", $"a SKU with code '{body.String("code")}' already exists", "code")
                : Results.Json(new { sku.Code, sku.Name, sku.CreatedAt }, ApiJson.Options, statusCode: 201);
        })
        .RequireAuthorization(Permissions.CatalogueWrite).WithName("CreateSku").WithSummary("Register a merchant SKU (code, name).");

        api.MapGet("/skus", async (string? after, int? limit, OrdoDatabase db, CancellationToken ct) =>
        {
            var size = Math.Clamp(limit ?? 100, 1, 500);
            var skus = await db.ReadAsync(s => CatalogueStore.ListSkusAsync(s, after, size), ct);
            return Results.Json(new { items = skus.Select(k => new { k.Code, k.Name, k.CreatedAt }), next = skus.Count == size ? skus[^1].Code : null }, ApiJson.Options);
        })
        .RequireAuthorization(Permissions.OrdersRead).WithName("ListSkus");
    }

    /// <summary>Registers a shop from <paramref name="body"/> (platform, code, name and optional connection fields); the console's shops page uses it too.</summary>
    public static async Task<IResult> CreateShopAsync(System.Text.Json.JsonElement body, OrdoDatabase db, SecretBox secrets, TimeProvider clock, CancellationToken ct)
    {
        var platformText = body.String("platform");
        if (string.IsNullOrEmpty(platformText)) return Problems.Result(422, "Invalid shop", "platform is required", "platform");
        if (!Platforms.TryParse(platformText, out var platform))
            return Problems.Result(422, "Invalid shop", $"unknown platform '{platformText}'; expected one of: {string.Join(", ", Platforms.Names)}", "platform");
        if (CheckCode(body.String("code"), "code") is { } codeProblem) return codeProblem;
        var name = body.String("name");
        if (string.IsNullOrEmpty(name) || name.Length > 128) return Problems.Result(422, "Invalid shop", "name is required (1 to 128 characters)", "name");
        var (connection, connectionProblem) = ReadConnection(body, secrets);
        if (connectionProblem is not null) return connectionProblem;
        var code = body.String("code")!;
        var shop = await db.WriteAsync(async s =>
        {
            var created = await CatalogueStore.TryCreateShopAsync(s, platform, code, name, clock.GetUtcNow());
            return created is null || connection is null ? created : await ConnectAsync(s, code, connection, clock.GetUtcNow());
        }, ct);
        return shop is null
            ? Problems.Result(409, "Shop exists", $"a shop with code '{code}' already exists", "code")
            : Results.Json(ShopView(shop), ApiJson.Options, statusCode: 201);
    }

    /// <summary>Changes the connection fields present in <paramref name="body"/> (secrets only when sent); the console's shops page uses it too.</summary>
    public static async Task<IResult> ConnectShopAsync(string code, System.Text.Json.JsonElement body, OrdoDatabase db, SecretBox secrets, ShopDirectory shops,
        TimeProvider clock, CancellationToken ct)
    {
        var (connection, connectionProblem) = ReadConnection(body, secrets);
        if (connectionProblem is not null) return connectionProblem;
        if (connection is null)
            return Problems.Result(422, "Nothing to change", $"send at least one of: {string.Join(", ", ConnectionFields)}", "$");
        var shop = await db.WriteAsync(s => ConnectAsync(s, code, connection, clock.GetUtcNow()), ct);
        shops.Forget(code);
        return shop is null ? Problems.Result(404, "No such shop", $"there is no shop with code '{code}'", "code") : Results.Json(ShopView(shop), ApiJson.Options);
    }

    /// <summary>Stores the connection and, when the shop now has an API to call, schedules its pull sync (in the same transaction).</summary>
    private static async Task<Shop?> ConnectAsync(DbSession s, string code, ShopConnection connection, DateTimeOffset now)
    {
        var shop = await CatalogueStore.ConnectShopAsync(s, code, connection, now);
        if (shop?.ApiBaseUrl is not null) await Ordo.Server.Channels.PullSync.ScheduleAsync(s, code, now, now);
        return shop;
    }

    /// <summary>A shop as the API shows it: secrets only as "set or not", never their value.</summary>
    private static object ShopView(Shop shop) => new
    {
        platform = shop.Platform.Name(), shop.Code, shop.Name, shop.CreatedAt, shop.AppKey,
        hasAppSecret = shop.AppSecretSealed is not null, hasAccessToken = shop.AccessTokenSealed is not null,
        shop.ApiBaseUrl, shop.PullIntervalSeconds, shop.PushEnabled, shop.PlatformShopId, pushPath = $"/hooks/{shop.Platform.Name()}/{shop.Code}", shop.UpdatedAt,
    };

    private static readonly string[] ConnectionFields = ["appKey", "appSecret", "accessToken", "apiBaseUrl", "pullIntervalSeconds", "pushEnabled", "platformShopId"];

    /// <summary>Reads the connection fields present in <paramref name="body"/> (none present: null), sealing the secrets.</summary>
    private static (ShopConnection? Connection, IResult? Problem) ReadConnection(System.Text.Json.JsonElement body, SecretBox secrets)
    {
        if (!ConnectionFields.Any(f => body.Has(f))) return (null, null);
        string? Text(string field, int max, out IResult? problem)
        {
            problem = null;
            if (!body.Has(field)) return null;
            var value = body.TryGetProperty(field, out var e) && e.ValueKind == System.Text.Json.JsonValueKind.String ? e.GetString() : null;
            if (string.IsNullOrEmpty(value) || value.Length > max)
                problem = Problems.Result(422, "Invalid shop connection", $"{field} must be a string of 1 to {max} characters", field);
            return value;
        }
        var appKey = Text("appKey", 128, out var p1); if (p1 is not null) return (null, p1);
        var appSecret = Text("appSecret", 1024, out var p2); if (p2 is not null) return (null, p2);
        var accessToken = Text("accessToken", 4096, out var p3); if (p3 is not null) return (null, p3);
        var apiBaseUrl = Text("apiBaseUrl", 512, out var p4); if (p4 is not null) return (null, p4);
        var platformShopId = Text("platformShopId", 64, out var p5); if (p5 is not null) return (null, p5);
        if (apiBaseUrl is not null && (!Uri.TryCreate(apiBaseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
            return (null, Problems.Result(422, "Invalid shop connection", $"apiBaseUrl '{apiBaseUrl}' must be an absolute http or https URL", "apiBaseUrl"));
        int? interval = null;
        if (body.TryGetProperty("pullIntervalSeconds", out var ie) && ie.ValueKind != System.Text.Json.JsonValueKind.Null)
        {
            if (ie.ValueKind != System.Text.Json.JsonValueKind.Number || !ie.TryGetInt32(out var seconds) || seconds is < 10 or > 86_400)
                return (null, Problems.Result(422, "Invalid shop connection", "pullIntervalSeconds must be a whole number from 10 to 86400 (0 pulls are not possible; set pushEnabled instead)", "pullIntervalSeconds"));
            interval = seconds;
        }
        bool? push = null;
        if (body.TryGetProperty("pushEnabled", out var pe) && pe.ValueKind != System.Text.Json.JsonValueKind.Null)
        {
            if (pe.ValueKind is not (System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False))
                return (null, Problems.Result(422, "Invalid shop connection", "pushEnabled must be true or false", "pushEnabled"));
            push = pe.GetBoolean();
        }
        return (new ShopConnection(appKey, secrets.Seal(appSecret), secrets.Seal(accessToken), apiBaseUrl, interval, push, platformShopId), null);
    }

    /// <summary>Codes are identifiers people type and platforms echo: 1–64 visible ASCII characters without spaces or slashes.</summary>
    private static IResult? CheckCode(string? code, string field)
    {
        if (string.IsNullOrEmpty(code)) return Problems.Result(422, "Invalid code", $"{field} is required", field);
        if (code.Length > 64 || code.Any(c => c <= ' ' || c > '~' || c == '/' || c == '?' || c == '#'))
            return Problems.Result(422, "Invalid code", $"{field} '{code}' must be 1 to 64 visible ASCII characters without spaces, '/', '?' or '#'", field);
        return null;
    }
}
