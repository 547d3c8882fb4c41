using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ordo.Cli.Users;

/// <summary>
/// <c>ordo users add|reset|list</c> through Ordo's API (<c>/api/v1/users</c>, permission users:manage). A password given
/// as <c>-</c> is read from standard input, so that it stays out of the shell's history and the process list. A password
/// Ordo makes is printed once; the user must change it at the first sign-in.
/// Exit codes: 0 done; 1 Ordo failed (5xx); 2 refused (the server's reason is printed), bad usage or Ordo unreachable.
/// </summary>
public sealed class UserAdmin(HttpClient http, TextWriter output, TextWriter error, TextReader input)
{
    public const int Done = AdminRequests.Done, ServerFailed = AdminRequests.ServerFailed, Refused = AdminRequests.Refused;

    /// <summary>Adds a user; <paramref name="password"/> null with <paramref name="generate"/> lets Ordo make one.</summary>
    public async Task<int> AddAsync(string email, string? password, bool generate, string? roles, string? displayName, CancellationToken ct)
    {
        if ((password is null) == !generate)
        {
            error.WriteLine("ordo users add: give either --password or --generate");
            return Refused;
        }
        var roleList = (roles ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (roleList.Length == 0)
        {
            error.WriteLine("ordo users add: --roles is required (e.g. --roles operations,finance)");
            return Refused;
        }
        var body = new JsonObject { ["email"] = email, ["roles"] = new JsonArray([.. roleList.Select(r => JsonValue.Create(r))]) };
        if (password is not null)
        {
            if (ReadPassword(password, "add") is not { } given) return Refused;
            body["password"] = given;
        }
        if (displayName is not null) body["displayName"] = displayName;
        var (status, answer) = await SendAsync("add", () => http.PostAsJsonAsync("api/v1/users", body, ct), ct);
        if (status != Done) return status;
        var user = answer!["user"] ?? answer;
        var line = $"User {user["email"]} added ({Roles(user)})";
        output.WriteLine(answer["password"] is { } made
            ? $"{line}; password (shown once): {made}; it must be changed at the first sign-in"
            : $"{line}; the password must be changed at the first sign-in");
        return Done;
    }

    /// <summary>Resets the password to the one given, or to one Ordo makes (printed once).</summary>
    public async Task<int> ResetAsync(string email, string? password, CancellationToken ct)
    {
        var body = new JsonObject();
        if (password is not null)
        {
            if (ReadPassword(password, "reset") is not { } given) return Refused;
            body["password"] = given;
        }
        var (status, answer) = await SendAsync("reset", () => http.PostAsJsonAsync($"api/v1/users/{Uri.EscapeDataString(email)}/password", body, ct), ct);
        if (status != Done) return status;
        var user = answer!["user"] ?? answer;
        output.WriteLine(answer["password"] is { } made
            ? $"Password of {user["email"]} reset (shown once): {made}; it must be changed at the next sign-in"
            : $"Password of {user["email"]} reset; it must be changed at the next sign-in");
        return Done;
    }

    public async Task<int> ListAsync(CancellationToken ct)
    {
        var (status, body) = await SendAsync("list", () => http.GetAsync("api/v1/users", ct), ct);
        if (status != Done) return status;
        var users = body!["items"]!.AsArray();
        if (users.Count == 0)
        {
            output.WriteLine("No users yet: ordo users add --email <email> --generate --roles <roles>");
            return Done;
        }
        output.WriteLine($"{"EMAIL",-32} {"ROLES",-30} {"2FA",-4} {"STATUS",-22} NAME");
        foreach (var user in users)
        {
            var state = user!["disabledAt"] is not null ? "disabled"
                : user["lockedOutUntil"] is { } until ? $"locked until {until.GetValue<DateTimeOffset>().UtcDateTime:HH:mm}Z"
                : user["mustChangePassword"]!.GetValue<bool>() ? "must change password"
                : "active";
            output.WriteLine($"{user["email"],-32} {Roles(user),-30} {(user["twoFactorEnabled"]!.GetValue<bool>() ? "on" : "off"),-4} {state,-22} {user["displayName"]?.GetValue<string>() ?? "-"}");
        }
        return Done;
    }

    private static string Roles(JsonNode user) => string.Join(",", user["roles"]!.AsArray().Select(r => r!.GetValue<string>()));

    private string? ReadPassword(string password, string command)
    {
        var given = password == "-" ? input.ReadLine() : password;
        if (string.IsNullOrEmpty(given))
        {
            error.WriteLine($"ordo users {command}: --password - reads the password from standard input, but it gave none");
            return null;
        }
        return given;
    }

    private Task<(int Status, JsonNode? Body)> SendAsync(string command, Func<Task<HttpResponseMessage>> send, CancellationToken ct) =>
        AdminRequests.SendAsync(http, error, "ordo users " + command, send, ct);
}
