using Ordo.Core.Orders;

namespace Ordo.Data.Privacy;

/// <summary>
/// Which of a receiver's fields are encrypted at rest: name, phone, street, detailed address and ID card. Province,
/// city, district and postal code stay in clear (routing to warehouses and reports by region need them, and they do
/// not identify a person), as do the platform's own masks and ciphertext in <see cref="ReceiverPrivacy"/>.
/// </summary>
public static class ReceiverEncryption
{
    public static Receiver? Encrypt(PersonalDataKeyRing ring, Receiver? r) => r is null ? null : r with
    {
        Name = ring.Encrypt(r.Name),
        Phone = ring.Encrypt(r.Phone),
        Street = ring.Encrypt(r.Street),
        Address = ring.Encrypt(r.Address),
        IdCard = ring.Encrypt(r.IdCard),
    };

    /// <summary>Plain values (rows written before encryption) pass through; see <see cref="PersonalDataKeyRing.Decrypt"/>.</summary>
    public static Receiver? Decrypt(PersonalDataKeyRing? ring, Receiver? r)
    {
        if (r is null || !AnyEncrypted(r)) return r;
        if (ring is null) throw new PersonalDataException("this order's personal data is encrypted but no personal-data keys are configured here");
        return r with
        {
            Name = ring.Decrypt(r.Name),
            Phone = ring.Decrypt(r.Phone),
            Street = ring.Decrypt(r.Street),
            Address = ring.Decrypt(r.Address),
            IdCard = ring.Decrypt(r.IdCard),
        };
    }

    private static bool AnyEncrypted(Receiver r) =>
        PersonalDataKeyRing.IsEncrypted(r.Name) || PersonalDataKeyRing.IsEncrypted(r.Phone) || PersonalDataKeyRing.IsEncrypted(r.Street)
        || PersonalDataKeyRing.IsEncrypted(r.Address) || PersonalDataKeyRing.IsEncrypted(r.IdCard);

    /// <summary>The order state as stored: its receiver encrypted with the ring's active key (unchanged without a ring).</summary>
    public static OrderState ForStorage(PersonalDataKeyRing? ring, OrderState st) =>
        ring is null || st.Data.Receiver is null ? st : st with { Data = st.Data with { Receiver = Encrypt(ring, st.Data.Receiver) } };

    /// <summary>The order state as read: its receiver decrypted.</summary>
    public static OrderState FromStorage(PersonalDataKeyRing? ring, OrderState st) =>
        st.Data.Receiver is not { } r || !AnyEncrypted(r) ? st : st with { Data = st.Data with { Receiver = Decrypt(ring, r) } };
}
