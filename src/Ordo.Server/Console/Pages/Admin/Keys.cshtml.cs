using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Ordo.Data;
using Ordo.Data.Security;
using Ordo.Server.Security;

namespace Ordo.Server.Console.Pages.Admin;

/// <summary>API keys (keys:manage): list, create with roles (the key is shown once), revoke. Audited like the API-key endpoints.</summary>
[Authorize(Policy = Permissions.KeysManage)]
public sealed class KeysModel(OrdoDatabase database, AuditTrail audit, TimeProvider clock, IStringLocalizer<Resources.Account> text) : PageModel
{
    public IReadOnlyList<ApiKeyRecord> Keys { get; private set; } = [];
    public string? Message { get; private set; }
    public string? Error { get; private set; }
    public (string Name, string Key)? Created { get; private set; }

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostCreateAsync(string? name, string[]? roles)
    {
        name = name?.Trim();
        var chosen = (roles ?? []).Distinct(StringComparer.Ordinal).ToList();
        if (string.IsNullOrEmpty(name) || name.Length > 100) return await FailAsync(text["Keys_NameRequired"]);
        if (chosen.Count == 0 || chosen.Any(r => !Roles.Exists(r))) return await FailAsync(text["Keys_RolesRequired"]);
        var key = ApiKeyFormat.NewKey();
        var id = await database.WriteAsync(s => ApiKeyStore.AddAsync(s, name, ApiKeyFormat.Prefix(key), ApiKeyFormat.Hash(key), chosen, clock.GetUtcNow()), HttpContext.RequestAborted);
        await audit.RecordAsync(HttpContext, AuditTrail.Actions.KeyCreated, AuditTrail.Outcomes.Ok, $"key:{name}#{id}", new { roles = chosen });
        Created = (name, key);
        return await PageAsync();
    }

    public async Task<IActionResult> OnPostRevokeAsync(long id)
    {
        var revoked = await database.WriteAsync(s => ApiKeyStore.RevokeAsync(s, id, clock.GetUtcNow()), HttpContext.RequestAborted);
        ApiKeyAuthenticationHandler.Forget();
        if (revoked == 0) return await FailAsync(text["Keys_NotFound", id]);
        await audit.RecordAsync(HttpContext, AuditTrail.Actions.KeyRevoked, AuditTrail.Outcomes.Ok, $"key:#{id}");
        Message = text["Keys_Revoked", id];
        return await PageAsync();
    }

    private async Task LoadAsync() => Keys = await database.ReadAsync(ApiKeyStore.ListAsync, HttpContext.RequestAborted);

    private async Task<IActionResult> PageAsync()
    {
        await LoadAsync();
        return Page();
    }

    private async Task<IActionResult> FailAsync(string message)
    {
        Error = message;
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return await PageAsync();
    }
}
