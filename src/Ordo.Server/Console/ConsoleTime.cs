using System.Globalization;
using System.Security.Claims;

namespace Ordo.Server.Console;

/// <summary>Instants shown in the viewer's time zone (claim <c>ordo:tz</c>, default Asia/Shanghai).</summary>
public static class ConsoleTime
{
    public const string DefaultZone = "Asia/Shanghai";
    private static readonly TimeZoneInfo China = TimeZoneInfo.FindSystemTimeZoneById(DefaultZone);

    public static TimeZoneInfo ZoneOf(ClaimsPrincipal? user)
    {
        var id = user?.FindFirstValue(ConsoleSetup.TimeZoneClaim);
        if (string.IsNullOrEmpty(id) || id == DefaultZone) return China;
        return TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : China;
    }

    /// <summary><c>2026-12-06 15:04</c> (or with seconds) in <paramref name="zone"/>.</summary>
    public static string Format(DateTimeOffset instant, TimeZoneInfo zone, bool seconds = false) =>
        TimeZoneInfo.ConvertTime(instant, zone).ToString(seconds ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    public static string Format(DateTimeOffset instant, ClaimsPrincipal? user, bool seconds = false) => Format(instant, ZoneOf(user), seconds);

    /// <summary>The start of the viewer's current day, as an instant.</summary>
    public static DateTimeOffset StartOfDay(DateTimeOffset now, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var midnight = new DateTime(local.Year, local.Month, local.Day, 0, 0, 0, DateTimeKind.Unspecified);
        return new DateTimeOffset(midnight, zone.GetUtcOffset(midnight)).ToUniversalTime();
    }

    /// <summary>Reads a date typed in a filter (<c>yyyy-MM-dd</c>) as the start of that day in <paramref name="zone"/>.</summary>
    public static DateTimeOffset? ParseDay(string? text, TimeZoneInfo zone)
    {
        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)) return null;
        var midnight = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return new DateTimeOffset(midnight, zone.GetUtcOffset(midnight)).ToUniversalTime();
    }
}
