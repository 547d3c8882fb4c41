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
        // A running job is not waiting: it is due again only when its lease runs out.
        (await Database.ReadAsync(s => JobStore.StatsAsync(s, Now.AddSeconds(10)))).Due.ShouldBe(0);
        (await Database.ReadAsync(s => JobStore.FindAsync(s, id)))!.DueAt.ShouldBe(Now + Lease);

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

    [Fact]
    public async Task Jobs_queued_to_run_here_are_handed_over_leased_and_first_of_their_key_only()
    {
        var local = new LocalJobs("runner-a", Lease, maxWaiting: 100);
        Database.LocalJobs = local;
        var earlier = await Enqueue("busy");   // pending before: a later job of its key must wait for it
        await Database.WriteAsync(s => JobStore.EnqueueManyAsync(s,
        [
            new NewJob("test", "a", Now, 5, "k1"),
            new NewJob("test", "b", Now, 5, "k1"),            // second of its key in the batch
            new NewJob("test", "c", Now, 5, null),
            new NewJob("test", "d", Now, 5, "busy"),
            new NewJob("test", "e", Now.AddMinutes(5), 5, "k2"), // not due yet
        ], Now, runHere: true));

        var handed = new List<Job>();
        while (local.TryTake(Now, TimeSpan.FromSeconds(1), out var job)) handed.Add(job);
        handed.Select(j => j.Payload).ShouldBe(["a", "c"]);
        handed.ShouldAllBe(j => j.Attempts == 1);
        // Leased to the runner: no claim takes them while the lease holds, and the runner completes them as their owner.
        var claimed = await Database.WriteAsync(s => JobStore.ClaimAsync(s, "runner-b", 10, Now, Lease));
        claimed.Select(j => j.Id).ShouldBe([earlier]);
        foreach (var job in handed) (await Database.WriteAsync(s => JobStore.CompleteAsync(s, job.Id, "runner-a", Now))).ShouldBe(1);
        // "b" waited for "a" through the claim; "d" waits for the earlier "busy" job, still running.
        (await Database.WriteAsync(s => JobStore.ClaimAsync(s, "runner-b", 10, Now, Lease))).Select(j => j.Payload).ShouldBe(["b"]);
    }

    [Fact]
    public async Task A_handed_over_job_its_runner_never_started_is_claimed_once_the_lease_runs_out()
    {
        var local = new LocalJobs("runner-a", Lease, maxWaiting: 100);
        Database.LocalJobs = local;
        await Database.WriteAsync(s => JobStore.EnqueueManyAsync(s, [new NewJob("test", "x", Now, 5, null)], Now, runHere: true));
        Database.LocalJobs = null; // the process stops before starting it

        (await Database.WriteAsync(s => JobStore.ClaimAsync(s, "runner-b", 10, Now.AddSeconds(10), Lease))).ShouldBeEmpty();
        var taken = await Database.WriteAsync(s => JobStore.ClaimAsync(s, "runner-b", 10, Now + Lease + TimeSpan.FromSeconds(1), Lease));
        taken.Single().Payload.ShouldBe("x");
        taken.Single().Attempts.ShouldBe(2);
        // A job whose lease is nearly over is not started from the hand-over any more: the claim will take it.
        local.TryTake(Now + Lease, TimeSpan.FromSeconds(5), out _).ShouldBeFalse();
    }

    [Fact]
    public async Task Once_jobs_overflow_to_the_claim_none_are_handed_over_until_the_claims_caught_up()
    {
        var local = new LocalJobs("runner-a", Lease, maxWaiting: 2);
        Database.LocalJobs = local;
        Task Queue(string payload) => Database.WriteAsync(s => JobStore.EnqueueManyAsync(s, [new NewJob("test", payload, Now, 5, null)], Now, runHere: true));
        await Queue("1");
        await Queue("2");
        await Queue("3");   // two are waiting: this one goes to the claim

        var handed = new List<string>();
        while (local.TryTake(Now, TimeSpan.FromSeconds(1), out var job)) handed.Add(job.Payload);
        handed.ShouldBe(["1", "2"]);
        // Room again, but "4" must not start before "3", which waits for a claim.
        await Queue("4");
        local.TryTake(Now, TimeSpan.FromSeconds(1), out _).ShouldBeFalse();
        (await Database.WriteAsync(s => JobStore.ClaimAsync(s, "runner-a", 10, Now, Lease))).Select(j => j.Payload).ShouldBe(["3", "4"], ignoreOrder: true);

        local.Drained();
        await Queue("5");
        local.TryTake(Now, TimeSpan.FromSeconds(1), out var fifth).ShouldBeTrue();
        fifth.Payload.ShouldBe("5");
    }
}

public sealed class JobStoreTestsOnSqlite() : JobStoreTests(Db.Sqlite);
public sealed class JobStoreTestsOnPostgres() : JobStoreTests(Db.Postgres);
