using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Ordo.Core.Orders;

namespace Ordo.Simulator.Platforms;

/// <summary>
/// A fake of Shopify's REST Admin API: <c>GET orders.json</c> (status, updated_at_min/max inclusive, limit ≤ 250,
/// order by updated_at, cursor paging through the <c>Link</c> header's <c>page_info</c>), <c>GET orders/{id}.json</c>,
/// <c>GET orders/{id}/fulfillment_orders.json</c> and <c>POST fulfillments.json</c>. Any API version in the path is
/// answered alike. The shop's <see cref="FakeShop.AccessToken"/> must come in <c>X-Shopify-Access-Token</c>.
/// <para>
/// Each order has one fulfillment order (one location) whose id is derived from the order id
/// (<see cref="FulfillmentOrderIdOf"/>). A fulfilment marks the order fulfilled and moves its <c>updated_at</c>, as
/// Shopify does. <see cref="FakeShop.FailNextShipments"/> answers a fulfilment with Shopify's 429 (retryable, with
/// <c>Retry-After</c>): the countdown models a write-back that goes through on a later attempt.
/// </para>
/// </summary>
public sealed partial class ShopifyFake : IFakePlatformApi
{
    /// <summary>The shop's time zone as the fake renders times (Shopify writes them in the shop's zone).</summary>
    public static readonly TimeSpan ShopOffset = TimeSpan.FromHours(-5);

    private const string InvalidToken = "[API] Invalid API key or access token (unrecognized login or wrong password)";

    /// <summary>JSON as the platform writes it: '+', '€' and 'ß' as themselves, not \u escapes.</summary>
    private static readonly JsonSerializerOptions JsonOut = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public IReadOnlyList<Platform> Platforms { get; } = [Platform.Shopify];

    [GeneratedRegex(@"/admin/api/(?<version>[^/]+)/(?<rest>.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex ApiPath();

    [GeneratedRegex(@"^orders/(?<id>[^/]+)\.json$", RegexOptions.CultureInvariant)]
    private static partial Regex OrderPath();

    [GeneratedRegex(@"^orders/(?<id>[^/]+)/fulfillment_orders\.json$", RegexOptions.CultureInvariant)]
    private static partial Regex FulfillmentOrdersPath();

    public FakeResponse? Handle(FakeRequest request, FakeShop shop, DateTimeOffset now)
    {
        var match = ApiPath().Match(request.Path);
        if (!match.Success) return null;
        Interlocked.Increment(ref shop.Calls);
        if (shop.Down) return new FakeResponse(502, "<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html");
        // Shopify compares the whole token; a missing header is the same refusal.
        if (!string.Equals(request.Header("X-Shopify-Access-Token"), shop.AccessToken, StringComparison.Ordinal) || shop.AccessToken.Length == 0)
            return Errors(401, InvalidToken);

        var version = match.Groups["version"].Value;
        var rest = Uri.UnescapeDataString(match.Groups["rest"].Value);
        var method = request.Method.ToUpperInvariant();
        if (method == "GET" && rest == "orders.json") return List(request, shop, version);
        if (method == "GET" && FulfillmentOrdersPath().Match(rest) is { Success: true } fo) return FulfillmentOrders(shop, fo.Groups["id"].Value);
        if (method == "GET" && OrderPath().Match(rest) is { Success: true } one) return Detail(shop, one.Groups["id"].Value);
        if (method == "POST" && rest == "fulfillments.json") return Fulfil(request, shop, now);
        if (method == "POST" && rest == "inventory_levels/set.json") return SetInventoryLevel(request, shop, now);
        return Errors(404, "Not Found");
    }

    // ---- orders.json ----

    /// <summary>What a cursor carries: the first request's filters and the last order of the page before.</summary>
    private sealed record Cursor(string Status, DateTimeOffset? Min, DateTimeOffset? Max, bool Ascending, DateTimeOffset AfterModified, string AfterId);

    private FakeResponse List(FakeRequest request, FakeShop shop, string version)
    {
        var limitText = request.Query.GetValueOrDefault("limit");
        var limit = 50;
        if (limitText is not null && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1))
            return Errors(400, JsonValue.Create("limit - Invalid value.")!);
        limit = Math.Min(limit, 250);

        string status;
        DateTimeOffset? min, max;
        bool ascending;
        Cursor? after = null;
        if (request.Query.TryGetValue("page_info", out var pageInfo))
        {
            // Shopify: a request with page_info may carry only limit (and fields) besides it.
            if (request.Query.Keys.Any(k => k is not ("page_info" or "limit" or "fields")))
                return Errors(400, new JsonObject { ["page_info"] = "Invalid value." });
            after = DecodeCursor(pageInfo);
            if (after is null) return Errors(400, new JsonObject { ["page_info"] = "Invalid value." });
            (status, min, max, ascending) = (after.Status, after.Min, after.Max, after.Ascending);
        }
        else
        {
            status = request.Query.GetValueOrDefault("status") ?? "open";
            if (status is not ("open" or "closed" or "cancelled" or "any"))
                return Errors(400, new JsonObject { ["status"] = "Invalid value." });
            if (!TryTime(request.Query.GetValueOrDefault("updated_at_min"), out min)) return Errors(400, new JsonObject { ["updated_at_min"] = "Invalid value." });
            if (!TryTime(request.Query.GetValueOrDefault("updated_at_max"), out max)) return Errors(400, new JsonObject { ["updated_at_max"] = "Invalid value." });
            // The fake sorts by updated_at only (then id); Ordo asks for ascending.
            ascending = (request.Query.GetValueOrDefault("order") ?? "updated_at desc").Trim() != "updated_at desc";
        }

        var matching = shop.Orders.Values
            .Where(o => (min is null || o.ModifiedAt >= min) && (max is null || o.ModifiedAt <= max))
            .Select(o => (Order: o, Node: JsonNode.Parse(o.NativeJson)!.AsObject()))
            .Where(o => HasStatus(o.Node, status));
        var sorted = ascending
            ? matching.OrderBy(o => o.Order.ModifiedAt).ThenBy(o => o.Order.PlatformOrderId, IdComparer.Instance)
            : matching.OrderByDescending(o => o.Order.ModifiedAt).ThenByDescending(o => o.Order.PlatformOrderId, IdComparer.Instance);
        var rest = after is null ? sorted : sorted.Where(o => IsAfter(o.Order, after));
        var page = rest.Take(limit + 1).ToList();

        var headers = new Dictionary<string, string>();
        if (page.Count > limit)
        {
            var last = page[limit - 1].Order;
            var token = EncodeCursor(new Cursor(status, min, max, ascending, last.ModifiedAt, last.PlatformOrderId));
            var host = request.Header("Host") ?? "ordo-fake.myshopify.com";
            headers["Link"] = $"<https://{host}/admin/api/{version}/orders.json?limit={limit}&page_info={token}>; rel=\"next\"";
            page.RemoveAt(limit);
        }
        var body = new JsonObject { ["orders"] = new JsonArray(page.Select(o => (JsonNode)o.Node).ToArray()) };
        return new FakeResponse(200, body.ToJsonString(JsonOut), Headers: headers);
    }

    private static bool HasStatus(JsonObject order, string status)
    {
        var cancelled = order["cancelled_at"] is not null;
        var closed = order["closed_at"] is not null;
        return status switch
        {
            "any" => true,
            "cancelled" => cancelled,
            "closed" => closed,
            _ => !cancelled && !closed, // open
        };
    }

    private static bool IsAfter(FakeOrder order, Cursor cursor)
    {
        var byTime = order.ModifiedAt.CompareTo(cursor.AfterModified);
        var byId = IdComparer.Instance.Compare(order.PlatformOrderId, cursor.AfterId);
        var c = byTime != 0 ? byTime : byId;
        return cursor.Ascending ? c > 0 : c < 0;
    }

    private static bool TryTime(string? text, out DateTimeOffset? time)
    {
        time = null;
        if (text is null) return true;
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)) return false;
        time = t.ToUniversalTime();
        return true;
    }

    private static string EncodeCursor(Cursor cursor)
    {
        var json = JsonSerializer.Serialize(cursor);
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    private static Cursor? DecodeCursor(string token)
    {
        try
        {
            var base64 = token.Replace('-', '+').Replace('_', '/');
            base64 += new string('=', (4 - base64.Length % 4) % 4);
            return JsonSerializer.Deserialize<Cursor>(Encoding.UTF8.GetString(Convert.FromBase64String(base64)));
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Numeric ids compare as numbers (Shopify's are), others ordinally after them.</summary>
    private sealed class IdComparer : IComparer<string>
    {
        public static readonly IdComparer Instance = new();

        public int Compare(string? x, string? y)
        {
            var xn = long.TryParse(x, NumberStyles.None, CultureInfo.InvariantCulture, out var a);
            var yn = long.TryParse(y, NumberStyles.None, CultureInfo.InvariantCulture, out var b);
            return (xn, yn) switch
            {
                (true, true) => a.CompareTo(b),
                (true, false) => -1,
                (false, true) => 1,
                _ => string.CompareOrdinal(x, y),
            };
        }
    }

    // ---- orders/{id}.json and fulfillment orders ----

    private static FakeResponse Detail(FakeShop shop, string id) =>
        shop.Orders.TryGetValue(id, out var order)
            ? new FakeResponse(200, new JsonObject { ["order"] = JsonNode.Parse(order.NativeJson) }.ToJsonString(JsonOut))
            : Errors(404, "Not Found");

    private static FakeResponse FulfillmentOrders(FakeShop shop, string id)
    {
        if (!shop.Orders.TryGetValue(id, out var order)) return Errors(404, "Not Found");
        var native = JsonNode.Parse(order.NativeJson)!.AsObject();
        var status = native["cancelled_at"] is not null ? "cancelled"
            : (string?)native["fulfillment_status"] == "fulfilled" ? "closed"
            : "open";
        var lines = new JsonArray();
        foreach (var line in native["line_items"]?.AsArray() ?? [])
        {
            if (line is null) continue;
            lines.Add(new JsonObject
            {
                ["id"] = DerivedId(order.PlatformOrderId, 2),
                ["shop_id"] = 548380009,
                ["fulfillment_order_id"] = Number(FulfillmentOrderIdOf(order.PlatformOrderId)),
                ["quantity"] = line["quantity"]?.DeepClone(),
                ["line_item_id"] = line["id"]?.DeepClone(),
                ["inventory_item_id"] = DerivedId(order.PlatformOrderId, 3),
                ["fulfillable_quantity"] = status == "open" ? line["quantity"]?.DeepClone() : 0,
                ["variant_id"] = line["variant_id"]?.DeepClone(),
            });
        }
        var fo = new JsonObject
        {
            ["id"] = Number(FulfillmentOrderIdOf(order.PlatformOrderId)),
            ["shop_id"] = 548380009,
            ["order_id"] = native["id"]?.DeepClone(),
            ["assigned_location_id"] = 24826418,
            ["request_status"] = "unsubmitted",
            ["status"] = status,
            ["supported_actions"] = status == "open" ? new JsonArray("create_fulfillment", "move") : new JsonArray(),
            ["destination"] = native["shipping_address"]?.DeepClone(),
            ["line_items"] = lines,
            ["fulfill_at"] = native["created_at"]?.DeepClone(),
            ["fulfillment_holds"] = new JsonArray(),
            ["delivery_method"] = new JsonObject { ["method_type"] = "shipping" },
            ["created_at"] = native["created_at"]?.DeepClone(),
            ["updated_at"] = native["updated_at"]?.DeepClone(),
        };
        return new FakeResponse(200, new JsonObject { ["fulfillment_orders"] = new JsonArray(fo) }.ToJsonString(JsonOut));
    }

    /// <summary>The id of the fake's single fulfillment order of <paramref name="platformOrderId"/>.</summary>
    public static string FulfillmentOrderIdOf(string platformOrderId) => DerivedId(platformOrderId, 1).ToString(CultureInfo.InvariantCulture);

    /// <summary>A stable 13-digit id derived from an order id, one series per <paramref name="kind"/>, like Shopify's.</summary>
    private static long DerivedId(string platformOrderId, int kind)
    {
        var hash = MD5.HashData(Encoding.UTF8.GetBytes($"{kind}:{platformOrderId}"));
        return kind * 1_000_000_000_000L + (long)(BitConverter.ToUInt64(hash) % 1_000_000_000_000UL);
    }

    private static JsonNode Number(string id) =>
        long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? JsonValue.Create(n) : JsonValue.Create(id);

    // ---- fulfillments.json ----

    /// <summary>
    /// <c>POST inventory_levels/set.json</c>: the inventory item's <c>available</c> at the location is set. The fake
    /// keeps it by inventory item and location (<see cref="FakeShop.StockKey"/> item/location).
    /// </summary>
    private static FakeResponse SetInventoryLevel(FakeRequest request, FakeShop shop, DateTimeOffset now)
    {
        JsonObject? body;
        try { body = JsonNode.Parse(request.Body) as JsonObject; }
        catch (JsonException) { body = null; }
        if (body is null) return Errors(400, "Bad Request");
        var item = body["inventory_item_id"]?.ToString();
        var location = body["location_id"]?.ToString();
        if (string.IsNullOrEmpty(location)) return Errors(422, new JsonObject { ["location_id"] = new JsonArray("can't be blank") });
        if (string.IsNullOrEmpty(item)) return Errors(422, new JsonObject { ["inventory_item_id"] = new JsonArray("can't be blank") });
        if (body["available"] is not JsonValue a || !a.TryGetValue<int>(out var available)) return Errors(422, new JsonObject { ["available"] = new JsonArray("is not a number") });
        if (shop.TakeStockUpdateFailure())
            return Errors(429, "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.",
                new Dictionary<string, string> { ["Retry-After"] = "2.0" });
        shop.SetStock(item, location, available, now);
        var level = new JsonObject
        {
            ["inventory_item_id"] = FakeRouter.Id(item), ["location_id"] = FakeRouter.Id(location), ["available"] = available,
            ["updated_at"] = now.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        };
        return new FakeResponse(200, new JsonObject { ["inventory_level"] = level }.ToJsonString(JsonOut));
    }

    private static FakeResponse Fulfil(FakeRequest request, FakeShop shop, DateTimeOffset now)
    {
        if (shop.TakeShipmentFailure())
            return Errors(429, "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.",
                new Dictionary<string, string> { ["Retry-After"] = "2.0" });

        JsonObject? fulfillment;
        try { fulfillment = JsonNode.Parse(request.Body)?["fulfillment"] as JsonObject; }
        catch (JsonException) { fulfillment = null; }
        if (fulfillment is null) return Errors(400, new JsonObject { ["fulfillment"] = "Required parameter missing or invalid" });

        var ids = new List<string>();
        foreach (var entry in fulfillment["line_items_by_fulfillment_order"] as JsonArray ?? [])
            if (entry?["fulfillment_order_id"] is JsonValue v)
                ids.Add(v.GetValueKind() == JsonValueKind.Number ? v.ToJsonString(JsonOut) : v.ToString());
        // [U: Shopify's exact wording for these refusals is not documented; the shape {"errors": …} is.]
        if (ids.Count == 0) return Errors(422, new JsonArray("line_items_by_fulfillment_order must name at least one fulfillment order"));
        if (ids.Distinct().Count() != ids.Count) return Errors(422, new JsonArray("Fulfillment order ids must be unique"));

        var orders = ids.Select(id => shop.Orders.Values.FirstOrDefault(o => FulfillmentOrderIdOf(o.PlatformOrderId) == id)).ToList();
        if (orders.Any(o => o is null)) return Errors(404, "Not Found");
        var order = orders[0]!;
        if (orders.Any(o => o!.PlatformOrderId != order.PlatformOrderId))
            return Errors(422, new JsonArray("All fulfillment orders must belong to the same order"));

        var native = JsonNode.Parse(order.NativeJson)!.AsObject();
        if (native["cancelled_at"] is not null || (string?)native["fulfillment_status"] == "fulfilled")
        {
            var state = native["cancelled_at"] is not null ? "cancelled" : "closed";
            return Errors(422, new JsonArray($"Fulfillment order {ids[0]} has an unfulfillable status= {state}."));
        }

        var tracking = fulfillment["tracking_info"] as JsonObject;
        var number = tracking?["number"]?.ToString() ?? "";
        var company = tracking?["company"]?.ToString() ?? "";
        var at = Truncate(now);
        shop.Shipments.Enqueue(new FakeShipment(order.PlatformOrderId, company, number, ids, at));

        var fulfillmentId = 4_000_000_000_000L + shop.Shipments.Count;
        var stamp = ShopTime(at);
        native["fulfillment_status"] = "fulfilled";
        native["updated_at"] = stamp;
        var lineItems = new JsonArray();
        foreach (var line in native["line_items"]?.AsArray() ?? [])
        {
            if (line is not JsonObject item) continue;
            item["fulfillment_status"] = "fulfilled";
            item["fulfillable_quantity"] = 0;
            lineItems.Add(item.DeepClone());
        }
        var created = new JsonObject
        {
            ["id"] = fulfillmentId,
            ["admin_graphql_api_id"] = $"gid://shopify/Fulfillment/{fulfillmentId}",
            ["order_id"] = native["id"]?.DeepClone(),
            ["status"] = "success",
            ["created_at"] = stamp,
            ["updated_at"] = stamp,
            ["service"] = "manual",
            ["location_id"] = 24826418,
            ["name"] = $"{(string?)native["name"]}.{(native["fulfillments"] as JsonArray)?.Count + 1 ?? 1}",
            ["tracking_company"] = company,
            ["tracking_number"] = number,
            ["tracking_numbers"] = new JsonArray(number),
            ["tracking_url"] = null,
            ["tracking_urls"] = new JsonArray(),
            ["shipment_status"] = null,
            ["line_items"] = lineItems,
        };
        if (native["fulfillments"] is not JsonArray fulfillments) native["fulfillments"] = fulfillments = [];
        fulfillments.Add(created.DeepClone());
        shop.Put(order with { ModifiedAt = at, NativeJson = native.ToJsonString(JsonOut) });
        return new FakeResponse(201, new JsonObject { ["fulfillment"] = created }.ToJsonString(JsonOut));
    }


    private static FakeResponse Errors(int status, JsonNode errors, IReadOnlyDictionary<string, string>? headers = null) =>
        new(status, new JsonObject { ["errors"] = errors }.ToJsonString(JsonOut), Headers: headers);

    private static FakeResponse Errors(int status, string errors, IReadOnlyDictionary<string, string>? headers = null) =>
        Errors(status, JsonValue.Create(errors), headers);

    // ---- NewOrder ----

    /// <summary>
    /// The canonical statuses Shopify's REST order can express (see <c>ShopifyOrderAdapter</c>); the others are Ordo's
    /// own steps or states Shopify does not show, and NewOrder renders them as <see cref="NearestStatus"/>.
    /// </summary>
    public static readonly IReadOnlyList<OrderStatus> ExpressibleStatuses =
        [OrderStatus.PendingPayment, OrderStatus.Paid, OrderStatus.Shipped, OrderStatus.Completed, OrderStatus.Cancelled, OrderStatus.Refunded];

    /// <summary>
    /// The status a Shopify order shows for <paramref name="status"/>: Ordo's warehouse steps, its hold and a refund
    /// request are still a paid, unfulfilled order on Shopify; delivered is still fulfilled and open.
    /// </summary>
    public static OrderStatus NearestStatus(OrderStatus status) => status switch
    {
        OrderStatus.Accepted or OrderStatus.Allocated or OrderStatus.Picking or OrderStatus.Packed or OrderStatus.OnHold or OrderStatus.RefundRequested => OrderStatus.Paid,
        OrderStatus.Delivered => OrderStatus.Shipped,
        _ => status,
    };

    public FakeOrder NewOrder(string platformOrderId, OrderStatus status, DateTimeOffset createdAt, DateTimeOffset modifiedAt, string sku, int quantity, decimal unitPrice)
    {
        var shown = NearestStatus(status);
        var created = Truncate(createdAt);
        var modified = Truncate(modifiedAt);
        var id = Number(platformOrderId);
        var number = 1000 + (int)(DerivedId(platformOrderId, 5) % 100_000);
        var price = Money(unitPrice);
        var total = Money(unitPrice * quantity);
        var (financial, fulfillment) = shown switch
        {
            OrderStatus.PendingPayment => ("pending", (string?)null),
            OrderStatus.Paid => ("paid", null),
            OrderStatus.Shipped or OrderStatus.Completed => ("paid", "fulfilled"),
            OrderStatus.Cancelled => ("voided", null),
            _ => ("refunded", null), // Refunded
        };
        var cancelled = shown is OrderStatus.Cancelled or OrderStatus.Refunded;
        var closed = shown is OrderStatus.Completed or OrderStatus.Cancelled or OrderStatus.Refunded;
        var address = new JsonObject
        {
            ["first_name"] = "Ava", ["last_name"] = "Chen", ["name"] = "Ava Chen", ["company"] = null,
            ["phone"] = "+1 212-555-0147", ["address1"] = "350 Fifth Avenue", ["address2"] = "Floor 21",
            ["city"] = "New York", ["province"] = "New York", ["province_code"] = "NY", ["zip"] = "10118",
            ["country"] = "United States", ["country_code"] = "US",
        };
        var order = new JsonObject
        {
            ["id"] = id,
            ["admin_graphql_api_id"] = $"gid://shopify/Order/{platformOrderId}",
            ["name"] = $"#{number}",
            ["order_number"] = number,
            ["email"] = "ava.chen@example.com",
            ["phone"] = null,
            ["created_at"] = ShopTime(created),
            ["updated_at"] = ShopTime(modified),
            ["processed_at"] = ShopTime(created),
            ["cancelled_at"] = cancelled ? ShopTime(modified) : null,
            ["cancel_reason"] = cancelled ? "customer" : null,
            ["closed_at"] = closed ? ShopTime(modified) : null,
            ["currency"] = "USD",
            ["presentment_currency"] = "USD",
            ["financial_status"] = financial,
            ["fulfillment_status"] = fulfillment,
            ["test"] = false,
            ["taxes_included"] = false,
            ["total_line_items_price"] = total,
            ["subtotal_price"] = total,
            ["total_discounts"] = "0.00",
            ["total_tax"] = "0.00",
            ["total_price"] = total,
            ["total_shipping_price_set"] = new JsonObject
            {
                ["shop_money"] = new JsonObject { ["amount"] = "0.00", ["currency_code"] = "USD" },
                ["presentment_money"] = new JsonObject { ["amount"] = "0.00", ["currency_code"] = "USD" },
            },
            ["shipping_lines"] = new JsonArray(new JsonObject
            {
                ["id"] = DerivedId(platformOrderId, 6), ["title"] = "Free Shipping", ["code"] = "FREE",
                ["price"] = "0.00", ["discounted_price"] = "0.00", ["discount_allocations"] = new JsonArray(),
            }),
            ["note"] = null,
            ["tags"] = "",
            ["customer"] = new JsonObject
            {
                ["id"] = 7_200_000_000 + DerivedId(platformOrderId, 7) % 1_000_000, ["email"] = "ava.chen@example.com",
                ["first_name"] = "Ava", ["last_name"] = "Chen",
            },
            ["billing_address"] = address.DeepClone(),
            ["shipping_address"] = address,
            ["line_items"] = new JsonArray(new JsonObject
            {
                ["id"] = DerivedId(platformOrderId, 8),
                ["admin_graphql_api_id"] = $"gid://shopify/LineItem/{DerivedId(platformOrderId, 8)}",
                ["product_id"] = 7_500_000_000_000 + StableHash("product:" + sku) % 1_000_000_000,
                ["variant_id"] = 4_400_000_000_000 + StableHash(sku) % 1_000_000_000,
                ["sku"] = sku,
                ["title"] = "Item " + sku,
                ["name"] = "Item " + sku,
                ["quantity"] = quantity,
                ["price"] = price,
                ["total_discount"] = "0.00",
                ["discount_allocations"] = new JsonArray(),
                ["fulfillable_quantity"] = fulfillment == "fulfilled" || cancelled ? 0 : quantity,
                ["fulfillment_status"] = fulfillment,
                ["requires_shipping"] = true,
                ["taxable"] = true,
            }),
        };
        return new FakeOrder(platformOrderId, modified, order.ToJsonString(JsonOut));
    }

    private static long StableHash(string text) => (long)(BitConverter.ToUInt64(MD5.HashData(Encoding.UTF8.GetBytes(text))) % long.MaxValue);

    private static string Money(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>Shopify's times are whole seconds.</summary>
    private static DateTimeOffset Truncate(DateTimeOffset t)
    {
        var utc = t.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - utc.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
    }

    private static string ShopTime(DateTimeOffset t) => t.ToOffset(ShopOffset).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
}
