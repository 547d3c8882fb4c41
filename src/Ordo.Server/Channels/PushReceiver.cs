using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Ordo.Core.Channels;
using Ordo.Core.Common;
using Ordo.Core.Orders;
using Ordo.Data;
using Ordo.Data.Catalogue;
using Ordo.Data.Channels;
using Ordo.Data.Inbox;
using Ordo.Server.Features.Orders;

namespace Ordo.Server.Channels;

/// <summary>
/// Where a push came in: the platform (as in the hook's URL), the inbox source (<c>push:{platform}</c> for the HTTP
/// hook and relay, <c>pmc:{platform}</c> for a feed Ordo holds) and the remote address (or feed host) it came from.
/// </summary>
public sealed record PushOrigin(string Platform, string Source, string? RemoteAddress);

/// <summary>What an accepted push became: messages kept for fetching (or taken in with their order) and repeats skipped.</summary>
public sealed record PushReceipt(int Taken, int Duplicates);

/// <summary>
/// What happens to a push once it has arrived, whatever carried it (the HTTP hook, a relay, a WebSocket feed): every push
/// is recorded as a push attempt; an unreadable one is kept in the inbox as rejected; an accepted one is taken in. Messages
/// carrying only ids are kept in the inbox with their fetch job queued and the attempt recorded, in one transaction, so a
/// push acknowledged after this returns is never lost. A message already taken (same shop, message id and order id)
/// is recognised and skipped, also when it reached another Ordo instance on the same database. Thread-safe.
/// </summary>
public sealed class PushReceiver(OrdoDatabase database, OrderIntake intake, TimeProvider clock)
{
    /// <summary>Records a push that was not taken (unknown shop, push disabled, not authentic…).</summary>
    public Task RecordAsync(PushOrigin origin, string shopCode, byte[] body, string outcome, string? reason, CancellationToken ct) =>
        database.Together.WriteAsync(s => AddAttemptAsync(s, origin, shopCode, body, outcome, reason, 0), ct);

    /// <summary>Keeps an authentic but unreadable push in the inbox as rejected (with the reason) and records it; returns the inbox id.</summary>
    public async Task<long> RejectAsync(PushOrigin origin, string shopCode, byte[] body, FieldError problem, CancellationToken ct)
    {
        var kept = await intake.RejectEnvelopeAsync(Encoding.UTF8.GetString(body), origin.Source, problem, ct);
        await RecordAsync(origin, shopCode, body, PushOutcome.Unreadable, $"{problem.Field} {problem.Reason} (inbox item {kept})", ct);
        return kept;
    }

    /// <summary>Takes in the messages of an authentic push for <paramref name="shop"/> (see the class comment).</summary>
    public async Task<PushReceipt> AcceptAsync(PushOrigin origin, Shop shop, byte[] body, IReadOnlyList<PushMessage> messages, CancellationToken ct)
    {
        var withOrder = messages.Where(m => m.Order is not null).ToList();
        if (withOrder.Count > 0)
            // Full orders go through intake, which is idempotent per order: a repeat never duplicates nor rolls back.
            await intake.SubmitNativeAsync(shop, withOrder.Select(m => m.Order!.Value.GetRawText()).ToList(), origin.Source,
                new Actor(ActorKind.Channel, origin.Platform), ct);
        var idsOnly = messages.Where(m => m.Order is null).ToList();
        // Committed together with the other pushes of the moment (group commit): one transaction per group, not per push.
        PushReceipt receipt = null!;
        await database.Together.WriteAsync(async s =>
        {
            var now = clock.GetUtcNow();
            var fresh = new List<PushMessage>();
            foreach (var m in idsOnly.DistinctBy(m => (m.MessageId, m.PlatformOrderId)))
                if (await PushMessageStore.TryClaimAsync(s, shop.Code, m.MessageId, m.PlatformOrderId, now)) fresh.Add(m);
            if (fresh.Count > 0)
            {
                var ids = await InboxStore.AddManyAsync(s, fresh.Select(m => new NewInboxItem(origin.Source,
                    JsonSerializer.Serialize(new { m.MessageId, m.Topic, m.PlatformOrderId }, ApiJson.Options),
                    InboxFormat.PushMessage(origin.Platform), origin.Platform, shop.Code)).ToList(), now);
                for (var i = 0; i < fresh.Count; i++)
                {
                    await PushMessageStore.LinkInboxAsync(s, shop.Code, fresh[i].MessageId, fresh[i].PlatformOrderId, ids[i]);
                    await FetchOrder.EnqueueAsync(s, new FetchJobPayload(shop.Code, fresh[i].PlatformOrderId, ids[i]), now);
                }
            }
            var duplicates = idsOnly.Count - fresh.Count;
            await AddAttemptAsync(s, origin, shop.Code, body, PushOutcome.Accepted,
                duplicates == 0 ? null : $"{duplicates} of {messages.Count} messages were taken before and are skipped", messages.Count);
            receipt = new PushReceipt(withOrder.Count + fresh.Count, duplicates);
        }, ct);
        return receipt;
    }

    private Task<long> AddAttemptAsync(DbSession s, PushOrigin origin, string shopCode, byte[] body, string outcome, string? reason, int count) =>
        PushAttemptStore.AddAsync(s, clock.GetUtcNow(), origin.Platform, shopCode, outcome, reason, count,
            Convert.ToHexStringLower(SHA256.HashData(body)), Encoding.UTF8.GetString(body), origin.RemoteAddress);
}
