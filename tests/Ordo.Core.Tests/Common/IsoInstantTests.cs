using Ordo.Core.Common;
using Shouldly;
using Xunit;

namespace Ordo.Core.Tests.Common;

public class IsoInstantTests
{
    private static readonly DateTimeOffset TwoAmUtc = new(2026, 2, 22, 2, 0, 0, TimeSpan.Zero);

    public static TheoryData<string, DateTimeOffset> Accepted => new()
    {
        { "2026-02-22T10:00:00+08:00", TwoAmUtc },
        { "2026-02-22T02:00:00Z", TwoAmUtc },
        { "2026-02-22T02:00:00+00:00", TwoAmUtc },
        { "2026-02-21T18:00:00-08:00", TwoAmUtc },
        { "2026-02-22T10:00:00+0800", TwoAmUtc },
        { "2026-02-22T10:00+08:00", TwoAmUtc },
        { "2026-02-22T10:00:00.250+08:00", TwoAmUtc.AddMilliseconds(250) },
        { "  2026-02-22T10:00:00+08:00  ", TwoAmUtc },
        { "2026-02-22T05:30:00+03:30", TwoAmUtc },
        { "2026-02-22T00:00:00+08:00", new(2026, 2, 21, 16, 0, 0, TimeSpan.Zero) },
        // '+' read as a space after URL decoding (?since=2026-02-22T10:00:00+08:00 without escaping).
        { "2026-02-22T10:00:00 08:00", TwoAmUtc },
        { "2026-02-22T10:00:00.250 08:00", TwoAmUtc.AddMilliseconds(250) },
        { "2026-02-22 10:00:00 08:00", TwoAmUtc },
        { "2026-02-22T10:00 08:00", TwoAmUtc },
    };

    [Theory]
    [MemberData(nameof(Accepted))]
    public void TryParseWithOffset_returns_the_instant_in_UTC(string text, DateTimeOffset expected)
    {
        IsoInstant.TryParseWithOffset(text, out var utc).ShouldBeTrue();

        utc.ShouldBe(expected);
        utc.Offset.ShouldBe(TimeSpan.Zero);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("    ")]
    [InlineData("2026-02-22")]
    [InlineData("2026-02-22T10:00:00")]         // no offset: never guessed
    [InlineData("2026-02-22 10:00:00")]
    [InlineData("2026-02-22T10:00:00.123")]
    [InlineData("2026-02-30T10:00:00+08:00")]   // no such day
    [InlineData("2026-02-22T24:30:00+08:00")]
    [InlineData("not a date, really+08:00")]
    [InlineData("10:00:00 2026-02-22")]          // "-22" is the day, not an offset: must not be read as server-local time
    [InlineData("22:00 2026-12-31")]
    public void TryParseWithOffset_refuses_text_without_a_valid_instant_and_offset(string? text)
    {
        IsoInstant.TryParseWithOffset(text, out var utc).ShouldBeFalse();

        utc.ShouldBe(default);
    }

    [Theory]
    [InlineData("2026-02-22T10:00:00Z", true)]
    [InlineData("2026-02-22T10:00:00z", true)]
    [InlineData("2026-02-22T10:00:00+08:00", true)]
    [InlineData("2026-02-22T10:00:00-0530", true)]
    [InlineData("2026-02-22T10:00:00+08", true)]
    [InlineData("2026-02-22T10:00:00", false)]
    [InlineData("2026-02-22T10:00", false)]
    [InlineData("2026-02-22T10:00:00.123", false)]
    [InlineData("2026-02-22T10:00:00 08:00", false)]
    [InlineData("2026-02-22T10:00:00 +08:00", true)]
    [InlineData("2026-02-22", false)]              // ends in "-22", but that is the day
    [InlineData("10:00:00 2026-02-22", false)]
    public void HasOffset_looks_for_Z_or_a_signed_offset_at_the_end(string text, bool expected)
    {
        IsoInstant.HasOffset(text).ShouldBe(expected);
    }
}
