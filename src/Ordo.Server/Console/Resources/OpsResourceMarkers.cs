namespace Ordo.Server.Console.Resources;

// The operations pages' resx pairs (neutral = zh-CN, .en = English), one per area, read through IStringLocalizer<T>.

/// <summary>Order exports: the file's column headers and the export form.</summary>
public sealed class Exports;
