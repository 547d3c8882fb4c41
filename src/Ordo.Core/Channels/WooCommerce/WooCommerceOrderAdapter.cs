using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ordo.Core.Orders;

namespace Ordo.Core.Channels.WooCommerce;

/// <summary>
/// Reads a WooCommerce REST API v3 order (<c>GET /wp-json/wc/v3/orders/{id}</c>; webhook bodies are the same object).
/// Money is decimal strings in the order's <c>currency</c>.
/// <para>
/// Times: the <c>*_gmt</c> fields are UTC without an offset and are read as UTC. The fields without the suffix are the
/// site's local time without an offset; the site's zone is not in the order, so they are never read: an order that
/// has only them is refused with an error naming the missing <c>*_gmt</c> field.
/// </para>
/// <para>
/// Status: pending → PendingPayment; on-hold (awaiting a bank transfer or cheque) → PendingPayment with tag
/// <c>platform:on-hold</c> (Ordo's own OnHold is for its checks and people, not for platforms); processing → Paid;
/// completed (WooCommerce's "fulfilled") → Completed; cancelled → Cancelled, or Refunded when refunds were made;
/// trash → Cancelled; refunded → Refunded. <c>failed</c> → PendingPayment with tag <c>platform:failed</c>, not
/// Cancelled: WooCommerce lets the buyer pay a failed order again, and Cancelled is final in Ordo, so a later payment
/// would be refused. Refunds on an order still open add the tag <c>partially-refunded</c>.
/// </para>
/// <para>
/// Amounts: line <c>subtotal</c> and <c>total</c> are before tax (WooCommerce keeps line tax apart even when prices
/// are entered with tax), so UnitPrice = subtotal / quantity and the line discount = subtotal − total. Goods =
/// Σ subtotal, Freight = <c>shipping_total</c>, Discount = <c>discount_total</c>, Paid = <c>total</c>. Ordo's amounts
/// have no tax field, so <c>total_tax</c> is added to Freight with the tag <c>tax:&lt;amount&gt;</c>, and fees
/// (<c>fee_lines</c>) are added to Freight (tag <c>fees:&lt;amount&gt;</c>) or, when negative, to Discount; then
/// Goods + Freight − Discount = Paid holds and Paid is what the buyer was charged.
/// </para>
/// </summary>
public sealed class WooCommerceOrderAdapter : IOrderAdapter
{
    /// <summary>
    /// The core statuses; <c>checkout-draft</c> is the block checkout's draft before the order is placed
    /// [U: seen in REST responses of stores using the block checkout, not in the facts file].
    /// </summary>
    public static readonly IReadOnlyList<string> Statuses =
        ["pending", "processing", "on-hold", "completed", "cancelled", "refunded", "failed", "trash", "checkout-draft"];

    public IReadOnlyList<Platform> Platforms { get; } = [Platform.Woocommerce];

    public ParseResult<CanonicalOrder> Parse(JsonElement native, ShopContext shop)
    {
        var r = new NativeReader();
        if (shop.Platform != Platform.Woocommerce)
        {
            r.Error("$", $"the WooCommerce adapter reads WooCommerce orders only, not {shop.Platform.Name()}");
            return r.Fail();
        }
        if (native.ValueKind != JsonValueKind.Object)
        {
            r.Error("$", "a WooCommerce order must be a JSON object", native);
            return r.Fail();
        }
        // The v3 API returns the order object itself: there is no envelope to take off.
        var order = native;
        const string at = "";

        var orderId = r.String(order, "id", at, required: true, maxLength: CanonicalOrderParser.MaxIdLength);
        var currency = r.String(order, "currency", at, required: true, maxLength: 16);
        if (currency is not null && !Common.Currencies.IsValidCode(currency))
            r.Error("currency", "must be a 3-letter upper-case ISO 4217 code such as EUR", currency);

        var createdAt = GmtTime(r, order, "date_created", required: true);
        var modifiedAt = GmtTime(r, order, "date_modified", required: true);
        var paidAt = GmtTime(r, order, "date_paid", required: false);

        var tags = new List<string>();
        var status = ReadStatus(r, order, tags);
        var lines = ReadLines(r, order);
        var amounts = ReadAmounts(r, order, lines, tags);
        var billing = r.Object(order, "billing", "");
        var (receiver, privacy) = ReadReceiver(r, order, billing);
        var buyer = ReadBuyer(r, order, billing);
        var note = r.String(order, "customer_note", at, maxLength: CanonicalOrderParser.MaxTextLength) ?? "";

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

    /// <summary>Reads <c>{name}_gmt</c> as UTC; the site-local <c>{name}</c> alone is refused, never guessed.</summary>
    private static DateTimeOffset? GmtTime(NativeReader r, JsonElement order, string name, bool required)
    {
        var gmt = name + "_gmt";
        if (NativeReader.Get(order, gmt) is { } value)
        {
            // Read with assumeUtc the parser would also take "01/03/2025 10:02" (and read it as 3 January): only ISO passes.
            if (value.ValueKind == JsonValueKind.String && !IsoDateTime.IsMatch(value.GetString()!.Trim()))
            {
                r.Error(gmt, "is not an ISO 8601 time such as 2025-03-01T10:02:11", value);
                return null;
            }
            return r.IsoTime(order, gmt, "", required, assumeUtc: true);
        }
        if (NativeReader.Get(order, name) is { } local)
        {
            r.Error(gmt, $"is missing; {name} is the site's local time without an offset and the site's time zone is unknown, so it cannot be converted to UTC", local);
            return null;
        }
        if (required) r.Error(gmt, "is required");
        return null;
    }

    private static readonly Regex IsoDateTime = new(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$", RegexOptions.CultureInvariant);

    private static OrderStatus? ReadStatus(NativeReader r, JsonElement order, List<string> tags)
    {
        var status = r.String(order, "status", "", required: true, maxLength: 64);
        var refunds = r.Array(order, "refunds", "") is { } list ? list.GetArrayLength() : 0;
        if (status is null) return null;
        if (!Statuses.Contains(status))
        {
            r.Error("status", $"unknown order status '{status}'; known: {string.Join(", ", Statuses)}", status);
            return null;
        }
        if (status is "on-hold" or "failed" or "trash" or "checkout-draft") tags.Add("platform:" + status);
        if (refunds > 0 && status is not ("refunded" or "cancelled")) tags.Add("partially-refunded");
        return status switch
        {
            "pending" or "on-hold" or "failed" or "checkout-draft" => OrderStatus.PendingPayment,
            "processing" => OrderStatus.Paid,
            "completed" => OrderStatus.Completed,
            // Cancelled after money went back is a refund; WooCommerce itself switches to "refunded" only when all of it did.
            "cancelled" => refunds > 0 ? OrderStatus.Refunded : OrderStatus.Cancelled,
            "refunded" => OrderStatus.Refunded,
            _ => OrderStatus.Cancelled, // trash
        };
    }

    private static List<OrderLine>? ReadLines(NativeReader r, JsonElement order)
    {
        if (r.Array(order, "line_items", "", required: true) is not { } items) return null;
        var count = items.GetArrayLength();
        if (count == 0) { r.Error("line_items", "must contain at least one line", items); return null; }
        if (count > CanonicalOrderParser.MaxLines) { r.Error("line_items", $"has {count} lines, at most {CanonicalOrderParser.MaxLines} are accepted"); return null; }

        var lines = new List<OrderLine>(count);
        var i = 0;
        foreach (var item in items.EnumerateArray())
        {
            var p = $"line_items[{i++}]";
            if (item.ValueKind != JsonValueKind.Object) { r.Error(p, "must be an object", item); continue; }
            var quantity = r.Quantity(item, "quantity", p);
            var subtotal = r.Decimal(item, "subtotal", p);
            var total = r.Decimal(item, "total", p);

            // price is total / quantity after discounts and often has more than two decimals: only a fallback.
            decimal? unitPrice;
            if (subtotal is null) unitPrice = r.Decimal(item, "price", p, required: true);
            else if (quantity is null) unitPrice = null;
            else
            {
                unitPrice = subtotal.Value / quantity.Value;
                if (decimal.Round(unitPrice.Value, 2) != unitPrice.Value)
                {
                    r.Error($"{p}.subtotal", $"{Money(subtotal.Value)} over quantity {quantity} is not a whole-cent unit price; Ordo does not round amounts", NativeReader.Get(item, "subtotal"));
                    unitPrice = null;
                }
            }
            var lineValue = subtotal ?? unitPrice * quantity;
            var discount = total is { } t && lineValue is { } v && v > t ? v - t : 0m;

            // A variable product's line names its variation; a simple product has variation_id 0.
            var variationId = r.Integer(item, "variation_id", p);
            var productId = r.Integer(item, "product_id", p);
            var skuId = variationId is > 0 ? variationId : productId is > 0 ? productId : null;
            var sku = r.String(item, "sku", p, maxLength: CanonicalOrderParser.MaxIdLength);
            var title = r.String(item, "name", p, maxLength: 512) ?? "";
            lines.Add(new OrderLine(skuId?.ToString(CultureInfo.InvariantCulture), sku, title, quantity ?? 0, unitPrice ?? 0m, discount));
        }
        return lines;
    }

    private static OrderAmounts? ReadAmounts(NativeReader r, JsonElement order, List<OrderLine>? lines, List<string> tags)
    {
        var goods = lines?.Sum(l => l.UnitPrice * l.Quantity) ?? 0m;
        var freight = r.Decimal(order, "shipping_total", "") ?? 0m;
        var discount = r.Decimal(order, "discount_total", "") ?? 0m;
        var tax = r.Decimal(order, "total_tax", "") ?? 0m;
        var paid = r.Decimal(order, "total", "", required: true);
        var (charges, credits) = ReadFees(r, order);
        if (paid is null) return null;

        if (tax > 0)
        {
            freight += tax;
            tags.Add("tax:" + Money(tax));
        }
        if (charges > 0)
        {
            freight += charges;
            tags.Add("fees:" + Money(charges));
        }
        discount += credits;
        return new OrderAmounts(goods, freight, discount, paid.Value);
    }

    /// <summary>
    /// <c>fee_lines[].total</c> (before tax, their tax is in <c>total_tax</c>) split into charges and credits: a
    /// negative fee is how some plugins give a discount, so it is counted as one rather than netted against surcharges.
    /// </summary>
    private static (decimal Charges, decimal Credits) ReadFees(NativeReader r, JsonElement order)
    {
        if (r.Array(order, "fee_lines", "") is not { } fees) return (0m, 0m);
        decimal charges = 0m, credits = 0m;
        var i = 0;
        foreach (var fee in fees.EnumerateArray())
        {
            var p = $"fee_lines[{i++}]";
            if (fee.ValueKind != JsonValueKind.Object) { r.Error(p, "must be an object", fee); continue; }
            var amount = SignedAmount(r, fee, "total", p) ?? 0m;
            if (amount > 0) charges += amount;
            else credits -= amount;
        }
        return (charges, credits);
    }

    /// <summary>A decimal string that may be negative (fees); NativeReader's money readers refuse negatives.</summary>
    private static decimal? SignedAmount(NativeReader r, JsonElement obj, string name, string parent)
    {
        var path = NativeReader.Path(parent, name);
        if (NativeReader.Get(obj, name) is not { } e) { r.Error(path, "is required"); return null; }
        var text = e.ValueKind switch
        {
            JsonValueKind.String => e.GetString()!.Trim(),
            JsonValueKind.Number => e.GetRawText(),
            _ => null,
        };
        if (text is null || !decimal.TryParse(text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            r.Error(path, "is not a decimal amount such as \"-5.00\"", e);
            return null;
        }
        if (Common.Amounts.Check(value, allowNegative: true) is { } reason) { r.Error(path, $"amount {reason}", e); return null; }
        return value;
    }

    private static (Receiver?, ReceiverPrivacy?) ReadReceiver(NativeReader r, JsonElement order, JsonElement? billing)
    {
        // Orders of virtual goods have an empty shipping address: there is nobody to ship to.
        if (r.Object(order, "shipping", "") is not { } shipping) return (null, null);
        const string p = "shipping";
        var name = Join(r.String(shipping, "first_name", p, maxLength: 128), r.String(shipping, "last_name", p, maxLength: 128));
        var street = Join(r.String(shipping, "address_1", p, maxLength: 512), r.String(shipping, "address_2", p, maxLength: 512));
        // WooCommerce gives state codes ("CA", "BE", "CN2"): kept as sent, a code is not a name Ordo may invent.
        var province = r.String(shipping, "state", p, maxLength: 64);
        var city = r.String(shipping, "city", p, maxLength: 64);
        var postcode = r.String(shipping, "postcode", p, maxLength: 16);
        if (name is null && street is null && province is null && city is null && postcode is null) return (null, null);
        // shipping.phone exists only since WooCommerce 5.6 and is often left empty; the billing phone reaches the same buyer.
        var phone = r.String(shipping, "phone", p, maxLength: 64)
                    ?? (billing is { } b ? r.String(b, "phone", "billing", maxLength: 64) : null);

        var (plainName, maskedName, encryptedName) = PersonalData.Classify(name);
        var (plainPhone, maskedPhone, encryptedPhone) = PersonalData.Classify(phone);
        var (plainAddress, maskedAddress, encryptedAddress) = PersonalData.Classify(street);
        var receiver = new Receiver(plainName, plainPhone, province, city, District: null, Street: null, plainAddress, postcode);
        var privacy = new ReceiverPrivacy(maskedName, maskedPhone, maskedAddress, encryptedName, encryptedPhone, encryptedAddress);
        return (receiver, privacy.IsEmpty ? null : privacy);
    }

    private static Buyer? ReadBuyer(NativeReader r, JsonElement order, JsonElement? billing)
    {
        // customer_id 0 is a guest checkout: the billing email is then the only handle on the buyer.
        var customerId = r.Integer(order, "customer_id", "");
        string? email = null, nick = null;
        if (billing is { } b)
        {
            email = r.String(b, "email", "billing", maxLength: 128);
            nick = Join(r.String(b, "first_name", "billing", maxLength: 64), r.String(b, "last_name", "billing", maxLength: 64));
        }
        var id = customerId is > 0 ? customerId.Value.ToString(CultureInfo.InvariantCulture) : email;
        return id is null && nick is null ? null : new Buyer(nick, id);
    }

    private static string Money(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);

    private static string? Join(string? first, string? second) =>
        (first, second) switch
        {
            (null, null) => null,
            (_, null) => first,
            (null, _) => second,
            _ => $"{first} {second}",
        };
}
