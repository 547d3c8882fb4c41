using System.Text.Json;
using Ordo.Core.Common;
using Ordo.Core.Orders;

namespace Ordo.Core.Channels.Taobao;

/// <summary>
/// Reads a Taobao/Tmall trade as <c>taobao.trade.fullinfo.get</c> returns it (TOP). Accepts the bare trade
/// (<c>{"tid": …}</c>), <c>{"trade": {…}}</c> and the full response <c>{"trade_fullinfo_get_response": {"trade": {…}}}</c>.
/// Money is yuan strings ("200.07"), times are China time (<c>yyyy-MM-dd HH:mm:ss</c>, UTC+8). Error paths are the
/// native JSON paths as they occur in the payload given (e.g. <c>trade.orders.order[0].price</c>).
/// Pure and thread-safe.
/// </summary>
public sealed class TaobaoOrderAdapter : IOrderAdapter
{
    public const string ResponseEnvelope = "trade_fullinfo_get_response";

    /// <summary>Tag for <c>PAID_FORBID_CONSIGN</c>: paid, but the platform forbids shipping for now (e.g. group buy forming).</summary>
    public const string ShippingBlockedTag = "platform:ship-blocked";
    /// <summary>Tag for <c>SELLER_CONSIGNED_PART</c>: some lines were shipped outside Ordo, the rest still need shipping.</summary>
    public const string PartShippedTag = "platform:part-shipped";
    /// <summary>Tag for a refund that succeeded on some lines only: the order goes on for the other lines.</summary>
    public const string PartRefundedTag = "platform:part-refunded";

    public IReadOnlyList<Platform> Platforms { get; } = [Platform.Taobao, Platform.Tmall];

    /// <summary>
    /// Every documented trade status. <c>TRADE_CLOSED</c> is "refunded after payment" (→ Refunded), but a trade that
    /// was never paid closes the same way and is Cancelled (decided in <see cref="StatusOf"/>).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, OrderStatus> TradeStatuses = new Dictionary<string, OrderStatus>(StringComparer.Ordinal)
    {
        ["TRADE_NO_CREATE_PAY"] = OrderStatus.PendingPayment,
        ["WAIT_BUYER_PAY"] = OrderStatus.PendingPayment,
        ["PAY_PENDING"] = OrderStatus.PendingPayment,            // payment being confirmed (e.g. foreign card)
        ["WAIT_PRE_AUTH_CONFIRM"] = OrderStatus.PendingPayment,  // pre-authorised, not yet paid
        ["WAIT_SELLER_SEND_GOODS"] = OrderStatus.Paid,
        ["PAID_FORBID_CONSIGN"] = OrderStatus.Paid,              // + ShippingBlockedTag
        // Partly shipped stays Paid: the lines not yet shipped still have to go out (the platform status lagging
        // behind Ordo's own warehouse steps is ignored by ChannelStatusSync).
        ["SELLER_CONSIGNED_PART"] = OrderStatus.Paid,            // + PartShippedTag
        ["WAIT_BUYER_CONFIRM_GOODS"] = OrderStatus.Shipped,
        ["TRADE_BUYER_SIGNED"] = OrderStatus.Delivered,          // cash on delivery only
        ["TRADE_FINISHED"] = OrderStatus.Completed,
        ["TRADE_CLOSED"] = OrderStatus.Refunded,
        ["TRADE_CLOSED_BY_TAOBAO"] = OrderStatus.Cancelled,      // closed before payment
    };

    private enum RefundState { None, InProgress, Succeeded }

    /// <summary>
    /// Line refund states (<c>orders.order[].refund_status</c>). <c>NO_REFUND</c> is not in the metadata but appears in
    /// practice [U]; a refused or closed refund is no refund.
    /// </summary>
    private static readonly Dictionary<string, RefundState> RefundStates = new(StringComparer.Ordinal)
    {
        ["NO_REFUND"] = RefundState.None,
        ["CLOSED"] = RefundState.None,
        ["SELLER_REFUSE_BUYER"] = RefundState.None,
        ["WAIT_SELLER_AGREE"] = RefundState.InProgress,
        ["WAIT_BUYER_RETURN_GOODS"] = RefundState.InProgress,
        ["WAIT_SELLER_CONFIRM_GOODS"] = RefundState.InProgress,
        ["SUCCESS"] = RefundState.Succeeded,
    };

    public ParseResult<CanonicalOrder> Parse(JsonElement native, ShopContext shop)
    {
        var r = new NativeReader();
        if (!Platforms.Contains(shop.Platform))
        {
            r.Error("$", $"the Taobao adapter reads Taobao and Tmall orders, not {shop.Platform.Name()}", (string?)null);
            return r.Fail();
        }
        if (Unwrap(native, r) is not { } found) return r.Fail();
        var (trade, at) = found;

        var platformOrderId = r.String(trade, "tid_str", at, maxLength: CanonicalOrderParser.MaxIdLength)
            ?? r.String(trade, "tid", at, required: true, maxLength: CanonicalOrderParser.MaxIdLength);
        var createdAt = r.ChinaTime(trade, "created", at, required: true);
        var paidAt = r.ChinaTime(trade, "pay_time", at);
        var modifiedAt = r.ChinaTime(trade, "modified", at, required: true);

        var tags = new List<string>();
        var lines = new List<OrderLine>();
        var refunds = new List<RefundState>();
        ReadLines(trade, at, r, lines, refunds);

        var status = StatusOf(trade, at, r, paidAt is not null, refunds, tags);

        var goods = r.Yuan(trade, "total_fee", at) ?? lines.Sum(l => l.UnitPrice * l.Quantity);
        var freight = r.Yuan(trade, "post_fee", at) ?? 0m;
        var paid = r.Yuan(trade, "payment", at, required: true);   // includes post_fee
        var discountFee = r.Yuan(trade, "discount_fee", at);

        if (r.Integer(trade, "seller_flag", at) is { } flag)
        {
            // 1 red … 5 purple; 0 is "no flag". A colour added later still becomes a tag rather than refusing the order.
            if (flag < 0) r.Error(NativeReader.Path(at, "seller_flag"), "must not be negative", NativeReader.Get(trade, "seller_flag"));
            else if (flag > 0) tags.Add($"flag:{flag}");
        }

        var (receiver, privacy) = ReadReceiver(trade, at, r);
        var buyerNick = r.String(trade, "buyer_nick", at, maxLength: 128);
        var buyerId = r.String(trade, "buyer_open_uid", at, maxLength: 128);
        var oaid = r.String(trade, "oaid", at, maxLength: 256);
        var buyerMessage = r.String(trade, "buyer_message", at, maxLength: CanonicalOrderParser.MaxTextLength) ?? "";
        var sellerMemo = r.String(trade, "seller_memo", at, maxLength: CanonicalOrderParser.MaxTextLength) ?? "";

        return r.Result(() =>
        {
            // Paid includes freight, so the total discount is what makes goods + freight − discount = paid. When the
            // platform's numbers give a negative discount (a price raised by hand), keep its discount_fee and let the
            // intake checks hold the order for a person.
            var discount = ChannelAmounts.DiscountThatAddsUp(goods, freight, paid!.Value, discountFee ?? 0m);
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
                Buyer = buyerNick is null && buyerId is null ? null : new Buyer(buyerNick, buyerId),
                Receiver = receiver,
                ReceiverPrivacy = privacy,
                Oaid = oaid,
                Lines = lines,
                Amounts = new OrderAmounts(goods, freight, discount, paid.Value),
                BuyerMessage = buyerMessage,
                SellerMemo = sellerMemo,
                Tags = tags,
            };
        });
    }

    /// <summary>Finds the trade object and the JSON path it sits at.</summary>
    private static (JsonElement Trade, string Path)? Unwrap(JsonElement native, NativeReader r)
    {
        if (native.ValueKind != JsonValueKind.Object)
        {
            r.Error("$", "a Taobao trade must be a JSON object", native);
            return null;
        }
        if (NativeReader.Get(native, "error_response") is { } error)
        {
            // TOP answers a failed call with {"error_response":{code,msg,sub_code,sub_msg}}: worth saying plainly.
            var msg = NativeReader.Get(error, "sub_msg") ?? NativeReader.Get(error, "msg");
            r.Error("error_response", $"TOP returned an error instead of a trade{(msg is { ValueKind: JsonValueKind.String } m ? ": " + m.GetString() : "")}", error);
            return null;
        }
        if (NativeReader.Get(native, ResponseEnvelope) is { } response)
        {
            var trade = r.Object(response, "trade", ResponseEnvelope, required: true);
            return trade is { } t ? (t, $"{ResponseEnvelope}.trade") : null;
        }
        if (NativeReader.Get(native, "trade") is not null)
        {
            var trade = r.Object(native, "trade", "");
            return trade is { } t ? (t, "trade") : null;
        }
        if (NativeReader.Get(native, "tid") is not null || NativeReader.Get(native, "tid_str") is not null) return (native, "");
        r.Error("$", $"not a Taobao trade: expected {{\"tid\":…}}, {{\"trade\":{{…}}}} or {{\"{ResponseEnvelope}\":{{\"trade\":{{…}}}}}}", native);
        return null;
    }

    /// <summary>Lines are <c>orders.order[]</c> in TOP's JSON; <c>orders</c> as a bare array is accepted too (some SDKs flatten it).</summary>
    private static void ReadLines(JsonElement trade, string at, NativeReader r, List<OrderLine> lines, List<RefundState> refunds)
    {
        var ordersPath = NativeReader.Path(at, "orders");
        JsonElement array;
        string arrayPath;
        switch (NativeReader.Get(trade, "orders"))
        {
            case null:
                r.Error(ordersPath, "is required: a trade needs at least one sub-order (orders.order[])");
                return;
            case { ValueKind: JsonValueKind.Array } bare:
                (array, arrayPath) = (bare, ordersPath);
                break;
            case { ValueKind: JsonValueKind.Object } wrapper:
                if (r.Array(wrapper, "order", ordersPath, required: true) is not { } inner) return;
                (array, arrayPath) = (inner, NativeReader.Path(ordersPath, "order"));
                break;
            case var other:
                r.Error(ordersPath, "must be {\"order\":[…]} or an array", other);
                return;
        }
        var count = array.GetArrayLength();
        if (count == 0) { r.Error(arrayPath, "must contain at least one sub-order", array); return; }
        if (count > CanonicalOrderParser.MaxLines) { r.Error(arrayPath, $"has {count} sub-orders, at most {CanonicalOrderParser.MaxLines} are accepted", (string?)null); return; }

        var i = 0;
        foreach (var line in array.EnumerateArray())
        {
            var p = $"{arrayPath}[{i++}]";
            if (line.ValueKind != JsonValueKind.Object) { r.Error(p, "must be an object", line); continue; }
            var quantity = r.Quantity(line, "num", p);
            var price = r.Yuan(line, "price", p, required: true);
            var discount = r.Yuan(line, "discount_fee", p) ?? 0m;
            // Without SKUs an item has no sku_id/outer_sku_id: the item id and the item's merchant code stand in.
            var platformSkuId = r.String(line, "sku_id", p, maxLength: CanonicalOrderParser.MaxIdLength)
                ?? r.String(line, "num_iid", p, maxLength: CanonicalOrderParser.MaxIdLength);
            var sku = r.String(line, "outer_sku_id", p, maxLength: CanonicalOrderParser.MaxIdLength)
                ?? r.String(line, "outer_iid", p, maxLength: CanonicalOrderParser.MaxIdLength);
            var title = r.String(line, "title", p, maxLength: 512) ?? "";
            refunds.Add(ReadRefund(line, p, r));
            if (quantity is { } q && price is { } unitPrice)
                lines.Add(new OrderLine(platformSkuId, sku, title, q, unitPrice, discount));
        }
    }

    private static RefundState ReadRefund(JsonElement line, string p, NativeReader r)
    {
        if (r.String(line, "refund_status", p, maxLength: 64) is not { } text) return RefundState.None;
        if (RefundStates.TryGetValue(text, out var state)) return state;
        r.Error(NativeReader.Path(p, "refund_status"), $"unknown refund status '{text}'; expected one of: {string.Join(", ", RefundStates.Keys)}", NativeReader.Get(line, "refund_status"));
        return RefundState.None;
    }

    /// <summary>
    /// The trade status, then the lines' refunds on top of it: a refund in progress on any line makes a paid order
    /// RefundRequested; refunds that succeeded on every line make it Refunded; on some lines only, a tag.
    /// </summary>
    private static OrderStatus? StatusOf(JsonElement trade, string at, NativeReader r, bool paid, List<RefundState> refunds, List<string> tags)
    {
        if (r.String(trade, "status", at, required: true, maxLength: 64) is not { } text) return null;
        if (!TradeStatuses.TryGetValue(text, out var status))
        {
            r.Error(NativeReader.Path(at, "status"), $"unknown trade status '{text}'; expected one of: {string.Join(", ", TradeStatuses.Keys)}", NativeReader.Get(trade, "status"));
            return null;
        }
        if (text == "PAID_FORBID_CONSIGN") tags.Add(ShippingBlockedTag);
        if (text == "SELLER_CONSIGNED_PART") tags.Add(PartShippedTag);

        var anySucceeded = refunds.Contains(RefundState.Succeeded);
        if (text == "TRADE_CLOSED")
            return paid || anySucceeded ? OrderStatus.Refunded : OrderStatus.Cancelled;
        if (status is OrderStatus.PendingPayment or OrderStatus.Cancelled) return status;

        if (refunds.Contains(RefundState.InProgress)) return OrderStatus.RefundRequested;
        if (refunds.Count > 0 && refunds.All(s => s == RefundState.Succeeded)) return OrderStatus.Refunded;
        if (anySucceeded) tags.Add(PartRefundedTag);
        return status;
    }

    /// <summary>
    /// The receiver: plain values into <see cref="Receiver"/>, masks and ciphertext into <see cref="ReceiverPrivacy"/>.
    /// Province-administered county-level areas come with an empty <c>receiver_city</c> and the area in
    /// <c>receiver_district</c>: that area is then the city (and not repeated as the district).
    /// </summary>
    private static (Receiver?, ReceiverPrivacy?) ReadReceiver(JsonElement trade, string at, NativeReader r)
    {
        var name = PersonalData.Classify(r.String(trade, "receiver_name", at, maxLength: 2048));
        var mobile = PersonalData.Classify(r.String(trade, "receiver_mobile", at, maxLength: 2048));
        var phone = PersonalData.Classify(r.String(trade, "receiver_phone", at, maxLength: 2048));
        var address = PersonalData.Classify(r.String(trade, "receiver_address", at, maxLength: 4096));
        var province = r.String(trade, "receiver_state", at, maxLength: 64);
        var city = r.String(trade, "receiver_city", at, maxLength: 64);
        var district = r.String(trade, "receiver_district", at, maxLength: 64);
        if (city is null && district is not null) (city, district) = (district, null);
        var street = r.String(trade, "receiver_town", at, maxLength: 64);
        var zip = r.String(trade, "receiver_zip", at, maxLength: 16);

        var receiver = new Receiver(name.Plain, mobile.Plain ?? phone.Plain, province, city, district, street, address.Plain, zip);
        var privacy = new ReceiverPrivacy(
            name.Masked, mobile.Masked ?? phone.Masked, address.Masked,
            name.Encrypted, mobile.Encrypted ?? phone.Encrypted, address.Encrypted);
        return (receiver == new Receiver(null, null, null, null, null, null, null, null) ? null : receiver, privacy.IsEmpty ? null : privacy);
    }
}
