using Ordo.Data;
using Ordo.Data.Privacy;
using Ordo.Server.Jobs;

namespace Ordo.Server.Security.PersonalData;

/// <summary>
/// Encryption at rest as a feature: the key ring on the database, the rotation job and its starter, and the admin
/// endpoints POST /api/v1/personal-data/rotate (queue a re-encryption now) and GET /api/v1/personal-data/status
/// (rows per table and key), both for pii:full.
/// </summary>
public static class PersonalDataFeature
{
    public static IServiceCollection AddPersonalData(this IServiceCollection services)
    {
        services.AddSingleton<PersonalDataMetrics>();
        services.AddExceptionHandler<PersonalDataExceptionHandler>();
        services.AddSingleton<IJobHandler, PersonalDataRotation>();
        services.AddSingleton<PersonalDataRotationStarter>();
        services.AddHostedService(sp => sp.GetRequiredService<PersonalDataRotationStarter>());
        return services;
    }

    /// <summary>Hangs the keys from configuration (or the key file) on a newly made database.</summary>
    public static OrdoDatabase WithPersonalData(this OrdoDatabase database, IConfiguration configuration, Configuration.OrdoOptions options)
    {
        var (ring, created) = PersonalDataKeys.Load(configuration, options);
        database.PersonalData = ring;
        if (created is not null) PersonalDataKeysCreated.Remember(database, created);
        return database;
    }

    public static void MapPersonalData(this RouteGroupBuilder api)
    {
        api.MapGet("/personal-data/status", async (OrdoDatabase db, CancellationToken ct) =>
        {
            var ring = db.PersonalData;
            var usage = await db.ReadAsync(PersonalDataStore.UsageAsync, ct);
            var pending = await db.ReadAsync(s => s.ScalarAsync<long>(
                "SELECT COUNT(*) FROM jobs WHERE kind = @k AND status = 'pending'", ("k", PersonalDataRotation.JobKind)), ct);
            return Results.Json(new
            {
                activeKey = ring?.ActiveKeyId,
                algorithm = ring?.ActiveAlgorithm.Name(),
                keys = ring?.KeyIds,
                rotationPending = pending > 0,
                tables = usage.GroupBy(u => u.Table).Select(g => new
                {
                    table = g.Key,
                    rows = g.Select(u => new { key = u.Key ?? "plain", u.Rows, active = u.Key == ring?.ActiveKeyId }),
                    notOnActiveKey = g.Where(u => u.Key != ring?.ActiveKeyId).Sum(u => u.Rows),
                }),
            }, ApiJson.Options);
        })
        .RequireAuthorization(Permissions.PersonalDataFull).WithName("PersonalDataStatus")
        .WithSummary("Rows holding personal data per table and key (plain: stored before encryption), and whether a rotation is queued.");

        api.MapPost("/personal-data/rotate", async (HttpContext http, OrdoDatabase db, TimeProvider clock, AuditTrail audit, CancellationToken ct) =>
        {
            if (db.PersonalData is not { } ring) return Problems.Result(409, "No keys", "no personal-data keys are configured");
            var queued = await db.WriteAsync(s => PersonalDataRotation.QueueAsync(s, clock.GetUtcNow()), ct);
            await audit.RecordAsync(http, AuditTrail.Actions.PersonalDataRotate, AuditTrail.Outcomes.Ok, "key:" + ring.ActiveKeyId, new { queued });
            return Results.Json(new { activeKey = ring.ActiveKeyId, queued, alreadyQueued = !queued }, ApiJson.Options, statusCode: 202);
        })
        .RequireAuthorization(Permissions.PersonalDataFull).WithName("RotatePersonalData")
        .WithSummary("Queue the background re-encryption of every row not on the active key (one job across instances).");
    }
}
