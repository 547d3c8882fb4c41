using System.Text;
using System.Text.Json.Nodes;
using Ordo.Core.Orders;
using static System.FormattableString;

namespace Ordo.Cli.Import;

/// <summary>One row of the file as sent: its number in the file (spreadsheet row, JSON line or array item) and its exact text.</summary>
public sealed record SourceRow(int Number, string Raw);

/// <summary>The rows sent in one request, in the order the body carries them, and the body.</summary>
public sealed record ImportChunk(IReadOnlyList<SourceRow> Rows, string Body);

/// <summary>What the server said about one field of a rejected row.</summary>
public sealed record RowProblem(string Field, string Reason);

/// <summary>A row that did not land: its number in the file, why (as the server gave it), and its exact text.</summary>
public sealed record RejectedRow(int Number, IReadOnlyList<RowProblem> Problems, string Raw);

/// <summary>What one request did: orders by outcome and the rows rejected.</summary>
public sealed record ChunkResult(int Created, int Updated, int Unchanged, int Held, int RejectedOrders, IReadOnlyList<RejectedRow> Rejected)
{
    public int Landed => Created + Updated + Unchanged;
}

/// <summary>
/// A file to import, read in two passes: opening it reads it once to count its rows (the progress total) and to
/// refuse a bad file before anything is sent; <see cref="ChunksAsync"/> reads it again, streaming, as requests.
/// </summary>
public abstract class ImportSource
{
    /// <summary>What a row of this file is called in messages: "row" (CSV), "line" (JSON lines), "item" (JSON array).</summary>
    public abstract string RowNoun { get; }

    /// <summary>Rows of data in the file (blank ones excluded), counted when it was opened.</summary>
    public abstract int TotalRows { get; }

    /// <summary>The API path (relative to the server) the rows go to, with its query.</summary>
    public abstract string RequestPath(string shopCode);

    public abstract string MediaType { get; }

    /// <summary>The file as requests under the server's limits, each order's rows in one request.</summary>
    public abstract IAsyncEnumerable<ImportChunk> ChunksAsync(CancellationToken ct);

    /// <summary>Reads the server's answer to <paramref name="chunk"/>, numbering rejected rows as in the file.</summary>
    public abstract ChunkResult Read(JsonObject answer, ImportChunk chunk);

    /// <summary>The totals every import answer carries (POST …/orders:import and …/orders:import-csv share them).</summary>
    protected static ChunkResult Totals(JsonObject answer, IReadOnlyList<RejectedRow> rejected) => new(
        Count(answer, "created"), Count(answer, "updated"), Count(answer, "unchanged"), Count(answer, "held"), Count(answer, "rejected"), rejected);

    private static int Count(JsonObject answer, string name) => answer[name]?.GetValue<int>() ?? 0;

    /// <summary>The errors of one result (<c>[{field, reason, fragment}]</c>) as row problems.</summary>
    protected static IReadOnlyList<RowProblem> Problems(JsonNode? errors) =>
        errors is JsonArray list && list.Count > 0
            ? list.Select(e => new RowProblem(e?["field"]?.GetValue<string>() ?? "", e?["reason"]?.GetValue<string>() ?? "")).ToList()
            : [new RowProblem("", "rejected without a reason")];
}

/// <summary>
/// The most one request carries. Orders are capped by the server (<see cref="IntakeLimits.MaxOrdersPerRequest"/>);
/// bytes are kept to a quarter of the server's body limit: smaller requests are quicker to retry, move the progress
/// bar more often and are what the server keeps in its inbox per request.
/// </summary>
public sealed record ImportLimits(int MaxOrders = IntakeLimits.MaxOrdersPerRequest, long MaxBytes = IntakeLimits.MaxRequestBytes / 4)
{
    public static ImportLimits Default { get; } = new();
}

/// <summary>
/// Packs orders (one or more rows each) into chunks under <see cref="ImportLimits"/>, never splitting an order. An
/// order larger than the byte limit on its own goes alone (the server's own limit is four times larger).
/// </summary>
internal sealed class ChunkPacker(ImportLimits limits, long fixedBytes, long separatorBytes, Func<IReadOnlyList<SourceRow>, string> body)
{
    private List<SourceRow> _rows = [];
    private int _orders;
    private long _bytes;

    /// <summary>Adds one order; returns the chunk it did not fit in, to send first, if any.</summary>
    public ImportChunk? Add(IReadOnlyList<SourceRow> order)
    {
        var size = order.Sum(r => Encoding.UTF8.GetByteCount(r.Raw) + separatorBytes);
        var full = _orders > 0 && (_orders + 1 > limits.MaxOrders || fixedBytes + _bytes + size > limits.MaxBytes) ? Flush() : null;
        _rows.AddRange(order);
        _orders++;
        _bytes += size;
        return full;
    }

    /// <summary>The chunk being packed, if it has rows.</summary>
    public ImportChunk? Flush()
    {
        if (_rows.Count == 0) return null;
        var chunk = new ImportChunk(_rows, body(_rows));
        (_rows, _orders, _bytes) = ([], 0, 0);
        return chunk;
    }
}

/// <summary>Counts in words for messages: "1 row", "1,805 rows".</summary>
internal static class Counted
{
    public static string Of(int count, string noun) => Invariant($"{count:N0} {noun}{(count == 1 ? "" : "s")}");
}
