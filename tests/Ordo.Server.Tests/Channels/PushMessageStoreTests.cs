using Ordo.Data.Channels;
using Ordo.Server.Tests.Infrastructure;
using Shouldly;

namespace Ordo.Server.Tests.Channels;

/// <summary>
/// Repeated push messages below the HTTP layer: when the same message reaches several instances at once (each holding
/// a PMC connection), exactly one claims it; a claim whose transaction failed leaves the redelivery claimable.
/// </summary>
public abstract class PushMessageStoreTests(Db kind) : DatabaseTestBase(kind)
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Concurrent_claims_of_one_message_succeed_exactly_once()
    {
        var claims = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => Database.WriteAsync(async s =>
        {
            var claimed = await ClaimAsync(s, "PDD-1", "9007199254740993", "250301-1", Now);
            await Task.Delay(100); // hold the transaction open so the others overlap it
            return claimed;
        }))));

        claims.Count(c => c).ShouldBe(1);
        (await Database.WriteAsync(s => ClaimAsync(s, "PDD-1", "9007199254740993", "250301-2", Now))).ShouldBeTrue("another order of the message");
        (await Database.WriteAsync(s => ClaimAsync(s, "PDD-2", "9007199254740993", "250301-1", Now))).ShouldBeTrue("another shop");
    }

    [Fact]
    public async Task Overlapping_groups_claimed_concurrently_take_each_message_exactly_once()
    {
        // Six groups of 40 messages out of 60, each listed in its own order: every message is claimed by exactly one
        // group, and no group fails (rows are claimed in key order, so the groups never wait for each other in a cycle).
        var keys = Enumerable.Range(0, 60).Select(i => new PushMessageKey("PDD-1", $"m-{i}", $"250301-{i}")).ToList();
        var groups = Enumerable.Range(0, 6).Select(g => keys.Skip(g * 4).Take(40).Reverse().ToList()).ToList();
        var claims = await Task.WhenAll(groups.Select(group => Task.Run(() => Database.WriteAsync(async s =>
        {
            var claimed = await PushMessageStore.TryClaimManyAsync(s, group, Now);
            await Task.Delay(50);
            return claimed;
        }))));

        var all = claims.SelectMany(c => c).ToList();
        all.Count.ShouldBe(all.Distinct().Count(), "no message is claimed twice");
        all.ToHashSet().SetEquals(groups.SelectMany(g => g)).ShouldBeTrue("every message of some group is claimed");
        (await Database.WriteAsync(s => PushMessageStore.TryClaimManyAsync(s, keys, Now))).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_message_repeated_in_one_claim_is_claimed_once()
    {
        var key = new PushMessageKey("PDD-1", "m-1", "250301-1");
        (await Database.WriteAsync(s => PushMessageStore.TryClaimManyAsync(s, [key, key with { }], Now))).ShouldBe([key]);
    }

    [Fact]
    public async Task A_claim_whose_transaction_failed_leaves_the_redelivery_claimable()
    {
        await Should.ThrowAsync<InvalidOperationException>(() => Database.WriteAsync<bool>(async s =>
        {
            await ClaimAsync(s, "PDD-1", "m-1", "250301-1", Now);
            throw new InvalidOperationException("crash before the commit");
        }));

        (await Database.WriteAsync(s => ClaimAsync(s, "PDD-1", "m-1", "250301-1", Now))).ShouldBeTrue();
        (await Database.WriteAsync(s => ClaimAsync(s, "PDD-1", "m-1", "250301-1", Now))).ShouldBeFalse();
    }

    private static async Task<bool> ClaimAsync(Ordo.Data.DbSession s, string shop, string messageId, string platformOrderId, DateTimeOffset now) =>
        (await PushMessageStore.TryClaimManyAsync(s, [new PushMessageKey(shop, messageId, platformOrderId)], now)).Count == 1;
}

public sealed class PushMessageStoreTestsOnSqlite() : PushMessageStoreTests(Db.Sqlite);
public sealed class PushMessageStoreTestsOnPostgres() : PushMessageStoreTests(Db.Postgres);
