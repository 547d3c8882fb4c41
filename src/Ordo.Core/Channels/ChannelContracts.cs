using System.Text.Json;
using Ordo.Core.Orders;

namespace Ordo.Core.Channels;

/// <summary>The shop a native payload belongs to: taken from the URL or the shop's configuration, never from the payload.</summary>
public sealed record ShopContext(Platform Platform, string ShopCode);

/// <summary>
/// Translates one platform's native order object (as its order-detail API returns it) into the canonical order.
/// Pure and total: never throws, never does I/O; a failure names the field (JSON path in the native object), the
/// reason and the raw fragment.
/// </summary>
public interface IOrderAdapter
{
    /// <summary>The platforms whose order objects this adapter reads (Taobao and Tmall share one format).</summary>
    IReadOnlyList<Platform> Platforms { get; }

    /// <summary>
    /// Reads one order. <paramref name="native"/> is the order object itself or the API's response envelope around it
    /// (e.g. Taobao's <c>{"trade": …}</c>, Douyin's <c>{"data": {"shop_order_detail": …}}</c>); adapters accept both.
    /// </summary>
    ParseResult<CanonicalOrder> Parse(JsonElement native, ShopContext shop);
}

/// <summary>The credentials Ordo holds for a shop (decrypted only in memory, when needed).</summary>
public sealed record ShopCredentials(string? AppKey, string? AppSecret, string? AccessToken);

/// <summary>An HTTP push as it arrived: headers (looked up case-insensitively) and the raw body bytes, which signatures cover.</summary>
public sealed record PushRequest(IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string? Header(string name) =>
        Headers.TryGetValue(name, out var v) ? v : Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
}

/// <summary>
/// One event from a platform push. Most pushes carry only ids: <see cref="Order"/> is then null and Ordo fetches the
/// full order through the platform's API. <see cref="MessageId"/> lets duplicates be recognised.
/// </summary>
public sealed record PushMessage(string MessageId, string Topic, string PlatformOrderId, JsonElement? Order = null);

public sealed class PushBatch(IReadOnlyList<PushMessage> messages)
{
    public IReadOnlyList<PushMessage> Messages { get; } = messages;
}

/// <summary>The outcome of checking a push's authentication: null reason means it is authentic.</summary>
public sealed record PushVerification(bool Authentic, string? Reason)
{
    public static readonly PushVerification Ok = new(true, null);
    public static PushVerification Refused(string reason) => new(false, reason);
}

/// <summary>
/// A platform's HTTP push format: how its authentication is checked, how its messages are read, and what answer it
/// expects. Platforms whose push is a WebSocket (Taobao TMC, Pinduoduo PMC) use the same message format through an
/// HTTP relay, and as <see cref="IPushFeedFormat"/> when Ordo holds the connection. Pure: no I/O.
/// </summary>
public interface IPushFormat
{
    IReadOnlyList<Platform> Platforms { get; }

    /// <summary>Checks the documented signature (or decrypts, for Kuaishou) with the shop's credentials.</summary>
    PushVerification Verify(PushRequest request, ShopCredentials credentials);

    /// <summary>Reads the messages of an authentic push; never throws.</summary>
    ParseResult<PushBatch> Read(PushRequest request, ShopCredentials credentials);

    /// <summary>The body the platform expects back when the push was taken (content type application/json unless it starts with '&lt;').</summary>
    string Acknowledgement { get; }
}

/// <summary>
/// One frame of a push feed as a transport received it on a connection Ordo holds (a WebSocket authenticated when it
/// was opened, so frames carry no signature): the messages it carries (or why they cannot be read), the platform's own
/// id of the shop it is addressed to (<c>null</c> when unreadable), and the reply the platform expects once the messages
/// are durably kept (<c>null</c> when none is due or the frame is too broken to answer).
/// </summary>
public sealed record PushFeedFrame(ParseResult<PushBatch> Read, string? PlatformShopId, string? Reply)
{
    /// <summary>A frame that carries no event (heartbeat, ack): nothing to keep, nothing to answer.</summary>
    public bool IsControl => Read.Succeeded && Read.Value!.Messages.Count == 0 && Reply is null;
}

/// <summary>
/// A platform's push feed format: frames that arrive on a connection Ordo holds instead of HTTP requests to the hook
/// (Pinduoduo PMC, Taobao TMC). Its messages are the ones the same class reads as <see cref="IPushFormat"/> when a
/// relay forwards them over HTTP, so the handling after reading is shared. Pure: no I/O, never throws.
/// </summary>
public interface IPushFeedFormat
{
    IReadOnlyList<Platform> Platforms { get; }

    /// <summary>Reads one frame received at <paramref name="now"/> (the time its reply carries).</summary>
    PushFeedFrame ReadFrame(byte[] frame, DateTimeOffset now);
}
