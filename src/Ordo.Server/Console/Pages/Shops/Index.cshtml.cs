using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Ordo.Data;
using Ordo.Data.Catalogue;
using Ordo.Data.Channels;
using Ordo.Server.Channels;
using Ordo.Server.Security;

namespace Ordo.Server.Console.Pages.Shops;

/// <summary>/shops: every shop with its pull health (last pull, last error), its last push and, for push feeds, this instance's connection.</summary>
[Authorize(Policy = Permissions.CatalogueWrite)]
public sealed class IndexModel(OrdoDatabase db, IEnumerable<IPushTransport> transports) : PageModel
{
    public sealed record Row(Shop Shop, ShopSync? Sync, PushAttempt? LastPush, PushConnectionHealth? Feed);

    public IReadOnlyList<Row> Rows { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var feeds = transports.SelectMany(t => t.Health()).ToList();
        Rows = await db.ReadAsync(async s =>
        {
            var shops = await CatalogueStore.ListShopsAsync(s);
            var syncs = (await SyncStore.ListAsync(s)).ToDictionary(x => x.ShopCode);
            var rows = new List<Row>(shops.Count);
            foreach (var shop in shops)
            {
                var lastPush = shop.PushEnabled ? (await PushAttemptStore.ListAsync(s, shop.Code, null, 1)).FirstOrDefault() : null;
                rows.Add(new Row(shop, syncs.GetValueOrDefault(shop.Code), lastPush, feeds.FirstOrDefault(f => f.Shops.Contains(shop.Code))));
            }
            return rows;
        }, ct);
    }
}
