using System.Text.Json;
using Ordo.Core.Common;
using Ordo.Core.Orders;
using Ordo.Data;
using Ordo.Data.Catalogue;
using Ordo.Data.Inbox;
using Ordo.Core.Channels.Csv;
using Ordo.Server.Features.Orders;
using Ordo.Server.Security;

namespace Ordo.Server.Features.Channels;

/// <summary>
/// POST /api/v1/shops/{shopCode}/orders:import-csv?preset=: a seller-backend order export (CSV, UTF-8 with or without
/// BOM, or GB18030/GBK) mapped by a preset to canonical orders. The whole file is kept in the inbox first; rows are
/// grouped into orders (one row per line), each order is taken in like a batch item (kept, checked, one result per
/// order), and an order with a row that cannot be mapped (bad number, time, status) is kept as a rejected inbox item
/// with the row, column, reason and raw value, while the other orders land.
/// </summary>
public static class ImportCsvOrders
{

    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/shops/{shopCode}/orders:import-csv", async (string shopCode, string? preset, HttpContext http, OrdoDatabase db,
            OrderIntake intake, TimeProvider clock, CancellationToken ct) =>
        {
            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer, ct);
            var (text, encoding) = CsvText.Decode(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
            var source = "import-csv:" + shopCode;
            var shop = await db.ReadAsync(s => CatalogueStore.FindShopAsync(s, shopCode), ct);

            // The file as it arrived (decoded), before anything is read from it.
            var fileId = (await db.WriteAsync(s => InboxStore.AddManyAsync(s,
                [new NewInboxItem(source, text, InboxFormat.CsvFile, shop?.Platform.Name(), shop?.Code)], clock.GetUtcNow()), ct))[0];
            async Task<IResult> Refuse(int status, string title, FieldError problem, IReadOnlyList<string>? missing = null)
            {
                await db.WriteAsync(s => InboxStore.MarkAsync(s, fileId, InboxStatus.Rejected, clock.GetUtcNow(),
                    JsonSerializer.Serialize(new[] { problem }, ApiJson.Options), null, IntakeOutcome.Rejected), ct);
                var extra = new Dictionary<string, object?> { ["inboxId"] = fileId };
                if (missing is not null) extra["missingColumns"] = missing;
                return Problems.Result(status, title, $"{problem.Field} {problem.Reason}; the file is kept as inbox item {fileId}", problem.Field, extra: extra);
            }

            if (shop is null)
                return await Refuse(404, "No such shop", new FieldError("shopCode", $"'{shopCode}' is not a shop; create it (POST /api/v1/shops) first"));
            var chosen = string.IsNullOrWhiteSpace(preset) ? CsvPresets.ForPlatform(shop.Platform) : CsvPresets.Find(preset.Trim());
            if (chosen is null)
                return await Refuse(400, "Unknown preset", new FieldError("preset",
                    $"'{preset}' is not a CSV preset; expected one of: {string.Join(", ", CsvPresets.All.Keys)}", preset));
            var (mapping, missing) = CsvOrderMapper.Map(text, chosen, shop.Platform, shop.Code);
            if (mapping is null)
                return await Refuse(400, "Columns missing", new FieldError("columns",
                    $"the header lacks required columns of preset '{chosen.Name}' (and of 'generic'): {string.Join(", ", missing)}"), missing);
            if (mapping.Orders.Count == 0)
                return await Refuse(400, "No orders", new FieldError("rows", "the file has a header but no rows"));
            if (mapping.Orders.Count > OrderIntake.MaxBatch)
                return await Refuse(413, "Import rejected", new FieldError("rows",
                    $"has {mapping.Orders.Count} orders, at most {OrderIntake.MaxBatch} are accepted in one import; split the file"));

            var actor = http.User.ToActor();
            var mapped = mapping.Orders.Where(o => o.Json is not null).ToList();
            var submitted = mapped.Count == 0 ? [] : await intake.SubmitBatchAsync(mapped.Select(o => o.Json!).ToList(), source, actor, ct);
            var byOrder = new Dictionary<CsvOrder, IntakeResult>();
            for (var i = 0; i < mapped.Count; i++) byOrder[mapped[i]] = submitted[i];
            foreach (var order in mapping.Orders.Where(o => o.Json is null))
            {
                var errors = order.Errors.Select(e => new FieldError($"row {e.Row}: {e.Column}", e.Reason, e.Value)).ToList();
                var first = errors[0];
                // Kept with its header and preset, so that it can be corrected and replayed as CSV.
                var kept = await intake.RejectAsync(new NewInboxItem(source, order.Text, InboxFormat.CsvOrder(mapping.Preset.Name), shop.Platform.Name(), shop.Code),
                    first with { Reason = string.Join("; ", errors.Select(e => $"{e.Field} {e.Reason}")) }, ct);
                byOrder[order] = new IntakeResult(kept, IntakeOutcome.Rejected, null, errors);
            }
            await db.WriteAsync(s => InboxStore.MarkAsync(s, fileId, InboxStatus.Accepted, clock.GetUtcNow(), null, null, "imported"), ct);

            var results = mapping.Orders.Select(o => byOrder[o]).ToList();
            return Results.Json(new
            {
                preset = mapping.Preset.Name,
                encoding,
                fileInboxId = fileId,
                total = results.Count,
                created = results.Count(r => r.Outcome == IntakeOutcome.Created),
                updated = results.Count(r => r.Outcome == IntakeOutcome.Updated),
                unchanged = results.Count(r => r.Outcome is IntakeOutcome.Unchanged or IntakeOutcome.Stale),
                held = results.Count(r => r.Order?.Status == OrderStatus.OnHold),
                rejected = results.Count(r => !r.Accepted),
                results = mapping.Orders.Select((o, i) => new
                {
                    index = i,
                    platformOrderId = o.PlatformOrderId,
                    rows = o.Rows,
                    inboxId = results[i].InboxId,
                    outcome = results[i].Outcome,
                    orderNo = results[i].Order?.OrderNo,
                    status = results[i].Order?.Status,
                    holdReasons = results[i].Order?.HoldReasons,
                    errors = results[i].Accepted ? null : results[i].Errors,
                }),
                rowErrors = mapping.Orders.SelectMany(o => o.Errors).OrderBy(e => e.Row)
                    .Select(e => new { row = e.Row, column = e.Column, reason = e.Reason, value = e.Value }),
            }, ApiJson.Options);
        })
        .RequireAuthorization(Permissions.OrdersWrite)
        .WithName("ImportCsvOrders").WithSummary("Take in a shop's order export (CSV) mapped by a preset, with a result per order and errors per row.");
}
