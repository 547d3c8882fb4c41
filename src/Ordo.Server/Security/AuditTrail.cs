using System.Security.Claims;
using System.Text.Json;
using Ordo.Data;
using Ordo.Data.Security;

namespace Ordo.Server.Security;

/// <summary>
/// Writes the audit log (issue 5): unmasked views of personal data, exports, decryptions, sign-ins, permission changes
/// and denied attempts. Each entry is written in its own short transaction before the answer goes out, so an access
/// that was served is always on record.
/// </summary>
public sealed class AuditTrail(OrdoDatabase database, TimeProvider clock)
{
    public static class Actions
    {
        public const string PersonalDataView = "pii.view";
        public const string PersonalDataDecrypt = "pii.decrypt";
        /// <summary>A re-encryption of personal data with the active key was asked for.</summary>
        public const string PersonalDataRotate = "pii.rotate";
        public const string Export = "orders.export";
        public const string Login = "login";
        public const string Logout = "logout";
        public const string TwoFactor = "login.2fa";
        public const string UserAdded = "users.add";
        public const string RolesChanged = "users.roles";
        public const string PasswordReset = "users.reset";
        public const string KeyCreated = "keys.add";
        public const string KeyRevoked = "keys.revoke";
        public const string Denied = "access.denied";
    }

    public static class Outcomes
    {
        public const string Ok = "ok";
        public const string Denied = "denied";
        public const string Failed = "failed";
    }

    /// <summary><c>user:&lt;email&gt;</c> for a signed-in person, <c>key:&lt;name&gt;#&lt;id&gt;</c> for an API key, else <c>anonymous</c>.</summary>
    public static string ActorOf(ClaimsPrincipal? user)
    {
        if (user?.Identity is not { IsAuthenticated: true } identity) return "anonymous";
        var name = user.FindFirstValue(ClaimTypes.Name) ?? "?";
        return identity.AuthenticationType == ApiKeyAuthenticationHandler.SchemeName
            ? $"key:{name}#{user.FindFirstValue(ClaimTypes.NameIdentifier)}"
            : $"user:{name}";
    }

    public Task RecordAsync(HttpContext http, string action, string outcome, string? target, object? detail = null) =>
        RecordAsync(ActorOf(http.User), action, outcome, target, http.Connection.RemoteIpAddress?.ToString(), detail);

    /// <summary>Not cancellable: an access that happened is recorded even if the client went away.</summary>
    public Task RecordAsync(string actor, string action, string outcome, string? target, string? ip, object? detail)
    {
        var json = detail switch
        {
            null => "{}",
            string s => s,
            _ => JsonSerializer.Serialize(detail, DetailJson),
        };
        return database.WriteAsync(s => AuditStore.AppendAsync(s, clock.GetUtcNow(), actor, action, outcome, target, ip, json), CancellationToken.None);
    }

    private static readonly JsonSerializerOptions DetailJson = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
