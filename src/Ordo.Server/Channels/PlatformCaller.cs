using Microsoft.Extensions.Options;
using Ordo.Core.Channels;
using Ordo.Data.Catalogue;
using Ordo.Server.Configuration;
using Ordo.Server.Security;

namespace Ordo.Server.Channels;

/// <summary>
/// Sends the requests platform API clients describe, and opens a shop's sealed credentials for them. A transport
/// failure (refused connection, timeout) comes back as a retryable error, never as an exception.
/// </summary>
public sealed class PlatformCaller(IHttpClientFactory httpClients, SecretBox secrets, IOptions<OrdoOptions> options)
{
    public const string HttpClientName = "platforms";

    /// <summary>The shop's API connection, or the reason it has none.</summary>
    public (ApiConnection? Connection, string? Problem) Connection(Shop shop)
    {
        if (string.IsNullOrEmpty(shop.ApiBaseUrl) || !Uri.TryCreate(shop.ApiBaseUrl, UriKind.Absolute, out var baseUrl))
            return (null, $"shop '{shop.Code}' has no apiBaseUrl");
        try
        {
            return (new ApiConnection(baseUrl, shop.AppKey, secrets.Open(shop.AppSecretSealed), secrets.Open(shop.AccessTokenSealed)), null);
        }
        catch (System.Security.Cryptography.CryptographicException ex)
        {
            return (null, $"shop '{shop.Code}' secrets cannot be opened with this instance's key: {ex.Message}");
        }
    }

    /// <summary>
    /// Sends <paramref name="call"/> and reads its answer with <paramref name="read"/>; no answer at all (status 0) is a
    /// retryable failure without asking the reader. The answer is returned too, for callers that keep it.
    /// </summary>
    public async Task<(ApiAnswer Answer, ApiResult<T> Result)> CallAsync<T>(ApiCall call, Func<ApiAnswer, ApiResult<T>> read, CancellationToken ct)
    {
        var answer = await SendAsync(call, ct);
        return (answer, answer.StatusCode == 0 ? ApiResult<T>.Fail(new ApiError("no-answer", answer.Body, true)) : read(answer));
    }

    public async Task<ApiAnswer> SendAsync(ApiCall call, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(call.Method, call.Url);
        foreach (var (name, value) in call.Headers)
            if (!request.Headers.TryAddWithoutValidation(name, value)) request.Content?.Headers.TryAddWithoutValidation(name, value);
        if (call.Body is not null)
        {
            request.Content = new StringContent(call.Body, System.Text.Encoding.UTF8);
            request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(call.ContentType ?? "application/json; charset=utf-8");
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.Value.Channels.ApiTimeoutSeconds));
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, timeout.Token);
            var headers = response.Headers.Concat(response.Content.Headers)
                .GroupBy(h => h.Key, StringComparer.OrdinalIgnoreCase)
                .ToDictionary(g => g.Key, g => string.Join(", ", g.SelectMany(h => h.Value)), StringComparer.OrdinalIgnoreCase);
            return new ApiAnswer((int)response.StatusCode, headers, await response.Content.ReadAsStringAsync(timeout.Token));
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            // Status 0: no HTTP answer at all; CallAsync turns it into a retryable failure.
            return new ApiAnswer(0, new Dictionary<string, string>(), $"no answer from {call.Url.Host}: {ex.Message}");
        }
    }
}
