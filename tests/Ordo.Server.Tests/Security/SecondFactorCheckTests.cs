using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Ordo.Server.Security;
using Ordo.Server.Security.Users;
using Ordo.Server.Tests.Infrastructure;
using Shouldly;

namespace Ordo.Server.Tests.Security;

/// <summary><see cref="ISecondFactorCheck"/>: true only for the signed-in user's current authenticator code.</summary>
public abstract class SecondFactorCheckTests(OrdoHost host)
{
    private OrdoHost Host { get { host.EnsureAvailable(); return host; } }

    [Fact]
    public async Task Only_the_current_code_of_a_user_with_an_authenticator_passes()
    {
        var email = $"2fa-{Guid.NewGuid():N}"[..16] + "@ordo.test";
        (await Host.Client.PostAsJsonAsync("/api/v1/users", new { email, password = "a good password", roles = new[] { "operations" } })).StatusCode.ShouldBe(HttpStatusCode.Created);

        using var scope = Host.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<OrdoUser>>();
        var factory = scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<OrdoUser>>();
        var check = scope.ServiceProvider.GetRequiredService<ISecondFactorCheck>();
        var ct = TestContext.Current.CancellationToken;

        var user = (await users.FindByEmailAsync(email))!;
        var principal = await factory.CreateAsync(user);
        principal.FindFirstValue(ClaimTypes.Name).ShouldBe(email);
        principal.FindFirstValue(ClaimTypes.NameIdentifier).ShouldBe(user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        principal.FindAll(ClaimTypes.Role).Select(c => c.Value).ShouldBe(["operations"]);
        (principal.FindFirstValue(OrdoClaims.Culture), principal.FindFirstValue(OrdoClaims.TimeZone)).ShouldBe(("zh-CN", "Asia/Shanghai"));

        (await check.VerifyAsync(principal, "123456", ct)).ShouldBeFalse("no second factor yet");

        await users.ResetAuthenticatorKeyAsync(user);
        await users.SetTwoFactorEnabledAsync(user, true);
        var key = (await users.GetAuthenticatorKeyAsync(user))!;
        var code = SignIn.Totp(key);
        (await check.VerifyAsync(principal, code, ct)).ShouldBeTrue();
        (await check.VerifyAsync(principal, code, ct)).ShouldBeFalse("a code is accepted once");
        (await check.VerifyAsync(principal, SignIn.Totp(key, DateTimeOffset.UtcNow.AddSeconds(30)), ct)).ShouldBeTrue("the next code");
        (await check.VerifyAsync(principal, SignIn.Totp(key, DateTimeOffset.UtcNow.AddMinutes(-10)), ct)).ShouldBeFalse("an old code");
        (await check.VerifyAsync(principal, "", ct)).ShouldBeFalse();

        var apiKey = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, email), new Claim(ClaimTypes.NameIdentifier, user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))],
            ApiKeyAuthenticationHandler.SchemeName));
        (await check.VerifyAsync(apiKey, SignIn.Totp(key), ct)).ShouldBeFalse("an API key has no second factor");
    }
}

public sealed class SecondFactorCheckTestsOnSqlite(SqliteHost host) : SecondFactorCheckTests(host), IClassFixture<SqliteHost>;
public sealed class SecondFactorCheckTestsOnPostgres(PostgresHost host) : SecondFactorCheckTests(host), IClassFixture<PostgresHost>;
