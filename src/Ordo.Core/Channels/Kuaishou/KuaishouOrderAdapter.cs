using System.Text.Json;
using Ordo.Core.Orders;

namespace Ordo.Core.Channels.Kuaishou;

/// <summary>
/// Reads Kuaishou shop (快手小店) orders as <c>open.order.detail</c> returns them: the bare object
/// <c>{orderBaseInfo, orderItemInfo, orderAddress, orderNote, orderRefundList, …}</c> or the API envelope
/// <c>{"result":1,"data":{…}}</c>. Money is integer fen; times are unix milliseconds (0 means "not yet").
/// A Kuaishou order holds one item (<c>orderItemInfo</c> is an object); an array of items is accepted as well.
/// </summary>
public sealed class KuaishouOrderAdapter : IOrderAdapter
{
    public IReadOnlyList<Platform> Platforms { get; } = [Platform.Kuaishou];

    /// <summary><c>orderBaseInfo.status</c>; 0 ("unknown" in Kuaishou's enum) is refused like any other unknown value.</summary>
    private static readonly Dictionary<long, OrderStatus> Statuses = new()
    {
        [10] = OrderStatus.PendingPayment,
        [30] = OrderStatus.Paid,
        [40] = OrderStatus.Shipped,
        [50] = OrderStatus.Delivered,
        [70] = OrderStatus.Completed,
        [80] = OrderStatus.Cancelled,
    };

    private const string KnownStatuses = "10 (awaiting payment), 30 (paid), 40 (shipped), 50 (signed for), 70 (success), 80 (failed/cancelled)";

    public ParseResult<CanonicalOrder> Parse(JsonElement native, ShopContext shop)
    {
        var r = new NativeReader();
        if (!Platforms.Contains(shop.Platform))
        {
            r.Error("$", $"the Kuaishou adapter reads only kuaishou orders, not {shop.Platform.Name()}");
            return r.Fail();
        }
        if (native.ValueKind != JsonValueKind.Object)
        {
            r.Error("$", "a Kuaishou order must be a JSON object", native);
            return r.Fail();
        }
        if (Unwrap(native, r) is not { } unwrapped) return r.Fail();
        var (order, root) = unwrapped;

        var basePath = NativeReader.Path(root, "orderBaseInfo");
        var baseInfo = r.Object(order, "orderBaseInfo", root, required: true);
        if (baseInfo is not { } b) return r.Fail();

        var orderId = r.String(b, "oid", basePath, required: true, maxLength: CanonicalOrderParser.MaxIdLength);
        var createdAt = r.UnixMillis(b, "createTime", basePath, required: true);
        var paidAt = r.UnixMillis(b, "payTime", basePath);
        var modifiedAt = r.UnixMillis(b, "updateTime", basePath, required: true);

        var lines = ReadLines(order, root, r);
        var paid = r.Fen(b, "totalFee", basePath, required: true);
        var freight = r.Fen(b, "expressFee", basePath) ?? 0m;
        var discountFee = r.Fen(b, "discountFee", basePath) ?? 0m;

        var refunds = ReadRefunds(order, root, r);
        var status = ReadStatus(b, basePath, paidAt is not null, refunds, r);

        var (receiver, privacy) = ReadReceiver(order, root, r);
        var buyerNick = r.String(b, "buyerNick", basePath, maxLength: 128);
        var buyerId = r.String(b, "buyerOpenId", basePath, maxLength: 128);
        var buyerMessage = r.String(b, "remark", basePath, maxLength: CanonicalOrderParser.MaxTextLength) ?? "";
        var sellerMemo = ReadSellerNotes(order, root, r);

        return r.Result(() =>
        {
            var goods = lines.Sum(l => l.UnitPrice * l.Quantity);
            // Kuaishou's discountFee does not always cover every promotion; the order's own total decides, so the
            // discount is whatever makes goods + freight − discount = totalFee. When the numbers cannot add up (the
            // buyer paid more than goods and freight) the platform's figure is kept and Ordo's intake checks flag it.
            var discount = ChannelAmounts.DiscountThatAddsUp(goods, freight, paid!.Value, discountFee);
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
                Buyer = buyerNick is null && buyerId is null ? null : new Buyer(buyerNick, buyerId),
                Receiver = receiver,
                ReceiverPrivacy = privacy,
                Lines = FitLineDiscounts(lines, discount),
                Amounts = new OrderAmounts(goods, freight, discount, paid.Value),
                BuyerMessage = buyerMessage,
                SellerMemo = sellerMemo,
            };
        });
    }

    /// <summary>The order object and its JSON path prefix: the bare object, or <c>data</c> of the API envelope.</summary>
    private static (JsonElement Order, string Root)? Unwrap(JsonElement native, NativeReader r)
    {
        if (NativeReader.Get(native, "orderBaseInfo") is not null) return (native, "");
        if (NativeReader.Get(native, "result") is { } result && !(result.ValueKind == JsonValueKind.Number && result.TryGetInt64(out var code) && code == 1))
        {
            var message = NativeReader.Get(native, "error_msg") ?? NativeReader.Get(native, "msg");
            r.Error("result", $"the API answered an error{(message is { ValueKind: JsonValueKind.String } m ? $": {m.GetString()}" : "")}", result);
            return null;
        }
        if (NativeReader.Get(native, "data") is { ValueKind: JsonValueKind.Object } data) return (data, "data");
        r.Error("orderBaseInfo", "is required: expected an open.order.detail object or its {\"result\":1,\"data\":{…}} envelope");
        return null;
    }

    /// <summary>
    /// <c>orderItemInfo</c>: one object per order as Kuaishou documents it, or an array of them. The merchant code is
    /// <c>skuNick</c> (the SKU's own code), else <c>relSkuId</c> (the merchant's external SKU id, 0 when unset), else
    /// <c>goodsCode</c> (the item's code) [U: which of these merchants fill in varies; the SKU-level ones come first].
    /// </summary>
    private static List<OrderLine> ReadLines(JsonElement order, string root, NativeReader r)
    {
        var path = NativeReader.Path(root, "orderItemInfo");
        var lines = new List<OrderLine>();
        if (NativeReader.Get(order, "orderItemInfo") is not { } info) { r.Error(path, "is required: an order needs its item"); return lines; }

        if (info.ValueKind == JsonValueKind.Object) { if (ReadLine(info, path, r) is { } line) lines.Add(line); }
        else if (info.ValueKind != JsonValueKind.Array) r.Error(path, "must be an object (or an array of objects)", info);
        else if (info.GetArrayLength() == 0) r.Error(path, "must contain at least one item", info);
        else if (info.GetArrayLength() > CanonicalOrderParser.MaxLines) r.Error(path, $"has {info.GetArrayLength()} items, at most {CanonicalOrderParser.MaxLines} are accepted");
        else
        {
            var i = 0;
            foreach (var item in info.EnumerateArray())
            {
                var itemPath = $"{path}[{i++}]";
                if (item.ValueKind != JsonValueKind.Object) { r.Error(itemPath, "must be an object", item); continue; }
                if (ReadLine(item, itemPath, r) is { } line) lines.Add(line);
            }
        }
        return lines;
    }

    private static OrderLine? ReadLine(JsonElement item, string path, NativeReader r)
    {
        var quantity = r.Quantity(item, "num", path);
        var price = r.Fen(item, "price", path, required: true);
        var discount = r.Fen(item, "discountFee", path) ?? 0m;
        var skuId = NonZero(r.String(item, "skuId", path, maxLength: CanonicalOrderParser.MaxIdLength));
        var sku = r.String(item, "skuNick", path, maxLength: CanonicalOrderParser.MaxIdLength)
            ?? NonZero(r.String(item, "relSkuId", path, maxLength: CanonicalOrderParser.MaxIdLength))
            ?? r.String(item, "goodsCode", path, maxLength: CanonicalOrderParser.MaxIdLength);
        var title = r.String(item, "itemTitle", path, maxLength: 512) ?? r.String(item, "skuDesc", path, maxLength: 512) ?? "";
        if (quantity is null || price is null) return null;
        return new OrderLine(skuId, sku, title, quantity.Value, price.Value, discount);
    }

    private static string? NonZero(string? id) => id is null or "0" ? null : id;

    /// <summary>
    /// Per-line discounts are kept when they fit inside each line's value and the order's discount together; otherwise
    /// they are dropped to 0 rather than guessed, because the order-level amounts are the ones Kuaishou settles on.
    /// </summary>
    private static List<OrderLine> FitLineDiscounts(List<OrderLine> lines, decimal orderDiscount) =>
        lines.All(l => l.Discount <= l.UnitPrice * l.Quantity) && lines.Sum(l => l.Discount) <= orderDiscount
            ? lines
            : lines.Select(l => l with { Discount = 0m }).ToList();

    private readonly record struct RefundProgress(bool InProgress, bool Succeeded);

    /// <summary>
    /// <c>orderRefundList[]</c>: the state of each refund is read from <c>refundStatus</c>, else <c>status</c>
    /// [U: the entries' fields are not documented in the facts; this follows Kuaishou's refund-order status enum,
    /// whose steps count up: 10–50 requested/negotiating/returning/executing, 60 refunded, 70 refund failed or closed].
    /// </summary>
    private static RefundProgress ReadRefunds(JsonElement order, string root, NativeReader r)
    {
        var progress = new RefundProgress(false, false);
        if (r.Array(order, "orderRefundList", root) is not { } list) return progress;
        var i = 0;
        foreach (var entry in list.EnumerateArray())
        {
            var path = $"{NativeReader.Path(root, "orderRefundList")}[{i++}]";
            if (entry.ValueKind != JsonValueKind.Object) { r.Error(path, "must be an object", entry); continue; }
            var field = NativeReader.Get(entry, "refundStatus") is not null ? "refundStatus" : "status";
            var state = r.Integer(entry, field, path);
            if (state is null)
            {
                if (NativeReader.Get(entry, field) is null) r.Error(NativeReader.Path(path, "refundStatus"), "is required (or status): a refund without a state cannot be judged");
                continue;
            }
            switch (state.Value)
            {
                case >= 10 and < 60: progress = progress with { InProgress = true }; break;
                case 60: progress = progress with { Succeeded = true }; break;
                case 70: break; // the refund failed or was closed: the order goes on as before
                default:
                    r.Error(NativeReader.Path(path, field), $"unknown refund status {state}; expected 10–50 (in progress), 60 (refunded) or 70 (failed/closed)", NativeReader.Get(entry, field));
                    break;
            }
        }
        return progress;
    }

    private static OrderStatus? ReadStatus(JsonElement b, string basePath, bool wasPaid, RefundProgress refunds, NativeReader r)
    {
        var code = r.Integer(b, "status", basePath, required: true);
        if (code is null) return null;
        if (!Statuses.TryGetValue(code.Value, out var status))
        {
            r.Error(NativeReader.Path(basePath, "status"),
                $"unknown status {code}{(code == 0 ? " (Kuaishou's \"unknown\")" : "")}; expected one of: {KnownStatuses}", NativeReader.Get(b, "status"));
            return null;
        }
        // Kuaishou ends refunded orders in 80 like cancelled ones; a completed refund after payment tells them apart.
        if (status == OrderStatus.Cancelled) return refunds.Succeeded && wasPaid ? OrderStatus.Refunded : OrderStatus.Cancelled;
        // A finished refund on an order that is not closed was partial (the order goes on): its own status stands.
        if (refunds.InProgress && status is not OrderStatus.PendingPayment) return OrderStatus.RefundRequested;
        return status;
    }

    /// <summary>
    /// <c>orderAddress</c>: <c>consignee</c>/<c>mobile</c>/<c>address</c> may be plain or masked;
    /// <c>encrypted*</c> hold ciphertext and <c>desensitise*</c> masked copies, each kept in the privacy record.
    /// </summary>
    private static (Receiver?, ReceiverPrivacy?) ReadReceiver(JsonElement order, string root, NativeReader r)
    {
        var path = NativeReader.Path(root, "orderAddress");
        if (r.Object(order, "orderAddress", root) is not { } a) return (null, null);

        var name = PersonalData.Classify(r.String(a, "consignee", path, maxLength: 256));
        var phone = PersonalData.Classify(r.String(a, "mobile", path, maxLength: 64));
        var address = PersonalData.Classify(r.String(a, "address", path, maxLength: 1024));

        var receiver = new Receiver(
            name.Plain, phone.Plain,
            r.String(a, "province", path, maxLength: 64), r.String(a, "city", path, maxLength: 64),
            r.String(a, "district", path, maxLength: 64), null,
            address.Plain, null);

        var privacy = new ReceiverPrivacy(
            MaskedName: r.String(a, "desensitiseConsignee", path, maxLength: 256) ?? name.Masked,
            MaskedPhone: r.String(a, "desensitiseMobile", path, maxLength: 64) ?? phone.Masked,
            MaskedAddress: r.String(a, "desensitiseAddress", path, maxLength: 1024) ?? address.Masked,
            EncryptedName: r.String(a, "encryptedConsignee", path, maxLength: 2048) ?? name.Encrypted,
            EncryptedPhone: r.String(a, "encryptedMobile", path, maxLength: 2048) ?? phone.Encrypted,
            EncryptedAddress: r.String(a, "encryptedAddress", path, maxLength: 4096) ?? address.Encrypted);

        return (receiver, privacy.IsEmpty ? null : privacy);
    }

    /// <summary>
    /// <c>orderNote.sellerNote[]</c> joined with "; ". Entries are read as text, or as objects carrying
    /// <c>note</c>/<c>content</c> [U: the SDK types them as untyped values].
    /// </summary>
    private static string ReadSellerNotes(JsonElement order, string root, NativeReader r)
    {
        if (r.Object(order, "orderNote", root) is not { } note) return "";
        var path = NativeReader.Path(NativeReader.Path(root, "orderNote"), "sellerNote");
        if (NativeReader.Get(note, "sellerNote") is not { } notes) return "";
        if (notes.ValueKind == JsonValueKind.String) return notes.GetString()!.Trim();
        if (notes.ValueKind != JsonValueKind.Array) { r.Error(path, "must be an array", notes); return ""; }

        var texts = new List<string>();
        var i = 0;
        foreach (var entry in notes.EnumerateArray())
        {
            var entryPath = $"{path}[{i++}]";
            var text = entry.ValueKind switch
            {
                JsonValueKind.String => entry.GetString(),
                JsonValueKind.Object => (NativeReader.Get(entry, "note") ?? NativeReader.Get(entry, "content")) is { ValueKind: JsonValueKind.String } t ? t.GetString() : null,
                _ => null,
            };
            if (text is null && entry.ValueKind is not (JsonValueKind.Null or JsonValueKind.Object)) r.Error(entryPath, "must be a text note", entry);
            if (!string.IsNullOrWhiteSpace(text)) texts.Add(text.Trim());
        }
        var memo = string.Join("; ", texts);
        if (memo.Length > CanonicalOrderParser.MaxTextLength) { r.Error(path, $"is {memo.Length} characters long together, at most {CanonicalOrderParser.MaxTextLength} are accepted"); return ""; }
        return memo;
    }
}
