using System.Globalization;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Ordo.Data;

/// <summary>
/// Runs SQL on one SQLite connection through SQLitePCLRaw, the library under Microsoft.Data.Sqlite, with each statement
/// prepared once per connection and its parameters bound by position. Microsoft.Data.Sqlite binds every parameter on
/// every execution by a name lookup that scans the statement's parameters: for the multi-row statements of set-wise
/// writes (over a hundred parameters each) those scans took a fifth of the single writer's time, and copying text values
/// to new UTF-8 arrays another tenth. Here names are resolved once, when the statement is prepared, and text is encoded
/// into one reused buffer (handing SQLite UTF-16 instead measured slower still: its converter goes byte by byte).
/// Written by hand: neither ADO.NET provider nor any other available library runs SQLite statements this way.
/// Not thread-safe: one per connection, used by one session at a time.
/// </summary>
internal sealed class SqliteStatements(SqliteConnection connection) : IDisposable
{
    private const int MaxCached = 512;
    private const uint PreparePersistent = 0x01;   // SQLITE_PREPARE_PERSISTENT: kept for many executions

    private readonly Dictionary<string, Prepared> _cache = new(StringComparer.Ordinal);
    private byte[] _utf8 = new byte[4096];

    /// <summary>A prepared statement, its parameter names (without prefix) by index, and where the caller's parameters go.</summary>
    private sealed class Prepared(sqlite3_stmt statement, string[] names)
    {
        public sqlite3_stmt Statement { get; } = statement;
        public string[] Names { get; } = names;
        /// <summary>For each parameter index, the position of its value in the caller's parameters (same SQL, same order).</summary>
        public int[]? Positions;
    }

    /// <summary>Whether a transaction is open on the connection.</summary>
    public bool InTransaction => raw.sqlite3_get_autocommit(Handle) == 0;

    private sqlite3 Handle => connection.Handle ?? throw new InvalidOperationException("the SQLite connection is not open");

    /// <summary>Runs <paramref name="sql"/> (one or more statements); <paramref name="onRow"/> sees each result row. Returns the rows changed.</summary>
    public int Run(OrdoDatabase database, string sql, (string Name, object? Value)[] parameters, Action<Row>? onRow)
    {
        if (_cache.TryGetValue(sql, out var cached)) return Step(database, cached, parameters, onRow);
        var db = Handle;
        var changed = 0;
        var remaining = sql;
        // Statements of a script are prepared one at a time, each after the one before ran (it may create a table the
        // next one uses). Only single statements are kept.
        while (!string.IsNullOrWhiteSpace(remaining))
        {
            Check(db, raw.sqlite3_prepare_v3(db, remaining, PreparePersistent, out var statement, out var tail));
            if (statement is null || statement.IsInvalid) break;   // only comments or whitespace left
            var prepared = new Prepared(statement, ParameterNames(statement));
            var keep = string.IsNullOrWhiteSpace(tail) && ReferenceEquals(remaining, sql) && _cache.Count < MaxCached;
            try { changed += Step(database, prepared, parameters, onRow); }
            finally
            {
                if (keep) _cache[sql] = prepared;
                else statement.Dispose();
            }
            remaining = tail;
        }
        return changed;
    }

    private static string[] ParameterNames(sqlite3_stmt statement)
    {
        var names = new string[raw.sqlite3_bind_parameter_count(statement)];
        for (var i = 0; i < names.Length; i++)
        {
            var name = raw.sqlite3_bind_parameter_name(statement, i + 1).utf8_to_string()
                ?? throw new NotSupportedException("Ordo's SQL names its parameters (@name); a nameless ? parameter cannot be bound");
            names[i] = name[1..];
        }
        return names;
    }

    private int Step(OrdoDatabase database, Prepared prepared, (string Name, object? Value)[] parameters, Action<Row>? onRow)
    {
        var db = Handle;
        var statement = prepared.Statement;
        try
        {
            Bind(database, prepared, parameters);
            var before = raw.sqlite3_total_changes(db);
            Row? row = null;
            while (true)
            {
                var rc = raw.sqlite3_step(statement);
                if (rc == raw.SQLITE_DONE) break;
                if (rc != raw.SQLITE_ROW) Check(db, rc);
                if (onRow is not null) onRow(row ??= new Row(database, statement));
            }
            return raw.sqlite3_total_changes(db) - before;
        }
        finally
        {
            // A statement left mid-way would keep the connection's read snapshot (or block the commit).
            raw.sqlite3_reset(statement);
        }
    }

    private void Bind(OrdoDatabase database, Prepared prepared, (string Name, object? Value)[] parameters)
    {
        var names = prepared.Names;
        if (prepared.Positions is not { } positions || !Matches(positions, names, parameters))
            prepared.Positions = positions = Locate(names, parameters);
        var statement = prepared.Statement;
        for (var i = 0; i < names.Length; i++)
        {
            var value = database.ToDb(parameters[positions[i]].Value);
            var rc = value switch
            {
                DBNull => raw.sqlite3_bind_null(statement, i + 1),
                string text => raw.sqlite3_bind_text(statement, i + 1, Utf8(text)),
                long number => raw.sqlite3_bind_int64(statement, i + 1, number),
                int number => raw.sqlite3_bind_int64(statement, i + 1, number),
                short number => raw.sqlite3_bind_int64(statement, i + 1, number),
                byte number => raw.sqlite3_bind_int64(statement, i + 1, number),
                bool flag => raw.sqlite3_bind_int64(statement, i + 1, flag ? 1 : 0),
                double real => raw.sqlite3_bind_double(statement, i + 1, real),
                // As Microsoft.Data.Sqlite stores them: decimals as text, so that no digit is lost to a double.
                decimal amount => raw.sqlite3_bind_text(statement, i + 1, Utf8(amount.ToString(CultureInfo.InvariantCulture))),
                byte[] bytes => raw.sqlite3_bind_blob(statement, i + 1, bytes),
                _ => throw new NotSupportedException($"parameter @{names[i]}: values of type {value.GetType().Name} are not stored by Ordo"),
            };
            if (rc != raw.SQLITE_OK) Check(raw.sqlite3_db_handle(statement), rc);
        }
    }

    /// <summary>The text as UTF-8 in the reused buffer, valid until the next call (SQLite copies bound text).</summary>
    private ReadOnlySpan<byte> Utf8(string text)
    {
        var most = System.Text.Encoding.UTF8.GetMaxByteCount(text.Length);
        if (most > _utf8.Length) _utf8 = new byte[Math.Max(most, _utf8.Length * 2)];
        return _utf8.AsSpan(0, System.Text.Encoding.UTF8.GetBytes(text, _utf8));
    }

    private static bool Matches(int[] positions, string[] names, (string Name, object? Value)[] parameters)
    {
        for (var i = 0; i < names.Length; i++)
        {
            var p = positions[i];
            if (p >= parameters.Length || !SameName(parameters[p].Name, names[i])) return false;
        }
        return true;
    }

    private static int[] Locate(string[] names, (string Name, object? Value)[] parameters)
    {
        var positions = new int[names.Length];
        for (var i = 0; i < names.Length; i++)
        {
            positions[i] = Array.FindIndex(parameters, p => SameName(p.Name, names[i]));
            if (positions[i] < 0) throw new InvalidOperationException($"no value was given for the SQL parameter @{names[i]}");
        }
        return positions;
    }

    private static bool SameName(string given, string name) =>
        given.Length > 0 && given[0] is '@' or '$' or ':' ? given.AsSpan(1).SequenceEqual(name) : given == name;

    private static void Check(sqlite3 db, int rc)
    {
        if (rc is raw.SQLITE_OK or raw.SQLITE_ROW or raw.SQLITE_DONE) return;
        throw new SqliteException($"SQLite Error {rc}: '{raw.sqlite3_errmsg(db).utf8_to_string()}'.", rc, raw.sqlite3_extended_errcode(db));
    }

    public void Dispose()
    {
        foreach (var prepared in _cache.Values) prepared.Statement.Dispose();
        _cache.Clear();
    }
}
