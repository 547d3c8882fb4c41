using Ordo.Core.Orders;

namespace Ordo.Simulator.Platforms;

/// <summary>The fake of each platform Ordo can call.</summary>
public static class FakePlatforms
{
    public static IReadOnlyList<IFakePlatformApi> All { get; } = [];

    public static IFakePlatformApi For(Platform platform) =>
        All.FirstOrDefault(f => f.Platforms.Contains(platform)) ?? throw new ArgumentException($"no fake for {platform.Name()}", nameof(platform));
}
