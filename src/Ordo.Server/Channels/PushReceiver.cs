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
using Ordo.Data.Jobs;
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
        return await Pushes.WriteAsync(new PendingPush(origin, shop, body, messages, messages.Where(m => m.Order is null).ToList()), ct);
    }

    private sealed record PendingPush(PushOrigin Origin, Shop Shop, byte[] Body, IReadOnlyList<PushMessage> Messages, IReadOnlyList<PushMessage> IdsOnly);

    // The pushes of the moment are kept together, set-wise: one statement per table for the whole group, not five per
    // push. On PostgreSQL every statement is a round trip, and on a busy two-core machine each round trip waits for
    // both processes to be scheduled: a group of 64 pushes went from 320 round trips to 5.
    private GroupCommit<PendingPush, PushReceipt>? _pushes;
    private GroupCommit<PendingPush, PushReceipt> Pushes =>
        LazyInitializer.EnsureInitialized(ref _pushes, () => new(database, maxGroup: 128, postgresWriters: 2, KeepGroupAsync));

    private async Task<IReadOnlyList<PushReceipt>> KeepGroupAsync(DbSession s, IReadOnlyList<PendingPush> group)
    {
        var now = clock.GetUtcNow();
        // A message repeated within the group is claimed by its first push only.
        var candidates = new List<(int Push, PushMessageKey Key, PushMessage Message)>();
        var inGroup = new HashSet<PushMessageKey>();
        for (var p = 0; p < group.Count; p++)
            foreach (var m in group[p].IdsOnly)
                if (new PushMessageKey(group[p].Shop.Code, m.MessageId, m.PlatformOrderId) is var key && inGroup.Add(key))
                    candidates.Add((p, key, m));
        var claimed = await PushMessageStore.TryClaimManyAsync(s, candidates.Select(c => c.Key).ToList(), now);
        var fresh = candidates.Where(c => claimed.Contains(c.Key)).ToList();
        if (fresh.Count > 0)
        {
            var ids = await InboxStore.AddManyAsync(s, fresh.Select(c => new NewInboxItem(group[c.Push].Origin.Source,
                JsonSerializer.Serialize(new { c.Message.MessageId, c.Message.Topic, c.Message.PlatformOrderId }, ApiJson.Options),
                InboxFormat.PushMessage(group[c.Push].Origin.Platform), group[c.Push].Origin.Platform, c.Key.ShopCode)).ToList(), now);
            await PushMessageStore.LinkInboxManyAsync(s, fresh.Select((c, i) => (c.Key, ids[i])).ToList());
            await JobStore.EnqueueManyAsync(s, fresh.Select((c, i) => FetchOrder.NewJob(new FetchJobPayload(c.Key.ShopCode, c.Key.PlatformOrderId, ids[i]), now)).ToList(), now, runHere: true);
        }
        var receipts = new PushReceipt[group.Count];
        var attempts = new List<NewPushAttempt>(group.Count);
        for (var p = 0; p < group.Count; p++)
        {
            var push = group[p];
            var taken = fresh.Count(c => c.Push == p);
            var duplicates = push.IdsOnly.Count - taken;
            receipts[p] = new PushReceipt(push.Messages.Count - push.IdsOnly.Count + taken, duplicates);
            attempts.Add(NewAttempt(push.Origin, push.Shop.Code, push.Body, PushOutcome.Accepted,
                duplicates == 0 ? null : $"{duplicates} of {push.Messages.Count} messages were taken before and are skipped", push.Messages.Count));
        }
        await PushAttemptStore.AddManyAsync(s, attempts, now);
        return receipts;
    }

    private Task AddAttemptAsync(DbSession s, PushOrigin origin, string shopCode, byte[] body, string outcome, string? reason, int count) =>
        PushAttemptStore.AddManyAsync(s, [NewAttempt(origin, shopCode, body, outcome, reason, count)], clock.GetUtcNow());

    private static NewPushAttempt NewAttempt(PushOrigin origin, string shopCode, byte[] body, string outcome, string? reason, int count) =>
        new(origin.Platform, shopCode, outcome, reason, count, Convert.ToHexStringLower(SHA256.HashData(body)),
            Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, PushAttemptStore.ExcerptLength * 4)), origin.RemoteAddress);
}
