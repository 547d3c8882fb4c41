using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Ordo.Data;
using Ordo.Data.Catalogue;
using Ordo.Server.Channels;
using Ordo.Server.Features.Catalogue;
using Ordo.Server.Security;

namespace Ordo.Server.Console.Pages.Shops;

/// <summary>
/// /shops/new and /shops/{code}: connect a new shop or change an existing shop's connection, through the API's own
/// code. Secrets (app secret, access token) are write-only: the form shows whether one is set, never its value, and an
/// empty field keeps the stored one.
/// </summary>
[Authorize(Policy = Permissions.CatalogueWrite)]
public sealed class EditModel(OrdoDatabase db, SecretBox secrets, ShopDirectory directory, TimeProvider clock) : PageModel
{
    /// <summary>The code in the address of the form for a new shop (/shops/new).</summary>
    public const string NewCode = "new";

    public Shop? Shop { get; private set; }
    public bool IsNew => Shop is null;
    public bool Saved => Request.Query["saved"] == "1";
    public OpsPageHelpers.Outcome? Result { get; private set; }

    [BindProperty] public string? Platform { get; set; }
    /// <summary>The new shop's code (form field <c>code</c>; the address's code is the route value, read with [FromRoute]).</summary>
    [BindProperty] public string? Code { get; set; }
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? AppKey { get; set; }
    [BindProperty] public string? AppSecret { get; set; }
    [BindProperty] public string? AccessToken { get; set; }
    [BindProperty] public string? ApiBaseUrl { get; set; }
    [BindProperty] public int? PullIntervalSeconds { get; set; }
    [BindProperty] public bool PushEnabled { get; set; }
    [BindProperty] public string? PlatformShopId { get; set; }

    public async Task<IActionResult> OnGetAsync([FromRoute] string code, CancellationToken ct)
    {
        if (code == NewCode) return Page();
        Shop = await db.ReadAsync(s => CatalogueStore.FindShopAsync(s, code), ct);
        if (Shop is null) return NotFound();
        (AppKey, ApiBaseUrl, PullIntervalSeconds, PushEnabled, PlatformShopId) = (Shop.AppKey, Shop.ApiBaseUrl, Shop.PullIntervalSeconds, Shop.PushEnabled, Shop.PlatformShopId);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync([FromRoute] string code, CancellationToken ct)
    {
        var connection = new Dictionary<string, object?>
        {
            ["appKey"] = AppKey, ["appSecret"] = AppSecret, ["accessToken"] = AccessToken, ["apiBaseUrl"] = ApiBaseUrl,
            ["pullIntervalSeconds"] = PullIntervalSeconds, ["platformShopId"] = PlatformShopId,
        };
        IResult result;
        var isNew = code == NewCode;
        if (isNew)
        {
            if (PushEnabled) connection["pushEnabled"] = true;
            connection["platform"] = Platform;
            connection["code"] = Code;
            connection["name"] = Name;
            result = await CatalogueEndpoints.CreateShopAsync(OpsPageHelpers.Body(connection), db, secrets, clock, ct);
        }
        else
        {
            connection["pushEnabled"] = PushEnabled;   // a checkbox: unticked means off
            result = await CatalogueEndpoints.ConnectShopAsync(code, OpsPageHelpers.Body(connection), db, secrets, directory, clock, ct);
        }
        Result = OpsPageHelpers.OutcomeOf(result);
        if (Result.Ok) return Redirect("/shops/" + Uri.EscapeDataString(isNew ? Code! : code) + "?saved=1");
        if (!isNew) Shop = await db.ReadAsync(s => CatalogueStore.FindShopAsync(s, code), ct);
        Response.StatusCode = Result.Status;
        return Page();
    }
}
