using Ordo.Core.Orders;

namespace Ordo.Server.Features.Orders;

public static class OrderNumberRoute
{
    /// <summary>Checks an order number taken from a URL; the problem names what is wrong (length, check character…).</summary>
    public static bool TryRead(string text, out OrderNo orderNo, out IResult? problem)
    {
        if (OrderNo.TryParse(text, out orderNo, out var error)) { problem = null; return true; }
        problem = Problems.Result(400, "Malformed order number", error, "orderNo");
        return false;
    }
}
