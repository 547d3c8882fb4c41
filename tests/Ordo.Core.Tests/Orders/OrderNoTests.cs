using Ordo.Core.Orders;
using Shouldly;
using Xunit;

namespace Ordo.Core.Tests.Orders;

public class OrderNoTests
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

    /// <summary>
    /// Luhn mod N as published (Wikipedia "Luhn mod N algorithm", GenerateCheckCharacter), written independently of
    /// the production code so the two can disagree: from the rightmost character, double every second code point
    /// starting with the rightmost, add the base-N digits of each product, and complete the sum to a multiple of N.
    /// </summary>
    private static char ReferenceCheckCharacter(string body)
    {
        const int n = 36;
        var sum = 0;
        var doubleIt = true;
        for (var i = body.Length - 1; i >= 0; i--)
        {
            var codePoint = Alphabet.IndexOf(body[i]);
            codePoint.ShouldBeGreaterThanOrEqualTo(0);
            var addend = doubleIt ? codePoint * 2 : codePoint;
            if (addend >= n) addend = 1 + (addend - n); // base-36 digit sum of a two-digit product: "1" + remainder
            sum += addend;
            doubleIt = !doubleIt;
        }
        return Alphabet[(n - sum % n) % n];
    }

    /// <summary>Validation the other way round: the whole number including its check character sums to 0 mod N.</summary>
    private static bool ReferenceIsValid(string number)
    {
        const int n = 36;
        var sum = 0;
        var doubleIt = false;
        for (var i = number.Length - 1; i >= 0; i--)
        {
            var codePoint = Alphabet.IndexOf(number[i]);
            if (codePoint < 0) return false;
            var addend = doubleIt ? codePoint * 2 : codePoint;
            if (addend >= n) addend = 1 + (addend - n);
            sum += addend;
            doubleIt = !doubleIt;
        }
        return sum % n == 0;
    }

    // Computed by hand (see the sums in the comments), not by either implementation.
    //   DY2026022200872: D=13×2=26, Y=34, then 2,0,2,6,0,2,2,2,0,0,8,7,2 alternately ×2/×1 from the right
    //     → 26+34+4+0+4+6+0+2+4+2+0+0+16+7+4 = 109; 109 mod 36 = 1; 36−1 = 35 → 'Z'
    //   TB2026010100001: T=29×2=58 → 1+22=23, B=11 → 23+11+4+0+4+6+0+1+0+1+0+0+0+0+2 = 52; 52 mod 36 = 16; 20 → 'K'
    //   MA2026123199999: M=22×2=44 → 1+8=9, A=10 → 9+10+4+0+4+6+2+2+6+1+18+9+18+9+18 = 116; 116 mod 36 = 8; 28 → 'S'
    public static TheoryData<string, char> HandComputed => new()
    {
        { "DY2026022200872", 'Z' },
        { "TB2026010100001", 'K' },
        { "MA2026123199999", 'S' },
    };

    [Theory]
    [MemberData(nameof(HandComputed))]
    public void Check_character_matches_the_hand_computed_value(string body, char expected)
    {
        OrderNo.CheckCharacter(body).ShouldBe(expected);
        ReferenceCheckCharacter(body).ShouldBe(expected);
        ReferenceIsValid(body + expected).ShouldBeTrue();
    }

    [Fact]
    public void The_example_from_the_design_parses_with_its_computed_check_character()
    {
        var orderNo = OrderNo.Parse("DY2026022200872Z");

        orderNo.Value.ShouldBe("DY2026022200872Z");
        orderNo.ChannelCode.ShouldBe("DY");
        orderNo.Date.ShouldBe(new DateOnly(2026, 2, 22));
        orderNo.Sequence.ShouldBe(872L);
        orderNo.ToString().ShouldBe("DY2026022200872Z");
        OrderNo.Create("DY", new DateOnly(2026, 2, 22), 872).ShouldBe(orderNo);
    }

    [Theory]
    [InlineData("DY2026022200872")]
    [InlineData("TB2026010100001")]
    [InlineData("JD2025123100000")]
    [InlineData("PD2026030112345678")]
    [InlineData("WX20260704999999999")]
    [InlineData("ZZZZZZZZZZZZZZZZ")]
    [InlineData("0000000000000000")]
    [InlineData("A")]
    [InlineData("Z")]
    [InlineData("9")]
    public void Check_character_agrees_with_the_reference_implementation(string body)
    {
        var check = OrderNo.CheckCharacter(body);

        check.ShouldBe(ReferenceCheckCharacter(body));
        ReferenceIsValid(body + check).ShouldBeTrue();
    }

    [Fact]
    public void Check_character_agrees_with_the_reference_for_every_single_character_body()
    {
        foreach (var c in Alphabet)
            OrderNo.CheckCharacter(c.ToString()).ShouldBe(ReferenceCheckCharacter(c.ToString()), $"body '{c}'");
    }

    [Theory]
    [InlineData("DY20260222a")]
    [InlineData("DY-2026")]
    public void Check_character_of_a_body_outside_the_alphabet_is_a_bug(string body) =>
        Should.Throw<ArgumentException>(() => OrderNo.CheckCharacter(body));

    public static TheoryData<string> AllChannelCodes => new(Platforms.ChannelCodes);

    [Theory]
    [MemberData(nameof(AllChannelCodes))]
    public void Create_and_TryParse_round_trip_for_every_channel_code(string channelCode)
    {
        var date = new DateOnly(2026, 2, 22);
        foreach (var sequence in new long[] { 0, 1, 872, 99_999, 100_000, 123_456_789, 999_999_999 })
        {
            var created = OrderNo.Create(channelCode, date, sequence);

            var digits = Math.Max(5, sequence.ToString().Length);
            created.Value.Length.ShouldBe(2 + 8 + digits + 1);
            created.Value.ShouldStartWith(channelCode + "20260222" + sequence.ToString().PadLeft(5, '0'));
            created.Value[^1].ShouldBe(ReferenceCheckCharacter(created.Value[..^1]));

            OrderNo.TryParse(created.Value, out var parsed, out var error).ShouldBeTrue(error);
            error.ShouldBeNull();
            parsed.ShouldBe(created);
            parsed.ChannelCode.ShouldBe(channelCode);
            parsed.Date.ShouldBe(date);
            parsed.Sequence.ShouldBe(sequence);
        }
    }

    [Fact]
    public void There_is_one_channel_code_per_platform_as_in_the_design()
    {
        Platforms.ChannelCodes.Order().ShouldBe(["DY", "JD", "KS", "MA", "PD", "SP", "TB", "TM", "WC", "WX", "YZ"]);
    }

    [Fact]
    public void Create_pads_the_sequence_to_five_digits()
    {
        OrderNo.Create("TB", new DateOnly(2026, 1, 1), 1).Value.ShouldBe("TB2026010100001K");
        OrderNo.Create("MA", new DateOnly(2026, 12, 31), 99_999).Value.ShouldBe("MA2026123199999S");
    }

    [Theory]
    [InlineData("XX", 1L)]
    [InlineData("dy", 1L)]
    [InlineData("", 1L)]
    public void Create_refuses_an_unknown_channel_code(string channelCode, long sequence) =>
        Should.Throw<ArgumentException>(() => OrderNo.Create(channelCode, new DateOnly(2026, 2, 22), sequence));

    [Theory]
    [InlineData(-1L)]
    [InlineData(1_000_000_000L)]
    [InlineData(long.MaxValue)]
    public void Create_refuses_a_sequence_that_does_not_fit_nine_digits(long sequence) =>
        Should.Throw<ArgumentOutOfRangeException>(() => OrderNo.Create("DY", new DateOnly(2026, 2, 22), sequence));

    [Fact]
    public void Every_single_character_substitution_is_detected()
    {
        const string valid = "DY2026022200872Z";
        OrderNo.TryParse(valid, out _, out _).ShouldBeTrue();
        var tried = 0;
        for (var position = 0; position < valid.Length; position++)
        {
            foreach (var replacement in Alphabet.Concat("az-"))
            {
                if (replacement == valid[position]) continue;
                var mistyped = valid[..position] + replacement + valid[(position + 1)..];
                OrderNo.TryParse(mistyped, out _, out var error).ShouldBeFalse($"'{mistyped}' was accepted");
                error.ShouldNotBeNullOrWhiteSpace();
                tried++;
            }
        }
        tried.ShouldBe(valid.Length * (Alphabet.Length - 1 + 3));
    }

    [Fact]
    public void A_substituted_sequence_digit_is_caught_by_the_check_character()
    {
        // Structure still valid, so only the check character can catch it.
        const string valid = "DY2026022200872Z";
        for (var position = 10; position < valid.Length - 1; position++)
        {
            foreach (var digit in "0123456789")
            {
                if (digit == valid[position]) continue;
                var mistyped = valid[..position] + digit + valid[(position + 1)..];
                OrderNo.TryParse(mistyped, out _, out var error).ShouldBeFalse(mistyped);
                error.ShouldContain("check character");
            }
        }
    }

    [Theory]
    [InlineData("DY2026022200872Z")]
    [InlineData("TB2026010100001K")]
    [InlineData("MA2026123199999S")]
    public void Every_adjacent_transposition_of_different_characters_is_detected(string valid)
    {
        OrderNo.TryParse(valid, out _, out _).ShouldBeTrue();
        var tried = 0;
        for (var i = 0; i < valid.Length - 1; i++)
        {
            if (valid[i] == valid[i + 1]) continue;
            // Luhn mod 36 cannot see 0 and Z swapped; the samples are chosen without that pair side by side.
            (valid[i] is '0' && valid[i + 1] is 'Z' || valid[i] is 'Z' && valid[i + 1] is '0').ShouldBeFalse();
            var swapped = valid[..i] + valid[i + 1] + valid[i] + valid[(i + 2)..];
            OrderNo.TryParse(swapped, out _, out var error).ShouldBeFalse($"'{swapped}' was accepted");
            error.ShouldNotBeNull();
            tried++;
        }
        tried.ShouldBeGreaterThan(8);
    }

    [Fact]
    public void Swapped_sequence_digits_are_reported_as_a_bad_check_character()
    {
        // 00872 → 00827: still a well-formed number, only the check character catches it.
        OrderNo.TryParse("DY2026022200827Z", out _, out var error).ShouldBeFalse();
        error.ShouldBe("bad check character: 'Z' does not match the Luhn mod 36 check character '" + ReferenceCheckCharacter("DY2026022200827") + "'");
    }

    public static TheoryData<string?, string> ParseErrors => new()
    {
        { null, "order number is empty" },
        { "", "order number is empty" },
        { "DY20260222008", "wrong length" },                          // 13 characters
        { "DY2026022200872", "wrong length" },                        // 15: check character missing
        { "DY202602220087212345Z", "wrong length" },                  // 21
        { "dy2026022200872Z", "is not allowed" },
        { "DY2026022200872z", "is not allowed" },
        { "DY 026022200872Z", "is not allowed" },
        { "XX2026022200872Z", "unknown channel code 'XX'" },
        { "DY2026134000872Z", "date part '20261340' is not a valid yyyyMMdd date" },
        { "DY2026022900872Z", "date part '20260229' is not a valid yyyyMMdd date" }, // 2026 is not a leap year
        { "DY20260222008A2Z", "sequence part '008A2' must be digits only" },
        { "DY2026022200872A", "bad check character" },
        { "DY20260222008720", "bad check character: '0' does not match the Luhn mod 36 check character 'Z'" },
    };

    [Theory]
    [MemberData(nameof(ParseErrors))]
    public void TryParse_names_the_problem(string? text, string expectedInError)
    {
        OrderNo.TryParse(text, out var orderNo, out var error).ShouldBeFalse();

        error.ShouldNotBeNull();
        error.ShouldContain(expectedInError);
        orderNo.ShouldBe(default);
    }

    [Theory]
    [InlineData("DY20260222008", 13)]
    [InlineData("DY202602220087212345Z", 21)]
    public void A_wrong_length_error_gives_the_actual_and_allowed_lengths(string text, int length)
    {
        OrderNo.TryParse(text, out _, out var error).ShouldBeFalse();
        error.ShouldBe($"wrong length: '{text}' has {length} characters, an order number has 16 to 20");
    }

    [Fact]
    public void Lengths_follow_from_five_to_nine_sequence_digits()
    {
        OrderNo.MinLength.ShouldBe(16);
        OrderNo.MaxLength.ShouldBe(20);
    }

    [Fact]
    public void Parse_throws_a_FormatException_carrying_the_error()
    {
        var ex = Should.Throw<FormatException>(() => OrderNo.Parse("DY2026022200872A"));
        ex.Message.ShouldStartWith("bad check character");
    }

    [Fact]
    public void The_longest_number_parses()
    {
        var body = "WX20260704999999999";
        var text = body + ReferenceCheckCharacter(body);

        var orderNo = OrderNo.Parse(text);

        orderNo.Sequence.ShouldBe(999_999_999L);
        orderNo.Date.ShouldBe(new DateOnly(2026, 7, 4));
        orderNo.ChannelCode.ShouldBe("WX");
    }
}
