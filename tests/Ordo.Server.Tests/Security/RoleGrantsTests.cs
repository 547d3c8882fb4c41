using System.Net;
using Microsoft.Extensions.Configuration;
using Ordo.Server.Security;
using Ordo.Server.Security.Users;
using Ordo.Server.Tests.Console;
using Ordo.Server.Tests.Infrastructure;
using Shouldly;

namespace Ordo.Server.Tests.Security;

/// <summary>Ordo:Roles:&lt;role&gt; is read strictly: unknown roles and permissions are start-up errors naming them.</summary>
public sealed class RoleGrantsReadingTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void Lists_and_comma_separated_strings_are_read()
    {
        var grants = RoleGrants.Read(Config(("Ordo:Roles:finance:0", "orders:read"), ("Ordo:Roles:finance:1", "audit:read"), ("Ordo:Roles:Warehouse", "orders:read, inventory:read")));
        grants["finance"].ShouldBe(["orders:read", "audit:read"]);
        grants["warehouse"].ShouldBe(["orders:read", "inventory:read"]);
        RoleGrants.Read(Config()).ShouldBeEmpty();
    }

    [Fact]
    public void Unknown_permissions_and_roles_are_named()
    {
        Should.Throw<InvalidOperationException>(() => RoleGrants.Read(Config(("Ordo:Roles:finance:0", "orders:reed"))))
            .Message.ShouldStartWith("Ordo:Roles:finance: unknown permission 'orders:reed'; permissions are: orders:read,");
        Should.Throw<InvalidOperationException>(() => RoleGrants.Read(Config(("Ordo:Roles:boss:0", "orders:read"))))
            .Message.ShouldStartWith("Ordo:Roles:boss: unknown role 'boss'");
    }
}

[CollectionDefinition(nameof(RoleGrantsCollection), DisableParallelization = true)]
public sealed class RoleGrantsCollection;

/// <summary>
/// Configured grants replace a role's defaults for the policies and for <see cref="Roles.PermissionsOf"/>. The grants in
/// effect are process-wide, so these tests run alone and put the defaults back.
/// </summary>
[Collection(nameof(RoleGrantsCollection))]
public sealed class ConfiguredRoleGrantsTests : IAsyncLifetime
{
    private sealed class Host() : OrdoHost(Db.Sqlite)
    {
        protected override IEnumerable<KeyValuePair<string, string>> Settings =>
        [
            new("Ordo:Roles:customer-service:0", "orders:read"),
            new("Ordo:Roles:customer-service:1", "users:manage"),
            new("Ordo:Roles:finance", "inventory:read"),
        ];
    }

    private readonly Host _host = new();

    public async ValueTask InitializeAsync() => await _host.InitializeAsync();

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        Roles.UseGrants(null);
    }

    [Fact]
    public async Task Configured_grants_override_the_defaults()
    {
        Roles.PermissionsOf(["customer-service"]).ShouldBe(["orders:read", "users:manage"], ignoreOrder: true);
        Roles.PermissionsOf(["operations"]).ShouldBe(Roles.DefaultGrants("operations"), ignoreOrder: true);

        var cs = _host.NewClient(await ConsolePages.CreateKeyAsync(_host, "customer-service"));
        (await cs.GetAsync("/api/v1/users")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await cs.GetAsync("/api/v1/warehouses")).StatusCode.ShouldBe(HttpStatusCode.Forbidden, "inventory:read is a default grant the configuration leaves out");
        var finance = _host.NewClient(await ConsolePages.CreateKeyAsync(_host, "finance"));
        (await finance.GetAsync("/api/v1/orders")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task An_unknown_permission_stops_the_start()
    {
        await using var bad = new BadHost();
        var error = await Should.ThrowAsync<InvalidOperationException>(async () => await bad.InitializeAsync());
        error.Message.ShouldContain("unknown permission 'orders:everything'");
    }

    private sealed class BadHost() : OrdoHost(Db.Sqlite)
    {
        protected override IEnumerable<KeyValuePair<string, string>> Settings => [new("Ordo:Roles:finance:0", "orders:everything")];
    }
}
