using System.Globalization;

namespace Ordo.Core.Inventory;

/// <summary>
/// A sales channel (a shop on a platform) offered stock of a SKU. <see cref="SharePercent"/> (0 to 100, at most two
/// decimals) gives it a fixed share of ATP; null makes it sell from the shared pool. A core channel keeps selling when
/// ATP is low; the others stop first.
/// </summary>
public sealed record SalesChannel(string ShopCode, bool IsCore, decimal? SharePercent = null)
{
    public bool SellsFromPool => SharePercent is null;
}

/// <summary>The units offered to one channel and why.</summary>
public sealed record ChannelQuantity(string ShopCode, int Quantity, string Reason);

/// <summary>The units offered to each channel, in the order the channels were given, or the reason none could be computed.</summary>
public sealed record ChannelStockDecision(IReadOnlyList<ChannelQuantity> Quantities, string? Refusal)
{
    public bool IsValid => Refusal is null;

    public static ChannelStockDecision Refused(string reason) => new([], reason);
}

/// <summary>
/// How much of a SKU's ATP each sales channel may sell, as a pure function. A share channel is offered
/// floor(ATP × share); every pool channel is offered the whole remainder (ATP less the units given to share channels):
/// pool channels compete for the same units, which the next sync corrects as they sell. When ATP is at or below the
/// threshold, non-core channels are offered 0 and core channels are computed as if the others did not exist.
/// A negative ATP offers nothing; no channel is ever offered a negative quantity, and share channels together are
/// never offered more than ATP (shares sum to at most 100% and each rounds down).
/// </summary>
public static class ChannelStock
{
    public const int MaxShareDecimals = 2;

    /// <summary>Null when the channels can be computed; otherwise the reason, naming the channels concerned.</summary>
    public static string? Validate(IReadOnlyList<SalesChannel> channels)
    {
        var blank = channels.Where(c => string.IsNullOrWhiteSpace(c.ShopCode)).ToList();
        if (blank.Count > 0) return "every channel needs a shop code";
        var duplicates = channels.GroupBy(c => c.ShopCode, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicates.Count > 0) return $"channels listed more than once: {string.Join(", ", duplicates)}";
        var outOfRange = channels.Where(c => c.SharePercent is < 0 or > 100).ToList();
        if (outOfRange.Count > 0) return $"a share is between 0 and 100%: {Describe(outOfRange)}";
        var tooPrecise = channels.Where(c => c.SharePercent is { } s && decimal.Round(s, MaxShareDecimals) != s).ToList();
        if (tooPrecise.Count > 0) return $"a share has at most two decimals: {Describe(tooPrecise)}";
        var shared = channels.Where(c => c.SharePercent is not null).ToList();
        var total = shared.Sum(c => c.SharePercent!.Value);
        if (total > 100)
            return $"shares sum to {Format(total)}%, more than 100%: {Describe(shared)}";
        return null;
    }

    /// <summary>
    /// The units offered to each channel for <paramref name="atp"/>; refused (with <see cref="Validate"/>'s reason)
    /// when the channels are invalid. <paramref name="threshold"/>: ATP at or below which only core channels sell
    /// (null: no threshold).
    /// </summary>
    public static ChannelStockDecision Allocate(int atp, IReadOnlyList<SalesChannel> channels, int? threshold = null)
    {
        if (Validate(channels) is { } reason) return ChannelStockDecision.Refused(reason);

        var low = threshold is { } t && atp <= t;
        var available = Math.Max(0, atp);
        var selling = channels.Where(c => !low || c.IsCore).ToList();
        var shares = selling.Where(c => !c.SellsFromPool)
            .ToDictionary(c => c.ShopCode, c => (int)decimal.Floor(available * c.SharePercent!.Value / 100m), StringComparer.Ordinal);
        var given = shares.Values.Sum();
        var remainder = available - given;

        var quantities = new List<ChannelQuantity>(channels.Count);
        foreach (var channel in channels)
        {
            if (low && !channel.IsCore)
            {
                quantities.Add(new(channel.ShopCode, 0, $"ATP {atp} at or below threshold {threshold}: non-core channel offered 0"));
                continue;
            }
            var suffix = low ? $" (ATP {atp} at or below threshold {threshold}: core channels only)" : "";
            if (atp < 0)
                quantities.Add(new(channel.ShopCode, 0, $"ATP {atp} is below zero: nothing to offer{suffix}"));
            else if (shares.TryGetValue(channel.ShopCode, out var units))
                quantities.Add(new(channel.ShopCode, units, $"{Format(channel.SharePercent!.Value)}% of ATP {available}{suffix}"));
            else
                quantities.Add(new(channel.ShopCode, remainder, given == 0
                    ? $"shared pool: ATP {available}{suffix}"
                    : $"shared pool: ATP {available} less {given} for share channels{suffix}"));
        }
        return new ChannelStockDecision(quantities, null);
    }

    private static string Describe(IEnumerable<SalesChannel> channels) =>
        string.Join(", ", channels.Select(c => $"{c.ShopCode} ({Format(c.SharePercent ?? 0)}%)"));

    private static string Format(decimal percent) => percent.ToString("G29", CultureInfo.InvariantCulture);
}
