using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Ordo.Server.Security;
using Ordo.Server.Security.Users;
using QRCoder;

namespace Ordo.Server.Console.Pages.Account;

/// <summary>
/// The signed-in user's own account: change the password (required after a one-time or reset password), turn the
/// authenticator (TOTP) on with a QR code and a confirming code (recovery codes shown once) or off, and choose the
/// language and time zone.
/// </summary>
[Authorize]
public sealed class IndexModel(
    UserManager<OrdoUser> users, SignInManager<OrdoUser> signIn, UserAccounts accounts, AuditTrail audit, IStringLocalizer<Resources.Account> text) : PageModel
{
    public static IReadOnlyList<string> TimeZones { get; } =
        ["Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei", "Asia/Singapore", "Asia/Tokyo", "Asia/Seoul", "Europe/London", "Europe/Berlin", "America/New_York", "America/Los_Angeles", "UTC"];

    public OrdoUser? Account { get; private set; }
    public bool MustChange { get; private set; }
    public string? Message { get; private set; }
    public string? Error { get; private set; }
    /// <summary>Which form the error belongs to: <c>password</c>, <c>totp</c> or <c>preferences</c>.</summary>
    public string? ErrorForm { get; private set; }
    /// <summary>The key to type into an authenticator app, in groups of four (while TOTP is off).</summary>
    public string? SharedKey { get; private set; }
    public string? QrSvg { get; private set; }
    public IReadOnlyList<string>? RecoveryCodes { get; private set; }

    public async Task<IActionResult> OnGetAsync(bool mustChange = false)
    {
        if (!await LoadAsync()) return Page();
        MustChange = mustChange || Account!.MustChangePassword;
        return Page();
    }

    public async Task<IActionResult> OnPostPasswordAsync(string? currentPassword, string? newPassword, string? confirmPassword)
    {
        if (!await LoadAsync()) return Page();
        if (newPassword != confirmPassword) return await FailAsync("password", text["Password_Mismatch"]);
        if (await accounts.ChangeOwnPasswordAsync(Account!, currentPassword ?? "", newPassword, HttpContext) is { } problem)
            return await FailAsync("password", problem.Field switch
            {
                "currentPassword" => text["Password_WrongCurrent"],
                "newPassword" => text["Password_Same"],
                _ => text["Password_TooShort", UsersSetup.MinPasswordLength],
            });
        await signIn.RefreshSignInAsync(Account!);
        Message = text["Password_Changed"];
        return await ReloadAsync();
    }

    public async Task<IActionResult> OnPostEnableTotpAsync(string? code)
    {
        if (!await LoadAsync()) return Page();
        var digits = (code ?? "").Replace(" ", "", StringComparison.Ordinal);
        if (!await users.VerifyTwoFactorTokenAsync(Account!, users.Options.Tokens.AuthenticatorTokenProvider, digits))
        {
            await audit.RecordAsync(HttpContext, UserAccounts.Actions.TwoFactorChanged, AuditTrail.Outcomes.Failed, Account!.Email, new { enable = true, reason = "wrong code" });
            return await FailAsync("totp", text["Totp_WrongCode"]);
        }
        await users.SetTwoFactorEnabledAsync(Account!, true);
        RecoveryCodes = [.. (await users.GenerateNewTwoFactorRecoveryCodesAsync(Account!, 10))!];
        await signIn.RefreshSignInAsync(Account!);
        await audit.RecordAsync(HttpContext, UserAccounts.Actions.TwoFactorChanged, AuditTrail.Outcomes.Ok, Account!.Email, new { enable = true });
        Message = text["Totp_Enabled"];
        return await ReloadAsync();
    }

    public async Task<IActionResult> OnPostDisableTotpAsync(string? code)
    {
        if (!await LoadAsync()) return Page();
        var digits = (code ?? "").Replace(" ", "", StringComparison.Ordinal);
        if (!await users.VerifyTwoFactorTokenAsync(Account!, users.Options.Tokens.AuthenticatorTokenProvider, digits))
            return await FailAsync("totp", text["Totp_WrongCode"]);
        await users.SetTwoFactorEnabledAsync(Account!, false);
        // A new key for the next enrolment; the old one (maybe on a lost phone) stops working.
        await users.ResetAuthenticatorKeyAsync(Account!);
        Account!.RecoveryCodeHashes.Clear();
        await users.UpdateAsync(Account!);
        await signIn.RefreshSignInAsync(Account!);
        await audit.RecordAsync(HttpContext, UserAccounts.Actions.TwoFactorChanged, AuditTrail.Outcomes.Ok, Account!.Email, new { enable = false });
        Message = text["Totp_Disabled"];
        return await ReloadAsync();
    }

    public async Task<IActionResult> OnPostPreferencesAsync(string? culture, string? timeZone)
    {
        if (!await LoadAsync()) return Page();
        if (!UserPreferences.IsCulture(culture) || !UserPreferences.IsTimeZone(timeZone)) return await FailAsync("preferences", text["Preferences_Invalid"]);
        Account!.Culture = culture!;
        Account.TimeZone = timeZone!;
        await users.UpdateAsync(Account);
        await signIn.RefreshSignInAsync(Account);
        LoginModel.ApplyPreferences(Response, Request, Account);
        // The new language applies from the next page: go there.
        return Redirect("/account?saved=1");
    }

    private async Task<bool> LoadAsync()
    {
        if (User.Identity?.AuthenticationType == ApiKeyAuthenticationHandler.SchemeName) return false;
        Account = await users.GetUserAsync(User);
        if (Account is null) return false;
        if (!Account.TwoFactorEnabled)
        {
            if (string.IsNullOrEmpty(Account.AuthenticatorKey))
            {
                await users.ResetAuthenticatorKeyAsync(Account);
                await signIn.RefreshSignInAsync(Account);   // the reset changed the security stamp
            }
            var key = Account.AuthenticatorKey!;
            SharedKey = string.Join(' ', key.Chunk(4).Select(c => new string(c))).ToLowerInvariant();
            var uri = $"otpauth://totp/{Uri.EscapeDataString("Ordo:" + Account.Email)}?secret={key}&issuer=Ordo&digits=6";
            using var generator = new QRCodeGenerator();
            using var data = generator.CreateQrCode(uri, QRCodeGenerator.ECCLevel.Q);
            QrSvg = new SvgQRCode(data).GetGraphic(4);
        }
        if (Request.Query.ContainsKey("saved")) Message ??= text["Preferences_Saved"];
        return true;
    }

    private async Task<IActionResult> ReloadAsync()
    {
        await LoadAsync();
        return Page();
    }

    private async Task<IActionResult> FailAsync(string form, string message)
    {
        (ErrorForm, Error) = (form, message);
        MustChange = Account?.MustChangePassword == true;
        return await ReloadAsync();
    }
}
