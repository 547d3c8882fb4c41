using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Ordo.Server.Security;
using Ordo.Server.Security.Users;

namespace Ordo.Server.Console.Pages.Account;

/// <summary>
/// Sign-in with e-mail and password (lockout after 5 failures for 15 minutes). On success the user's language becomes
/// the culture cookie; a user with a one-time password goes to the account page to change it; with TOTP on, to /login/2fa.
/// </summary>
[AllowAnonymous]
public sealed class LoginModel(SignInManager<OrdoUser> signIn, AuditTrail audit, TimeProvider clock, IStringLocalizer<Resources.Account> text) : PageModel
{
    public string? Email { get; private set; }
    public string ReturnUrl { get; private set; } = "/";
    public string? Error { get; private set; }
    /// <summary><c>invalid</c>, <c>locked</c> or <c>disabled</c>, for tests and styling.</summary>
    public string? ErrorReason { get; private set; }
    public bool SignedOut { get; private set; }

    public IActionResult OnGet(string? returnUrl, bool signedOut = false)
    {
        ReturnUrl = LocalOrHome(returnUrl);
        SignedOut = signedOut;
        if (User.Identity?.IsAuthenticated == true && User.Identity.AuthenticationType != ApiKeyAuthenticationHandler.SchemeName)
            return LocalRedirect(ReturnUrl);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string? email, string? password, string? returnUrl)
    {
        Email = email?.Trim();
        ReturnUrl = LocalOrHome(returnUrl);
        if (string.IsNullOrEmpty(Email) || string.IsNullOrEmpty(password)) return Fail("invalid", text["SignIn_Invalid"]);

        var user = await signIn.UserManager.FindByEmailAsync(Email);
        var result = await signIn.PasswordSignInAsync(Email, password, isPersistent: false, lockoutOnFailure: true);
        var actor = $"user:{user?.Email ?? Email}";
        var ip = HttpContext.Connection.RemoteIpAddress?.ToString();
        if (result.Succeeded)
        {
            await audit.RecordAsync(actor, AuditTrail.Actions.Login, AuditTrail.Outcomes.Ok, user!.Email, ip, new { factor = "password" });
            return SignedIn(user);
        }
        if (result.RequiresTwoFactor)
            return RedirectToPage("/Account/TwoFactor", new { returnUrl = ReturnUrl });
        if (result.IsLockedOut)
        {
            // Read again: this attempt may be the one that started the lockout.
            var until = (await signIn.UserManager.FindByEmailAsync(Email))?.LockoutEnd;
            await audit.RecordAsync(actor, AuditTrail.Actions.Login, AuditTrail.Outcomes.Denied, user?.Email ?? Email, ip, new { reason = "locked out", until });
            var minutes = until is { } end ? (int)Math.Ceiling((end - clock.GetUtcNow()).TotalMinutes) : 15;
            return Fail("locked", text["SignIn_LockedOut", Math.Max(1, minutes)]);
        }
        if (result.IsNotAllowed)
        {
            await audit.RecordAsync(actor, AuditTrail.Actions.Login, AuditTrail.Outcomes.Denied, user?.Email ?? Email, ip, new { reason = "disabled" });
            return Fail("disabled", text["SignIn_Disabled"]);
        }
        await audit.RecordAsync(actor, AuditTrail.Actions.Login, AuditTrail.Outcomes.Failed, user?.Email ?? Email, ip,
            new { reason = user is null ? "unknown user" : "wrong password", failures = user?.AccessFailedCount });
        return Fail("invalid", text["SignIn_Invalid"]);
    }

    private PageResult Fail(string reason, string message)
    {
        ErrorReason = reason;
        Error = message;
        return Page();
    }

    private IActionResult SignedIn(OrdoUser user)
    {
        ApplyPreferences(Response, Request, user);
        return user.MustChangePassword ? Redirect(MustChangePasswordFilter.AccountPage + "?mustChange=1") : LocalRedirect(ReturnUrl);
    }

    /// <summary>The user's saved language becomes the culture cookie (the console reads it first).</summary>
    internal static void ApplyPreferences(HttpResponse response, HttpRequest request, OrdoUser user) =>
        response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(user.Culture)),
            new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, HttpOnly = true, SameSite = SameSiteMode.Lax, Secure = request.IsHttps });

    internal string LocalOrHome(string? returnUrl) => !string.IsNullOrEmpty(returnUrl) && Url.IsLocalUrl(returnUrl) ? returnUrl : "/";
}
