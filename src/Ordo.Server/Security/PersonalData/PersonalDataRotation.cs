using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Ordo.Data;
using Ordo.Data.Jobs;
using Ordo.Data.Privacy;
using Ordo.Server.Configuration;
using Ordo.Server.Jobs;

namespace Ordo.Server.Security.PersonalData;

/// <summary>Where a rotation run carries on: the table and the last id done, and how many full passes were made.</summary>
public sealed record RotationCursor(int Table = 0, long AfterId = 0, int Pass = 1);

/// <summary>
/// Re-encrypts, in the background and without stopping intake, every row whose personal data is not on the active key
/// (or was stored in clear before encryption): orders, inbox payloads, push excerpts, in batches. Each batch checks
/// that a row is still as read (the order's version, the payload's text), so an order changed meanwhile keeps the
/// change (which was itself written with the active key). One job at a time across instances (its ordering key); a
/// run works for a few seconds, then queues its continuation. A row written with the old key while the run passed
/// (an order prepared just before the switch) is caught by the next pass; at most <see cref="MaxPasses"/> passes.
/// </summary>
public sealed partial class PersonalDataRotation(OrdoDatabase database, TimeProvider clock, PersonalDataMetrics metrics, ILogger<PersonalDataRotation> log)
    : IJobHandler
{
    public const string JobKind = "personal-data.rotate";
    public const string OrderingKey = "personal-data:rotate";
    private const int BatchSize = 200;
    private const int MaxPasses = 5;
    private static readonly TimeSpan RunBudget = TimeSpan.FromSeconds(5);

    public string Kind => JobKind;

    public TimeSpan RetryDelay(int attempt) => TimeSpan.FromSeconds(Math.Min(300, 5 * Math.Pow(2, attempt - 1)));

    /// <summary>Queues a rotation unless one is pending; returns whether one was queued.</summary>
    public static Task<bool> QueueAsync(DbSession s, DateTimeOffset now, RotationCursor? cursor = null, long? except = null) =>
        JobStore.EnqueueOnceAsync(s, JobKind, DocumentJson.Serialize(cursor ?? new RotationCursor()), now, now, maxAttempts: 10, OrderingKey, except);

    public async Task<JobResult> RunAsync(Job job, CancellationToken ct)
    {
        var ring = database.PersonalData;
        if (ring is null) return new JobResult.Abandoned("no personal-data keys are configured");
        var cursor = DocumentJson.Deserialize<RotationCursor>(job.Payload);
        var started = Stopwatch.GetTimestamp();
        var tables = PersonalDataStore.Tables;
        while (cursor.Table < tables.Count && Stopwatch.GetElapsedTime(started) < RunBudget)
        {
            var table = tables[cursor.Table];
            // Decrypted and encrypted by a read, written with a check that each row is still as read: the write (on
            // SQLite, the one writer) is held only for the update.
            var batch = await database.ReadAsync(s => PersonalDataStore.PrepareBatchAsync(s, table, cursor.AfterId, BatchSize), ct);
            if (batch is null)
            {
                cursor = cursor with { Table = cursor.Table + 1, AfterId = 0 };
                continue;
            }
            var written = await database.WriteAsync(s => PersonalDataStore.WriteBatchAsync(s, batch), ct);
            if (written > 0) metrics.Reencrypted(table, written);
            cursor = cursor with { AfterId = batch.LastId };
        }
        if (cursor.Table >= tables.Count)
        {
            if (!await database.ReadAsync(s => PersonalDataStore.AnyNotOnAsync(s, ring.ActiveKeyId), ct))
            {
                LogDone(ring.ActiveKeyId, cursor.Pass);
                return new JobResult.Done();
            }
            if (cursor.Pass >= MaxPasses)
                return new JobResult.Abandoned($"rows still not on key '{ring.ActiveKeyId}' after {MaxPasses} passes; see GET /api/v1/personal-data/status");
            cursor = new RotationCursor(0, 0, cursor.Pass + 1);
        }
        var next = cursor;
        var now = clock.GetUtcNow();
        return new JobResult.Done { Record = s => QueueAsync(s, now, next, except: job.Id) };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Personal data: every row is now on key {Key} (after {Passes} pass(es))")]
    private partial void LogDone(string key, int passes);
}

/// <summary><c>ordo_personal_data_reencrypted_total{table}</c>: rows the rotation job re-encrypted.</summary>
public sealed class PersonalDataMetrics
{
    private readonly Counter<long> _reencrypted;

    public PersonalDataMetrics(IMeterFactory meters) =>
        _reencrypted = meters.Create("Ordo.PersonalData").CreateCounter<long>("ordo.personal_data.reencrypted",
            description: "Rows whose personal data the rotation job re-encrypted with the active key, by table.");

    public void Reencrypted(string table, int rows) => _reencrypted.Add(rows, new KeyValuePair<string, object?>("table", table));
}

/// <summary>
/// Hangs the key ring on the database when the configuration changes (the ring was first set when the database was
/// made), and queues the rotation job at start and after each change whenever some rows are not on the active key.
/// </summary>
public sealed partial class PersonalDataRotationStarter(
    OrdoDatabase database, IConfiguration configuration, IOptions<OrdoOptions> options, TimeProvider clock, ILogger<PersonalDataRotationStarter> log)
    : IHostedService, IDisposable
{
    private IDisposable? _watch;
    // Never disposed: the host may stop a service after disposing it, and a token source without timers holds nothing.
    private readonly CancellationTokenSource _stopping = new();

    public async Task StartAsync(CancellationToken ct)
    {
        if (PersonalDataKeysCreated.Take(database) is { } file) LogKeyFileCreated(file);
        await CheckAsync(ct);
        _watch = ChangeToken.OnChange(configuration.GetReloadToken, Reload);
    }

    private void Reload()
    {
        try
        {
            var (ring, _) = PersonalDataKeys.Load(configuration, options.Value);
            var previous = database.PersonalData;
            if (previous is not null && previous.ActiveKeyId == ring.ActiveKeyId && previous.KeyIds.SequenceEqual(ring.KeyIds)) return;
            database.PersonalData = ring;
            LogKeysChanged(ring.ActiveKeyId, string.Join(", ", ring.KeyIds));
            _ = CheckAsync(_stopping.Token);
        }
        catch (Exception ex)
        {
            LogReloadFailed(ex);
        }
    }

    /// <summary>Queues the rotation when any row is not on the active key.</summary>
    public async Task CheckAsync(CancellationToken ct)
    {
        try
        {
            if (database.PersonalData is not { } ring) return;
            var queued = await database.WriteAsync(async s =>
                await PersonalDataStore.AnyNotOnAsync(s, ring.ActiveKeyId) && await PersonalDataRotation.QueueAsync(s, clock.GetUtcNow()), ct);
            if (queued) LogRotationQueued(ring.ActiveKeyId);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogCheckFailed(ex);
        }
    }

    public Task StopAsync(CancellationToken ct)
    {
        _stopping.Cancel();
        return Task.CompletedTask;
    }

    // The host may dispose its services before or after stopping them (a test host stopped twice): both are idempotent.
    public void Dispose()
    {
        _watch?.Dispose();
        _stopping.Cancel();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No Ordo:PersonalData keys configured: created {File} to encrypt personal data at rest. Back it up; every instance on one database needs the same keys")]
    private partial void LogKeyFileCreated(string file);

    [LoggerMessage(Level = LogLevel.Information, Message = "Personal data: some rows are not on the active key {Key}; re-encrypting them in the background")]
    private partial void LogRotationQueued(string key);

    [LoggerMessage(Level = LogLevel.Information, Message = "Personal-data keys changed: active key {Key}, keys held {Keys}")]
    private partial void LogKeysChanged(string key, string keys);

    [LoggerMessage(Level = LogLevel.Error, Message = "Personal-data keys in the changed configuration are unusable; the previous keys stay in use")]
    private partial void LogReloadFailed(Exception ex);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not check whether personal data needs re-encrypting")]
    private partial void LogCheckFailed(Exception ex);
}

/// <summary>The key file a database's ring was made with when that created it, to log once the logger exists.</summary>
internal static class PersonalDataKeysCreated
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<OrdoDatabase, string> Created = new();

    public static void Remember(OrdoDatabase database, string file) => Created.AddOrUpdate(database, file);

    public static string? Take(OrdoDatabase database) => Created.TryGetValue(database, out var file) && Created.Remove(database) ? file : null;
}
