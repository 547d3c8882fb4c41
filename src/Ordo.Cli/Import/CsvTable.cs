using System.Globalization;
using Ordo.Core.Channels.Csv;

namespace Ordo.Cli.Import;

/// <summary>
/// A column a command reads: its name in messages (the first accepted header) and every header accepted for it,
/// English and zh-CN. Headers match ignoring case, spaces, '_', '-' and brackets ("Weight (g)" = "weightg").
/// </summary>
public sealed record CsvColumn(string Name, params string[] Headers)
{
    internal IEnumerable<string> Keys => Headers.Prepend(Name).Select(CsvTable.Key);
}

/// <summary>One data row: its number in the file (the header is row 1, as a spreadsheet shows it), exact text and cells.</summary>
public sealed class CsvRow(CsvRecord record, CsvTable table)
{
    public int Number => record.Row;

    public string Raw => record.Raw;

    /// <summary>The cell of <paramref name="column"/>, trimmed; null when the file has no such column or the cell is empty.</summary>
    public string? this[CsvColumn column] =>
        table.IndexOf(column) is { } i && i < record.Fields.Count && record.Fields[i].Trim() is { Length: > 0 } cell ? cell : null;
}

/// <summary>
/// A whole CSV file read for a row-by-row command (<c>ordo skus import</c>, <c>ordo stock import|count</c>): decoded
/// as the server decodes uploads (UTF-8, else GB18030: <see cref="CsvText.Decode"/>), read with the same reader
/// (<see cref="CsvReader"/>), its header matched to the command's columns. Blank rows are skipped.
/// </summary>
public sealed class CsvTable
{
    private readonly Dictionary<CsvColumn, int> _index;
    private readonly Dictionary<CsvColumn, string> _headers;

    private CsvTable(string encoding, Dictionary<CsvColumn, int> index, Dictionary<CsvColumn, string> headers, IReadOnlyList<string> ignored, IEnumerable<CsvRecord> records)
    {
        (Encoding, _index, _headers, Ignored) = (encoding, index, headers, ignored);
        Rows = records.Where(r => !r.IsBlank).Select(r => new CsvRow(r, this)).ToList();
    }

    /// <summary>"UTF-8" or "GB18030".</summary>
    public string Encoding { get; }

    public IReadOnlyList<CsvRow> Rows { get; }

    /// <summary>Headers that match no column (they are not read; listed so a misspelt header does not go unnoticed).</summary>
    public IReadOnlyList<string> Ignored { get; }

    public bool Has(CsvColumn column) => _index.ContainsKey(column);

    /// <summary>The column's header as the file writes it (for messages and the errors file), else its name.</summary>
    public string HeaderOf(CsvColumn column) => _headers.GetValueOrDefault(column, column.Name);

    internal int? IndexOf(CsvColumn column) => _index.TryGetValue(column, out var i) ? i : null;

    /// <summary>Reads <paramref name="path"/>: the table, or why it cannot be used (no file, no header, a required column missing, a column twice).</summary>
    public static (CsvTable? Table, string? Problem) Read(string path, IReadOnlyList<CsvColumn> columns, IReadOnlyCollection<CsvColumn> required)
    {
        if (!File.Exists(path)) return (null, $"no such file: {path}");
        var (text, encoding) = CsvText.Decode(File.ReadAllBytes(path));
        var records = CsvReader.Read(text);
        if (records.Count == 0) return (null, $"{path} is empty: expected a header row and data rows");
        var (index, headers, ignored) = (new Dictionary<CsvColumn, int>(), new Dictionary<CsvColumn, string>(), new List<string>());
        var header = records[0].Fields;
        for (var i = 0; i < header.Count; i++)
        {
            var key = Key(header[i]);
            if (key.Length == 0) continue;
            if (columns.FirstOrDefault(c => c.Keys.Contains(key)) is not { } column)
            {
                ignored.Add(header[i].Trim());
                continue;
            }
            if (headers.TryGetValue(column, out var first)) return (null, $"the header names the {column.Name} column twice: '{first}' and '{header[i].Trim()}'");
            (index[column], headers[column]) = (i, header[i].Trim());
        }
        var missing = required.Where(c => !index.ContainsKey(c)).ToList();
        if (missing.Count > 0)
            return (null, "the header lacks " + string.Join("; ", missing.Select(c => $"the {c.Name} column (accepted headers: {string.Join(", ", c.Headers.Prepend(c.Name).Distinct())})")));
        var table = new CsvTable(encoding == "gb18030" ? "GB18030" : "UTF-8", index, headers, ignored, records.Skip(1));
        return table.Rows.Count == 0 ? (null, $"{path} has a header but no rows") : (table, null);
    }

    internal static string Key(string header) =>
        new(header.Trim().ToLower(CultureInfo.InvariantCulture).Where(c => !char.IsWhiteSpace(c) && c is not ('_' or '-' or '(' or ')' or '（' or '）')).ToArray());
}
