using System.Text.Json;
using Ordo.Server.Security;

namespace Ordo.Server.Features.Exports;

/// <summary>
/// POST /api/v1/orders/export: a JSON object (or a form) with <c>format</c> (csv or xlsx), <c>code</c> (the current
/// TOTP code) and the order list's filters (status, platform, shop, createdFrom, createdTo, q). For signed-in users only.
/// </summary>
public static class ExportEndpoints
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/orders/export", async (HttpContext http, OrderExports exports, CancellationToken ct) =>
        {
            if (http.Request.HasFormContentType)
            {
                var form = await http.Request.ReadFormAsync(ct);
                return await exports.ExportAsync(http, name => form[name].ToString() is { Length: > 0 } v ? v : null, ct);
            }
            var (body, problem) = await RequestBody.ReadObjectAsync(http.Request, ct);
            if (problem is not null) return problem;
            return await exports.ExportAsync(http, name => body.TryGetProperty(name, out var v) ? v.ValueKind switch
            {
                JsonValueKind.String => v.GetString(),
                JsonValueKind.Number => v.GetRawText(),
                _ => null,
            } : null, ct);
        })
        .RequireAuthorization(Permissions.OrdersExport).WithName("ExportOrders")
        .WithSummary("Orders to CSV or Excel with the list's filters; needs a signed-in user's current TOTP code, within the role's row limit; audited.");
}
