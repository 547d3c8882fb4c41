using System.Globalization;

namespace Ordo.Core.Inventory;

/// <summary>
/// When to ask for more stock: ATP below <see cref="Factor"/> × the average daily sales over the last
/// <see cref="WindowDays"/> days (Ordo's defaults: 1.5 × the 7-day average).
/// </summary>
public sealed record ReplenishmentSettings
{
    public ReplenishmentSettings(int windowDays = 7, decimal factor = 1.5m)
    {
        if (windowDays is < 1 or > 366) throw new ArgumentOutOfRangeException(nameof(windowDays), windowDays, "The window is 1 to 366 days.");
        if (factor <= 0) throw new ArgumentOutOfRangeException(nameof(factor), factor, "The factor is above zero.");
        (WindowDays, Factor) = (windowDays, factor);
    }

    public int WindowDays { get; }
    public decimal Factor { get; }

    public static ReplenishmentSettings Default { get; } = new();
}

/// <summary>Whether to alert, the average daily sales (units per day, unrounded), the level ATP was compared with, and why.</summary>
public sealed record ReplenishmentAlert(bool Alert, decimal AverageDailySales, decimal Level, string Reason);

/// <summary>The replenishment rule, as a pure function of ATP and the units sold per day.</summary>
public static class Replenishment
{
    /// <summary>
    /// Compares <paramref name="atp"/> with the factor × the average daily sales over the window of days ending with
    /// <paramref name="lastDay"/> (inclusive; pass yesterday so today's half day does not lower the average). Days
    /// without an entry sold 0; entries for one day add up; entries outside the window are ignored; negative entries
    /// (returns booked as sales) count as 0. Alerts when ATP is strictly below the level, so nothing sold and nothing
    /// on hand does not alert.
    /// </summary>
    public static ReplenishmentAlert Check(int atp, IEnumerable<(DateOnly Day, int Units)> dailySales, DateOnly lastDay, ReplenishmentSettings? settings = null)
    {
        settings ??= ReplenishmentSettings.Default;
        var firstDay = lastDay.AddDays(1 - settings.WindowDays);
        var sold = dailySales.Where(d => d.Day >= firstDay && d.Day <= lastDay).Sum(d => (long)Math.Max(0, d.Units));
        var average = (decimal)sold / settings.WindowDays;
        var level = settings.Factor * average;
        var alert = atp < level;
        var text = $"{F(settings.Factor)} × average daily sales {F(average)} over {settings.WindowDays} days ({firstDay:yyyy-MM-dd} to {lastDay:yyyy-MM-dd}) = {F(level)}";
        var reason = alert ? $"ATP {atp} is below {text}: replenish" : $"ATP {atp} covers {text}";
        return new ReplenishmentAlert(alert, average, level, reason);
    }

    private static string F(decimal value) => decimal.Round(value, 2, MidpointRounding.AwayFromZero).ToString("0.##", CultureInfo.InvariantCulture);
}
