using Ordo.Data;

namespace Ordo.Server.Configuration;

/// <summary>The <c>Ordo</c> configuration section. Every value has a default so that Ordo runs with no configuration at all.</summary>
public sealed class OrdoOptions
{
    public const string Section = "Ordo";

    public DatabaseOptions Database { get; set; } = new();
    /// <summary>Seed demo shops and orders. Null means "yes, when the database is SQLite and empty".</summary>
    public bool? DemoData { get; set; }
    /// <summary>
    /// Run fake platforms inside the server and drive live orders from them into it (<c>Demo/DemoSimulation</c>).
    /// Null means "as <see cref="DemoData"/>": on in the default SQLite run, off on PostgreSQL and in tests.
    /// </summary>
    public bool? DemoSimulation { get; set; }
    public BootstrapOptions Bootstrap { get; set; } = new();
    public JobOptions Jobs { get; set; } = new();
    public WebhookOptions Webhooks { get; set; } = new();
    public SecretsOptions Secrets { get; set; } = new();
    public ChannelOptions Channels { get; set; } = new();
    public InventoryOptions Inventory { get; set; } = new();
    /// <summary>How many order numbers an instance reserves at a time per channel and day.</summary>
    public int OrderNumberBlockSize { get; set; } = 100;
    /// <summary>Where the SQLite database and first-start files live when no connection string is given.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>Whether demo data is seeded (into an empty database) on <paramref name="provider"/>.</summary>
    public bool SeedsDemoData(DatabaseProvider provider) => DemoData ?? provider == DatabaseProvider.Sqlite;

    /// <summary>Whether the demo simulation runs on <paramref name="provider"/>: by default exactly when demo data is on.</summary>
    public bool RunsDemoSimulation(DatabaseProvider provider) => DemoSimulation ?? SeedsDemoData(provider);
}

/// <summary>How orders hold stock (<c>Ordo:Inventory</c>).</summary>
public sealed class InventoryOptions
{
    /// <summary>Minutes an unpaid order keeps its reserved stock.</summary>
    public int UnpaidReservationMinutes { get; set; } = 30;
    /// <summary>Per platform (<c>taobao</c>, <c>douyin</c>…), overriding <see cref="UnpaidReservationMinutes"/>.</summary>
    public Dictionary<string, int> UnpaidReservationMinutesByPlatform { get; set; } = [];
    /// <summary><c>cancel</c> (default) or <c>hold</c>: what happens to an unpaid order whose reservation expired.</summary>
    public string OnExpiry { get; set; } = "cancel";
    /// <summary>Whether a refund granted after shipment puts the goods back into stock.</summary>
    public bool RestockRefundsAfterShipment { get; set; } = true;
    /// <summary>Defaults of <c>GET /api/v1/inventory/replenishment</c> (<c>Ordo:Inventory:Replenishment</c>).</summary>
    public ReplenishmentOptions Replenishment { get; set; } = new();

    public Ordo.Core.Inventory.ReservationPolicy ToPolicy() => new(
        TimeSpan.FromMinutes(UnpaidReservationMinutes),
        OnExpiry == "hold" ? Ordo.Core.Inventory.ExpiryAction.Hold : Ordo.Core.Inventory.ExpiryAction.Cancel,
        UnpaidReservationMinutesByPlatform
            .Where(p => Ordo.Core.Orders.Platforms.TryParse(p.Key, out _))
            .ToDictionary(p => { Ordo.Core.Orders.Platforms.TryParse(p.Key, out var platform); return platform; }, p => TimeSpan.FromMinutes(p.Value)),
        RestockRefundsAfterShipment);
}

/// <summary>When to ask for more stock: ATP below <see cref="Factor"/> × the average daily sales over <see cref="WindowDays"/> days.</summary>
public sealed class ReplenishmentOptions
{
    /// <summary>Whole China days before today whose sales are averaged (1 to 366).</summary>
    public int WindowDays { get; set; } = 7;
    /// <summary>Days of average sales that ATP should cover (above 0).</summary>
    public decimal Factor { get; set; } = 1.5m;
}

public sealed class DatabaseOptions
{
    /// <summary><c>sqlite</c> (default) or <c>postgres</c>; the connection string is <c>ConnectionStrings:Ordo</c>.</summary>
    public string Provider { get; set; } = "sqlite";
}

public sealed class BootstrapOptions
{
    /// <summary>On first start with no API keys, this key becomes an admin key (for automation).</summary>
    public string? ApiKey { get; set; }
    /// <summary>On first start with no users, the first admin's e-mail (default <c>admin@ordo.local</c>).</summary>
    public string? AdminEmail { get; set; }
    /// <summary>The first admin's password; unset: a one-time password is made, logged once and saved to the data directory.</summary>
    public string? AdminPassword { get; set; }
}

public sealed class JobOptions
{
    public bool Enabled { get; set; } = true;
    public int PollIntervalMilliseconds { get; set; } = 500;
    public int BatchSize { get; set; } = 32;
    public int LeaseSeconds { get; set; } = 60;
}

public sealed class WebhookOptions
{
    public int MaxAttempts { get; set; } = 15;
    /// <summary>Delay before the second attempt; it doubles after each failure up to <see cref="MaxDelaySeconds"/>.</summary>
    public double BaseDelaySeconds { get; set; } = 10;
    public double MaxDelaySeconds { get; set; } = 3600;
    public double TimeoutSeconds { get; set; } = 10;
}

public sealed class SecretsOptions
{
    /// <summary>Base64 of 32 random bytes sealing shop secrets (AES-256-GCM). Unset: a key file in the data directory.</summary>
    public string? Key { get; set; }
}

public sealed class ChannelOptions
{
    /// <summary>Each pull starts this far before where the last one ended: platforms index late and clocks drift.</summary>
    public int PullOverlapSeconds { get; set; } = 120;
    /// <summary>How far back the first pull of a newly connected shop reaches.</summary>
    public int InitialPullHours { get; set; } = 72;
    /// <summary>First delay before a failed pull is tried again; it doubles up to five minutes.</summary>
    public double PullRetryBaseSeconds { get; set; } = 5;
    /// <summary>Pages one pull run reads before it yields to other jobs (it carries on in the next run).</summary>
    public int MaxPagesPerRun { get; set; } = 200;
    /// <summary>Delay before a failed write-back is tried again.</summary>
    public double WriteBackRetryMinutes { get; set; } = 15;
    /// <summary>Attempts of a write-back before it is marked failed and an alert is raised.</summary>
    public int WriteBackMaxAttempts { get; set; } = 5;
    /// <summary>
    /// Seconds between a change of a SKU's ATP and the push of its channel quantities: changes within this window
    /// share one push job, and each changed channel gets one call.
    /// </summary>
    public double StockPushDelaySeconds { get; set; } = 2;
    /// <summary>First delay before a failed stock push is tried again; it doubles up to <see cref="StockPushMaxRetrySeconds"/>.</summary>
    public double StockPushRetrySeconds { get; set; } = 10;
    public double StockPushMaxRetrySeconds { get; set; } = 600;
    /// <summary>Attempts of a stock push job before it is given up (the next stock change queues a new one).</summary>
    public int StockPushMaxAttempts { get; set; } = 20;
    /// <summary>Timeout of one call to a platform API.</summary>
    public double ApiTimeoutSeconds { get; set; } = 20;
    public PinduoduoChannelOptions Pinduoduo { get; set; } = new();
}

public sealed class PinduoduoChannelOptions
{
    public PmcOptions Pmc { get; set; } = new();
}

/// <summary>
/// The Pinduoduo PMC WebSocket feed (<c>Ordo:Channels:Pinduoduo:Pmc</c>). When enabled, every instance holds one
/// connection per PDD app (client_id = a shop's appKey) that has a shop with push enabled and a platformShopId (its mall id).
/// </summary>
public sealed class PmcOptions
{
    public bool Enabled { get; set; }
    /// <summary>The feed's base address (scheme and host); tests point it at a local fake.</summary>
    public string Address { get; set; } = Ordo.Core.Channels.Pinduoduo.PinduoduoPmcMessages.MessageHost;
    /// <summary>First delay before reconnecting; it doubles after each failure up to <see cref="ReconnectMaxSeconds"/>, with jitter.</summary>
    public double ReconnectBaseSeconds { get; set; } = 1;
    public double ReconnectMaxSeconds { get; set; } = 60;
    /// <summary>How often the shops are read again to open connections for new apps and close unneeded ones.</summary>
    public double RefreshSeconds { get; set; } = 30;
}
