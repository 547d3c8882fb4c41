using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Ordo.Server.Security;
using Ordo.Server.Security.Users;

namespace Ordo.Server.Console.Pages;

/// <summary>
/// The language switch: stores the chosen culture in the culture cookie and goes back to the page. For a signed-in
/// person it is also their saved preference (as on the account page), so the choice follows them to another browser.
/// </summary>
[AllowAnonymous]
public sealed class CultureModel : PageModel
{
    public IActionResult OnGet() => LocalRedirect("/");

    public async Task<IActionResult> OnPostAsync(string? culture, string? returnUrl,
        [FromServices] UserManager<OrdoUser> users, [FromServices] SignInManager<OrdoUser> signIn)
    {
        var chosen = ConsoleSetup.Cultures.FirstOrDefault(c => string.Equals(c.Name, culture, StringComparison.OrdinalIgnoreCase))?.Name
                     ?? ConsoleSetup.DefaultCulture;
        Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(chosen)),
            new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, HttpOnly = true, SameSite = SameSiteMode.Lax, Secure = Request.IsHttps });
        if (User.Identity is { IsAuthenticated: true, AuthenticationType: not ApiKeyAuthenticationHandler.SchemeName }
            && UserPreferences.IsCulture(chosen)
            && await users.GetUserAsync(User) is { } account && account.Culture != chosen)
        {
            account.Culture = chosen;
            await users.UpdateAsync(account);
            await signIn.RefreshSignInAsync(account);   // the session's ordo:culture claim follows
        }
        return LocalRedirect(Url.IsLocalUrl(returnUrl) ? returnUrl : "/");
    }
}
