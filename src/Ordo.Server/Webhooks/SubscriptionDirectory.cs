using System.Collections.Concurrent;
using Ordo.Data;
using Ordo.Data.Webhooks;

namespace Ordo.Server.Webhooks;

/// <summary>
/// Webhook subscriptions as deliveries see them, read from the database at most once per <see cref="FreshFor"/> per
/// subscription: every delivery reading its subscription again was a round trip per delivered event for rows that
/// almost never change. Disabling a subscription through this instance is seen at once (<see cref="Forget"/>); through
/// another instance on the same database within <see cref="FreshFor"/>, after which its deliveries stop. Thread-safe.
/// </summary>
public sealed class SubscriptionDirectory(OrdoDatabase database, TimeProvider clock)
{
    public static readonly TimeSpan FreshFor = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<long, (WebhookSubscription Subscription, long ReadAt)> _subscriptions = new();

    public async Task<WebhookSubscription?> FindAsync(long id, CancellationToken ct)
    {
        if (_subscriptions.TryGetValue(id, out var kept) && clock.GetElapsedTime(kept.ReadAt) < FreshFor) return kept.Subscription;
        var readAt = clock.GetTimestamp();
        var subscription = await database.ReadAsync(s => WebhookStore.FindSubscriptionAsync(s, id), ct);
        if (subscription is null) _subscriptions.TryRemove(id, out _);
        else _subscriptions[id] = (subscription, readAt);
        return subscription;
    }

    /// <summary>Drops what is kept of a subscription that was just changed, so its next delivery reads it again.</summary>
    public void Forget(long id) => _subscriptions.TryRemove(id, out _);
}
