using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Ordo.Core.Orders;

namespace Ordo.Core.Channels.Csv;

/// <summary>A value of one row that could not be mapped: row number (header = 1), the column as headed in the file, why, the raw value.</summary>
public sealed record CsvRowError(int Row, string Column, string Reason, string? Value);

/// <summary>
/// One order found in the CSV: its rows, and either its canonical JSON or the row errors that kept it from being
/// built (then <see cref="Text"/>, the header and the order's rows, is what is kept in the inbox).
/// </summary>
public sealed record CsvOrder(string? PlatformOrderId, IReadOnlyList<int> Rows, string? Json, IReadOnlyList<CsvRowError> Errors, string Text);

public sealed record CsvMapping(CsvPreset Preset, IReadOnlyList<CsvOrder> Orders);

/// <summary>
/// A file's header read with a preset: the header record, the preset actually used (see
/// <see cref="CsvOrderMapper.ReadHeader"/>), each field's column index, and the required fields missing (empty when
/// the file can be read).
/// </summary>
public sealed record CsvHeader(CsvRecord Record, CsvPreset Preset, IReadOnlyDictionary<string, int> Columns, IReadOnlyList<string> Missing)
{
    /// <summary>Index of the column whose value groups rows into orders; only valid when nothing is missing.</summary>
    public int OrderKeyColumn => Columns[Preset.OrderKey];

    /// <summary>That column's heading as the file writes it.</summary>
    public string OrderKeyHeader => Record.Fields[OrderKeyColumn].Trim();
}

/// <summary>
/// Maps a CSV export to canonical orders: finds the preset's columns in the header, reads each row's values (numbers,
/// times, status texts), groups rows by order (one row per line in every export) and builds canonical order JSON,
/// which the intake then checks like any other. Pure: no I/O.
/// </summary>
public static partial class CsvOrderMapper
{
    /// <summary>Maps <paramref name="text"/> with <paramref name="preset"/>, falling back to generic when its columns are missing; or the missing columns.</summary>
    public static (CsvMapping? Mapping, IReadOnlyList<string> Missing) Map(string text, CsvPreset preset, Platform platform, string shopCode)
    {
        var records = CsvReader.Read(text);
        if (records.Count == 0) return (null, RequiredOf(preset).Select(f => Describe(preset, f)).ToList());
        var header = ReadHeader(records[0], preset);
        if (header.Missing.Count > 0) return (null, header.Missing);
        preset = header.Preset;

        var rows = records.Skip(1).Where(r => !r.IsBlank).Select(r => ReadRow(r, header)).ToList();
        var orders = new List<CsvOrder>();
        foreach (var group in rows.GroupBy(r => r.Key ?? "\0row" + r.Record.Row))
        {
            var list = group.ToList();
            var recordsText = header.Record.Raw + "\n" + string.Join("\n", list.Select(r => r.Record.Raw));
            var errors = list.SelectMany(r => r.Errors).ToList();
            var id = First(list, CsvFields.PlatformOrderId) ?? list[0].Key;
            var rowNumbers = list.Select(r => r.Record.Row).ToList();
            if (errors.Count > 0) { orders.Add(new CsvOrder(id, rowNumbers, null, errors, recordsText)); continue; }
            orders.Add(new CsvOrder(id, rowNumbers, Build(list, preset, platform, shopCode, id!), [], recordsText));
        }
        return (new CsvMapping(preset, orders), []);
    }

    /// <summary>
    /// Finds <paramref name="preset"/>'s columns in the header record; when required ones are missing but the header
    /// has all of generic's, the file is read as generic. <see cref="CsvHeader.Missing"/> then names what is still
    /// missing, each with the headers accepted for it.
    /// </summary>
    public static CsvHeader ReadHeader(CsvRecord header, CsvPreset preset)
    {
        var (columns, missing) = Resolve(preset, header.Fields);
        if (missing.Count > 0 && preset != CsvPresets.Generic)
        {
            var (genericColumns, genericMissing) = Resolve(CsvPresets.Generic, header.Fields);
            if (genericMissing.Count == 0) (preset, columns, missing) = (CsvPresets.Generic, genericColumns, genericMissing);
        }
        return new CsvHeader(header, preset, columns, missing.Select(f => Describe(preset, f)).ToList());
    }

    /// <summary>
    /// The value that groups <paramref name="record"/> with the other rows of its order (spreadsheet artefacts undone),
    /// or null when the row has none. Rows with the same key are one order, in one request.
    /// </summary>
    public static string? OrderKeyOf(CsvRecord record, CsvHeader header)
    {
        var index = header.OrderKeyColumn;
        var key = index < record.Fields.Count ? Clean(record.Fields[index]) : "";
        return key.Length == 0 ? null : key;
    }

    private static string Describe(CsvPreset preset, string field) =>
        preset.Columns.TryGetValue(field, out var headers) ? $"{field} ({string.Join(" / ", headers)})" : field;

    private static IEnumerable<string> RequiredOf(CsvPreset preset) =>
        CsvFields.Required.Select(f => f == CsvFields.PlatformOrderId ? preset.OrderKey : f)
            .Append(preset.Columns.ContainsKey(CsvFields.UnitPrice) ? CsvFields.UnitPrice : CsvFields.LineTotal);

    /// <summary>Column index of each field the header has, and the required fields it lacks.</summary>
    private static (Dictionary<string, int> Columns, List<string> Missing) Resolve(CsvPreset preset, IReadOnlyList<string> header)
    {
        var names = header.Select(h => h.Trim().TrimStart('\uFEFF')).ToList();
        var columns = new Dictionary<string, int>();
        foreach (var (field, spellings) in preset.Columns)
        {
            var index = names.FindIndex(n => spellings.Any(s => string.Equals(s.Trim(), n, StringComparison.OrdinalIgnoreCase)));
            if (index >= 0) columns[field] = index;
        }
        var missing = RequiredOf(preset).Where(f => !columns.ContainsKey(f)).ToList();
        if (missing.Contains(CsvFields.UnitPrice) && columns.ContainsKey(CsvFields.LineTotal)) missing.Remove(CsvFields.UnitPrice);
        return (columns, missing);
    }

    private sealed class Row(CsvRecord record)
    {
        public CsvRecord Record { get; } = record;
        public string? Key;
        public Dictionary<string, string> Text { get; } = [];
        public Dictionary<string, decimal> Money { get; } = [];
        public Dictionary<string, string> Instants { get; } = [];
        public int? Quantity;
        public string? Status;
        public List<CsvRowError> Errors { get; } = [];
    }

    private static Row ReadRow(CsvRecord record, CsvHeader csvHeader)
    {
        var (preset, header) = (csvHeader.Preset, csvHeader.Record.Fields);
        var row = new Row(record);
        foreach (var (field, index) in csvHeader.Columns)
        {
            var raw = index < record.Fields.Count ? Clean(record.Fields[index]) : "";
            if (raw.Length == 0) continue;
            var column = header[index].Trim();
            if (CsvFields.Money.Contains(field))
            {
                var number = raw.Replace("¥", "").Replace("￥", "").Replace("$", "").Replace(",", "").Replace("元", "").Trim();
                if (decimal.TryParse(number, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var amount))
                    row.Money[field] = amount;
                else row.Errors.Add(new CsvRowError(record.Row, column, "is not an amount (e.g. 99.00)", raw));
            }
            else if (CsvFields.Instants.Contains(field))
            {
                if (Instant(raw, preset.LocalOffset) is { } iso) row.Instants[field] = iso;
                else row.Errors.Add(new CsvRowError(record.Row, column,
                    preset.LocalOffset is null ? "is not a time (ISO 8601, e.g. 2026-02-22T10:00:00+08:00)" : "is not a time (yyyy-MM-dd HH:mm:ss)", raw));
            }
            else if (field == CsvFields.Quantity)
            {
                if (int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var q) && q >= 1) row.Quantity = q;
                else if (decimal.TryParse(raw, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var dq) && dq >= 1 && dq == decimal.Truncate(dq) && dq <= int.MaxValue)
                    row.Quantity = (int)dq;
                else row.Errors.Add(new CsvRowError(record.Row, column, "is not a whole number of at least 1", raw));
            }
            else if (field == CsvFields.Status)
            {
                if (preset.Statuses.TryGetValue(raw, out var s)) row.Status = s.ToString();
                else if (OrderStatuses.TryParse(raw, out var canonical) && canonical != OrderStatus.OnHold) row.Status = canonical.ToString();
                else row.Errors.Add(new CsvRowError(record.Row, column, preset.Statuses.Count > 0
                    ? $"is not a status of the {preset.Name} export; expected one of: {string.Join(", ", preset.Statuses.Keys)}"
                    : $"is not an order status; expected one of: {string.Join(", ", OrderStatuses.Names.Where(n => n != nameof(OrderStatus.OnHold)))}", raw));
            }
            else row.Text[field] = raw;
        }
        row.Key = OrderKeyOf(record, csvHeader);
        if (row.Key is null)
            row.Errors.Add(new CsvRowError(record.Row, csvHeader.OrderKeyHeader, "is empty: every row needs its order id", null));
        return row;
    }

    /// <summary>Undoes what spreadsheets do to long ids (<c>="123"</c>, a leading apostrophe or tab) and trims.</summary>
    private static string Clean(string value)
    {
        var v = value.Trim().Trim('\t').Trim();
        if (v.StartsWith("=\"", StringComparison.Ordinal) && v.EndsWith('"') && v.Length >= 3) v = v[2..^1];
        if (v.StartsWith('\'')) v = v[1..];
        return v.Trim();
    }

    private static readonly string[] LocalFormats =
        ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy/M/d H:mm:ss", "yyyy/M/d H:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-M-d H:mm:ss"];

    /// <summary>An ISO 8601 time for the canonical JSON; offset-less times get the preset's zone (or are passed on for the intake to judge).</summary>
    private static string? Instant(string raw, TimeSpan? localOffset)
    {
        var text = TrailingOffset().Replace(raw.Trim(), "$1$2:$3"); // Shopify writes "2025-03-01 10:02:11 -0500"
        if (DateTime.TryParseExact(text, LocalFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            var iso = local.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
            return localOffset is { } offset ? iso + (offset < TimeSpan.Zero ? "-" : "+") + offset.ToString(@"hh\:mm", CultureInfo.InvariantCulture) : iso;
        }
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var withOffset) && HasOffset().IsMatch(text))
            return withOffset.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        return null;
    }

    [GeneratedRegex(@"^(.*\d)\s*([+-]\d{2})(\d{2})$")]
    private static partial Regex TrailingOffset();

    [GeneratedRegex(@"(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex HasOffset();

    private static string? First(List<Row> rows, string field) => rows.Select(r => r.Text.GetValueOrDefault(field)).FirstOrDefault(v => v is not null);

    private static decimal? FirstMoney(List<Row> rows, string field) =>
        rows.Where(r => r.Money.ContainsKey(field)).Select(r => (decimal?)r.Money[field]).FirstOrDefault();

    /// <summary>Canonical order JSON (docs/api.md): order fields from the first row that has them, a line per row.</summary>
    private static string Build(List<Row> rows, CsvPreset preset, Platform platform, string shopCode, string platformOrderId)
    {
        var order = new JsonObject
        {
            ["platform"] = platform.Name(),
            ["shopCode"] = shopCode,
            ["platformOrderId"] = platformOrderId,
            ["status"] = Status(rows),
        };
        foreach (var field in new[] { CsvFields.CreatedAt, CsvFields.PaidAt, CsvFields.ModifiedAt })
            if (rows.Select(r => r.Instants.GetValueOrDefault(field)).FirstOrDefault(v => v is not null) is { } at) order[field] = at;
        if ((First(rows, CsvFields.Currency) ?? preset.DefaultCurrency) is { } currency) order["currency"] = currency.ToUpperInvariant();
        if (First(rows, CsvFields.BuyerNick) is { } nick) order["buyer"] = new JsonObject { ["nick"] = nick };

        var receiver = new JsonObject();
        var masked = new JsonObject();
        foreach (var (field, name) in new[]
        {
            (CsvFields.ReceiverName, "name"), (CsvFields.ReceiverPhone, "phone"), (CsvFields.Province, "province"), (CsvFields.City, "city"),
            (CsvFields.District, "district"), (CsvFields.Street, "street"), (CsvFields.Address, "address"), (CsvFields.PostalCode, "postalCode"),
            (CsvFields.IdCard, "idCard"),
        })
        {
            if (First(rows, field) is not { } value) continue;
            // Chinese exports mask the receiver (张**, 138****1234): a mask goes where masks belong, never as the value.
            if (value.Contains('*') && name is "name" or "phone" or "address")
                masked["masked" + char.ToUpperInvariant(name[0]) + name[1..]] = value;
            else receiver[name] = value;
        }
        if (preset.LocalOffset is not null && receiver["province"] is null && receiver["address"]?.GetValue<string>() is { } full)
            SplitAddress(full, receiver);
        if (receiver.Count > 0) order["receiver"] = receiver;
        if (masked.Count > 0) order["receiverPrivacy"] = masked;

        var lines = new JsonArray();
        var goods = 0m;
        foreach (var r in rows)
        {
            var quantity = r.Quantity ?? 1;
            var unitPrice = r.Money.TryGetValue(CsvFields.UnitPrice, out var up) ? up
                : r.Money.TryGetValue(CsvFields.LineTotal, out var total) ? decimal.Round(total / quantity, 2) : (decimal?)null;
            var line = new JsonObject();
            if (r.Text.GetValueOrDefault(CsvFields.PlatformSkuId) is { } skuId) line["platformSkuId"] = skuId;
            if (r.Text.GetValueOrDefault(CsvFields.Sku) is { } sku) line["sku"] = sku;
            if (r.Text.GetValueOrDefault(CsvFields.Title) is { } title) line["title"] = title;
            if (r.Quantity is { } q) line["quantity"] = q;
            if (unitPrice is { } price) line["unitPrice"] = price;
            if (r.Money.TryGetValue(CsvFields.LineDiscount, out var lineDiscount)) line["discount"] = lineDiscount;
            lines.Add(line);
            goods += quantity * (unitPrice ?? 0m);
        }
        order["lines"] = lines;

        var freight = FirstMoney(rows, CsvFields.Freight) ?? 0m;
        var discount = FirstMoney(rows, CsvFields.Discount) ?? 0m;
        var goodsAmount = FirstMoney(rows, CsvFields.Goods) ?? goods;
        order["amounts"] = new JsonObject
        {
            ["goods"] = goodsAmount,
            ["freight"] = freight,
            ["discount"] = discount,
            ["paid"] = FirstMoney(rows, CsvFields.Paid) ?? goodsAmount + freight - discount,
        };
        if (First(rows, CsvFields.BuyerMessage) is { } message) order["buyerMessage"] = message;
        if (First(rows, CsvFields.SellerMemo) is { } memo) order["sellerMemo"] = memo;
        return order.ToJsonString();
    }

    /// <summary>
    /// Chinese exports with one address column write it as "省 市 区 street(postcode)", space-separated [U]: the
    /// province, city and district are taken from it (the intake holds an order without a province), the address kept whole.
    /// </summary>
    private static void SplitAddress(string full, JsonObject receiver)
    {
        var text = full;
        if (PostcodeSuffix().Match(text) is { Success: true } zip)
        {
            receiver["postalCode"] ??= zip.Groups[1].Value;
            text = text[..zip.Index].Trim();
            receiver["address"] = text;
        }
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length < 2 || !parts[0].EndsWith('省') && !parts[0].EndsWith('市') && !parts[0].EndsWith("自治区", StringComparison.Ordinal)
            && !parts[0].EndsWith("行政区", StringComparison.Ordinal)) return;
        receiver["province"] = parts[0];
        if (parts.Length >= 3) receiver["city"] ??= parts[1];
        if (parts.Length >= 4 && (parts[2].EndsWith('区') || parts[2].EndsWith('县') || parts[2].EndsWith('市') || parts[2].EndsWith('旗')))
            receiver["district"] ??= parts[2];
    }

    [GeneratedRegex(@"[（(](\d{6})[）)]\s*$")]
    private static partial Regex PostcodeSuffix();

    /// <summary>The order's status; Shopify's financial status is refined by cancellation and fulfilment.</summary>
    private static string? Status(List<Row> rows)
    {
        var status = rows.Select(r => r.Status).FirstOrDefault(s => s is not null);
        if (rows.Any(r => r.Instants.ContainsKey(CsvFields.CancelledAt))) return status == nameof(OrderStatus.Refunded) ? status : nameof(OrderStatus.Cancelled);
        var fulfilment = First(rows, CsvFields.FulfillmentStatus);
        if (status == nameof(OrderStatus.Paid) && string.Equals(fulfilment, "fulfilled", StringComparison.OrdinalIgnoreCase)) return nameof(OrderStatus.Shipped);
        return status;
    }
}
