using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Ordo.Data;
using Ordo.Data.Security;

namespace Ordo.Server.Security.Users;

/// <summary>
/// The authenticator (TOTP, RFC 6238: HMAC-SHA1, 30-second steps, 6 digits) as Identity's own provider checks it,
/// with one difference: each code is accepted once. Identity's provider accepts the same code again for as long as it
/// is current, so the code just typed to sign in would also pass an export's "fresh" second-factor check. Here the
/// step of the accepted code is recorded (<see cref="UserStore.TryUseTotpStepAsync"/>) and that step and earlier
/// ones are refused afterwards. Written by hand because Identity's TOTP and base-32 helpers are internal.
/// </summary>
public sealed class SingleUseAuthenticatorTokenProvider(OrdoDatabase database, TimeProvider clock) : IUserTwoFactorTokenProvider<OrdoUser>
{
    private const int StepSeconds = 30;
    /// <summary>Steps accepted either side of now, as Identity's provider accepts (clock drift, typing time).</summary>
    private const int Tolerance = 2;

    public async Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<OrdoUser> manager, OrdoUser user) =>
        !string.IsNullOrWhiteSpace(await manager.GetAuthenticatorKeyAsync(user));

    /// <summary>Codes come from the person's authenticator app, never from Ordo.</summary>
    public Task<string> GenerateAsync(string purpose, UserManager<OrdoUser> manager, OrdoUser user) => Task.FromResult(string.Empty);

    public async Task<bool> ValidateAsync(string purpose, string token, UserManager<OrdoUser> manager, OrdoUser user)
    {
        var code = token.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        if (code.Length != 6 || !code.All(char.IsAsciiDigit)) return false;
        var key = await manager.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrWhiteSpace(key) || Base32Decode(key) is not { Length: > 0 } secret) return false;

        var now = clock.GetUtcNow().ToUnixTimeSeconds() / StepSeconds;
        for (var step = now - Tolerance; step <= now + Tolerance; step++)
        {
            if (!CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(Code(secret, step)), System.Text.Encoding.ASCII.GetBytes(code)))
                continue;
            return await database.WriteAsync(s => UserStore.TryUseTotpStepAsync(s, user.Id, step));
        }
        return false;
    }

    internal static string Code(byte[] secret, long step)
    {
        Span<byte> counter = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(counter, step);
        Span<byte> hash = stackalloc byte[20];
        HMACSHA1.HashData(secret, counter, hash);
        var offset = hash[^1] & 0x0F;
        var binary = ((hash[offset] & 0x7F) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return (binary % 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
    }

    /// <summary>RFC 4648 base 32 (A–Z, 2–7), case and spaces ignored; null when a character is not in the alphabet.</summary>
    internal static byte[]? Base32Decode(string text)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var output = new List<byte>(text.Length * 5 / 8);
        int buffer = 0, bits = 0;
        foreach (var c in text)
        {
            if (c is ' ' or '=') continue;
            var value = alphabet.IndexOf(char.ToUpperInvariant(c), StringComparison.Ordinal);
            if (value < 0) return null;
            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                output.Add((byte)(buffer >> bits));
                buffer &= (1 << bits) - 1;
            }
        }
        return [.. output];
    }
}
