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
            var claimed = await PushMessageStore.TryClaimAsync(s, "PDD-1", "9007199254740993", "250301-1", Now);
            await Task.Delay(100); // hold the transaction open so the others overlap it
            return claimed;
        }))));

        claims.Count(c => c).ShouldBe(1);
        (await Database.WriteAsync(s => PushMessageStore.TryClaimAsync(s, "PDD-1", "9007199254740993", "250301-2", Now))).ShouldBeTrue("another order of the message");
        (await Database.WriteAsync(s => PushMessageStore.TryClaimAsync(s, "PDD-2", "9007199254740993", "250301-1", Now))).ShouldBeTrue("another shop");
    }

    [Fact]
    public async Task A_claim_whose_transaction_failed_leaves_the_redelivery_claimable()
    {
        await Should.ThrowAsync<InvalidOperationException>(() => Database.WriteAsync<bool>(async s =>
        {
            await PushMessageStore.TryClaimAsync(s, "PDD-1", "m-1", "250301-1", Now);
            throw new InvalidOperationException("crash before the commit");
        }));

        (await Database.WriteAsync(s => PushMessageStore.TryClaimAsync(s, "PDD-1", "m-1", "250301-1", Now))).ShouldBeTrue();
        (await Database.WriteAsync(s => PushMessageStore.TryClaimAsync(s, "PDD-1", "m-1", "250301-1", Now))).ShouldBeFalse();
    }
}

public sealed class PushMessageStoreTestsOnSqlite() : PushMessageStoreTests(Db.Sqlite);
public sealed class PushMessageStoreTestsOnPostgres() : PushMessageStoreTests(Db.Postgres);
