namespace Ordo.Core.Common;

/// <summary>
/// Why a value in a payload could not be accepted: the JSON path of the field (e.g. <c>lines[0].unitPrice</c>),
/// the reason in plain words, and the raw fragment that failed so an operator can see exactly what arrived.
/// </summary>
public sealed record FieldError(string Field, string Reason, string? Fragment = null);
