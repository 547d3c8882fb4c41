using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Ordo.Data;
using Ordo.Data.Inbox;
using Ordo.Data.Privacy;
using Ordo.Server.Tests.Infrastructure;
using Shouldly;

namespace Ordo.Server.Tests.Security;

/// <summary>A host whose personal data is encrypted with configured keys (one AES key, or one SM4 key).</summary>
public class KeyedHost : OrdoHost
{
    public static readonly string AesKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    public static readonly string Sm4Key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
    public static readonly string IndexKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private readonly bool _sm4;

    public KeyedHost(Db kind, bool sm4 = false) : base(kind) => _sm4 = sm4;
    public KeyedHost(TestDatabase database) : base(database) { }

    protected override IEnumerable<KeyValuePair<string, string>> Settings => _sm4
        ? [new("Ordo:PersonalData:Keys:s1:Key", Sm4Key), new("Ordo:PersonalData:Keys:s1:Algorithm", "sm4-gcm"), new("Ordo:PersonalData:IndexKey", IndexKey)]
        : [new("Ordo:PersonalData:Keys:k1:Key", AesKey), new("Ordo:PersonalData:ActiveKey", "k1"), new("Ordo:PersonalData:IndexKey", IndexKey)];

    /// <summary>A plain connection to the same database (no keys): what an attacker with a copy of it reads.</summary>
    public async Task<T> RawAsync<T>(Func<DbSession, Task<T>> read)
    {
        await using var db = OrdoDatabase.Create(Database.Kind == Db.Postgres ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite, Database.ConnectionString);
        return await db.ReadAsync(read);
    }

    public async Task<string> ApiKeyAsync(string role)
    {
        var created = await Client.PostAsJsonAsync("/api/v1/api-keys", new { name = role + "-" + Guid.NewGuid().ToString("N")[..6], roles = new[] { role } });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        return (await created.ReadObjectAsync())["key"]!.GetValue<string>();
    }
}

public sealed class AesHostOnSqlite() : KeyedHost(Db.Sqlite);
public sealed class AesHostOnPostgres() : KeyedHost(Db.Postgres);
public sealed class Sm4HostOnSqlite() : KeyedHost(Db.Sqlite, sm4: true);
public sealed class Sm4HostOnPostgres() : KeyedHost(Db.Postgres, sm4: true);

/// <summary>Issue 5 items 3 and 4 through the API: encryption at rest, search by phone, masking per role, audit, webhooks.</summary>
public abstract class PersonalDataTests(KeyedHost host) : CatalogueTestBase(host)
{
    private const string IdCard = "11010519491231002X";

    private new KeyedHost Host => (KeyedHost)base.Host;

    /// <summary>An order with a phone number of its own (so a search by it finds only this order) and an ID card.</summary>
    protected async Task<(string OrderNo, string Phone)> NewOrderAsync()
    {
        var phone = "139" + RandomNumberGenerator.GetInt32(10_000_000, 99_999_999);
        var order = TestOrders.Example();
        order["receiver"]!["phone"] = phone;
        order["receiver"]!["idCard"] = IdCard;
        var response = await Host.PostOrderAsync(order);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return ((await response.ReadObjectAsync())["orderNo"]!.GetValue<string>(), phone);
    }

    private static readonly string[] Plain = ["张三", "环岛东路", "莲前街道", IdCard];

    [Fact]
    public async Task Stored_rows_hold_no_personal_data_in_clear_and_read_back_plain()
    {
        var (orderNo, phone) = await NewOrderAsync();
        var (document, key, inbox, inboxKey) = await Host.RawAsync(async s =>
        {
            var row = (await s.QueryAsync("SELECT document, pd_key FROM orders WHERE order_no = @n", r => (r.String("document"), r.StringOrNull("pd_key")), ("n", orderNo)))[0];
            var item = (await s.QueryAsync("SELECT payload, pd_key FROM inbox WHERE order_no = @n", r => (r.String("payload"), r.StringOrNull("pd_key")), ("n", orderNo)))[0];
            return (row.Item1, row.Item2, item.Item1, item.Item2);
        });
        foreach (var text in Plain.Append(phone)) { document.ShouldNotContain(text); inbox.ShouldNotContain(text); }
        document.ShouldContain("福建省");   // the region stays in clear
        var active = Host.Services.GetRequiredService<OrdoDatabase>().PersonalData!.ActiveKeyId;
        key.ShouldBe(active);
        inboxKey.ShouldBe(active);
        inbox.ShouldStartWith(PersonalDataKeyRing.Prefix);

        var receiver = (await Host.GetJsonAsync($"/api/v1/orders/{orderNo}"))["receiver"]!;
        receiver["name"]!.GetValue<string>().ShouldBe("张三");
        receiver["phone"]!.GetValue<string>().ShouldBe(phone);
        receiver["address"]!.GetValue<string>().ShouldBe("环岛东路 1 号");
        receiver["street"]!.GetValue<string>().ShouldBe("莲前街道");
        receiver["idCard"]!.GetValue<string>().ShouldBe(IdCard);
    }

    [Fact]
    public async Task A_full_phone_number_is_found_through_the_blind_index_and_the_last_four_digits_still_work()
    {
        var (orderNo, phone) = await NewOrderAsync();
        foreach (var q in new[] { phone, $"+86 {phone[..3]}-{phone[3..7]}-{phone[7..]}", phone[^4..] })
        {
            var items = (await Host.GetJsonAsync($"/api/v1/orders?q={Uri.EscapeDataString(q)}&limit=200"))["items"]!.AsArray();
            items.Select(i => i!["orderNo"]!.GetValue<string>()).ShouldContain(orderNo, $"searching '{q}'");
            if (q.Length > 4) items.Count.ShouldBe(1);
        }
        var index = await Host.RawAsync(s => s.ScalarAsync<string>("SELECT receiver_phone_index FROM orders WHERE order_no = @n", ("n", orderNo)));
        index.ShouldNotBeNullOrEmpty();
        index.ShouldNotContain(phone[^4..] + phone[..3]);
    }

    [Theory]
    [InlineData("admin", "张三", "PHONE", "环岛东路 1 号", IdCard)]
    [InlineData("operations", "张*", "MASKED", "****", "1****************X")]
    [InlineData("customer-service", "张*", "MASKED", "****", "1****************X")]
    [InlineData("integration", "张*", "MASKED", "****", "1****************X")]
    [InlineData("warehouse", "张三", "PHONE", "环岛东路 1 号", null)]
    [InlineData("finance", "张三", "MASKED", "环岛东路 1 号", null)]
    public async Task Each_role_sees_each_personal_field_as_its_work_needs(string role, string name, string phoneShown, string address, string? idCard)
    {
        var (orderNo, phone) = await NewOrderAsync();
        var client = Host.NewClient(await Host.ApiKeyAsync(role));
        var expectedPhone = phoneShown == "PHONE" ? phone : phone[..3] + "****" + phone[^4..];
        var single = JsonNode.Parse(await client.GetStringAsync($"/api/v1/orders/{orderNo}"))!;
        var listed = JsonNode.Parse(await client.GetStringAsync($"/api/v1/orders?q={orderNo}"))!["items"]![0]!;
        foreach (var view in new[] { single, listed })
        {
            var r = view["receiver"]!;
            r["name"]!.GetValue<string>().ShouldBe(name);
            r["phone"]!.GetValue<string>().ShouldBe(expectedPhone);
            r["address"]!.GetValue<string>().ShouldBe(address);
            r["district"]!.GetValue<string>().ShouldBe("思明区");
            r["idCard"]?.GetValue<string>().ShouldBe(idCard);
            if (idCard is null) r["idCard"].ShouldBeNull();
            if (phoneShown != "PHONE") view.ToJsonString().ShouldNotContain(phone);
        }
    }

    [Fact]
    public async Task A_full_view_is_audited_once_per_request_and_a_masked_one_not_at_all()
    {
        var (orderNo, _) = await NewOrderAsync();
        var service = Host.NewClient(await Host.ApiKeyAsync("customer-service"));
        var finance = Host.NewClient(await Host.ApiKeyAsync("finance"));
        (await Host.Client.GetAsync($"/api/v1/orders/{orderNo}")).EnsureSuccessStatusCode();
        (await service.GetAsync($"/api/v1/orders/{orderNo}")).EnsureSuccessStatusCode();
        (await finance.GetAsync($"/api/v1/orders?q={orderNo}")).EnsureSuccessStatusCode();

        var rows = await Host.RawAsync(s => s.QueryAsync("SELECT actor, detail FROM audit_log WHERE action = 'pii.view' AND target = @n ORDER BY id",
            r => (Actor: r.String("actor"), Detail: r.String("detail")), ("n", orderNo)));
        rows.Count.ShouldBe(2);
        rows[0].Actor.ShouldStartWith("key:bootstrap-admin");
        rows[0].Detail.ShouldContain("idCard");
        rows[0].Detail.ShouldContain("phone");
        rows[1].Actor.ShouldStartWith("key:finance");
        rows[1].Detail.ShouldContain("address");
        rows[1].Detail.ShouldNotContain("phone");
        rows[1].Detail.ShouldNotContain("idCard");
    }

    [Fact]
    public async Task Raw_payloads_in_the_inbox_are_masked_for_operations()
    {
        var (orderNo, phone) = await NewOrderAsync();
        var id = await Host.RawAsync(s => s.ScalarAsync<long>("SELECT id FROM inbox WHERE order_no = @n", ("n", orderNo)));
        var operations = Host.NewClient(await Host.ApiKeyAsync("operations"));
        var masked = await operations.GetStringAsync($"/api/v1/inbox/{id}");
        masked.ShouldNotContain(phone);
        masked.ShouldNotContain(IdCard);
        masked.ShouldNotContain("环岛东路");
        (await Host.Client.GetStringAsync($"/api/v1/inbox/{id}")).ShouldContain(phone);
    }

    [Fact]
    public async Task Webhook_payloads_are_masked_unless_the_subscription_was_cleared_by_someone_who_may_see_everything()
    {
        await using var masked = await WebhookReceiver.StartAsync();
        await using var full = await WebhookReceiver.StartAsync();
        var operations = Host.NewClient(await Host.ApiKeyAsync("operations"));
        var secret = WebhookReceiver.Secret;
        (await operations.PostAsJsonAsync("/api/v1/webhooks", new { url = masked.Url, secret, eventTypes = new[] { "order.created" } }))
            .StatusCode.ShouldBe(HttpStatusCode.Created);
        var refused = await operations.PostAsJsonAsync("/api/v1/webhooks", new { url = full.Url, secret, eventTypes = new[] { "order.created" }, personalData = "full" });
        refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await refused.ReadObjectAsync())["field"]!.GetValue<string>().ShouldBe("personalData");
        var created = await Host.Client.PostAsJsonAsync("/api/v1/webhooks", new { url = full.Url, secret, eventTypes = new[] { "order.created" }, personalData = "full" });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var subscriptionId = (await created.ReadObjectAsync())["id"]!.GetValue<long>();

        var (orderNo, phone) = await NewOrderAsync();
        await WebhookReceiver.WaitUntilAsync(() => masked.For(orderNo).Count > 0 && full.For(orderNo).Count > 0, TimeSpan.FromSeconds(30), "both deliveries");
        var maskedReceiver = masked.For(orderNo)[0].Body["order"]!["receiver"]!;
        maskedReceiver["phone"]!.GetValue<string>().ShouldBe(phone[..3] + "****" + phone[^4..]);
        maskedReceiver["name"]!.GetValue<string>().ShouldBe("张*");
        masked.For(orderNo)[0].Body.ToJsonString().ShouldNotContain(IdCard);
        var fullReceiver = full.For(orderNo)[0].Body["order"]!["receiver"]!;
        fullReceiver["phone"]!.GetValue<string>().ShouldBe(phone);
        fullReceiver["idCard"]!.GetValue<string>().ShouldBe(IdCard);

        (await Host.RawAsync(s => s.ScalarAsync<long>("SELECT COUNT(*) FROM audit_log WHERE action = 'pii.view' AND target = @t", ("t", $"webhook:{subscriptionId}"))))
            .ShouldBe(1);
        await Host.Client.DeleteAsync($"/api/v1/webhooks/{subscriptionId}");
    }

    [Fact]
    public async Task A_tampered_ciphertext_is_a_clear_error_not_garbage()
    {
        var (orderNo, _) = await NewOrderAsync();
        var document = await Host.RawAsync(s => s.ScalarAsync<string>("SELECT document FROM orders WHERE order_no = @n", ("n", orderNo)));
        var node = JsonNode.Parse(document!)!;
        var name = node["data"]!["receiver"]!["name"]!.GetValue<string>();
        var body = Convert.FromBase64String(name[(name.LastIndexOf(':') + 1)..]);
        body[^1] ^= 0x55;
        node["data"]!["receiver"]!["name"] = name[..(name.LastIndexOf(':') + 1)] + Convert.ToBase64String(body);
        await using (var raw = OrdoDatabase.Create(Host.Database.Kind == Db.Postgres ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite, Host.Database.ConnectionString))
            await raw.WriteAsync(s => s.ExecuteAsync("UPDATE orders SET document = @d WHERE order_no = @n", ("d", node.ToJsonString()), ("n", orderNo)));

        var response = await Host.Client.GetAsync($"/api/v1/orders/{orderNo}");
        response.StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
        var problem = await response.ReadObjectAsync();
        problem["title"]!.GetValue<string>().ShouldBe("Personal data cannot be decrypted");
        problem["detail"]!.GetValue<string>().ShouldContain("failed authentication");
    }

    [Fact]
    public async Task Status_counts_rows_per_key_and_rotation_needs_full_access()
    {
        await NewOrderAsync();
        var status = await Host.GetJsonAsync("/api/v1/personal-data/status");
        var active = status["activeKey"]!.GetValue<string>();
        var orders = status["tables"]!.AsArray().First(t => t!["table"]!.GetValue<string>() == "orders")!;
        orders["rows"]!.AsArray().ShouldContain(r => r!["key"]!.GetValue<string>() == active && r["rows"]!.GetValue<long>() > 0);
        orders["notOnActiveKey"]!.GetValue<long>().ShouldBe(0);
        var operations = Host.NewClient(await Host.ApiKeyAsync("operations"));
        (await operations.PostAsync("/api/v1/personal-data/rotate", null)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await operations.GetAsync("/api/v1/personal-data/status")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await Host.Client.PostAsync("/api/v1/personal-data/rotate", null)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
    }
}

public sealed class PersonalDataTestsOnSqlite(AesHostOnSqlite host) : PersonalDataTests(host), IClassFixture<AesHostOnSqlite>;
public sealed class PersonalDataTestsOnPostgres(AesHostOnPostgres host) : PersonalDataTests(host), IClassFixture<AesHostOnPostgres>;

/// <summary>SM4 configured instead of AES: the same guarantees end to end.</summary>
public abstract class Sm4PersonalDataTests(KeyedHost host) : PersonalDataTests(host)
{
    [Fact]
    public async Task Values_are_stored_with_sm4()
    {
        var (orderNo, _) = await NewOrderAsync();
        var document = await ((KeyedHost)Host).RawAsync(s => s.ScalarAsync<string>("SELECT document FROM orders WHERE order_no = @n", ("n", orderNo)));
        document!.ShouldContain("pd1:sm4:s1:");
        document!.ShouldNotContain("pd1:aes:");
    }
}

public sealed class Sm4PersonalDataTestsOnSqlite(Sm4HostOnSqlite host) : Sm4PersonalDataTests(host), IClassFixture<Sm4HostOnSqlite>;
public sealed class Sm4PersonalDataTestsOnPostgres(Sm4HostOnPostgres host) : Sm4PersonalDataTests(host), IClassFixture<Sm4HostOnPostgres>;
