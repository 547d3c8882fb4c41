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
}
