using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ordo.Core.Channels.Csv;
using Ordo.Core.Orders;
using static System.FormattableString;

namespace Ordo.Cli.Import;

/// <summary>What <c>ordo import</c> was asked to do.</summary>
public sealed record ImportRequest(string File, string ShopCode, string? Preset = null, string? ErrorsFile = null);

/// <summary>
/// Where <c>ordo import</c> writes: the report on <paramref name="Out"/>, progress and failures on
/// <paramref name="Error"/>; <paramref name="Columns"/> is the terminal's width when <paramref name="Error"/> is one (else 0).
/// </summary>
public sealed record ImportOutput(TextWriter Out, TextWriter Error, bool ErrorIsTerminal, TimeProvider Clock, int Columns = 0)
{
    public static ImportOutput Console()
    {
        var terminal = !System.Console.IsErrorRedirected;
        return new(System.Console.Out, System.Console.Error, terminal, TimeProvider.System, terminal ? TerminalColumns() : 0);
    }

    private static int TerminalColumns()
    {
        try
        {
            return System.Console.WindowWidth;
        }
        catch (IOException)
        {
            return 0; // stdout is not a terminal although stderr is: the width is unknown
        }
    }
}

/// <summary>Exit codes of <c>ordo import</c> (also in its --help and the README).</summary>
public static class ImportExitCodes
{
    /// <summary>Every row landed (created, updated or unchanged; some may be OnHold for review).</summary>
    public const int AllLanded = 0;

    /// <summary>Some rows were rejected; every other row landed.</summary>
    public const int SomeRejected = 1;

    /// <summary>Usage or input error (missing file, unknown shop or preset, unreadable header…) or Ordo unreachable: nothing, or not everything, was sent.</summary>
    public const int Failed = 2;

    public const int Cancelled = 130;
}

/// <summary>
/// <c>ordo import &lt;file&gt; --shop &lt;code&gt;</c>: sends an order export (.csv) or the platform's native orders
/// (.json: an array or one per line) to a running Ordo in requests under the server's limits, each order's rows in
/// one request, and reports per row what did not land. Importing is idempotent on the server (platform, shop,
/// platform order id), so a file can be sent again after an interruption or a fix: what landed stays unchanged.
/// </summary>
public sealed class OrderImport(HttpClient http, ImportOutput output, ImportLimits? limits = null)
{
    private readonly ImportLimits _limits = limits ?? ImportLimits.Default;
    private readonly OrdoApi _api = new(http, output.Clock);

    public async Task<int> RunAsync(ImportRequest request, CancellationToken ct)
    {
        try
        {
            return await ImportAsync(request, ct);
        }
        catch (HttpRequestException ex)
        {
            return Fail(_api.Unreachable(ex));
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return Fail(_api.TimedOut());
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return ImportExitCodes.Cancelled;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            // The file (or the errors file) could not be read or written, or changed between the two passes.
            return Fail($"{request.File}: {ex.Message}");
        }
    }

    private async Task<int> ImportAsync(ImportRequest request, CancellationToken ct)
    {
        var file = request.File;
        if (!File.Exists(file)) return Fail($"no such file: {file}");
        var extension = Path.GetExtension(file).ToLowerInvariant();
        var csv = extension == ".csv";
        if (!csv && extension is not (".json" or ".jsonl" or ".ndjson"))
            return Fail($"cannot tell what {file} holds: name it .csv (an order export) or .json (the platform's native orders, an array or one per line)");
        if (!csv && request.Preset is not null)
            return Fail("--preset is for CSV files; a .json file holds the platform's native orders, which its adapter reads");
        CsvPreset? named = null;
        if (request.Preset is { } name && (named = CsvPresets.Find(name.Trim())) is null)
            return Fail($"unknown preset '{name}'; expected one of: {string.Join(", ", CsvPresets.All.Keys)}");

        var (platform, shopProblem) = await PlatformOfAsync(request.ShopCode, ct);
        if (platform is null) return Fail(shopProblem!);

        ImportSource source;
        string description;
        if (csv)
        {
            var preset = named ?? (Platforms.TryParse(platform, out var p) ? CsvPresets.ForPlatform(p) : CsvPresets.Generic);
            var (csvSource, problem) = CsvImportSource.Open(file, preset, _limits);
            if (csvSource is null) return Fail(problem!);
            if (csvSource.Header.Missing.Count > 0) return Fail(await HeaderProblemAsync(csvSource, request.ShopCode, ct));
            source = csvSource;
            var used = csvSource.Header.Preset;
            var why = used != preset ? "the header has the generic column names"
                : named is not null ? "as asked"
                : used == CsvPresets.Generic ? $"there is no preset for {platform} exports"
                : $"the one for {platform} shops";
            description = Invariant($"{source.TotalRows:N0} rows ({(csvSource.Encoding == CsvText.Gb18030 ? "GB18030" : "UTF-8")}), preset {used.Name} ({why})");
        }
        else
        {
            var (nativeSource, problem) = await NativeImportSource.OpenAsync(file, _limits, ct);
            if (nativeSource is null) return Fail(problem!);
            source = nativeSource;
            description = Invariant($"{source.TotalRows:N0} native orders ({(source.RowNoun == "line" ? "one per line" : "a JSON array")})");
        }

        var (report, reportProblem) = RejectionReport.Create(output.Out, request.ErrorsFile, source.RowNoun);
        if (report is null) return Fail(reportProblem!);
        using (report)
        {
            output.Out.WriteLine($"Importing {Path.GetFileName(file)} into shop {request.ShopCode} ({platform}): {description}.");
            return await SendAllAsync(source, request.ShopCode, report, ct);
        }
    }

    private async Task<int> SendAllAsync(ImportSource source, string shopCode, RejectionReport report, CancellationToken ct)
    {
        var noun = source.RowNoun;
        var progress = new ImportProgress(output.Error, output.ErrorIsTerminal, output.Clock, source.TotalRows, noun, output.Columns);
        progress.Start();
        var (sent, orders, created, updated, unchanged, held, rejectedOrders) = (0, 0, 0, 0, 0, 0, 0);
        await foreach (var chunk in source.ChunksAsync(ct))
        {
            var (answer, problem) = await SendAsync(source.RequestPath(shopCode), source.MediaType, chunk.Body, ct);
            if (answer is null)
            {
                progress.Finish();
                report.Finish();
                return Fail(Invariant($"{problem}; stopped at {noun} {chunk.Rows.Min(r => r.Number):N0}. ") + (sent == 0
                    ? "Nothing was imported."
                    : $"The {Counted.Of(sent, noun)} before it were sent and are reported above; importing is idempotent, so run the same command again to finish."));
            }
            var result = source.Read(answer, chunk);
            if (result.Rejected.Count > 0)
            {
                progress.Clear();
                foreach (var row in result.Rejected) report.Add(row);
            }
            sent += chunk.Rows.Count;
            orders += result.Landed + result.RejectedOrders;
            (created, updated, unchanged, held, rejectedOrders) =
                (created + result.Created, updated + result.Updated, unchanged + result.Unchanged, held + result.Held, rejectedOrders + result.RejectedOrders);
            progress.Advance(chunk.Rows.Count, result.Landed, result.Rejected.Count);
        }
        progress.Finish();
        report.Finish();
        output.Out.WriteLine($"Done: {Counted.Of(sent, noun)}, {Counted.Of(orders, "order")}: " +
                             Invariant($"{created:N0} created, {updated:N0} updated, {unchanged:N0} unchanged, {rejectedOrders:N0} rejected ({Counted.Of(report.Count, noun)})") +
                             (held > 0 ? Invariant($"; {held:N0} of them OnHold for review.") : "."));
        return report.Count == 0 ? ImportExitCodes.AllLanded : ImportExitCodes.SomeRejected;
    }

    /// <summary>The shop's platform (GET /api/v1/shops/{code}), or why it cannot be had.</summary>
    private async Task<(string? Platform, string? Problem)> PlatformOfAsync(string shopCode, CancellationToken ct)
    {
        var (response, failure) = await _api.SendAsync(HttpMethod.Get, $"/api/v1/shops/{Uri.EscapeDataString(shopCode)}", null, retry: false, ct);
        if (response is null) return (null, failure);
        if (response.Ok) return (response.Body?["platform"]?.GetValue<string>() ?? "unknown", null);
        var why = response.Describe();
        return (null, response.Status switch
        {
            HttpStatusCode.NotFound => $"unknown shop '{shopCode}' (Ordo answered {why})",
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => $"the API key was refused (Ordo answered {why}); pass --key with a key that may import orders",
            _ => $"cannot look up shop '{shopCode}' (Ordo answered {why})",
        });
    }

    /// <summary>
    /// The server's own account of a header lacking required columns: the header alone is sent (it cannot import
    /// anything) and the answer's problem detail is passed on, which names each missing column and the headers
    /// accepted for it.
    /// </summary>
    private async Task<string> HeaderProblemAsync(CsvImportSource source, string shopCode, CancellationToken ct)
    {
        var (answer, problem) = await SendAsync(source.RequestPath(shopCode), source.MediaType, source.Header.Record.Raw + "\n", ct);
        return problem ?? $"the header lacks required columns: {string.Join(", ", source.Header.Missing)} (Ordo answered {answer?.ToJsonString()})";
    }

    /// <summary>
    /// POSTs one request, trying again on a failure on the way, 5xx or 429 (safe: the import is idempotent); the
    /// answer, or why there is none.
    /// </summary>
    private async Task<(JsonObject? Answer, string? Problem)> SendAsync(string path, string mediaType, string body, CancellationToken ct)
    {
        var (answer, failure) = await _api.SendAsync(HttpMethod.Post, path, () => new StringContent(body, Encoding.UTF8, mediaType), retry: true, ct);
        if (answer is null) return (null, failure);
        if (!answer.Ok) return (null, "Ordo answered " + answer.Describe());
        return answer.Body is { } json ? (json, null) : (null, "Ordo's answer was not a JSON object");
    }

    private int Fail(string message)
    {
        output.Error.WriteLine("ordo import: " + message);
        return ImportExitCodes.Failed;
    }
}
