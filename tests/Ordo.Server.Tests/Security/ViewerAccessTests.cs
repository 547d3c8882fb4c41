using System.Security.Claims;
using Ordo.Core.Orders;
using Ordo.Core.Privacy;
using Ordo.Server.Security;
using Ordo.Server.Security.PersonalData;
using Shouldly;

namespace Ordo.Server.Tests.Security;

/// <summary>The viewer helper every surface uses: access from role claims, the platform's masks and ciphertext, audited fields.</summary>
public sealed class ViewerAccessTests
{
    private static ClaimsPrincipal User(params string[] roles) =>
        new(new ClaimsIdentity(roles.Select(r => new Claim(ClaimTypes.Role, r)).Append(new Claim(ClaimTypes.Name, "x")), "test"));

    [Fact]
    public void Access_is_the_union_of_the_principals_roles()
    {
        ViewerAccess.Of(User(Roles.CustomerService)).ShouldBe(PersonalDataAccess.MaskedOnly);
        ViewerAccess.Of(User(Roles.CustomerService, Roles.Warehouse)).ShouldBe(new PersonalDataAccess(FieldAccess.Full, FieldAccess.Full, FieldAccess.Full, FieldAccess.Hidden));
        ViewerAccess.Of(User(Roles.Admin)).ShouldBe(PersonalDataAccess.Everything);
        ViewerAccess.Of(User()).ShouldBe(PersonalDataAccess.MaskedOnly);
    }

    [Fact]
    public void The_platforms_ciphertext_is_shown_only_with_full_access_and_its_masks_to_anyone_who_sees_the_field()
    {
        var privacy = new ReceiverPrivacy("王**", "138****0000", "浙江省杭州市****", "~enc-name~", "$enc-phone$", "##enc-address##");
        ViewerAccess.Mask(privacy, PersonalDataAccess.Everything).ShouldBe(privacy);
        ViewerAccess.Mask(privacy, PersonalDataAccess.MaskedOnly).ShouldBe(new ReceiverPrivacy("王**", "138****0000", "浙江省杭州市****"));
        var finance = ViewerAccess.Of(User(Roles.Finance));
        ViewerAccess.Mask(privacy, finance).ShouldBe(privacy with { EncryptedPhone = null });
        ViewerAccess.Mask(new ReceiverPrivacy(EncryptedPhone: "$x$"), PersonalDataAccess.MaskedOnly).ShouldBeNull();
    }

    [Fact]
    public void Only_fields_shown_in_full_that_hold_a_value_are_audited()
    {
        var receiver = new Receiver("张三", "13800138000", "福建省", "厦门市", "思明区", null, "环岛东路 1 号", null);
        ViewerAccess.FullFieldsShown(receiver, PersonalDataAccess.Everything).ShouldBe(["name", "phone", "address"]);
        ViewerAccess.FullFieldsShown(receiver with { IdCard = "11010519491231002X" }, PersonalDataAccess.Everything).ShouldContain("idCard");
        ViewerAccess.FullFieldsShown(receiver, ViewerAccess.Of(User(Roles.Finance))).ShouldBe(["name", "address"]);
        ViewerAccess.FullFieldsShown(receiver, PersonalDataAccess.MaskedOnly).ShouldBeEmpty();
    }
}
