using Ordo.Server.Features.Audit;
using Shouldly;

namespace Ordo.Server.Tests.Features;

/// <summary><c>Ordo:Audit:WorkingHours</c> as configured: read, or refused with the setting named.</summary>
public class WorkingHoursOptionsTests
{
    [Fact]
    public void Defaults_are_09_to_19_on_weekdays()
    {
        var hours = new WorkingHoursOptions().ToWorkingHours();
        (hours.Start, hours.End).ShouldBe((new TimeOnly(9, 0), new TimeOnly(19, 0)));
        hours.Days.ShouldBe([DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday]);
    }

    [Fact]
    public void Configured_hours_and_days_are_read()
    {
        var hours = new WorkingHoursOptions { Start = "08:30", End = "21:00", Days = ["monday", "Saturday"] }.ToWorkingHours();
        (hours.Start, hours.End).ShouldBe((new TimeOnly(8, 30), new TimeOnly(21, 0)));
        hours.Days.ShouldBe([DayOfWeek.Monday, DayOfWeek.Saturday]);
    }

    [Theory]
    [InlineData("9am", "19:00", null, "Start")]
    [InlineData("09:00", "25:00", null, "End")]
    [InlineData("19:00", "09:00", null, "End (09:00) must be after Start")]
    [InlineData("09:00", "19:00", "Funday", "Days: 'Funday'")]
    public void A_setting_that_cannot_be_read_is_named(string start, string end, string? day, string named)
    {
        var options = new WorkingHoursOptions { Start = start, End = end, Days = day is null ? [] : [day] };
        Should.Throw<InvalidOperationException>(() => options.ToWorkingHours()).Message.ShouldContain(named);
    }
}

public sealed class BadWorkingHoursHost() : Infrastructure.OrdoHost(Infrastructure.Db.Sqlite)
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings => [new("Ordo:Audit:WorkingHours:End", "25:00")];
}

public class BadWorkingHoursStartTests
{
    [Fact]
    public async Task The_server_does_not_start_on_working_hours_it_cannot_read()
    {
        var host = new BadWorkingHoursHost();
        try
        {
            var error = await Should.ThrowAsync<Exception>(async () => await host.InitializeAsync());
            error.ToString().ShouldContain("Ordo:Audit:WorkingHours:End '25:00'");
        }
        finally
        {
            await host.DisposeAsync();
        }
    }
}
