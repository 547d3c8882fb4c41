namespace Ordo.Server.Console.Resources;

// The operations pages' resx pairs (neutral = zh-CN, .en = English), one per area, read through IStringLocalizer<T>.

/// <summary>Order exports: the file's column headers and the export form.</summary>
public sealed class Exports;
/// <summary>The inbox pages (rejected payloads, fix-and-replay).</summary>
public sealed class Inbox;
/// <summary>The shops pages (health, connect, edit).</summary>
public sealed class Shops;
/// <summary>The inventory pages (ATP per warehouse, ledger).</summary>
public sealed class Inventory;
/// <summary>The webhooks page. Not named Webhooks: that would hide the namespace Ordo.Server.Webhooks inside Ordo.Server.</summary>
public sealed class WebhookPages;
/// <summary>The audit log and the monthly access report.</summary>
public sealed class Audit;
