using System.Text.Json;
using Ordo.Core.Orders;

namespace Ordo.Core.Channels.Pinduoduo;

/// <summary>
/// Reads Pinduoduo's <c>pdd.order.information.get</c> order object (bare, or inside its response envelope
/// <c>{"order_info_get_response":{"order_info":{…}}}</c>) into the canonical order.
/// <list type="bullet">
/// <item>Money is yuan as a JSON number (<c>4.5</c>) or a decimal string; more than 2 decimals is refused, never rounded.</item>
/// <item>Times are China time <c>yyyy-MM-dd HH:mm:ss</c>; an empty string means "not yet".</item>
/// <item>Receiver fields hold ciphertext only while the order awaits shipment and is not risk-flagged, otherwise
/// empty strings (read as "not given"); <c>*_mask</c> fields hold masked copies. Neither ever reaches <see cref="Receiver"/>.</item>
/// <item>Pinduoduo gives no buyer id or nickname, so <see cref="CanonicalOrder.Buyer"/> stays null.</item>
/// </list>
/// </summary>
public sealed class PinduoduoOrderAdapter : IOrderAdapter
{
    public IReadOnlyList<Platform> Platforms { get; } = [Platform.Pinduoduo];

    private const string EnvelopeName = "order_info_get_response";

    /// <summary><c>order_status</c> once the order is concluded (<c>confirm_status</c> 1); 5 ("all") only exists as a query value.</summary>
    private static readonly Dictionary<long, (OrderStatus Status, string Meaning)> OrderStatuses = new()
    {
        [1] = (OrderStatus.Paid, "awaiting shipment"),
        [2] = (OrderStatus.Shipped, "shipped"),
        [3] = (OrderStatus.Delivered, "signed"),
    };

    private static readonly Dictionary<long, string> ConfirmStatuses = new()
    {
        [0] = "not concluded", [1] = "concluded", [2] = "cancelled",
    };

    private static readonly Dictionary<long, (Refund State, string Meaning)> RefundStatuses = new()
    {
        [1] = (Refund.None, "no after-sale or closed"),
        [2] = (Refund.InProgress, "after-sale in progress"),
        [3] = (Refund.InProgress, "refunding"),
        [4] = (Refund.Refunded, "refunded"),
    };

    /// <summary>
    /// <c>after_sales_status</c> (facts file, section 3). Exchanges, reshipments and repairs return no money, so they
    /// leave the order's status alone; a rejected refund still open to the buyer's answer (6) counts as in progress.
    /// </summary>
    private static readonly Dictionary<long, (Refund State, string Meaning)> AfterSalesStatuses = new()
    {
        [0] = (Refund.None, "none"),
        [2] = (Refund.InProgress, "refund requested"),
        [3] = (Refund.InProgress, "return and refund requested"),
        [4] = (Refund.InProgress, "seller agreed"),
        [5] = (Refund.InProgress, "platform agreed"),
        [6] = (Refund.InProgress, "rejected, awaiting the buyer"),
        [7] = (Refund.InProgress, "awaiting the buyer's return shipment"),
        [8] = (Refund.InProgress, "platform handling"),
        [9] = (Refund.None, "platform refused"),
        [10] = (Refund.Refunded, "refunded"),
        [11] = (Refund.None, "buyer withdrew"),
        [12] = (Refund.None, "buyer overdue"),
        [13] = (Refund.None, "buyer overdue"),
        [14] = (Refund.None, "exchange/reship"),
        [15] = (Refund.None, "exchange/reship"),
        [16] = (Refund.None, "exchange/reship"),
        [17] = (Refund.None, "exchange/reship"),
        [18] = (Refund.None, "exchange/reship"),
        [21] = (Refund.None, "repair"),
        [22] = (Refund.None, "repair"),
        [23] = (Refund.None, "repair"),
        [24] = (Refund.None, "repair"),
        [25] = (Refund.None, "repair"),
        [26] = (Refund.None, "repair"),
        [27] = (Refund.None, "repair"),
        [31] = (Refund.InProgress, "reject-delivery refund"),
        [32] = (Refund.None, "reship pending"),
    };

    private enum Refund { None, InProgress, Refunded }

    public ParseResult<CanonicalOrder> Parse(JsonElement native, ShopContext shop)
    {
        var r = new NativeReader();
        if (shop.Platform != Platform.Pinduoduo)
        {
            r.Error("$", $"shop platform '{shop.Platform.Name()}' is not read by the Pinduoduo adapter (expects pinduoduo)");
            return r.Fail();
        }
        if (Unwrap(native, r) is not (var o, var at)) return r.Fail();

        var orderSn = r.String(o, "order_sn", at, required: true, maxLength: CanonicalOrderParser.MaxIdLength);
        var status = ReadStatus(o, at, r);

        var createdAt = r.ChinaTime(o, "created_time", at, required: true);
        // pay_time is the payment itself; confirm_time (group formed and paid) stands in when pay_time is empty.
        var paidAt = r.ChinaTime(o, "pay_time", at) ?? r.ChinaTime(o, "confirm_time", at);
        var modifiedAt = r.ChinaTime(o, "updated_at", at, required: true);

        var lines = ReadLines(o, at, r);

        // goods_amount is the line total less the seller's price change; it is read so a malformed value is reported,
        // while Goods is the line total and the price change becomes part of the discount.
        r.Yuan(o, "goods_amount", at);
        var freight = r.Yuan(o, "postage", at) ?? 0m;
        var documentedDiscount = r.Yuan(o, "discount_amount", at) ?? 0m;
        var paid = r.Yuan(o, "pay_amount", at, required: true);

        var (receiver, privacy) = ReadReceiver(o, at, r);

        var buyerMessage = r.String(o, "buyer_memo", at, maxLength: CanonicalOrderParser.MaxTextLength) ?? "";
        var sellerMemo = r.String(o, "remark", at, maxLength: CanonicalOrderParser.MaxTextLength) ?? "";
        var tags = ReadFlag(o, at, r);

        return r.Result(() =>
        {
            var goods = lines.Sum(l => l.UnitPrice * l.Quantity);
            return new CanonicalOrder
            {
                Platform = shop.Platform,
                ShopCode = shop.ShopCode,
                PlatformOrderId = orderSn!,
                Status = status!.Value,
                CreatedAt = createdAt!.Value,
                PaidAt = paidAt,
                PlatformModifiedAt = modifiedAt,
                Currency = "CNY",
                Buyer = null,
                Receiver = receiver,
                ReceiverPrivacy = privacy,
                Lines = lines,
                Amounts = new OrderAmounts(goods, freight, ChannelAmounts.DiscountThatAddsUp(goods, freight, paid!.Value, documentedDiscount), paid.Value),
                BuyerMessage = buyerMessage,
                SellerMemo = sellerMemo,
                Tags = tags,
            };
        });
    }

    /// <summary>The order object and its JSON path prefix, or null (with an error) when neither form is found.</summary>
    private static (JsonElement Order, string At)? Unwrap(JsonElement native, NativeReader r)
    {
        if (native.ValueKind != JsonValueKind.Object)
        {
            r.Error("$", "a Pinduoduo order must be a JSON object (order_info or its order_info_get_response envelope)", native);
            return null;
        }
        if (NativeReader.Get(native, "error_response") is { } error)
        {
            r.Error("error_response", "the API answered with an error instead of an order", error);
            return null;
        }
        if (NativeReader.Get(native, EnvelopeName) is null) return (native, "");
        if (r.Object(native, EnvelopeName, "", required: true) is not { } envelope) return null;
        if (r.Object(envelope, "order_info", EnvelopeName, required: true) is not { } order) return null;
        return (order, EnvelopeName + ".order_info");
    }

    /// <summary>
    /// Cancellation and refunds come first: a refund that succeeded makes the order Refunded (also when it was
    /// cancelled after payment), a cancelled order is Cancelled, a refund in progress is RefundRequested; otherwise
    /// an unconcluded order awaits payment and a concluded one follows <c>order_status</c>.
    /// </summary>
    private static OrderStatus? ReadStatus(JsonElement o, string at, NativeReader r)
    {
        var orderStatus = Known(o, "order_status", at, r, OrderStatuses.Keys, k => OrderStatuses[k].Meaning, required: true);
        var confirmStatus = Known(o, "confirm_status", at, r, ConfirmStatuses.Keys, k => ConfirmStatuses[k], required: true);
        var refundStatus = Known(o, "refund_status", at, r, RefundStatuses.Keys, k => RefundStatuses[k].Meaning);
        var afterSales = Known(o, "after_sales_status", at, r, AfterSalesStatuses.Keys, k => AfterSalesStatuses[k].Meaning);
        if (orderStatus is null || confirmStatus is null) return null;

        var refund = (Refund)Math.Max(
            (int)(refundStatus is { } rs ? RefundStatuses[rs].State : Refund.None),
            (int)(afterSales is { } a ? AfterSalesStatuses[a].State : Refund.None));

        if (refund == Refund.Refunded) return OrderStatus.Refunded;
        if (confirmStatus == 2) return OrderStatus.Cancelled;
        if (refund == Refund.InProgress) return OrderStatus.RefundRequested;
        if (confirmStatus == 0) return OrderStatus.PendingPayment;
        return OrderStatuses[orderStatus.Value].Status;
    }

    /// <summary>A status code that must be one of <paramref name="known"/>; an unknown value names the value and the known ones.</summary>
    private static long? Known(
        JsonElement o, string name, string at, NativeReader r, IEnumerable<long> known, Func<long, string> meaning, bool required = false)
    {
        var value = r.Integer(o, name, at, required);
        if (value is null || known.Contains(value.Value)) return value;
        r.Error(NativeReader.Path(at, name),
            $"unknown {name} {value}; known: {string.Join(", ", known.Select(k => $"{k} ({meaning(k)})"))}", NativeReader.Get(o, name));
        return null;
    }

    private static List<OrderLine> ReadLines(JsonElement o, string at, NativeReader r)
    {
        var lines = new List<OrderLine>();
        var listPath = NativeReader.Path(at, "item_list");
        if (r.Array(o, "item_list", at, required: true) is not { } items) return lines;
        var count = items.GetArrayLength();
        if (count == 0) { r.Error(listPath, "must contain at least one item", items); return lines; }
        if (count > CanonicalOrderParser.MaxLines) { r.Error(listPath, $"has {count} items, at most {CanonicalOrderParser.MaxLines} are accepted"); return lines; }

        var i = 0;
        foreach (var item in items.EnumerateArray())
        {
            var p = $"{listPath}[{i++}]";
            if (item.ValueKind != JsonValueKind.Object) { r.Error(p, "must be an object", item); continue; }
            var skuId = r.String(item, "sku_id", p, maxLength: CanonicalOrderParser.MaxIdLength);
            var outerId = r.String(item, "outer_id", p, maxLength: CanonicalOrderParser.MaxIdLength);
            var title = r.String(item, "goods_name", p, maxLength: 512) ?? "";
            var quantity = r.Quantity(item, "goods_count", p);
            var unitPrice = r.Yuan(item, "goods_price", p, required: true);
            // Pinduoduo gives discounts per order only.
            if (quantity is { } q && unitPrice is { } price) lines.Add(new OrderLine(skuId, outerId, title, q, price, 0m));
        }
        return lines;
    }

    private static (Receiver? Receiver, ReceiverPrivacy? Privacy) ReadReceiver(JsonElement o, string at, NativeReader r)
    {
        var name = Classify(r.String(o, "receiver_name", at, maxLength: 2048));
        var phone = Classify(r.String(o, "receiver_phone", at, maxLength: 2048));
        // receiver_address is the detail without province/city/district; address is the full text, the fallback.
        var address = Classify(r.String(o, "receiver_address", at, maxLength: 4096) ?? r.String(o, "address", at, maxLength: 4096));
        // A *_mask field is a masked copy by definition, whatever it looks like.
        var maskedName = r.String(o, "receiver_name_mask", at, maxLength: 256);
        var maskedPhone = r.String(o, "receiver_phone_mask", at, maxLength: 64);
        var maskedAddress = r.String(o, "receiver_address_mask", at, maxLength: 1024) ?? r.String(o, "address_mask", at, maxLength: 1024);

        var province = r.String(o, "province", at, maxLength: 64);
        var city = r.String(o, "city", at, maxLength: 64);
        var district = r.String(o, "town", at, maxLength: 64);

        var receiver = new Receiver(name.Plain, phone.Plain, province, city, district, null, address.Plain, null);
        var privacy = new ReceiverPrivacy(
            name.Masked ?? maskedName, phone.Masked ?? maskedPhone, address.Masked ?? maskedAddress,
            name.Encrypted, phone.Encrypted, address.Encrypted);
        return (receiver == new Receiver(null, null, null, null, null, null, null, null) ? null : receiver, privacy.IsEmpty ? null : privacy);
    }

    /// <summary>
    /// Pinduoduo ciphertext: phone <c>$…$…$N$$</c> (recognised by <see cref="PersonalData"/>), name and address
    /// <c>~AgAAAA…~…~N~~</c> (third-party SDK samples, not in the facts file [U]), which <see cref="PersonalData"/>
    /// does not know, so it is recognised here.
    /// </summary>
    private static (string? Plain, string? Masked, string? Encrypted) Classify(string? value) =>
        value is { Length: > 2 } v && v[0] == '~' && v[^1] == '~' ? (null, null, v) : PersonalData.Classify(value);

    /// <summary><c>remark_tag</c>: the merchant's flag colour (1–5); 0 or absent means none.</summary>
    private static List<string> ReadFlag(JsonElement o, string at, NativeReader r)
    {
        var flag = r.Integer(o, "remark_tag", at);
        if (flag is null or 0) return [];
        // A colour added later is kept rather than refusing the order over a flag.
        if (flag < 0) { r.Error(NativeReader.Path(at, "remark_tag"), "must be a flag colour (0 none, 1 to 5)", NativeReader.Get(o, "remark_tag")); return []; }
        return [$"flag:{flag}"];
    }

}
