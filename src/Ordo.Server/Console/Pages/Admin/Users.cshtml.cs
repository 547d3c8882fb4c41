using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Ordo.Data.Security;
using Ordo.Server.Security;
using Ordo.Server.Security.Users;

namespace Ordo.Server.Console.Pages.Admin;

/// <summary>User administration (users:manage): list, add, change roles, reset the password, unlock, disable. The same rules and audit as the users API.</summary>
[Authorize(Policy = Permissions.UsersManage)]
public sealed class UsersModel(UserAccounts accounts, TimeProvider clock, IStringLocalizer<Resources.Account> text) : PageModel
{
    public IReadOnlyList<UserRecord> Users { get; private set; } = [];
    public DateTimeOffset Now { get; private set; }
    public string? Message { get; private set; }
    public string? Error { get; private set; }
    /// <summary>A password Ordo made, shown once with the user it belongs to.</summary>
    public (string Email, string Password)? Generated { get; private set; }

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostAddAsync(string? email, string? displayName, string[]? roles, string? password)
    {
        var (user, generated, problem) = await accounts.AddAsync(new NewUser(email, string.IsNullOrEmpty(password) ? null : password, roles ?? [], displayName), HttpContext);
        if (problem is not null) return await FailAsync(problem);
        Message = text["Users_Added", user!.Email];
        if (generated is not null) Generated = (user.Email, generated);
        return await LoadPageAsync();
    }

    public async Task<IActionResult> OnPostRolesAsync(string email, string[]? roles)
    {
        var (user, problem) = await accounts.SetRolesAsync(email, roles ?? [], HttpContext);
        if (problem is not null) return await FailAsync(problem);
        Message = text["Users_RolesChanged", user!.Email];
        return await LoadPageAsync();
    }

    public async Task<IActionResult> OnPostResetAsync(string email)
    {
        var (user, generated, problem) = await accounts.ResetPasswordAsync(email, null, HttpContext);
        if (problem is not null) return await FailAsync(problem);
        Message = text["Users_Reset", user!.Email];
        Generated = (user.Email, generated!);
        return await LoadPageAsync();
    }

    public async Task<IActionResult> OnPostUnlockAsync(string email)
    {
        var (user, problem) = await accounts.UnlockAsync(email, HttpContext);
        if (problem is not null) return await FailAsync(problem);
        Message = text["Users_Unlocked", user!.Email];
        return await LoadPageAsync();
    }

    public async Task<IActionResult> OnPostDisableAsync(string email)
    {
        var (user, problem) = await accounts.DisableAsync(email, HttpContext);
        if (problem is not null) return await FailAsync(problem);
        Message = text["Users_Disabled", user!.Email];
        return await LoadPageAsync();
    }

    private async Task LoadAsync()
    {
        Now = clock.GetUtcNow();
        Users = await accounts.ListAsync(HttpContext.RequestAborted);
    }

    private async Task<IActionResult> LoadPageAsync()
    {
        await LoadAsync();
        return Page();
    }

    private async Task<IActionResult> FailAsync(AccountProblem problem)
    {
        Error = problem.Detail;
        Response.StatusCode = problem.Status;
        return await LoadPageAsync();
    }
}
