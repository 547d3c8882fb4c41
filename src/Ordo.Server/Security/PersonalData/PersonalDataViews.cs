using Ordo.Core.Orders;
using Ordo.Core.Privacy;

namespace Ordo.Server.Security.PersonalData;

/// <summary>The audit of API answers that show personal data in full (issue 5: every unmasked view is on record).</summary>
public static class PersonalDataViews
{
    /// <summary>Most order numbers named in one entry's target (a list page holds at most 200).</summary>
    private const int MaxTargets = 200;

    /// <summary>
    /// Writes one <c>pii.view</c> entry for the request when <paramref name="access"/> shows any personal field of
    /// <paramref name="orders"/> in full: target = the order numbers shown so, detail = the fields. Nothing when all
    /// was masked. Awaited before the answer is sent, so a view that was served is always on record.
    /// </summary>
    public static Task AuditAsync(this AuditTrail audit, HttpContext http, IEnumerable<OrderState> orders, PersonalDataAccess access)
    {
        if (!access.AnyFull) return Task.CompletedTask;
        var fields = new SortedSet<string>(StringComparer.Ordinal);
        var shown = new List<string>();
        foreach (var order in orders)
        {
            var any = false;
            foreach (var field in ViewerAccess.FullFieldsShown(order.Data.Receiver, access)) { fields.Add(field); any = true; }
            if (any && shown.Count < MaxTargets) shown.Add(order.OrderNo);
        }
        if (shown.Count == 0) return Task.CompletedTask;
        return audit.RecordAsync(http, AuditTrail.Actions.PersonalDataView, AuditTrail.Outcomes.Ok, string.Join(",", shown),
            new { fields, orders = shown.Count, path = http.Request.Path.Value });
    }
}
