using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Ordo.Server.Tests.Infrastructure;
using Shouldly;

namespace Ordo.Server.Tests.Console;

/// <summary>Helpers to drive console pages the way a browser does: GET the page, read the form's antiforgery token, POST it back.</summary>
public static partial class ConsolePages
{
    /// <summary>A client with its own cookie jar (the antiforgery cookie) and the given API key, not following redirects.</summary>
    public static HttpClient Browser(OrdoHost host, string apiKey = OrdoHost.AdminKey) => host.NewClient(apiKey, followRedirects: false);

    public static async Task<string> GetHtmlAsync(this HttpClient client, string url, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await client.GetAsync(url);
        var html = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(expected, html.Length > 2000 ? html[..2000] : html);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        return html;
    }

    /// <summary>The antiforgery token of the first form on the page (every console form carries one).</summary>
    public static string TokenOf(string html) =>
        TokenPattern().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value)
            : throw new InvalidOperationException("no antiforgery token on the page");

    public static Task<HttpResponseMessage> PostFormAsync(this HttpClient client, string url, string token, params (string Name, string Value)[] fields) =>
        client.PostAsync(url, new FormUrlEncodedContent(
            fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)).Append(new("__RequestVerificationToken", token))));

    /// <summary>A new API key with <paramref name="roles"/>, made through the API as an admin would.</summary>
    public static async Task<string> CreateKeyAsync(OrdoHost host, params string[] roles)
    {
        var created = await host.Client.PostAsJsonAsync("/api/v1/api-keys", new { name = "console-" + string.Join('-', roles) + "-" + Guid.NewGuid().ToString("N")[..6], roles });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        return (await created.ReadObjectAsync())["key"]!.GetValue<string>();
    }

    /// <summary>Counts elements carrying <c>data-test="<paramref name="testId"/>"</c>.</summary>
    public static int CountTest(string html, string testId) => Regex.Count(html, $"data-test=\"{Regex.Escape(testId)}\"");

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
