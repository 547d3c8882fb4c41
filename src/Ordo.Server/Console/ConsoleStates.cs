namespace Ordo.Server.Console;

/// <summary>Model of the shared empty-state partial (<c>_EmptyState</c>): an icon, a title and what to do next.</summary>
public sealed record EmptyState(string Title, string? Text = null, string Icon = "bi-inbox", string? TestId = null);

/// <summary>Model of the shared error-state partial (<c>_ErrorState</c>); <c>RetryUrl</c> adds a retry link.</summary>
public sealed record ErrorState(string Title, string? Text = null, string? RetryUrl = null);
