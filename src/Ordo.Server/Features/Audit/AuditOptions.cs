using System.Globalization;
using Ordo.Core.Audit;

namespace Ordo.Server.Features.Audit;

/// <summary>The <c>Ordo:Audit</c> section.</summary>
public sealed class AuditOptions
{
    public const string Section = "Ordo:Audit";

    /// <summary><c>Ordo:Audit:WorkingHours</c>: exports outside them are flagged (China time).</summary>
    public WorkingHoursOptions WorkingHours { get; set; } = new();
}

public sealed class WorkingHoursOptions
{
    /// <summary><c>HH:mm</c>, China time; the first minute of work.</summary>
    public string Start { get; set; } = "09:00";
    /// <summary><c>HH:mm</c>, China time; the first minute after work.</summary>
    public string End { get; set; } = "19:00";
    /// <summary>English day names (<c>Monday</c>…); an empty list means Monday to Friday.</summary>
    public List<string> Days { get; set; } = [];

    /// <summary>The hours as the report uses them; a setting that cannot be read stops the start with a message naming it.</summary>
    public WorkingHours ToWorkingHours()
    {
        static TimeOnly Time(string text, string name) =>
            TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)
                ? t
                : throw new InvalidOperationException($"{AuditOptions.Section}:WorkingHours:{name} '{text}' is not a time written HH:mm");
        var start = Time(Start, nameof(Start));
        var end = Time(End, nameof(End));
        if (end <= start) throw new InvalidOperationException($"{AuditOptions.Section}:WorkingHours: End ({End}) must be after Start ({Start})");
        var days = Days.Count == 0
            ? Core.Audit.WorkingHours.Default.Days
            : Days.Select(d => Enum.TryParse<DayOfWeek>(d, ignoreCase: true, out var day) && Enum.IsDefined(day)
                ? day
                : throw new InvalidOperationException($"{AuditOptions.Section}:WorkingHours:Days: '{d}' is not a day name (Monday … Sunday)")).Distinct().ToList();
        return new WorkingHours(start, end, days);
    }
}
