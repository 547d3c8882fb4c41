using Ordo.Server.Security;

namespace Ordo.Server.Features.Exports;

/// <summary>The <c>Ordo:Exports</c> section.</summary>
public sealed class ExportOptions
{
    public const string Section = "Ordo:Exports";

    /// <summary>
    /// <c>Ordo:Exports:MaxRows:&lt;role&gt;</c>: the most orders one export may hold for a user with that role; a user
    /// with several roles has the most generous of their limits. A role not listed may export nothing.
    /// </summary>
    public Dictionary<string, int> MaxRows { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        [Roles.CustomerService] = 2_000,
        [Roles.Operations] = 20_000,
        [Roles.Finance] = 50_000,
        [Roles.Admin] = 100_000,
    };

    public int MaxRowsFor(IEnumerable<string> roles) => roles.Select(r => MaxRows.GetValueOrDefault(r)).DefaultIfEmpty(0).Max();
}
