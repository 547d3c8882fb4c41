using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Ordo.Server.Security.Users;

/// <summary>A fresh second-factor check (exports ask for one): the user's current authenticator code.</summary>
public interface ISecondFactorCheck
{
    /// <summary>True when <paramref name="code"/> is the signed-in user's current TOTP code; false when it is wrong, or the user (or API key) has no second factor.</summary>
    Task<bool> VerifyAsync(ClaimsPrincipal user, string code, CancellationToken ct);
}

/// <summary><see cref="ISecondFactorCheck"/> with Identity's authenticator token provider (RFC 6238, 30-second steps).</summary>
public sealed class AuthenticatorSecondFactorCheck(UserManager<OrdoUser> users) : ISecondFactorCheck
{
    public async Task<bool> VerifyAsync(ClaimsPrincipal user, string code, CancellationToken ct)
    {
        if (user.Identity?.AuthenticationType == ApiKeyAuthenticationHandler.SchemeName || string.IsNullOrWhiteSpace(code)) return false;
        if (await users.GetUserAsync(user) is not { } account || account.DisabledAt is not null) return false;
        if (!account.TwoFactorEnabled || string.IsNullOrEmpty(account.AuthenticatorKey)) return false;
        var digits = code.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        return await users.VerifyTwoFactorTokenAsync(account, users.Options.Tokens.AuthenticatorTokenProvider, digits);
    }
}

/// <summary>
/// While a user signs in with a one-time or reset password, every console page but the account page (where the
/// password is changed), sign-out and the sign-in pages sends them to the account page.
/// </summary>
public sealed class MustChangePasswordFilter : IAsyncPageFilter
{
    public const string AccountPage = "/account";

    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var http = context.HttpContext;
        var path = http.Request.Path;
        if (http.User.HasClaim(OrdoClaims.MustChangePassword, "true")
            && !path.StartsWithSegments(AccountPage) && !path.StartsWithSegments(UsersSetup.LogoutPath) && !path.StartsWithSegments(UsersSetup.LoginPath))
        {
            context.Result = new Microsoft.AspNetCore.Mvc.RedirectResult(AccountPage + "?mustChange=1");
            return;
        }
        await next();
    }
}
