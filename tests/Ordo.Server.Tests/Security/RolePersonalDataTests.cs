using Ordo.Core.Privacy;
using Ordo.Server.Security;
using Shouldly;
using Xunit;

namespace Ordo.Server.Tests.Security;

/// <summary>The default roles' view of each personal field (issue 5, item 3).</summary>
public class RolePersonalDataTests
{
    private const FieldAccess F = FieldAccess.Full, M = FieldAccess.Masked, H = FieldAccess.Hidden;

    [Theory]
    [InlineData(Roles.Admin, F, F, F, F)]
    [InlineData(Roles.Operations, M, M, M, M)]
    [InlineData(Roles.CustomerService, M, M, M, M)]
    [InlineData(Roles.Warehouse, F, F, F, H)]
    [InlineData(Roles.Finance, F, M, F, H)]
    [InlineData(Roles.Integration, M, M, M, M)]
    public void Each_role_sees_what_its_work_needs(string role, FieldAccess name, FieldAccess phone, FieldAccess address, FieldAccess idCard) =>
        Permissions.PersonalDataAccessOf(Roles.PermissionsOf([role])).ShouldBe(new PersonalDataAccess(name, phone, address, idCard));

    [Fact]
    public void Finance_and_warehouse_together_still_never_see_an_id_card() =>
        Permissions.PersonalDataAccessOf(Roles.PermissionsOf([Roles.Finance, Roles.Warehouse])).ShouldBe(new PersonalDataAccess(F, F, F, H));

    [Fact]
    public void A_role_with_full_access_opens_the_id_card_whatever_else_is_held() =>
        Permissions.PersonalDataAccessOf(Roles.PermissionsOf([Roles.Finance, Roles.Admin])).ShouldBe(PersonalDataAccess.Everything);
}
