using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Ordo.Server.Security;
using Ordo.Server.Security.Users;

namespace Ordo.Server.Console.Pages.Account;

/// <summary>Sign-out (POST only, with the form's antiforgery token); a GET goes back to the console.</summary>
[AllowAnonymous]
public sealed class LogoutModel(SignInManager<OrdoUser> signIn, AuditTrail audit) : PageModel
{
    public IActionResult OnGet() => Redirect("/");

    public async Task<IActionResult> OnPostAsync()
    {
        if (User.Identity?.IsAuthenticated == true && User.Identity.AuthenticationType != ApiKeyAuthenticationHandler.SchemeName)
        {
            await audit.RecordAsync(HttpContext, AuditTrail.Actions.Logout, AuditTrail.Outcomes.Ok, User.Identity.Name);
            await signIn.SignOutAsync();
        }
        return Redirect("/login?signedOut=true");
    }
}
