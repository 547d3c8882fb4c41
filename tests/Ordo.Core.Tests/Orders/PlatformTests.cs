using Ordo.Core.Orders;
using Shouldly;
using Xunit;

namespace Ordo.Core.Tests.Orders;

public class PlatformTests
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);

    public static TheoryData<Platform, string, string, TimeSpan?> All => new()
    {
        { Platform.Taobao, "taobao", "TB", China },
        { Platform.Tmall, "tmall", "TM", China },
        { Platform.Jd, "jd", "JD", China },
        { Platform.Pinduoduo, "pinduoduo", "PD", China },
        { Platform.Douyin, "douyin", "DY", China },
        { Platform.Kuaishou, "kuaishou", "KS", China },
        { Platform.Youzan, "youzan", "YZ", China },
        { Platform.Wechat, "wechat", "WX", China },
        { Platform.Shopify, "shopify", "SP", null },
        { Platform.Woocommerce, "woocommerce", "WC", null },
        { Platform.Manual, "manual", "MA", null },
    };

    [Theory]
    [MemberData(nameof(All))]
    public void Each_platform_has_its_name_channel_code_and_documented_zone(Platform platform, string name, string code, TimeSpan? offset)
    {
        platform.Name().ShouldBe(name);
        Platforms.TryParse(name, out var parsed).ShouldBeTrue();
        parsed.ShouldBe(platform);
        platform.ChannelCode().ShouldBe(code);
        platform.DocumentedLocalOffset().ShouldBe(offset);
    }

    [Fact]
    public void The_table_covers_every_platform()
    {
        All.Count().ShouldBe(Enum.GetValues<Platform>().Length);
        Platforms.Names.Count.ShouldBe(11);
        Platforms.ChannelCodes.Count.ShouldBe(11);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Douyin")]
    [InlineData("DY")]
    [InlineData("tiktok")]
    [InlineData(" douyin")]
    public void Unknown_platform_names_are_refused(string? name) =>
        Platforms.TryParse(name, out _).ShouldBeFalse();

    [Fact]
    public void An_undefined_platform_value_has_no_channel_code() =>
        Should.Throw<ArgumentOutOfRangeException>(() => ((Platform)99).ChannelCode());

    [Theory]
    [InlineData("2026-02-21T15:59:59Z", "2026-02-21")]
    [InlineData("2026-02-21T16:00:00Z", "2026-02-22")]
    [InlineData("2026-02-22T23:59:59+08:00", "2026-02-22")]
    [InlineData("2026-02-22T00:00:00-05:00", "2026-02-22")]
    [InlineData("2026-02-22T12:00:00-05:00", "2026-02-23")]
    [InlineData("2026-12-31T16:00:00Z", "2027-01-01")]
    public void ChinaTime_gives_the_date_in_UTC_plus_8(string instant, string date)
    {
        ChinaTime.DateOf(DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture))
            .ShouldBe(DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture));
        ChinaTime.Offset.ShouldBe(China);
    }
}
