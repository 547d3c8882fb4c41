namespace Ordo.Core.Orders;

/// <summary>A sales channel Ordo takes orders from. The JSON name is the lower-case word (e.g. <c>douyin</c>).</summary>
public enum Platform
{
    Taobao, Tmall, Jd, Pinduoduo, Douyin, Kuaishou, Youzan, Wechat, Shopify, Woocommerce, Manual,
}

public static class Platforms
{
    private static readonly Dictionary<string, Platform> ByName =
        Enum.GetValues<Platform>().ToDictionary(p => p.ToString().ToLowerInvariant(), p => p);

    public static IReadOnlyCollection<string> Names => ByName.Keys;

    public static bool TryParse(string? name, out Platform platform) => ByName.TryGetValue(name ?? "", out platform);

    public static string Name(this Platform platform) => platform.ToString().ToLowerInvariant();

    /// <summary>The two-letter code that starts every Ordo order number (DESIGN.md, "Global order number").</summary>
    public static string ChannelCode(this Platform platform) => platform switch
    {
        Platform.Taobao => "TB",
        Platform.Tmall => "TM",
        Platform.Jd => "JD",
        Platform.Pinduoduo => "PD",
        Platform.Douyin => "DY",
        Platform.Kuaishou => "KS",
        Platform.Youzan => "YZ",
        Platform.Wechat => "WX",
        Platform.Shopify => "SP",
        Platform.Woocommerce => "WC",
        Platform.Manual => "MA",
        _ => throw new ArgumentOutOfRangeException(nameof(platform)),
    };

    public static IReadOnlyCollection<string> ChannelCodes { get; } =
        Enum.GetValues<Platform>().Select(p => p.ChannelCode()).ToHashSet();

    /// <summary>
    /// The zone a platform's timestamps are documented to be in when they carry no offset, or null when it is not
    /// documented. The Chinese platforms document China time (UTC+8, no daylight saving); Shopify sends offsets,
    /// WooCommerce's local time is the shop's own zone, and manual entries could come from anywhere, so a
    /// timestamp without an offset from those is refused rather than guessed.
    /// </summary>
    public static TimeSpan? DocumentedLocalOffset(this Platform platform) => platform switch
    {
        Platform.Taobao or Platform.Tmall or Platform.Jd or Platform.Pinduoduo or Platform.Douyin
            or Platform.Kuaishou or Platform.Youzan or Platform.Wechat => ChinaTime.Offset,
        _ => null,
    };
}

/// <summary>China Standard Time: UTC+8 all year. Used for display and for the date in order numbers only.</summary>
public static class ChinaTime
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);

    public static DateOnly DateOf(DateTimeOffset instant) => DateOnly.FromDateTime(instant.ToOffset(Offset).DateTime);
}
