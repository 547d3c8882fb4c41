using System.Globalization;
using Microsoft.Extensions.Options;
using Ordo.Core.Inventory;
using Ordo.Core.Orders;
using Ordo.Data;
using Ordo.Data.Inventory;
using Ordo.Data.Orders;
using Ordo.Server.Configuration;
using Ordo.Server.Security;

namespace Ordo.Server.Features.Inventory;

/// <summary>
/// <c>GET /api/v1/inventory/replenishment?windowDays=&amp;factor=</c>: the SKUs whose ATP (all warehouses) is below
/// factor × their average daily sales, by the pure rule <see cref="Replenishment.Check"/>. Sales are the lines of
/// orders received in the window and not cancelled; the window is the <c>windowDays</c> whole China days before
/// today (today's half day would lower the average). A bundle's sales count as sales of its components, which hold
/// its stock. Defaults come from <c>Ordo:Inventory:Replenishment</c>.
/// </summary>
public static class ReplenishmentReport
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/inventory/replenishment", async (string? windowDays, string? factor, OrdoDatabase db, TimeProvider clock, IOptions<OrdoOptions> options, CancellationToken ct) =>
        {
            var defaults = options.Value.Inventory.Replenishment;
            var days = defaults.WindowDays;
            if (windowDays is not null && (!int.TryParse(windowDays, NumberStyles.None, CultureInfo.InvariantCulture, out days) || days is < 1 or > 366))
                return Problems.BadRequest("windowDays", "windowDays must be a whole number of days from 1 to 366");
            var times = defaults.Factor;
            if (factor is not null && (!decimal.TryParse(factor, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out times) || times is <= 0 or > 1000))
                return Problems.BadRequest("factor", "factor must be a number above 0 and at most 1000 (1.5 asks for one and a half days of average sales)");
            var settings = new ReplenishmentSettings(days, times);

            var today = ChinaTime.DateOf(clock.GetUtcNow());
            var (firstDay, lastDay) = (today.AddDays(-days), today.AddDays(-1));
            var (from, to) = (StartOf(firstDay), StartOf(today));
            var (checkedSkus, alerts) = await db.ReadAsync(async s =>
            {
                var sold = await OrderStore.DailySalesAsync(s, from, to);
                var profiles = await InventoryStore.ProfilesAsync(s, sold.Select(x => x.Sku).Distinct().ToList());
                // Unknown SKUs (orders held for them) have no stock to replenish; bundles pass their sales to their components.
                var daily = sold
                    .Where(x => profiles.ContainsKey(x.Sku))
                    .SelectMany(x => profiles[x.Sku].IsBundle
                        ? profiles[x.Sku].Components.Select(c => (x.Day, c.Sku, Units: x.Units * c.Quantity))
                        : [(x.Day, x.Sku, x.Units)])
                    .ToLookup(x => x.Sku, x => (x.Day, x.Units));
                var skus = daily.Select(g => g.Key).ToList();
                var atp = (await InventoryStore.BalancesOfSkusAsync(s, skus)).GroupBy(b => b.Sku).ToDictionary(g => g.Key, g => g.Sum(b => b.Promisable));
                var alerts = skus
                    .Select(sku => (Sku: sku, Atp: atp.GetValueOrDefault(sku), Sold: daily[sku].Sum(d => d.Units),
                        Check: Replenishment.Check(atp.GetValueOrDefault(sku), daily[sku], lastDay, settings)))
                    .Where(x => x.Check.Alert)
                    .OrderByDescending(x => x.Check.Level - x.Atp).ThenBy(x => x.Sku, StringComparer.Ordinal)
                    .ToList();
                return (skus.Count, alerts);
            }, ct);
            return Results.Json(new
            {
                windowDays = days, factor = times,
                from = firstDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), to = lastDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                skusChecked = checkedSkus,
                items = alerts.Select(a => new
                {
                    sku = a.Sku, atp = a.Atp, unitsSold = a.Sold,
                    averageDailySales = decimal.Round(a.Check.AverageDailySales, 2, MidpointRounding.AwayFromZero),
                    level = decimal.Round(a.Check.Level, 2, MidpointRounding.AwayFromZero),
                    reason = a.Check.Reason,
                }),
            }, ApiJson.Options);
        })
        .RequireAuthorization(Permissions.InventoryRead).WithName("Replenishment")
        .WithSummary("SKUs to replenish: ATP below factor × average daily sales over the windowDays China days before today (orders received, not cancelled), with the reason.");

    private static DateTimeOffset StartOf(DateOnly chinaDay) => new DateTimeOffset(chinaDay.ToDateTime(TimeOnly.MinValue), ChinaTime.Offset).ToUniversalTime();
}
