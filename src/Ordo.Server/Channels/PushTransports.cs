namespace Ordo.Server.Channels;

/// <summary>
/// A way push messages reach Ordo over a connection Ordo itself holds (a platform's WebSocket feed), as opposed to the
/// HTTP hook that platforms and relays call. A transport only carries frames: reading them is the platform's
/// <see cref="Ordo.Core.Channels.IPushFeedFormat"/> and keeping them is <see cref="PushReceiver"/>, shared with the hook.
/// </summary>
public interface IPushTransport
{
    /// <summary>The name health reports use, e.g. <c>pmc</c>.</summary>
    string Name { get; }

    /// <summary>
    /// Holds the connections the configured shops need until <paramref name="ct"/> is cancelled, reconnecting on its own;
    /// returns at once when the transport is not enabled. A platform or network failure never ends it.
    /// </summary>
    Task RunAsync(CancellationToken ct);

    /// <summary>A snapshot of this instance's connections. Thread-safe.</summary>
    IReadOnlyList<PushConnectionHealth> Health();
}

/// <summary>
/// How one feed connection of this instance is doing (in memory: each instance reports its own).
/// <see cref="State"/> is <c>connecting</c>, <c>connected</c>, <c>reconnecting</c> (after a failure, waiting out the
/// backoff) or <c>stopped</c>; <see cref="LastError"/> stays until the next successful connection.
/// </summary>
public sealed record PushConnectionHealth(
    string Transport, string Platform, string AppKey, IReadOnlyList<string> Shops, string State, DateTimeOffset StateSince,
    DateTimeOffset? ConnectedAt, string? LastError, DateTimeOffset? LastErrorAt, int Failures, long FramesReceived, long FramesAcked,
    DateTimeOffset? LastFrameAt);

/// <summary>Runs every registered <see cref="IPushTransport"/> for the life of the server and stops them on shutdown.</summary>
public sealed class PushTransportHost(IEnumerable<IPushTransport> transports) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(transports.Select(t => t.RunAsync(stoppingToken)));
}
