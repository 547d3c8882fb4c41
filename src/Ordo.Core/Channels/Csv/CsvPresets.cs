using Ordo.Core.Orders;

namespace Ordo.Core.Channels.Csv;

/// <summary>
/// How one export's columns map to canonical order fields (see <see cref="CsvFields"/>): for each field, the header
/// spellings accepted (compared after trimming, case-insensitively), the status texts the export writes, and the time
/// zone of offset-less times. Fields a preset does not list are absent from its exports.
/// </summary>
public sealed record CsvPreset(
    string Name,
    IReadOnlyDictionary<string, string[]> Columns,
    IReadOnlyDictionary<string, OrderStatus> Statuses,
    TimeSpan? LocalOffset,
    string? DefaultCurrency = null,
    string? GroupBy = null)
{
    /// <summary>The field whose value groups rows into orders (one row per line in every export).</summary>
    public string OrderKey => GroupBy ?? CsvFields.PlatformOrderId;
}

/// <summary>Canonical field names used as the generic preset's headers, plus a few preset-only helpers.</summary>
public static class CsvFields
{
    public const string PlatformOrderId = "platformOrderId";
    public const string Status = "status";
    public const string CreatedAt = "createdAt";
    public const string PaidAt = "paidAt";
    public const string ModifiedAt = "platformModifiedAt";
    public const string Currency = "currency";
    public const string BuyerNick = "buyerNick";
    public const string ReceiverName = "receiverName";
    public const string ReceiverPhone = "receiverPhone";
    public const string Province = "province";
    public const string City = "city";
    public const string District = "district";
    public const string Street = "street";
    public const string Address = "address";
    public const string PostalCode = "postalCode";
    /// <summary>The receiver's ID-card number (cross-border orders, for customs).</summary>
    public const string IdCard = "receiverIdCard";
    public const string Sku = "sku";
    public const string PlatformSkuId = "platformSkuId";
    public const string Title = "title";
    public const string Quantity = "quantity";
    public const string UnitPrice = "unitPrice";
    public const string LineDiscount = "lineDiscount";
    public const string Goods = "goods";
    public const string Freight = "freight";
    public const string Discount = "discount";
    public const string Paid = "paid";
    public const string BuyerMessage = "buyerMessage";
    public const string SellerMemo = "sellerMemo";
    // Preset-only helpers, never generic headers.
    /// <summary>Amount of the line (quantity × unit price) when an export has no unit price column.</summary>
    public const string LineTotal = "lineTotal";
    /// <summary>Shopify: the order name (#1001), on every row of the order, while the numeric Id is on the first only.</summary>
    public const string OrderName = "orderName";
    /// <summary>Shopify: fulfilment status and cancel time, which refine the financial status.</summary>
    public const string FulfillmentStatus = "fulfillmentStatus";
    public const string CancelledAt = "cancelledAt";

    public static readonly string[] Generic =
    [
        PlatformOrderId, Status, CreatedAt, PaidAt, ModifiedAt, Currency, BuyerNick, ReceiverName, ReceiverPhone, Province, City,
        District, Street, Address, PostalCode, IdCard, Sku, PlatformSkuId, Title, Quantity, UnitPrice, LineDiscount, Goods, Freight, Discount,
        Paid, BuyerMessage, SellerMemo,
    ];

    public static readonly HashSet<string> Money = [UnitPrice, LineDiscount, Goods, Freight, Discount, Paid, LineTotal];
    public static readonly HashSet<string> Instants = [CreatedAt, PaidAt, ModifiedAt, CancelledAt];

    /// <summary>Every preset needs these (or, for the unit price, a line amount).</summary>
    public static readonly string[] Required = [PlatformOrderId, Status, CreatedAt, Quantity];
}

/// <summary>
/// The presets, one per platform's seller-backend order export plus <c>generic</c>. The export formats are not
/// published as a specification: headers were taken from the platforms' help pages and sellers' guides where found,
/// and the ones not confirmed are marked [U] (unverified) — each field accepts a few spellings for that reason.
/// Every Chinese export writes China time (yyyy-MM-dd HH:mm:ss, +08:00) and yuan.
/// </summary>
public static class CsvPresets
{
    private static readonly TimeSpan ChinaTime = TimeSpan.FromHours(8);

    private static Dictionary<string, string[]> Cols(params (string Field, string[] Headers)[] columns) =>
        columns.ToDictionary(c => c.Field, c => c.Headers);

    private static Dictionary<string, OrderStatus> States(params (string Text, OrderStatus Status)[] states) =>
        states.ToDictionary(s => s.Text, s => s.Status, StringComparer.OrdinalIgnoreCase);

    public static readonly CsvPreset Generic = new("generic",
        CsvFields.Generic.ToDictionary(f => f, f => new[] { f }), States(), null);

    /// <summary>
    /// Taobao/Tmall 千牛 "订单报表" merged with the "宝贝报表" line columns (one row per line). Order columns as in the
    /// order report; [U] the line columns (标题/宝贝标题, 价格/宝贝单价, 购买数量/宝贝数量, 商家编码/外部系统编号) and the
    /// meaning of 买家应付货款 (taken as goods).
    /// </summary>
    public static readonly CsvPreset Taobao = new("taobao", Cols(
        (CsvFields.PlatformOrderId, ["订单编号", "订单号"]),
        (CsvFields.Status, ["订单状态"]),
        (CsvFields.CreatedAt, ["订单创建时间", "创建时间"]),
        (CsvFields.PaidAt, ["订单付款时间", "付款时间"]),
        (CsvFields.BuyerNick, ["买家会员名", "买家昵称"]),
        (CsvFields.ReceiverName, ["收货人姓名"]),
        (CsvFields.ReceiverPhone, ["联系手机", "联系电话"]),
        (CsvFields.Address, ["收货地址", "收货地址 "]),
        (CsvFields.Title, ["宝贝标题", "标题", "宝贝标题 "]),                  // [U] line title
        (CsvFields.Sku, ["商家编码", "外部系统编号", "商家外部编码"]),        // [U]
        (CsvFields.PlatformSkuId, ["SKU ID", "宝贝SKU ID", "skuId"]),          // [U]
        (CsvFields.Quantity, ["宝贝数量", "购买数量", "宝贝总数量"]),            // [U] per-line quantity
        (CsvFields.UnitPrice, ["价格", "宝贝单价", "单价"]),                  // [U]
        (CsvFields.Goods, ["买家应付货款"]),                                    // [U] taken as goods
        (CsvFields.Freight, ["买家应付邮费", "运费"]),
        (CsvFields.Paid, ["买家实际支付金额", "实际支付金额"]),
        (CsvFields.BuyerMessage, ["买家留言"]),
        (CsvFields.SellerMemo, ["订单备注", "商家备注"])),
        States(
            ("等待买家付款", OrderStatus.PendingPayment),
            ("买家已付款，等待卖家发货", OrderStatus.Paid), ("买家已付款,等待卖家发货", OrderStatus.Paid), ("等待卖家发货", OrderStatus.Paid),
            ("卖家部分发货", OrderStatus.Paid), // [U] partly shipped: still to ship
            ("卖家已发货，等待买家确认", OrderStatus.Shipped), ("卖家已发货,等待买家确认", OrderStatus.Shipped), ("卖家已发货", OrderStatus.Shipped),
            ("交易成功", OrderStatus.Completed),
            ("交易关闭", OrderStatus.Cancelled), ("付款以前，卖家或买家主动关闭交易", OrderStatus.Cancelled)),
        ChinaTime, "CNY");

    /// <summary>JD 京麦 order export. [U] 货号/商家SKU for the SKU, 京东价 as unit price, 应付金额 as paid.</summary>
    public static readonly CsvPreset Jd = new("jd", Cols(
        (CsvFields.PlatformOrderId, ["订单号", "订单编号"]),
        (CsvFields.Status, ["订单状态"]),
        (CsvFields.CreatedAt, ["下单时间"]),
        (CsvFields.PaidAt, ["付款确认时间", "付款时间"]),
        (CsvFields.BuyerNick, ["下单帐号", "下单账号"]),
        (CsvFields.ReceiverName, ["客户姓名", "收货人"]),
        (CsvFields.ReceiverPhone, ["联系电话", "收货人电话"]),
        (CsvFields.Address, ["客户地址", "收货地址"]),
        (CsvFields.PlatformSkuId, ["商品ID", "SKU"]),
        (CsvFields.Sku, ["货号", "商家SKU", "商家编码"]),                     // [U]
        (CsvFields.Title, ["商品名称"]),
        (CsvFields.Quantity, ["订购数量", "商品数量"]),
        (CsvFields.UnitPrice, ["京东价", "商品单价"]),                        // [U]
        (CsvFields.Goods, ["订单金额"]),                                      // [U]
        (CsvFields.Freight, ["运费金额", "运费"]),
        (CsvFields.Paid, ["应付金额", "实付金额"]),                            // [U]
        (CsvFields.BuyerMessage, ["订单备注"]),
        (CsvFields.SellerMemo, ["商家备注"])),
        States(
            ("等待付款", OrderStatus.PendingPayment), ("等待出库", OrderStatus.Paid), ("等待打印", OrderStatus.Paid),
            ("等待确认收货", OrderStatus.Shipped), ("等待发货", OrderStatus.Paid), ("完成", OrderStatus.Completed), ("已完成", OrderStatus.Completed),
            ("已取消", OrderStatus.Cancelled), ("取消", OrderStatus.Cancelled), ("锁定", OrderStatus.Cancelled)), // [U] 锁定
        ChinaTime, "CNY");

    /// <summary>Pinduoduo 商家后台 order export (one row per order: a line amount, no unit price). [U] 商家编码-SKU维度.</summary>
    public static readonly CsvPreset Pinduoduo = new("pinduoduo", Cols(
        (CsvFields.PlatformOrderId, ["订单号"]),
        (CsvFields.Status, ["订单状态"]),
        (CsvFields.CreatedAt, ["订单成交时间", "下单时间"]),                  // [U]
        (CsvFields.PaidAt, ["支付时间"]),
        (CsvFields.ReceiverName, ["收货人"]),
        (CsvFields.ReceiverPhone, ["手机", "收货人手机号"]),
        (CsvFields.Province, ["省"]), (CsvFields.City, ["市"]), (CsvFields.District, ["区"]), (CsvFields.Street, ["街道"]),
        (CsvFields.Address, ["详细地址", "收货地址"]),                         // [U]
        (CsvFields.Title, ["商品", "商品名称"]),
        (CsvFields.PlatformSkuId, ["样式ID", "商品id"]),                      // [U]
        (CsvFields.Sku, ["商家编码-SKU维度", "商家编码-规格维度", "商家编码"]),  // [U]
        (CsvFields.Quantity, ["商品数量(件)", "商品数量"]),
        (CsvFields.LineTotal, ["商品总价(元)", "商品总价"]),
        (CsvFields.Freight, ["邮费(元)", "邮费"]),
        (CsvFields.Discount, ["店铺优惠折扣(元)", "店铺优惠"]),                 // [U] platform discounts are not the shop's
        (CsvFields.Paid, ["用户实付金额(元)", "用户实付金额"]),
        (CsvFields.BuyerMessage, ["买家留言"]),
        (CsvFields.SellerMemo, ["商家备注"])),
        States(
            ("待支付", OrderStatus.PendingPayment), ("待付款", OrderStatus.PendingPayment),
            ("待发货", OrderStatus.Paid), ("已发货，待签收", OrderStatus.Shipped), ("已发货,待签收", OrderStatus.Shipped), ("已发货", OrderStatus.Shipped),
            ("已签收", OrderStatus.Delivered), ("已收货", OrderStatus.Delivered),
            ("已取消", OrderStatus.Cancelled), ("未发货，退款成功", OrderStatus.Refunded), ("已发货，退款成功", OrderStatus.Refunded), // [U]
            ("交易成功", OrderStatus.Completed)),
        ChinaTime, "CNY");

    /// <summary>Douyin 抖店 order export (one row per sub-order). [U] 优惠总金额, 订单应付金额.</summary>
    public static readonly CsvPreset Douyin = new("douyin", Cols(
        (CsvFields.PlatformOrderId, ["主订单编号", "订单编号"]),
        (CsvFields.Status, ["订单状态"]),
        (CsvFields.CreatedAt, ["订单提交时间", "下单时间"]),
        (CsvFields.PaidAt, ["支付完成时间", "支付时间"]),
        (CsvFields.BuyerNick, ["买家昵称"]),                                  // [U]
        (CsvFields.ReceiverName, ["收件人", "收货人"]),
        (CsvFields.ReceiverPhone, ["收件人手机号", "收件人电话"]),
        (CsvFields.Province, ["省"]), (CsvFields.City, ["市"]), (CsvFields.District, ["区"]), (CsvFields.Street, ["街道"]),
        (CsvFields.Address, ["详细地址", "收货地址"]),
        (CsvFields.Title, ["选购商品", "商品名称"]),
        (CsvFields.PlatformSkuId, ["商品ID"]),
        (CsvFields.Sku, ["商家编码", "商品编码"]),
        (CsvFields.Quantity, ["商品数量"]),
        (CsvFields.UnitPrice, ["商品单价"]),
        (CsvFields.Freight, ["运费"]),
        (CsvFields.Discount, ["商家优惠", "优惠总金额"]),                      // [U]
        (CsvFields.Paid, ["订单应付金额", "实付金额"]),                          // [U]
        (CsvFields.BuyerMessage, ["买家留言"]),
        (CsvFields.SellerMemo, ["商家备注"])),
        States(
            ("待支付", OrderStatus.PendingPayment), ("备货中", OrderStatus.Paid), ("待发货", OrderStatus.Paid),
            ("已发货", OrderStatus.Shipped), ("已完成", OrderStatus.Completed), ("已关闭", OrderStatus.Cancelled), ("已取消", OrderStatus.Cancelled)),
        ChinaTime, "CNY");

    /// <summary>Kuaishou 快手小店 order export. [U] most headers (成交数量, 实付款, 商家编码).</summary>
    public static readonly CsvPreset Kuaishou = new("kuaishou", Cols(
        (CsvFields.PlatformOrderId, ["订单号", "订单编号"]),
        (CsvFields.Status, ["订单状态"]),
        (CsvFields.CreatedAt, ["订单创建时间", "下单时间"]),
        (CsvFields.PaidAt, ["订单支付时间", "支付时间"]),
        (CsvFields.BuyerNick, ["买家昵称"]),
        (CsvFields.ReceiverName, ["收货人姓名", "收货人"]),
        (CsvFields.ReceiverPhone, ["收货人电话", "收货人手机号"]),
        (CsvFields.Address, ["收货地址"]),
        (CsvFields.Title, ["商品名称"]),
        (CsvFields.PlatformSkuId, ["商品ID", "SKU ID"]),
        (CsvFields.Sku, ["商家编码", "SKU编码"]),
        (CsvFields.Quantity, ["成交数量", "商品数量"]),
        (CsvFields.UnitPrice, ["商品单价", "单价"]),
        (CsvFields.Freight, ["运费"]),
        (CsvFields.Paid, ["实付款", "实付金额"]),
        (CsvFields.BuyerMessage, ["买家留言"]),
        (CsvFields.SellerMemo, ["商家备注"])),
        States(
            ("待付款", OrderStatus.PendingPayment), ("待发货", OrderStatus.Paid), ("已发货", OrderStatus.Shipped),
            ("已收货", OrderStatus.Delivered), ("交易成功", OrderStatus.Completed), ("交易关闭", OrderStatus.Cancelled), ("已关闭", OrderStatus.Cancelled)),
        ChinaTime, "CNY");

    /// <summary>Youzan 有赞 order export. [U] 规格编码, 订单实付金额.</summary>
    public static readonly CsvPreset Youzan = new("youzan", Cols(
        (CsvFields.PlatformOrderId, ["订单号"]),
        (CsvFields.Status, ["订单状态"]),
        (CsvFields.CreatedAt, ["下单时间", "订单创建时间"]),
        (CsvFields.PaidAt, ["付款时间", "支付时间"]),
        (CsvFields.BuyerNick, ["买家姓名", "粉丝昵称"]),
        (CsvFields.ReceiverName, ["收货人/提货人", "收货人"]),
        (CsvFields.ReceiverPhone, ["收货人手机号/提货人手机号", "收货人手机号"]),
        (CsvFields.Province, ["收货人省份"]), (CsvFields.City, ["收货人城市"]), (CsvFields.District, ["收货人地区"]),
        (CsvFields.Address, ["详细收货地址/提货地址", "详细收货地址"]),
        (CsvFields.Title, ["商品名称"]),
        (CsvFields.Sku, ["规格编码", "商品编码"]),                              // [U]
        (CsvFields.Quantity, ["商品数量"]),
        (CsvFields.UnitPrice, ["商品单价"]),
        (CsvFields.Freight, ["运费"]),
        (CsvFields.Paid, ["订单实付金额", "实付金额"]),                          // [U]
        (CsvFields.BuyerMessage, ["买家备注"]),
        (CsvFields.SellerMemo, ["商家订单备注", "商家备注"])),
        States(
            ("待付款", OrderStatus.PendingPayment), ("待发货", OrderStatus.Paid), ("已发货", OrderStatus.Shipped),
            ("已完成", OrderStatus.Completed), ("交易成功", OrderStatus.Completed), ("已关闭", OrderStatus.Cancelled), ("交易关闭", OrderStatus.Cancelled)),
        ChinaTime, "CNY");

    /// <summary>
    /// Shopify admin "Export orders" CSV (help.shopify.com, "Order export CSV structure": one row per line item, the
    /// order's fields only on its first row). Status from Financial Status, refined by Fulfillment Status and
    /// Cancelled at. [U] Id (numeric order id, used as platformOrderId when present, else Name).
    /// </summary>
    public static readonly CsvPreset Shopify = new("shopify", Cols(
        (CsvFields.OrderName, ["Name"]),
        (CsvFields.PlatformOrderId, ["Id"]),                                  // [U]
        (CsvFields.Status, ["Financial Status"]),
        (CsvFields.FulfillmentStatus, ["Fulfillment Status"]),
        (CsvFields.CancelledAt, ["Cancelled at"]),
        (CsvFields.CreatedAt, ["Created at"]),
        (CsvFields.PaidAt, ["Paid at"]),
        (CsvFields.Currency, ["Currency"]),
        (CsvFields.BuyerNick, ["Email"]),
        (CsvFields.ReceiverName, ["Shipping Name"]),
        (CsvFields.ReceiverPhone, ["Shipping Phone", "Phone"]),
        (CsvFields.Address, ["Shipping Address1", "Shipping Street"]),
        (CsvFields.City, ["Shipping City"]),
        (CsvFields.Province, ["Shipping Province", "Shipping Province Name"]),
        (CsvFields.PostalCode, ["Shipping Zip"]),
        (CsvFields.Title, ["Lineitem name"]),
        (CsvFields.Sku, ["Lineitem sku"]),
        (CsvFields.Quantity, ["Lineitem quantity"]),
        (CsvFields.UnitPrice, ["Lineitem price"]),
        (CsvFields.LineDiscount, ["Lineitem discount"]),
        (CsvFields.Goods, ["Subtotal"]),
        (CsvFields.Freight, ["Shipping"]),
        (CsvFields.Discount, ["Discount Amount"]),
        (CsvFields.Paid, ["Total"]),
        (CsvFields.BuyerMessage, ["Notes"])),
        States(
            ("pending", OrderStatus.PendingPayment), ("authorized", OrderStatus.PendingPayment), ("partially_paid", OrderStatus.PendingPayment),
            ("paid", OrderStatus.Paid), ("partially_refunded", OrderStatus.Paid), ("refunded", OrderStatus.Refunded), ("voided", OrderStatus.Cancelled)),
        null, null, CsvFields.OrderName);

    public static readonly IReadOnlyDictionary<string, CsvPreset> All =
        new[] { Generic, Taobao, Jd, Pinduoduo, Douyin, Kuaishou, Youzan, Shopify }
            .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>The preset of a shop's platform when none is named (Tmall uses Taobao's export), else generic.</summary>
    public static CsvPreset ForPlatform(Platform platform) => platform switch
    {
        Platform.Taobao or Platform.Tmall => Taobao,
        Platform.Jd => Jd,
        Platform.Pinduoduo => Pinduoduo,
        Platform.Douyin => Douyin,
        Platform.Kuaishou => Kuaishou,
        Platform.Youzan => Youzan,
        Platform.Shopify => Shopify,
        _ => Generic,
    };

    /// <summary>Preset names accepted by <c>?preset=</c>, with <c>tmall</c> as a spelling of Taobao's.</summary>
    public static CsvPreset? Find(string name) =>
        All.TryGetValue(name, out var p) ? p : string.Equals(name, "tmall", StringComparison.OrdinalIgnoreCase) ? Taobao : null;
}
