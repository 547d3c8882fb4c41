namespace Ordo.Simulator.Platforms;

public static class FakeShopFailures
{
    /// <summary>
    /// Counts <see cref="FakeShop.FailNextShipments"/> down by one if it is above zero and says whether it was, so that
    /// concurrent write-backs fail exactly as many times as asked.
    /// </summary>
    public static bool TakeShipmentFailure(this FakeShop shop)
    {
        int current;
        while ((current = Volatile.Read(ref shop.FailNextShipments)) > 0)
            if (Interlocked.CompareExchange(ref shop.FailNextShipments, current - 1, current) == current) return true;
        return false;
    }
}
