using System.Text.Json;

namespace Ordo.Server.Console;

/// <summary>How the console shows a raw payload (the order page, the inbox).</summary>
public static class PayloadText
{
    /// <summary>JSON indented for reading and editing; other text (CSV) as it is.</summary>
    public static string Pretty(string payload)
    {
        try { return JsonSerializer.Serialize(JsonDocument.Parse(payload).RootElement, Indented); }
        catch (JsonException) { return payload; }
    }

    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
