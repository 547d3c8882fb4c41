using Ordo.Data.Security;
using Ordo.Server.Tests.Infrastructure;
using Shouldly;

namespace Ordo.Server.Tests.Security;

/// <summary>The user store's SQL on each database: a user and its roles written, read, updated with a concurrency check, listed.</summary>
public abstract class UserStoreTests(Db kind)
{
    private static UserRecord NewUser(string email, params string[] roles)
    {
        var now = new DateTimeOffset(2026, 12, 6, 8, 0, 0, TimeSpan.Zero);
        return new UserRecord(0, email, email.ToUpperInvariant(), "张三", "hash", "stamp-1", "c-1", now.AddMinutes(15), true, 3, true, "v1:sealed",
            ["aaa", "bbb"], "en", "Europe/Berlin", true, null, now, now, roles);
    }

    [Fact]
    public async Task A_user_round_trips_with_its_roles_and_updates_only_with_the_expected_concurrency_stamp()
    {
        if (kind == Db.Postgres) TestDatabase.RequirePostgres();
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = await database.OpenMigratedAsync();

        var first = await db.WriteAsync(s => UserStore.AddFirstAsync(s, NewUser("first@ordo.test", "admin")));
        first.ShouldNotBeNull();
        (await db.WriteAsync(s => UserStore.AddFirstAsync(s, NewUser("second@ordo.test", "admin")))).ShouldBeNull("only while there is no user");
        (await db.WriteAsync(s => UserStore.AddAsync(s, NewUser("FIRST@ordo.test", "finance") with { NormalizedEmail = "FIRST@ORDO.TEST" }))).ShouldBeNull("the e-mail is taken");

        var id = await db.WriteAsync(s => UserStore.AddAsync(s, NewUser("cs@ordo.test", "customer-service", "finance")));
        id.ShouldNotBeNull();
        var stored = (await db.ReadAsync(s => UserStore.FindByNormalizedEmailAsync(s, "CS@ORDO.TEST")))!;
        stored.ShouldBe(NewUser("cs@ordo.test", "customer-service", "finance") with { Id = id.Value, Roles = stored.Roles, RecoveryCodeHashes = stored.RecoveryCodeHashes });
        stored.Roles.ShouldBe(["customer-service", "finance"]);
        stored.RecoveryCodeHashes.ShouldBe(["aaa", "bbb"]);

        var changed = stored with { ConcurrencyStamp = "c-2", DisabledAt = stored.CreatedAt.AddDays(1), Roles = ["warehouse"], LockoutEnd = null, TwoFactorEnabled = false };
        (await db.WriteAsync(s => UserStore.UpdateAsync(s, changed, "c-0"))).ShouldBeFalse("someone else changed it");
        (await db.WriteAsync(s => UserStore.UpdateAsync(s, changed, "c-1"))).ShouldBeTrue();
        var reread = (await db.ReadAsync(s => UserStore.FindByIdAsync(s, id.Value)))!;
        (reread.ConcurrencyStamp, reread.DisabledAt, reread.LockoutEnd, reread.TwoFactorEnabled).ShouldBe(("c-2", changed.DisabledAt, (DateTimeOffset?)null, false));
        reread.Roles.ShouldBe(["warehouse"]);

        var all = await db.ReadAsync(UserStore.ListAsync);
        all.Select(u => (u.Email, string.Join(",", u.Roles))).ShouldBe([("cs@ordo.test", "warehouse"), ("first@ordo.test", "admin")]);
        (await db.ReadAsync(s => UserStore.ActiveInRoleAsync(s, "warehouse"))).ShouldBeEmpty("the warehouse user is disabled");
        (await db.ReadAsync(s => UserStore.ActiveInRoleAsync(s, "admin"))).Single().Email.ShouldBe("first@ordo.test");
    }
}

public sealed class UserStoreTestsOnSqlite() : UserStoreTests(Db.Sqlite);
public sealed class UserStoreTestsOnPostgres() : UserStoreTests(Db.Postgres);
