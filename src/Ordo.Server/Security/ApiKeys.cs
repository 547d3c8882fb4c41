using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Ordo.Data;
using Ordo.Data.Security;

namespace Ordo.Server.Security;

/// <summary>
/// API keys: <c>ordo_</c> followed by 32 random base-62 characters. Only the SHA-256 hash is stored (the key has
/// 190 bits of entropy, so a plain hash is enough; a slow password hash would cost milliseconds on every request).
/// </summary>
public static class ApiKeyFormat
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public static string NewKey() => "ordo_" + RandomNumberGenerator.GetString(Alphabet, 32);

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>The part shown in listings so a person can tell keys apart without seeing them.</summary>
    public static string Prefix(string key) => key.Length <= 12 ? key[..Math.Min(4, key.Length)] : key[..12];
}

public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    OrdoDatabase database, TimeProvider clock) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-Api-Key";

    // Validated keys are cached briefly so that intake does not pay a database look-up per request;
    // a revoked key therefore stops working within this time on every instance.
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);
    private static readonly ConcurrentDictionary<string, (ApiKeyRecord? Key, DateTimeOffset Until)> Cache = new();

    public static void Forget() => Cache.Clear();

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(Header, out var values) || values.Count == 0 || string.IsNullOrWhiteSpace(values[0]))
            return AuthenticateResult.NoResult();
        var hash = ApiKeyFormat.Hash(values[0]!.Trim());
        var now = clock.GetUtcNow();
        if (!Cache.TryGetValue(hash, out var cached) || cached.Until < now)
        {
            var key = await database.ReadAsync(s => ApiKeyStore.FindActiveByHashAsync(s, hash), Context.RequestAborted);
            cached = (key, now + CacheFor);
            if (Cache.Count > 10_000) Cache.Clear();
            Cache[hash] = cached;
        }
        if (cached.Key is not { } record) return AuthenticateResult.Fail("unknown or revoked API key");
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, record.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new(ClaimTypes.Name, record.Name),
        };
        claims.AddRange(record.Roles.Select(r => new Claim(ClaimTypes.Role, r)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var failure = Context.Features.Get<IAuthenticateResultFeature>()?.AuthenticateResult?.Failure;
        return Problems.Write(Context, StatusCodes.Status401Unauthorized, "Unauthorized",
            failure is null ? $"send an API key in the {Header} header" : $"the {Header} header holds an unknown or revoked API key",
            field: Header);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problems.Write(Context, StatusCodes.Status403Forbidden, "Forbidden", "this API key's roles do not allow this request");
}

public static class ActorExtensions
{
    public static Ordo.Core.Orders.Actor ToActor(this ClaimsPrincipal user) =>
        new(Ordo.Core.Orders.ActorKind.ApiKey, $"{user.FindFirstValue(ClaimTypes.Name)}#{user.FindFirstValue(ClaimTypes.NameIdentifier)}");
}
