using System.Collections.Concurrent;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Ordo.Core.Channels;
using Ordo.Core.Channels.Pinduoduo;

namespace Ordo.Simulator.Platforms;

/// <summary>An Ack frame the fake PMC received, matched to the frame it answers.</summary>
public sealed record FakePmcAck(string Id, string Type, string MallId, DateTimeOffset At);

/// <summary>
/// A fake Pinduoduo PMC feed on a loopback port (<see cref="Address"/> replaces <c>wss://message-api.pinduoduo.com</c>):
/// WebSocket upgrades at <c>/message/{client_id}/{ts_ms}/{signature}</c> are accepted only when the signature is
/// <c>base64(md5hex(client_id + ts_ms + client_secret))</c> of a registered app and the timestamp is within 10 minutes
/// (otherwise 401, no upgrade). It sends <c>Common</c> frames for orders placed in a fake shop (kept in the
/// <see cref="FakeShop"/> the PDD API fake serves, so Ordo can fetch them), expects an Ack echoing <c>id</c>,
/// <c>type</c> and <c>mallID</c>, and redelivers every frame not acknowledged within the ack timeout, on every open
/// connection of the app (as after a reconnect). Thread-safe.
/// </summary>
public sealed class FakePmcServer : IAsyncDisposable
{
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(10);
    private WebApplication _app = null!;
    private readonly TimeProvider _clock;
    private readonly TimeSpan _ackTimeout;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, string> _apps = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Guid, Connection> _connections = new();
    private readonly ConcurrentDictionary<string, int> _deliveries = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<FakePmcAck> _acks = new();
    private readonly Task _redelivery;
    private long _nextId = 9_007_199_254_740_993; // above 2^53, as real ids can be: a double would corrupt them
    private int _refused, _accepted;

    private sealed record Pending(string ClientId, string Frame, string? Type, string? MallId)
    {
        public DateTimeOffset LastSentAt { get; set; }
    }

    private sealed record Connection(string ClientId, WebSocket Socket)
    {
        public SemaphoreSlim SendLock { get; } = new(1, 1);
    }

    private FakePmcServer(TimeProvider clock, TimeSpan ackTimeout)
    {
        _clock = clock;
        _ackTimeout = ackTimeout;
        _redelivery = RedeliverAsync(_stop.Token);
    }

    /// <summary>The base address to give Ordo (<c>Ordo:Channels:Pinduoduo:Pmc:Address</c>), e.g. <c>ws://127.0.0.1:5123</c>.</summary>
    public string Address { get; private set; } = "";

    /// <summary>Upgrades refused (bad signature, unknown client_id, stale timestamp).</summary>
    public int RefusedHandshakes => Volatile.Read(ref _refused);

    /// <summary>Connections accepted since the start.</summary>
    public int AcceptedHandshakes => Volatile.Read(ref _accepted);

    public int OpenConnectionsOf(string clientId) => _connections.Values.Count(c => c.ClientId == clientId);

    public IReadOnlyCollection<FakePmcAck> Acks => _acks.ToArray();

    /// <summary>Called with each matching Ack before it is recorded (tests look at Ordo's state at that moment).</summary>
    public Func<FakePmcAck, Task>? OnAck { get; set; }

    /// <summary>How many times the frame with this id was sent.</summary>
    public int Deliveries(string id) => _deliveries.GetValueOrDefault(id);

    public bool IsAcknowledged(string id) => _acks.Any(a => a.Id == id);

    public static async Task<FakePmcServer> StartAsync(TimeSpan ackTimeout, TimeProvider? clock = null, CancellationToken ct = default)
    {
        var server = new FakePmcServer(clock ?? TimeProvider.System, ackTimeout);
        var (app, address) = await FakePlatformHost.StartLoopbackAsync(app =>
        {
            app.UseWebSockets();
            app.Map("/message/{clientId}/{ts}/{signature}", server.AcceptAsync);
        }, ct);
        server._app = app;
        server.Address = "ws" + address.TrimEnd('/')["http".Length..];
        return server;
    }

    /// <summary>Registers a PDD app: connections for <paramref name="app"/>'s AppKey must be signed with its AppSecret.</summary>
    public void AddApp(FakeShop app) => _apps[app.AppKey] = app.AppSecret;

    /// <summary>Puts the order in the shop (where the API fake serves it) and sends the Common frame announcing it; returns the frame id.</summary>
    public string PlaceOrder(FakeShop shop, long mallId, FakeOrder order, string type = "pdd_trade_TradeConfirmed")
    {
        shop.Put(order);
        return Publish(shop.AppKey, mallId, type, order.PlatformOrderId);
    }

    /// <summary>Sends a Common frame naming order <paramref name="tid"/> of <paramref name="mallId"/> to the app's connections; returns its id.</summary>
    public string Publish(string clientId, long mallId, string type, string tid)
    {
        var id = Interlocked.Increment(ref _nextId).ToString(CultureInfo.InvariantCulture);
        var content = JsonSerializer.Serialize(new Dictionary<string, object> { ["mall_id"] = mallId, ["tid"] = tid });
        var frame = $$$"""{"id":{{{id}}},"commandType":"Common","sendTime":{{{_clock.GetUtcNow().ToUnixTimeMilliseconds()}}},"message":{"type":{{{JsonSerializer.Serialize(type)}}},"mallID":{{{mallId}}},"content":{{{JsonSerializer.Serialize(content)}}}}}""";
        SendRaw(clientId, frame, id, type, mallId.ToString(CultureInfo.InvariantCulture));
        return id;
    }

    /// <summary>
    /// Sends any text as a frame (a malformed one, a repeat). With an <paramref name="id"/> it waits for an Ack (of that
    /// type and mall when given) and is redelivered until then; without one it is sent once.
    /// </summary>
    public void SendRaw(string clientId, string frame, string? id = null, string? type = null, string? mallId = null)
    {
        var pending = new Pending(clientId, frame, type, mallId) { LastSentAt = _clock.GetUtcNow() };
        if (id is not null) _pending[id] = pending;
        _ = SendToAppAsync(pending, id);
    }

    /// <summary>Drops every open connection without a close handshake, as a platform restart or network fault would.</summary>
    public void DropConnections()
    {
        foreach (var (key, connection) in _connections)
        {
            _connections.TryRemove(key, out _);
            connection.Socket.Abort();
        }
    }

    private async Task AcceptAsync(HttpContext http, string clientId, string ts, string signature)
    {
        var now = _clock.GetUtcNow();
        var valid = _apps.TryGetValue(clientId, out var secret)
                    && long.TryParse(ts, NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
                    && (now - DateTimeOffset.FromUnixTimeMilliseconds(ms)).Duration() <= ClockSkew
                    && Signing.SameSignature(Uri.UnescapeDataString(signature), PinduoduoPmcMessages.ConnectionSignature(clientId, ms, secret));
        if (!http.WebSockets.IsWebSocketRequest || !valid)
        {
            Interlocked.Increment(ref _refused);
            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await http.Response.WriteAsync("""{"error":"signature mismatch"}""", http.RequestAborted);
            return;
        }

        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        Interlocked.Increment(ref _accepted);
        var key = Guid.NewGuid();
        var connection = new Connection(clientId, socket);
        _connections[key] = connection;
        try
        {
            // Frames still unacknowledged go out again at once on a new connection.
            foreach (var (id, pending) in _pending.Where(p => p.Value.ClientId == clientId).OrderBy(p => p.Key.Length).ThenBy(p => p.Key, StringComparer.Ordinal))
                await SendAsync(connection, pending, id);
            await ReceiveAsync(connection);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away or the connection was dropped on purpose.
        }
        finally
        {
            _connections.TryRemove(key, out _);
        }
    }

    private async Task ReceiveAsync(Connection connection)
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (connection.Socket.State == WebSocketState.Open)
        {
            var received = await connection.Socket.ReceiveAsync(buffer, _stop.Token);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                await connection.Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                return;
            }
            message.Write(buffer, 0, received.Count);
            if (!received.EndOfMessage) continue;
            var text = Encoding.UTF8.GetString(message.ToArray());
            message.SetLength(0);
            if (ReadAck(text) is { } ack && _pending.TryGetValue(ack.Id, out var pending)
                && (pending.Type is null || pending.Type == ack.Type) && (pending.MallId is null || pending.MallId == ack.MallId))
            {
                if (OnAck is { } hook) await hook(ack);
                _acks.Enqueue(ack);
                _pending.TryRemove(ack.Id, out _);
            }
        }
    }

    /// <summary>An Ack frame as Ordo writes it (<c>{"id":…,"commandType":"Ack",…,"type":…,"mallID":…}</c>), or null.</summary>
    private FakePmcAck? ReadAck(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("commandType", out var command) || command.ValueKind != JsonValueKind.String
                || command.GetString() != "Ack" || !root.TryGetProperty("id", out var id)
                || !root.TryGetProperty("type", out var type) || !root.TryGetProperty("mallID", out var mall)) return null;
            return new FakePmcAck(Text(id), Text(type), Text(mall), _clock.GetUtcNow());
        }
        catch (JsonException)
        {
            return null;
        }

        static string Text(JsonElement e) => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText();
    }

    private async Task RedeliverAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Max(20, _ackTimeout.TotalMilliseconds / 4)), _clock);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
                foreach (var (id, pending) in _pending)
                    if (_clock.GetUtcNow() - pending.LastSentAt >= _ackTimeout)
                    {
                        pending.LastSentAt = _clock.GetUtcNow();
                        await SendToAppAsync(pending, id);
                    }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private async Task SendToAppAsync(Pending pending, string? id)
    {
        foreach (var connection in _connections.Values.Where(c => c.ClientId == pending.ClientId))
            await SendAsync(connection, pending, id);
    }

    private async Task SendAsync(Connection connection, Pending pending, string? id)
    {
        await connection.SendLock.WaitAsync();
        try
        {
            if (connection.Socket.State != WebSocketState.Open) return;
            await connection.Socket.SendAsync(Encoding.UTF8.GetBytes(pending.Frame), WebSocketMessageType.Text, true, CancellationToken.None);
            pending.LastSentAt = _clock.GetUtcNow();
            if (id is not null) _deliveries.AddOrUpdate(id, 1, (_, n) => n + 1);
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or InvalidOperationException)
        {
            // The connection died under us; the frame stays pending and goes out again.
        }
        finally
        {
            connection.SendLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        DropConnections();
        await _redelivery;
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stop.Dispose();
    }
}
