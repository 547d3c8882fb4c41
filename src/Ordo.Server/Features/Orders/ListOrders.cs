using Ordo.Core.Common;
using Ordo.Core.Orders;
using Ordo.Data;
using Ordo.Data.Orders;
using Ordo.Server.Security;
using Ordo.Server.Security.PersonalData;

namespace Ordo.Server.Features.Orders;

/// <summary>
/// GET /api/v1/orders: newest first, filtered by status, platform, shop, created range (ISO 8601 with offset) and
/// text (order number, platform order id, or the last 4 digits of the receiver's phone); cursor pagination.
/// </summary>
public static class ListOrders
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/orders", async (HttpContext http, OrdoDatabase db, AuditTrail audit, CancellationToken ct) =>
        {
            var q = http.Request.Query;
            OrderStatus? status = null;
            if (q["status"].ToString() is { Length: > 0 } st)
            {
                if (!OrderStatuses.TryParse(st, out var s)) return Problems.BadRequest("status", $"unknown status '{st}'; expected one of: {string.Join(", ", OrderStatuses.Names)}");
                status = s;
            }
            Platform? platform = null;
            if (q["platform"].ToString() is { Length: > 0 } pl)
            {
                if (!Platforms.TryParse(pl, out var p)) return Problems.BadRequest("platform", $"unknown platform '{pl}'; expected one of: {string.Join(", ", Platforms.Names)}");
                platform = p;
            }
            if (!TryInstant(q["createdFrom"], "createdFrom", out var from, out var problem)) return problem!;
            if (!TryInstant(q["createdTo"], "createdTo", out var to, out problem)) return problem!;
            var limit = 50;
            if (q["limit"].ToString() is { Length: > 0 } l && (!int.TryParse(l, out limit) || limit is < 1 or > 200))
                return Problems.BadRequest("limit", "must be a whole number from 1 to 200");
            if (!Cursor.TryDecode(q["cursor"], out var after)) return Cursor.Invalid();

            var shop = q["shop"].ToString() is { Length: > 0 } sh ? sh : null;
            var text = q["q"].ToString() is { Length: > 0 } t ? t : null;
            var page = await db.ReadAsync(s => OrderStore.ListAsync(s, new OrderQuery(status, platform, shop, from, to, text, after, limit)), ct);
            var access = ViewerAccess.Of(http.User);
            await audit.AuditAsync(http, page.Orders, access);
            return Results.Json(new { items = page.Orders.Select(o => OrderView.From(o, access)), nextCursor = Cursor.Encode(page.NextCursor) }, ApiJson.Options);
        })
        .RequireAuthorization(Permissions.OrdersRead).WithName("ListOrders").WithSummary("Search orders, newest first, with cursor pagination.");

    private static bool TryInstant(string? text, string field, out DateTimeOffset? value, out IResult? problem)
    {
        value = null;
        problem = null;
        if (string.IsNullOrEmpty(text)) return true;
        if (IsoInstant.TryParseWithOffset(text, out var v)) { value = v; return true; }
        problem = Problems.BadRequest(field, $"'{text}' is not an ISO 8601 instant with an offset, e.g. 2026-02-22T00:00:00+08:00");
        return false;
    }
}
