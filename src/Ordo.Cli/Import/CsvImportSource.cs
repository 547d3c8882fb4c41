using System.Text;
using System.Text.Json.Nodes;
using Ordo.Core.Channels.Csv;
using static System.FormattableString;

namespace Ordo.Cli.Import;

/// <summary>
/// A seller-backend order export (CSV) sent to <c>POST /api/v1/shops/{code}/orders:import-csv?preset=</c> in
/// requests of whole orders. The header is read with the same preset code the server uses
/// (<see cref="CsvOrderMapper.ReadHeader"/>), so both agree on which column groups rows into orders. Each request
/// repeats the header and carries its rows as UTF-8, whatever the file's encoding.
/// </summary>
public sealed class CsvImportSource : ImportSource
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly string _path;
    private readonly ImportLimits _limits;

    private CsvImportSource(string path, Encoding encoding, CsvHeader header, int totalRows, ImportLimits limits)
    {
        (_path, Encoding, Header, TotalRows, _limits) = (path, encoding, header, totalRows, limits);
    }

    /// <summary>The file's encoding as found by the first pass: UTF-8, or GB18030 when the bytes are not valid UTF-8 (as the server decides).</summary>
    public Encoding Encoding { get; }

    /// <summary>The header read with the preset actually used (generic when the file has generic's headers).</summary>
    public CsvHeader Header { get; }

    public override string RowNoun => "row";

    public override int TotalRows { get; }

    public override string MediaType => "text/csv";

    public override string RequestPath(string shopCode) =>
        $"/api/v1/shops/{Uri.EscapeDataString(shopCode)}/orders:import-csv?preset={Uri.EscapeDataString(Header.Preset.Name)}";

    /// <summary>
    /// Reads the file once: finds its encoding, reads the header with <paramref name="preset"/> and counts the rows,
    /// checking that each order's rows follow one another (they are sent together, so an order whose rows were apart
    /// would land twice, each time with some of its lines). The source, or why the file cannot be imported. A header
    /// lacking required columns still gives a source: its <see cref="CsvHeader.Missing"/> says what is missing.
    /// </summary>
    public static (CsvImportSource? Source, string? Problem) Open(string path, CsvPreset preset, ImportLimits limits)
    {
        try
        {
            return Scan(path, StrictUtf8, preset, limits);
        }
        catch (DecoderFallbackException)
        {
            // Not UTF-8 somewhere in the file: Chinese exports are then GB18030 (a superset of GBK), as the server reads them.
            return Scan(path, CsvText.Gb18030, preset, limits);
        }
    }

    private static (CsvImportSource? Source, string? Problem) Scan(string path, Encoding encoding, CsvPreset preset, ImportLimits limits)
    {
        using var reader = OpenText(path, encoding);
        using var records = CsvReader.Records(reader).GetEnumerator();
        if (!records.MoveNext()) return (null, $"{path} is empty: expected a header row and order rows");
        var header = CsvOrderMapper.ReadHeader(records.Current, preset);
        if (header.Missing.Count > 0) return (new CsvImportSource(path, encoding, header, 0, limits), null);

        var rows = 0;
        // Orders already passed, by a 64-bit hash of their id: tens of MB for millions of orders, where the ids
        // themselves could take hundreds; a collision (odds of about 1 in 30 million for a million orders) would
        // only refuse a good file, never send a bad one.
        var passed = new HashSet<ulong>();
        (string Key, int Row)? current = null;
        while (records.MoveNext())
        {
            var record = records.Current;
            if (record.IsBlank) continue;
            rows++;
            if (CsvOrderMapper.OrderKeyOf(record, header) is not { } key || key == current?.Key) continue;
            if (current is { } done) passed.Add(Hash(done.Key));
            if (passed.Contains(Hash(key)))
                return (null, Invariant($"the rows of order {key} ({header.OrderKeyHeader}) are not together: row {record.Row:N0} comes after other orders' rows; ") +
                              $"sort the file by {header.OrderKeyHeader} so that each order's rows follow one another");
            current = (key, record.Row);
        }
        if (rows == 0) return (null, $"{path} has a header but no rows");
        return (new CsvImportSource(path, encoding, header, rows, limits), null);
    }

    public override IAsyncEnumerable<ImportChunk> ChunksAsync(CancellationToken ct) => Chunks(ct).ToAsyncEnumerable();

    private IEnumerable<ImportChunk> Chunks(CancellationToken ct)
    {
        using var reader = OpenText(_path, Encoding);
        var headerText = Header.Record.Raw + "\n";
        var packer = new ChunkPacker(_limits, Encoding.UTF8.GetByteCount(headerText), 1,
            rows => headerText + string.Join("\n", rows.Select(r => r.Raw)) + "\n");
        var order = new List<SourceRow>();
        string? orderKey = null;
        foreach (var record in CsvReader.Records(reader).Skip(1))
        {
            ct.ThrowIfCancellationRequested();
            if (record.IsBlank) continue;
            var row = new SourceRow(record.Row, record.Raw);
            var key = CsvOrderMapper.OrderKeyOf(record, Header);
            if (key is null)
            {
                // The server makes a row without an order id an order of its own (rejected, naming the column).
                if (packer.Add([row]) is { } before) yield return before;
                continue;
            }
            if (key != orderKey && order.Count > 0)
            {
                if (packer.Add(order) is { } full) yield return full;
                order = [];
            }
            orderKey = key;
            order.Add(row);
        }
        if (order.Count > 0 && packer.Add(order) is { } beforeLast) yield return beforeLast;
        if (packer.Flush() is { } last) yield return last;
    }

    /// <summary>
    /// Rejected orders, row by row: a row with errors of its own gets them (column, reason, the value); the other
    /// rows of the same order point to the row that sank it; an order refused by the intake's checks gives each of
    /// its rows those reasons. Row numbers in the answer count from the request's header, so they are mapped back.
    /// </summary>
    public override ChunkResult Read(JsonObject answer, ImportChunk chunk)
    {
        SourceRow RowOf(int requestRow) => chunk.Rows[requestRow - 2];
        var rowErrors = (answer["rowErrors"] as JsonArray ?? [])
            .GroupBy(e => e!["row"]!.GetValue<int>())
            .ToDictionary(g => g.Key, g => g.Select(e =>
            {
                var value = e!["value"]?.GetValue<string>();
                var reason = e["reason"]?.GetValue<string>() ?? "";
                return new RowProblem(e["column"]?.GetValue<string>() ?? "", value is null ? reason : $"{reason} (\"{value}\")");
            }).ToList());
        var rejected = new List<RejectedRow>();
        foreach (var result in (answer["results"] as JsonArray ?? []).Where(r => r?["outcome"]?.GetValue<string>() == "rejected"))
        {
            var rows = result!["rows"]!.AsArray().Select(r => r!.GetValue<int>()).ToList();
            var sinking = rows.FirstOrDefault(rowErrors.ContainsKey);
            var orderProblems = Problems(result["errors"]);
            foreach (var requestRow in rows)
            {
                var problems = rowErrors.GetValueOrDefault(requestRow)
                    ?? (sinking > 0 ? [new RowProblem(Header.OrderKeyHeader, Invariant($"same order as {RowNoun} {RowOf(sinking).Number:N0}, which was rejected"))] : orderProblems);
                rejected.Add(new RejectedRow(RowOf(requestRow).Number, problems, RowOf(requestRow).Raw));
            }
        }
        return Totals(answer, rejected.OrderBy(r => r.Number).ToList());
    }

    private static StreamReader OpenText(string path, Encoding encoding)
    {
        // Byte-order marks are dropped by hand: letting the reader detect one would swap in a lenient decoder.
        var reader = new StreamReader(path, encoding, detectEncodingFromByteOrderMarks: false);
        if (reader.Peek() == '\uFEFF') reader.Read();
        return reader;
    }

    /// <summary>64-bit FNV-1a: stable, cheap, and wide enough for an id set of millions (see <see cref="Scan"/>).</summary>
    private static ulong Hash(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text) hash = (hash ^ c) * 1099511628211UL;
        return hash;
    }
}
