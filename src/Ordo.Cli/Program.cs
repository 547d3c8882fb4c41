using System.CommandLine;
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
    var apiKey = parse.GetValue(key) ?? ReadKeyFile();
    if (apiKey is null)
    {
        Console.Error.WriteLine("ordo simulate: no API key: pass --key or run from the repository root after the server's first start (data/admin-api-key.txt)");
        return 2;
    }
    if (!Uri.TryCreate(parse.GetValue(server), UriKind.Absolute, out var baseUrl))
    {
        Console.Error.WriteLine($"ordo simulate: --server '{parse.GetValue(server)}' is not an absolute URL");
        return 2;
    }
    var (runFor, perSecond) = (parse.GetValue(minutes), parse.GetValue(rate));
    if (runFor is <= 0 or > 24 * 60 || perSecond is <= 0 or > 1000)
    {
        Console.Error.WriteLine("ordo simulate: --minutes must be from 0 to 1440 and --rate from 0 to 1000");
        return 2;
    }
    using var http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(30) };
    http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
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

var root = new RootCommand("Ordo's command line: talks to a running Ordo server.") { simulate };
return await root.Parse(args).InvokeAsync();

static string? ReadKeyFile()
{
    var file = Path.Combine("data", "admin-api-key.txt");
    return File.Exists(file) ? File.ReadAllText(file).Trim() : null;
}
