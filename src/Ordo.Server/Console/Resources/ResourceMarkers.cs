namespace Ordo.Server.Console.Resources;

// Each class names one resx pair in this folder (Common.resx holds the zh-CN text, Common.en.resx the English):
// IStringLocalizer<Common> reads Ordo.Server.Console.Resources.Common. One pair per console area.

/// <summary>Layout, navigation, shared states and buttons.</summary>
public sealed class Common;
/// <summary>The overview page.</summary>
public sealed class Overview;
/// <summary>The order list and the order detail page.</summary>
public sealed class Orders;
/// <summary>The holds queue (待人工复核).</summary>
public sealed class Holds;
