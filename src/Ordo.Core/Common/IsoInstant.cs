using System.Globalization;
using System.Text.RegularExpressions;

namespace Ordo.Core.Common;

/// <summary>ISO 8601 instants that must say which offset they are in (never read as UTC or server-local by guess).</summary>
public static partial class IsoInstant
{
    // The offset must follow a time (HH:mm[:ss[.fff]]), so the day in "10:00:00 2026-02-22" is not taken for "-22".
    [GeneratedRegex(@"\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s?(Z|z|[+-]\d{2}(:?\d{2})?)$")]
    private static partial Regex OffsetSuffix();

    public static bool HasOffset(string text) => OffsetSuffix().IsMatch(text);

    /// <summary>Parses an instant that carries an offset; returns it in UTC. A '+' turned into a space by URL decoding is put back.</summary>
    public static bool TryParseWithOffset(string? text, out DateTimeOffset utc)
    {
        utc = default;
        if (string.IsNullOrWhiteSpace(text) || text.Length < 16) return false;
        text = text.Trim();
        if (text.Length > 19 && text[^6] == ' ') text = text[..^6] + "+" + text[^5..];
        if (!HasOffset(text) || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var value)) return false;
        utc = value.ToUniversalTime();
        return true;
    }
}
