using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using static System.FormattableString;

namespace Ordo.Cli.Import;

/// <summary>
/// A file of the shop platform's native order objects, sent to <c>POST /api/v1/shops/{code}/orders:import</c> as
/// JSON arrays: either one JSON array (items numbered from 1) or JSON lines, one order per line (numbered by line).
/// Both are streamed, never read whole.
/// </summary>
public sealed class NativeImportSource : ImportSource
{
    private readonly string _path;
    private readonly bool _lines;
    private readonly ImportLimits _limits;

    private NativeImportSource(string path, bool lines, int totalRows, ImportLimits limits) =>
        (_path, _lines, TotalRows, _limits) = (path, lines, totalRows, limits);

    public override string RowNoun => _lines ? "line" : "item";

    public override int TotalRows { get; }

    public override string MediaType => "application/json";

    public override string RequestPath(string shopCode) => $"/api/v1/shops/{Uri.EscapeDataString(shopCode)}/orders:import";

    /// <summary>Reads the file once to tell an array from JSON lines, check that it is JSON and count the orders; or why it cannot be imported.</summary>
    public static async Task<(NativeImportSource? Source, string? Problem)> OpenAsync(string path, ImportLimits limits, CancellationToken ct)
    {
        int first;
        using (var reader = new StreamReader(path))
        {
            do first = reader.Read(); while (first >= 0 && char.IsWhiteSpace((char)first));
        }
        if (first < 0) return (null, $"{path} is empty: expected a JSON array of orders or one order per line");
        if (first is not ('[' or '{'))
            return (null, $"{path} is not JSON: expected a JSON array of the platform's orders or one order object per line");
        var lines = first == '{';
        var count = 0;
        try
        {
            await foreach (var _ in Items(path, lines, ct)) count++;
        }
        catch (JsonException ex)
        {
            return (null, $"{path} is not valid JSON: {ex.Message}");
        }
        if (count == 0) return (null, $"{path} has no orders");
        return (new NativeImportSource(path, lines, count, limits), null);
    }

    public override async IAsyncEnumerable<ImportChunk> ChunksAsync([EnumeratorCancellation] CancellationToken ct)
    {
        var packer = new ChunkPacker(_limits, 2, 1, rows => "[" + string.Join(",", rows.Select(r => r.Raw)) + "]");
        await foreach (var item in Items(_path, _lines, ct))
            if (packer.Add([item]) is { } full) yield return full;
        if (packer.Flush() is { } last) yield return last;
    }

    /// <summary>Each order of the file with its number; throws <see cref="JsonException"/> where the file is not JSON.</summary>
    private static async IAsyncEnumerable<SourceRow> Items(string path, bool lines, [EnumeratorCancellation] CancellationToken ct)
    {
        if (lines)
        {
            using var reader = new StreamReader(path);
            var number = 0;
            while (await reader.ReadLineAsync(ct) is { } line)
            {
                number++;
                if (line.Trim().Length == 0) continue;
                try
                {
                    using var _ = JsonDocument.Parse(line);
                }
                catch (JsonException ex)
                {
                    throw new JsonException(Invariant($"line {number:N0}: {ex.Message}"), ex);
                }
                yield return new SourceRow(number, line.Trim());
            }
            yield break;
        }
        await using var stream = File.OpenRead(path);
        var index = 0;
        await foreach (var element in JsonSerializer.DeserializeAsyncEnumerable<JsonElement>(stream, cancellationToken: ct))
            yield return new SourceRow(++index, element.GetRawText());
    }

    public override ChunkResult Read(JsonObject answer, ImportChunk chunk)
    {
        var rejected = (answer["results"] as JsonArray ?? [])
            .Where(r => r?["outcome"]?.GetValue<string>() == "rejected")
            .Select(r =>
            {
                var row = chunk.Rows[r!["index"]!.GetValue<int>()];
                return new RejectedRow(row.Number, Problems(r["errors"]), row.Raw);
            })
            .ToList();
        return Totals(answer, rejected);
    }
}
