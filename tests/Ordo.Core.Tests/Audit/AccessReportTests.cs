using Ordo.Core.Audit;
using Ordo.Core.Common;
using Shouldly;
using Xunit;

namespace Ordo.Core.Tests.Audit;

public class AccessReportTests
{
    private static long _id;

    // China time (UTC+8), as the report is computed.
    private static AuditRecord E(string at, string actor, string action, string outcome = "ok", string? target = null, string detail = "{}") =>
        new(++_id, DateTimeOffset.Parse(at + "+08:00"), actor, action, outcome, target, detail);

    [Theory]
    // 2026-12-07 is a Monday, 2026-12-12 a Saturday, 2026-12-13 a Sunday.
    [InlineData("2026-12-07T08:59:59", "before 09:00")]
    [InlineData("2026-12-07T09:00:00", null)]
    [InlineData("2026-12-07T18:59:59", null)]
    [InlineData("2026-12-07T19:00:00", "after 19:00")]
    [InlineData("2026-12-07T23:30:00", "after 19:00")]
    [InlineData("2026-12-12T11:00:00", "weekend")]
    [InlineData("2026-12-13T10:00:00", "weekend")]
    public void Working_hours_are_09_to_19_on_weekdays_in_china_time(string chinaTime, string? reason) =>
        WorkingHours.Default.OutsideReason(DateTimeOffset.Parse(chinaTime + "+08:00")).ShouldBe(reason);

    [Fact]
    public void Working_hours_read_the_instant_in_china_time_whatever_its_offset() =>
        // 2026-12-07 00:30 UTC is 08:30 in China: before the day starts there.
        WorkingHours.Default.OutsideReason(DateTimeOffset.Parse("2026-12-07T00:30:00Z")).ShouldBe("before 09:00");

    [Fact]
    public void Other_hours_can_be_configured()
    {
        var hours = new WorkingHours(new TimeOnly(8, 30), new TimeOnly(21, 0), [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday, DayOfWeek.Saturday]);
        hours.OutsideReason(DateTimeOffset.Parse("2026-12-12T20:59:00+08:00")).ShouldBeNull();
        hours.OutsideReason(DateTimeOffset.Parse("2026-12-07T08:00:00+08:00")).ShouldBe("before 08:30");
        hours.OutsideReason(DateTimeOffset.Parse("2026-12-13T12:00:00+08:00")).ShouldBe("weekend");
    }

    [Theory]
    [InlineData("2026-12", true, 2026, 12)]
    [InlineData("2027-01", true, 2027, 1)]
    [InlineData("2026-13", false, 0, 0)]
    [InlineData("2026-1", false, 0, 0)]
    [InlineData("december", false, 0, 0)]
    [InlineData(null, false, 0, 0)]
    public void Months_are_written_yyyy_MM(string? text, bool ok, int year, int month)
    {
        AccessReport.TryParseMonth(text, out var y, out var m).ShouldBe(ok);
        (y, m).ShouldBe((year, month));
    }

    [Fact]
    public void The_month_is_a_china_month()
    {
        var (from, to) = AccessReport.RangeOf(2026, 12);
        from.ShouldBe(DateTimeOffset.Parse("2026-11-30T16:00:00Z"));
        to.ShouldBe(DateTimeOffset.Parse("2026-12-31T16:00:00Z"));
        var report = AccessReport.Compute(2026, 12,
        [
            E("2026-11-30T23:59:59", "user:a@x", "pii.view"),   // November in China
            E("2026-12-01T00:00:00", "user:a@x", "pii.view"),
            E("2026-12-31T23:59:59", "user:a@x", "pii.view"),
            E("2027-01-01T00:00:00", "user:a@x", "pii.view"),   // January
        ], WorkingHours.Default);
        report.Entries.ShouldBe(2);
        report.TopAccessors.ShouldBe([new AccessorCount("user:a@x", 2, 0, 0)]);
        report.Month.ShouldBe("2026-12");
    }

    [Fact]
    public void Top_accessors_count_views_decrypts_and_exports_per_actor_most_first()
    {
        var report = AccessReport.Compute(2026, 12,
        [
            E("2026-12-07T10:00:00", "user:cs@x", "pii.view"),
            E("2026-12-07T10:01:00", "user:boss@x", "pii.view"),
            E("2026-12-07T10:02:00", "user:boss@x", "pii.decrypt"),
            E("2026-12-07T10:03:00", "user:boss@x", "orders.export", detail: """{"rows":12,"format":"csv"}"""),
            E("2026-12-07T10:04:00", "user:cs@x", "orders.export", "denied"),   // refused: not an access
            E("2026-12-07T10:05:00", "user:cs@x", "login"),                     // not a personal-data access
            E("2026-12-07T10:06:00", "key:erp#3", "pii.view"),
            E("2026-12-07T10:07:00", "key:erp#3", "pii.view"),
        ], WorkingHours.Default);
        report.TopAccessors.ShouldBe(
        [
            new AccessorCount("user:boss@x", 1, 1, 1),
            new AccessorCount("key:erp#3", 2, 0, 0),
            new AccessorCount("user:cs@x", 1, 0, 0),
        ]);
        report.ExportsOutsideWorkingHours.ShouldBeEmpty();
    }

    [Fact]
    public void Exports_outside_working_hours_are_listed_with_why_rows_and_format()
    {
        var report = AccessReport.Compute(2026, 12,
        [
            E("2026-12-07T18:59:00", "user:f@x", "orders.export", detail: """{"rows":5,"format":"csv"}"""),
            E("2026-12-07T19:30:00", "user:f@x", "orders.export", target: "export", detail: """{"rows":23000,"format":"xlsx"}"""),
            E("2026-12-13T10:00:00", "user:o@x", "orders.export", detail: "not json"),
            E("2026-12-08T07:00:00", "user:o@x", "orders.export", "denied", detail: """{"rows":1,"format":"csv"}"""),
        ], WorkingHours.Default);
        report.ExportsOutsideWorkingHours.Select(x => (x.Actor, x.Reason, x.Rows, x.Format, x.At.Offset)).ShouldBe(
        [
            ("user:f@x", "after 19:00", (long?)23000, "xlsx", TimeSpan.FromHours(8)),
            ("user:o@x", "weekend", (long?)null, (string?)null, TimeSpan.FromHours(8)),
        ]);
    }

    [Fact]
    public void Denied_attempts_are_counted_per_actor_and_per_action_and_sign_in_trouble_apart()
    {
        var report = AccessReport.Compute(2026, 12,
        [
            E("2026-12-07T10:00:00", "user:cs@x", "access.denied", "denied"),
            E("2026-12-07T10:01:00", "user:cs@x", "access.denied", "denied"),
            E("2026-12-07T10:02:00", "user:cs@x", "orders.export", "denied"),
            E("2026-12-07T10:03:00", "key:shop#2", "access.denied", "denied"),
            E("2026-12-07T10:04:00", "anonymous", "login", "failed", target: "li@x"),
            E("2026-12-07T10:05:00", "anonymous", "login", "failed", target: "li@x"),
            E("2026-12-07T10:06:00", "anonymous", "login", "denied", target: "li@x", detail: """{"reason":"locked out","until":"2026-12-07T02:21:00Z"}"""),
            E("2026-12-07T10:06:30", "anonymous", "login", "denied", target: "zhao@x", detail: """{"reason":"disabled"}"""),   // not a lockout
            E("2026-12-07T10:07:00", "anonymous", "login.lockout", "ok", target: "wang@x"),
            E("2026-12-07T10:08:00", "user:li@x", "login.2fa", "failed"),
            E("2026-12-07T10:09:00", "user:li@x", "login", "ok"),
            E("2026-12-07T10:10:00", "user:cs@x", "pii.view", "failed"),
        ], WorkingHours.Default);
        report.DeniedByActor.ShouldBe([new KeyCount("user:cs@x", 3), new KeyCount("key:shop#2", 1)]);
        report.DeniedByAction.ShouldBe([new KeyCount("access.denied", 3), new KeyCount("orders.export", 1)]);
        report.SignIns.ShouldBe(
        [
            new SignInTrouble("li@x", 2, 1),
            new SignInTrouble("user:li@x", 1, 0),
            new SignInTrouble("wang@x", 0, 1),
            new SignInTrouble("zhao@x", 1, 0),
        ]);
    }

    [Fact]
    public void An_empty_month_is_an_empty_report()
    {
        var report = AccessReport.Compute(2027, 2, [], WorkingHours.Default);
        report.Entries.ShouldBe(0);
        report.TopAccessors.ShouldBeEmpty();
        report.CsvRows().ShouldHaveSingleItem()[0].ShouldBe("section");
    }

    [Fact]
    public void The_csv_has_one_row_per_count_under_its_section()
    {
        var report = AccessReport.Compute(2026, 12,
        [
            E("2026-12-12T10:00:00", "user:f@x", "orders.export", detail: """{"rows":7,"format":"csv"}"""),
            E("2026-12-07T10:00:00", "user:f@x", "pii.view"),
            E("2026-12-07T10:00:00", "user:cs@x", "access.denied", "denied"),
            E("2026-12-07T10:00:00", "anonymous", "login", "failed", target: "li@x"),
        ], WorkingHours.Default);
        var csv = string.Concat(report.CsvRows().Select(CsvWriter.Line));
        csv.ShouldBe(
            "section,actor,action,count,occurred_at_china,target,detail\r\n" +
            "top_accessors,user:f@x,pii.view,1,,,\r\n" +
            "top_accessors,user:f@x,orders.export,1,,,\r\n" +
            "exports_outside_working_hours,user:f@x,orders.export,1,2026-12-12 10:00:00,,weekend; rows 7; format csv\r\n" +
            "denied_by_actor,user:cs@x,,1,,,\r\n" +
            "denied_by_action,,access.denied,1,,,\r\n" +
            "sign_in_failures,li@x,login,1,,,\r\n");
    }
}

public class CsvWriterTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("", "")]
    public void Fields_are_quoted_when_they_need_it(string value, string written) => CsvWriter.Line([value]).ShouldBe(written + "\r\n");

    [Theory]
    [InlineData("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")")]
    [InlineData("+86 138", "'+86 138")]
    [InlineData("-1", "'-1")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("张三", "张三")]
    [InlineData(null, null)]
    public void Outside_text_never_starts_a_formula(string? value, string? written) => CsvWriter.Untrusted(value).ShouldBe(written);

    [Fact]
    public void A_line_ends_with_crlf() => CsvWriter.Line(["a", null, "b,c"]).ShouldBe("a,,\"b,c\"\r\n");
}
