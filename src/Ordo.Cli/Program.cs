using System.CommandLine;
using Ordo.Cli.Import;
using Ordo.Cli.Inventory;
using Ordo.Cli.Shops;
using Ordo.Cli.Users;
using Ordo.Simulator;

// `ordo`: Ordo's command line. Commands talk to a running Ordo server through its API.
var server = new Option<string>("--server") { Description = "Ordo's base URL", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
var key = new Option<string?>("--key") { Description = "an admin or operations API key (default: the key in data/admin-api-key.txt)" };
var minutes = new Option<double>("--minutes") { Description = "how long to run", DefaultValueFactory = _ => 2 };
var rate = new Option<double>("--rate") { Description = "orders per second across all shops (a burst runs at ten times this)", DefaultValueFactory = _ => 5 };

var simulate = new Command("simulate", "Start fake Taobao, JD, Pinduoduo, Douyin, Kuaishou, Youzan, Shopify and WooCommerce shops on local ports, connect them to Ordo, and drive orders into it: pushes with real signatures, pulls, payments, cancellations, duplicate and out-of-order pushes, a burst and an outage.")
{
    server, key, minutes, rate,
};
simulate.SetAction(async (parse, ct) =>
{
    var (runFor, perSecond) = (parse.GetValue(minutes), parse.GetValue(rate));
    if (runFor is <= 0 or > 24 * 60 || perSecond is <= 0 or > 1000)
    {
        Console.Error.WriteLine("ordo simulate: --minutes must be from 0 to 1440 and --rate from 0 to 1000");
        return 2;
    }
    using var http = Connect(parse, "simulate", TimeSpan.FromSeconds(30));
    if (http is null) return 2;
    var baseUrl = http.BaseAddress!;
    try
    {
        await using var simulation = new Simulation(http, new SimulationOptions(TimeSpan.FromMinutes(runFor), perSecond), line => Console.WriteLine($"{DateTime.Now:HH:mm:ss} {line}"));
        await simulation.StartAsync(ct);
        Console.WriteLine($"Simulating for {runFor} min at {perSecond} orders/s; open {baseUrl}api/v1/orders to watch them arrive. Ctrl+C stops.");
        await simulation.RunAsync(ct);
        var r = simulation.Report;
        Console.WriteLine($"placed {r.OrdersPlaced} orders ({string.Join(", ", r.PlacedByPlatform.Select(p => $"{p.Key.ToString().ToLowerInvariant()} {p.Value}"))}), " +
                          $"{r.Updates} updates, {r.PushesSent} pushes ({r.DuplicatePushes} duplicates, {r.StalePushes} out of order, {r.PushesRefusedByOrdo} refused), outage {r.OutageSeconds} s");
        Console.WriteLine("The fake platforms stop now; orders they hold that Ordo has not pulled yet stay unpulled.");
        return r.PushesRefusedByOrdo == 0 ? 0 : 1;
    }
    catch (HttpRequestException ex)
    {
        Console.Error.WriteLine($"ordo simulate: cannot reach Ordo at {baseUrl}: {ex.Message}");
        return 1;
    }
    catch (InvalidOperationException ex)
    {
        Console.Error.WriteLine($"ordo simulate: {ex.Message}");
        return 1;
    }
    catch (OperationCanceledException)
    {
        return 130;
    }
});

var file = new Argument<string>("file") { Description = "a shop's order export (.csv) or the platform's native orders (.json: an array, or one order per line)" };
var shop = new Option<string>("--shop") { Description = "the code of the shop the orders belong to", Required = true };
var preset = new Option<string?>("--preset") { Description = $"CSV column mapping: {string.Join(", ", Ordo.Core.Channels.Csv.CsvPresets.All.Keys)} (default: the shop platform's, else generic)" };
var errors = new Option<string?>("--errors") { Description = "write every rejected row to this CSV file (row, field, reason, raw row) to fix and import again" };

var import = new Command("import", """
    Import a shop's orders from a file into Ordo: a seller-backend order export (.csv, mapped by a column preset) or
    the platform's native order objects (.json). Big files are sent in parts under the server's limits, each order's
    rows together; good rows land, rejected ones are listed with their row number in the file. Importing is
    idempotent: running it again changes nothing that already landed.
    Exit codes: 0 every row landed; 1 some rows were rejected (the others landed); 2 usage or input error (missing
    file, unknown shop or preset, unreadable header) or Ordo unreachable: nothing, or not everything, was sent.
    """)
{
    file, shop, preset, errors, server, key,
};
import.SetAction(async (parse, ct) =>
{
    // A long part (1,000 orders checked and stored) can take a while on a busy server; a stuck one is retried.
    using var http = Connect(parse, "import", TimeSpan.FromMinutes(5));
    if (http is null) return ImportExitCodes.Failed;
    var request = new ImportRequest(parse.GetValue(file)!, parse.GetValue(shop)!, parse.GetValue(preset), parse.GetValue(errors));
    return await new OrderImport(http, ImportOutput.Console()).RunAsync(request, ct);
});

var shopCode = new Argument<string>("code") { Description = "the shop's code in Ordo (e.g. TB-HOME)" };
var platform = new Option<string?>("--platform") { Description = "taobao, tmall, jd, pinduoduo, douyin, kuaishou, youzan, wechat, shopify, woocommerce or manual" };
var shopName = new Option<string?>("--name") { Description = "the shop's name" };
var appKey = new Option<string?>("--app-key") { Description = "the platform app key (client id)" };
var appSecret = new Option<string?>("--app-secret") { Description = "the platform app secret; '-' reads it from standard input (keeps it out of the shell history)" };
var accessToken = new Option<string?>("--access-token") { Description = "the shop's access token (session); '-' reads it from standard input" };
var apiBaseUrl = new Option<string?>("--api-base-url") { Description = "the platform API's base URL (setting it starts the pull sync)" };
var pullInterval = new Option<int?>("--pull-interval") { Description = "seconds between pulls (10 to 86400; default 60)" };
var push = new Option<bool?>("--push") { Description = "take the platform's pushes at /hooks/{platform}/{code}: true or false" };
var platformShopId = new Option<string?>("--platform-shop-id") { Description = "the shop's id on the platform (Pinduoduo mall id for the PMC feed)" };
ShopSettings Settings(ParseResult parse) => new(parse.GetValue(shopCode)!, parse.GetValue(platform), parse.GetValue(shopName), parse.GetValue(appKey),
    parse.GetValue(appSecret), parse.GetValue(accessToken), parse.GetValue(apiBaseUrl), parse.GetValue(pullInterval), parse.GetValue(push), parse.GetValue(platformShopId));
ShopAdmin Admin(HttpClient http) => new(http, Console.Out, Console.Error, Console.In);

var shopsList = new Command("list", "List the shops with how each is connected (secrets are never shown).") { server, key };
shopsList.SetAction(async (parse, ct) => Connect(parse, "shops list", TimeSpan.FromSeconds(30)) is { } http ? await Admin(http).ListAsync(ct) : ShopAdmin.Refused);
var shopsAdd = new Command("add", "Add a shop and, with the platform's credentials, connect it: pulls start when --api-base-url is set, pushes are taken with --push true.")
{
    shopCode, platform, shopName, appKey, appSecret, accessToken, apiBaseUrl, pullInterval, push, platformShopId, server, key,
};
shopsAdd.SetAction(async (parse, ct) => Connect(parse, "shops add", TimeSpan.FromSeconds(30)) is { } http ? await Admin(http).AddAsync(Settings(parse), ct) : ShopAdmin.Refused);
var shopsUpdate = new Command("update", "Change a shop's connection: credentials, API base URL, pull interval, push.")
{
    shopCode, appKey, appSecret, accessToken, apiBaseUrl, pullInterval, push, platformShopId, server, key,
};
shopsUpdate.SetAction(async (parse, ct) => Connect(parse, "shops update", TimeSpan.FromSeconds(30)) is { } http ? await Admin(http).UpdateAsync(Settings(parse), ct) : ShopAdmin.Refused);
var shops = new Command("shops", "List, add and connect shops. Exit codes: 0 done; 1 Ordo failed; 2 refused (the server's reason is printed), bad usage or Ordo unreachable.")
{
    shopsList, shopsAdd, shopsUpdate,
};

var csvFile = new Argument<string>("file") { Description = "a CSV file (UTF-8 or GB18030) with a header row" };
var warehouse = new Option<string?>("--warehouse") { Description = "the warehouse code for rows that name none" };
var countWarehouse = new Option<string>("--warehouse") { Description = "the code of the counted warehouse", Required = true };
var batchReference = new Option<string?>("--reference") { Description = "the name that makes each row's receipt reference, with the row's content (default: the file's name); rows with a reference column use theirs" };
var countReference = new Option<string?>("--reference") { Description = "the count's reference (default: COUNT-<time>)" };

var skusImport = new Command("import", """
    Create or update SKUs from a CSV file, one per row. Columns (header names in English or Chinese): sku (商家编码),
    name (名称), category (类目), coldChain (冷链: yes/no), weightGrams (重量), lengthMm/widthMm/heightMm or dimensions
    (尺寸, 300x200x100), costPrice (成本价) with costCurrency (币种, default CNY), shelfLifeDays (保质期),
    safetyBuffer (安全库存: 5% or 3 units), arrivalCoefficient (在途系数), components (组合明细: CUP-01*2;LID-01).
    A SKU that exists gets only the settings that differ and is reported unchanged when none does; empty cells keep
    what Ordo has. Exit codes: 0 every row landed; 1 some rows were rejected (the others landed); 2 usage or input
    error or Ordo unreachable.
    """)
{
    csvFile, errors, server, key,
};
skusImport.SetAction(async (parse, ct) =>
{
    using var http = Connect(parse, "skus import", TimeSpan.FromSeconds(60));
    if (http is null) return ImportExitCodes.Failed;
    return await new SkuImport(http, ImportOutput.Console()).RunAsync(parse.GetValue(csvFile)!, parse.GetValue(errors), ct);
});
var skus = new Command("skus", "Manage the SKU catalogue.") { skusImport };

var stockImport = new Command("import", """
    Receive stock from a CSV file, one receipt per row: sku (商家编码), warehouse (仓库; or --warehouse), quantity
    (数量), and optionally lot (批次), producedOn (生产日期), expiresOn (有效期至), reference (单号). Each receipt is
    booked once: running the file again books nothing twice. Exit codes: 0 every row landed; 1 some rows were rejected
    (the others landed); 2 usage or input error or Ordo unreachable.
    """)
{
    csvFile, warehouse, batchReference, errors, server, key,
};
stockImport.SetAction(async (parse, ct) =>
{
    using var http = Connect(parse, "stock import", TimeSpan.FromSeconds(60));
    if (http is null) return ImportExitCodes.Failed;
    return await new StockImport(http, ImportOutput.Console()).RunAsync(parse.GetValue(csvFile)!, parse.GetValue(warehouse), parse.GetValue(batchReference), parse.GetValue(errors), ct);
});
var stockCount = new Command("count", """
    Book a stock count of one warehouse from a CSV file of sku (商家编码) and counted (盘点数量) and print the
    differences report. Exit codes: 0 counted, no alert; 1 counted, but some rows were rejected and left out;
    2 usage or input error, Ordo unreachable or the count refused (nothing booked); 3 counted and the count alerts
    (a line or the total differs beyond the threshold).
    """)
{
    csvFile, countWarehouse, countReference, errors, server, key,
};
stockCount.SetAction(async (parse, ct) =>
{
    using var http = Connect(parse, "stock count", TimeSpan.FromMinutes(2));
    if (http is null) return StockCountExitCodes.Failed;
    return await new StockCountImport(http, ImportOutput.Console()).RunAsync(parse.GetValue(csvFile)!, parse.GetValue(countWarehouse)!, parse.GetValue(countReference), parse.GetValue(errors), ct);
});
var stock = new Command("stock", "Receive and count stock.") { stockImport, stockCount };

var userEmail = new Option<string>("--email") { Description = "the user's e-mail address (their sign-in name)", Required = true };
var userPassword = new Option<string?>("--password") { Description = "the password (at least 10 characters); '-' reads it from standard input (keeps it out of the shell history)" };
var userGenerate = new Option<bool>("--generate") { Description = "let Ordo make the password (printed once)" };
var userRoles = new Option<string?>("--roles") { Description = "comma-separated roles: admin, operations, customer-service, warehouse, finance" };
var userName = new Option<string?>("--name") { Description = "the user's display name" };
UserAdmin Users(HttpClient http) => new(http, Console.Out, Console.Error, Console.In);
var usersAdd = new Command("add", "Add a console user with roles; the password (given or made) must be changed at the first sign-in.")
{
    userEmail, userPassword, userGenerate, userRoles, userName, server, key,
};
usersAdd.SetAction(async (parse, ct) => Connect(parse, "users add", TimeSpan.FromSeconds(30)) is { } http
    ? await Users(http).AddAsync(parse.GetValue(userEmail)!, parse.GetValue(userPassword), parse.GetValue(userGenerate), parse.GetValue(userRoles), parse.GetValue(userName), ct)
    : UserAdmin.Refused);
var usersReset = new Command("reset", "Reset a user's password to the one given, or to one Ordo makes (printed once), and end a lockout; it must be changed at the next sign-in.")
{
    userEmail, userPassword, server, key,
};
usersReset.SetAction(async (parse, ct) => Connect(parse, "users reset", TimeSpan.FromSeconds(30)) is { } http
    ? await Users(http).ResetAsync(parse.GetValue(userEmail)!, parse.GetValue(userPassword), ct)
    : UserAdmin.Refused);
var usersList = new Command("list", "List the console users with their roles and state.") { server, key };
usersList.SetAction(async (parse, ct) => Connect(parse, "users list", TimeSpan.FromSeconds(30)) is { } http ? await Users(http).ListAsync(ct) : UserAdmin.Refused);
var users = new Command("users", "Add console users, reset their passwords, list them (needs an API key with users:manage). Exit codes: 0 done; 1 Ordo failed; 2 refused (the server's reason is printed), bad usage or Ordo unreachable.")
{
    usersAdd, usersReset, usersList,
};

var root = new RootCommand("Ordo's command line: talks to a running Ordo server.") { simulate, import, shops, skus, stock, users };
var parsed = root.Parse(args);
// Bad usage is one line (the parser's error) and exit code 2, not the whole help page: --help shows that.
if (parsed.Action is System.CommandLine.Invocation.ParseErrorAction parseError) parseError.ShowHelp = false;
var exitCode = await parsed.InvokeAsync();
// A command line that does not parse is a usage error: exit code 2, as each command's own checks give.
return parsed.Errors.Count > 0 && exitCode != 0 ? 2 : exitCode;

// An HTTP client for Ordo from --server and --key (or the key file), or null after saying what is wrong.
HttpClient? Connect(ParseResult parse, string command, TimeSpan timeout)
{
    var apiKey = parse.GetValue(key) ?? ReadKeyFile();
    if (apiKey is null)
    {
        Console.Error.WriteLine($"ordo {command}: no API key: pass --key or run from the repository root after the server's first start (data/admin-api-key.txt)");
        return null;
    }
    if (!Uri.TryCreate(parse.GetValue(server), UriKind.Absolute, out var baseUrl))
    {
        Console.Error.WriteLine($"ordo {command}: --server '{parse.GetValue(server)}' is not an absolute URL");
        return null;
    }
    var http = new HttpClient { BaseAddress = baseUrl, Timeout = timeout };
    http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
    return http;
}

static string? ReadKeyFile()
{
    var file = Path.Combine("data", "admin-api-key.txt");
    return File.Exists(file) ? File.ReadAllText(file).Trim() : null;
}
