using System.Net;
using System.Security.Cryptography;

namespace Ordo.Bench;

/// <summary>The benchmarks' HTTP client: keep-alive connections that are never recycled mid-run, no proxy, no cookies.</summary>
public static class BenchHttp
{
    /// <summary>A new random API key, which the benchmark's servers are started with as their admin key.</summary>
    public static string NewApiKey() =>
        "ordo_" + RandomNumberGenerator.GetString("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", 32);

    /// <summary>A client that sends <paramref name="apiKey"/> with every request, with up to <paramref name="maxConnections"/> connections per server.</summary>
    public static HttpClient Create(string apiKey, int maxConnections, TimeSpan timeout)
    {
        var http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = maxConnections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
        })
        { Timeout = timeout };
        http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        return http;
    }
}
