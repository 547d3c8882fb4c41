using Ordo.Data;
using Ordo.Data.Jobs;
using Ordo.Server.Tests.Infrastructure;
using Shouldly;

namespace Ordo.Server.Tests.Storage;

/// <summary>
/// Writes committed together (GroupCommit) and connections kept with their prepared commands (SQLite): a group commits
/// every write in it, a bad write fails only its own caller, and a kept command never carries one transaction's
/// parameters or rolled-back work into the next.
/// </summary>
public abstract class ConnectionReuseTests(Db kind) : DatabaseTestBase(kind)
{
    private static readonly DateTimeOffset Now = new(2026, 11, 11, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Concurrent_writes_are_all_committed_and_a_failing_one_fails_alone()
    {
        var group = new GroupCommit(Database, maxGroup: 8);
        var writes = Enumerable.Range(0, 40).Select(i => group.WriteAsync(async s =>
        {
            await JobStore.EnqueueAsync(s, "test", $"{{\"n\":{i}}}", Now, Now, 3);
            // Every seventh write breaks its transaction after its insert: only it may be lost.
            if (i % 7 == 3) await s.ExecuteAsync("INSERT INTO no_such_table VALUES (1)");
        })).ToList();

        var outcomes = await Task.WhenAll(writes.Select(async w => { try { await w; return true; } catch (Exception) { return false; } }));

        var failed = Enumerable.Range(0, 40).Where(i => i % 7 == 3).ToList();
        outcomes.Select((ok, i) => (ok, i)).Where(o => !o.ok).Select(o => o.i).ShouldBe(failed);
        var stored = await Database.ReadAsync(s => s.QueryAsync("SELECT payload FROM jobs WHERE kind = 'test'", r => r.String("payload")));
        stored.Order().ShouldBe(Enumerable.Range(0, 40).Except(failed).Select(i => $"{{\"n\":{i}}}").Order());
    }

    [Fact]
    public async Task A_kept_command_takes_each_call_s_own_parameters_and_a_rolled_back_write_leaves_nothing()
    {
        for (var round = 0; round < 3; round++)
        {
            var n = round;
            await Database.WriteAsync(s => JobStore.EnqueueAsync(s, "reuse", $"{{\"round\":{n}}}", Now.AddMinutes(n), Now, 3 + n, $"key-{n}"));
            await Should.ThrowAsync<InvalidOperationException>(() => Database.WriteAsync(async s =>
            {
                await JobStore.EnqueueAsync(s, "reuse", "{\"rolled\":\"back\"}", Now, Now, 9);
                throw new InvalidOperationException("the transaction is abandoned");
            }));
        }

        var rows = await Database.ReadAsync(s => s.QueryAsync(
            "SELECT payload, ordering_key, max_attempts, due_at FROM jobs WHERE kind = 'reuse' ORDER BY id",
            r => (Payload: r.String("payload"), Key: r.String("ordering_key"), Max: r.Int("max_attempts"), Due: r.Instant("due_at"))));
        rows.ShouldBe(Enumerable.Range(0, 3).Select(n => ($"{{\"round\":{n}}}", $"key-{n}", 3 + n, Now.AddMinutes(n))).ToList());

        // Reads on kept connections see what was committed after they were last used.
        var before = await Database.ReadAsync(s => s.ScalarAsync<long>("SELECT COUNT(*) FROM jobs WHERE kind = 'reuse'"));
        await Database.WriteAsync(s => JobStore.EnqueueAsync(s, "reuse", "{}", Now, Now, 3));
        var after = await Database.ReadAsync(s => s.ScalarAsync<long>("SELECT COUNT(*) FROM jobs WHERE kind = 'reuse'"));
        (before, after).ShouldBe((3L, 4L));
    }
}

public sealed class ConnectionReuseTestsOnSqlite() : ConnectionReuseTests(Db.Sqlite);
public sealed class ConnectionReuseTestsOnPostgres() : ConnectionReuseTests(Db.Postgres);
