using System.Security.Claims;

namespace Ordo.Server.Security.Users;

/// <summary>A fresh check of a signed-in user's second factor (a current TOTP code), asked before an export.</summary>
public interface ISecondFactorCheck
{
    /// <summary>False when the code is wrong or the user has no second factor.</summary>
    Task<bool> VerifyAsync(ClaimsPrincipal user, string code, CancellationToken ct);
}
