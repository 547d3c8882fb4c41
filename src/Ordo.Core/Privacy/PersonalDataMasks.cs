namespace Ordo.Core.Privacy;

/// <summary>
/// The masks shown to viewers who may not see a personal field in full. They keep what a person needs to recognise a
/// customer on the phone (the first three and last four digits of a mobile number, the family name, the district)
/// and nothing that identifies them.
/// </summary>
public static class PersonalDataMasks
{
    public const char Star = '*';

    /// <summary><c>13812345678</c> → <c>138****5678</c>; shorter numbers keep only their last four digits.</summary>
    public static string? Phone(string? phone)
    {
        if (string.IsNullOrEmpty(phone)) return phone;
        var p = phone.Trim();
        if (p.Length >= 11) return p[..3] + new string(Star, p.Length - 7) + p[^4..];
        if (p.Length > 4) return new string(Star, p.Length - 4) + p[^4..];
        return new string(Star, p.Length);
    }

    /// <summary><c>张三</c> → <c>张*</c>, <c>欧阳娜娜</c> → <c>欧***</c>: the first character and one star per other character (at most three).</summary>
    public static string? Name(string? name)
    {
        if (string.IsNullOrEmpty(name)) return name;
        var text = name.Trim();
        var chars = System.Globalization.StringInfo.ParseCombiningCharacters(text);
        if (chars.Length <= 1) return Star.ToString();
        var first = System.Globalization.StringInfo.GetNextTextElement(text, 0);
        return first + new string(Star, Math.Min(3, chars.Length - 1));
    }

    /// <summary>An 18-character ID-card number → <c>1****************2</c>: only the first and last characters stay.</summary>
    public static string? IdCard(string? idCard)
    {
        if (string.IsNullOrEmpty(idCard)) return idCard;
        var t = idCard.Trim();
        return t.Length <= 2 ? new string(Star, t.Length) : t[0] + new string(Star, t.Length - 2) + t[^1];
    }

    /// <summary>What replaces a street or detailed address below district level.</summary>
    public const string HiddenDetail = "****";

    /// <summary>
    /// Masks the receiver's personal fields to what <paramref name="access"/> allows. Province, city and district are
    /// always kept (customer service needs them); the street, detailed address and postal code go with the address.
    /// </summary>
    public static Orders.Receiver? Receiver(Orders.Receiver? r, PersonalDataAccess access)
    {
        if (r is null) return null;
        return r with
        {
            Name = Apply(r.Name, access.Name, Name),
            Phone = Apply(r.Phone, access.Phone, Phone),
            Street = access.Address == FieldAccess.Full ? r.Street : string.IsNullOrEmpty(r.Street) ? r.Street : access.Address == FieldAccess.Masked ? HiddenDetail : null,
            Address = access.Address == FieldAccess.Full ? r.Address : string.IsNullOrEmpty(r.Address) ? r.Address : access.Address == FieldAccess.Masked ? HiddenDetail : null,
            PostalCode = access.Address == FieldAccess.Full ? r.PostalCode : null,
            IdCard = Apply(r.IdCard, access.IdCard, IdCard),
        };
    }

    private static string? Apply(string? value, FieldAccess access, Func<string?, string?> mask) => access switch
    {
        FieldAccess.Full => value,
        FieldAccess.Masked => mask(value),
        _ => null,
    };
}
