namespace Ordo.Server.Tests.Infrastructure;

/// <summary>
/// Base of the HTTP tests that run on both databases: a host with the contract example's shop and SKU in place.
/// <see cref="Host"/> skips (or, in CI, fails) the test when the host's database is not available here.
/// </summary>
public abstract class CatalogueTestBase(OrdoHost host) : IAsyncLifetime
{
    protected OrdoHost Host { get { host.EnsureAvailable(); return host; } }

    protected bool Available => host.Available;

    public virtual async ValueTask InitializeAsync()
    {
        if (!host.Available) return;
        await host.EnsureShopAsync("douyin", TestOrders.Shop);
        await host.EnsureSkuAsync(TestOrders.Sku);
    }

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
