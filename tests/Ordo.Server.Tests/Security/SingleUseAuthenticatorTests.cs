using Ordo.Server.Security.Users;
using Shouldly;

namespace Ordo.Server.Tests.Security;

/// <summary>The hand-written TOTP of <see cref="SingleUseAuthenticatorTokenProvider"/> against RFC 6238's own test vectors.</summary>
public class SingleUseAuthenticatorTests
{
    // RFC 6238 appendix B, HMAC-SHA1, secret "12345678901234567890": the 8-digit codes' last 6 digits.
    [Theory]
    [InlineData(59L, "287082")]
    [InlineData(1111111109L, "081804")]
    [InlineData(1111111111L, "050471")]
    [InlineData(1234567890L, "005924")]
    [InlineData(2000000000L, "279037")]
    public void Codes_match_the_rfc_test_vectors(long unixSeconds, string code)
    {
        var secret = SingleUseAuthenticatorTokenProvider.Base32Decode("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")!;
        System.Text.Encoding.ASCII.GetString(secret).ShouldBe("12345678901234567890");
        SingleUseAuthenticatorTokenProvider.Code(secret, unixSeconds / 30).ShouldBe(code);
    }

    [Fact]
    public void Base32_ignores_case_and_spaces_and_refuses_other_characters()
    {
        SingleUseAuthenticatorTokenProvider.Base32Decode("gezd gnbv").ShouldBe(SingleUseAuthenticatorTokenProvider.Base32Decode("GEZDGNBV"));
        SingleUseAuthenticatorTokenProvider.Base32Decode("GEZ1").ShouldBeNull();
    }
}
