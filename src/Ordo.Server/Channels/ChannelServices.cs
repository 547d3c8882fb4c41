using Ordo.Core.Channels;
using Ordo.Core.Channels.Douyin;
using Ordo.Core.Channels.Jd;
using Ordo.Core.Channels.Kuaishou;
using Ordo.Core.Channels.Pinduoduo;
using Ordo.Core.Channels.Shopify;
using Ordo.Core.Channels.Taobao;
using Ordo.Core.Channels.WooCommerce;
using Ordo.Core.Channels.Youzan;

namespace Ordo.Server.Channels;

public static class ChannelServices
{
    /// <summary>Every platform adapter and push format Ordo ships with, and the registry that finds them by platform.</summary>
    public static IServiceCollection AddChannels(this IServiceCollection services)
    {
        services.AddSingleton<IOrderAdapter, TaobaoOrderAdapter>();
        services.AddSingleton<IPlatformApi, TaobaoApi>();
        services.AddSingleton<IPushFormat, TaobaoTmcMessages>();
        services.AddSingleton<IOrderAdapter, JdOrderAdapter>();
        services.AddSingleton<IPlatformApi, JdApi>();
        services.AddSingleton<IOrderAdapter, PinduoduoOrderAdapter>();
        services.AddSingleton<IPushFormat, PinduoduoPmcMessages>();
        services.AddSingleton<IPlatformApi, PinduoduoApi>();
        services.AddSingleton<IOrderAdapter, DouyinOrderAdapter>();
        services.AddSingleton<IPushFormat, DouyinPush>();
        services.AddSingleton<IPlatformApi, DouyinApi>();
        services.AddSingleton<IOrderAdapter, KuaishouOrderAdapter>();
        services.AddSingleton<IPlatformApi, KuaishouApi>();
        services.AddSingleton<IPushFormat, KuaishouPush>();
        services.AddSingleton<IOrderAdapter, YouzanOrderAdapter>();
        services.AddSingleton<IPlatformApi, YouzanApi>();
        services.AddSingleton<IPushFormat, YouzanPush>();
        services.AddSingleton<IOrderAdapter, ShopifyOrderAdapter>();
        services.AddSingleton<IPlatformApi, ShopifyApi>();
        services.AddSingleton<IPushFormat, ShopifyWebhook>();
        services.AddSingleton<IOrderAdapter, WooCommerceOrderAdapter>();
        services.AddSingleton<IPlatformApi, WooCommerceApi>();
        services.AddSingleton<IPushFormat, WooCommerceWebhook>();
        services.AddSingleton<ChannelRegistry>();
        services.AddSingleton<ShopDirectory>();
        services.AddSingleton<PushReceiver>();
        services.AddSingleton<IPushTransport, PinduoduoPmcTransport>();
        services.AddHostedService<PushTransportHost>();
        services.AddHttpClient(PlatformCaller.HttpClientName);
        services.AddSingleton<PlatformCaller>();
        services.AddSingleton<Jobs.IJobHandler, PullSync>();
        services.AddSingleton<Jobs.IJobHandler, FetchOrder>();
        services.AddSingleton<Jobs.IJobHandler, WriteBackDelivery>();
        services.AddSingleton<Jobs.IJobHandler, StockPush>();
        return services;
    }
}
