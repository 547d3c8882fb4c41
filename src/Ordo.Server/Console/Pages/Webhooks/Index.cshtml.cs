using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Ordo.Data;
using Ordo.Data.Jobs;
using Ordo.Data.Webhooks;
using Ordo.Server.Features.Webhooks;
using Ordo.Server.Security;
using Ordo.Server.Webhooks;

namespace Ordo.Server.Console.Pages.Webhooks;

/// <summary>
/// /webhooks: subscriptions (add, disable) and the delivery log (status, attempts, last error) with re-send, all
/// through the API's own code.
/// </summary>
[Authorize(Policy = Permissions.WebhooksManage)]
public sealed class IndexModel(OrdoDatabase db, TimeProvider clock, SubscriptionDirectory subscriptions, AuditTrail audit) : PageModel
{
    public const int PageSize = 50;
    public static readonly string[] Statuses = [JobStatus.Failed, JobStatus.Pending, JobStatus.Done];

    public sealed record Delivery(Job Job, WebhookJobPayload Payload);

    [BindProperty(SupportsGet = true)] public string? Status { get; set; }
    [BindProperty(SupportsGet = true)] public string? Cursor { get; set; }

    [BindProperty] public string? Name { get; set; }
    [BindProperty(Name = "url")] public string? TargetUrl { get; set; }
    [BindProperty] public string? Secret { get; set; }
    [BindProperty] public List<string> EventTypes { get; set; } = [];
    [BindProperty] public string PersonalData { get; set; } = Ordo.Data.Webhooks.WebhookPersonalData.Masked;

    public IReadOnlyList<WebhookSubscription> Subscriptions { get; private set; } = [];
    public IReadOnlyList<Delivery> Deliveries { get; private set; } = [];
    public string? NextCursor { get; private set; }
    public OpsPageHelpers.Outcome? Result { get; private set; }
    public string? Message { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostAddAsync(CancellationToken ct)
    {
        var body = OpsPageHelpers.Body(new Dictionary<string, object?>
        {
            ["name"] = Name, ["url"] = TargetUrl, ["secret"] = Secret, ["eventTypes"] = EventTypes.Count == 0 ? null : EventTypes,
            ["personalData"] = PersonalData,
        });
        return await AfterAsync(await WebhookEndpoints.CreateAsync(body, HttpContext, db, clock, audit, ct), "added", ct);
    }

    public async Task<IActionResult> OnPostDisableAsync(long id, CancellationToken ct) =>
        await AfterAsync(await WebhookEndpoints.DisableAsync(id, db, subscriptions, ct), "disabled", ct);

    public async Task<IActionResult> OnPostResendAsync(long id, CancellationToken ct) =>
        await AfterAsync(await WebhookEndpoints.ResendAsync(id, db, clock, ct), "resent", ct);

    private async Task<IActionResult> AfterAsync(IResult result, string done, CancellationToken ct)
    {
        Result = OpsPageHelpers.OutcomeOf(result);
        if (Result.Ok) return Redirect("/webhooks?done=" + done + (Status is null ? "" : "&status=" + Status));
        Response.StatusCode = Result.Status;
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        if (Status is not null && !Statuses.Contains(Status)) Status = null;
        Message = Request.Query["done"].ToString() is { Length: > 0 } d ? d : null;
        Ordo.Server.Cursor.TryDecode(Cursor, out var before);
        (Subscriptions, var jobs) = await db.ReadAsync(async s =>
            (await WebhookStore.ListSubscriptionsAsync(s), await JobStore.ListAsync(s, Outbox.WebhookJobKind, Status, before, PageSize + 1)), ct);
        if (jobs.Count > PageSize)
        {
            jobs.RemoveAt(jobs.Count - 1);
            NextCursor = Ordo.Server.Cursor.Encode(jobs[^1].Id);
        }
        Deliveries = jobs.Select(j => new Delivery(j, DocumentJson.Deserialize<WebhookJobPayload>(j.Payload))).ToList();
    }

    public string SubscriptionName(long id) => Subscriptions.FirstOrDefault(s => s.Id == id)?.Name ?? "#" + id;
}
