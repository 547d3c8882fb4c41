using System.Text;

namespace Ordo.Core.Channels.Csv;

/// <summary>One CSV record: its row number (the header is row 1, as a spreadsheet shows it), its fields and its exact text.</summary>
public sealed record CsvRecord(int Row, IReadOnlyList<string> Fields, string Raw)
{
    /// <summary>Only empty or blank fields (",,,"): no row of data.</summary>
    public bool IsBlank => Fields.All(f => f.Trim().Length == 0);
}

/// <summary>
/// A small RFC 4180 reader, written by hand instead of adding a package (the format is small and the import needs
/// the exact text of each record): comma-separated fields, quoted fields with doubled quotes inside, CRLF or LF
/// record ends, line breaks inside quoted fields. Lenient where exports are sloppy: a quote inside an unquoted field
/// is kept as text, blank lines are skipped. Never throws (except for what the <see cref="TextReader"/> throws).
/// </summary>
public static class CsvReader
{
    public static IReadOnlyList<CsvRecord> Read(string text) => Records(new StringReader(text)).ToList();

    /// <summary>The records one by one, so that a file of any size is read with one record in memory at a time.</summary>
    public static IEnumerable<CsvRecord> Records(TextReader reader)
    {
        var source = new CharSource(reader);
        var fields = new List<string>();
        var field = new StringBuilder();
        var raw = new StringBuilder();   // the record's exact text, without its line end
        var row = 0;
        var quoted = false;      // inside a quoted field
        var wasQuoted = false;   // the current field started with a quote
        while (true)
        {
            var next = source.Read();
            if (next < 0)
            {
                if (raw.Length > 0 && EndRecord() is { } last) yield return last;
                yield break;
            }
            var c = (char)next;
            if (quoted)
            {
                raw.Append(c);
                if (c != '"') { field.Append(c); continue; }
                if (source.Peek() == '"') { source.Read(); raw.Append('"'); field.Append('"'); }
                else quoted = false;
                continue;
            }
            switch (c)
            {
                case '"' when field.Length == 0 && !wasQuoted:
                    quoted = wasQuoted = true; raw.Append(c); break;
                case ',':
                    fields.Add(field.ToString()); field.Clear(); wasQuoted = false; raw.Append(c); break;
                case '\r' or '\n':
                    if (c == '\r' && source.Peek() == '\n') source.Read();
                    if (EndRecord() is { } record) yield return record;
                    break;
                default:
                    field.Append(c); raw.Append(c); break;
            }
        }

        CsvRecord? EndRecord()
        {
            fields.Add(field.ToString());
            field.Clear();
            wasQuoted = false;
            quoted = false;
            // A blank line is no record (and no row of data), but it still counts as a spreadsheet row.
            row++;
            var record = raw.Length == 0 ? null : new CsvRecord(row, fields.ToArray(), raw.ToString());
            fields.Clear();
            raw.Clear();
            return record;
        }
    }

    /// <summary>Buffered characters with one of look-ahead (for CRLF and doubled quotes).</summary>
    private sealed class CharSource(TextReader reader)
    {
        private readonly char[] _buffer = new char[16 * 1024];
        private int _position;
        private int _length;

        public int Peek() => _position < _length || Fill() ? _buffer[_position] : -1;

        public int Read() => _position < _length || Fill() ? _buffer[_position++] : -1;

        private bool Fill()
        {
            (_position, _length) = (0, reader.Read(_buffer, 0, _buffer.Length));
            return _length > 0;
        }
    }

    /// <summary>Quotes a field when it needs it (RFC 4180).</summary>
    public static string Quote(string value) =>
        value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
}

/// <summary>
/// Turns the bytes of an uploaded CSV into text: UTF-8 (with or without BOM) when the bytes are valid UTF-8, otherwise
/// GB18030 (a superset of GBK and GB2312), which Chinese seller backends and Excel on Chinese Windows write. .NET
/// only has GB18030 through <see cref="CodePagesEncodingProvider"/> (in the shared framework), asked here directly
/// rather than registered globally.
/// </summary>
public static class CsvText
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static Encoding Gb18030 { get; } = CodePagesEncodingProvider.Instance.GetEncoding(54936)
        ?? throw new InvalidOperationException("GB18030 (code page 54936) is not available");

    public static (string Text, string Encoding) Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) bytes = bytes[3..];
        try
        {
            return (StrictUtf8.GetString(bytes), "utf-8");
        }
        catch (DecoderFallbackException)
        {
            // GB18030 marks its own BOM as 0x84 0x31 0x95 0x33; drop it like the UTF-8 one.
            var text = Gb18030.GetString(bytes);
            return (text.TrimStart('\uFEFF'), "gb18030");
        }
    }
}
