using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Ordo.Server.Configuration;

namespace Ordo.Server.Security;

/// <summary>
/// Seals the secrets Ordo keeps for integrations (platform app secrets and access tokens) with AES-256-GCM before they
/// reach the database, and opens them in memory when a call needs them. Sealed text is <c>v1:base64(nonce | ciphertext
/// | tag)</c>; the version prefix leaves room for key rotation. The key comes from <c>Ordo:Secrets:Key</c> (base64 of
/// 32 bytes; every instance on one PostgreSQL needs the same key) or, when none is configured, from
/// <c>{DataDirectory}/secrets.key</c>, created on first use with owner-only permissions.
/// </summary>
public sealed partial class SecretBox
{
    private const string Version = "v1:";
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly byte[] _key;

    public SecretBox(IOptions<OrdoOptions> options, ILogger<SecretBox> log)
    {
        var o = options.Value;
        if (!string.IsNullOrWhiteSpace(o.Secrets.Key))
        {
            _key = Decode(o.Secrets.Key, "Ordo:Secrets:Key");
            return;
        }
        var file = Path.GetFullPath(Path.Combine(o.DataDirectory, "secrets.key"));
        if (File.Exists(file))
        {
            _key = Decode(File.ReadAllText(file).Trim(), file);
            return;
        }
        _key = RandomNumberGenerator.GetBytes(32);
        OwnerOnlyFile.Write(file, Convert.ToBase64String(_key) + Environment.NewLine);
        LogKeyCreated(log, file);
    }

    /// <summary>For tests and tools: a box with a given 32-byte key.</summary>
    public SecretBox(byte[] key) => _key = key.Length == 32 ? key : throw new ArgumentException("the key must be 32 bytes", nameof(key));

    private static byte[] Decode(string base64, string source)
    {
        try
        {
            var key = Convert.FromBase64String(base64);
            if (key.Length == 32) return key;
        }
        catch (FormatException) { }
        throw new InvalidOperationException($"{source} must be the base64 of 32 random bytes (e.g. `openssl rand -base64 32`)");
    }

    public string? Seal(string? plain)
    {
        if (plain is null) return null;
        var data = Encoding.UTF8.GetBytes(plain);
        var output = new byte[NonceSize + data.Length + TagSize];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, data, output.AsSpan(NonceSize, data.Length), output.AsSpan(NonceSize + data.Length, TagSize));
        return Version + Convert.ToBase64String(output);
    }

    /// <summary>Opens sealed text; throws <see cref="CryptographicException"/> when it was sealed with another key or altered.</summary>
    public string? Open(string? sealedText)
    {
        if (sealedText is null) return null;
        if (_opened.TryGetValue(sealedText, out var known)) return known;
        var plainText = OpenUncached(sealedText);
        if (_opened.Count >= MaxOpened) _opened.Clear();
        _opened[sealedText] = plainText;
        return plainText;
    }

    // Opened secrets by their sealed text: a shop's secret is opened for every push and every call to its platform,
    // and the same sealed text always opens to the same secret. Bounded: a few per shop.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _opened = new(StringComparer.Ordinal);
    private const int MaxOpened = 10_000;

    private string OpenUncached(string sealedText)
    {
        if (!sealedText.StartsWith(Version, StringComparison.Ordinal))
            throw new CryptographicException("not a sealed secret (expected the v1: prefix)");
        var input = Convert.FromBase64String(sealedText[Version.Length..]);
        if (input.Length < NonceSize + TagSize) throw new CryptographicException("sealed secret is truncated");
        var length = input.Length - NonceSize - TagSize;
        var plain = new byte[length];
        using var aes = new AesGcm(_key, TagSize);
        aes.Decrypt(input.AsSpan(0, NonceSize), input.AsSpan(NonceSize, length), input.AsSpan(NonceSize + length, TagSize), plain);
        return Encoding.UTF8.GetString(plain);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No Ordo:Secrets:Key configured: created {File} to seal shop secrets. Back it up; every instance on one database needs the same key")]
    private static partial void LogKeyCreated(ILogger logger, string file);
}
