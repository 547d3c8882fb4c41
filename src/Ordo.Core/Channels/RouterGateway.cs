using System.Globalization;
using System.Text.Json;
using Ordo.Core.Orders;

namespace Ordo.Core.Channels;

/// <summary>
/// What the "router" gateways of TOP (Taobao) and JOS (JD) have in common: one URL for every method, the method and
/// the credentials as parameters, all parameters signed with <see cref="Signing.SortedParamsMd5"/> and posted as a
/// form, timestamps in China time, answers as JSON with the HTTP status mostly 200. Also the page walk both list
/// calls use (see <see cref="NextPage"/>). Pure.
/// </summary>
internal static class RouterGateway
{
    public const string TimeFormat = "yyyy-MM-dd HH:mm:ss";
    public const string FormContentType = "application/x-www-form-urlencoded;charset=utf-8";

    /// <summary>An instant as the gateways write it: China time (UTC+8), whole seconds (the fraction is cut, never rounded up).</summary>
    public static string ChinaText(DateTimeOffset instant) =>
        instant.ToOffset(ChinaTime.Offset).ToString(TimeFormat, CultureInfo.InvariantCulture);

    /// <summary>The shop's base URL (real gateway host or a local fake, possibly with a path prefix) plus the gateway path.</summary>
    public static Uri Endpoint(Uri baseUrl, string path) => new(baseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/') + path);

    /// <summary>Signs <paramref name="parameters"/> (adding <c>sign</c>) and posts them as a UTF-8 form.</summary>
    public static ApiCall SignedFormPost(Uri endpoint, Dictionary<string, string> parameters, string? secret)
    {
        parameters["sign"] = Signing.SortedParamsMd5(parameters, secret ?? "");
        var body = string.Join('&', parameters.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
        return new ApiCall(HttpMethod.Post, endpoint, ApiCall.NoHeaders, body, FormContentType);
    }

    /// <summary>
    /// A failure visible in the HTTP status alone: 429 and 5xx are worth retrying (with the <c>Retry-After</c> the
    /// server gave), any other non-2xx is not. Null when the body should be read.
    /// </summary>
    public static ApiError? Transport(ApiAnswer answer)
    {
        if (RestHttp.IsRetryableStatus(answer.StatusCode))
            return new ApiError($"http-{answer.StatusCode}", Snippet(answer.Body), true, HttpAnswerChecks.RetryAfter(answer));
        if (answer.StatusCode is < 200 or >= 300)
            return new ApiError($"http-{answer.StatusCode}", Snippet(answer.Body), false);
        return null;
    }

    /// <summary>
    /// The answer's JSON root, or the error to report: a 200 whose body is not JSON (gateways sometimes answer an
    /// HTML error page) is taken as passing trouble and retried.
    /// </summary>
    public static (JsonElement Root, ApiError? Error) Json(ApiAnswer answer)
    {
        if (Transport(answer) is { } failure) return (default, failure);
        try
        {
            using var doc = JsonDocument.Parse(answer.Body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object) return (doc.RootElement.Clone(), null);
        }
        catch (JsonException) { }
        return (default, new ApiError("invalid-answer", "the answer is not a JSON object: " + Snippet(answer.Body), true));
    }

    public static ApiError Unexpected(string what, JsonElement? fragment = null) =>
        new("unexpected-answer", fragment is { } f ? $"{what}: {Snippet(f.GetRawText())}" : what, false);

    /// <summary>A property as text: strings as they are, numbers as their exact digits (ids exceed 2^53).</summary>
    public static string? Text(JsonElement obj, string name) => NativeReader.Get(obj, name) switch
    {
        { ValueKind: JsonValueKind.String } s => s.GetString() is { Length: > 0 } t ? t : null,
        { ValueKind: JsonValueKind.Number } n => n.GetRawText(),
        { ValueKind: JsonValueKind.True } => "true",
        { ValueKind: JsonValueKind.False } => "false",
        _ => null,
    };

    public static long? Long(JsonElement obj, string name) =>
        long.TryParse(Text(obj, name), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <summary>True for JSON true and for the text "true" (JOS sends both).</summary>
    public static bool IsTrue(JsonElement obj, string name) => Text(obj, name) is { } t && t.Equals("true", StringComparison.OrdinalIgnoreCase);

    public static string Snippet(string text) => text.Length <= 300 ? text : text[..300] + "…";

    // ---- page walk ----------------------------------------------------------------------------------------------

    private const string PagePrefix = "page:";

    /// <summary>The page number a token names; null for the first request of a window (and for a token not ours).</summary>
    public static int? PageOf(string? token) =>
        token is not null && token.StartsWith(PagePrefix, StringComparison.Ordinal)
        && int.TryParse(token.AsSpan(PagePrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var page) && page >= 1
            ? page : null;

    public static string PageToken(int page) => PagePrefix + page.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The page walk of a modified-time window, last page first. While a window is walked, orders modified again
    /// leave it (their new time is later), which moves every later order one place up: walking forwards would then
    /// skip the order that moved across a page boundary, walking backwards only reads one twice (TOP documents this;
    /// the same holds for JOS). So the first request (<paramref name="page"/> null) reads page 1 only to learn the
    /// total: when everything fits in it, that is the answer; otherwise its orders are dropped and the walk goes from
    /// the last page down to page 1. Windows should end a little before now, so that orders do not enter them during
    /// the walk.
    /// </summary>
    public static ApiResult<PullPage> NextPage(int? page, long? total, int pageSize, IReadOnlyList<JsonElement> orders, IReadOnlyList<string> ids)
    {
        if (page is { } p) return ApiResult<PullPage>.Ok(new PullPage(orders, ids, p > 1 ? PageToken(p - 1) : null));
        if (total is not { } count || count < 0) return ApiResult<PullPage>.Fail(Unexpected("the first page of a window has no total count"));
        var pages = (count + pageSize - 1) / pageSize;
        return pages <= 1
            ? ApiResult<PullPage>.Ok(new PullPage(orders, ids, null))
            : ApiResult<PullPage>.Ok(new PullPage([], [], PageToken((int)Math.Min(pages, int.MaxValue))));
    }

    /// <summary>
    /// <see cref="IPlatformApi.ReadList(ApiAnswer)"/> for a page-walking API: without the page token only a window
    /// that fits one page can be read; a longer one fails loudly rather than loop over the same page.
    /// </summary>
    public static ApiResult<PullPage> SinglePageOnly(ApiResult<PullPage> firstPage) =>
        firstPage.Value?.NextPageToken is null
            ? firstPage
            : ApiResult<PullPage>.Fail(new ApiError("paging", "the window holds more than one page: read list answers with ReadList(answer, pageToken)", false));
}
