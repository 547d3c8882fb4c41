using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Ordo.Core.Channels.Pinduoduo;
using Ordo.Core.Orders;
using Ordo.Data;
using Ordo.Data.Catalogue;
using Ordo.Data.Channels;
using Ordo.Server.Configuration;
using Ordo.Server.Security;

namespace Ordo.Server.Channels;

/// <summary>
/// The Pinduoduo PMC feed: one WebSocket per PDD app (client_id = a shop's appKey, with its appSecret) that has at
/// least one shop with push enabled and a <c>platformShopId</c> (the mall id PMC frames name), while
/// <c>Ordo:Channels:Pinduoduo:Pmc:Enabled</c> is set. Each frame is handed to <see cref="PushReceiver"/> (as the HTTP
/// relay's are) and acknowledged only after that committed. Frames for a mall that is no push-enabled shop of the app
/// are recorded as refused and acknowledged (PMC would otherwise redeliver them for ever); malformed frames are kept in
/// the inbox as rejected and acknowledged when their envelope can be. Every instance holds its own connections; a
/// message delivered to several is taken once (<see cref="PushReceiver"/>).
/// </summary>
public sealed partial class PinduoduoPmcTransport(
    OrdoDatabase database, PushReceiver receiver, SecretBox secrets, TimeProvider clock, IOptions<OrdoOptions> options,
    ILoggerFactory logs) : IPushTransport
{
    public const string TransportName = "pmc";
    private static readonly PinduoduoPmcMessages Format = new();
    private readonly PmcOptions _options = options.Value.Channels.Pinduoduo.Pmc;
    private readonly ILogger _log = logs.CreateLogger<PinduoduoPmcTransport>();
    private readonly Lock _gate = new();
    private readonly Dictionary<(string AppKey, string Secret), Running> _running = [];
    private readonly HashSet<string> _unopenable = [];

    private sealed record Running(PmcConnection Connection, CancellationTokenSource Stop, Task Task);

    public string Name => TransportName;

    public IReadOnlyList<PushConnectionHealth> Health()
    {
        lock (_gate) return _running.Values.Select(r => r.Connection.Health()).OrderBy(h => h.AppKey, StringComparer.Ordinal).ToList();
    }

    public async Task RunAsync(CancellationToken ct)
    {
        if (!_options.Enabled) return;
        if (!Uri.TryCreate(_options.Address, UriKind.Absolute, out var address) || address.Scheme is not ("ws" or "wss"))
        {
            // A configuration mistake must not stop the server (a failing hosted service would): say so and stay off.
            LogBadAddress(_options.Address);
            return;
        }
        var origin = new PushOrigin(Platform.Pinduoduo.Name(), "pmc:" + Platform.Pinduoduo.Name(), address.Host);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                try { await RefreshAsync(origin, ct); }
                catch (Exception ex) when (ex is not OperationCanceledException) { LogRefreshFailed(ex.Message); }
                await Task.Delay(TimeSpan.FromSeconds(Math.Max(0.1, _options.RefreshSeconds)), clock, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down: the connections stop below.
        }
        List<Running> all;
        lock (_gate) { all = [.. _running.Values]; _running.Clear(); }
        foreach (var r in all) r.Stop.Cancel();
        await Task.WhenAll(all.Select(r => r.Task));
    }

    /// <summary>Opens a connection for each app the shops now need and closes those no longer needed.</summary>
    private async Task RefreshAsync(PushOrigin origin, CancellationToken ct)
    {
        var shops = await database.ReadAsync(CatalogueStore.ListShopsAsync, ct);
        var wanted = new Dictionary<(string, string), List<string>>();
        foreach (var shop in shops.Where(s => s.Platform == Platform.Pinduoduo && s.PushEnabled && s.AppKey is not null
                                              && s.AppSecretSealed is not null && s.PlatformShopId is not null))
        {
            string? secret;
            try { secret = secrets.Open(shop.AppSecretSealed); }
            catch (CryptographicException ex)
            {
                if (_unopenable.Add(shop.Code)) LogCannotOpenSecrets(shop.Code, ex.Message);
                continue;
            }
            if (string.IsNullOrEmpty(secret)) continue;
            var key = (shop.AppKey!, secret);
            if (!wanted.TryGetValue(key, out var codes)) wanted[key] = codes = [];
            codes.Add(shop.Code);
        }

        List<Running> stopping = [];
        lock (_gate)
        {
            foreach (var key in _running.Keys.Where(k => !wanted.ContainsKey(k)).ToList())
            {
                stopping.Add(_running[key]);
                _running.Remove(key);
            }
            foreach (var (key, codes) in wanted)
            {
                if (_running.TryGetValue(key, out var running)) { running.Connection.Shops = codes; continue; }
                var (appKey, secret) = key;
                var connection = new PmcConnection(appKey, secret, _options, (frame, token) => HandleFrameAsync(origin, appKey, frame, token),
                    clock, logs.CreateLogger<PmcConnection>()) { Shops = codes };
                var stop = new CancellationTokenSource();
                _running[key] = new Running(connection, stop, connection.RunAsync(stop.Token));
            }
        }
        foreach (var r in stopping) r.Stop.Cancel();
        await Task.WhenAll(stopping.Select(r => r.Task));
    }

    /// <summary>Keeps one frame durably and returns the Ack to send (null: none due). Throws when it could not be kept: then no Ack is sent.</summary>
    private async Task<string?> HandleFrameAsync(PushOrigin origin, string appKey, byte[] frame, CancellationToken ct)
    {
        var read = Format.ReadFrame(frame, clock.GetUtcNow());
        if (read.IsControl) return null;
        var mall = read.PlatformShopId;
        var shop = mall is null ? null
            : await database.ReadAsync(s => CatalogueStore.FindShopByPlatformIdAsync(s, Platform.Pinduoduo, appKey, mall), ct);
        // Attempts of frames that name no shop of this app are recorded under "mall:{mallID}" (there is no shop code to use).
        var shopCode = shop?.Code ?? "mall:" + (mall ?? "?");
        if (!read.Read.Succeeded)
            await receiver.RejectAsync(origin, shopCode, frame, read.Read.Errors[0], ct);
        else if (shop is null)
            await receiver.RecordAsync(origin, shopCode, frame, PushOutcome.Refused,
                $"mall {mall} is not a shop of PDD app {appKey} (a pinduoduo shop with this appKey and platformShopId {mall})", ct);
        else if (!shop.PushEnabled)
            await receiver.RecordAsync(origin, shop.Code, frame, PushOutcome.PushDisabled, $"push is not enabled for shop '{shop.Code}'", ct);
        else
            await receiver.AcceptAsync(origin, shop, frame, read.Read.Value!.Messages, ct);
        return read.Reply;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "PMC is enabled but Ordo:Channels:Pinduoduo:Pmc:Address '{Address}' is not a ws:// or wss:// address; no PMC connection is opened")]
    private partial void LogBadAddress(string address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "PMC: reading the shops to connect failed: {Error}; trying again at the next refresh")]
    private partial void LogRefreshFailed(string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "PMC: the secrets of shop {ShopCode} cannot be opened ({Error}); is Ordo:Secrets:Key the one they were sealed with?")]
    private partial void LogCannotOpenSecrets(string shopCode, string error);
}

/// <summary>
/// One PMC WebSocket for one app: connects (signed URL), reads frames one at a time, hands each to the handler and
/// sends the reply the handler returns only after the handler finished, i.e. after the frame was committed; a handler
/// that throws leaves the frame unanswered and the connection is dropped, so PMC redelivers it. Reconnects with capped
/// exponential backoff and jitter. State changes are logged once at Information/Warning; retries only at Debug.
/// </summary>
public sealed partial class PmcConnection(
    string clientId, string clientSecret, PmcOptions options, Func<byte[], CancellationToken, Task<string?>> handle, TimeProvider clock,
    ILogger<PmcConnection> log)
{
    /// <summary>A frame larger than this is not a PMC message: the connection is closed and opened again.</summary>
    public const int MaxFrameBytes = 1024 * 1024;

    private readonly Lock _gate = new();
    private string _state = "connecting";
    private DateTimeOffset _stateSince = clock.GetUtcNow();
    private DateTimeOffset? _connectedAt, _lastErrorAt, _lastFrameAt;
    private string? _lastError;
    private int _failures;
    private long _frames, _acked;
    private bool _problemLogged;

    /// <summary>The shops this app's connection serves (for health).</summary>
    public IReadOnlyList<string> Shops { get; set; } = [];

    public PushConnectionHealth Health()
    {
        lock (_gate)
            return new PushConnectionHealth(PinduoduoPmcTransport.TransportName, Platform.Pinduoduo.Name(), clientId, Shops, _state, _stateSince,
                _connectedAt, _lastError, _lastErrorAt, _failures, _frames, _acked, _lastFrameAt);
    }

    /// <summary>The delay before reconnect attempt <paramref name="failures"/> (1-based): doubling, capped, with half of it random.</summary>
    public static TimeSpan Backoff(int failures, double baseSeconds, double maxSeconds)
    {
        var full = Math.Min(maxSeconds, baseSeconds * Math.Pow(2, Math.Min(failures - 1, 20)));
        // Jitter spreads the reconnects of many instances (and apps) after a platform outage.
        return TimeSpan.FromSeconds(full / 2 + Random.Shared.NextDouble() * full / 2);
    }

    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            SetState("connecting");
            string problem;
            try
            {
                problem = await ConnectAndReadAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                problem = ex is WebSocketException { InnerException: { } inner } ? $"{ex.Message} ({inner.Message})" : ex.Message;
            }
            if (ct.IsCancellationRequested) break;

            int failures;
            lock (_gate)
            {
                failures = ++_failures;
                _lastError = problem;
                _lastErrorAt = clock.GetUtcNow();
            }
            SetState("reconnecting");
            if (!_problemLogged) LogConnectionProblem(clientId, problem);
            else LogRetry(clientId, failures, problem);
            _problemLogged = true;
            try { await Task.Delay(Backoff(failures, options.ReconnectBaseSeconds, options.ReconnectMaxSeconds), clock, ct); }
            catch (OperationCanceledException) { break; }
        }
        SetState("stopped");
        LogStopped(clientId);
    }

    /// <summary>One connection's life; returns why it ended (the server closed it) or throws.</summary>
    private async Task<string> ConnectAndReadAsync(CancellationToken ct)
    {
        using var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(30);
        socket.Options.KeepAliveTimeout = TimeSpan.FromSeconds(30);
        var url = PinduoduoPmcMessages.ConnectionUrl(clientId, clientSecret, clock.GetUtcNow(), options.Address);
        using (var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            connectTimeout.CancelAfter(TimeSpan.FromSeconds(30));
            await socket.ConnectAsync(new Uri(url), connectTimeout.Token);
        }
        var connectedAt = clock.GetUtcNow();
        lock (_gate)
        {
            _connectedAt = connectedAt;
            _lastError = null;
        }
        SetState("connected");
        LogConnected(clientId);
        _problemLogged = false;
        try
        {
            return await ReadAsync(socket, ct);
        }
        finally
        {
            // A connection that lasted resets the backoff even without frames (a quiet shop); one the server drops
            // at once does not, so a misbehaving server is not hammered.
            if (clock.GetUtcNow() - connectedAt >= TimeSpan.FromSeconds(options.ReconnectMaxSeconds))
                lock (_gate) _failures = 0;
        }
    }

    private async Task<string> ReadAsync(ClientWebSocket socket, CancellationToken ct)
    {

        // On shutdown: say goodbye with a close frame instead of resetting the connection; abort if the server does not answer.
        await using var closing = ct.Register(() => _ = CloseAsync(socket));
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer, CancellationToken.None);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                ct.ThrowIfCancellationRequested();
                return $"the server closed the connection ({socket.CloseStatus} {socket.CloseStatusDescription})".TrimEnd();
            }
            if (message.Length + received.Count > MaxFrameBytes)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.MessageTooBig, "frame too large", ct);
                return $"a frame exceeded {MaxFrameBytes} bytes";
            }
            message.Write(buffer, 0, received.Count);
            if (!received.EndOfMessage) continue;
            var frame = message.ToArray();
            message.SetLength(0);
            lock (_gate) { _frames++; _lastFrameAt = clock.GetUtcNow(); }

            // The ack goes out only once the frame is committed: a failure here throws, the connection drops unanswered
            // and PMC redelivers the frame (a repeat is recognised), so a crash loses nothing.
            var reply = await handle(frame, ct);
            if (reply is null) continue;
            await socket.SendAsync(Encoding.UTF8.GetBytes(reply), WebSocketMessageType.Text, endOfMessage: true, ct);
            lock (_gate) { _acked++; _failures = 0; }
        }
    }

    private static async Task CloseAsync(ClientWebSocket socket)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "Ordo is stopping", timeout.Token);
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
        catch (Exception)
        {
            // Already closed or closing: aborting below ends the read either way.
        }
        try { socket.Abort(); }
        catch (ObjectDisposedException)
        {
            // The connection ended (and was disposed) meanwhile.
        }
    }

    private void SetState(string state)
    {
        lock (_gate)
        {
            if (_state == state) return;
            _state = state;
            _stateSince = clock.GetUtcNow();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "PMC connection for client_id {ClientId} is open")]
    private partial void LogConnected(string clientId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "PMC connection for client_id {ClientId} is down: {Problem}; reconnecting with backoff (further attempts are logged at Debug)")]
    private partial void LogConnectionProblem(string clientId, string problem);

    [LoggerMessage(Level = LogLevel.Debug, Message = "PMC connection for client_id {ClientId}: attempt {Failures} failed: {Problem}")]
    private partial void LogRetry(string clientId, int failures, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "PMC connection for client_id {ClientId} stopped")]
    private partial void LogStopped(string clientId);
}
