using System.Security.Cryptography;
using System.Text;

namespace Ordo.Core.Channels;

/// <summary>
/// Request and push signatures the platforms document, in one place so every adapter uses the same implementation.
/// Comparisons of received signatures are constant-time.
/// </summary>
public static class Signing
{
    /// <summary>
    /// TOP (Taobao), JOS (JD) and Pinduoduo request signing: <c>upper(md5hex(secret + k1 + v1 + k2 + v2 … + secret))</c>
    /// over the parameters sorted by name (ordinal), without the <c>sign</c> parameter itself and without empty names.
    /// </summary>
    public static string SortedParamsMd5(IEnumerable<KeyValuePair<string, string>> parameters, string secret)
    {
        var text = new StringBuilder(secret);
        foreach (var (k, v) in parameters.Where(p => p.Key.Length > 0 && p.Key != "sign").OrderBy(p => p.Key, StringComparer.Ordinal))
            text.Append(k).Append(v);
        text.Append(secret);
        return Md5Hex(text.ToString()).ToUpperInvariant();
    }

    /// <summary>Lower-case hex MD5 of the UTF-8 bytes of <paramref name="text"/>.</summary>
    public static string Md5Hex(string text) => Md5Hex(Encoding.UTF8.GetBytes(text));

    public static string Md5Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(MD5.HashData(bytes));

    /// <summary>Lower-case hex MD5 of <paramref name="prefix"/> + raw body bytes + <paramref name="suffix"/> (Douyin and Youzan push signatures).</summary>
    public static string Md5Hex(string prefix, ReadOnlySpan<byte> body, string suffix)
    {
        var pre = Encoding.UTF8.GetBytes(prefix);
        var post = Encoding.UTF8.GetBytes(suffix);
        var all = new byte[pre.Length + body.Length + post.Length];
        pre.CopyTo(all, 0);
        body.CopyTo(all.AsSpan(pre.Length));
        post.CopyTo(all, pre.Length + body.Length);
        return Md5Hex(all);
    }

    /// <summary>base64(HMAC-SHA256(secret, body)): Shopify and WooCommerce webhook signatures.</summary>
    public static string HmacSha256Base64(string secret, ReadOnlySpan<byte> body) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    /// <summary>Constant-time comparison of two signatures as text (hex compared case-insensitively when <paramref name="ignoreCase"/>).</summary>
    public static bool SameSignature(string? received, string expected, bool ignoreCase = false)
    {
        if (received is null) return false;
        var a = Encoding.ASCII.GetBytes(ignoreCase ? received.Trim().ToLowerInvariant() : received.Trim());
        var b = Encoding.ASCII.GetBytes(ignoreCase ? expected.ToLowerInvariant() : expected);
        return CryptographicOperations.FixedTimeEquals(a, b);
    }
}
