using Microsoft.Extensions.Options;
using Ordo.Data;
using Ordo.Data.Orders;
using Ordo.Server;
using Ordo.Server.Channels;
using Ordo.Server.Configuration;
using Ordo.Server.Console;
using Ordo.Server.Demo;
using Ordo.Server.Features.ApiKeys;
using Ordo.Server.Features.Catalogue;
using Ordo.Server.Features.Channels;
using Ordo.Server.Features.Inbox;
using Ordo.Server.Features.Orders;
using Ordo.Server.Features.Webhooks;
using Ordo.Server.Jobs;
using Ordo.Server.Observability;
using Ordo.Server.Security;
using Ordo.Server.Security.PersonalData;
using Ordo.Server.Security.Users;
using Ordo.Server.Webhooks;

// appsettings.json is found next to the binary wherever Ordo is started from; ./data stays relative to the working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

builder.Logging.ClearProviders();
builder.Logging.AddJsonConsole(o =>
{
    o.UseUtcTimestamp = true;
    o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
    o.JsonWriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
});

// With no --urls / ASPNETCORE_URLS, listen on loopback only, port 5080.
if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
    builder.WebHost.UseUrls("http://127.0.0.1:5080");
builder.WebHost.ConfigureKestrel(o => o.Limits.MaxRequestBodySize = Ordo.Core.Orders.IntakeLimits.MaxRequestBytes);

builder.Services.Configure<OrdoOptions>(builder.Configuration.GetSection(OrdoOptions.Section));
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton(sp => DatabaseSetup.Create(sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<IOptions<OrdoOptions>>().Value)
    .WithPersonalData(sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<IOptions<OrdoOptions>>().Value));
builder.Services.AddSingleton(sp => new OrderNumberAllocator(
    sp.GetRequiredService<OrdoDatabase>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<OrdoOptions>>().Value.OrderNumberBlockSize));
builder.Services.AddSingleton<OrderIntake>();
builder.Services.AddSingleton<Ordo.Server.Features.Inventory.StockDecisions>();
builder.Services.AddSingleton<SecretBox>();
builder.Services.AddSingleton<AuditTrail>();
builder.Services.AddPersonalData();
builder.Services.AddChannels();
builder.Services.AddSingleton<OrdoMetrics>();
builder.Services.AddSingleton<DemoData>();
builder.Services.AddSingleton<StartupTasks>();
builder.Services.AddPrometheusMetrics(OrdoMetrics.MeterName);

// Registered before the job runner: hosted services start in order, and the demo's fake platforms must be listening
// again when the pulls that were due at start run.
builder.Services.AddSingleton<DemoSimulation>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<DemoSimulation>());

builder.Services.AddHttpClient(WebhookDeliveryHandler.HttpClientName);
builder.Services.AddSingleton<SubscriptionDirectory>();
builder.Services.AddSingleton<IJobHandler, WebhookDeliveryHandler>();
builder.Services.AddSingleton<IJobHandler, Ordo.Server.Features.Inventory.FollowOrderStock>();
if (builder.Configuration.GetValue($"{OrdoOptions.Section}:Jobs:Enabled", true))
    builder.Services.AddHostedService<JobRunner>();

builder.AddOrdoUsers();
builder.Services.AddProblemDetails();
builder.Services.ConfigureHttpJsonOptions(o => ApiJson.Configure(o.SerializerOptions));
builder.Services.AddOpenApi();
builder.Services.AddOrdoConsole();

var app = builder.Build();

await app.Services.GetRequiredService<StartupTasks>().RunAsync(app.Lifetime.ApplicationStopping);
await app.StartUsersAsync();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();
app.MapOrdoConsole();

app.MapOpenApi("/openapi/{documentName}.json");
app.MapPrometheusMetrics("/metrics");
app.MapGet("/healthz", async (OrdoDatabase db, CancellationToken ct) =>
{
    try
    {
        await db.ReadAsync(s => s.ScalarAsync<long>("SELECT 1"), ct);
        return Results.Json(new { status = "ok", database = db.Provider.ToString().ToLowerInvariant() });
    }
    catch (Exception ex) when (ex is not OperationCanceledException)
    {
        return Results.Json(new { status = "unavailable", database = db.Provider.ToString().ToLowerInvariant(), error = ex.Message }, statusCode: 503);
    }
}).ExcludeFromDescription();
app.MapGet("/api", () => Results.Json(new { name = "Ordo", api = "/api/v1", openapi = "/openapi/v1.json", health = "/healthz", metrics = "/metrics" }))
    .ExcludeFromDescription();

var api = app.MapGroup("/api/v1").RequireAuthorization();
SubmitOrder.Map(api);
SubmitOrderBatch.Map(api);
ListOrders.Map(api);
GetOrder.Map(api);
ApplyOrderAction.Map(api);
InboxEndpoints.Map(api);
CatalogueEndpoints.Map(api);
WebhookEndpoints.Map(api);
ApiKeyEndpoints.Map(api);
UserEndpoints.Map(api);
Ordo.Server.Features.Inventory.InventoryEndpoints.Map(api);
Ordo.Server.Features.Inventory.ReplenishmentReport.Map(api);
Ordo.Server.Features.Inventory.SetSkuChannels.Map(api);
Ordo.Server.Features.Inventory.GetSkuChannels.Map(api);
ImportNativeOrders.Map(api);
ImportCsvOrders.Map(api);
PushHooks.MapAttempts(api);
api.MapPersonalData();
ChannelStatusEndpoints.Map(api);
PushHooks.Map(app);

app.Run();

/// <summary>Marker for test hosts (<c>WebApplicationFactory&lt;OrdoServer&gt;</c>).</summary>
public sealed class OrdoServer;
