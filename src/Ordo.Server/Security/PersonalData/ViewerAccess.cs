using System.Security.Claims;
using Ordo.Core.Orders;
using Ordo.Core.Privacy;

namespace Ordo.Server.Security.PersonalData;

/// <summary>
/// Who is looking and what they may see of personal data: the API, the console and exports all ask here, so every
/// surface masks the same way. A viewer's access is the union of what their roles' permissions open
/// (<see cref="Permissions.PersonalDataAccessOf"/>); masking itself is the pure <see cref="PersonalDataMasks"/>.
/// </summary>
public static class ViewerAccess
{
    /// <summary>What the signed-in user or API key may see (roles from its <see cref="ClaimTypes.Role"/> claims).</summary>
    public static PersonalDataAccess Of(ClaimsPrincipal user) =>
        Permissions.PersonalDataAccessOf(Roles.PermissionsOf(user));

    /// <summary>What a webhook subscriber receives: everything when cleared for personal data, else the least anyone sees.</summary>
    public static PersonalDataAccess OfSubscriber(bool full) => full ? PersonalDataAccess.Everything : PersonalDataAccess.MaskedOnly;

    /// <summary>
    /// The platform's masks and ciphertext of the receiver, as far as <paramref name="access"/> allows: a mask is shown
    /// to whoever may see the field at all; the platform's ciphertext (which the platform decrypts for a caller with
    /// the shop's credentials) only to whoever may see the field in full.
    /// </summary>
    public static ReceiverPrivacy? Mask(ReceiverPrivacy? p, PersonalDataAccess access)
    {
        if (p is null) return null;
        var masked = new ReceiverPrivacy(
            access.Name == FieldAccess.Hidden ? null : p.MaskedName,
            access.Phone == FieldAccess.Hidden ? null : p.MaskedPhone,
            access.Address == FieldAccess.Hidden ? null : p.MaskedAddress,
            access.Name == FieldAccess.Full ? p.EncryptedName : null,
            access.Phone == FieldAccess.Full ? p.EncryptedPhone : null,
            access.Address == FieldAccess.Full ? p.EncryptedAddress : null);
        return masked.IsEmpty ? null : masked;
    }

    /// <summary>
    /// The personal fields of <paramref name="receiver"/> that <paramref name="access"/> shows in full and that hold a
    /// value: what a <c>pii.view</c> audit entry lists (a view that shows nothing personal in full is not audited).
    /// </summary>
    public static IEnumerable<string> FullFieldsShown(Receiver? receiver, PersonalDataAccess access)
    {
        if (receiver is null) yield break;
        if (access.Name == FieldAccess.Full && !string.IsNullOrEmpty(receiver.Name)) yield return "name";
        if (access.Phone == FieldAccess.Full && !string.IsNullOrEmpty(receiver.Phone)) yield return "phone";
        if (access.Address == FieldAccess.Full && (!string.IsNullOrEmpty(receiver.Address) || !string.IsNullOrEmpty(receiver.Street))) yield return "address";
        if (access.IdCard == FieldAccess.Full && !string.IsNullOrEmpty(receiver.IdCard)) yield return "idCard";
    }
}
