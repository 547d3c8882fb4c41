using System.Globalization;

namespace Ordo.Core.Orders;

/// <summary>
/// Why an accepted order needs a person before anything downstream runs. <see cref="Code"/> is stable for
/// programs (<c>amounts_mismatch</c>, <c>missing_receiver</c>, <c>unknown_sku</c>, <c>manual</c>); <see cref="Message"/>
/// explains it with the numbers or values involved.
/// </summary>
public sealed record HoldReason(string Code, string Message, string? Field = null)
{
    /// <summary>Identity of a reason, used to avoid holding again for something a person already released.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Key => $"{Code}|{Field}|{Message}";
}

/// <summary>
/// The merchants' intake rules that do not reject an order but hold it for review: amounts that do not add up,
/// a missing receiver, and lines whose merchant SKU is unknown. Pure: the catalogue look-up is passed in.
/// </summary>
public static class IntakeChecks
{
    public static IReadOnlyList<HoldReason> Evaluate(CanonicalOrder order, Func<string, bool> skuExists)
    {
        var reasons = new List<HoldReason>();
        CheckReceiver(order, reasons);
        CheckAmounts(order, reasons);
        for (var i = 0; i < order.Lines.Count; i++)
        {
            var line = order.Lines[i];
            if (string.IsNullOrEmpty(line.Sku))
                reasons.Add(new HoldReason("unknown_sku", $"line {i + 1} ('{line.Title}') has no merchant SKU", $"lines[{i}].sku"));
            else if (!skuExists(line.Sku))
                reasons.Add(new HoldReason("unknown_sku", $"merchant SKU '{line.Sku}' is not in the catalogue", $"lines[{i}].sku"));
        }
        return reasons;
    }

    private static void CheckReceiver(CanonicalOrder order, List<HoldReason> reasons)
    {
        // Orders that never ship (cancelled, refunded before shipment) do not need a receiver.
        if (order.Status is OrderStatus.Cancelled or OrderStatus.Refunded) return;
        var r = order.Receiver;
        if (r is null)
        {
            reasons.Add(new HoldReason("missing_receiver", "the order has no receiver", "receiver"));
            return;
        }
        var missing = new List<string>();
        // Ciphertext stands in for a value the platform only hands out encrypted (the platform decrypts it, or prints
        // the waybill, when it is needed); a platform privacy id stands in for the phone and address, and for a name
        // the platform gave only masked (Taobao's 张** with its oaid). A masked copy alone is not enough.
        var p = order.ReceiverPrivacy;
        var privacyId = order.Oaid is not null || order.OpenAddressId is not null;
        if (string.IsNullOrEmpty(r.Name) && p?.EncryptedName is null && !(privacyId && p?.MaskedName is not null)) missing.Add("name");
        if (string.IsNullOrEmpty(r.Phone) && p?.EncryptedPhone is null && !privacyId) missing.Add("phone");
        if (string.IsNullOrEmpty(r.Province)) missing.Add("province");
        if (string.IsNullOrEmpty(r.Address) && p?.EncryptedAddress is null && !privacyId) missing.Add("address");
        if (missing.Count > 0)
            reasons.Add(new HoldReason("missing_receiver", $"the receiver is missing: {string.Join(", ", missing)}", "receiver." + missing[0]));
    }

    private static void CheckAmounts(CanonicalOrder order, List<HoldReason> reasons)
    {
        var a = order.Amounts;
        var linesTotal = order.Lines.Sum(l => l.UnitPrice * l.Quantity);
        if (linesTotal != a.Goods)
            reasons.Add(new HoldReason("amounts_mismatch",
                $"goods {F(a.Goods)} does not equal the sum of quantity × unit price over the lines ({F(linesTotal)})", "amounts.goods"));
        var expectedPaid = a.Goods + a.Freight - a.Discount;
        if (expectedPaid != a.Paid)
            reasons.Add(new HoldReason("amounts_mismatch",
                $"paid {F(a.Paid)} does not equal goods + freight − discount ({F(a.Goods)} + {F(a.Freight)} − {F(a.Discount)} = {F(expectedPaid)})", "amounts.paid"));
        var lineDiscounts = order.Lines.Sum(l => l.Discount);
        if (lineDiscounts > a.Discount)
            reasons.Add(new HoldReason("amounts_mismatch",
                $"the lines' discounts ({F(lineDiscounts)}) exceed the order's discount ({F(a.Discount)})", "amounts.discount"));
        for (var i = 0; i < order.Lines.Count; i++)
        {
            var line = order.Lines[i];
            if (line.Discount > line.UnitPrice * line.Quantity)
                reasons.Add(new HoldReason("amounts_mismatch",
                    $"line {i + 1} discount {F(line.Discount)} exceeds its value {F(line.UnitPrice * line.Quantity)}", $"lines[{i}].discount"));
        }
    }

    private static string F(decimal value) => value.ToString("0.00", CultureInfo.InvariantCulture);
}
