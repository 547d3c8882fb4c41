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
    /// <summary>The receiver's plain values only; a masked or encrypted value is never put here (see <see cref="ReceiverPrivacy"/>).</summary>
    public Receiver? Receiver { get; init; }
    /// <summary>Masked copies and ciphertext of the receiver's personal data, as the platform sent them.</summary>
    public ReceiverPrivacy? ReceiverPrivacy { get; init; }
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

    /// <summary>Last four digits of the receiver's phone, from the plain phone or else a masked one (138****5678), for search.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? PhoneLast4 => Receiver?.PhoneLast4 ?? Orders.Receiver.LastFourDigits(ReceiverPrivacy?.MaskedPhone);

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
    public string? PhoneLast4 => LastFourDigits(Phone);

    /// <summary>
    /// The receiver's resident ID-card number (居民身份证号), which customs needs for cross-border orders: 18 characters
    /// (or the old 15), digits with a final check character that may be X. Null for ordinary orders.
    /// </summary>
    public string? IdCard { get; init; }

    public static string? LastFourDigits(string? phone) =>
        phone is { Length: >= 4 } p && p[^4..].All(char.IsAsciiDigit) ? p[^4..] : null;
}

/// <summary>
/// Personal data of the receiver that the platform only gave masked (<c>138****5678</c>) or encrypted (platform
/// ciphertext, decryptable through the platform's API with the order's privacy id). Kept apart from
/// <see cref="Receiver"/> so that a mask is never taken for the real value.
/// </summary>
public sealed record ReceiverPrivacy(
    string? MaskedName = null, string? MaskedPhone = null, string? MaskedAddress = null,
    string? EncryptedName = null, string? EncryptedPhone = null, string? EncryptedAddress = null)
{
    public bool IsEmpty => this == new ReceiverPrivacy();
}

public sealed record OrderLine(
    string? PlatformSkuId, string? Sku, string Title, int Quantity, decimal UnitPrice, decimal Discount);

public sealed record OrderAmounts(decimal Goods, decimal Freight, decimal Discount, decimal Paid);
