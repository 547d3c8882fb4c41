using System.Globalization;
using System.Text.Json;
using Ordo.Core.Orders;

namespace Ordo.Core.Channels.Shopify;

/// <summary>
/// Reads a Shopify REST Admin order (the bare order, or <c>{"order": …}</c> as <c>GET /orders/{id}.json</c> returns it;
/// webhook bodies are the bare order). Money is decimal strings in the shop currency (<c>currency</c>); times are
/// ISO 8601 with an offset and converted to UTC.
/// <para>
/// Status comes from <c>financial_status</c>, <c>fulfillment_status</c>, <c>cancelled_at</c> and <c>closed_at</c>:
/// refunded → Refunded; cancelled → Refunded when money went back (partially_refunded), else Cancelled;
/// voided/expired → Cancelled; pending → PendingPayment unless already fulfilled; otherwise fulfilled → Shipped
/// (Completed once the order is also closed), partial → Shipped with tag <c>partial-shipment</c>, unfulfilled → Paid.
/// <c>authorized</c> counts as Paid with tag <c>payment-authorized</c>: Shopify treats such orders as ready to fulfil
/// and merchants with manual capture take the money when they ship, so holding them as unpaid would stop them for good.
/// Shopify's REST order has no "refund in progress" state, so this adapter never reports RefundRequested.
/// </para>
/// <para>
/// Amounts: Goods = <c>total_line_items_price</c> (Σ price × quantity when absent), Freight = shipping before
/// discounts, Discount = <c>total_discounts</c>, Paid = <c>total_price</c>. Ordo's amounts have no tax field, so when
/// tax is charged on top of the prices (<c>taxes_included</c> false) it is added to Freight and recorded in the tag
/// <c>tax:&lt;amount&gt;</c>: Paid stays what the buyer was charged, Goods still matches the lines, and
/// Goods + Freight − Discount = Paid holds. Tax included in the prices needs nothing.
/// </para>
/// </summary>
public sealed class ShopifyOrderAdapter : IOrderAdapter
{
    public static readonly IReadOnlyList<string> FinancialStatuses =
        ["pending", "authorized", "partially_paid", "paid", "partially_refunded", "refunded", "voided", "expired"];

    /// <summary>Values of <c>fulfillment_status</c> besides null (nothing fulfilled yet).</summary>
    public static readonly IReadOnlyList<string> FulfillmentStatuses = ["fulfilled", "partial", "restocked"];

    public IReadOnlyList<Platform> Platforms { get; } = [Platform.Shopify];

    public ParseResult<CanonicalOrder> Parse(JsonElement native, ShopContext shop)
    {
        var r = new NativeReader();
        if (shop.Platform != Platform.Shopify)
        {
            r.Error("$", $"the Shopify adapter reads Shopify orders only, not {shop.Platform.Name()}");
            return r.Fail();
        }
        if (native.ValueKind != JsonValueKind.Object)
        {
            r.Error("$", "a Shopify order must be a JSON object", native);
            return r.Fail();
        }

        // GET /orders/{id}.json wraps the order in {"order": …}; webhooks send the order itself.
        var (order, at) = NativeReader.Get(native, "order") is { ValueKind: JsonValueKind.Object } inner && NativeReader.Get(native, "id") is null
            ? (inner, "order")
            : (native, "");
        string P(string name) => NativeReader.Path(at, name);

        var orderId = r.String(order, "id", at, required: true, maxLength: CanonicalOrderParser.MaxIdLength);
        var currency = r.String(order, "currency", at, required: true, maxLength: 16);
        if (currency is not null && !Common.Currencies.IsValidCode(currency))
            r.Error(P("currency"), "must be a 3-letter upper-case ISO 4217 code such as USD", currency);

        var createdAt = r.IsoTime(order, "created_at", at, required: true);
        var modifiedAt = r.IsoTime(order, "updated_at", at, required: true);
        var processedAt = r.IsoTime(order, "processed_at", at);

        var tags = new List<string>();
        var (status, financial) = ReadStatus(r, order, at, tags);
        // processed_at is when the checkout's payment went through; an authorisation alone is not money received.
        var paidAt = financial is "paid" or "partially_paid" or "partially_refunded" or "refunded" ? processedAt : null;

        var lines = ReadLines(r, order, at);
        var amounts = ReadAmounts(r, order, at, lines, tags);

        var (receiver, privacy) = ReadReceiver(r, order, at);
        var buyer = ReadBuyer(r, order, at);
        var note = r.String(order, "note", at, maxLength: CanonicalOrderParser.MaxTextLength) ?? "";

        return r.Result(() => new CanonicalOrder
        {
            Platform = shop.Platform,
            ShopCode = shop.ShopCode,
            PlatformOrderId = orderId!,
            Status = status!.Value,
            CreatedAt = createdAt!.Value,
            PaidAt = paidAt,
            PlatformModifiedAt = modifiedAt,
            Currency = currency!,
            Buyer = buyer,
            Receiver = receiver,
            ReceiverPrivacy = privacy,
            Lines = lines!,
            Amounts = amounts!,
            BuyerMessage = note,
            Tags = tags,
        });
    }

    private static (OrderStatus? Status, string? Financial) ReadStatus(NativeReader r, JsonElement order, string at, List<string> tags)
    {
        var financial = r.String(order, "financial_status", at, required: true, maxLength: 64);
        if (financial is not null && !FinancialStatuses.Contains(financial))
        {
            r.Error(NativeReader.Path(at, "financial_status"), $"unknown financial status '{financial}'; known: {string.Join(", ", FinancialStatuses)}", financial);
            financial = null;
        }
        var fulfillment = r.String(order, "fulfillment_status", at, maxLength: 64);
        var fulfillmentKnown = fulfillment is null || FulfillmentStatuses.Contains(fulfillment);
        if (!fulfillmentKnown)
            r.Error(NativeReader.Path(at, "fulfillment_status"), $"unknown fulfillment status '{fulfillment}'; known: null (unfulfilled), {string.Join(", ", FulfillmentStatuses)}", fulfillment);
        var cancelled = r.IsoTime(order, "cancelled_at", at) is not null;
        var closed = r.IsoTime(order, "closed_at", at) is not null;
        var test = NativeReader.Get(order, "test") is { ValueKind: JsonValueKind.True };
        if (financial is null || !fulfillmentKnown) return (null, financial);

        // "restocked" means the items went back to stock: nothing is out with a carrier.
        var shipped = fulfillment is "fulfilled" or "partial";
        if (fulfillment == "partial") tags.Add("partial-shipment");
        if (fulfillment == "restocked") tags.Add("restocked");
        switch (financial)
        {
            case "authorized": tags.Add("payment-authorized"); break;
            case "partially_paid": tags.Add("partially-paid"); break;
            case "partially_refunded": tags.Add("partially-refunded"); break;
            case "pending" when shipped: tags.Add("payment-pending"); break;
        }
        if (test) tags.Add("platform:test");

        var status = financial switch
        {
            "refunded" => OrderStatus.Refunded,
            // A cancellation after payment that gave money back is a refund; otherwise the order simply ended.
            _ when cancelled => financial == "partially_refunded" ? OrderStatus.Refunded : OrderStatus.Cancelled,
            "voided" or "expired" => OrderStatus.Cancelled,
            "pending" when !shipped => OrderStatus.PendingPayment,
            // Shopify closes (archives) an order once it is paid and fulfilled: nothing is left to do.
            _ when fulfillment == "fulfilled" => closed ? OrderStatus.Completed : OrderStatus.Shipped,
            _ when shipped => OrderStatus.Shipped,
            _ => OrderStatus.Paid,
        };
        return (status, financial);
    }

    private static List<OrderLine>? ReadLines(NativeReader r, JsonElement order, string at)
    {
        var path = NativeReader.Path(at, "line_items");
        if (r.Array(order, "line_items", at, required: true) is not { } items) return null;
        var count = items.GetArrayLength();
        if (count == 0) { r.Error(path, "must contain at least one line", items); return null; }
        if (count > CanonicalOrderParser.MaxLines) { r.Error(path, $"has {count} lines, at most {CanonicalOrderParser.MaxLines} are accepted"); return null; }

        var lines = new List<OrderLine>(count);
        var i = 0;
        foreach (var item in items.EnumerateArray())
        {
            var p = $"{path}[{i++}]";
            if (item.ValueKind != JsonValueKind.Object) { r.Error(p, "must be an object", item); continue; }
            var quantity = r.Quantity(item, "quantity", p);
            var price = r.Decimal(item, "price", p, required: true);
            // variant_id is null for custom line items; the merchant's code is the variant's sku.
            var variantId = r.String(item, "variant_id", p, maxLength: CanonicalOrderParser.MaxIdLength);
            var sku = r.String(item, "sku", p, maxLength: CanonicalOrderParser.MaxIdLength);
            var title = r.String(item, "name", p, maxLength: 512) ?? r.String(item, "title", p, maxLength: 512) ?? "";
            lines.Add(new OrderLine(variantId, sku, title, quantity ?? 0, price ?? 0m, LineDiscount(r, item, p)));
        }
        return lines;
    }

    /// <summary>
    /// The discount allocated to a line: Σ <c>discount_allocations[].amount</c> (which include order-level discounts
    /// spread over the lines); Shopify does not always fill the older <c>total_discount</c>, so that is the fallback.
    /// </summary>
    private static decimal LineDiscount(NativeReader r, JsonElement item, string p)
    {
        if (r.Array(item, "discount_allocations", p) is { } allocations && allocations.GetArrayLength() > 0)
        {
            var sum = 0m;
            var j = 0;
            foreach (var allocation in allocations.EnumerateArray())
            {
                var ap = $"{p}.discount_allocations[{j++}]";
                if (allocation.ValueKind != JsonValueKind.Object) { r.Error(ap, "must be an object", allocation); continue; }
                sum += r.Decimal(allocation, "amount", ap, required: true) ?? 0m;
            }
            return sum;
        }
        return r.Decimal(item, "total_discount", p) ?? 0m;
    }

    private static OrderAmounts? ReadAmounts(NativeReader r, JsonElement order, string at, List<OrderLine>? lines, List<string> tags)
    {
        var lineGoods = lines?.Sum(l => l.UnitPrice * l.Quantity) ?? 0m;
        // The platform's goods total wins when given: if it disagrees with the lines, the intake checks hold the order.
        var goods = r.Decimal(order, "total_line_items_price", at) ?? lineGoods;
        var (shipping, shippingDiscount) = ReadShipping(r, order, at);
        var discount = r.Decimal(order, "total_discounts", at) ?? 0m;
        var paid = r.Decimal(order, "total_price", at, required: true);
        var tax = r.Decimal(order, "total_tax", at) ?? 0m;
        var taxesIncluded = ReadBoolean(r, order, "taxes_included", at) ?? false;
        if (paid is null) return null;

        var freight = shipping;
        if (tax > 0 && !taxesIncluded)
        {
            freight += tax;
            tags.Add("tax:" + tax.ToString("0.00", CultureInfo.InvariantCulture));
        }
        // Shipping discounts show on shipping_lines; add them only when total_discounts evidently left them out.
        if (shippingDiscount > 0 && goods + freight - discount != paid && goods + freight - discount - shippingDiscount == paid)
            discount += shippingDiscount;
        return new OrderAmounts(goods, freight, discount, paid.Value);
    }

    /// <summary>Shipping before discounts (the shop-currency total, else Σ shipping_lines[].price) and the shipping discount.</summary>
    private static (decimal Shipping, decimal Discount) ReadShipping(NativeReader r, JsonElement order, string at)
    {
        decimal? total = null;
        if (r.Object(order, "total_shipping_price_set", at) is { } set)
        {
            var setPath = NativeReader.Path(at, "total_shipping_price_set");
            if (r.Object(set, "shop_money", setPath) is { } money)
                total = r.Decimal(money, "amount", NativeReader.Path(setPath, "shop_money"), required: true);
        }

        decimal linesTotal = 0m, discount = 0m;
        if (r.Array(order, "shipping_lines", at) is { } shippingLines)
        {
            var i = 0;
            foreach (var line in shippingLines.EnumerateArray())
            {
                var p = $"{NativeReader.Path(at, "shipping_lines")}[{i++}]";
                if (line.ValueKind != JsonValueKind.Object) { r.Error(p, "must be an object", line); continue; }
                var price = r.Decimal(line, "price", p, required: true) ?? 0m;
                linesTotal += price;
                if (r.Decimal(line, "discounted_price", p) is { } discounted && discounted < price) discount += price - discounted;
            }
        }
        return (total ?? linesTotal, discount);
    }

    private static (Receiver?, ReceiverPrivacy?) ReadReceiver(NativeReader r, JsonElement order, string at)
    {
        // Orders without physical goods have no shipping address: there is nobody to ship to.
        if (r.Object(order, "shipping_address", at) is not { } address) return (null, null);
        var p = NativeReader.Path(at, "shipping_address");
        var billing = r.Object(order, "billing_address", at);

        var name = r.String(address, "name", p, maxLength: 256)
                   ?? Join(r.String(address, "first_name", p, maxLength: 128), r.String(address, "last_name", p, maxLength: 128));
        var phone = r.String(address, "phone", p, maxLength: 64)
                    ?? (billing is { } b ? r.String(b, "phone", NativeReader.Path(at, "billing_address"), maxLength: 64) : null);
        var street = Join(r.String(address, "address1", p, maxLength: 512), r.String(address, "address2", p, maxLength: 512));

        var (plainName, maskedName, encryptedName) = PersonalData.Classify(name);
        var (plainPhone, maskedPhone, encryptedPhone) = PersonalData.Classify(phone);
        var (plainAddress, maskedAddress, encryptedAddress) = PersonalData.Classify(street);
        var receiver = new Receiver(
            plainName, plainPhone,
            r.String(address, "province", p, maxLength: 64), r.String(address, "city", p, maxLength: 64),
            District: null, Street: null, plainAddress, r.String(address, "zip", p, maxLength: 16));
        var privacy = new ReceiverPrivacy(maskedName, maskedPhone, maskedAddress, encryptedName, encryptedPhone, encryptedAddress);
        return (receiver, privacy.IsEmpty ? null : privacy);
    }

    private static Buyer? ReadBuyer(NativeReader r, JsonElement order, string at)
    {
        string? id = null, nick = null;
        if (r.Object(order, "customer", at) is { } customer)
        {
            var p = NativeReader.Path(at, "customer");
            id = r.String(customer, "id", p, maxLength: 128);
            nick = Join(r.String(customer, "first_name", p, maxLength: 64), r.String(customer, "last_name", p, maxLength: 64));
        }
        // A guest checkout has no customer record; the order's email is then the only stable handle on the buyer.
        id ??= r.String(order, "email", at, maxLength: 128);
        return id is null && nick is null ? null : new Buyer(nick, id);
    }

    private static bool? ReadBoolean(NativeReader r, JsonElement obj, string name, string at)
    {
        switch (NativeReader.Get(obj, name))
        {
            case null: return null;
            case { ValueKind: JsonValueKind.True }: return true;
            case { ValueKind: JsonValueKind.False }: return false;
            case { } other: r.Error(NativeReader.Path(at, name), "must be true or false", other); return null;
        }
    }

    private static string? Join(string? first, string? second) =>
        (first, second) switch
        {
            (null, null) => null,
            (_, null) => first,
            (null, _) => second,
            _ => $"{first} {second}",
        };
}
