using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Ordo.Core.Orders;

namespace Ordo.Simulator.Platforms;

/// <summary>
/// A fake of the WooCommerce REST API v3: <c>GET orders</c> (modified_after/modified_before compared strictly, GMT
/// with <c>dates_are_gmt</c> else site time, orderby date|modified|id, per_page ≤ 100, numbered pages with
/// <c>X-WP-Total</c>, <c>X-WP-TotalPages</c> and a <c>Link</c> header), <c>GET orders/{id}</c> and
/// <c>PUT/POST/PATCH orders/{id}</c>. Authentication is the consumer key and secret (<see cref="FakeShop.AppKey"/>,
/// <see cref="FakeShop.AppSecret"/>) by HTTP Basic or by the <c>consumer_key</c>/<c>consumer_secret</c> query
/// parameters, as WooCommerce takes them over HTTPS.
/// <para>
/// An update that sets <c>status: completed</c> or Ordo's tracking meta (<c>_ordo_tracking_number</c>,
/// <c>_ordo_carrier</c>) is recorded as a shipment. <see cref="FakeShop.FailNextShipments"/> answers such an update
/// with WordPress's critical-error 500 (retryable), modelling a write-back that goes through on a later attempt.
/// </para>
/// </summary>
public sealed partial class WooCommerceFake : IFakePlatformApi
{
    /// <summary>The site's time zone (Berlin winter time): the fields without <c>_gmt</c> are in it.</summary>
    public static readonly TimeSpan SiteOffset = TimeSpan.FromHours(1);

    public const string TrackingNumberKey = "_ordo_tracking_number";
    public const string CarrierKey = "_ordo_carrier";

    public static readonly IReadOnlyList<string> Statuses =
        ["pending", "processing", "on-hold", "completed", "cancelled", "refunded", "failed", "trash", "checkout-draft"];

    /// <summary>JSON as the platform writes it: '+', '€' and 'ß' as themselves, not \u escapes.</summary>
    private static readonly JsonSerializerOptions JsonOut = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public IReadOnlyList<Platform> Platforms { get; } = [Platform.Woocommerce];

    [GeneratedRegex(@"/wp-json/wc/v3/(?<rest>.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex ApiPath();

    [GeneratedRegex(@"^orders/(?<id>\d+)/?$", RegexOptions.CultureInvariant)]
    private static partial Regex OrderPath();

    [GeneratedRegex(@"^products/(?<id>\d+)(/variations/(?<variation>\d+))?/?$", RegexOptions.CultureInvariant)]
    private static partial Regex ProductPath();

    public FakeResponse? Handle(FakeRequest request, FakeShop shop, DateTimeOffset now)
    {
        var match = ApiPath().Match(request.Path);
        if (!match.Success) return null;
        Interlocked.Increment(ref shop.Calls);
        if (shop.Down) return new FakeResponse(502, "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>", "text/html");

        var rest = match.Groups["rest"].Value;
        var method = request.Method.ToUpperInvariant();
        if (ProductPath().Match(rest) is { Success: true } product && method is "PUT" or "POST" or "PATCH")
            return Authenticate(request, shop, false, true) ?? SetStock(request, shop, product, now);
        var isList = rest.TrimEnd('/') == "orders";
        var one = OrderPath().Match(rest);
        if (!(isList && method == "GET") && !(one.Success && method is "GET" or "PUT" or "POST" or "PATCH"))
            return Error(404, "rest_no_route", "No route was found matching the URL and request method.");

        var write = method != "GET";
        if (Authenticate(request, shop, isList, write) is { } refused) return refused;
        if (isList) return List(request, shop);
        var id = one.Groups["id"].Value;
        return write ? Update(request, shop, id, now) : Detail(shop, id);
    }

    /// <summary>
    /// A product or variation update, reduced to its stock: <c>stock_quantity</c> counts only with <c>manage_stock</c>
    /// on (as WooCommerce ignores it otherwise), and answers the product with its id and stock.
    /// </summary>
    private static FakeResponse SetStock(FakeRequest request, FakeShop shop, Match product, DateTimeOffset now)
    {
        JsonObject? changes;
        try { changes = JsonNode.Parse(request.Body) as JsonObject; }
        catch (JsonException) { changes = null; }
        if (changes is null) return Error(400, "rest_invalid_json", "Invalid JSON body passed.");
        if (changes["stock_quantity"] is not JsonValue q || !q.TryGetValue<int>(out var quantity))
            return InvalidParam("stock_quantity", "stock_quantity is not of type integer.");
        if (changes["manage_stock"] is not JsonValue m || !m.TryGetValue<bool>(out var manage) || !manage)
            return InvalidParam("manage_stock", "stock_quantity is ignored unless manage_stock is true.");
        if (shop.TakeStockUpdateFailure())
            return Error(500, "internal_server_error", "<p>There has been a critical error on this website.</p>");
        var id = product.Groups["id"].Value;
        var variation = product.Groups["variation"].Success ? product.Groups["variation"].Value : null;
        shop.SetStock(id, variation, quantity, now);
        var answer = new JsonObject { ["id"] = long.Parse(variation ?? id, CultureInfo.InvariantCulture), ["manage_stock"] = true, ["stock_quantity"] = quantity };
        return new FakeResponse(200, answer.ToJsonString(JsonOut));
    }

    /// <summary>WooCommerce's own refusals: an unknown key, a wrong secret, or no credentials at all.</summary>
    private static FakeResponse? Authenticate(FakeRequest request, FakeShop shop, bool isList, bool write)
    {
        string? key = null, secret = null;
        var authorization = request.Header("Authorization");
        if (authorization is not null && authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var pair = Encoding.UTF8.GetString(Convert.FromBase64String(authorization[6..].Trim()));
                var colon = pair.IndexOf(':');
                if (colon >= 0) (key, secret) = (pair[..colon], pair[(colon + 1)..]);
            }
            catch (FormatException) { }
        }
        else
        {
            key = request.Query.GetValueOrDefault("consumer_key");
            secret = request.Query.GetValueOrDefault("consumer_secret");
        }

        if (string.IsNullOrEmpty(key) || string.IsNullOrEmpty(secret))
            return write ? Error(401, "woocommerce_rest_cannot_edit", "Sorry, you are not allowed to edit this resource.")
                : isList ? Error(401, "woocommerce_rest_cannot_view", "Sorry, you cannot list resources.")
                : Error(401, "woocommerce_rest_cannot_view", "Sorry, you cannot view this resource.");
        if (!FixedEquals(key, shop.AppKey)) return Error(401, "woocommerce_rest_authentication_error", "Consumer key is invalid.");
        if (!FixedEquals(secret, shop.AppSecret)) return Error(401, "woocommerce_rest_authentication_error", "Consumer secret is invalid.");
        return null;
    }

    private static bool FixedEquals(string a, string b) =>
        System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    // ---- GET orders ----

    private static FakeResponse List(FakeRequest request, FakeShop shop)
    {
        var q = request.Query;
        var perPage = 10;
        if (q.TryGetValue("per_page", out var perPageText)
            && (!int.TryParse(perPageText, NumberStyles.None, CultureInfo.InvariantCulture, out perPage) || perPage is < 1 or > 100))
            return InvalidParam("per_page", "per_page must be between 1 (inclusive) and 100 (inclusive)");
        var page = 1;
        if (q.TryGetValue("page", out var pageText) && (!int.TryParse(pageText, NumberStyles.None, CultureInfo.InvariantCulture, out page) || page < 1))
            return InvalidParam("page", "page must be greater than or equal to 1");
        var gmt = q.TryGetValue("dates_are_gmt", out var gmtText) && gmtText is "true" or "1";
        if (!TryTime(q.GetValueOrDefault("modified_after"), gmt, out var after)) return InvalidParam("modified_after", "Invalid date.");
        if (!TryTime(q.GetValueOrDefault("modified_before"), gmt, out var before)) return InvalidParam("modified_before", "Invalid date.");
        var orderBy = q.GetValueOrDefault("orderby") ?? "date";
        if (orderBy is not ("date" or "modified" or "id")) return InvalidParam("orderby", "orderby is not one of date, id, include, title, slug, modified.");
        var direction = q.GetValueOrDefault("order") ?? "desc";
        if (direction is not ("asc" or "desc")) return InvalidParam("order", "order is not one of asc and desc.");
        var statuses = (q.GetValueOrDefault("status") ?? "any").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        var rows = shop.Orders.Values
            .Where(o => (after is null || o.ModifiedAt > after) && (before is null || o.ModifiedAt < before))
            .Select(o => (Order: o, Node: JsonNode.Parse(o.NativeJson)!.AsObject()))
            .Where(o => HasStatus((string?)o.Node["status"], statuses))
            .Select(o => (o.Order, o.Node, Id: IdOf(o.Node), Created: Gmt(o.Node, "date_created_gmt")))
            .ToList();
        // Ties are broken by id, as WordPress's query does, so that pages do not overlap.
        Func<(FakeOrder Order, JsonObject Node, long Id, DateTimeOffset Created), IComparable> key = orderBy switch
        {
            "modified" => r => r.Order.ModifiedAt,
            "id" => r => r.Id,
            _ => r => r.Created,
        };
        var sorted = direction == "asc"
            ? rows.OrderBy(key).ThenBy(r => r.Id).ToList()
            : rows.OrderByDescending(key).ThenByDescending(r => r.Id).ToList();

        var total = sorted.Count;
        var totalPages = (total + perPage - 1) / perPage;
        var pageRows = sorted.Skip((page - 1) * perPage).Take(perPage).Select(r => (JsonNode)r.Node).ToArray();
        var headers = new Dictionary<string, string>
        {
            ["X-WP-Total"] = total.ToString(CultureInfo.InvariantCulture),
            ["X-WP-TotalPages"] = totalPages.ToString(CultureInfo.InvariantCulture),
        };
        var links = new List<string>();
        if (page > 1 && page - 1 <= Math.Max(totalPages, 1)) links.Add($"<{PageUrl(request, page - 1)}>; rel=\"prev\"");
        if (page < totalPages) links.Add($"<{PageUrl(request, page + 1)}>; rel=\"next\"");
        if (links.Count > 0) headers["Link"] = string.Join(", ", links);
        return new FakeResponse(200, new JsonArray(pageRows).ToJsonString(JsonOut), Headers: headers);
    }

    /// <summary>The same collection URL with another page, as WordPress builds its Link header (credentials left out).</summary>
    private static string PageUrl(FakeRequest request, int page)
    {
        var host = request.Header("Host") ?? "shop.example.com";
        var parameters = request.Query
            .Where(p => p.Key is not ("page" or "consumer_key" or "consumer_secret"))
            .Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value))
            .Append("page=" + page.ToString(CultureInfo.InvariantCulture));
        return $"https://{host}/wp-json/wc/v3/orders?{string.Join('&', parameters)}";
    }

    private static bool HasStatus(string? status, string[] wanted) =>
        wanted.Contains("any")
            // "any" leaves out the trash and block-checkout drafts, as WordPress's "any" leaves out non-public states.
            ? status is not ("trash" or "checkout-draft")
            : wanted.Contains(status);

    private static readonly string[] TimeFormats = ["yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd HH:mm:ss"];

    /// <summary>A time without offset is GMT when <paramref name="gmt"/> (dates_are_gmt) and the site's time otherwise.</summary>
    private static bool TryTime(string? text, bool gmt, out DateTimeOffset? time)
    {
        time = null;
        if (text is null) return true;
        if (!DateTime.TryParseExact(text.Trim(), TimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var parsed))
            return false;
        var hasOffset = text.EndsWith('Z') || Regex.IsMatch(text, @"[+-]\d{2}:?\d{2}$");
        var utc = new DateTimeOffset(DateTime.SpecifyKind(parsed, DateTimeKind.Utc));
        time = hasOffset || gmt ? utc : utc - SiteOffset;
        return true;
    }

    private static long IdOf(JsonObject order) =>
        order["id"] is JsonValue v && long.TryParse(v.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : 0L;

    private static DateTimeOffset Gmt(JsonObject order, string field) =>
        order[field] is JsonValue v && DateTime.TryParseExact(v.ToString(), "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
            ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc))
            : DateTimeOffset.MinValue;

    // ---- GET orders/{id} ----

    private static FakeResponse Detail(FakeShop shop, string id) =>
        shop.Orders.TryGetValue(id, out var order) ? new FakeResponse(200, order.NativeJson) : InvalidId();

    // ---- PUT orders/{id} ----

    private static FakeResponse Update(FakeRequest request, FakeShop shop, string id, DateTimeOffset now)
    {
        if (!shop.Orders.TryGetValue(id, out var order)) return InvalidId();
        JsonObject? changes;
        try { changes = JsonNode.Parse(request.Body) as JsonObject; }
        catch (JsonException) { changes = null; }
        if (changes is null) return Error(400, "rest_invalid_json", "Invalid JSON body passed.");

        var status = changes["status"] is JsonValue s ? s.ToString() : null;
        if (status is not null && !Statuses.Contains(status))
            return InvalidParam("status", $"status is not one of {string.Join(", ", Statuses)}.");
        var meta = new List<(string Key, JsonNode? Value)>();
        foreach (var entry in changes["meta_data"] as JsonArray ?? [])
            if (entry?["key"] is JsonValue k)
                meta.Add((k.ToString(), entry["value"]?.DeepClone()));

        var tracking = meta.LastOrDefault(m => m.Key == TrackingNumberKey).Value?.ToString();
        var carrier = meta.LastOrDefault(m => m.Key == CarrierKey).Value?.ToString();
        var isShipment = status == "completed" || tracking is not null;
        if (isShipment && shop.TakeShipmentFailure())
            return Error(500, "internal_server_error", "<p>There has been a critical error on this website.</p><p><a href=\"https://wordpress.org/documentation/article/faq-troubleshooting/\">Learn more about troubleshooting WordPress.</a></p>");

        var native = JsonNode.Parse(order.NativeJson)!.AsObject();
        var at = Truncate(now);
        if (status is not null)
        {
            native["status"] = status;
            if (status == "completed" && native["date_completed_gmt"] is null)
            {
                native["date_completed"] = SiteTime(at);
                native["date_completed_gmt"] = GmtTime(at);
            }
        }
        if (native["meta_data"] is not JsonArray metaData) native["meta_data"] = metaData = [];
        foreach (var (key, value) in meta)
        {
            // Without an id, WooCommerce updates the first entry with that key or adds one.
            if (metaData.OfType<JsonObject>().FirstOrDefault(m => (string?)m["key"] == key) is { } existing) existing["value"] = value;
            else metaData.Add(new JsonObject { ["id"] = 9000 + metaData.Count + 1, ["key"] = key, ["value"] = value });
        }
        native["date_modified"] = SiteTime(at);
        native["date_modified_gmt"] = GmtTime(at);
        shop.Put(order with { ModifiedAt = at, NativeJson = native.ToJsonString(JsonOut) });
        if (isShipment) shop.Shipments.Enqueue(new FakeShipment(id, carrier ?? "", tracking ?? "", [], at));
        return new FakeResponse(200, native.ToJsonString(JsonOut));
    }


    private static FakeResponse InvalidId() => Error(404, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.");

    private static FakeResponse InvalidParam(string name, string reason) =>
        new(400, new JsonObject
        {
            ["code"] = "rest_invalid_param",
            ["message"] = $"Invalid parameter(s): {name}",
            ["data"] = new JsonObject { ["status"] = 400, ["params"] = new JsonObject { [name] = reason } },
        }.ToJsonString(JsonOut));

    private static FakeResponse Error(int status, string code, string message) =>
        new(status, new JsonObject { ["code"] = code, ["message"] = message, ["data"] = new JsonObject { ["status"] = status } }.ToJsonString(JsonOut));

    // ---- NewOrder ----

    /// <summary>
    /// The canonical statuses a WooCommerce order can express (see <c>WooCommerceOrderAdapter</c>): core WooCommerce
    /// has no shipped state, so <c>completed</c> stands for shipped and delivered too.
    /// </summary>
    public static readonly IReadOnlyList<OrderStatus> ExpressibleStatuses =
        [OrderStatus.PendingPayment, OrderStatus.Paid, OrderStatus.Completed, OrderStatus.Cancelled, OrderStatus.Refunded];

    /// <summary>
    /// The status a WooCommerce order shows for <paramref name="status"/>: Ordo's warehouse steps, its hold and a
    /// refund request are still <c>processing</c> (Paid); shipped and delivered are <c>completed</c>.
    /// </summary>
    public static OrderStatus NearestStatus(OrderStatus status) => status switch
    {
        OrderStatus.Accepted or OrderStatus.Allocated or OrderStatus.Picking or OrderStatus.Packed or OrderStatus.OnHold or OrderStatus.RefundRequested => OrderStatus.Paid,
        OrderStatus.Shipped or OrderStatus.Delivered => OrderStatus.Completed,
        _ => status,
    };

    public FakeOrder NewOrder(string platformOrderId, OrderStatus status, DateTimeOffset createdAt, DateTimeOffset modifiedAt, string sku, int quantity, decimal unitPrice)
    {
        var shown = NearestStatus(status);
        var created = Truncate(createdAt);
        var modified = Truncate(modifiedAt);
        var paid = shown is not (OrderStatus.PendingPayment or OrderStatus.Cancelled);
        var completed = shown == OrderStatus.Completed;
        var wooStatus = shown switch
        {
            OrderStatus.PendingPayment => "pending",
            OrderStatus.Paid => "processing",
            OrderStatus.Completed => "completed",
            OrderStatus.Cancelled => "cancelled",
            _ => "refunded",
        };
        var idNumber = long.TryParse(platformOrderId, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0L;
        var id = idNumber > 0 ? JsonValue.Create(idNumber) : JsonValue.Create(platformOrderId);
        var total = Money(unitPrice * quantity);
        var paidAt = created.AddMinutes(1);
        var refunds = new JsonArray();
        if (shown == OrderStatus.Refunded)
            refunds.Add(new JsonObject { ["id"] = 90_000 + idNumber % 10_000, ["reason"] = "Customer changed their mind", ["total"] = "-" + total });

        var order = new JsonObject
        {
            ["id"] = id,
            ["parent_id"] = 0,
            ["status"] = wooStatus,
            ["currency"] = "EUR",
            ["version"] = "9.4.2",
            ["prices_include_tax"] = false,
            ["date_created"] = SiteTime(created),
            ["date_modified"] = SiteTime(modified),
            ["discount_total"] = "0.00",
            ["discount_tax"] = "0.00",
            ["shipping_total"] = "0.00",
            ["shipping_tax"] = "0.00",
            ["cart_tax"] = "0.00",
            ["total"] = total,
            ["total_tax"] = "0.00",
            ["customer_id"] = 0,
            ["order_key"] = "wc_order_" + Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(Encoding.UTF8.GetBytes(platformOrderId)))[..13],
            ["billing"] = new JsonObject
            {
                ["first_name"] = "Lena", ["last_name"] = "Wagner", ["company"] = "", ["address_1"] = "Torstraße 49", ["address_2"] = "",
                ["city"] = "Berlin", ["state"] = "BE", ["postcode"] = "10119", ["country"] = "DE",
                ["email"] = "lena.wagner@example.de", ["phone"] = "+49 30 5550123",
            },
            ["shipping"] = new JsonObject
            {
                ["first_name"] = "Lena", ["last_name"] = "Wagner", ["company"] = "", ["address_1"] = "Torstraße 49", ["address_2"] = "",
                ["city"] = "Berlin", ["state"] = "BE", ["postcode"] = "10119", ["country"] = "DE", ["phone"] = "",
            },
            ["payment_method"] = "stripe",
            ["payment_method_title"] = "Credit card",
            ["transaction_id"] = paid ? "ch_" + platformOrderId : "",
            ["customer_ip_address"] = "203.0.113.24",
            ["customer_user_agent"] = "Mozilla/5.0",
            ["created_via"] = "checkout",
            ["customer_note"] = "",
            ["date_completed"] = completed ? SiteTime(modified) : null,
            ["date_paid"] = paid ? SiteTime(paidAt) : null,
            ["cart_hash"] = "",
            ["number"] = platformOrderId,
            ["meta_data"] = new JsonArray(),
            ["line_items"] = new JsonArray(new JsonObject
            {
                ["id"] = 500 + idNumber % 100_000,
                ["name"] = "Item " + sku,
                ["product_id"] = 100 + StableSmall(sku),
                ["variation_id"] = 0,
                ["quantity"] = quantity,
                ["tax_class"] = "",
                ["subtotal"] = total,
                ["subtotal_tax"] = "0.00",
                ["total"] = total,
                ["total_tax"] = "0.00",
                ["taxes"] = new JsonArray(),
                ["meta_data"] = new JsonArray(),
                ["sku"] = sku,
                ["price"] = (double)unitPrice,
                ["parent_name"] = null,
            }),
            ["tax_lines"] = new JsonArray(),
            ["shipping_lines"] = new JsonArray(),
            ["fee_lines"] = new JsonArray(),
            ["coupon_lines"] = new JsonArray(),
            ["refunds"] = refunds,
            ["date_created_gmt"] = GmtTime(created),
            ["date_modified_gmt"] = GmtTime(modified),
            ["date_completed_gmt"] = completed ? GmtTime(modified) : null,
            ["date_paid_gmt"] = paid ? GmtTime(paidAt) : null,
            ["currency_symbol"] = "€",
        };
        return new FakeOrder(platformOrderId, modified, order.ToJsonString(JsonOut));
    }

    private static int StableSmall(string text) =>
        (int)(BitConverter.ToUInt32(System.Security.Cryptography.MD5.HashData(Encoding.UTF8.GetBytes(text))) % 100_000);

    private static string Money(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>WordPress stores whole seconds.</summary>
    private static DateTimeOffset Truncate(DateTimeOffset t)
    {
        var utc = t.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - utc.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
    }

    private static string GmtTime(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);

    private static string SiteTime(DateTimeOffset t) => t.ToOffset(SiteOffset).ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
}
