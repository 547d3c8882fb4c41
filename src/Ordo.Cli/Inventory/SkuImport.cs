using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Ordo.Cli.Import;
using static System.FormattableString;

namespace Ordo.Cli.Inventory;

/// <summary>
/// <c>ordo skus import &lt;file.csv&gt;</c>: one SKU per row. A new SKU is created (<c>POST /api/v1/skus</c>) and given
/// the row's stock settings (<c>PATCH /api/v1/skus/{code}/stock-settings</c>); an existing one gets only the settings
/// that differ from Ordo's (read with <c>GET …/stock-settings</c>) and is reported unchanged when none does, so running
/// a file again changes nothing. Empty cells leave a setting as it is. Ordo cannot rename a SKU: a row whose name
/// differs from Ordo's is rejected. Bundles name their components (<c>SKU-A*2;SKU-B</c>), which must exist or come
/// earlier in the file.
/// </summary>
public sealed class SkuImport(HttpClient http, ImportOutput output)
{
    public static readonly CsvColumn Code = new("sku", "code", "skucode", "商家编码", "sku编码", "商品编码", "编码", "货号");
    public static readonly CsvColumn Name = new("name", "名称", "商品名称", "品名", "标题");
    public static readonly CsvColumn Category = new("category", "类目", "分类", "品类");
    public static readonly CsvColumn ColdChain = new("coldChain", "cold", "冷链");
    public static readonly CsvColumn Weight = new("weightGrams", "weight", "weightg", "重量", "重量g", "重量克");
    public static readonly CsvColumn Dimensions = new("dimensions", "dimensionsmm", "size", "尺寸", "尺寸mm", "长宽高");
    public static readonly CsvColumn Length = new("lengthMm", "length", "长", "长度", "长mm");
    public static readonly CsvColumn Width = new("widthMm", "width", "宽", "宽度", "宽mm");
    public static readonly CsvColumn Height = new("heightMm", "height", "高", "高度", "高mm");
    public static readonly CsvColumn Cost = new("costPrice", "cost", "成本价", "成本", "进价");
    public static readonly CsvColumn Currency = new("costCurrency", "currency", "币种");
    public static readonly CsvColumn ShelfLife = new("shelfLifeDays", "shelfLife", "保质期", "保质期天");
    public static readonly CsvColumn Buffer = new("safetyBuffer", "安全库存");
    public static readonly CsvColumn Arrival = new("arrivalCoefficient", "在途系数");
    public static readonly CsvColumn Components = new("components", "bundle", "组合明细", "套装明细", "组合");

    private static readonly CsvColumn[] Columns = [Code, Name, Category, ColdChain, Weight, Dimensions, Length, Width, Height, Cost, Currency, ShelfLife, Buffer, Arrival, Components];

    /// <summary>The API's setting fields by the column that feeds them (the API names the field at fault; the report names the column).</summary>
    private static readonly Dictionary<string, CsvColumn> ColumnOfField = new()
    {
        ["code"] = Code, ["name"] = Name, ["category"] = Category, ["coldChain"] = ColdChain, ["weightGrams"] = Weight,
        ["lengthMm"] = Length, ["widthMm"] = Width, ["heightMm"] = Height, ["costPrice"] = Cost, ["costCurrency"] = Currency,
        ["shelfLifeDays"] = ShelfLife, ["safetyBuffer"] = Buffer, ["arrivalCoefficient"] = Arrival, ["components"] = Components,
    };

    private readonly OrdoApi _api = new(http, output.Clock);
    private readonly RowImport _rows = new(output, "skus import");

    public async Task<int> RunAsync(string file, string? errorsFile, CancellationToken ct)
    {
        var (table, problem) = CsvTable.Read(file, Columns, [Code]);
        if (table is null) return _rows.Fail(problem!);
        if (table.Has(Dimensions) && (table.Has(Length) || table.Has(Width) || table.Has(Height)))
            return _rows.Fail($"the header has both {table.HeaderOf(Dimensions)} and separate length/width/height columns: keep one");
        output.Out.WriteLine(Invariant($"Importing {Path.GetFileName(file)}: {table.Rows.Count:N0} SKUs ({table.Encoding})") +
                             (table.Ignored.Count > 0 ? $"; columns not read: {string.Join(", ", table.Ignored)}." : "."));
        return await _rows.RunAsync(table, errorsFile, "SKU", ["created", "updated", "unchanged"], (row, c) => ImportAsync(table, row, c), ct);
    }

    private async Task<RowOutcome> ImportAsync(CsvTable table, CsvRow row, CancellationToken ct)
    {
        var code = row[Code];
        if (code is null) return RowOutcome.Reject(table.HeaderOf(Code), "the SKU code is empty");
        var (settings, problems) = Settings(table, row);
        if (problems.Count > 0) return new RowOutcome.Rejected(problems);
        var path = $"/api/v1/skus/{Uri.EscapeDataString(code)}/stock-settings";

        var (current, failure) = await _api.GetAsync(path, ct);
        if (current is null) return new RowOutcome.Stopped(failure!);
        if (current.Status == HttpStatusCode.NotFound)
        {
            var name = row[Name];
            if (name is null) return RowOutcome.Reject(table.HeaderOf(Name), $"SKU '{code}' is new: it needs a name");
            var (created, createFailure) = await _api.SendJsonAsync(HttpMethod.Post, "/api/v1/skus", new JsonObject { ["code"] = code, ["name"] = name }, retry: false, ct);
            if (created is null) return new RowOutcome.Stopped(createFailure!);
            // 409: created meanwhile (another import): treated as existing from here on.
            if (!created.Ok && created.Status != HttpStatusCode.Conflict) return Rejected(table, created);
            if (settings.Count == 0) return new RowOutcome.Landed("created");
            var patched = await PatchAsync(table, path, settings, ct);
            return patched is RowOutcome.Landed ? new RowOutcome.Landed("created") : patched;
        }
        if (!current.Ok) return current.Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
            ? new RowOutcome.Stopped("the API key was refused (Ordo answered " + current.Describe() + "); pass --key with a key that may write the catalogue and inventory")
            : Rejected(table, current);

        var stored = current.Body!;
        if (row[Name] is { } wanted && stored["name"]?.GetValue<string>() is { } has && wanted != has)
            return RowOutcome.Reject(table.HeaderOf(Name), $"Ordo has SKU '{code}' as '{has}'; renaming a SKU is not supported: use Ordo's name or a new code");
        foreach (var field in settings.Select(f => f.Key).ToList())
            if (Same(field, settings[field], stored[field])) settings.Remove(field);
        return settings.Count == 0 ? new RowOutcome.Landed("unchanged") : await PatchAsync(table, path, settings, ct);
    }

    private async Task<RowOutcome> PatchAsync(CsvTable table, string path, JsonObject settings, CancellationToken ct)
    {
        var (answer, failure) = await _api.SendJsonAsync(HttpMethod.Patch, path, settings, retry: true, ct);
        if (answer is null) return new RowOutcome.Stopped(failure!);
        return answer.Ok ? new RowOutcome.Landed("updated") : Rejected(table, answer);
    }

    private static RowOutcome.Rejected Rejected(CsvTable table, ApiAnswer answer)
    {
        var field = answer.Field;
        // "components[1].sku" → components
        var column = field is null ? null : ColumnOfField.GetValueOrDefault(field.Split('[', '.')[0]);
        return RowOutcome.Reject(column is null ? field ?? "" : table.HeaderOf(column), answer.Reason);
    }

    /// <summary>Whether a setting sent equals the one stored (as <c>GET …/stock-settings</c> shows it).</summary>
    private static bool Same(string field, JsonNode? sent, JsonNode? stored) => field switch
    {
        _ when sent is null || stored is null => sent is null && stored is null,
        "costPrice" or "arrivalCoefficient" => decimal.TryParse(sent.ToString(), NumberStyles.Number, CultureInfo.InvariantCulture, out var a)
                                               && decimal.TryParse(stored.ToString(), NumberStyles.Number, CultureInfo.InvariantCulture, out var b) && a == b,
        "safetyBuffer" => sent["percent"] is { } p ? stored["percent"] is { } q && p.GetValue<decimal>() == q.GetValue<decimal>()
                          : stored["units"] is { } u && sent["units"]!.GetValue<int>() == u.GetValue<int>(),
        "components" => sent.AsArray().Select(Component).Order().SequenceEqual(stored.AsArray().Select(Component).Order()),
        _ => sent.ToString() == stored.ToString(),   // scalars: text, number or true/false as written
    };

    private static string Component(JsonNode? c) => Invariant($"{c!["sku"]!.GetValue<string>()}*{c["quantity"]!.GetValue<int>()}");

    /// <summary>The settings the row gives, as the PATCH body, or the problems of its cells.</summary>
    private static (JsonObject Settings, List<RowProblem> Problems) Settings(CsvTable table, CsvRow row)
    {
        var (settings, problems) = (new JsonObject(), new List<RowProblem>());
        void Whole(CsvColumn column, string field, int max)
        {
            var (value, problem) = Cell.WholeNumber(row[column], 0, max);
            if (problem is not null) problems.Add(new RowProblem(table.HeaderOf(column), problem));
            else if (value is not null) settings[field] = value;
        }
        if (row[Category] is { } category) settings["category"] = category;
        var (cold, coldProblem) = Cell.YesNo(row[ColdChain]);
        if (coldProblem is not null) problems.Add(new RowProblem(table.HeaderOf(ColdChain), coldProblem));
        else if (cold is not null) settings["coldChain"] = cold;
        Whole(Weight, "weightGrams", 10_000_000);
        Whole(Length, "lengthMm", 100_000);
        Whole(Width, "widthMm", 100_000);
        Whole(Height, "heightMm", 100_000);
        if (row[Dimensions] is { } dimensions)
        {
            var parts = dimensions.Split(['x', 'X', '×', '*'], StringSplitOptions.TrimEntries);
            var sides = parts.Select(p => Cell.WholeNumber(p, 0, 100_000).Value).ToList();
            if (parts.Length != 3 || sides.Any(s => s is null))
                problems.Add(new RowProblem(table.HeaderOf(Dimensions), $"'{dimensions}' is not length×width×height in mm (e.g. 300x200x100)"));
            else
                (settings["lengthMm"], settings["widthMm"], settings["heightMm"]) = (sides[0], sides[1], sides[2]);
        }
        if (row[Cost] is { } cost)
        {
            var plain = cost.TrimStart('¥', '￥');
            if (decimal.TryParse(plain, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount) && decimal.Round(amount, 2) == amount)
                settings["costPrice"] = amount.ToString("0.00", CultureInfo.InvariantCulture);
            else
                problems.Add(new RowProblem(table.HeaderOf(Cost), $"'{cost}' is not an amount in yuan with at most 2 decimals (e.g. 12.50)"));
        }
        if (row[Currency] is { } currency) settings["costCurrency"] = currency.ToUpperInvariant();
        else if (settings.ContainsKey("costPrice")) settings["costCurrency"] = "CNY";
        Whole(ShelfLife, "shelfLifeDays", 36_500);
        if (row[Buffer] is { } buffer)
        {
            if (buffer.EndsWith('%') && decimal.TryParse(buffer[..^1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var percent))
                settings["safetyBuffer"] = new JsonObject { ["percent"] = percent };
            else if (Cell.WholeNumber(buffer, 0, 1_000_000_000) is ({ } units, null))
                settings["safetyBuffer"] = new JsonObject { ["units"] = units };
            else
                problems.Add(new RowProblem(table.HeaderOf(Buffer), $"'{buffer}' is neither a percentage of on hand (5%) nor a number of units (3)"));
        }
        if (row[Arrival] is { } arrival)
        {
            if (decimal.TryParse(arrival, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var coefficient)) settings["arrivalCoefficient"] = coefficient;
            else problems.Add(new RowProblem(table.HeaderOf(Arrival), $"'{arrival}' is not a number from 0 to 1"));
        }
        if (row[Components] is { } text)
        {
            var components = new JsonArray();
            foreach (var part in text.Split([';', '|', '；', '+'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var star = part.LastIndexOfAny(['*', '×']);
                var (sku, quantity) = star < 0 ? (part, (int?)1) : (part[..star].Trim(), Cell.WholeNumber(part[(star + 1)..].Trim(), 1, 10_000).Value);
                if (sku.Length == 0 || quantity is null)
                {
                    problems.Add(new RowProblem(table.HeaderOf(Components), $"'{part}' is not SKU*quantity (e.g. CUP-01*2; a SKU alone is 1)"));
                    break;
                }
                components.Add(new JsonObject { ["sku"] = sku, ["quantity"] = quantity });
            }
            if (components.Count > 0) settings["components"] = components;
        }
        return (settings, problems);
    }
}
