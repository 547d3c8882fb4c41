using System.Text.Json;
using Ordo.Core.Orders;

namespace Ordo.Core.Channels.Douyin;

/// <summary>
/// Reads Douyin shop's (抖店) <c>order.orderDetail</c> order (the bare <c>shop_order_detail</c>, or the response
/// <c>{"data":{"shop_order_detail":{…}}}</c>) into the canonical order.
/// <list type="bullet">
/// <item>Money is integer fen, converted to yuan; times are unix seconds (0 means "not yet").</item>
/// <item>The receiver arrives as ciphertext (<c>encrypt_post_receiver</c> and <c>post_addr.encrypt_detail</c> as
/// <c>##…#1##</c>, <c>encrypt_post_tel</c> as <c>$$…$1$$</c>) and masked copies (<c>mask_post_*</c>); both go to
/// <see cref="ReceiverPrivacy"/>, never to <see cref="Receiver"/>. <c>open_address_id</c> is kept for decryption.</item>
/// <item>Refunds are per line (<c>sku_order_list[].after_sale_info</c>): the order is Refunded only when every line is.</item>
/// </list>
/// </summary>
public sealed class DouyinOrderAdapter : IOrderAdapter
{
    public IReadOnlyList<Platform> Platforms { get; } = [Platform.Douyin];

    private static readonly Dictionary<long, (OrderStatus Status, string Meaning)> OrderStatuses = new()
    {
        [1] = (OrderStatus.PendingPayment, "awaiting confirmation/payment"),
        [105] = (OrderStatus.Paid, "paid"),
        [2] = (OrderStatus.Paid, "preparing"),
        // Part of the order left the warehouse: Ordo must not ship it again.
        [101] = (OrderStatus.Shipped, "partly shipped"),
        [3] = (OrderStatus.Shipped, "shipped"),
        [4] = (OrderStatus.Cancelled, "cancelled"),
        [5] = (OrderStatus.Completed, "completed"),
    };

    /// <summary><c>main_status</c>: the <c>order_status</c> values plus partial payment and refunds that closed the order.</summary>
    private static readonly Dictionary<long, (OrderStatus Status, string Meaning)> MainStatuses = new(OrderStatuses)
    {
        [103] = (OrderStatus.PendingPayment, "partly paid"),
        [21] = (OrderStatus.Refunded, "refunded before shipment"),
        [22] = (OrderStatus.Refunded, "refunded after shipment"),
        [39] = (OrderStatus.Refunded, "refunded after receipt"),
    };

    /// <summary>Line <c>after_sale_info.after_sale_status</c>; 0 (or absent) is what lines without an after-sale carry.</summary>
    private static readonly Dictionary<long, (Refund State, string Meaning)> AfterSaleStatuses = new()
    {
        [0] = (Refund.None, "none"),
        [6] = (Refund.InProgress, "requested"),
        [7] = (Refund.InProgress, "return in progress"),
        [11] = (Refund.InProgress, "return shipped"),
        [12] = (Refund.Refunded, "succeeded"),
        [27] = (Refund.None, "refused"),
        [28] = (Refund.None, "failed"),
        [29] = (Refund.None, "return refused"),
        [51] = (Refund.None, "cancelled"),
        [53] = (Refund.None, "reverse flow finished"),
    };

    /// <summary>Line <c>after_sale_info.refund_status</c>; 0 (or absent) means no refund.</summary>
    private static readonly Dictionary<long, string> RefundStatuses = new()
    {
        [0] = "none", [1] = "pending", [3] = "succeeded", [4] = "failed",
    };

    private enum Refund { None, InProgress, Refunded }

    public ParseResult<CanonicalOrder> Parse(JsonElement native, ShopContext shop)
    {
        var r = new NativeReader();
        if (shop.Platform != Platform.Douyin)
        {
            r.Error("$", $"shop platform '{shop.Platform.Name()}' is not read by the Douyin adapter (expects douyin)");
            return r.Fail();
        }
        if (Unwrap(native, r) is not (var o, var at)) return r.Fail();

        var orderId = r.String(o, "order_id", at, required: true, maxLength: CanonicalOrderParser.MaxIdLength);
        var orderStatus = Known(o, "order_status", at, r, OrderStatuses.Keys, k => OrderStatuses[k].Meaning, required: true);
        var mainStatus = Known(o, "main_status", at, r, MainStatuses.Keys, k => MainStatuses[k].Meaning);

        var createdAt = r.UnixSeconds(o, "create_time", at, required: true);
        var paidAt = r.UnixSeconds(o, "pay_time", at);
        var modifiedAt = r.UnixSeconds(o, "update_time", at, required: true);

        var lines = ReadLines(o, at, r);

        // order_amount is read so a malformed value is reported; Goods is the line total (they agree in practice).
        r.Fen(o, "order_amount", at);
        var freight = r.Fen(o, "post_amount", at) ?? 0m;
        var documentedDiscount = r.Fen(o, "promotion_amount", at) ?? 0m;
        var paid = r.Fen(o, "pay_amount", at, required: true);

        var (receiver, privacy) = ReadReceiver(o, at, r);
        var openAddressId = r.String(o, "open_address_id", at, maxLength: 256);
        var buyerId = r.String(o, "doudian_open_id", at, maxLength: 128);

        var buyerMessage = r.String(o, "buyer_words", at, maxLength: CanonicalOrderParser.MaxTextLength) ?? "";
        var sellerMemo = r.String(o, "seller_words", at, maxLength: CanonicalOrderParser.MaxTextLength) ?? "";
        var tags = ReadFlag(o, at, r);

        return r.Result(() =>
        {
            var goods = lines.Sum(l => l.Line.UnitPrice * l.Line.Quantity);
            return new CanonicalOrder
            {
                Platform = shop.Platform,
                ShopCode = shop.ShopCode,
                PlatformOrderId = orderId!,
                Status = Status(orderStatus!.Value, mainStatus, paidAt, lines.Select(l => l.Refund).ToList()),
                CreatedAt = createdAt!.Value,
                PaidAt = paidAt,
                PlatformModifiedAt = modifiedAt,
                Currency = "CNY",
                Buyer = buyerId is null ? null : new Buyer(null, buyerId),
                Receiver = receiver,
                ReceiverPrivacy = privacy,
                OpenAddressId = openAddressId,
                Lines = lines.Select(l => l.Line).ToList(),
                Amounts = new OrderAmounts(goods, freight, ChannelAmounts.DiscountThatAddsUp(goods, freight, paid!.Value, documentedDiscount), paid.Value),
                BuyerMessage = buyerMessage,
                SellerMemo = sellerMemo,
                Tags = tags,
            };
        });
    }

    private static (JsonElement Order, string At)? Unwrap(JsonElement native, NativeReader r)
    {
        if (native.ValueKind != JsonValueKind.Object)
        {
            r.Error("$", "a Douyin order must be a JSON object (shop_order_detail or its {\"data\":{\"shop_order_detail\":…}} response)", native);
            return null;
        }
        if (NativeReader.Get(native, "data") is null)
        {
            // An error response has code/msg and no data; an order always has order_id.
            if (NativeReader.Get(native, "order_id") is null && NativeReader.Get(native, "code") is not null)
            {
                r.Error("$", "the API answered with an error instead of an order", native);
                return null;
            }
            return (native, "");
        }
        if (r.Object(native, "data", "", required: true) is not { } data) return null;
        if (r.Object(data, "shop_order_detail", "data", required: true) is not { } order) return null;
        return (order, "data.shop_order_detail");
    }

    /// <summary>
    /// Refunds and cancellation first: a refund that closed the order (main_status 21/22/39) or covers every line
    /// makes it Refunded; a cancelled order is Cancelled, or Refunded when it had been paid (the payment went back);
    /// a line with an after-sale in progress makes it RefundRequested; otherwise main_status (more precise) or
    /// order_status. A line refund that finished while other lines remain leaves the order's own status.
    /// </summary>
    private static OrderStatus Status(long orderStatus, long? mainStatus, DateTimeOffset? paidAt, IReadOnlyList<Refund> lines)
    {
        var flow = mainStatus is { } m ? MainStatuses[m].Status : OrderStatuses[orderStatus].Status;
        if (flow == OrderStatus.Refunded || (lines.Count > 0 && lines.All(l => l == Refund.Refunded))) return OrderStatus.Refunded;
        if (flow == OrderStatus.Cancelled) return paidAt is null ? OrderStatus.Cancelled : OrderStatus.Refunded;
        if (lines.Any(l => l == Refund.InProgress)) return OrderStatus.RefundRequested;
        return flow;
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

    private static List<(OrderLine Line, Refund Refund)> ReadLines(JsonElement o, string at, NativeReader r)
    {
        var lines = new List<(OrderLine, Refund)>();
        var listPath = NativeReader.Path(at, "sku_order_list");
        if (r.Array(o, "sku_order_list", at, required: true) is not { } skus) return lines;
        var count = skus.GetArrayLength();
        if (count == 0) { r.Error(listPath, "must contain at least one sku order", skus); return lines; }
        if (count > CanonicalOrderParser.MaxLines) { r.Error(listPath, $"has {count} sku orders, at most {CanonicalOrderParser.MaxLines} are accepted"); return lines; }

        var i = 0;
        foreach (var sku in skus.EnumerateArray())
        {
            var p = $"{listPath}[{i++}]";
            if (sku.ValueKind != JsonValueKind.Object) { r.Error(p, "must be an object", sku); continue; }
            var skuId = r.String(sku, "sku_id", p, maxLength: CanonicalOrderParser.MaxIdLength);
            // code is the merchant code set in the Douyin back office; out_sku_id the external SKU id, the fallback.
            var merchantSku = r.String(sku, "code", p, maxLength: CanonicalOrderParser.MaxIdLength)
                ?? r.String(sku, "out_sku_id", p, maxLength: CanonicalOrderParser.MaxIdLength);
            var title = r.String(sku, "product_name", p, maxLength: 512) ?? "";
            var quantity = r.Quantity(sku, "item_num", p);
            var unitPrice = r.Fen(sku, "origin_amount", p, required: true);
            var promotion = r.Fen(sku, "promotion_amount", p);
            var skuPaid = r.Fen(sku, "pay_amount", p);
            var skuFreight = r.Fen(sku, "post_amount", p) ?? 0m;
            var refund = ReadAfterSale(sku, p, r);
            if (quantity is not { } q || unitPrice is not { } price) continue;

            // The line's discount: its promotion_amount, else what it paid below its value (its pay_amount less its
            // own freight) [U: that pay_amount includes the line's freight is inferred]; 0 when neither makes sense.
            var value = price * q;
            var discount = promotion ?? (skuPaid is { } sp ? value - (sp - skuFreight) : 0m);
            if (discount < 0 || discount > value) discount = 0m;
            lines.Add((new OrderLine(skuId, merchantSku, title, q, price, discount), refund));
        }
        return lines;
    }

    /// <summary>
    /// A line's refund state from <c>after_sale_info</c>. refund_status 3 (money returned) is decisive; status 12
    /// (after-sale succeeded) is a refund unless the refund is still pending (1) or failed (4); 6/7/11 are in
    /// progress; a pending refund_status alone counts as in progress, but not next to a closed after-sale
    /// (a buyer who withdraws leaves refund_status at 1 with after_sale_status 28).
    /// </summary>
    private static Refund ReadAfterSale(JsonElement sku, string p, NativeReader r)
    {
        var infoPath = NativeReader.Path(p, "after_sale_info");
        if (r.Object(sku, "after_sale_info", p) is not { } info) return Refund.None;
        var status = Known(info, "after_sale_status", infoPath, r, AfterSaleStatuses.Keys, k => AfterSaleStatuses[k].Meaning);
        var refundStatus = Known(info, "refund_status", infoPath, r, RefundStatuses.Keys, k => RefundStatuses[k]);
        if (refundStatus == 3) return Refund.Refunded;
        if (status is { } s and not 0)
        {
            var state = AfterSaleStatuses[s].State;
            if (state == Refund.Refunded) return refundStatus switch { 1 => Refund.InProgress, 4 => Refund.None, _ => Refund.Refunded };
            return state;
        }
        return refundStatus == 1 ? Refund.InProgress : Refund.None;
    }

    private static (Receiver? Receiver, ReceiverPrivacy? Privacy) ReadReceiver(JsonElement o, string at, NativeReader r)
    {
        var addrPath = NativeReader.Path(at, "post_addr");
        var maskPath = NativeReader.Path(at, "mask_post_addr");
        var addr = r.Object(o, "post_addr", at);
        var maskAddr = r.Object(o, "mask_post_addr", at);

        // Ciphertext fields first, then the older plain fields (which may themselves hold a mask or ciphertext).
        var name = Merge(
            PersonalData.Classify(r.String(o, "encrypt_post_receiver", at, maxLength: 2048)),
            PersonalData.Classify(r.String(o, "post_receiver", at, maxLength: 2048)));
        var phone = Merge(
            PersonalData.Classify(r.String(o, "encrypt_post_tel", at, maxLength: 2048)),
            PersonalData.Classify(r.String(o, "post_tel", at, maxLength: 2048)));
        var detail = addr is { } a
            ? Merge(
                PersonalData.Classify(r.String(a, "encrypt_detail", addrPath, maxLength: 4096)),
                PersonalData.Classify(r.String(a, "detail", addrPath, maxLength: 4096)))
            : default;
        // mask_post_* are masked copies by definition, whatever they look like.
        var maskedName = r.String(o, "mask_post_receiver", at, maxLength: 256);
        var maskedPhone = r.String(o, "mask_post_tel", at, maxLength: 64);
        var maskedDetail = maskAddr is { } ma ? r.String(ma, "detail", maskPath, maxLength: 1024) : null;

        string? Area(string level) =>
            (addr is { } a1 ? AreaName(a1, level, addrPath, r) : null) ?? (maskAddr is { } m1 ? AreaName(m1, level, maskPath, r) : null);

        var receiver = new Receiver(name.Plain, phone.Plain, Area("province"), Area("city"), Area("town"), Area("street"), detail.Plain, null);
        var privacy = new ReceiverPrivacy(
            name.Masked ?? maskedName, phone.Masked ?? maskedPhone, detail.Masked ?? maskedDetail,
            name.Encrypted, phone.Encrypted, detail.Encrypted);
        return (receiver == new Receiver(null, null, null, null, null, null, null, null) ? null : receiver, privacy.IsEmpty ? null : privacy);
    }

    /// <summary>An area level's <c>name</c> (<c>{"name":"福建省","id":"35"}</c>).</summary>
    private static string? AreaName(JsonElement address, string level, string at, NativeReader r) =>
        r.Object(address, level, at) is { } area ? r.String(area, "name", NativeReader.Path(at, level), maxLength: 64) : null;

    private static (string? Plain, string? Masked, string? Encrypted) Merge(
        (string? Plain, string? Masked, string? Encrypted) first, (string? Plain, string? Masked, string? Encrypted) second) =>
        (first.Plain ?? second.Plain, first.Masked ?? second.Masked, first.Encrypted ?? second.Encrypted);

    /// <summary><c>seller_remark_stars</c>: the merchant's flag (0 grey, the default, to 5 red); 1–5 become a tag.</summary>
    private static List<string> ReadFlag(JsonElement o, string at, NativeReader r)
    {
        var stars = r.Integer(o, "seller_remark_stars", at);
        if (stars is null or 0) return [];
        if (stars < 0) { r.Error(NativeReader.Path(at, "seller_remark_stars"), "must be a flag colour (0 to 5)", NativeReader.Get(o, "seller_remark_stars")); return []; }
        return [$"flag:{stars}"];
    }

}
