namespace Ordo.Server.Security.Users;

/// <summary>
/// The user administration API (permission users:manage): add, list, read, change roles, reset the password, unlock,
/// disable. A password Ordo makes is in the answer once and never again.
/// </summary>
public static class UserEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var users = api.MapGroup("/users").RequireAuthorization(Permissions.UsersManage);

        users.MapPost("", async (HttpContext http, UserAccounts accounts, TimeProvider clock, CancellationToken ct) =>
        {
            var (body, problem) = await RequestBody.ReadObjectAsync(http.Request, ct);
            if (problem is not null) return problem;
            if (!TryPassword(body, out var password)) return Problems.Result(422, "Invalid user request", "password must be a string", "password");
            var request = new NewUser(body.String("email"), password, body.StringArray("roles"),
                body.String("displayName"), body.String("culture"), body.String("timeZone"));
            var (user, generated, refused) = await accounts.AddAsync(request, http);
            if (refused is not null) return refused.ToResult();
            return Results.Json(WithPassword(UserAccounts.View(user!, clock.GetUtcNow()), generated), ApiJson.Options, statusCode: 201);
        }).WithName("AddUser").WithSummary("Add a console user with roles (password given, or made and returned once)");

        users.MapGet("", async (UserAccounts accounts, TimeProvider clock, CancellationToken ct) =>
        {
            var now = clock.GetUtcNow();
            return Results.Json(new { items = (await accounts.ListAsync(ct)).Select(u => UserAccounts.View(u, now)) }, ApiJson.Options);
        }).WithName("ListUsers").WithSummary("List the console users, disabled ones too");

        users.MapGet("/{email}", async (string email, UserAccounts accounts, TimeProvider clock) =>
            await accounts.FindAsync(email) is { } user
                ? Results.Json(UserAccounts.View(user, clock.GetUtcNow()), ApiJson.Options)
                : Problems.NotFound($"no user with e-mail {email}"))
            .WithName("GetUser").WithSummary("One console user");

        users.MapPut("/{email}/roles", async (string email, HttpContext http, UserAccounts accounts, TimeProvider clock, CancellationToken ct) =>
        {
            var (body, problem) = await RequestBody.ReadObjectAsync(http.Request, ct);
            if (problem is not null) return problem;
            var (user, refused) = await accounts.SetRolesAsync(email, body.StringArray("roles"), http);
            return refused is not null ? refused.ToResult() : Results.Json(UserAccounts.View(user!, clock.GetUtcNow()), ApiJson.Options);
        }).WithName("SetUserRoles").WithSummary("Replace a user's roles (audited)");

        users.MapPost("/{email}/password", async (string email, HttpContext http, UserAccounts accounts, TimeProvider clock, CancellationToken ct) =>
        {
            var (body, problem) = await RequestBody.ReadObjectAsync(http.Request, ct, optional: true);
            if (problem is not null) return problem;
            if (!TryPassword(body, out var given)) return Problems.Result(422, "Invalid user request", "password must be a string", "password");
            var (user, generated, refused) = await accounts.ResetPasswordAsync(email, given, http);
            return refused is not null ? refused.ToResult() : Results.Json(WithPassword(UserAccounts.View(user!, clock.GetUtcNow()), generated), ApiJson.Options);
        }).WithName("ResetUserPassword").WithSummary("Reset a user's password (given, or made and returned once); it must be changed at the next sign-in");

        users.MapPost("/{email}/unlock", async (string email, HttpContext http, UserAccounts accounts, TimeProvider clock) =>
        {
            var (user, refused) = await accounts.UnlockAsync(email, http);
            return refused is not null ? refused.ToResult() : Results.Json(UserAccounts.View(user!, clock.GetUtcNow()), ApiJson.Options);
        }).WithName("UnlockUser").WithSummary("End a user's lockout after failed sign-ins");

        users.MapDelete("/{email}", async (string email, HttpContext http, UserAccounts accounts) =>
        {
            var (_, refused) = await accounts.DisableAsync(email, http);
            return refused is not null ? refused.ToResult() : Results.NoContent();
        }).WithName("DisableUser").WithSummary("Disable a user (kept for the audit log; their sessions end within a minute)");
    }

    /// <summary>The password as sent (not trimmed: spaces count); false when it is there but not a string.</summary>
    private static bool TryPassword(System.Text.Json.JsonElement body, out string? password)
    {
        password = null;
        if (!body.TryGetProperty("password", out var e) || e.ValueKind == System.Text.Json.JsonValueKind.Null) return true;
        if (e.ValueKind != System.Text.Json.JsonValueKind.String) return false;
        password = e.GetString();
        return true;
    }

    private static object WithPassword(object view, string? generated) => generated is null
        ? view
        : new Dictionary<string, object?>
        {
            ["user"] = view,
            ["password"] = generated,
            ["note"] = "give this password to the user now: Ordo keeps only its hash and cannot show it again; it must be changed at the first sign-in",
        };
}
