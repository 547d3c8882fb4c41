using Ordo.Data;
using Ordo.Data.Webhooks;

namespace Ordo.Server.Webhooks;

/// <summary>
/// Webhook subscriptions as deliveries see them, read at most every two seconds per subscription instead of once per
/// delivered event. Deleting a subscription forgets it here at once, so deliveries still queued for it stop; through
/// another instance they stop within two seconds.
/// </summary>
public sealed class SubscriptionDirectory(OrdoDatabase database, TimeProvider clock) : RecentlyRead<long, WebhookSubscription>(clock,
    TimeSpan.FromSeconds(2), (id, ct) => database.ReadByKeyAsync(s => WebhookStore.FindSubscriptionAsync(s, id), ct));
