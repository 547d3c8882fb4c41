using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;

namespace Ordo.Data.Privacy;

/// <summary>How a personal-data key encrypts: AES-256-GCM (default) or SM4-GCM (China's GB/T 32907 block cipher in GCM mode).</summary>
public enum PersonalDataAlgorithm { Aes256Gcm, Sm4Gcm }

public static class PersonalDataAlgorithms
{
    public const string Aes = "aes-256-gcm";
    public const string Sm4 = "sm4-gcm";

    public static string Name(this PersonalDataAlgorithm a) => a == PersonalDataAlgorithm.Sm4Gcm ? Sm4 : Aes;

    /// <summary>The short tag written in each ciphertext's header.</summary>
    internal static string Tag(this PersonalDataAlgorithm a) => a == PersonalDataAlgorithm.Sm4Gcm ? "sm4" : "aes";

    public static bool TryParse(string? text, out PersonalDataAlgorithm algorithm)
    {
        algorithm = PersonalDataAlgorithm.Aes256Gcm;
        switch (text?.Trim().ToLowerInvariant())
        {
            case null or "" or Aes or "aes" or "aes256" or "aes-gcm": return true;
            case Sm4 or "sm4": algorithm = PersonalDataAlgorithm.Sm4Gcm; return true;
            default: return false;
        }
    }

    /// <summary>Key length in bytes: 32 for AES-256, 16 for SM4.</summary>
    public static int KeyLength(this PersonalDataAlgorithm a) => a == PersonalDataAlgorithm.Sm4Gcm ? 16 : 32;
}

/// <summary>One named key. Its id is written into every ciphertext made with it, so keys can be rotated.</summary>
public sealed record PersonalDataKey(string Id, PersonalDataAlgorithm Algorithm, byte[] Key)
{
    public static bool IsValidId(string? id) =>
        id is { Length: > 0 and <= 32 } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}

/// <summary>A stored value that cannot be decrypted: an unknown key, or a ciphertext that was altered or cut.</summary>
public sealed class PersonalDataException(string message, Exception? inner = null) : CryptographicException(message, inner);

/// <summary>
/// The keys that encrypt personal data at rest (receiver name, phone, street and address, ID card, raw platform
/// payloads) and the key of the phone's blind index. A ciphertext is
/// <c>pd1:&lt;alg&gt;:&lt;keyId&gt;:&lt;base64(nonce | ciphertext | tag)&gt;</c> (alg <c>aes</c> or <c>sm4</c>), with
/// the header as associated data: the key it names is found among all keys held, so rows written with an older key
/// stay readable while the active key changes and the rotation job re-encrypts them. Text without the prefix is a
/// value written before encryption was introduced and passes through unchanged.
/// Thread-safe: each key keeps one <see cref="AesGcm"/> per thread (an instance may not be used by two at once, and
/// making one per value cost more than encrypting the few fields of an order).
/// </summary>
public sealed class PersonalDataKeyRing
{
    public const string Prefix = "pd1:";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly Dictionary<string, KeyState> _keys;
    private readonly KeyState _active;
    private readonly byte[] _indexKey;

    public PersonalDataKeyRing(IEnumerable<PersonalDataKey> keys, string activeKeyId, byte[] indexKey)
    {
        _keys = new(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            if (!PersonalDataKey.IsValidId(key.Id))
                throw new ArgumentException($"personal-data key id '{key.Id}' must be 1 to 32 letters, digits, '-', '_' or '.'", nameof(keys));
            if (key.Key.Length != key.Algorithm.KeyLength())
                throw new ArgumentException($"personal-data key '{key.Id}' ({key.Algorithm.Name()}) must be {key.Algorithm.KeyLength()} bytes, not {key.Key.Length}", nameof(keys));
            _keys[key.Id] = new KeyState(key);
        }
        _active = _keys.TryGetValue(activeKeyId, out var active)
            ? active
            : throw new ArgumentException($"the active personal-data key '{activeKeyId}' is not among the keys ({string.Join(", ", _keys.Keys)})", nameof(activeKeyId));
        if (indexKey.Length < 32) throw new ArgumentException("the blind-index key must be at least 32 bytes", nameof(indexKey));
        _indexKey = indexKey;
    }

    /// <summary>The key new values are encrypted with.</summary>
    public string ActiveKeyId => _active.Key.Id;
    public PersonalDataAlgorithm ActiveAlgorithm => _active.Key.Algorithm;
    public IReadOnlyCollection<string> KeyIds => _keys.Keys;

    /// <summary>True when <paramref name="text"/> is a ciphertext of this format (whatever its key).</summary>
    public static bool IsEncrypted(string? text) => text is not null && text.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>Encrypts with the active key; null and empty stay as they are (nothing to hide, and a null must read back as null).</summary>
    public string? Encrypt(string? plain)
    {
        if (string.IsNullOrEmpty(plain)) return plain;
        var key = _active;
        var header = key.Header;
        var input = Encoding.UTF8.GetBytes(plain);
        var sealedBytes = new byte[NonceSize + input.Length + TagSize];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        key.Seal(nonce, input, sealedBytes.AsSpan(NonceSize, input.Length), sealedBytes.AsSpan(NonceSize + input.Length, TagSize), key.HeaderBytes);
        return string.Concat(header, Convert.ToBase64String(sealedBytes));
    }

    /// <summary>
    /// Decrypts a value made by <see cref="Encrypt"/> with any key of the ring; text without the prefix (stored before
    /// encryption) is returned as it is. Throws <see cref="PersonalDataException"/> naming the reason when the key is
    /// unknown or the ciphertext was altered: never returns garbage.
    /// </summary>
    public string? Decrypt(string? text)
    {
        if (!IsEncrypted(text)) return text;
        var (tag, keyId, body) = Split(text!);
        if (!_keys.TryGetValue(keyId, out var key))
            throw new PersonalDataException($"personal data was encrypted with key '{keyId}', which this instance does not hold (keys: {string.Join(", ", _keys.Keys)}); configure it under Ordo:PersonalData:Keys");
        if (key.Key.Algorithm.Tag() != tag)
            throw new PersonalDataException($"personal data names algorithm '{tag}' but key '{keyId}' is {key.Key.Algorithm.Name()}");
        byte[] input;
        try { input = Convert.FromBase64String(body); }
        catch (FormatException ex) { throw new PersonalDataException($"personal data encrypted with key '{keyId}' is not valid base64 (altered or cut)", ex); }
        if (input.Length < NonceSize + TagSize) throw new PersonalDataException($"personal data encrypted with key '{keyId}' is too short (cut)");
        var length = input.Length - NonceSize - TagSize;
        var plain = new byte[length];
        try
        {
            key.Open(input.AsSpan(0, NonceSize), input.AsSpan(NonceSize, length), input.AsSpan(NonceSize + length, TagSize), plain, key.HeaderBytes);
        }
        catch (Exception ex) when (ex is CryptographicException or Org.BouncyCastle.Crypto.InvalidCipherTextException)
        {
            throw new PersonalDataException($"personal data encrypted with key '{keyId}' failed authentication: it was altered, or the key with that id is not the one it was made with", ex);
        }
        return Encoding.UTF8.GetString(plain);
    }

    /// <summary>The id of the key a ciphertext was made with; null for plain text.</summary>
    public static string? KeyIdOf(string? text) => IsEncrypted(text) ? Split(text!).KeyId : null;

    private static (string Tag, string KeyId, string Body) Split(string text)
    {
        var algEnd = text.IndexOf(':', Prefix.Length);
        var keyEnd = algEnd < 0 ? -1 : text.IndexOf(':', algEnd + 1);
        if (keyEnd < 0) throw new PersonalDataException("personal data has the encrypted prefix but no algorithm and key id (altered or cut)");
        return (text[Prefix.Length..algEnd], text[(algEnd + 1)..keyEnd], text[(keyEnd + 1)..]);
    }

    /// <summary>
    /// The blind index of a phone number: HMAC-SHA256 with the index key over its digits (a leading +86 / 0086
    /// removed), as 32 hex characters. Equal numbers give equal indexes, so a search finds them by index lookup
    /// without decrypting; the index reveals nothing of the number without the key. Null when there are fewer than 7 digits.
    /// </summary>
    public string? PhoneIndex(string? phone)
    {
        if (NormalizedPhone(phone) is not { } digits) return null;
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_indexKey, Encoding.ASCII.GetBytes(digits), mac);
        return Convert.ToHexStringLower(mac[..16]);
    }

    /// <summary>Digits only, without the China country code; null when fewer than 7 digits remain (not a searchable phone).</summary>
    public static string? NormalizedPhone(string? phone)
    {
        if (string.IsNullOrWhiteSpace(phone)) return null;
        var digits = string.Concat(phone.Where(char.IsAsciiDigit));
        if (digits.Length == 15 && digits.StartsWith("0086", StringComparison.Ordinal)) digits = digits[4..];
        else if (digits.Length == 13 && digits.StartsWith("86", StringComparison.Ordinal)) digits = digits[2..];
        return digits.Length >= 7 ? digits : null;
    }

    private sealed class KeyState
    {
        public KeyState(PersonalDataKey key)
        {
            Key = key;
            Header = $"{Prefix}{key.Algorithm.Tag()}:{key.Id}:";
            HeaderBytes = Encoding.ASCII.GetBytes(Header);
            if (key.Algorithm == PersonalDataAlgorithm.Aes256Gcm)
                _aes = new ThreadLocal<AesGcm>(() => new AesGcm(key.Key, TagSize));
        }

        public PersonalDataKey Key { get; }
        public string Header { get; }
        public byte[] HeaderBytes { get; }
        private readonly ThreadLocal<AesGcm>? _aes;

        public void Seal(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plain, Span<byte> cipher, Span<byte> tag, ReadOnlySpan<byte> aad)
        {
            if (_aes is not null)
            {
                _aes.Value!.Encrypt(nonce, plain, cipher, tag, aad);
                return;
            }
            var gcm = Sm4(true, nonce, aad);
            var output = new byte[plain.Length + TagSize];
            var n = gcm.ProcessBytes(plain.ToArray(), 0, plain.Length, output, 0);
            gcm.DoFinal(output, n);
            output.AsSpan(0, plain.Length).CopyTo(cipher);
            output.AsSpan(plain.Length, TagSize).CopyTo(tag);
        }

        public void Open(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> cipher, ReadOnlySpan<byte> tag, Span<byte> plain, ReadOnlySpan<byte> aad)
        {
            if (_aes is not null)
            {
                _aes.Value!.Decrypt(nonce, cipher, tag, plain, aad);
                return;
            }
            var gcm = Sm4(false, nonce, aad);
            var input = new byte[cipher.Length + TagSize];
            cipher.CopyTo(input);
            tag.CopyTo(input.AsSpan(cipher.Length));
            var output = new byte[cipher.Length];
            var n = gcm.ProcessBytes(input, 0, input.Length, output, 0);
            gcm.DoFinal(output, n);   // checks the tag; throws InvalidCipherTextException when it does not match
            output.CopyTo(plain);
        }

        // BouncyCastle's GCM keeps per-message state, so one is made per value (SM4 is the configurable option, AES the default).
        private GcmBlockCipher Sm4(bool encrypt, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> aad)
        {
            var gcm = new GcmBlockCipher(new SM4Engine());
            gcm.Init(encrypt, new AeadParameters(new KeyParameter(Key.Key), TagSize * 8, nonce.ToArray(), aad.ToArray()));
            return gcm;
        }
    }
}
