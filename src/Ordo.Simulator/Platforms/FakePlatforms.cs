using Ordo.Core.Orders;

namespace Ordo.Simulator.Platforms;

/// <summary>The fake of each platform Ordo can call.</summary>
public static class FakePlatforms
{
    public static IReadOnlyList<IFakePlatformApi> All { get; } = 
    [
        new TaobaoFake(), new JdFake(), new PinduoduoFake(), new DouyinFake(), new KuaishouFake(), new YouzanFake(), new ShopifyFake(), new WooCommerceFake(),
    ];

    public static IFakePlatformApi For(Platform platform) =>
        All.FirstOrDefault(f => f.Platforms.Contains(platform)) ?? throw new ArgumentException($"no fake for {platform.Name()}", nameof(platform));
}
