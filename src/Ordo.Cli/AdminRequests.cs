using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ordo.Cli;

/// <summary>
/// One request of an admin command (<c>ordo shops …</c>, <c>ordo users …</c>): the answer's JSON when it succeeded,
/// else one line on the error stream with the server's reason and the exit code to end with.
/// </summary>
public static class AdminRequests
{
    public const int Done = 0, ServerFailed = 1, Refused = 2;

    /// <param name="command">The command as the user typed it, e.g. <c>ordo users add</c>, to start the error line.</param>
    public static async Task<(int Status, JsonNode? Body)> SendAsync(
        HttpClient http, TextWriter error, string command, Func<Task<HttpResponseMessage>> send, CancellationToken ct)
    {
        HttpResponseMessage response;
        try { response = await send(); }
        catch (HttpRequestException ex)
        {
            error.WriteLine($"{command}: cannot reach Ordo at {http.BaseAddress}: {ex.Message}");
            return (Refused, null);
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            JsonNode? body = null;
            try { body = text.Length == 0 ? null : JsonNode.Parse(text); }
            catch (JsonException) { }
            if (response.IsSuccessStatusCode && body is not null) return (Done, body);
            var reason = body?["detail"]?.GetValue<string>() ?? body?["title"]?.GetValue<string>() ?? response.ReasonPhrase ?? "no reason given";
            error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{command}: {reason} (HTTP {(int)response.StatusCode})"));
            return ((int)response.StatusCode >= 500 ? ServerFailed : Refused, null);
        }
    }
}
