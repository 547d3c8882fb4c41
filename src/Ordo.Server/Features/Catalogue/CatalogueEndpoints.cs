using Ordo.Core.Orders;
using Ordo.Data;
using Ordo.Data.Catalogue;
using Ordo.Server.Security;

namespace Ordo.Server.Features.Catalogue;

/// <summary>POST/GET /api/v1/shops and /api/v1/skus: the minimal catalogue that intake checks orders against.</summary>
public static class CatalogueEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/shops", async (HttpContext http, OrdoDatabase db, TimeProvider clock, CancellationToken ct) =>
        {
            var (body, problem) = await RequestBody.ReadObjectAsync(http.Request, ct);
            if (problem is not null) return problem;
            var platformText = body.String("platform");
            if (string.IsNullOrEmpty(platformText)) return Problems.Result(422, "Invalid shop", "platform is required", "platform");
            if (!Platforms.TryParse(platformText, out var platform))
                return Problems.Result(422, "Invalid shop", $"unknown platform '{platformText}'; expected one of: {string.Join(", ", Platforms.Names)}", "platform");
            if (CheckCode(body.String("code"), "code") is { } codeProblem) return codeProblem;
            var name = body.String("name");
            if (string.IsNullOrEmpty(name) || name.Length > 128) return Problems.Result(422, "Invalid shop", "name is required (1 to 128 characters)", "name");
            var shop = await db.WriteAsync(s => CatalogueStore.TryCreateShopAsync(s, platform, body.String("code")!, name, clock.GetUtcNow()), ct);
            return shop is null
                ? Problems.Result(409, "Shop exists", $"a shop with code '{body.String("code")}' already exists", "code")
                : Results.Json(ShopView(shop), ApiJson.Options, statusCode: 201);
        })
        .RequireAuthorization(Permissions.CatalogueWrite).WithName("CreateShop").WithSummary("Register a shop (platform, code, name).");

        api.MapGet("/shops", async (OrdoDatabase db, CancellationToken ct) =>
            Results.Json(new { items = (await db.ReadAsync(CatalogueStore.ListShopsAsync, ct)).Select(ShopView) }, ApiJson.Options))
        .RequireAuthorization(Permissions.OrdersRead).WithName("ListShops");

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

    private static object ShopView(Shop shop) => new { platform = shop.Platform.Name(), shop.Code, shop.Name, shop.CreatedAt };

    /// <summary>Codes are identifiers people type and platforms echo: 1–64 visible ASCII characters without spaces or slashes.</summary>
    private static IResult? CheckCode(string? code, string field)
    {
        if (string.IsNullOrEmpty(code)) return Problems.Result(422, "Invalid code", $"{field} is required", field);
        if (code.Length > 64 || code.Any(c => c <= ' ' || c > '~' || c == '/' || c == '?' || c == '#'))
            return Problems.Result(422, "Invalid code", $"{field} '{code}' must be 1 to 64 visible ASCII characters without spaces, '/', '?' or '#'", field);
        return null;
    }
}
