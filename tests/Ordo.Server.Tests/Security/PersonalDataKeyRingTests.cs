using Microsoft.Extensions.Configuration;
using System.Security.Cryptography;
using Ordo.Data.Privacy;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;
using Shouldly;

namespace Ordo.Server.Tests.Security;

/// <summary>The key ring alone: both algorithms, several keys, tampering, the blind index.</summary>
public sealed class PersonalDataKeyRingTests
{
    private static readonly byte[] IndexKey = RandomNumberGenerator.GetBytes(32);

    private static PersonalDataKeyRing Ring(string active, params PersonalDataKey[] keys) => new(keys, active, IndexKey);
    private static PersonalDataKey Aes(string id) => new(id, PersonalDataAlgorithm.Aes256Gcm, RandomNumberGenerator.GetBytes(32));
    private static PersonalDataKey Sm4(string id) => new(id, PersonalDataAlgorithm.Sm4Gcm, RandomNumberGenerator.GetBytes(16));

    [Fact]
    public void Sm4_gives_the_standards_test_vector()
    {
        // GB/T 32907-2016, appendix A.1: key = plaintext = 0123456789abcdeffedcba9876543210.
        var key = Convert.FromHexString("0123456789abcdeffedcba9876543210");
        var engine = new SM4Engine();
        engine.Init(true, new KeyParameter(key));
        var output = new byte[16];
        engine.ProcessBlock(key, 0, output, 0);
        Convert.ToHexStringLower(output).ShouldBe("681edf34d206965e86b3e94f536e4246");
    }

    [Theory]
    [InlineData(PersonalDataAlgorithm.Aes256Gcm, "pd1:aes:k1:")]
    [InlineData(PersonalDataAlgorithm.Sm4Gcm, "pd1:sm4:k1:")]
    public void Values_round_trip_and_name_their_algorithm_and_key(PersonalDataAlgorithm algorithm, string header)
    {
        var ring = Ring("k1", algorithm == PersonalDataAlgorithm.Sm4Gcm ? Sm4("k1") : Aes("k1"));
        foreach (var plain in new[] { "张三", "13800138000", "浙江省杭州市西湖区文三路 100 号 3 幢 2 单元", "11010519491231002X", "x" })
        {
            var sealedText = ring.Encrypt(plain)!;
            sealedText.ShouldStartWith(header);
            if (plain.Length > 3) sealedText.ShouldNotContain(plain);
            ring.Decrypt(sealedText).ShouldBe(plain);
            ring.Encrypt(plain).ShouldNotBe(sealedText);   // a fresh nonce each time
        }
        ring.Encrypt(null).ShouldBeNull();
        ring.Encrypt("").ShouldBe("");
    }

    [Fact]
    public void Plain_text_stored_before_encryption_passes_through() =>
        Ring("k1", Aes("k1")).Decrypt("张三").ShouldBe("张三");

    [Fact]
    public void A_ring_reads_values_of_every_key_it_holds_and_writes_with_the_active_one()
    {
        var k1 = Aes("k1");
        var s2 = Sm4("s2");
        var old = Ring("k1", k1).Encrypt("13800138000");
        var rotated = Ring("s2", k1, s2);
        rotated.Decrypt(old).ShouldBe("13800138000");
        PersonalDataKeyRing.KeyIdOf(rotated.Encrypt("13800138000")).ShouldBe("s2");
        Should.Throw<PersonalDataException>(() => Ring("s2", s2).Decrypt(old)).Message.ShouldContain("'k1'");
    }

    [Fact]
    public void Altered_ciphertext_is_a_clear_error_never_garbage()
    {
        var ring = Ring("k1", Aes("k1"), Sm4("s1"));
        foreach (var sealedText in new[] { ring.Encrypt("13800138000")!, Ring("s1", Aes("k1"), Sm4("s1")).Encrypt("13800138000")! })
        {
            var body = Convert.FromBase64String(sealedText[(sealedText.LastIndexOf(':') + 1)..]);
            body[14] ^= 1;
            var tampered = sealedText[..(sealedText.LastIndexOf(':') + 1)] + Convert.ToBase64String(body);
            Should.Throw<PersonalDataException>(() => ring.Decrypt(tampered)).Message.ShouldContain("failed authentication");
            Should.Throw<PersonalDataException>(() => ring.Decrypt(sealedText[..^8])).ShouldNotBeNull();
        }
        // The header is authenticated too: a value cannot be passed off as another key's.
        var aes = ring.Encrypt("张三")!;
        Should.Throw<PersonalDataException>(() => ring.Decrypt(aes.Replace("pd1:aes:k1:", "pd1:sm4:s1:")));
    }

    [Fact]
    public void The_blind_index_is_keyed_and_ignores_how_the_number_is_written()
    {
        var ring = Ring("k1", Aes("k1"));
        var index = ring.PhoneIndex("13800138000")!;
        ring.PhoneIndex("+86 138-0013-8000").ShouldBe(index);
        ring.PhoneIndex("0086 13800138000").ShouldBe(index);
        ring.PhoneIndex("13800138001").ShouldNotBe(index);
        new PersonalDataKeyRing([Aes("k1")], "k1", RandomNumberGenerator.GetBytes(32)).PhoneIndex("13800138000").ShouldNotBe(index);
        ring.PhoneIndex("8000").ShouldBeNull();
    }

    [Fact]
    public void Keys_of_the_wrong_length_or_an_unknown_active_key_are_refused()
    {
        Should.Throw<ArgumentException>(() => Ring("k1", new PersonalDataKey("k1", PersonalDataAlgorithm.Sm4Gcm, new byte[32])));
        Should.Throw<ArgumentException>(() => Ring("k9", Aes("k1")));
    }
}

/// <summary>Keys from configuration or from the key file made on first start.</summary>
public sealed class PersonalDataKeysTests
{
    private static Microsoft.Extensions.Configuration.IConfiguration Config(params (string Key, string Value)[] settings) =>
        new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();

    [Theory]
    [InlineData(null, "pd1:aes:k1:")]
    [InlineData("sm4-gcm", "pd1:sm4:k1:")]
    public void Without_configured_keys_a_key_file_is_made_once_owner_only_and_read_again(string? algorithm, string header)
    {
        var dir = Path.Combine(Path.GetTempPath(), "ordo-pd-keys-" + Guid.NewGuid().ToString("N"));
        try
        {
            var options = new Ordo.Server.Configuration.OrdoOptions { DataDirectory = dir };
            var config = algorithm is null ? Config() : Config(("Ordo:PersonalData:Algorithm", algorithm));
            var (ring, created) = Ordo.Server.Security.PersonalData.PersonalDataKeys.Load(config, options);
            created.ShouldBe(Path.GetFullPath(Path.Combine(dir, "personal-data.keys")));
            if (!OperatingSystem.IsWindows())
                File.GetUnixFileMode(created!).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
            var sealedText = ring.Encrypt("13800138000")!;
            sealedText.ShouldStartWith(header);

            var (again, createdAgain) = Ordo.Server.Security.PersonalData.PersonalDataKeys.Load(config, options);
            createdAgain.ShouldBeNull();
            again.Decrypt(sealedText).ShouldBe("13800138000");
            again.PhoneIndex("13800138000").ShouldBe(ring.PhoneIndex("13800138000"));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void Unusable_configured_keys_stop_the_start_naming_the_setting()
    {
        var options = new Ordo.Server.Configuration.OrdoOptions { DataDirectory = Path.GetTempPath() };
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        Should.Throw<InvalidOperationException>(() => Ordo.Server.Security.PersonalData.PersonalDataKeys.Load(
            Config(("Ordo:PersonalData:Keys:k1:Key", key)), options)).Message.ShouldContain("IndexKey");
        Should.Throw<InvalidOperationException>(() => Ordo.Server.Security.PersonalData.PersonalDataKeys.Load(
            Config(("Ordo:PersonalData:Keys:k1:Key", key), ("Ordo:PersonalData:Keys:k1:Algorithm", "sm4-gcm"), ("Ordo:PersonalData:IndexKey", key)), options))
            .Message.ShouldContain("16 random bytes");
        Should.Throw<InvalidOperationException>(() => Ordo.Server.Security.PersonalData.PersonalDataKeys.Load(
            Config(("Ordo:PersonalData:Keys:k1:Key", key), ("Ordo:PersonalData:Keys:k2:Key", key), ("Ordo:PersonalData:IndexKey", key)), options))
            .Message.ShouldContain("ActiveKey");
    }
}
