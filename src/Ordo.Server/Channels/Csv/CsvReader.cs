using System.Text;

namespace Ordo.Server.Channels.Csv;

/// <summary>One CSV record: its row number (the header is row 1, as a spreadsheet shows it), its fields and its exact text.</summary>
public sealed record CsvRecord(int Row, IReadOnlyList<string> Fields, string Raw);

/// <summary>
/// A small RFC 4180 reader, written by hand instead of adding a package (the format is small and the import needs
/// the exact text of each record): comma-separated fields, quoted fields with doubled quotes inside, CRLF or LF
/// record ends, line breaks inside quoted fields. Lenient where exports are sloppy: a quote inside an unquoted field
/// is kept as text, blank lines are skipped. Never throws.
/// </summary>
public static class CsvReader
{
    public static IReadOnlyList<CsvRecord> Read(string text)
    {
        var records = new List<CsvRecord>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var row = 0;
        var start = 0;
        var i = 0;
        var quoted = false;      // inside a quoted field
        var wasQuoted = false;   // the current field started with a quote
        while (i <= text.Length)
        {
            if (i == text.Length)
            {
                if (quoted || field.Length > 0 || fields.Count > 0 || wasQuoted) EndRecord(i, i);
                break;
            }
            var c = text[i];
            if (quoted)
            {
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i += 2; continue; }
                    quoted = false; i++; continue;
                }
                field.Append(c); i++; continue;
            }
            switch (c)
            {
                case '"' when field.Length == 0 && !wasQuoted:
                    quoted = wasQuoted = true; i++; break;
                case ',':
                    fields.Add(field.ToString()); field.Clear(); wasQuoted = false; i++; break;
                case '\r' when i + 1 < text.Length && text[i + 1] == '\n':
                    EndRecord(i, i + 2); i += 2; break;
                case '\n' or '\r':
                    EndRecord(i, i + 1); i++; break;
                default:
                    field.Append(c); i++; break;
            }
        }
        return records;

        void EndRecord(int end, int next)
        {
            fields.Add(field.ToString());
            field.Clear();
            wasQuoted = false;
            quoted = false;
            // A blank line is no record (and no row of data), but it still counts as a spreadsheet row.
            row++;
            if (!(fields.Count == 1 && fields[0].Length == 0 && end == start))
                records.Add(new CsvRecord(row, fields.ToArray(), text[start..end]));
            fields.Clear();
            start = next;
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
