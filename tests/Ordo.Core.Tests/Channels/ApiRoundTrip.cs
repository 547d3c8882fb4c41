using Ordo.Core.Channels;
using Ordo.Simulator.Platforms;

namespace Ordo.Core.Tests.Channels;

/// <summary>Sends an <see cref="ApiCall"/> to a fake platform in memory, as the server would over HTTP.</summary>
public static class ApiRoundTrip
{
    public static ApiAnswer Send(ApiCall call, IFakePlatformApi fake, FakeShop shop, DateTimeOffset now)
    {
        var query = System.Web.HttpUtility.ParseQueryString(call.Url.Query);
        var request = new FakeRequest(call.Method.Method, call.Url.AbsolutePath,
            query.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => query[k]!),
            new Dictionary<string, string>(call.Headers, StringComparer.OrdinalIgnoreCase), call.Body ?? "");
        var response = fake.Handle(request, shop, now) ?? new FakeResponse(404, "{\"error\":\"no such path\"}");
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Content-Type"] = response.ContentType };
        foreach (var (name, value) in response.Headers ?? new Dictionary<string, string>())
            headers[name] = value;
        return new ApiAnswer(response.StatusCode, headers, response.Body);
    }
}
