using System.Text.Json;
using Ordo.Core.Orders;

namespace Ordo.Core.Channels.Youzan;

/// <summary>
/// Reads Youzan (有赞) orders as <c>youzan.trade.get</c> returns them: the <c>full_order_info</c> object
/// <c>{order_info, buyer_info, address_info, pay_info, remark_info, orders[]}</c>, bare, as
/// <c>{"full_order_info":{…}}</c> or inside the response envelope <c>{"data":{"full_order_info":{…}}}</c>.
/// Money is yuan as decimal strings; times are China time <c>yyyy-MM-dd HH:mm:ss</c> ("" means "not yet").
/// </summary>
public sealed class YouzanOrderAdapter : IOrderAdapter
{
    public IReadOnlyList<Platform> Platforms { get; } = [Platform.Youzan];

    /// <summary>Tag for orders Youzan holds in WAIT_CONFIRM (a group buy still forming, or awaiting acceptance): paid, but not yet to be shipped.</summary>
    public const string WaitConfirmTag = "platform:wait-confirm";

    /// <summary><c>order_info.status</c>. TRADE_CLOSED is resolved by whether the order was ever paid.</summary>
    private static readonly Dictionary<string, OrderStatus> Statuses = new(StringComparer.Ordinal)
    {
        ["WAIT_BUYER_PAY"] = OrderStatus.PendingPayment,
        ["TRADE_PAID"] = OrderStatus.Paid,
        ["WAIT_CONFIRM"] = OrderStatus.Paid,
        ["WAIT_SELLER_SEND_GOODS"] = OrderStatus.Paid,
        ["WAIT_BUYER_CONFIRM_GOODS"] = OrderStatus.Shipped,
        ["TRADE_SUCCESS"] = OrderStatus.Completed,
        ["TRADE_CLOSED"] = OrderStatus.Cancelled,
    };

    /// <summary>
    /// <c>order_info.refund_state</c> [U: read from Youzan's trade documentation as recalled, not re-verified;
    /// the facts only show 0 in a real payload]: 0 none, 1 partial refund in progress, 2 partial refund done,
    /// 11 full refund in progress, 12 full refund done.
    /// </summary>
    private static readonly Dictionary<long, (bool InProgress, bool FullyRefunded)> RefundStates = new()
    {
        [0] = (false, false),
        [1] = (true, false),
        [2] = (false, false),
        [11] = (true, false),
        [12] = (false, true),
    };

    public ParseResult<CanonicalOrder> Parse(JsonElement native, ShopContext shop)
    {
        var r = new NativeReader();
        if (!Platforms.Contains(shop.Platform))
        {
            r.Error("$", $"the Youzan adapter reads only youzan orders, not {shop.Platform.Name()}");
            return r.Fail();
        }
        if (native.ValueKind != JsonValueKind.Object)
        {
            r.Error("$", "a Youzan order must be a JSON object", native);
            return r.Fail();
        }
        if (Unwrap(native, r) is not { } unwrapped) return r.Fail();
        var (order, root) = unwrapped;

        var infoPath = NativeReader.Path(root, "order_info");
        if (r.Object(order, "order_info", root, required: true) is not { } info) return r.Fail();

        var orderId = r.String(info, "tid", infoPath, required: true, maxLength: CanonicalOrderParser.MaxIdLength);
        var createdAt = r.ChinaTime(info, "created", infoPath, required: true);
        var paidAt = r.ChinaTime(info, "pay_time", infoPath);
        var modifiedAt = r.ChinaTime(info, "update_time", infoPath, required: true);
        var statusText = r.String(info, "status", infoPath, required: true, maxLength: 64);
        var status = ReadStatus(info, infoPath, statusText, paidAt is not null, r);

        var lines = ReadLines(order, root, r);
        var payPath = NativeReader.Path(root, "pay_info");
        decimal? paid = null, freight = null;
        if (r.Object(order, "pay_info", root, required: true) is { } pay)
        {
            paid = r.Yuan(pay, "payment", payPath, required: true);
            freight = r.Yuan(pay, "post_fee", payPath) ?? 0m;
        }

        var (receiver, privacy) = ReadReceiver(order, root, r);
        var buyer = ReadBuyer(order, root, r);
        var (buyerMessage, sellerMemo) = ReadRemarks(order, root, r);

        return r.Result(() =>
        {
            var goods = lines.Sum(l => l.UnitPrice * l.Quantity);
            // Youzan's pay_info.total_fee is the goods value before some promotions and does not always equal the
            // lines; the discount is what makes goods + freight − discount = payment. When the buyer paid more than
            // that, 0 is kept and Ordo's intake checks flag the mismatch instead of a negative discount.
            var discount = Math.Max(0m, goods + freight!.Value - paid!.Value);
            return new CanonicalOrder
            {
                Platform = shop.Platform,
                ShopCode = shop.ShopCode,
                PlatformOrderId = orderId!,
                Status = status!.Value,
                CreatedAt = createdAt!.Value,
                PaidAt = paidAt,
                PlatformModifiedAt = modifiedAt,
                Currency = "CNY",
                Buyer = buyer,
                Receiver = receiver,
                ReceiverPrivacy = privacy,
                Lines = FitLineDiscounts(lines, discount),
                Amounts = new OrderAmounts(goods, freight.Value, discount, paid.Value),
                BuyerMessage = buyerMessage,
                SellerMemo = sellerMemo,
                Tags = statusText == "WAIT_CONFIRM" ? [WaitConfirmTag] : [],
            };
        });
    }

    /// <summary>The <c>full_order_info</c> object and its JSON path prefix.</summary>
    private static (JsonElement Order, string Root)? Unwrap(JsonElement native, NativeReader r)
    {
        if (NativeReader.Get(native, "order_info") is not null) return (native, "");
        if (NativeReader.Get(native, "success") is { ValueKind: JsonValueKind.False })
        {
            var message = NativeReader.Get(native, "message") ?? NativeReader.Get(native, "msg");
            r.Error("success", $"the API answered an error{(message is { ValueKind: JsonValueKind.String } m ? $": {m.GetString()}" : "")}", native);
            return null;
        }
        if (NativeReader.Get(native, "full_order_info") is { ValueKind: JsonValueKind.Object } bare) return (bare, "full_order_info");
        foreach (var envelope in new[] { "data", "response" })
            if (NativeReader.Get(native, envelope) is { ValueKind: JsonValueKind.Object } data
                && NativeReader.Get(data, "full_order_info") is { ValueKind: JsonValueKind.Object } inner)
                return (inner, $"{envelope}.full_order_info");
        r.Error("full_order_info", "is required: expected a youzan.trade.get full_order_info object or its {\"data\":{\"full_order_info\":{…}}} envelope");
        return null;
    }

    private static OrderStatus? ReadStatus(JsonElement info, string infoPath, string? statusText, bool wasPaid, NativeReader r)
    {
        var refundPath = NativeReader.Path(infoPath, "refund_state");
        var refundCode = r.Integer(info, "refund_state", infoPath) ?? 0;
        if (!RefundStates.TryGetValue(refundCode, out var refund))
        {
            r.Error(refundPath, $"unknown refund state {refundCode}; expected one of: 0 (none), 1 (partial refund in progress), 2 (partial refund done), 11 (full refund in progress), 12 (full refund done)",
                NativeReader.Get(info, "refund_state"));
            return null;
        }
        if (statusText is null) return null;
        if (!Statuses.TryGetValue(statusText, out var status))
        {
            r.Error(NativeReader.Path(infoPath, "status"), $"unknown status '{statusText}'; expected one of: {string.Join(", ", Statuses.Keys)}", NativeReader.Get(info, "status"));
            return null;
        }
        // Youzan closes an order both when it was never paid and when it was refunded in full.
        if (statusText == "TRADE_CLOSED") return wasPaid || refund.FullyRefunded ? OrderStatus.Refunded : OrderStatus.Cancelled;
        if (status == OrderStatus.PendingPayment) return status;
        if (refund.FullyRefunded) return OrderStatus.Refunded;
        if (refund.InProgress) return OrderStatus.RefundRequested;
        return status; // a partial refund that is done leaves the order going on
    }

    /// <summary>
    /// <c>orders[]</c>: the merchant code is <c>outer_sku_id</c>, else the item's <c>outer_item_id</c> (items without
    /// specifications have no SKU code); <c>sku_id</c> 0 means the item has no SKU. A line's discount is its value
    /// minus its apportioned <c>payment</c> when Youzan gives that.
    /// </summary>
    private static List<OrderLine> ReadLines(JsonElement order, string root, NativeReader r)
    {
        var path = NativeReader.Path(root, "orders");
        var lines = new List<OrderLine>();
        if (r.Array(order, "orders", root, required: true) is not { } items) return lines;
        if (items.GetArrayLength() == 0) { r.Error(path, "must contain at least one line", items); return lines; }
        if (items.GetArrayLength() > CanonicalOrderParser.MaxLines) { r.Error(path, $"has {items.GetArrayLength()} lines, at most {CanonicalOrderParser.MaxLines} are accepted"); return lines; }

        var i = 0;
        foreach (var item in items.EnumerateArray())
        {
            var p = $"{path}[{i++}]";
            if (item.ValueKind != JsonValueKind.Object) { r.Error(p, "must be an object", item); continue; }
            var quantity = r.Quantity(item, "num", p);
            var price = r.Yuan(item, "price", p, required: true);
            var payment = r.Yuan(item, "payment", p);
            var skuId = r.String(item, "sku_id", p, maxLength: CanonicalOrderParser.MaxIdLength);
            var sku = r.String(item, "outer_sku_id", p, maxLength: CanonicalOrderParser.MaxIdLength)
                ?? r.String(item, "outer_item_id", p, maxLength: CanonicalOrderParser.MaxIdLength);
            var title = r.String(item, "title", p, maxLength: 512) ?? "";
            if (quantity is null || price is null) continue;
            var value = price.Value * quantity.Value;
            var discount = payment is { } paidForLine && paidForLine <= value ? value - paidForLine : 0m;
            lines.Add(new OrderLine(skuId is null or "0" ? null : skuId, sku, title, quantity.Value, price.Value, discount));
        }
        return lines;
    }

    /// <summary>
    /// Per-line discounts are kept only when together they fit inside the order's discount (the apportioned payments
    /// may include freight); otherwise they are dropped to 0 rather than guessed.
    /// </summary>
    private static List<OrderLine> FitLineDiscounts(List<OrderLine> lines, decimal orderDiscount) =>
        lines.Sum(l => l.Discount) <= orderDiscount ? lines : lines.Select(l => l with { Discount = 0m }).ToList();

    /// <summary><c>address_info</c>: name, phone and detailed address arrive plain or as <c>$…$1$</c> ciphertext.</summary>
    private static (Receiver?, ReceiverPrivacy?) ReadReceiver(JsonElement order, string root, NativeReader r)
    {
        var path = NativeReader.Path(root, "address_info");
        if (r.Object(order, "address_info", root) is not { } a) return (null, null);

        var name = PersonalData.Classify(r.String(a, "receiver_name", path, maxLength: 2048));
        var phone = PersonalData.Classify(r.String(a, "receiver_tel", path, maxLength: 2048));
        var address = PersonalData.Classify(r.String(a, "delivery_address", path, maxLength: 4096));

        var receiver = new Receiver(
            name.Plain, phone.Plain,
            r.String(a, "delivery_province", path, maxLength: 64), r.String(a, "delivery_city", path, maxLength: 64),
            r.String(a, "delivery_district", path, maxLength: 64), null,
            address.Plain, r.String(a, "delivery_postal_code", path, maxLength: 16));
        var privacy = new ReceiverPrivacy(name.Masked, phone.Masked, address.Masked, name.Encrypted, phone.Encrypted, address.Encrypted);
        return (receiver, privacy.IsEmpty ? null : privacy);
    }

    /// <summary><c>buyer_info</c>: <c>yz_open_id</c> and <c>fans_nickname</c>; a nickname sent as ciphertext is dropped, not shown.</summary>
    private static Buyer? ReadBuyer(JsonElement order, string root, NativeReader r)
    {
        var path = NativeReader.Path(root, "buyer_info");
        if (r.Object(order, "buyer_info", root) is not { } b) return null;
        var nick = r.String(b, "fans_nickname", path, maxLength: 2048);
        if (PersonalData.IsCiphertext(nick)) nick = null;
        else if (nick is { Length: > 128 }) { r.Error(NativeReader.Path(path, "fans_nickname"), $"is {nick.Length} characters long, at most 128 are accepted", nick); nick = null; }
        var openId = r.String(b, "yz_open_id", path, maxLength: 128);
        return nick is null && openId is null ? null : new Buyer(nick, openId);
    }

    /// <summary>
    /// <c>remark_info.buyer_message</c>, and <c>remark_info.trade_memo</c> as the seller's memo
    /// [U: trade_memo is Youzan's seller note as recalled; the facts name only buyer_message].
    /// </summary>
    private static (string BuyerMessage, string SellerMemo) ReadRemarks(JsonElement order, string root, NativeReader r)
    {
        var path = NativeReader.Path(root, "remark_info");
        if (r.Object(order, "remark_info", root) is not { } remarks) return ("", "");
        return (r.String(remarks, "buyer_message", path, maxLength: CanonicalOrderParser.MaxTextLength) ?? "",
            r.String(remarks, "trade_memo", path, maxLength: CanonicalOrderParser.MaxTextLength) ?? "");
    }
}
