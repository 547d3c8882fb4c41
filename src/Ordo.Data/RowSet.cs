using System.Globalization;

namespace Ordo.Data;

public enum ColumnType { Text, BigInt, Integer, Instant }

public sealed record RowColumn(string Name, ColumnType Type);

/// <summary>
/// Many rows passed to a statement as a table (<c>… FROM {rows} …</c>), so that writing N rows costs few statements.
/// On PostgreSQL, where every statement is a round trip, all rows go in one statement with a constant text: one typed
/// array per column, expanded with <c>unnest</c> (a multi-row <c>VALUES</c> list would make Npgsql rewrite hundreds of
/// placeholders on every execution, and would change the statement text with the row count). On SQLite, rows go in
/// <c>VALUES</c> lists of up to 64 rows, bound by position (<see cref="SqliteStatements"/>); the rest of a set goes in
/// lists of 32, 16, … 1 rows, so that each table's statements have at most seven texts, each prepared once. (One JSON
/// parameter expanded with <c>json_each</c> measured slower: each column extraction parses the row's JSON again.)
/// Written by hand: neither ADO.NET provider offers one form for both databases.
/// </summary>
public sealed class RowSet(params RowColumn[] columns)
{
    /// <summary>Most rows per statement on SQLite.</summary>
    private const int SqliteRowsPerStatement = 64;

    private readonly List<object?[]> _rows = [];

    public int Count => _rows.Count;

    /// <summary>Adds a row: one value per column, in column order (string, long, int, DateTimeOffset, enum, or null).</summary>
    public RowSet Add(params object?[] values)
    {
        if (values.Length != columns.Length)
            throw new ArgumentException($"a row needs {columns.Length} values, not {values.Length}", nameof(values));
        _rows.Add(values);
        return this;
    }

    /// <summary>
    /// Runs <paramref name="sql"/>, given the rows' table expression (named <paramref name="alias"/>, with the columns
    /// by their names plus <c>ord</c>, the row's position: order by it to process rows in the order they were added),
    /// once on PostgreSQL and once per 64 rows or fewer on SQLite; returns every statement's rows in turn.
    /// </summary>
    public async Task<List<T>> QueryAsync<T>(DbSession s, string alias, Func<string, string> sql, Func<Row, T> map, params (string Name, object? Value)[] parameters)
    {
        var results = new List<T>();
        foreach (var (source, own) in Statements(s, alias)) results.AddRange(await s.QueryAsync(sql(source), map, [.. own, .. parameters]));
        return results;
    }

    /// <summary>As <see cref="QueryAsync{T}"/>, for statements that return nothing; answers the rows they affected in all.</summary>
    public async Task<int> ExecuteAsync(DbSession s, string alias, Func<string, string> sql, params (string Name, object? Value)[] parameters)
    {
        var affected = 0;
        foreach (var (source, own) in Statements(s, alias)) affected += await s.ExecuteAsync(sql(source), [.. own, .. parameters]);
        return affected;
    }

    private IEnumerable<(string Source, (string, object?)[] Parameters)> Statements(DbSession s, string alias)
    {
        if (_rows.Count == 0) yield break;
        var names = string.Join(", ", columns.Select(c => c.Name));
        if (s.IsPostgres)
        {
            var parameters = new (string, object?)[columns.Length];
            var arrays = new string[columns.Length];
            for (var c = 0; c < columns.Length; c++)
            {
                parameters[c] = ($"{alias}_{c}", Column(c, columns[c].Type));
                arrays[c] = $"@{alias}_{c}::{PostgresType(columns[c].Type)}[]";
            }
            yield return ($"unnest({string.Join(", ", arrays)}) WITH ORDINALITY AS {alias} ({names}, ord)", parameters);
            yield break;
        }
        for (int start = 0, count; start < _rows.Count; start += count)
        {
            // 64 rows while that many are left, then the largest power of two that fits.
            count = Math.Min(SqliteRowsPerStatement, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)(_rows.Count - start) + 1) / 2);
            var (source, parameterNames) = SqliteSource(alias, names, count);
            var parameters = new (string, object?)[count * columns.Length];
            for (var r = 0; r < count; r++)
                for (var c = 0; c < columns.Length; c++)
                    parameters[r * columns.Length + c] = (parameterNames[r * columns.Length + c], _rows[start + r][c]);
            yield return (source, parameters);
        }
    }

    // The text of a SQLite VALUES list and its parameter names depend only on the alias, the columns and the row
    // count (64, 32, … 1), so each is built once: building them on every execution took an eighth of the writer's time.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string Alias, string Names, int Count), (string Source, string[] Parameters)> SqliteSources = new();

    private (string Source, string[] Parameters) SqliteSource(string alias, string names, int count) =>
        SqliteSources.GetOrAdd((alias, names, count), key =>
        {
            // SQLite names a VALUES list's columns column1, column2, …; the last one is the row's position.
            var select = string.Join(", ", columns.Select((c, i) => $"column{i + 1} AS {c.Name}")) + $", column{columns.Length + 1} AS ord";
            var values = new System.Text.StringBuilder();
            var parameterNames = new string[key.Count * columns.Length];
            for (var r = 0; r < key.Count; r++)
            {
                values.Append(r == 0 ? "(" : ", (");
                for (var c = 0; c < columns.Length; c++)
                {
                    var name = $"{key.Alias}{r}_{c}";
                    values.Append('@').Append(name).Append(", ");
                    parameterNames[r * columns.Length + c] = name;
                }
                values.Append(r.ToString(CultureInfo.InvariantCulture)).Append(')');
            }
            return ($"(SELECT {select} FROM (VALUES {values})) AS {key.Alias}", parameterNames);
        });

    private static string PostgresType(ColumnType type) => type switch
    {
        ColumnType.Text => "text",
        ColumnType.BigInt => "bigint",
        ColumnType.Integer => "integer",
        ColumnType.Instant => "timestamptz",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    private object Column(int c, ColumnType type)
    {
        switch (type)
        {
            case ColumnType.Text:
                var texts = new string?[_rows.Count];
                for (var r = 0; r < _rows.Count; r++) texts[r] = _rows[r][c] switch { null => null, string t => t, Enum e => e.ToString(), var v => Convert.ToString(v, CultureInfo.InvariantCulture) };
                return texts;
            case ColumnType.BigInt:
                var longs = new long?[_rows.Count];
                for (var r = 0; r < _rows.Count; r++) longs[r] = _rows[r][c] is { } v ? Convert.ToInt64(v, CultureInfo.InvariantCulture) : null;
                return longs;
            case ColumnType.Integer:
                var ints = new int?[_rows.Count];
                for (var r = 0; r < _rows.Count; r++) ints[r] = _rows[r][c] is { } v ? Convert.ToInt32(v, CultureInfo.InvariantCulture) : null;
                return ints;
            default:
                var instants = new DateTime?[_rows.Count];
                for (var r = 0; r < _rows.Count; r++) instants[r] = _rows[r][c] is DateTimeOffset d ? d.UtcDateTime : null;
                return instants;
        }
    }
}
