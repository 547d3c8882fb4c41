using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ordo.Core.Channels;
using Ordo.Core.Orders;

namespace Ordo.Simulator.Platforms;

/// <summary>
/// Request handling shared by the fakes of the "router" gateways (TOP, JOS): parameters from the query and the form
/// body, the sorted-params MD5 check, China-time parsing, field projection and the shop's counters. Thread-safe.
/// </summary>
internal static class FakeRouter
{
    public const string TimeFormat = "yyyy-MM-dd HH:mm:ss";

    /// <summary>Platforms answer with raw UTF-8 Chinese rather than \u escapes.</summary>
    public static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Query parameters and form-body parameters together (the gateways accept either).</summary>
    public static Dictionary<string, string> Parameters(FakeRequest request)
    {
        var all = new Dictionary<string, string>(request.Query, StringComparer.Ordinal);
        if (request.Body.Length > 0 && !request.Body.TrimStart().StartsWith('{'))
        {
            var form = System.Web.HttpUtility.ParseQueryString(request.Body);
            foreach (var key in form.AllKeys)
                if (key is not null && form[key] is { } value) all[key] = value;
        }
        return all;
    }

    public static bool SignatureMatches(IReadOnlyDictionary<string, string> parameters, string secret) =>
        Signing.SameSignature(parameters.GetValueOrDefault("sign"), Signing.SortedParamsMd5(parameters, secret), ignoreCase: true);

    public static string ChinaText(DateTimeOffset instant) => instant.ToOffset(ChinaTime.Offset).ToString(TimeFormat, CultureInfo.InvariantCulture);

    public static DateTimeOffset? ParseChina(string? text) =>
        DateTime.TryParseExact(text, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)
            ? new DateTimeOffset(local, ChinaTime.Offset).ToUniversalTime() : null;

    /// <summary>The platforms keep modified times to the second; the fakes filter as they do.</summary>
    public static DateTimeOffset Seconds(DateTimeOffset instant) => new(instant.UtcTicks - instant.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);

    /// <summary>Only the named top-level fields of <paramref name="native"/>, as list calls return them.</summary>
    public static JsonObject Project(JsonObject native, IEnumerable<string> fields)
    {
        var projected = new JsonObject();
        foreach (var field in fields.Select(f => f.Trim()).Where(f => f.Length > 0).Distinct(StringComparer.Ordinal))
            if (native.TryGetPropertyValue(field, out var value)) projected[field] = value?.DeepClone();
        return projected;
    }

    public static void Count(FakeShop shop) => Interlocked.Increment(ref shop.Calls);

    public static FakeResponse Ok(JsonNode body) => new(200, body.ToJsonString(Json));

    public static FakeResponse BadGateway() => new(502, "<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html");

    public static string Money(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>A stable pseudo-random number from an id, so that fake orders look varied but are reproducible.</summary>
    public static ulong Hash(string text)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text));
        return BitConverter.ToUInt64(hash, 0);
    }

    /// <summary>An id as a JSON number when it is one (as the platforms send it), else as text.</summary>
    public static JsonNode Id(string id) =>
        long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? JsonValue.Create(n) : JsonValue.Create(id)!;
}
