using System.Globalization;
using System.Text.Json;

namespace Ordo.Core.Audit;

/// <summary>One line of the audit log as the report reads it (the store's row without its IP address).</summary>
/// <param name="Detail">The entry's JSON object (an export's <c>rows</c> and <c>format</c> are read from it).</param>
public sealed record AuditRecord(long Id, DateTimeOffset OccurredAt, string Actor, string Action, string Outcome, string? Target, string Detail);

/// <summary>
/// When people are expected to work, in China time: from <see cref="Start"/> (inclusive) to <see cref="End"/>
/// (exclusive) on <see cref="Days"/>. An export outside these hours is flagged in the audit and the monthly report.
/// </summary>
public sealed record WorkingHours(TimeOnly Start, TimeOnly End, IReadOnlyList<DayOfWeek> Days)
{
    /// <summary>09:00 to 19:00, Monday to Friday.</summary>
    public static WorkingHours Default { get; } = new(new TimeOnly(9, 0), new TimeOnly(19, 0),
        [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday]);

    /// <summary>Null inside working hours; else why not: <c>weekend</c>, <c>before 09:00</c> or <c>after 19:00</c> (China time).</summary>
    public string? OutsideReason(DateTimeOffset instant)
    {
        var local = instant.ToOffset(AccessReport.ChinaOffset);
        if (!Days.Contains(local.DayOfWeek)) return "weekend";
        var time = TimeOnly.FromDateTime(local.DateTime);
        if (time < Start) return "before " + Start.ToString("HH:mm", CultureInfo.InvariantCulture);
        if (time >= End) return "after " + End.ToString("HH:mm", CultureInfo.InvariantCulture);
        return null;
    }

    public bool IsOutside(DateTimeOffset instant) => OutsideReason(instant) is not null;
}

/// <summary>What one actor accessed in the month (successful accesses only; refusals are counted as denied).</summary>
public sealed record AccessorCount(string Actor, int Views, int Decrypts, int Exports)
{
    public int Total => Views + Decrypts + Exports;
}

/// <summary>An export made outside working hours. <see cref="At"/> is in China time.</summary>
public sealed record OffHoursExport(long Id, DateTimeOffset At, string Actor, string? Target, string Reason, long? Rows, string? Format);

public sealed record KeyCount(string Key, int Count);

/// <summary>Failed sign-ins and lockouts of one account (the entry's target, else its actor).</summary>
public sealed record SignInTrouble(string Account, int Failures, int Lockouts);

/// <summary>
/// The monthly access report (issue 5, item 5): who accessed personal data and how much, exports outside working
/// hours, denied attempts, sign-in failures and lockouts, for one calendar month in China time.
/// </summary>
public sealed record AccessReport(
    string Month, DateTimeOffset From, DateTimeOffset To, int Entries,
    IReadOnlyList<AccessorCount> TopAccessors,
    IReadOnlyList<OffHoursExport> ExportsOutsideWorkingHours,
    IReadOnlyList<KeyCount> DeniedByActor,
    IReadOnlyList<KeyCount> DeniedByAction,
    IReadOnlyList<SignInTrouble> SignIns)
{
    public static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);

    // The action names the audit trail writes (Ordo.Server.Security.AuditTrail.Actions).
    public const string ViewAction = "pii.view";
    public const string DecryptAction = "pii.decrypt";
    public const string ExportAction = "orders.export";
    public const string LockoutAction = "login.lockout";
    public const string Ok = "ok";
    public const string Denied = "denied";
    public const string Failed = "failed";

    /// <summary>Reads <c>yyyy-MM</c>.</summary>
    public static bool TryParseMonth(string? text, out int year, out int month)
    {
        year = month = 0;
        if (!DateOnly.TryParseExact(text + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return false;
        (year, month) = (d.Year, d.Month);
        return true;
    }

    /// <summary>The month's first instant and the next month's first instant, China time.</summary>
    public static (DateTimeOffset From, DateTimeOffset To) RangeOf(int year, int month)
    {
        var from = new DateTimeOffset(year, month, 1, 0, 0, 0, ChinaOffset);
        return (from, from.AddMonths(1));
    }

    /// <summary>The report of the month from the entries given (entries outside the month are ignored).</summary>
    public static AccessReport Compute(int year, int month, IEnumerable<AuditRecord> entries, WorkingHours hours)
    {
        var builder = new Builder(year, month, hours);
        foreach (var e in entries) builder.Add(e);
        return builder.Build();
    }

    /// <summary>Accumulates the report entry by entry, so a month of many entries is read page by page.</summary>
    public sealed class Builder(int year, int month, WorkingHours hours)
    {
        private readonly (DateTimeOffset From, DateTimeOffset To) _range = RangeOf(year, month);
        private readonly Dictionary<string, (int Views, int Decrypts, int Exports)> _access = new(StringComparer.Ordinal);
        private readonly List<OffHoursExport> _offHours = [];
        private readonly Dictionary<string, int> _deniedByActor = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _deniedByAction = new(StringComparer.Ordinal);
        private readonly Dictionary<string, (int Failures, int Lockouts)> _signIns = new(StringComparer.Ordinal);
        private int _entries;

        public void Add(AuditRecord e)
        {
            if (e.OccurredAt < _range.From || e.OccurredAt >= _range.To) return;
            _entries++;
            if (e.Outcome == Ok && e.Action is ViewAction or DecryptAction or ExportAction)
            {
                var c = _access.GetValueOrDefault(e.Actor);
                _access[e.Actor] = e.Action switch
                {
                    ViewAction => c with { Views = c.Views + 1 },
                    DecryptAction => c with { Decrypts = c.Decrypts + 1 },
                    _ => c with { Exports = c.Exports + 1 },
                };
                if (e.Action == ExportAction && hours.OutsideReason(e.OccurredAt) is { } reason)
                {
                    var (rows, format, _) = Detail(e.Detail);
                    _offHours.Add(new OffHoursExport(e.Id, e.OccurredAt.ToOffset(ChinaOffset), e.Actor, e.Target, reason, rows, format));
                }
            }
            var signIn = e.Action.StartsWith("login", StringComparison.Ordinal) && e.Action != "logout";
            // A lockout is its own entry or a sign-in refused because the account is locked (outcome denied, reason
            // "locked out"); a wrong password or code, or a refusal for another reason (a disabled account), is a
            // failure. Sign-in refusals are counted here, not again as denied attempts.
            if (signIn && (e.Action == LockoutAction || e.Outcome is Denied or Failed))
            {
                var account = string.IsNullOrEmpty(e.Target) ? e.Actor : e.Target;
                var c = _signIns.GetValueOrDefault(account);
                var lockout = e.Action == LockoutAction
                    || e.Outcome == Denied && Detail(e.Detail).Reason?.Contains("lock", StringComparison.OrdinalIgnoreCase) == true;
                _signIns[account] = lockout ? c with { Lockouts = c.Lockouts + 1 } : c with { Failures = c.Failures + 1 };
            }
            else if (e.Outcome == Denied)
            {
                _deniedByActor[e.Actor] = _deniedByActor.GetValueOrDefault(e.Actor) + 1;
                _deniedByAction[e.Action] = _deniedByAction.GetValueOrDefault(e.Action) + 1;
            }
        }

        public AccessReport Build() => new(
            $"{year:D4}-{month:D2}", _range.From, _range.To, _entries,
            _access.Select(a => new AccessorCount(a.Key, a.Value.Views, a.Value.Decrypts, a.Value.Exports))
                .OrderByDescending(a => a.Total).ThenBy(a => a.Actor, StringComparer.Ordinal).ToList(),
            _offHours.OrderBy(x => x.At).ThenBy(x => x.Id).ToList(),
            Sorted(_deniedByActor), Sorted(_deniedByAction),
            _signIns.Select(s => new SignInTrouble(s.Key, s.Value.Failures, s.Value.Lockouts))
                .OrderByDescending(s => s.Failures + s.Lockouts).ThenBy(s => s.Account, StringComparer.Ordinal).ToList());

        private static List<KeyCount> Sorted(Dictionary<string, int> counts) =>
            counts.Select(c => new KeyCount(c.Key, c.Value)).OrderByDescending(c => c.Count).ThenBy(c => c.Key, StringComparer.Ordinal).ToList();

        /// <summary>What the report reads from an entry's detail: an export's rows and format, a refusal's reason.</summary>
        private static (long? Rows, string? Format, string? Reason) Detail(string detail)
        {
            try
            {
                using var json = JsonDocument.Parse(detail);
                var root = json.RootElement;
                if (root.ValueKind != JsonValueKind.Object) return (null, null, null);
                long? rows = root.TryGetProperty("rows", out var r) && r.TryGetInt64(out var n) ? n : null;
                return (rows, Text(root, "format"), Text(root, "reason"));
            }
            catch (JsonException)
            {
                return (null, null, null);
            }

            static string? Text(JsonElement o, string name) => o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        }
    }

    /// <summary>
    /// The report as one CSV table (RFC 4180): a <c>section</c> column, then actor, action, count, when (China time),
    /// target and detail; each section fills the columns that apply to it.
    /// </summary>
    public IEnumerable<string[]> CsvRows()
    {
        yield return ["section", "actor", "action", "count", "occurred_at_china", "target", "detail"];
        foreach (var a in TopAccessors)
        {
            if (a.Views > 0) yield return ["top_accessors", a.Actor, ViewAction, N(a.Views), "", "", ""];
            if (a.Decrypts > 0) yield return ["top_accessors", a.Actor, DecryptAction, N(a.Decrypts), "", "", ""];
            if (a.Exports > 0) yield return ["top_accessors", a.Actor, ExportAction, N(a.Exports), "", "", ""];
        }
        foreach (var x in ExportsOutsideWorkingHours)
            yield return ["exports_outside_working_hours", x.Actor, ExportAction, "1", x.At.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                x.Target ?? "", $"{x.Reason}; rows {(x.Rows?.ToString(CultureInfo.InvariantCulture) ?? "?")}; format {x.Format ?? "?"}"];
        foreach (var d in DeniedByActor) yield return ["denied_by_actor", d.Key, "", N(d.Count), "", "", ""];
        foreach (var d in DeniedByAction) yield return ["denied_by_action", "", d.Key, N(d.Count), "", "", ""];
        foreach (var s in SignIns)
        {
            if (s.Failures > 0) yield return ["sign_in_failures", s.Account, "login", N(s.Failures), "", "", ""];
            if (s.Lockouts > 0) yield return ["sign_in_lockouts", s.Account, "login", N(s.Lockouts), "", "", ""];
        }
    }

    private static string N(int n) => n.ToString(CultureInfo.InvariantCulture);
}
