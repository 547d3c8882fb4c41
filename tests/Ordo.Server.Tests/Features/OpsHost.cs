using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Ordo.Server.Security;
using Ordo.Server.Security.Users;
using Ordo.Server.Tests.Infrastructure;

namespace Ordo.Server.Tests.Features;

/// <summary>
/// A host where tests can also act as a signed-in person (not an API key): a request with <c>X-Test-User: email</c>
/// and <c>X-Test-Roles: role,role</c> is such a user; anything else goes to the API-key handler as in production.
/// The second factor accepts <see cref="GoodCode"/> for users without <c>X-Test-No-2fa</c>. Export limits are small
/// for customer service so that a test can go over one.
/// </summary>
public class OpsHost(Db kind) : OrdoHost(kind)
{
    public const string GoodCode = "246810";
    public const int CustomerServiceLimit = 3;

    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
        [new("Ordo:Exports:MaxRows:customer-service", CustomerServiceLimit.ToString())];

    protected override void ConfigureWebHost(IWebHostBuilder builder) => builder.ConfigureTestServices(services =>
    {
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, TestUserHandler>(TestUserHandler.SchemeName, null)
            .AddPolicyScheme("TestOrKey", null, o => o.ForwardDefaultSelector = ctx =>
                ctx.Request.Headers.ContainsKey(TestUserHandler.Header) ? TestUserHandler.SchemeName : ApiKeyAuthenticationHandler.SchemeName);
        services.PostConfigure<AuthenticationOptions>(o =>
        {
            o.DefaultScheme = o.DefaultAuthenticateScheme = o.DefaultChallengeScheme = o.DefaultForbidScheme = "TestOrKey";
        });
        services.AddScoped<ISecondFactorCheck, TestSecondFactor>();   // scoped, as the real check is
    });

    /// <summary>A client acting as a signed-in user with <paramref name="roles"/>.</summary>
    public HttpClient UserClient(string email, string roles, bool secondFactor = true, string? timeZone = null)
    {
        var client = NewClient(null, followRedirects: false);
        client.DefaultRequestHeaders.Add(TestUserHandler.Header, email);
        client.DefaultRequestHeaders.Add("X-Test-Roles", roles);
        if (!secondFactor) client.DefaultRequestHeaders.Add("X-Test-No-2fa", "1");
        if (timeZone is not null) client.DefaultRequestHeaders.Add("X-Test-Tz", timeZone);
        return client;
    }

    /// <summary>
    /// <see cref="UserClient"/> for API calls: a change made by a signed-in user (not an API key) carries the
    /// antiforgery token in the RequestVerificationToken header, as the console's scripts send it; the token is read
    /// from a console page, as the browser does.
    /// </summary>
    public async Task<HttpClient> ApiUserClientAsync(string email, string roles, bool secondFactor = true, string? timeZone = null)
    {
        var client = UserClient(email, roles, secondFactor, timeZone);
        var html = await client.GetStringAsync("/");
        var token = System.Text.RegularExpressions.Regex.Match(html, "name=\"ordo-antiforgery\" content=\"([^\"]+)\"").Groups[1].Value;
        client.DefaultRequestHeaders.Add("RequestVerificationToken", System.Net.WebUtility.HtmlDecode(token));
        return client;
    }

    private sealed class TestUserHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string SchemeName = "TestUser";
        public const string Header = "X-Test-User";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            var email = Request.Headers[Header].ToString();
            var claims = new List<Claim> { new(ClaimTypes.Name, email), new(ClaimTypes.NameIdentifier, "u-" + email) };
            claims.AddRange(Request.Headers["X-Test-Roles"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries).Select(r => new Claim(ClaimTypes.Role, r)));
            if (Request.Headers.ContainsKey("X-Test-No-2fa")) claims.Add(new Claim("test:no-2fa", "1"));
            if (Request.Headers["X-Test-Tz"].ToString() is { Length: > 0 } tz) claims.Add(new Claim("ordo:tz", tz));
            var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
        }
    }

    private sealed class TestSecondFactor : ISecondFactorCheck
    {
        public Task<bool> VerifyAsync(ClaimsPrincipal user, string code, CancellationToken ct) =>
            Task.FromResult(user.FindFirst("test:no-2fa") is null && code == GoodCode);
    }
}

public sealed class OpsSqliteHost() : OpsHost(Db.Sqlite);
public sealed class OpsPostgresHost() : OpsHost(Db.Postgres);
