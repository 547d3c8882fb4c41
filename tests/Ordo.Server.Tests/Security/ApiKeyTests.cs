using System.Net;
using System.Net.Http.Json;
using Ordo.Server.Tests.Infrastructure;
using Shouldly;

namespace Ordo.Server.Tests.Security;

public sealed class ApiKeyTests(SqliteHost host) : IClassFixture<SqliteHost>
{
    [Fact]
    public async Task Every_api_endpoint_needs_a_key()
    {
        var anonymous = host.NewClient(null);
        var response = await anonymous.GetAsync("/api/v1/orders");
        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await response.ReadObjectAsync())["field"]!.GetValue<string>().ShouldBe("X-Api-Key");

        (await host.NewClient("ordo_not_a_real_key").GetAsync("/api/v1/orders")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await anonymous.PostAsJsonAsync("/api/v1/orders", new { })).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await anonymous.GetAsync("/healthz")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Keys_carry_roles_are_stored_hashed_and_can_be_revoked()
    {
        var created = await host.Client.PostAsJsonAsync("/api/v1/api-keys", new { name = "finance-report", roles = new[] { "finance" } });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var body = await created.ReadObjectAsync();
        var key = body["key"]!.GetValue<string>();
        key.ShouldStartWith("ordo_");

        var finance = host.NewClient(key);
        (await finance.GetAsync("/api/v1/orders")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var forbidden = await finance.PostAsJsonAsync("/api/v1/orders", new { });
        forbidden.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        forbidden.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");

        var listed = await host.GetJsonAsync("/api/v1/api-keys");
        listed.ToJsonString().ShouldNotContain(key);

        await using var db = await host.Database.OpenMigratedAsync();
        var stored = await db.ReadAsync(s => s.QueryAsync("SELECT key_hash FROM api_keys", r => r.String("key_hash")));
        stored.ShouldNotContain(key);
        stored.ShouldContain(Ordo.Server.Security.ApiKeyFormat.Hash(key));

        (await host.Client.DeleteAsync($"/api/v1/api-keys/{body["id"]}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await finance.GetAsync("/api/v1/orders")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Unknown_role_is_refused()
    {
        var response = await host.Client.PostAsJsonAsync("/api/v1/api-keys", new { name = "x", roles = new[] { "god" } });
        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await response.ReadObjectAsync())["field"]!.GetValue<string>().ShouldBe("roles");
    }
}
