using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Ordo.Core.Channels;

/// <summary>
/// Plain-HTTP details shared by the REST platforms (Shopify, WooCommerce): query strings, RFC 8288 <c>Link</c>
/// headers, <c>Retry-After</c> and tolerant JSON reading. Pure; never throws.
/// </summary>
internal static class RestHttp
{
    /// <summary>The base URL without its trailing slash, so that documented paths can be appended.</summary>
    public static string Base(Uri baseUrl) => baseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/');

    /// <summary>A query string (without '?') with names and values percent-encoded (a space becomes %20).</summary>
    public static string Query(params (string Name, string Value)[] parameters) =>
        string.Join('&', parameters.Select(p => Uri.EscapeDataString(p.Name) + "=" + Uri.EscapeDataString(p.Value)));

    /// <summary>The value of query parameter <paramref name="name"/> in <paramref name="url"/>, decoded; null when absent.</summary>
    public static string? QueryValue(string url, string name)
    {
        var q = url.IndexOf('?');
        if (q < 0) return null;
        var end = url.IndexOf('#', q);
        var query = end < 0 ? url[(q + 1)..] : url[(q + 1)..end];
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            var key = Decode(eq < 0 ? pair : pair[..eq]);
            if (key == name) return eq < 0 ? "" : Decode(pair[(eq + 1)..]);
        }
        return null;
    }

    private static string Decode(string text)
    {
        try { return Uri.UnescapeDataString(text.Replace('+', ' ')); }
        catch (UriFormatException) { return text; }
    }

    /// <summary>
    /// The target of the link with relation <paramref name="rel"/> in a <c>Link</c> header such as
    /// <c>&lt;https://…?page_info=a&gt;; rel="previous", &lt;https://…?page_info=b&gt;; rel="next"</c>; null when absent.
    /// </summary>
    public static string? LinkTarget(string? linkHeader, string rel)
    {
        if (string.IsNullOrWhiteSpace(linkHeader)) return null;
        var i = 0;
        while (i < linkHeader.Length)
        {
            var open = linkHeader.IndexOf('<', i);
            if (open < 0) return null;
            var close = linkHeader.IndexOf('>', open + 1);
            if (close < 0) return null;
            var target = linkHeader[(open + 1)..close];
            // The parameters of this link run up to the next '<' (targets are URLs, which cannot contain '<').
            var next = linkHeader.IndexOf('<', close + 1);
            var parameters = next < 0 ? linkHeader[(close + 1)..] : linkHeader[(close + 1)..next];
            foreach (var part in parameters.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var eq = part.IndexOf('=');
                if (eq < 0 || !part[..eq].Trim().Equals("rel", StringComparison.OrdinalIgnoreCase)) continue;
                // rel may list several relation types: rel="next last".
                var values = part[(eq + 1)..].Trim().Trim('"').Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (values.Any(v => v.Equals(rel, StringComparison.OrdinalIgnoreCase))) return target;
            }
            if (next < 0) return null;
            i = next;
        }
        return null;
    }

    /// <summary>
    /// <c>Retry-After</c> as delay-seconds (Shopify sends decimals such as <c>2.0</c>) or as an HTTP date, which is
    /// measured from the answer's <c>Date</c> header (the only clock a pure reader has); null when absent or unreadable.
    /// </summary>
    public static TimeSpan? RetryAfter(ApiAnswer answer)
    {
        var value = answer.Header("Retry-After")?.Trim();
        if (string.IsNullOrEmpty(value)) return null;
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
            return seconds is >= 0 and < 86_400 ? TimeSpan.FromSeconds(seconds) : null;
        if (DateTimeOffset.TryParseExact(value, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            && DateTimeOffset.TryParseExact(answer.Header("Date")?.Trim(), "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
            return at > date ? at - date : TimeSpan.Zero;
        return null;
    }

    public static bool IsSuccess(int statusCode) => statusCode is >= 200 and < 300;

    /// <summary>HTTP 429 and 5xx: trying again later can help.</summary>
    public static bool IsRetryableStatus(int statusCode) => statusCode == 429 || statusCode >= 500;

    /// <summary>The body as JSON (a detached copy), or null when it is not JSON.</summary>
    public static JsonElement? Json(string body)
    {
        if (string.IsNullOrWhiteSpace(body)) return null;
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The start of a body for an error message (gateways answer with whole HTML pages).</summary>
    public static string Snippet(string body) => body.Length <= 300 ? body : body[..300] + "…";

    /// <summary>An error for an answer that was not what the API documents; a 5xx-like glitch is worth retrying only when the status says so.</summary>
    public static ApiError Unexpected(ApiAnswer answer, string what) =>
        new("invalid_response", $"HTTP {answer.StatusCode}: {what}: {Snippet(answer.Body)}", IsRetryableStatus(answer.StatusCode));

    /// <summary>Compact JSON text for a request body.</summary>
    public static string JsonText(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
            write(writer);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Writes an id as a JSON number when it is one (the platforms' ids are integers), else as a string.</summary>
    public static void WriteId(Utf8JsonWriter writer, string name, string id)
    {
        if (long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) writer.WriteNumber(name, n);
        else writer.WriteString(name, id);
    }

    /// <summary>The first whole second at or after <paramref name="t"/>.</summary>
    public static DateTimeOffset CeilingSecond(DateTimeOffset t)
    {
        var utc = t.ToUniversalTime();
        var floor = new DateTimeOffset(utc.Ticks - utc.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
        return floor == utc ? floor : floor.AddSeconds(1);
    }
}
