using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using static System.FormattableString;

namespace Ordo.Cli.Import;

/// <summary>An answer from Ordo: its status, its body when it is a JSON object, and the problem+json fields.</summary>
public sealed record ApiAnswer(HttpStatusCode Status, string? ReasonPhrase, JsonObject? Body, string Text)
{
    public bool Ok => (int)Status is >= 200 and < 300;

    /// <summary>The problem's <c>field</c>: the request field at fault.</summary>
    public string? Field => Body?["field"] is JsonValue v && v.TryGetValue<string>(out var f) ? f : null;

    /// <summary>"404: there is no shop with code 'X'": the status and the problem+json detail (or the start of the body).</summary>
    public string Describe()
    {
        var detail = Body is null ? (Text.Length > 200 ? Text[..200] + "…" : Text)
            : Body["detail"] is JsonValue v && v.TryGetValue<string>(out var d) ? d : null;
        return string.IsNullOrWhiteSpace(detail) ? $"{(int)Status} {ReasonPhrase}" : $"{(int)Status}: {detail.Trim()}";
    }

    /// <summary>The problem's detail alone (for a row's reason), else <see cref="Describe"/>.</summary>
    public string Reason => Body?["detail"] is JsonValue v && v.TryGetValue<string>(out var d) && !string.IsNullOrWhiteSpace(d) ? d.Trim() : Describe();
}

/// <summary>
/// Ordo's API as the CLI commands call it: one request, optionally tried again after a failure on the way, 5xx, 408
/// or 429 (only for requests that are safe to repeat), answered as an <see cref="ApiAnswer"/> or as why there is none.
/// </summary>
public sealed class OrdoApi(HttpClient http, TimeProvider clock)
{
    /// <summary>Waits before the second and third attempt of a request that failed on the way or got 5xx/429.</summary>
    private static readonly TimeSpan[] RetryDelays = [TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5)];

    public Uri? BaseAddress => http.BaseAddress;

    /// <summary>"cannot reach Ordo at …" for a failure on the way.</summary>
    public string Unreachable(HttpRequestException ex) => $"cannot reach Ordo at {http.BaseAddress}: {ex.Message}";

    /// <summary>"Ordo at … did not answer within N s".</summary>
    public string TimedOut() => Invariant($"Ordo at {http.BaseAddress} did not answer within {http.Timeout.TotalSeconds:0} s");

    public Task<(ApiAnswer? Answer, string? Failure)> GetAsync(string path, CancellationToken ct) =>
        SendAsync(HttpMethod.Get, path, null, retry: true, ct);

    /// <summary>Sends JSON (<paramref name="body"/> serialised) with <paramref name="method"/>.</summary>
    public Task<(ApiAnswer? Answer, string? Failure)> SendJsonAsync(HttpMethod method, string path, JsonNode body, bool retry, CancellationToken ct) =>
        SendAsync(method, path, () => new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"), retry, ct);

    /// <summary>
    /// Sends one request (<paramref name="content"/> makes a fresh body per attempt); with <paramref name="retry"/>,
    /// up to three attempts. The last answer, even an error, or why there is none.
    /// </summary>
    public async Task<(ApiAnswer? Answer, string? Failure)> SendAsync(HttpMethod method, string path, Func<HttpContent>? content, bool retry, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var last = !retry || attempt == RetryDelays.Length;
            try
            {
                using var request = new HttpRequestMessage(method, path) { Content = content?.Invoke() };
                using var response = await http.SendAsync(request, ct);
                var transient = (int)response.StatusCode >= 500 || response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout;
                if (last || !transient) return (await ReadAsync(response, ct), null);
            }
            catch (HttpRequestException ex) when (last)
            {
                return (null, Unreachable(ex));
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested && last)
            {
                return (null, TimedOut());
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
            }
            await Task.Delay(RetryDelays[attempt], clock, ct);
        }
    }

    private static async Task<ApiAnswer> ReadAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        JsonObject? body;
        try
        {
            body = JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            body = null;
        }
        return new ApiAnswer(response.StatusCode, response.ReasonPhrase, body, text);
    }
}
