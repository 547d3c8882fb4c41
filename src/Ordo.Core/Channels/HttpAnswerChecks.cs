using System.Globalization;
using System.Text.Json;

namespace Ordo.Core.Channels;

/// <summary>
/// Transport-level reading of a platform's answer, shared by the platform APIs: HTTP 429 and 5xx are retryable (with
/// the server's <c>Retry-After</c> in seconds when given), other non-2xx statuses are not; a body that is not JSON is
/// reported, never thrown.
/// </summary>
internal static class HttpAnswerChecks
{
    /// <summary>The failure an HTTP status stands for, or null for 2xx.</summary>
    public static ApiError? StatusFailure(ApiAnswer answer)
    {
        if (answer.StatusCode is >= 200 and <= 299) return null;
        var retryable = RestHttp.IsRetryableStatus(answer.StatusCode);
        return new ApiError($"http_{answer.StatusCode}", $"HTTP {answer.StatusCode}: {Snippet(answer.Body)}", retryable,
            retryable ? RetryAfter(answer) : null);
    }

    /// <summary><c>Retry-After</c> as delta-seconds; an HTTP-date is ignored, since reading it would need the clock.</summary>
    public static TimeSpan? RetryAfter(ApiAnswer answer) =>
        answer.Header("Retry-After") is { } value && int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(seconds)
            : null;

    /// <summary>Parses the body as a JSON object; on failure returns the error to report instead.</summary>
    public static (JsonDocument? Document, ApiError? Error) ParseObject(ApiAnswer answer)
    {
        try
        {
            var document = JsonDocument.Parse(answer.Body);
            if (document.RootElement.ValueKind == JsonValueKind.Object) return (document, null);
            document.Dispose();
        }
        catch (JsonException)
        {
        }
        return (null, Invalid($"the answer is not a JSON object: {Snippet(answer.Body)}"));
    }

    /// <summary>An answer Ordo cannot read: not retryable, since asking again would get the same shape.</summary>
    public static ApiError Invalid(string message) => new("invalid_response", message, false);

    /// <summary>A JSON value's text: strings as they are, numbers and literals as written, absent as "".</summary>
    public static string Text(JsonElement obj, string name) =>
        NativeReader.Get(obj, name) is not { } e ? ""
        : e.ValueKind == JsonValueKind.String ? e.GetString() ?? ""
        : e.GetRawText();

    public static string Snippet(string body) => NativeReader.Fragment(body ?? "");

    /// <summary>
    /// The first reading of a JSON API's answer (Kuaishou, Youzan): HTTP 429 and 5xx are retryable failures; a body that
    /// is not JSON (typically a proxy or gateway page, which passes) is retryable after a 2xx; a JSON body that is not an
    /// object is an unexpected shape. Otherwise the root object, for the platform to read its own success and error fields.
    /// </summary>
    public static (JsonElement Root, ApiError? Error) ReadRoot(ApiAnswer answer)
    {
        if (RestHttp.IsRetryableStatus(answer.StatusCode))
            return (default, new ApiError($"http_{answer.StatusCode}", NativeReader.Fragment(answer.Body), Retryable: true, RetryAfter(answer)));
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(answer.Body);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return (default, new ApiError(answer.StatusCode is >= 200 and < 300 ? "ordo.invalid_response" : $"http_{answer.StatusCode}",
                $"the answer is not JSON: {NativeReader.Fragment(answer.Body)}", Retryable: answer.StatusCode is >= 200 and < 300));
        }
        return root.ValueKind == JsonValueKind.Object ? (root, null) : (default, Unexpected("the answer is not a JSON object", answer));
    }

    /// <summary>A well-formed answer of an unexpected shape: a contract change, which retrying does not fix.</summary>
    public static ApiError Unexpected(string reason, ApiAnswer answer) =>
        new("ordo.invalid_response", $"{reason}: {NativeReader.Fragment(answer.Body)}", Retryable: false);

    /// <summary>A JSON value's text, or null when it is absent or an empty string.</summary>
    public static string? NonEmptyText(JsonElement obj, string name) => NativeReader.Get(obj, name) is { } e
        ? e.ValueKind == JsonValueKind.String ? (e.GetString() is { Length: > 0 } s ? s : null) : e.GetRawText()
        : null;

    /// <summary>A JSON object written by <paramref name="body"/>, as text (a request's parameters or body).</summary>
    public static string JsonObject(Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
