using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;
using SQLitePCL;

namespace Ordo.Data;

public enum DatabaseProvider { Sqlite, Postgres }

/// <summary>
/// Ordo's access to its database: SQLite embedded (one process) or PostgreSQL (one or many Ordo instances).
/// Writes run in a transaction through <see cref="WriteAsync{T}"/>: on SQLite they are serialised inside the process
/// (SQLite has one writer; waiting on our own lock is cheaper and fairer than SQLITE_BUSY retries), on PostgreSQL they
/// run concurrently and are retried on serialization failures and deadlocks. Thread-safe.
/// </summary>
public sealed class OrdoDatabase : IAsyncDisposable
{
    private readonly NpgsqlDataSource? _postgres;
    private readonly NpgsqlDataSource? _postgresByKey;
    private readonly string? _sqlite;
    private readonly SemaphoreSlim _sqliteWriter = new(1, 1);

    private OrdoDatabase(DatabaseProvider provider, string? sqlite, NpgsqlDataSource? postgres, NpgsqlDataSource? postgresByKey = null)
    {
        Provider = provider;
        _sqlite = sqlite;
        _postgres = postgres;
        _postgresByKey = postgresByKey;
        Together = new GroupCommit(this);
    }

    /// <summary>This process's job runner, while it runs: jobs queued with runHere are handed to it (see <see cref="Jobs.LocalJobs"/>).</summary>
    public Jobs.LocalJobs? LocalJobs { get; set; }

    /// <summary>
    /// The keys that encrypt personal data at rest and index phones for search (set by the server from its
    /// configuration; replaced when the configuration changes). Null: stored in clear, for tools and tests that open a
    /// database without the server. Stores read it through their session, so servers with different keys can run in one process.
    /// </summary>
    public Privacy.PersonalDataKeyRing? PersonalData
    {
        get => _personalDataColumns ? _personalData : null;
        set => _personalData = value;
    }
    private volatile Privacy.PersonalDataKeyRing? _personalData;

    /// <summary>Whether the schema has the personal-data columns (migration 0012); false while an upgrade test stops before it.</summary>
    public bool PersonalDataColumns => _personalDataColumns;
    private volatile bool _personalDataColumns = true;
    internal void PersonalDataColumnsMissing() => _personalDataColumns = false;

    /// <summary>Small independent writes committed together with the others of the moment (see <see cref="GroupCommit"/>).</summary>
    public GroupCommit Together { get; }

    public DatabaseProvider Provider { get; }

    /// <summary>Attempt budget given to each webhook delivery the outbox enqueues (Ordo:Webhooks:MaxAttempts).</summary>
    public int WebhookMaxAttempts { get; init; } = 15;

    /// <summary>How long after a stock change its SKU's channel stock push is due (Ordo:Channels:StockPushDelaySeconds): changes meanwhile share the push.</summary>
    public TimeSpan StockPushDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Attempt budget of each channel stock push job (Ordo:Channels:StockPushMaxAttempts).</summary>
    public int StockPushMaxAttempts { get; set; } = 20;

    /// <summary>The schema stops before the channel stock tables (an upgrade test): stock changes queue no pushes.</summary>
    public bool ChannelStockUnavailable { get; private set; }

    internal void ChannelStockMissing() => ChannelStockUnavailable = true;

    // Whether any warehouse exists, looked up at most every few seconds: orders get stock jobs only once the
    // merchant keeps stock in Ordo, and intake should not ask for every batch. Another instance's first warehouse
    // is seen within InventoryRecheck.
    private static readonly TimeSpan InventoryRecheck = TimeSpan.FromSeconds(5);
    private volatile bool _inventoryActive;
    private long _inventoryCheckedAt = long.MinValue;

    /// <summary>Whether Ordo keeps stock here (a warehouse exists); cached, and true from the first warehouse on.</summary>
    public async Task<bool> InventoryActiveAsync(DbSession s)
    {
        if (_inventoryActive) return true;
        if (_inventoryUnavailable) return false;
        var checkedAt = Interlocked.Read(ref _inventoryCheckedAt);
        if (checkedAt != long.MinValue && System.Diagnostics.Stopwatch.GetElapsedTime(checkedAt) < InventoryRecheck) return false;
        _inventoryActive = await s.ScalarAsync<long>("SELECT COUNT(*) FROM (SELECT 1 FROM warehouses LIMIT 1) w") > 0;
        Interlocked.Exchange(ref _inventoryCheckedAt, System.Diagnostics.Stopwatch.GetTimestamp());
        return _inventoryActive;
    }

    private volatile bool _inventoryUnavailable;

    /// <summary>The schema stops before the inventory tables (see <see cref="Migrator"/>): orders get no stock jobs.</summary>
    internal void InventoryUnavailable() => _inventoryUnavailable = true;

    /// <summary>Called when this process creates a warehouse: stock jobs start with the next order.</summary>
    public void InventoryActivated() => _inventoryActive = true;

    public static OrdoDatabase Create(DatabaseProvider provider, string connectionString, int webhookMaxAttempts = 15)
    {
        if (provider == DatabaseProvider.Postgres)
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            if (!connectionString.Contains("Maximum Pool Size", StringComparison.OrdinalIgnoreCase)) builder.MaxPoolSize = 50;
            // Ordo keeps no session state on connections (its advisory locks are transaction-scoped), so the pool need
            // not DISCARD ALL on return, and the few statements Ordo runs are worth preparing once per connection.
            if (!connectionString.Contains("No Reset On Close", StringComparison.OrdinalIgnoreCase)) builder.NoResetOnClose = true;
            if (!connectionString.Contains("Max Auto Prepare", StringComparison.OrdinalIgnoreCase)) builder.MaxAutoPrepare = 64;
            // Plan each execution for the tables as they are now. A prepared statement's generic plan is made once, with
            // the table sizes known at that moment: on a young database, or a table that grew fast since autovacuum last
            // analysed it (orders, inbox and jobs on a promotion night), that plan scans whole tables where an index
            // lookup is right, until the next ANALYZE. Measured: batch intake on a fresh database fell from about 8,000
            // to 5,800 orders/s and single requests at concurrency 32 from 2,200 to 1,000/s.
            // Reads by key (ReadByKeyAsync) are the exception: their plan is an index lookup at any table size, and
            // planning it on every execution cost more than running it (a webhook delivery's read of its event and order:
            // 0.2-0.5 ms planning, 0.05 ms running), so they get a pool of their own with PostgreSQL's default plan
            // caching. The two pools share the instance's connection budget: a quarter for reads by key.
            var options = builder.Options;
            var budget = builder.MaxPoolSize;
            var byKeyConnections = Math.Max(1, budget / 4);
            builder.MaxPoolSize = Math.Max(1, budget - byKeyConnections);
            if (string.IsNullOrEmpty(options)) builder.Options = "-c plan_cache_mode=force_custom_plan";
            var main = NpgsqlDataSource.Create(builder.ConnectionString);
            builder.Options = options;
            builder.MaxPoolSize = byKeyConnections;
            return new OrdoDatabase(provider, null, main, NpgsqlDataSource.Create(builder.ConnectionString)) { WebhookMaxAttempts = webhookMaxAttempts };
        }
        var sqlite = new SqliteConnectionStringBuilder(connectionString) { Pooling = true, DefaultTimeout = 30 };
        if (sqlite.DataSource is { Length: > 0 } file && file != ":memory:" && Path.GetDirectoryName(Path.GetFullPath(file)) is { } dir)
            Directory.CreateDirectory(dir);
        return new OrdoDatabase(provider, sqlite.ConnectionString, null) { WebhookMaxAttempts = webhookMaxAttempts };
    }

    /// <summary>A connection for reading (pooled). On SQLite, readers need no per-connection settings: WAL is a property of the file.</summary>
    public async Task<DbConnection> OpenAsync(CancellationToken ct = default)
    {
        if (_postgres is not null) return await _postgres.OpenConnectionAsync(ct);
        var connection = new SqliteConnection(_sqlite);
        await connection.OpenAsync(ct);
        return connection;
    }

    // SQLite has one writer at a time, so Ordo keeps exactly one writing connection open for the life of the process,
    // used only under _sqliteWriter, with its settings applied once.
    private SqliteConnection? _sqliteWriterConnection;
    // Its statements, kept from one transaction to the next: preparing a statement costs SQLite about as much as running
    // a small one, and the writer runs the same few hundred statements all day.
    private SqliteStatements? _sqliteWriterStatements;

    private async Task<DbConnection> WriterConnectionAsync(CancellationToken ct)
    {
        if (_sqliteWriterConnection is { State: System.Data.ConnectionState.Open } open) return open;
        _sqliteWriterStatements?.Dispose();
        _sqliteWriterStatements = null;
        if (_sqliteWriterConnection is not null) await _sqliteWriterConnection.DisposeAsync();
        var connection = new SqliteConnection(_sqlite);
        await connection.OpenAsync(ct);
        await using var pragma = connection.CreateCommand();
        // WAL lets readers run beside the writer; NORMAL sync is durable across process crashes in WAL mode.
        pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000; PRAGMA foreign_keys=ON;";
        await pragma.ExecuteNonQueryAsync(ct);
        _sqliteWriterConnection = connection;
        _sqliteWriterStatements = new SqliteStatements(connection);
        return connection;
    }

    /// <summary>Runs <paramref name="work"/> in one transaction and commits it. The work may run more than once on PostgreSQL (retry on serialization failure), so it must not have side effects outside the database.</summary>
    public async Task<T> WriteAsync<T>(Func<DbSession, Task<T>> work, CancellationToken ct = default)
    {
        if (Provider == DatabaseProvider.Sqlite) return await WriteSqliteAsync(work, ct);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await OpenAsync(ct);
                await using var transaction = await connection.BeginTransactionAsync(ct);
                var session = new DbSession(this, connection, transaction);
                try
                {
                    var result = await work(session);
                    await transaction.CommitAsync(ct);
                    session.RunAfterCommit();
                    return result;
                }
                finally { session.DisposeCommands(); }
            }
            catch (PostgresException ex) when (attempt < 5 && ex.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected)
            {
                await Task.Delay(Random.Shared.Next(5, 50) * attempt, ct);
            }
        }
    }

    // The SQLite writer's transactions are begun and ended by statements kept prepared like the others (a
    // SqliteTransaction prepares its BEGIN and COMMIT again each time). BEGIN IMMEDIATE takes the write lock at once.
    private async Task<T> WriteSqliteAsync<T>(Func<DbSession, Task<T>> work, CancellationToken ct)
    {
        await _sqliteWriter.WaitAsync(ct);
        try
        {
            var connection = await WriterConnectionAsync(ct);
            var statements = _sqliteWriterStatements!;
            statements.Run(this, "BEGIN IMMEDIATE", [], null);
            var committed = false;
            try
            {
                var session = new DbSession(this, connection, null, statements);
                var result = await work(session);
                statements.Run(this, "COMMIT", [], null);
                committed = true;
                session.RunAfterCommit();
                return result;
            }
            finally
            {
                if (!committed && statements.InTransaction)
                {
                    try { statements.Run(this, "ROLLBACK", [], null); }
                    catch (SqliteException)
                    {
                        // A connection that cannot roll back is not trusted again (nor pooled): the next write opens a new one.
                        SqliteConnection.ClearPool((SqliteConnection)connection);
                        connection.Close();
                    }
                }
            }
        }
        finally
        {
            _sqliteWriter.Release();
        }
    }

    public Task WriteAsync(Func<DbSession, Task> work, CancellationToken ct = default) =>
        WriteAsync(async s => { await work(s); return true; }, ct);

    /// <summary>Runs read-only work on its own connection, without a transaction.</summary>
    public Task<T> ReadAsync<T>(Func<DbSession, Task<T>> work, CancellationToken ct = default) => ReadAsync(work, _postgres, ct);

    /// <summary>
    /// As <see cref="ReadAsync{T}"/>, for reads whose statements only look rows up by key (primary or unique key
    /// equality): their best plan does not depend on table sizes, so on PostgreSQL they run on connections that reuse
    /// each statement's generic plan instead of planning it on every execution.
    /// </summary>
    public Task<T> ReadByKeyAsync<T>(Func<DbSession, Task<T>> work, CancellationToken ct = default) => ReadAsync(work, _postgresByKey, ct);

    private async Task<T> ReadAsync<T>(Func<DbSession, Task<T>> work, NpgsqlDataSource? postgres, CancellationToken ct)
    {
        if (_sqlite is not null) return await ReadSqliteAsync(work, ct);
        await using var connection = await postgres!.OpenConnectionAsync(ct);
        var session = new DbSession(this, connection, null);
        try { return await work(session); }
        finally { session.DisposeCommands(); }
    }

    // SQLite readers are kept open with their statements, like the writer: reads are most of the statements Ordo runs
    // (a shop looked up per push, the order list), and opening a connection and preparing its statements again each
    // time cost more than the reads themselves. Between reads a connection holds no snapshot (no open transaction).
    private sealed record SqliteReader(SqliteConnection Connection, SqliteStatements Statements);
    private readonly System.Collections.Concurrent.ConcurrentQueue<SqliteReader> _sqliteReaders = new();
    private const int MaxIdleSqliteReaders = 16;

    private async Task<T> ReadSqliteAsync<T>(Func<DbSession, Task<T>> work, CancellationToken ct)
    {
        if (!_sqliteReaders.TryDequeue(out var reader))
        {
            var connection = (SqliteConnection)await OpenAsync(ct);
            reader = new SqliteReader(connection, new SqliteStatements(connection));
            // Statements run through SQLitePCLRaw, so SQLite's own busy handler waits out a lock (rare for WAL readers).
            raw.sqlite3_busy_timeout(connection.Handle, 30_000);
        }
        var reusable = false;
        try
        {
            var result = await work(new DbSession(this, reader.Connection, null, sqliteStatements: reader.Statements));
            reusable = reader.Connection.State == System.Data.ConnectionState.Open;
            return result;
        }
        finally
        {
            // A connection whose work failed is not trusted again; nor is one more than the idle readers kept.
            if (reusable && _sqliteReaders.Count < MaxIdleSqliteReaders) _sqliteReaders.Enqueue(reader);
            else await CloseAsync(reader);
        }
    }

    private static async ValueTask CloseAsync(SqliteReader reader)
    {
        reader.Statements.Dispose();
        await reader.Connection.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_postgres is not null) await _postgres.DisposeAsync();
        if (_postgresByKey is not null) await _postgresByKey.DisposeAsync();
        _sqliteWriterStatements?.Dispose();
        while (_sqliteReaders.TryDequeue(out var reader)) await CloseAsync(reader);
        if (_sqliteWriterConnection is not null) await _sqliteWriterConnection.DisposeAsync();
        if (_sqlite is not null) SqliteConnection.ClearAllPools();
        _sqliteWriter.Dispose();
    }

    // Value conversion between .NET and each provider's column types.
    /// <summary>Instants on SQLite: fixed-width UTC text, so that text order is time order.</summary>
    internal const string SqliteInstantFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    internal object ToDb(object? value) => value switch
    {
        null => DBNull.Value,
        DateTimeOffset d when Provider == DatabaseProvider.Postgres => d.UtcDateTime,
        DateTimeOffset d => d.UtcDateTime.ToString(SqliteInstantFormat, CultureInfo.InvariantCulture),
        Enum e => e.ToString(),
        _ => value,
    };

    internal DateTimeOffset ReadInstant(DbDataReader reader, int ordinal) => Provider == DatabaseProvider.Postgres
        ? new DateTimeOffset(DateTime.SpecifyKind(reader.GetFieldValue<DateTime>(ordinal), DateTimeKind.Utc))
        : ParseSqliteInstant(reader.GetString(ordinal));

    internal static DateTimeOffset ParseSqliteInstant(string text) =>
        DateTimeOffset.ParseExact(text, SqliteInstantFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}

/// <summary>One connection (and, for writes, one transaction) with small helpers for parameterised SQL.</summary>
public sealed class DbSession
{
    private readonly DbConnection connection;
    private readonly DbTransaction? transaction;

    internal DbSession(OrdoDatabase database, DbConnection connection, DbTransaction? transaction, SqliteStatements? sqliteStatements = null)
    {
        Database = database;
        this.connection = connection;
        this.transaction = transaction;
        _sqlite = sqliteStatements;
    }

    // On SQLite every statement runs through the statements OrdoDatabase keeps with the connection (the writer's or a
    // reader's: prepared once, bound by position); null on PostgreSQL.
    private readonly SqliteStatements? _sqlite;

    private List<Action>? _afterCommit;

    public OrdoDatabase Database { get; }
    public DatabaseProvider Provider => Database.Provider;
    public bool IsPostgres => Provider == DatabaseProvider.Postgres;

    /// <summary><c>FOR UPDATE SKIP LOCKED</c> on PostgreSQL; nothing on SQLite, where the process-wide writer lock already excludes others.</summary>
    public string SkipLocked => IsPostgres ? "FOR UPDATE SKIP LOCKED" : "";
    public string ForUpdate => IsPostgres ? "FOR UPDATE" : "";

    /// <summary>Values loaded once per transaction and reused by later statements in it (e.g. active webhook subscriptions).</summary>
    public Dictionary<string, object> Memo { get; } = [];

    /// <summary>Runs after a successful commit (e.g. wake the job runner); never runs for a rolled-back transaction.</summary>
    public void AfterCommit(Action action) => (_afterCommit ??= []).Add(action);

    internal void RunAfterCommit() => _afterCommit?.ForEach(a => a());

    // PostgreSQL commands are kept per SQL text for the life of the session: a statement run for every order of a
    // batch is built once (Npgsql prepares it on the connection).
    private readonly Dictionary<string, DbCommand> _commands = new(StringComparer.Ordinal);
    private const int MaxCommands = 64;

    private DbCommand Command(string sql, (string Name, object? Value)[] parameters)
    {
        if (_commands.TryGetValue(sql, out var cached) && cached.Parameters.Count == parameters.Length)
        {
            cached.Transaction = transaction;
            // The same SQL passes its parameters in the same order: set them by position, not by a lookup per name.
            for (var i = 0; i < parameters.Length; i++)
            {
                var p = cached.Parameters[i];
                if (p.ParameterName != parameters[i].Name) p = cached.Parameters[parameters[i].Name];
                p.Value = Database.ToDb(parameters[i].Value);
            }
            return cached;
        }
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = Database.ToDb(value);
            command.Parameters.Add(p);
        }
        if (!_commands.ContainsKey(sql) && _commands.Count < MaxCommands) _commands[sql] = command;
        return command;
    }

    private void Release(DbCommand command)
    {
        if (!_commands.TryGetValue(command.CommandText, out var cached) || !ReferenceEquals(cached, command)) command.Dispose();
    }

    internal void DisposeCommands()
    {
        foreach (var command in _commands.Values) command.Dispose();
        _commands.Clear();
    }

    public async Task<int> ExecuteAsync(string sql, params (string, object?)[] parameters)
    {
        if (_sqlite is not null) return _sqlite.Run(Database, sql, parameters, null);
        var command = Command(sql, parameters);
        try { return await command.ExecuteNonQueryAsync(); }
        finally { Release(command); }
    }

    public async Task<T?> ScalarAsync<T>(string sql, params (string, object?)[] parameters)
    {
        object? value = null;
        if (_sqlite is not null)
        {
            var first = true;
            _sqlite.Run(Database, sql, parameters, row =>
            {
                if (first) value = row.Value(0);
                first = false;
            });
        }
        else
        {
            var command = Command(sql, parameters);
            try { value = await command.ExecuteScalarAsync(); }
            finally { Release(command); }
        }
        if (value is null or DBNull) return default;
        return (T)Convert.ChangeType(value, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), CultureInfo.InvariantCulture);
    }

    public async Task<List<T>> QueryAsync<T>(string sql, Func<Row, T> map, params (string, object?)[] parameters)
    {
        if (_sqlite is not null)
        {
            var rows = new List<T>();
            _sqlite.Run(Database, sql, parameters, row => rows.Add(map(row)));
            return rows;
        }
        var command = Command(sql, parameters);
        try
        {
            await using var reader = await command.ExecuteReaderAsync();
            var row = new Row(Database, reader);
            var list = new List<T>();
            while (await reader.ReadAsync()) list.Add(map(row));
            return list;
        }
        finally { Release(command); }
    }

    public async Task<T?> SingleOrDefaultAsync<T>(string sql, Func<Row, T> map, params (string, object?)[] parameters) where T : class =>
        (await QueryAsync(sql, map, parameters)).FirstOrDefault();
}

/// <summary>Typed access to the current row by column name, converting provider types (instants, booleans).</summary>
public sealed class Row
{
    private readonly OrdoDatabase _database;
    private readonly DbDataReader? _reader;
    private readonly sqlite3_stmt? _sqlite;

    internal Row(OrdoDatabase database, DbDataReader reader) => (_database, _reader) = (database, reader);

    /// <summary>The current row of a SQLite statement run through <see cref="SqliteStatements"/>.</summary>
    internal Row(OrdoDatabase database, sqlite3_stmt statement) => (_database, _sqlite) = (database, statement);

    /// <summary>The database the row was read from (its personal-data keys decrypt the row's values).</summary>
    public OrdoDatabase Database => _database;

    // Column positions by name, read once per result: Microsoft.Data.Sqlite's GetOrdinal asks SQLite for every
    // column's name on each call, which made mapping a wide row cost more than reading it.
    private Dictionary<string, int>? _ordinals;

    private int FieldCount => _reader?.FieldCount ?? raw.sqlite3_column_count(_sqlite!);

    private int Ordinal(string column)
    {
        if (_ordinals is null)
        {
            _ordinals = new Dictionary<string, int>(FieldCount, StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < FieldCount; i++)
                _ordinals.TryAdd(_reader is not null ? _reader.GetName(i) : raw.sqlite3_column_name(_sqlite!, i).utf8_to_string(), i);
        }
        if (_ordinals.TryGetValue(column, out var ordinal)) return ordinal;
        if (_reader is not null) return _reader.GetOrdinal(column);   // the provider names a missing column
        throw new IndexOutOfRangeException($"the result has no column '{column}'");
    }

    private bool IsNull(int ordinal) => _reader?.IsDBNull(ordinal) ?? raw.sqlite3_column_type(_sqlite!, ordinal) == raw.SQLITE_NULL;
    private string Text(int ordinal) => _reader is not null ? _reader.GetString(ordinal) : raw.sqlite3_column_text(_sqlite!, ordinal).utf8_to_string();
    private long Integer(int ordinal) => _reader is not null
        ? Convert.ToInt64(_reader.GetValue(ordinal), CultureInfo.InvariantCulture)
        : raw.sqlite3_column_type(_sqlite!, ordinal) == raw.SQLITE_INTEGER
            ? raw.sqlite3_column_int64(_sqlite!, ordinal)
            : Convert.ToInt64(Value(ordinal), CultureInfo.InvariantCulture);

    /// <summary>The value of a column as the provider returns it (SQLite: long, double, string, byte[] or null).</summary>
    internal object? Value(int ordinal)
    {
        if (_reader is not null) return _reader.IsDBNull(ordinal) ? null : _reader.GetValue(ordinal);
        return raw.sqlite3_column_type(_sqlite!, ordinal) switch
        {
            raw.SQLITE_INTEGER => raw.sqlite3_column_int64(_sqlite!, ordinal),
            raw.SQLITE_FLOAT => raw.sqlite3_column_double(_sqlite!, ordinal),
            raw.SQLITE_TEXT => raw.sqlite3_column_text(_sqlite!, ordinal).utf8_to_string(),
            raw.SQLITE_BLOB => raw.sqlite3_column_blob(_sqlite!, ordinal).ToArray(),
            _ => null,
        };
    }

    public bool IsNull(string column) => IsNull(Ordinal(column));
    public string String(string column)
    {
        var ordinal = Ordinal(column);
        if (_sqlite is not null && IsNull(ordinal)) throw new InvalidCastException($"column '{column}' is null");
        return Text(ordinal);
    }
    public string? StringOrNull(string column) => IsNull(column) ? null : String(column);
    public long Long(string column) => Integer(Ordinal(column));
    public long? LongOrNull(string column) => IsNull(column) ? null : Long(column);
    public int Int(string column) => checked((int)Integer(Ordinal(column)));
    public int? IntOrNull(string column) => IsNull(column) ? null : Int(column);
    public bool Bool(string column) => _reader is not null
        ? Convert.ToBoolean(_reader.GetValue(Ordinal(column)), CultureInfo.InvariantCulture)
        : Integer(Ordinal(column)) != 0;
    public DateTimeOffset Instant(string column) => _reader is not null
        ? _database.ReadInstant(_reader, Ordinal(column))
        : OrdoDatabase.ParseSqliteInstant(String(column));
    public DateTimeOffset? InstantOrNull(string column) => IsNull(column) ? null : Instant(column);
    /// <summary>A decimal stored as NUMERIC (PostgreSQL) or as invariant text (SQLite, which has no exact decimal type).</summary>
    public decimal? DecimalOrNull(string column) => Value(Ordinal(column)) switch
    {
        null or DBNull => null,
        decimal d => d,
        string t => decimal.Parse(t, NumberStyles.Number, CultureInfo.InvariantCulture),
        var v => Convert.ToDecimal(v, CultureInfo.InvariantCulture),
    };
    public T Enum<T>(string column) where T : struct, Enum => System.Enum.Parse<T>(String(column));
}
