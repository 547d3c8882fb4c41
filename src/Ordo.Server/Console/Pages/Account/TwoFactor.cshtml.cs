using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Ordo.Server.Security;
using Ordo.Server.Security.Users;

namespace Ordo.Server.Console.Pages.Account;

/// <summary>The second step of sign-in for users with TOTP: a code from the authenticator app, or a recovery code (used once).</summary>
[AllowAnonymous]
public sealed class TwoFactorModel(SignInManager<OrdoUser> signIn, AuditTrail audit, IStringLocalizer<Resources.Account> text) : PageModel
{
    public string ReturnUrl { get; private set; } = "/";
    public string? Error { get; private set; }
    public string? ErrorReason { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? returnUrl)
    {
        ReturnUrl = !string.IsNullOrEmpty(returnUrl) && Url.IsLocalUrl(returnUrl) ? returnUrl : "/";
        return await signIn.GetTwoFactorAuthenticationUserAsync() is null ? Redirect("/login") : Page();
    }

    public async Task<IActionResult> OnPostAsync(string? code, string? returnUrl)
    {
        ReturnUrl = !string.IsNullOrEmpty(returnUrl) && Url.IsLocalUrl(returnUrl) ? returnUrl : "/";
        if (await signIn.GetTwoFactorAuthenticationUserAsync() is not { } user) return Redirect("/login");
        var entered = (code ?? "").Replace(" ", "", StringComparison.Ordinal).Trim();
        // Authenticator codes are 6 digits; anything else is tried as a recovery code (XXXXX-XXXXX).
        var recovery = !(entered.Length == 6 && entered.All(char.IsAsciiDigit));
        var result = recovery
            ? await signIn.TwoFactorRecoveryCodeSignInAsync(entered)
            : await signIn.TwoFactorAuthenticatorSignInAsync(entered, isPersistent: false, rememberClient: false);
        var actor = $"user:{user.Email}";
        var ip = HttpContext.Connection.RemoteIpAddress?.ToString();
        var factor = recovery ? "recovery code" : "authenticator";
        if (result.Succeeded)
        {
            await audit.RecordAsync(actor, AuditTrail.Actions.TwoFactor, AuditTrail.Outcomes.Ok, user.Email, ip, new { factor });
            await audit.RecordAsync(actor, AuditTrail.Actions.Login, AuditTrail.Outcomes.Ok, user.Email, ip, new { factor = "password+" + factor });
            LoginModel.ApplyPreferences(Response, Request, user);
            return user.MustChangePassword ? Redirect(MustChangePasswordFilter.AccountPage + "?mustChange=1") : LocalRedirect(ReturnUrl);
        }
        if (result.IsLockedOut)
        {
            await audit.RecordAsync(actor, AuditTrail.Actions.TwoFactor, AuditTrail.Outcomes.Denied, user.Email, ip, new { factor, reason = "locked out" });
            (ErrorReason, Error) = ("locked", text["SignIn_LockedOut", 15]);
            return Page();
        }
        await audit.RecordAsync(actor, AuditTrail.Actions.TwoFactor, AuditTrail.Outcomes.Failed, user.Email, ip, new { factor });
        (ErrorReason, Error) = ("invalid", text["TwoFactor_Invalid"]);
        return Page();
    }
}
