using System.Security.Cryptography;
using Ordo.Core.Channels;
using Ordo.Core.Orders;
using Ordo.Data;
using Ordo.Data.Channels;
using Ordo.Server.Channels;
using Ordo.Server.Security;

namespace Ordo.Server.Features.Channels;

/// <summary>
/// POST /hooks/{platform}/{shopCode}: pushes in each platform's own HTTP format, authenticated by that platform's
/// documented signature with the shop's credentials (not an Ordo API key). A push that fails authentication gets 401
/// and nothing is processed, but the attempt is recorded. Messages that carry the full order are taken in through the
/// platform's adapter; messages that carry only ids are kept in the inbox (format <c>{platform}.push</c>) and the full
/// order is fetched through the platform's API by a job queued in the same transaction (<see cref="PushReceiver"/>, which
/// WebSocket feeds such as Pinduoduo PMC share).
/// </summary>
public static partial class PushHooks
{
    public const int MaxBodyBytes = 4 * 1024 * 1024;

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/hooks/{platform}/{shopCode}", async (string platform, string shopCode, HttpContext http,
            SecretBox secrets, ChannelRegistry channels, ShopDirectory shops, PushReceiver receiver, ILoggerFactory logs, CancellationToken ct) =>
        {
            var body = await ReadBodyAsync(http.Request, ct);
            if (body is null) return Problems.Result(413, "Push too large", $"the body exceeds {MaxBodyBytes} bytes", "$");
            var origin = new PushOrigin(platform, "push:" + platform, http.Connection.RemoteIpAddress?.ToString());
            Task Record(string outcome, string? reason) => receiver.RecordAsync(origin, shopCode, body, outcome, reason, ct);

            var shop = await shops.FindAsync(shopCode, ct);
            if (shop is null || !Platforms.TryParse(platform, out var p) || shop.Platform != p)
            {
                var reason = shop is null ? $"there is no shop '{shopCode}'" : $"shop '{shopCode}' is a {shop.Platform.Name()} shop, not {platform}";
                await Record(PushOutcome.UnknownShop, reason);
                return Problems.Result(404, "No such shop", reason, "shopCode");
            }
            if (channels.PushFormat(shop.Platform) is not { } format)
            {
                var reason = $"{shop.Platform.Name()} has no documented HTTP push; Ordo pulls its orders instead";
                await Record(PushOutcome.UnknownShop, reason);
                return Problems.Result(404, "No push for this platform", reason, "platform");
            }
            if (!shop.PushEnabled)
            {
                var reason = $"push is not enabled for shop '{shopCode}' (PATCH /api/v1/shops/{shopCode} with pushEnabled: true)";
                await Record(PushOutcome.PushDisabled, reason);
                return Problems.Result(403, "Push disabled", reason, "pushEnabled");
            }

            ShopCredentials credentials;
            try
            {
                credentials = new ShopCredentials(shop.AppKey, secrets.Open(shop.AppSecretSealed), secrets.Open(shop.AccessTokenSealed));
            }
            catch (CryptographicException ex)
            {
                LogCannotOpenSecrets(logs.CreateLogger(typeof(PushHooks)), shopCode, ex.Message);
                await Record(PushOutcome.Refused, "the shop's secrets cannot be opened with this instance's key (Ordo:Secrets:Key)");
                return Problems.Result(500, "Shop secrets unavailable", "the shop's stored secrets cannot be opened; check Ordo:Secrets:Key", "appSecret");
            }
            var request = new PushRequest(http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body);
            var verification = format.Verify(request, credentials);
            if (!verification.Authentic)
            {
                await Record(PushOutcome.Refused, verification.Reason);
                return Problems.Result(401, "Push not authentic", verification.Reason ?? "the signature does not match", "signature");
            }

            var read = format.Read(request, credentials);
            if (!read.Succeeded)
            {
                var problem = read.Errors[0];
                var kept = await receiver.RejectAsync(origin, shopCode, body, problem, ct);
                return Problems.Result(400, "Push not readable", $"{problem.Field} {problem.Reason}; the body is kept as inbox item {kept}", problem.Field,
                    read.Errors, new Dictionary<string, object?> { ["inboxId"] = kept });
            }

            await receiver.AcceptAsync(origin, shop, body, read.Value!.Messages, ct);
            var ack = format.Acknowledgement;
            return Results.Content(ack, ack.StartsWith('<') ? "text/xml" : "application/json");
        })
        .AllowAnonymous()
        .WithName("PlatformPush").WithSummary("A platform's push in its own format, authenticated by its documented signature.");

    /// <summary>GET /api/v1/shops/{shopCode}/push-attempts?outcome=refused: the shop's recent pushes, newest first.</summary>
    public static void MapAttempts(RouteGroupBuilder api) =>
        api.MapGet("/shops/{shopCode}/push-attempts", async (string shopCode, string? outcome, int? limit, HttpContext http, OrdoDatabase db, AuditTrail audit, CancellationToken ct) =>
        {
            var items = await db.ReadAsync(s => PushAttemptStore.ListAsync(s, shopCode, outcome, limit ?? 50), ct);
            // A push's body can hold the receivers of the orders it carries: shown in full only to whoever may see
            // everything (and audited), masked for the others.
            var access = Security.PersonalData.ViewerAccess.Of(http.User);
            if (access == Ordo.Core.Privacy.PersonalDataAccess.Everything && items.Count > 0)
                await audit.RecordAsync(http, AuditTrail.Actions.PersonalDataView, AuditTrail.Outcomes.Ok, $"push-attempts:{shopCode}", new { fields = new[] { "bodyExcerpt" }, rows = items.Count });
            else
                items = items.Select(a => a with { BodyExcerpt = Ordo.Core.Privacy.RawPayloadMasks.MaskOrWithhold(a.BodyExcerpt, access) }).ToList();
            return Results.Json(new { items }, ApiJson.Options);
        })
        .RequireAuthorization(Permissions.OrdersRead)
        .WithName("ListPushAttempts").WithSummary("Recent pushes to a shop's hook, authentic or not, with the reason of each refusal.");

    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        // Pushes are small and usually say their length: read them into an array of that size. A fresh 80 KB buffer
        // per push (the general way below) was most of the garbage a busy hook made.
        if (request.ContentLength is { } length and <= MaxBodyBytes)
        {
            var body = new byte[length];
            var filled = 0;
            // The server ends the body at the stated length (and fails a request whose body is shorter).
            while (filled < body.Length && await request.Body.ReadAsync(body.AsMemory(filled), ct) is var n and > 0) filled += n;
            return filled == body.Length ? body : body[..filled];
        }
        if (request.ContentLength is > MaxBodyBytes) return null;
        using var buffer = new MemoryStream();
        var chunk = System.Buffers.ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > MaxBodyBytes) return null;
                buffer.Write(chunk, 0, read);
            }
        }
        finally { System.Buffers.ArrayPool<byte>.Shared.Return(chunk); }
        return buffer.ToArray();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Push for shop {ShopCode}: its secrets cannot be opened ({Error}); is Ordo:Secrets:Key the one they were sealed with?")]
    private static partial void LogCannotOpenSecrets(ILogger logger, string shopCode, string error);
}
