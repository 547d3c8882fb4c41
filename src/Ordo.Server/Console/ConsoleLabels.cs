using System.Globalization;
using Ordo.Core.Orders;

namespace Ordo.Server.Console;

/// <summary>Display names of statuses and platforms in the request's language.</summary>
public static class ConsoleLabels
{
    public static bool IsChinese => CultureInfo.CurrentUICulture.Name.StartsWith("zh", StringComparison.Ordinal);

    /// <summary>待人工复核 in Chinese (the merchants' words, <see cref="OrderStatuses.ChineseLabel"/>), "On hold" in English.</summary>
    public static string Status(OrderStatus status) => IsChinese ? status.ChineseLabel() : status switch
    {
        OrderStatus.PendingPayment => "Pending payment",
        OrderStatus.OnHold => "On hold",
        OrderStatus.RefundRequested => "Refund requested",
        _ => status.ToString(),
    };

    public static string Platform(Platform platform) => IsChinese ? platform switch
    {
        Core.Orders.Platform.Taobao => "淘宝",
        Core.Orders.Platform.Tmall => "天猫",
        Core.Orders.Platform.Jd => "京东",
        Core.Orders.Platform.Pinduoduo => "拼多多",
        Core.Orders.Platform.Douyin => "抖音",
        Core.Orders.Platform.Kuaishou => "快手",
        Core.Orders.Platform.Youzan => "有赞",
        Core.Orders.Platform.Wechat => "微信小程序",
        Core.Orders.Platform.Manual => "手工",
        _ => platform.ToString(),
    } : platform switch
    {
        Core.Orders.Platform.Jd => "JD",
        Core.Orders.Platform.Wechat => "WeChat",
        Core.Orders.Platform.Woocommerce => "WooCommerce",
        _ => platform.ToString(),
    };

    public static string Platform(string name) => Platforms.TryParse(name, out var p) ? Platform(p) : name;
}
