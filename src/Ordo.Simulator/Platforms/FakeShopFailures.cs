namespace Ordo.Simulator.Platforms;

public static class FakeShopFailures
{
    /// <summary>
    /// Counts <see cref="FakeShop.FailNextShipments"/> down by one if it is above zero and says whether it was, so that
    /// concurrent write-backs fail exactly as many times as asked.
    /// </summary>
    public static bool TakeShipmentFailure(this FakeShop shop) => Take(ref shop.FailNextShipments);

    /// <summary>As <see cref="TakeShipmentFailure"/>, for <see cref="FakeShop.FailNextStockUpdates"/>.</summary>
    public static bool TakeStockUpdateFailure(this FakeShop shop) => Take(ref shop.FailNextStockUpdates);

    private static bool Take(ref int counter)
    {
        int current;
        while ((current = Volatile.Read(ref counter)) > 0)
            if (Interlocked.CompareExchange(ref counter, current - 1, current) == current) return true;
        return false;
    }
}
