using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Ordo.Server.Tests.Console;
using Ordo.Server.Tests.Infrastructure;
using Shouldly;

namespace Ordo.Server.Tests.Security;

/// <summary>A host whose first admin comes from Ordo:Bootstrap (e-mail and password), for sign-in and user tests.</summary>
public class UsersHost : OrdoHost
{
    public const string AdminEmail = "root@ordo.test";
    public const string AdminPassword = "correct horse battery";

    protected UsersHost(Db kind) : base(kind) { }

    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
    [
        new("Ordo:Bootstrap:AdminEmail", AdminEmail),
        new("Ordo:Bootstrap:AdminPassword", AdminPassword),
    ];
}

public sealed class SqliteUsersHost() : UsersHost(Db.Sqlite);
public sealed class PostgresUsersHost() : UsersHost(Db.Postgres);

/// <summary>Signing in the way a browser does: the form's antiforgery token, cookies kept by the client, redirects not followed.</summary>
public static partial class SignIn
{
    /// <summary>A browser with no API key and its own cookie jar, asking for HTML as a browser's navigation does.</summary>
    public static HttpClient Browser(OrdoHost host)
    {
        var client = host.NewClient(null, followRedirects: false);
        client.DefaultRequestHeaders.Accept.ParseAdd("text/html,application/xhtml+xml,*/*;q=0.8");
        return client;
    }

    /// <summary>GET /login, then POST the form; the answer is the POST's (302 on success, the page again on failure).</summary>
    public static async Task<HttpResponseMessage> PostLoginAsync(HttpClient browser, string email, string password, string? returnUrl = null)
    {
        var html = await browser.GetHtmlAsync("/login" + (returnUrl is null ? "" : "?returnUrl=" + Uri.EscapeDataString(returnUrl)));
        var fields = new List<(string, string)> { ("email", email), ("password", password) };
        if (returnUrl is not null) fields.Add(("returnUrl", returnUrl));
        return await browser.PostFormAsync("/login", ConsolePages.TokenOf(html), [.. fields]);
    }

    /// <summary>A browser signed in as <paramref name="email"/> (who must not need a second factor).</summary>
    public static async Task<HttpClient> SignedInAsync(OrdoHost host, string email, string password)
    {
        var browser = Browser(host);
        var response = await PostLoginAsync(browser, email, password);
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        return browser;
    }

    /// <summary>The reason a sign-in page shows (<c>invalid</c>, <c>locked</c>, <c>disabled</c>), or null when none.</summary>
    public static string? ErrorReason(string html) => ReasonPattern().Match(html) is { Success: true } m ? m.Groups[1].Value : null;

    [GeneratedRegex("data-test=\"login-error\" data-reason=\"([a-z]+)\"")]
    private static partial Regex ReasonPattern();

    /// <summary>The current RFC 6238 code (HMAC-SHA1, 30-second steps, 6 digits) for a base32 key, as an authenticator app shows it.</summary>
    public static string Totp(string base32Key, DateTimeOffset? at = null)
    {
        var key = Base32(base32Key.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant());
        var step = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds() / 30;
        var counter = BitConverter.GetBytes(step);
        if (BitConverter.IsLittleEndian) Array.Reverse(counter);
        var hash = HMACSHA1.HashData(key, counter);
        var offset = hash[^1] & 0x0F;
        var binary = ((hash[offset] & 0x7F) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return (binary % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static byte[] Base32(string text)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bytes = new List<byte>();
        int buffer = 0, bits = 0;
        foreach (var c in text.TrimEnd('='))
        {
            buffer = (buffer << 5) | alphabet.IndexOf(c, StringComparison.Ordinal);
            bits += 5;
            if (bits >= 8)
            {
                bytes.Add((byte)(buffer >> (bits - 8)));
                bits -= 8;
            }
        }
        return [.. bytes];
    }
}
