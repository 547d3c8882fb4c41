using System.Text.Json;
using Ordo.Core.Orders;

namespace Ordo.Core.Channels.Jd;

/// <summary>
/// Reads a JD POP order as <c>jingdong.pop.order.get</c> / <c>jingdong.pop.order.search</c> return it (JOS). Accepts
/// the bare order (<c>{"orderId": …}</c>), <c>{"orderInfo": {…}}</c>, <c>{"orderDetailInfo": {"orderInfo": {…}}}</c> and
/// the full response <c>{"jingdong_pop_order_get_responce": {"orderDetailInfo": {"orderInfo": {…}}}}</c> (JOS spells it
/// "responce"). A search response holds a list and is split by the caller. Money is yuan strings, times China time;
/// <c>paymentConfirmTime</c> <c>0001-01-01 00:00:00</c> means unpaid. Error paths are native JSON paths as they occur
/// in the payload given. Pure and thread-safe.
/// </summary>
public sealed class JdOrderAdapter : IOrderAdapter
{
    public const string ResponseEnvelope = "jingdong_pop_order_get_responce";
    public const string NotYet = "0001-01-01 00:00:00";

    /// <summary>Tag for <c>LOCKED</c>: JD locked the order (e.g. a cancellation being reviewed); do not ship it.</summary>
    public const string LockedTag = "platform:locked";
    /// <summary>Tag for <c>PAUSE</c> / <c>POP_ORDER_PAUSE</c>: JD paused the order; do not ship it.</summary>
    public const string PausedTag = "platform:paused";

    public IReadOnlyList<Platform> Platforms { get; } = [Platform.Jd];

    private enum Kind { AwaitingShipment, Shipped, Delivered, Completed, Cancelled, Locked, Paused }

    /// <summary>
    /// Every documented <c>orderState</c>. States awaiting shipment (and locked/paused ones) are Paid, or PendingPayment
    /// while <c>paymentConfirmTime</c> is unset; the refund side is not in the order payload (it comes from the
    /// after-sales API, <c>jingdong.asc.*</c> [U]).
    /// </summary>
    private static readonly Dictionary<string, Kind> OrderStates = new(StringComparer.Ordinal)
    {
        ["WAIT_SELLER_STOCK_OUT"] = Kind.AwaitingShipment,
        ["WAIT_SELLER_DELIVERY"] = Kind.AwaitingShipment,         // cross-border: waiting for domestic shipment
        ["WAIT_SEND_CODE"] = Kind.AwaitingShipment,               // LOC: code to be sent
        ["SEND_TO_DISTRIBUTION_CENER"] = Kind.Shipped,            // LBP/SOPL: on its way to JD's distribution centre (JD's spelling)
        ["DISTRIBUTION_CENTER_RECEIVED"] = Kind.Shipped,          // LBP/SOPL: JD's distribution centre has it
        ["WAIT_GOODS_RECEIVE_CONFIRM"] = Kind.Shipped,
        // 收款确认（服务完成）: LBP/SOPL, the buyer received the goods and paid; FINISHED_L still follows.
        ["RECEIPTS_CONFIRM"] = Kind.Delivered,
        ["FINISHED_L"] = Kind.Completed,
        ["TRADE_CANCELED"] = Kind.Cancelled,
        ["LOCKED"] = Kind.Locked,
        ["PAUSE"] = Kind.Paused,                                  // LOC orders
        ["POP_ORDER_PAUSE"] = Kind.Paused,
    };

    public static IReadOnlyCollection<string> KnownOrderStates => OrderStates.Keys;

    public ParseResult<CanonicalOrder> Parse(JsonElement native, ShopContext shop)
    {
        var r = new NativeReader();
        if (!Platforms.Contains(shop.Platform))
        {
            r.Error("$", $"the JD adapter reads JD orders, not {shop.Platform.Name()}", (string?)null);
            return r.Fail();
        }
        if (Unwrap(native, r) is not { } found) return r.Fail();
        var (order, at) = found;

        var platformOrderId = r.String(order, "orderId", at, required: true, maxLength: CanonicalOrderParser.MaxIdLength);
        var createdAt = r.ChinaTime(order, "orderStartTime", at, required: true);
        var paidAt = r.ChinaTime(order, "paymentConfirmTime", at, nullValues: NotYet);
        var modifiedAt = r.ChinaTime(order, "modified", at, required: true, nullValues: NotYet);

        var tags = new List<string>();
        var status = StatusOf(order, at, r, paidAt is not null, tags);
        var lines = ReadLines(order, at, r);

        var goods = r.Yuan(order, "orderTotalPrice", at) ?? lines.Sum(l => l.UnitPrice * l.Quantity);
        var freight = r.Yuan(order, "freightPrice", at) ?? 0m;
        var sellerDiscount = r.Yuan(order, "sellerDiscount", at) ?? 0m;
        var payment = r.Yuan(order, "orderPayment", at, required: true);
        var balanceUsed = r.Yuan(order, "balanceUsed", at) ?? 0m;

        var (receiver, privacy, consigneeOaid) = ReadConsignee(order, at, r);
        var oaid = r.String(order, "oaid", at, maxLength: 256) ?? consigneeOaid;
        var pin = r.String(order, "pin", at, maxLength: 128);
        var buyerId = r.String(order, "open_id_buyer", at, maxLength: 256) ?? r.String(order, "xid_buyer", at, maxLength: 256);
        var buyerMessage = r.String(order, "orderRemark", at, maxLength: CanonicalOrderParser.MaxTextLength) ?? "";
        var sellerMemo = r.String(order, "venderRemark", at, maxLength: CanonicalOrderParser.MaxTextLength) ?? "";

        return r.Result(() =>
        {
            // orderPayment is what the buyer still pays after discounts and after the JD balance used, so the buyer paid
            // orderPayment + balanceUsed: the balance is a way of paying, not a discount. The total discount is then
            // whatever makes goods + freight − discount = paid (seller discount plus JD's coupons and promotions); when
            // the numbers give a negative discount (tax or service fees on top), the seller discount is kept and the
            // intake checks hold the order for a person.
            var paid = payment!.Value + balanceUsed;
            var discount = ChannelAmounts.DiscountThatAddsUp(goods, freight, paid, sellerDiscount);
            return new CanonicalOrder
            {
                Platform = shop.Platform,
                ShopCode = shop.ShopCode,
                PlatformOrderId = platformOrderId!,
                Status = status!.Value,
                CreatedAt = createdAt!.Value,
                PaidAt = paidAt,
                PlatformModifiedAt = modifiedAt,
                Currency = "CNY",
                Buyer = pin is null && buyerId is null ? null : new Buyer(pin, buyerId),
                Receiver = receiver,
                ReceiverPrivacy = privacy,
                Oaid = oaid,
                Lines = lines,
                Amounts = new OrderAmounts(goods, freight, discount, paid),
                BuyerMessage = buyerMessage,
                SellerMemo = sellerMemo,
                Tags = tags,
            };
        });
    }

    /// <summary>Finds the order object and the JSON path it sits at; JOS error answers are reported as such.</summary>
    private static (JsonElement Order, string Path)? Unwrap(JsonElement native, NativeReader r)
    {
        if (native.ValueKind != JsonValueKind.Object)
        {
            r.Error("$", "a JD order must be a JSON object", native);
            return null;
        }
        if (NativeReader.Get(native, "error_response") is { } error)
        {
            var desc = NativeReader.Get(error, "zh_desc") ?? NativeReader.Get(error, "en_desc");
            r.Error("error_response", $"JOS returned an error instead of an order{(desc is { ValueKind: JsonValueKind.String } d ? ": " + d.GetString() : "")}", error);
            return null;
        }
        var (holder, at) = (native, "");
        if (NativeReader.Get(native, ResponseEnvelope) is not null)
        {
            if (r.Object(native, ResponseEnvelope, "", required: true) is not { } response) return null;
            if (r.Object(response, "orderDetailInfo", ResponseEnvelope, required: true) is not { } detail) return null;
            (holder, at) = (detail, $"{ResponseEnvelope}.orderDetailInfo");
        }
        else if (NativeReader.Get(native, "orderDetailInfo") is not null)
        {
            if (r.Object(native, "orderDetailInfo", "", required: true) is not { } detail) return null;
            (holder, at) = (detail, "orderDetailInfo");
        }
        if (at.Length > 0 || NativeReader.Get(native, "orderInfo") is not null)
        {
            // orderDetailInfo.apiResult.success = false comes with an empty answer and JD's reason.
            if (NativeReader.Get(holder, "apiResult") is { } result && NativeReader.Get(result, "success") is { ValueKind: JsonValueKind.False })
            {
                var reason = NativeReader.Get(result, "chineseErrCode") ?? NativeReader.Get(result, "englishErrCode");
                r.Error(NativeReader.Path(at, "apiResult"), $"JOS did not return the order{(reason is { ValueKind: JsonValueKind.String } s ? ": " + s.GetString() : "")}", result);
                return null;
            }
            return r.Object(holder, "orderInfo", at, required: true) is { } info ? (info, NativeReader.Path(at, "orderInfo")) : null;
        }
        // A bare order is known by its id or state, so that one missing its id is named as such.
        if (NativeReader.Get(native, "orderId") is not null || NativeReader.Get(native, "orderState") is not null) return (native, "");
        r.Error("$", $"not a JD order: expected {{\"orderId\":…}}, {{\"orderInfo\":{{…}}}} or {{\"{ResponseEnvelope}\":{{\"orderDetailInfo\":{{\"orderInfo\":{{…}}}}}}}}", native);
        return null;
    }

    private static OrderStatus? StatusOf(JsonElement order, string at, NativeReader r, bool paid, List<string> tags)
    {
        if (r.String(order, "orderState", at, required: true, maxLength: 64) is not { } text) return null;
        if (!OrderStates.TryGetValue(text, out var kind))
        {
            r.Error(NativeReader.Path(at, "orderState"), $"unknown order state '{text}'; expected one of: {string.Join(", ", OrderStates.Keys)}", NativeReader.Get(order, "orderState"));
            return null;
        }
        var waiting = paid ? OrderStatus.Paid : OrderStatus.PendingPayment;
        switch (kind)
        {
            case Kind.Locked: tags.Add(LockedTag); return waiting;
            case Kind.Paused: tags.Add(PausedTag); return waiting;
            case Kind.AwaitingShipment: return waiting;
            case Kind.Shipped: return OrderStatus.Shipped;
            case Kind.Delivered: return OrderStatus.Delivered;
            case Kind.Completed: return OrderStatus.Completed;
            // The payload has no refund state, so a cancellation after payment is still Cancelled here; the
            // after-sales side (and ChannelStatusSync, for orders already shipped) decides about refunds.
            default: return OrderStatus.Cancelled;
        }
    }

    private static List<OrderLine> ReadLines(JsonElement order, string at, NativeReader r)
    {
        var lines = new List<OrderLine>();
        var arrayPath = NativeReader.Path(at, "itemInfoList");
        if (r.Array(order, "itemInfoList", at) is not { } array)
        {
            if (NativeReader.Get(order, "itemInfoList") is null) r.Error(arrayPath, "is required: an order needs at least one item");
            return lines;
        }
        var count = array.GetArrayLength();
        if (count == 0) { r.Error(arrayPath, "must contain at least one item", array); return lines; }
        if (count > CanonicalOrderParser.MaxLines) { r.Error(arrayPath, $"has {count} items, at most {CanonicalOrderParser.MaxLines} are accepted", (string?)null); return lines; }

        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            var p = $"{arrayPath}[{i++}]";
            if (item.ValueKind != JsonValueKind.Object) { r.Error(p, "must be an object", item); continue; }
            var quantity = r.Quantity(item, "itemTotal", p);   // a string in the SDK types ("1"), a number accepted too
            var price = r.Yuan(item, "jdPrice", p, required: true);
            var skuId = r.String(item, "skuId", p, maxLength: CanonicalOrderParser.MaxIdLength);
            var sku = r.String(item, "outerSkuId", p, maxLength: CanonicalOrderParser.MaxIdLength);
            var title = r.String(item, "skuName", p, maxLength: 512) ?? "";
            // The item list gives no per-line discount; coupons sit in couponDetailList and end up in the order's discount.
            if (quantity is { } q && price is { } unitPrice) lines.Add(new OrderLine(skuId, sku, title, q, unitPrice, 0m));
        }
        return lines;
    }

    /// <summary>
    /// <c>consigneeInfo</c>: JD sends name and address encrypted (base64 ciphertext) and the mobile masked
    /// (<c>136*******5</c>) or encrypted; plain values go to <see cref="Receiver"/>, the rest to
    /// <see cref="ReceiverPrivacy"/>. <c>desen_mobile</c>/<c>desen_telephone</c> are taken as the masked phone only when
    /// they are a mask: samples also show a long hex token there [U], which is neither the number nor a mask.
    /// </summary>
    private static (Receiver?, ReceiverPrivacy?, string? Oaid) ReadConsignee(JsonElement order, string at, NativeReader r)
    {
        var p = NativeReader.Path(at, "consigneeInfo");
        if (r.Object(order, "consigneeInfo", at) is not { } c) return (null, null, null);
        var name = Classify(r.String(c, "fullname", p, maxLength: 2048));
        var mobile = Classify(r.String(c, "mobile", p, maxLength: 2048));
        var telephone = Classify(r.String(c, "telephone", p, maxLength: 2048));
        var address = Classify(r.String(c, "fullAddress", p, maxLength: 4096));
        var desensitised = new[] { r.String(c, "desen_mobile", p, maxLength: 256), r.String(c, "desen_telephone", p, maxLength: 256) }
            .FirstOrDefault(PersonalData.IsMasked);

        var receiver = new Receiver(
            name.Plain, mobile.Plain ?? telephone.Plain,
            r.String(c, "province", p, maxLength: 64), r.String(c, "city", p, maxLength: 64),
            r.String(c, "county", p, maxLength: 64), r.String(c, "town", p, maxLength: 64),
            address.Plain, null);
        var privacy = new ReceiverPrivacy(
            name.Masked, mobile.Masked ?? telephone.Masked ?? desensitised, address.Masked,
            name.Encrypted, mobile.Encrypted ?? telephone.Encrypted, address.Encrypted);
        var oaid = r.String(c, "oaid", p, maxLength: 256);
        return (receiver == new Receiver(null, null, null, null, null, null, null, null) ? null : receiver, privacy.IsEmpty ? null : privacy, oaid);
    }

    /// <summary>
    /// <see cref="PersonalData.Classify"/> plus JD's own ciphertext: JOS returns encrypted fields as long base64 text
    /// (e.g. <c>AAS/ZFJF…=</c>) [U: format inferred from samples, not documented]. Plain names and addresses are
    /// Chinese text or short, so a long pure-base64 value is taken as ciphertext rather than shown as a real value.
    /// </summary>
    public static (string? Plain, string? Masked, string? Encrypted) Classify(string? value) =>
        IsJdCiphertext(value) ? (null, null, value) : PersonalData.Classify(value);

    public static bool IsJdCiphertext(string? value)
    {
        if (value is not { Length: >= 24 } v || v.Length % 4 != 0) return false;
        if (!v.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '+' or '/' or '=')) return false;
        var buffer = new byte[v.Length];
        return Convert.TryFromBase64String(v, buffer, out _);
    }
}
