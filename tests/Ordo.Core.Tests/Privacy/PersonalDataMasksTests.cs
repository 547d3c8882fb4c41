using Ordo.Core.Orders;
using Ordo.Core.Privacy;
using Shouldly;
using Xunit;

namespace Ordo.Core.Tests.Privacy;

public class PersonalDataMasksTests
{
    [Theory]
    [InlineData("13812345678", "138****5678")]
    [InlineData("+8613812345678", "+86*******5678")]
    [InlineData("0571-8888", "*****8888")]
    [InlineData("1234", "****")]
    [InlineData("", "")]
    public void Phone_keeps_the_first_three_and_last_four_digits(string phone, string masked) =>
        PersonalDataMasks.Phone(phone).ShouldBe(masked);

    [Theory]
    [InlineData("张三", "张*")]
    [InlineData("欧阳娜娜", "欧***")]
    [InlineData("Alexander Hamilton", "A***")]
    [InlineData("李", "*")]
    public void Name_keeps_the_first_character(string name, string masked) => PersonalDataMasks.Name(name).ShouldBe(masked);

    [Fact]
    public void Id_card_keeps_only_the_first_and_last_characters() =>
        PersonalDataMasks.IdCard("11010519491231002X").ShouldBe("1****************X");

    private static readonly Receiver Sample = new("张三", "13812345678", "浙江省", "杭州市", "西湖区", "文三路", "文三路 100 号 3 幢", "310012");

    [Fact]
    public void Masked_receiver_shows_the_address_to_district_level()
    {
        var r = PersonalDataMasks.Receiver(Sample, PersonalDataAccess.MaskedOnly)!;
        r.ShouldBe(new Receiver("张*", "138****5678", "浙江省", "杭州市", "西湖区", "****", "****", null));
    }

    [Fact]
    public void Full_access_changes_nothing() => PersonalDataMasks.Receiver(Sample, PersonalDataAccess.Everything).ShouldBe(Sample);

    [Fact]
    public void Hidden_fields_are_left_out_entirely()
    {
        var r = PersonalDataMasks.Receiver(Sample, new(FieldAccess.Hidden, FieldAccess.Hidden, FieldAccess.Hidden, FieldAccess.Hidden))!;
        r.Name.ShouldBeNull();
        r.Phone.ShouldBeNull();
        r.Address.ShouldBeNull();
        r.Province.ShouldBe("浙江省");
    }

    [Fact]
    public void Union_takes_the_more_open_level_of_each_field()
    {
        var a = new PersonalDataAccess(FieldAccess.Full, FieldAccess.Masked, FieldAccess.Hidden, FieldAccess.Masked);
        var b = new PersonalDataAccess(FieldAccess.Masked, FieldAccess.Full, FieldAccess.Masked, FieldAccess.Hidden);
        a.Union(b).ShouldBe(new PersonalDataAccess(FieldAccess.Full, FieldAccess.Full, FieldAccess.Masked, FieldAccess.Masked));
        PersonalDataAccess.MaskedOnly.AnyFull.ShouldBeFalse();
        a.AnyFull.ShouldBeTrue();
    }
}
