using Microsoft.Data.Sqlite;
using Ordo.Server.Tests.Infrastructure;
using Shouldly;

namespace Ordo.Server.Tests.Storage;

/// <summary>
/// SQLite statements run through SQLitePCLRaw with parameters bound by position (Ordo.Data.SqliteStatements): values of
/// every stored type survive, a statement reused with its parameters in another order binds them right, and a failed
/// statement leaves the connection usable.
/// </summary>
public sealed class SqliteStatementsTests() : DatabaseTestBase(Db.Sqlite)
{
    private static readonly string Long = string.Concat(Enumerable.Repeat("收货地址 address ", 2_000));

    [Fact]
    public async Task Values_of_every_stored_type_round_trip()
    {
        var at = new DateTimeOffset(2026, 11, 11, 0, 0, 0, 123, TimeSpan.FromHours(8));
        await Database.WriteAsync(s => s.ExecuteAsync(
            """
            CREATE TABLE probe (t TEXT, n INTEGER, i INTEGER, b INTEGER, r REAL, m TEXT, x BLOB, at TEXT, e TEXT, z TEXT, empty TEXT, long TEXT);
            INSERT INTO probe VALUES (@t, @n, @i, @b, @r, @m, @x, @at, @e, @z, @empty, @long);
            """,
            ("t", "马克杯 'quoted' 🎁"), ("n", 9_007_199_254_740_993L), ("i", -7), ("b", true), ("r", 0.5), ("m", 89.10m),
            ("x", new byte[] { 0, 1, 255 }), ("at", at), ("e", DayOfWeek.Friday), ("z", null), ("empty", ""), ("long", Long)));

        var row = (await Database.ReadAsync(s => s.QueryAsync("SELECT * FROM probe", r => (
            T: r.String("t"), N: r.Long("n"), I: r.Int("i"), B: r.Bool("b"), M: r.String("m"), At: r.Instant("at"), E: r.Enum<DayOfWeek>("e"),
            Z: r.StringOrNull("z"), ZIsNull: r.IsNull("z")))))[0];
        row.ShouldBe(("马克杯 'quoted' 🎁", 9_007_199_254_740_993L, -7, true, "89.10", at, DayOfWeek.Friday, (string?)null, true));
        (await Database.ReadAsync(s => s.ScalarAsync<double>("SELECT r FROM probe"))).ShouldBe(0.5);
        // An empty string stays an empty string, not NULL; a text longer than the encoding buffer survives whole.
        (await Database.ReadAsync(s => s.ScalarAsync<string>("SELECT typeof(empty) || ':' || length(empty) FROM probe"))).ShouldBe("text:0");
        (await Database.ReadAsync(s => s.ScalarAsync<string>("SELECT long FROM probe"))).ShouldBe(Long);
        (await Database.ReadAsync(s => s.ScalarAsync<string>("SELECT hex(x) FROM probe"))).ShouldBe("0001FF");
        (await Database.ReadAsync(s => s.ScalarAsync<long?>("SELECT n FROM probe WHERE 1 = 0"))).ShouldBeNull();
    }

    [Fact]
    public async Task The_same_statement_binds_its_parameters_by_name_whatever_order_they_come_in()
    {
        await Database.WriteAsync(s => s.ExecuteAsync("CREATE TABLE pair (a TEXT, b TEXT)"));
        const string insert = "INSERT INTO pair (a, b) VALUES (@a, @b)";
        await Database.WriteAsync(async s =>
        {
            await s.ExecuteAsync(insert, ("a", "1"), ("b", "2"));
            await s.ExecuteAsync(insert, ("b", "4"), ("a", "3"));
            await s.ExecuteAsync(insert, ("@a", "5"), ("extra", "ignored"), ("b", "6"));
        });
        (await Database.ReadAsync(s => s.QueryAsync("SELECT a, b FROM pair ORDER BY a", r => r.String("a") + r.String("b"))))
            .ShouldBe(["12", "34", "56"]);

        var missing = await Should.ThrowAsync<InvalidOperationException>(() => Database.WriteAsync(s => s.ExecuteAsync(insert, ("a", "7"))));
        missing.Message.ShouldContain("@b");
    }

    [Fact]
    public async Task A_failed_statement_leaves_the_connection_and_its_statements_usable()
    {
        await Database.WriteAsync(s => s.ExecuteAsync("CREATE TABLE one (k TEXT PRIMARY KEY)"));
        const string insert = "INSERT INTO one (k) VALUES (@k)";
        await Database.WriteAsync(s => s.ExecuteAsync(insert, ("k", "a")));

        var error = await Should.ThrowAsync<SqliteException>(() => Database.WriteAsync(s => s.ExecuteAsync(insert, ("k", "a"))));
        error.SqliteErrorCode.ShouldBe(19);   // SQLITE_CONSTRAINT
        error.Message.ShouldContain("UNIQUE");

        (await Database.WriteAsync(s => s.ExecuteAsync(insert, ("k", "b")))).ShouldBe(1);
        (await Database.ReadAsync(s => s.QueryAsync("SELECT k FROM one ORDER BY k", r => r.String("k")))).ShouldBe(["a", "b"]);
        (await Database.WriteAsync(s => s.ExecuteAsync("UPDATE one SET k = k || '!' WHERE k <> @none", ("none", "x")))).ShouldBe(2);
    }
}
