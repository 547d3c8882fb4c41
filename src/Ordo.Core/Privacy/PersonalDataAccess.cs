namespace Ordo.Core.Privacy;

/// <summary>How much of one personal field a viewer may see.</summary>
public enum FieldAccess
{
    /// <summary>Not shown at all (not even masked).</summary>
    Hidden = 0,
    /// <summary>Shown masked: <c>138****5678</c>, <c>张*</c>, an address to district level.</summary>
    Masked = 1,
    /// <summary>Shown as stored. Every such view is audited.</summary>
    Full = 2,
}

/// <summary>
/// What a viewer may see of a receiver's personal data, field by field. Derived from the viewer's permissions (see
/// the server's <c>Roles</c>); the masking itself is <see cref="PersonalDataMasks"/>. Pure, so the whole matrix of
/// roles × fields is tested without a server.
/// </summary>
public sealed record PersonalDataAccess(FieldAccess Name, FieldAccess Phone, FieldAccess Address, FieldAccess IdCard)
{
    /// <summary>The least anyone who may read orders sees: masked name and phone, the address to district level, a masked ID card.</summary>
    public static PersonalDataAccess MaskedOnly { get; } = new(FieldAccess.Masked, FieldAccess.Masked, FieldAccess.Masked, FieldAccess.Masked);

    /// <summary>Everything as stored.</summary>
    public static PersonalDataAccess Everything { get; } = new(FieldAccess.Full, FieldAccess.Full, FieldAccess.Full, FieldAccess.Full);

    /// <summary>True when at least one field is shown in full: such a view is audited.</summary>
    public bool AnyFull => Name == FieldAccess.Full || Phone == FieldAccess.Full || Address == FieldAccess.Full || IdCard == FieldAccess.Full;

    /// <summary>Field by field, the more open of the two (a viewer with several roles sees what any of them may).</summary>
    public PersonalDataAccess Union(PersonalDataAccess other) =>
        new(Max(Name, other.Name), Max(Phone, other.Phone), Max(Address, other.Address), Max(IdCard, other.IdCard));

    private static FieldAccess Max(FieldAccess a, FieldAccess b) => a >= b ? a : b;
}
