using Ordo.Data;
using Ordo.Data.Security;
using Ordo.Server.Security;

namespace Ordo.Server.Features.ApiKeys;

/// <summary>POST /api/v1/api-keys (the key is shown once), GET /api/v1/api-keys, DELETE /api/v1/api-keys/{id} (revoke).</summary>
public static class ApiKeyEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/api-keys", async (HttpContext http, OrdoDatabase db, AuditTrail audit, TimeProvider clock, CancellationToken ct) =>
        {
            var (body, problem) = await RequestBody.ReadObjectAsync(http.Request, ct);
            if (problem is not null) return problem;
            var name = body.String("name");
            if (string.IsNullOrEmpty(name) || name.Length > 100) return Problems.Result(422, "Invalid API key request", "name is required (1 to 100 characters)", "name");
            var roles = body.StringArray("roles");
            if (roles is null || roles.Count == 0) return Problems.Result(422, "Invalid API key request", $"roles must be a non-empty array of: {string.Join(", ", Roles.All)}", "roles");
            if (roles.FirstOrDefault(r => !Roles.Exists(r)) is { } unknown)
                return Problems.Result(422, "Invalid API key request", $"unknown role '{unknown}'; roles are: {string.Join(", ", Roles.All)}", "roles");
            var key = ApiKeyFormat.NewKey();
            var id = await db.WriteAsync(s => ApiKeyStore.AddAsync(s, name, ApiKeyFormat.Prefix(key), ApiKeyFormat.Hash(key), roles.Distinct().ToList(), clock.GetUtcNow()), ct);
            await audit.RecordAsync(http, AuditTrail.Actions.KeyCreated, AuditTrail.Outcomes.Ok, $"key:{name}#{id}", new { roles });
            return Results.Json(new { id, name, roles, key, note = "store this key now: Ordo keeps only its hash and cannot show it again" }, ApiJson.Options, statusCode: 201);
        })
        .RequireAuthorization(Permissions.KeysManage).WithName("CreateApiKey");

        api.MapGet("/api-keys", async (OrdoDatabase db, CancellationToken ct) =>
            Results.Json(new { items = await db.ReadAsync(ApiKeyStore.ListAsync, ct) }, ApiJson.Options))
        .RequireAuthorization(Permissions.KeysManage).WithName("ListApiKeys");

        api.MapDelete("/api-keys/{id:long}", async (long id, HttpContext http, OrdoDatabase db, AuditTrail audit, TimeProvider clock, CancellationToken ct) =>
        {
            var revoked = await db.WriteAsync(s => ApiKeyStore.RevokeAsync(s, id, clock.GetUtcNow()), ct);
            ApiKeyAuthenticationHandler.Forget();
            if (revoked > 0) await audit.RecordAsync(http, AuditTrail.Actions.KeyRevoked, AuditTrail.Outcomes.Ok, $"key:#{id}");
            return revoked == 0 ? Problems.NotFound($"no active API key {id}") : Results.NoContent();
        })
        .RequireAuthorization(Permissions.KeysManage).WithName("RevokeApiKey");
    }
}
