using Ordo.Cli.Shops;
using Ordo.Server.Tests.Infrastructure;
using Shouldly;

namespace Ordo.Server.Tests.Cli;

/// <summary>
/// <c>ordo shops list|add|update</c> (<see cref="ShopAdmin"/>) against a real Ordo host: a shop is added and connected,
/// secrets read from standard input reach the server sealed and are never printed, and refusals print the server's
/// reason on one line with exit code 2.
/// </summary>
public abstract class ShopAdminTests(OrdoHost host) : CatalogueTestBase(host)
{
    private readonly StringWriter _out = new();
    private readonly StringWriter _error = new();

    private ShopAdmin Admin(string input = "") => new(Host.Client, _out, _error, new StringReader(input));

    private static string NewCode() => "DY-CLI-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task A_shop_is_added_connected_and_updated_with_secrets_from_standard_input_never_shown()
    {
        var code = NewCode();
        var ct = TestContext.Current.CancellationToken;
        (await Admin("s3cret-from-stdin\n").AddAsync(new ShopSettings(code, "douyin", "抖音 CLI 店", AppKey: "app-1", AppSecret: "-",
            ApiBaseUrl: "http://127.0.0.1:9/", PullIntervalSeconds: 120), ct)).ShouldBe(ShopAdmin.Done);
        _out.ToString().Trim().ShouldBe($"Shop {code} (douyin) added: pulled every 120 s from http://127.0.0.1:9/, push off, app secret set");
        _error.ToString().ShouldBeEmpty();

        var shop = await Host.GetJsonAsync($"/api/v1/shops/{code}");
        (shop["appKey"]!.GetValue<string>(), shop["hasAppSecret"]!.GetValue<bool>(), shop["pullIntervalSeconds"]!.GetValue<int>()).ShouldBe(("app-1", true, 120));

        _out.GetStringBuilder().Clear();
        (await Admin().UpdateAsync(new ShopSettings(code, PushEnabled: true), ct)).ShouldBe(ShopAdmin.Done);
        _out.ToString().Trim().ShouldBe($"Shop {code} updated: pulled every 120 s from http://127.0.0.1:9/, pushes taken at /hooks/douyin/{code}, app secret set");
        (await Host.GetJsonAsync($"/api/v1/shops/{code}"))["pushEnabled"]!.GetValue<bool>().ShouldBeTrue();

        _out.GetStringBuilder().Clear();
        (await Admin().ListAsync(ct)).ShouldBe(ShopAdmin.Done);
        var line = _out.ToString().Split(Environment.NewLine).Single(l => l.StartsWith(code + " ", StringComparison.Ordinal));
        line.ShouldContain("douyin");
        line.ShouldContain("on");
        line.ShouldContain("120 s");
        line.ShouldEndWith("抖音 CLI 店");
        _out.ToString().ShouldNotContain("s3cret-from-stdin");
    }

    [Fact]
    public async Task Refusals_print_the_server_s_reason_on_one_line_and_exit_with_2()
    {
        var ct = TestContext.Current.CancellationToken;
        var code = NewCode();
        (await Admin().AddAsync(new ShopSettings(code, "douyin", "one"), ct)).ShouldBe(ShopAdmin.Done);

        (await Admin().AddAsync(new ShopSettings(code, "douyin", "again"), ct)).ShouldBe(ShopAdmin.Refused);
        (await Admin().AddAsync(new ShopSettings(NewCode(), "ebay", "unknown"), ct)).ShouldBe(ShopAdmin.Refused);
        (await Admin().UpdateAsync(new ShopSettings("NO-SUCH-SHOP", PushEnabled: true), ct)).ShouldBe(ShopAdmin.Refused);
        (await Admin().UpdateAsync(new ShopSettings(code, PullIntervalSeconds: 5), ct)).ShouldBe(ShopAdmin.Refused);
        (await Admin("").UpdateAsync(new ShopSettings(code, AppSecret: "-"), ct)).ShouldBe(ShopAdmin.Refused);
        (await Admin().UpdateAsync(new ShopSettings(code), ct)).ShouldBe(ShopAdmin.Refused);
        (await Admin().AddAsync(new ShopSettings(NewCode()), ct)).ShouldBe(ShopAdmin.Refused);

        var lines = _error.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(7);
        lines[0].ShouldBe($"ordo shops add: a shop with code '{code}' already exists (HTTP 409)");
        lines[1].ShouldStartWith("ordo shops add: unknown platform 'ebay'");
        lines[2].ShouldEndWith("(HTTP 404)");
        lines[3].ShouldStartWith("ordo shops update: pullIntervalSeconds must be a whole number from 10 to 86400");
        lines[4].ShouldBe("ordo shops update: --app-secret - reads the secret from standard input, but it gave none");
        lines[5].ShouldStartWith("ordo shops update: nothing to change");
        lines[6].ShouldBe("ordo shops add: --platform and --name are required");
        (await Host.GetJsonAsync($"/api/v1/shops/{code}"))["name"]!.GetValue<string>().ShouldBe("one");
    }
}

public sealed class ShopAdminTestsOnSqlite(SqliteHost host) : ShopAdminTests(host), IClassFixture<SqliteHost>;
public sealed class ShopAdminTestsOnPostgres(PostgresHost host) : ShopAdminTests(host), IClassFixture<PostgresHost>;
