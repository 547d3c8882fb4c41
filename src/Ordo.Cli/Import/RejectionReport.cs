using System.Globalization;
using System.Text;
using static System.FormattableString;
using Ordo.Core.Channels.Csv;

namespace Ordo.Cli.Import;

/// <summary>
/// Rejected rows: the first <see cref="MaxOnScreen"/> printed one per line as they come back, every one written to
/// the errors file when there is one (<c>row,field,reason,raw</c>: the row number in the file, the fields and
/// reasons the server gave, and the row's exact text, so it can be fixed and imported again).
/// </summary>
public sealed class RejectionReport : IDisposable
{
    public const int MaxOnScreen = 50;

    private readonly TextWriter _out;
    private readonly StreamWriter? _file;
    private readonly string? _path;
    private readonly string _noun;

    private RejectionReport(TextWriter output, StreamWriter? file, string? path, string noun) =>
        (_out, _file, _path, _noun) = (output, file, path, noun);

    public int Count { get; private set; }

    /// <summary>A report to <paramref name="output"/> and, when <paramref name="path"/> is given, that file (created or replaced now, so a bad path fails before anything is sent).</summary>
    public static (RejectionReport? Report, string? Problem) Create(TextWriter output, string? path, string noun)
    {
        if (path is null) return (new RejectionReport(output, null, null, noun), null);
        try
        {
            // UTF-8 with a byte-order mark and CRLF (RFC 4180): spreadsheet programs then show Chinese text as it is.
            var file = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true)) { NewLine = "\r\n" };
            file.WriteLine($"{noun},field,reason,raw");
            return (new RejectionReport(output, file, path, noun), null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (null, $"cannot write the errors file {path}: {ex.Message}");
        }
    }

    public void Add(RejectedRow row)
    {
        Count++;
        if (Count <= MaxOnScreen)
            _out.WriteLine(Invariant($"{_noun} {row.Number:N0}, ") +
                           string.Join("; ", row.Problems.Select(p => p.Field.Length == 0 ? p.Reason : $"{p.Field}: {p.Reason}")));
        _file?.WriteLine(string.Join(",",
            row.Number.ToString(CultureInfo.InvariantCulture),
            CsvReader.Quote(string.Join("; ", row.Problems.Select(p => p.Field))),
            CsvReader.Quote(string.Join("; ", row.Problems.Select(p => p.Reason))),
            CsvReader.Quote(row.Raw)));
    }

    /// <summary>Says how many rejected rows were not printed and where they all are.</summary>
    public void Finish()
    {
        _file?.Flush();
        if (Count > MaxOnScreen)
            _out.WriteLine($"… and {Counted.Of(Count - MaxOnScreen, "more rejected " + _noun)}" +
                           (_path is null ? "; pass --errors FILE to get them all" : ""));
        if (_path is not null && Count > 0) _out.WriteLine(Count == 1 ? $"The rejected {_noun} is in {_path}." : $"All {Counted.Of(Count, "rejected " + _noun)} are in {_path}.");
    }

    public void Dispose() => _file?.Dispose();
}
