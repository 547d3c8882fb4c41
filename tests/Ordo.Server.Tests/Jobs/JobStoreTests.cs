using Ordo.Data;
using Ordo.Data.Jobs;
using Ordo.Server.Tests.Infrastructure;
using Shouldly;

namespace Ordo.Server.Tests.Jobs;

/// <summary>The job table below the HTTP layer: claims with leases, exactly-once claiming by concurrent workers, ordering keys.</summary>
public abstract class JobStoreTests(Db kind) : DatabaseTestBase(kind)
{
    private static readonly DateTimeOffset Now = new(2026, 11, 11, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private Task<long> Enqueue(string? key = null, DateTimeOffset? due = null) =>
        Database.WriteAsync(s => JobStore.EnqueueAsync(s, "test", "{}", due ?? Now, Now, 5, key));

    [Fact]
    public async Task Concurrent_workers_claim_each_job_exactly_once()
    {
        for (var i = 0; i < 300; i++) await Enqueue();
        var claimedBy = new System.Collections.Concurrent.ConcurrentBag<long>();

        await Task.WhenAll(Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
        {
            var owner = $"worker-{w}";
            while (true)
            {
                var jobs = await Database.WriteAsync(s => JobStore.ClaimAsync(s, owner, 7, Now, Lease));
                if (jobs.Count == 0) return;
                foreach (var job in jobs)
                {
                    claimedBy.Add(job.Id);
                    (await Database.WriteAsync(s => JobStore.CompleteAsync(s, job.Id, owner, Now))).ShouldBe(1);
                }
            }
        })));

        claimedBy.Count.ShouldBe(300);
        claimedBy.Distinct().Count().ShouldBe(300);
    }

    [Fact]
    public async Task Jobs_with_the_same_ordering_key_run_one_at_a_time_in_order()
    {
        var first = await Enqueue("k");
        var second = await Enqueue("k");
        var other = await Enqueue("other");

        var claimed = await Database.WriteAsync(s => JobStore.ClaimAsync(s, "w", 10, Now, Lease));
        claimed.Select(j => j.Id).ShouldBe([first, other], ignoreOrder: true);
        await Database.WriteAsync(s => JobStore.CompleteAsync(s, other, "w", Now));

        // While the first is failing and waiting for its retry, the second still waits.
        await Database.WriteAsync(s => JobStore.FailAsync(s, first, "w", "boom", Now, Now.AddMinutes(1)));
        (await Database.WriteAsync(s => JobStore.ClaimAsync(s, "w", 10, Now.AddSeconds(1), Lease))).ShouldBeEmpty();

        var retried = await Database.WriteAsync(s => JobStore.ClaimAsync(s, "w", 10, Now.AddMinutes(2), Lease));
        retried.Single().Id.ShouldBe(first);
        retried.Single().Attempts.ShouldBe(2);
        await Database.WriteAsync(s => JobStore.CompleteAsync(s, first, "w", Now.AddMinutes(2)));
        (await Database.WriteAsync(s => JobStore.ClaimAsync(s, "w", 10, Now.AddMinutes(2), Lease))).Single().Id.ShouldBe(second);
    }

    [Fact]
    public async Task A_lease_that_runs_out_is_taken_over_and_the_old_owner_cannot_complete()
    {
        var id = await Enqueue();
        (await Database.WriteAsync(s => JobStore.ClaimAsync(s, "crashed", 1, Now, Lease))).Single().Id.ShouldBe(id);
        (await Database.WriteAsync(s => JobStore.ClaimAsync(s, "other", 1, Now.AddSeconds(10), Lease))).ShouldBeEmpty();

        var taken = await Database.WriteAsync(s => JobStore.ClaimAsync(s, "other", 1, Now.AddSeconds(31), Lease));
        taken.Single().Id.ShouldBe(id);
        (await Database.WriteAsync(s => JobStore.CompleteAsync(s, id, "crashed", Now.AddSeconds(32)))).ShouldBe(0);
        (await Database.WriteAsync(s => JobStore.CompleteAsync(s, id, "other", Now.AddSeconds(32)))).ShouldBe(1);
    }

    [Fact]
    public async Task Jobs_wait_for_their_due_time_and_failed_ones_are_counted()
    {
        var later = await Enqueue(due: Now.AddHours(1));
        (await Database.WriteAsync(s => JobStore.ClaimAsync(s, "w", 10, Now, Lease))).ShouldBeEmpty();
        var job = (await Database.WriteAsync(s => JobStore.ClaimAsync(s, "w", 10, Now.AddHours(1), Lease))).Single();
        job.Id.ShouldBe(later);
        await Database.WriteAsync(s => JobStore.FailAsync(s, later, "w", "gave up", Now.AddHours(1), null));

        var stats = await Database.ReadAsync(s => JobStore.StatsAsync(s, Now.AddHours(1)));
        stats.Failed.ShouldBe(1);
        stats.Pending.ShouldBe(0);
        (await Database.ReadAsync(s => JobStore.FindAsync(s, later)))!.LastError.ShouldBe("gave up");
    }
}

public sealed class JobStoreTestsOnSqlite() : JobStoreTests(Db.Sqlite);
public sealed class JobStoreTestsOnPostgres() : JobStoreTests(Db.Postgres);
