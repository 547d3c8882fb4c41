using System.Text;
using System.Text.Json;

namespace Ordo.Server;

/// <summary>
/// Reads JSON request bodies by hand so that a bad body gets a problem response naming the field, instead of the
/// framework's generic binding failure.
/// </summary>
public static class RequestBody
{
    public static async Task<string> ReadTextAsync(HttpRequest request, CancellationToken ct)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync(ct);
    }

    /// <summary>The body as a JSON object (an empty body counts as <c>{}</c> when <paramref name="optional"/>), or a problem.</summary>
    public static async Task<(JsonElement Body, IResult? Problem)> ReadObjectAsync(HttpRequest request, CancellationToken ct, bool optional = false)
    {
        var text = await ReadTextAsync(request, ct);
        if (string.IsNullOrWhiteSpace(text))
        {
            if (optional) return (JsonDocument.Parse("{}").RootElement, null);
            return (default, Problems.BadRequest("$", "the request body is empty; send a JSON object"));
        }
        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                return (default, Problems.BadRequest("$", "the request body must be a JSON object"));
            return (doc.RootElement.Clone(), null);
        }
        catch (JsonException ex)
        {
            return (default, Problems.BadRequest("$", $"the request body is not valid JSON: {ex.Message}"));
        }
    }

    public static string? String(this JsonElement body, string name) =>
        body.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.String ? e.GetString()?.Trim() : null;

    public static bool Has(this JsonElement body, string name) =>
        body.TryGetProperty(name, out var e) && e.ValueKind != JsonValueKind.Null;

    public static IReadOnlyList<string>? StringArray(this JsonElement body, string name)
    {
        if (!body.TryGetProperty(name, out var e) || e.ValueKind != JsonValueKind.Array) return null;
        var list = new List<string>();
        foreach (var item in e.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String) return null;
            list.Add(item.GetString()!);
        }
        return list;
    }
}

/// <summary>Opaque cursors for keyset pagination: the last id seen, base64url-encoded.</summary>
public static class Cursor
{
    public static string? Encode(long? id) => id is { } v ? Convert.ToBase64String(Encoding.ASCII.GetBytes($"id:{v}")).TrimEnd('=').Replace('+', '-').Replace('/', '_') : null;

    public static bool TryDecode(string? cursor, out long? id)
    {
        id = null;
        if (string.IsNullOrEmpty(cursor)) return true;
        try
        {
            var padded = cursor.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - padded.Length % 4) % 4);
            var text = Encoding.ASCII.GetString(Convert.FromBase64String(padded));
            if (text.StartsWith("id:", StringComparison.Ordinal) && long.TryParse(text[3..], out var v)) { id = v; return true; }
        }
        catch (FormatException) { }
        return false;
    }

    public static IResult Invalid() => Problems.BadRequest("cursor", "the cursor is not one this API returned; start again without it");
}
