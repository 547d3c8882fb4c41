namespace Ordo.Core.Orders;

/// <summary>
/// An order as every channel adapter translates it: the one format the rest of Ordo sees. Money is in the order's
/// currency with two decimals (yuan for CNY); instants are UTC. Personal data is kept exactly as the platform sent it
/// (plain, masked or ciphertext) together with the platform's privacy ids, so it can be decrypted later.
/// </summary>
public sealed record CanonicalOrder
{
    public required Platform Platform { get; init; }
    public required string ShopCode { get; init; }
    public required string PlatformOrderId { get; init; }
    public required OrderStatus Status { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? PaidAt { get; init; }
    /// <summary>The platform's own last-modified time: the version used to refuse out-of-order updates.</summary>
    public DateTimeOffset? PlatformModifiedAt { get; init; }
    public required string Currency { get; init; }
    public Buyer? Buyer { get; init; }
    public Receiver? Receiver { get; init; }
    /// <summary>Taobao/JD open address id for decrypting the receiver through the platform.</summary>
    public string? Oaid { get; init; }
    /// <summary>Douyin's <c>open_address_id</c>.</summary>
    public string? OpenAddressId { get; init; }
    public required IReadOnlyList<OrderLine> Lines { get; init; }
    public required OrderAmounts Amounts { get; init; }
    public string BuyerMessage { get; init; } = "";
    public string SellerMemo { get; init; } = "";
    public IReadOnlyList<string> Tags { get; init; } = [];
    /// <summary>0 (normal) to 9 (most urgent).</summary>
    public int Priority { get; init; }

    /// <summary>True when both carry the same data (records compare lists by reference, so lists are compared here).</summary>
    public bool SameDataAs(CanonicalOrder other) =>
        this with { Lines = [], Tags = [] } == other with { Lines = [], Tags = [] }
        && Lines.SequenceEqual(other.Lines) && Tags.SequenceEqual(other.Tags);
}

public sealed record Buyer(string? Nick, string? PlatformBuyerId);

public sealed record Receiver(
    string? Name, string? Phone, string? Province, string? City, string? District, string? Street, string? Address, string? PostalCode)
{
    /// <summary>Last four digits of the phone, for search; null when the phone is masked or missing.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? PhoneLast4 =>
        Phone is { Length: >= 4 } p && p[^4..].All(char.IsAsciiDigit) ? p[^4..] : null;
}

public sealed record OrderLine(
    string? PlatformSkuId, string? Sku, string Title, int Quantity, decimal UnitPrice, decimal Discount);

public sealed record OrderAmounts(decimal Goods, decimal Freight, decimal Discount, decimal Paid);
