using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Ordo.Server.Webhooks;

namespace Ordo.Server.Tests.Infrastructure;

/// <summary>A real HTTP server on 127.0.0.1 that plays a webhook subscriber: it checks signatures, records what it got, and can be switched off (503).</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    public const string Secret = "test-webhook-secret-0123456789";

    private readonly WebApplication _app;

    public sealed record Delivery(string OrderNo, int Sequence, string EventId, string Type, bool SignatureValid, JsonObject Body);

    public ConcurrentQueue<Delivery> Received { get; } = new();
    public volatile bool Down;
    public int Refused;

    private WebhookReceiver(WebApplication app) => _app = app;

    public string Url => _app.Urls.First() + "/hook";

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hook", async (HttpRequest request) =>
        {
            if (receiver.Down)
            {
                Interlocked.Increment(ref receiver.Refused);
                return Results.StatusCode(503);
            }
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            var bytes = buffer.ToArray();
            var body = JsonNode.Parse(bytes)!.AsObject();
            var timestamp = long.Parse(request.Headers[WebhookSignature.TimestampHeader].ToString(), System.Globalization.CultureInfo.InvariantCulture);
            var valid = timestamp == body["timestamp"]!.GetValue<long>()
                        && WebhookSignature.Verify(Secret, bytes, request.Headers[WebhookSignature.SignatureHeader], timestamp, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5));
            receiver.Received.Enqueue(new Delivery(body["orderNo"]!.GetValue<string>(), body["sequence"]!.GetValue<int>(),
                body["id"]!.GetValue<string>(), body["type"]!.GetValue<string>(), valid, body));
            return Results.Ok(new { ok = true });
        });
        await app.StartAsync();
        return receiver;
    }

    public List<Delivery> For(string orderNo) => Received.Where(d => d.OrderNo == orderNo).ToList();

    /// <summary>Waits (polling, no fixed sleep) until <paramref name="done"/> holds, or fails after <paramref name="timeout"/>.</summary>
    public static async Task WaitUntilAsync(Func<bool> done, TimeSpan timeout, string what)
    {
        var until = DateTime.UtcNow + timeout;
        while (!done())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"waited {timeout.TotalSeconds:0} s for {what}");
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
