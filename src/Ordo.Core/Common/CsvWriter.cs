namespace Ordo.Core.Common;

/// <summary>Writes CSV (RFC 4180): fields quoted when they hold a comma, quote or line break; records end with CRLF.</summary>
public static class CsvWriter
{
    public static string Line(IEnumerable<string?> fields) =>
        string.Join(',', fields.Select(f => Channels.Csv.CsvReader.Quote(f ?? ""))) + "\r\n";

    /// <summary>
    /// Text that came from outside (a buyer's name, an address, a product title) with a leading <c>'</c> when it starts
    /// like a spreadsheet formula (<c>= + - @</c>, tab or carriage return), so that opening the file in Excel or WPS
    /// never runs it.
    /// </summary>
    public static string? Untrusted(string? value) =>
        value is { Length: > 0 } && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value;
}
