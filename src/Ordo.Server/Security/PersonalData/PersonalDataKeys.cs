using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ordo.Data.Privacy;
using Ordo.Server.Configuration;

namespace Ordo.Server.Security.PersonalData;

/// <summary>
/// <c>Ordo:PersonalData</c>: the keys that encrypt personal data at rest. Every instance on one PostgreSQL database
/// needs the same keys (and index key), or it cannot read what the others wrote nor find phones they indexed.
/// </summary>
public sealed class PersonalDataOptions
{
    public const string Section = "Ordo:PersonalData";

    /// <summary><c>aes-256-gcm</c> (default) or <c>sm4-gcm</c>: the algorithm of a generated key file, and of configured keys that name none.</summary>
    public string? Algorithm { get; set; }
    /// <summary>The id of the key new values are encrypted with (may be left out when only one key is configured).</summary>
    public string? ActiveKey { get; set; }
    /// <summary>Keys by id: <c>Key</c> is the base64 of 32 random bytes (AES-256) or 16 (SM4), <c>Algorithm</c> as above.</summary>
    public Dictionary<string, KeyOptions> Keys { get; set; } = [];
    /// <summary>Base64 of at least 32 random bytes: the HMAC key of the phone's blind index. Required with <see cref="Keys"/>; never change it (the index would have to be rebuilt).</summary>
    public string? IndexKey { get; set; }
    /// <summary>The key file used when no keys are configured; default <c>{DataDirectory}/personal-data.keys</c>.</summary>
    public string? KeyFile { get; set; }

    public sealed class KeyOptions
    {
        public string? Key { get; set; }
        public string? Algorithm { get; set; }
    }
}

/// <summary>
/// Makes the key ring from configuration, or from the key file (created on first start, owner-only, like the shop
/// secrets' <c>secrets.key</c>). Throws with the setting to fix when the keys are unusable: Ordo must not start
/// and write personal data it could not read back.
/// </summary>
public static class PersonalDataKeys
{
    public const string DefaultFileName = "personal-data.keys";

    /// <summary>The ring, and the key file this call created (null when it read configuration or an existing file).</summary>
    public static (PersonalDataKeyRing Ring, string? CreatedFile) Load(IConfiguration configuration, OrdoOptions ordo)
    {
        var options = configuration.GetSection(PersonalDataOptions.Section).Get<PersonalDataOptions>() ?? new PersonalDataOptions();
        if (!PersonalDataAlgorithms.TryParse(options.Algorithm, out var defaultAlgorithm))
            throw new InvalidOperationException($"{PersonalDataOptions.Section}:Algorithm '{options.Algorithm}' is not supported; use {PersonalDataAlgorithms.Aes} or {PersonalDataAlgorithms.Sm4}");
        if (options.Keys.Count > 0)
        {
            var keys = options.Keys.Select(k => Key(k.Key, k.Value.Algorithm, k.Value.Key, defaultAlgorithm, $"{PersonalDataOptions.Section}:Keys:{k.Key}")).ToList();
            var active = options.ActiveKey ?? (keys.Count == 1 ? keys[0].Id
                : throw new InvalidOperationException($"{PersonalDataOptions.Section}:ActiveKey must name one of the keys ({string.Join(", ", options.Keys.Keys)})"));
            if (string.IsNullOrWhiteSpace(options.IndexKey))
                throw new InvalidOperationException($"{PersonalDataOptions.Section}:IndexKey must be set with the keys (base64 of 32 random bytes, e.g. `openssl rand -base64 32`), the same on every instance");
            return (Ring(keys, active, Bytes(options.IndexKey, 32, null, $"{PersonalDataOptions.Section}:IndexKey")), null);
        }

        var file = Path.GetFullPath(options.KeyFile ?? Path.Combine(ordo.DataDirectory, DefaultFileName));
        if (File.Exists(file)) return (FromFile(file, options.ActiveKey), null);
        var created = NewFile(defaultAlgorithm);
        // Created exclusively: a second instance starting at the same moment on the same directory reads the file the
        // first wrote instead of overwriting it.
        try
        {
            OwnerOnlyFile.Write(file, created.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), createNew: true);
        }
        catch (IOException) when (File.Exists(file))
        {
            return (FromFile(file, options.ActiveKey), null);
        }
        return (FromFile(file, options.ActiveKey), file);
    }

    private static JsonObject NewFile(PersonalDataAlgorithm algorithm) => new()
    {
        ["activeKey"] = "k1",
        ["indexKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        ["keys"] = new JsonObject
        {
            ["k1"] = new JsonObject
            {
                ["algorithm"] = algorithm.Name(),
                ["key"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(algorithm.KeyLength())),
            },
        },
    };

    /// <summary>
    /// The key file: <c>{"activeKey": "k1", "indexKey": "…", "keys": {"k1": {"algorithm": "aes-256-gcm", "key": "…"}}}</c>.
    /// To rotate, add a key and change <c>activeKey</c> (or set <c>Ordo:PersonalData:ActiveKey</c>), then restart.
    /// </summary>
    private static PersonalDataKeyRing FromFile(string file, string? activeOverride)
    {
        JsonObject json;
        try { json = JsonNode.Parse(File.ReadAllText(file))?.AsObject() ?? throw new JsonException("empty"); }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            throw new InvalidOperationException($"{file} is not a personal-data key file (JSON with activeKey, indexKey and keys): {ex.Message}", ex);
        }
        var keys = (json["keys"] as JsonObject ?? throw new InvalidOperationException($"{file} has no \"keys\" object"))
            .Select(k => Key(k.Key, k.Value?["algorithm"]?.GetValue<string>(), k.Value?["key"]?.GetValue<string>(), PersonalDataAlgorithm.Aes256Gcm, $"{file}: keys.{k.Key}"))
            .ToList();
        var active = activeOverride ?? json["activeKey"]?.GetValue<string>() ?? throw new InvalidOperationException($"{file} has no \"activeKey\"");
        return Ring(keys, active, Bytes(json["indexKey"]?.GetValue<string>(), 32, null, $"{file}: indexKey"));
    }

    private static PersonalDataKey Key(string id, string? algorithmText, string? base64, PersonalDataAlgorithm defaultAlgorithm, string source)
    {
        if (!PersonalDataKey.IsValidId(id)) throw new InvalidOperationException($"{source}: a key id must be 1 to 32 letters, digits, '-', '_' or '.'");
        var algorithm = defaultAlgorithm;
        if (algorithmText is not null && !PersonalDataAlgorithms.TryParse(algorithmText, out algorithm))
            throw new InvalidOperationException($"{source}: algorithm '{algorithmText}' is not supported; use {PersonalDataAlgorithms.Aes} or {PersonalDataAlgorithms.Sm4}");
        return new PersonalDataKey(id, algorithm, Bytes(base64, algorithm.KeyLength(), algorithm.KeyLength(), source));
    }

    private static byte[] Bytes(string? base64, int min, int? exactly, string source)
    {
        var expected = exactly is { } n ? $"{n} random bytes" : $"at least {min} random bytes";
        try
        {
            var bytes = Convert.FromBase64String(base64 ?? "");
            if (bytes.Length >= min && (exactly is null || bytes.Length == exactly)) return bytes;
        }
        catch (FormatException) { }
        throw new InvalidOperationException($"{source} must be the base64 of {expected} (e.g. `openssl rand -base64 {exactly ?? min}`)");
    }

    private static PersonalDataKeyRing Ring(List<PersonalDataKey> keys, string active, byte[] indexKey)
    {
        try { return new PersonalDataKeyRing(keys, active, indexKey); }
        catch (ArgumentException ex) { throw new InvalidOperationException(ex.Message, ex); }
    }
}
