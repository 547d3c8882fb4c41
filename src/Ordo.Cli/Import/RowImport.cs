using System.Globalization;
using System.Text.Json;
using static System.FormattableString;

namespace Ordo.Cli.Import;

/// <summary>What became of one row of a row-by-row import.</summary>
public abstract record RowOutcome
{
    /// <summary>The row landed; <paramref name="How"/> is one of the command's outcomes ("created", "booked", "unchanged"…).</summary>
    public sealed record Landed(string How) : RowOutcome;

    /// <summary>The row did not land, for these reasons (the command goes on with the next row).</summary>
    public sealed record Rejected(IReadOnlyList<RowProblem> Problems) : RowOutcome;

    /// <summary>Nothing more can land (Ordo unreachable, the key refused): the command stops with exit code 2.</summary>
    public sealed record Stopped(string Why) : RowOutcome;

    public static Rejected Reject(string field, string reason) => new([new RowProblem(field, reason)]);
}

/// <summary>
/// The loop shared by <c>ordo skus import</c> and <c>ordo stock import</c>: each row of a <see cref="CsvTable"/> is
/// sent on its own (in file order, so a bundle's components defined earlier in the file exist when it comes), with
/// the same progress line and rejection report (<see cref="ImportProgress"/>, <see cref="RejectionReport"/>) and
/// exit codes (<see cref="ImportExitCodes"/>) as <c>ordo import</c>, and one summary line at the end.
/// </summary>
public sealed class RowImport(ImportOutput output, string command)
{
    /// <summary>Rows between two progress lines when stderr is not a terminal (one line per row would drown a log).</summary>
    private const int LogEvery = 100;

    /// <summary>Prints "ordo {command}: {message}" on stderr; exit code 2.</summary>
    public int Fail(string message)
    {
        output.Error.WriteLine($"ordo {command}: " + message);
        return ImportExitCodes.Failed;
    }

    /// <summary>
    /// Runs <paramref name="each"/> over the rows; <paramref name="outcomes"/> are the "landed" outcomes in the order
    /// the summary lists them. Exit code 0 when every row landed, 1 when some were rejected, 2 when it stopped.
    /// </summary>
    public async Task<int> RunAsync(CsvTable table, string? errorsFile, string landedNoun, IReadOnlyList<string> outcomes,
        Func<CsvRow, CancellationToken, Task<RowOutcome>> each, CancellationToken ct)
    {
        try
        {
            var (report, problem) = RejectionReport.Create(output.Out, errorsFile, "row");
            if (report is null) return Fail(problem!);
            using (report)
                return await RunAsync(table, report, landedNoun, outcomes, each, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return ImportExitCodes.Cancelled;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            return Fail(ex.Message);
        }
    }

    private async Task<int> RunAsync(CsvTable table, RejectionReport report, string landedNoun, IReadOnlyList<string> outcomes,
        Func<CsvRow, CancellationToken, Task<RowOutcome>> each, CancellationToken ct)
    {
        var progress = new ImportProgress(output.Error, output.ErrorIsTerminal, output.Clock, table.Rows.Count, "row", output.Columns, landedNoun);
        progress.Start();
        var counts = outcomes.ToDictionary(o => o, _ => 0);
        var (pending, landed, rejected) = (0, 0, 0);
        void Report()
        {
            if (pending > 0) progress.Advance(pending, landed, rejected);
            (pending, landed, rejected) = (0, 0, 0);
        }
        foreach (var row in table.Rows)
        {
            ct.ThrowIfCancellationRequested();
            switch (await each(row, ct))
            {
                case RowOutcome.Landed l:
                    counts[l.How] = counts.GetValueOrDefault(l.How) + 1;
                    landed++;
                    break;
                case RowOutcome.Rejected r:
                    progress.Clear();
                    report.Add(new RejectedRow(row.Number, r.Problems, row.Raw));
                    rejected++;
                    break;
                case RowOutcome.Stopped s:
                    Report();
                    progress.Finish();
                    report.Finish();
                    return Fail(Invariant($"{s.Why}; stopped at row {row.Number:N0}. ") +
                                "The rows before it are reported above; importing is idempotent, so run the same command again to finish.");
            }
            pending++;
            if (output.ErrorIsTerminal || pending == LogEvery) Report();
        }
        Report();
        progress.Finish();
        report.Finish();
        output.Out.WriteLine($"Done: {Counted.Of(table.Rows.Count, "row")}: " +
                             string.Join(", ", counts.Select(c => Invariant($"{c.Value:N0} {c.Key}"))) + Invariant($", {report.Count:N0} rejected."));
        return report.Count == 0 ? ImportExitCodes.AllLanded : ImportExitCodes.SomeRejected;
    }
}

/// <summary>Reading cells the way people write them in spreadsheets; each returns null and a reason when the cell is not usable.</summary>
public static class Cell
{
    public static (int? Value, string? Problem) WholeNumber(string? text, int min, int max)
    {
        if (text is null) return (null, null);
        // Spreadsheets write "1,200" and "12.0" for whole numbers.
        var plain = text.Replace(",", "", StringComparison.Ordinal);
        return decimal.TryParse(plain, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var d)
               && d == decimal.Truncate(d) && d >= min && d <= max
            ? ((int)d, null)
            : (null, Invariant($"'{text}' is not a whole number from {min:N0} to {max:N0}"));
    }

    public static (bool? Value, string? Problem) YesNo(string? text) =>
        text?.ToLowerInvariant() switch
        {
            null => (null, null),
            "true" or "yes" or "y" or "1" or "是" or "冷链" => (true, null),
            "false" or "no" or "n" or "0" or "否" => (false, null),
            _ => (null, $"'{text}' is not yes/no (true, false, 1, 0, 是, 否)"),
        };

    private static readonly string[] DateFormats = ["yyyy-MM-dd", "yyyy/MM/dd", "yyyy/M/d", "yyyy-M-d", "yyyyMMdd", "yyyy.MM.dd"];

    /// <summary>A date as the API takes it (yyyy-MM-dd).</summary>
    public static (string? Value, string? Problem) Date(string? text) =>
        text is null ? (null, null)
        : DateOnly.TryParseExact(text, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? (d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), null)
            : (null, $"'{text}' is not a date (2026-12-31, 2026/12/31 or 20261231)");
}
