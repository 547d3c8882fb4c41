namespace Ordo.Core.Orders;

/// <summary>
/// How much one API request may carry. Stated here once: the server enforces these limits and the CLI splits files
/// to stay under them.
/// </summary>
public static class IntakeLimits
{
    /// <summary>Orders in one batch or import request (canonical, native or CSV orders); more gets 413.</summary>
    public const int MaxOrdersPerRequest = 1000;

    /// <summary>Bytes of one request body (Kestrel's default, set explicitly so that it is stated here); more gets 413.</summary>
    public const long MaxRequestBytes = 30_000_000;
}
