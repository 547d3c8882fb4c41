using Ordo.Core.Channels;
using Ordo.Core.Orders;

namespace Ordo.Server.Channels;

/// <summary>Which adapter reads a platform's native orders and which push format its HTTP pushes use.</summary>
public sealed class ChannelRegistry
{
    private readonly Dictionary<Platform, IOrderAdapter> _adapters = [];
    private readonly Dictionary<Platform, IPushFormat> _pushFormats = [];

    public ChannelRegistry(IEnumerable<IOrderAdapter> adapters, IEnumerable<IPushFormat> pushFormats)
    {
        foreach (var adapter in adapters)
            foreach (var platform in adapter.Platforms) _adapters[platform] = adapter;
        foreach (var format in pushFormats)
            foreach (var platform in format.Platforms) _pushFormats[platform] = format;
    }

    public IOrderAdapter? Adapter(Platform platform) => _adapters.GetValueOrDefault(platform);

    public IPushFormat? PushFormat(Platform platform) => _pushFormats.GetValueOrDefault(platform);

    public IReadOnlyCollection<Platform> PlatformsWithAdapters => _adapters.Keys;
}
