using Ordo.Core.Channels;
using Ordo.Core.Orders;

namespace Ordo.Server.Channels;

/// <summary>Which adapter reads a platform's native orders, which push format its HTTP pushes use, and which API client calls it.</summary>
public sealed class ChannelRegistry
{
    private readonly Dictionary<Platform, IOrderAdapter> _adapters = [];
    private readonly Dictionary<Platform, IPushFormat> _pushFormats = [];
    private readonly Dictionary<Platform, IPlatformApi> _apis = [];

    public ChannelRegistry(IEnumerable<IOrderAdapter> adapters, IEnumerable<IPushFormat> pushFormats, IEnumerable<IPlatformApi> apis)
    {
        foreach (var api in apis)
            foreach (var platform in api.Platforms) _apis[platform] = api;
        foreach (var adapter in adapters)
            foreach (var platform in adapter.Platforms) _adapters[platform] = adapter;
        foreach (var format in pushFormats)
            foreach (var platform in format.Platforms) _pushFormats[platform] = format;
    }

    public IOrderAdapter? Adapter(Platform platform) => _adapters.GetValueOrDefault(platform);

    public IPushFormat? PushFormat(Platform platform) => _pushFormats.GetValueOrDefault(platform);

    /// <summary>The platform's order API (pull, fetch, write-back), or null when Ordo cannot call it.</summary>
    public IPlatformApi? Api(Platform platform) => _apis.GetValueOrDefault(platform);

    public IReadOnlyCollection<Platform> PlatformsWithAdapters => _adapters.Keys;
}
