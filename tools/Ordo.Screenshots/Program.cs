using Microsoft.Playwright;

// Takes the screenshots of the console's main pages that docs/ and the README show, from a running Ordo with the
// demo data: dotnet run --project tools/Ordo.Screenshots -- <base url> <email> <password> <output dir> [culture] [new password]
// (the new password is set when the account must change its password at the first sign-in, as the first admin must).
// It drives Debian's Chromium (/usr/bin/chromium) through Playwright, as the browser tests do.
if (args.Length < 4)
{
    Console.Error.WriteLine("usage: Ordo.Screenshots <base url> <email> <password> <output dir> [culture] [new password]");
    return 2;
}
var (baseUrl, email, password, output) = (args[0].TrimEnd('/'), args[1], args[2], args[3]);
var culture = args.Length > 4 ? args[4] : "zh-CN";
Directory.CreateDirectory(output);

using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new()
{
    ExecutablePath = "/usr/bin/chromium",
    Headless = true,
    Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
});
var context = await browser.NewContextAsync(new()
{
    BaseURL = baseUrl, Locale = culture, TimezoneId = "Asia/Shanghai", ViewportSize = new() { Width = 1440, Height = 900 },
});
var page = await context.NewPageAsync();

await page.GotoAsync("/login");
await Shot("login");
await page.FillAsync("#email", email);
await page.FillAsync("#password", password);
await page.ClickAsync("[data-test=login-submit]");
await page.WaitForSelectorAsync("[data-test=user-name]");
if (page.Url.Contains("mustChange", StringComparison.Ordinal))
{
    if (args.Length < 6)
    {
        Console.Error.WriteLine("this account must change its password first: give the new password as the sixth argument");
        return 1;
    }
    await page.FillAsync("#currentPassword", password);
    await page.FillAsync("#newPassword", args[5]);
    await page.FillAsync("#confirmPassword", args[5]);
    await page.ClickAsync("[data-test=password-form] [type=submit]");
    await page.WaitForSelectorAsync("[data-test=account-message]");
}
if (culture == "en") await page.ClickAsync("[data-test=lang-en]");

await page.GotoAsync("/");
await page.WaitForTimeoutAsync(5000); // the charts animate and the live counts arrive
await Shot("overview");
await page.GotoAsync("/orders");
await Shot("orders");
var first = await page.Locator("[data-test=order-link]").First.GetAttributeAsync("href");
if (first is not null)
{
    await page.GotoAsync(first);
    await Shot("order-detail", fullPage: true);
}
foreach (var path in new[] { "holds", "inbox", "shops", "inventory", "webhooks", "audit", "audit/report", "users" })
{
    var response = await page.GotoAsync("/" + path);
    if (response is { Ok: true }) await Shot(path.Replace('/', '-'));
    else Console.Error.WriteLine($"/{path}: {response?.Status}");
}
return 0;

async Task Shot(string name, bool fullPage = false)
{
    var file = Path.Combine(output, $"{name}{(culture == "zh-CN" ? "" : "." + culture)}.png");
    await page.ScreenshotAsync(new() { Path = file, FullPage = fullPage });
    Console.WriteLine(file);
}
