namespace Ordo.Core.Orders;

/// <summary>
/// The shape of a resident ID-card number (GB 11643): 18 characters, 17 digits and a check character (a digit or X),
/// or the first-generation 15 digits. Only the shape is checked, not the check character: a platform or customs
/// system that holds a number with a wrong check digit still needs it carried unchanged.
/// </summary>
public static class IdCards
{
    public static bool IsWellFormed(string? idCard) => idCard switch
    {
        { Length: 18 } s => s.AsSpan(0, 17).IndexOfAnyExceptInRange('0', '9') < 0 && (char.IsAsciiDigit(s[17]) || s[17] is 'X' or 'x'),
        { Length: 15 } s => s.AsSpan().IndexOfAnyExceptInRange('0', '9') < 0,
        _ => false,
    };
}
