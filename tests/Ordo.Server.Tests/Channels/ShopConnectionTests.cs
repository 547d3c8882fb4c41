using System.Net;
using System.Net.Http.Json;
using Ordo.Data;
using Ordo.Server.Tests.Infrastructure;
using Shouldly;

namespace Ordo.Server.Tests.Channels;

/// <summary>Connecting a shop: credentials stored sealed, never returned, changed field by field, checked on the way in.</summary>
public abstract class ShopConnectionTests(OrdoHost host) : CatalogueTestBase(host)
{
    [Fact]
    public async Task Secrets_are_stored_sealed_and_never_returned()
    {
        var code = "DY-" + Guid.NewGuid().ToString("N")[..8];
        var response = await Host.Client.PostAsJsonAsync("/api/v1/shops", new
        {
            platform = "douyin", code, name = "抖店旗舰店", appKey = "7001234", appSecret = "s3cr3t-douyin-app", accessToken = "tok-123",
            apiBaseUrl = "http://127.0.0.1:9/", pullIntervalSeconds = 120, pushEnabled = true,
        });

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var text = await response.Content.ReadAsStringAsync();
        text.ShouldNotContain("s3cr3t-douyin-app");
        text.ShouldNotContain("tok-123");
        var shop = await Host.GetJsonAsync($"/api/v1/shops/{code}");
        shop["appKey"]!.GetValue<string>().ShouldBe("7001234");
        shop["hasAppSecret"]!.GetValue<bool>().ShouldBeTrue();
        shop["hasAccessToken"]!.GetValue<bool>().ShouldBeTrue();
        shop["pullIntervalSeconds"]!.GetValue<int>().ShouldBe(120);
        shop["pushEnabled"]!.GetValue<bool>().ShouldBeTrue();
        shop["pushPath"]!.GetValue<string>().ShouldBe($"/hooks/douyin/{code}");
        (await Host.Client.GetStringAsync("/api/v1/shops")).ShouldNotContain("s3cr3t");

        await using var db = OrdoDatabase.Create(Host.Database.Kind == Db.Postgres ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite, Host.Database.ConnectionString);
        var stored = await db.ReadAsync(s => s.QueryAsync("SELECT app_secret, access_token FROM shops WHERE code = @c",
            r => (Secret: r.String("app_secret"), Token: r.String("access_token")), ("c", code)));
        stored[0].Secret.ShouldStartWith("v1:");
        stored[0].Secret.ShouldNotContain("s3cr3t");
        stored[0].Token.ShouldNotContain("tok-123");
    }

    [Fact]
    public async Task A_connection_is_changed_field_by_field()
    {
        var code = "YZ-" + Guid.NewGuid().ToString("N")[..8];
        (await Host.Client.PostAsJsonAsync("/api/v1/shops", new { platform = "youzan", code, name = code, appKey = "client-1", appSecret = "one" }))
            .StatusCode.ShouldBe(HttpStatusCode.Created);

        var patched = await Host.Client.PatchAsJsonAsync($"/api/v1/shops/{code}", new { pushEnabled = true });

        patched.StatusCode.ShouldBe(HttpStatusCode.OK);
        var shop = await patched.ReadObjectAsync();
        shop["pushEnabled"]!.GetValue<bool>().ShouldBeTrue();
        shop["appKey"]!.GetValue<string>().ShouldBe("client-1");
        shop["hasAppSecret"]!.GetValue<bool>().ShouldBeTrue();
        shop["hasAccessToken"]!.GetValue<bool>().ShouldBeFalse();
    }

    [Theory]
    [InlineData("{\"apiBaseUrl\":\"ftp://x\"}", "apiBaseUrl")]
    [InlineData("{\"apiBaseUrl\":\"not a url\"}", "apiBaseUrl")]
    [InlineData("{\"pullIntervalSeconds\":5}", "pullIntervalSeconds")]
    [InlineData("{\"pullIntervalSeconds\":\"60\"}", "pullIntervalSeconds")]
    [InlineData("{\"pushEnabled\":\"yes\"}", "pushEnabled")]
    [InlineData("{\"appSecret\":\"\"}", "appSecret")]
    [InlineData("{}", "$")]
    public async Task Bad_connection_fields_are_refused_with_the_field(string body, string field)
    {
        var response = await Host.Client.PatchAsync($"/api/v1/shops/{TestOrders.Shop}",
            new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await response.ReadObjectAsync())["field"]!.GetValue<string>().ShouldBe(field);
    }

    [Fact]
    public async Task Connecting_a_shop_that_does_not_exist_is_404()
    {
        var response = await Host.Client.PatchAsJsonAsync("/api/v1/shops/NOPE-404", new { pushEnabled = true });
        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }
}

public sealed class ShopConnectionTestsOnSqlite(SqliteHost host) : ShopConnectionTests(host), IClassFixture<SqliteHost>;
public sealed class ShopConnectionTestsOnPostgres(PostgresHost host) : ShopConnectionTests(host), IClassFixture<PostgresHost>;
