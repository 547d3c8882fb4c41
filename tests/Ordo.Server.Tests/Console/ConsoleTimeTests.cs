using System.Security.Claims;
using Ordo.Server.Console;
using Shouldly;

namespace Ordo.Server.Tests.Console;

public class ConsoleTimeTests
{
    private static ClaimsPrincipal UserIn(string? zone) =>
        new(new ClaimsIdentity(zone is null ? [] : [new Claim(ConsoleSetup.TimeZoneClaim, zone)], "test"));

    [Fact]
    public void Instants_are_shown_in_the_users_zone_china_by_default()
    {
        var instant = new DateTimeOffset(2026, 12, 5, 16, 30, 5, TimeSpan.Zero);
        ConsoleTime.Format(instant, UserIn(null)).ShouldBe("2026-12-06 00:30");
        ConsoleTime.Format(instant, UserIn("Europe/Berlin"), seconds: true).ShouldBe("2026-12-05 17:30:05");
        ConsoleTime.Format(instant, UserIn("Not/AZone")).ShouldBe("2026-12-06 00:30");
    }

    [Fact]
    public void Days_start_at_midnight_in_the_zone()
    {
        var china = ConsoleTime.ZoneOf(null);
        ConsoleTime.StartOfDay(new DateTimeOffset(2026, 12, 5, 16, 30, 0, TimeSpan.Zero), china)
            .ShouldBe(new DateTimeOffset(2026, 12, 5, 16, 0, 0, TimeSpan.Zero));
        ConsoleTime.ParseDay("2026-02-22", china).ShouldBe(new DateTimeOffset(2026, 2, 21, 16, 0, 0, TimeSpan.Zero));
        ConsoleTime.ParseDay("22/02/2026", china).ShouldBeNull();
        ConsoleTime.ParseDay(null, china).ShouldBeNull();
    }
}
