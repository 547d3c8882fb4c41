using Microsoft.Playwright;

namespace Ordo.Server.Tests.Browser;

/// <summary>
/// Debian's Chromium driven by Playwright's bundled driver (never a downloaded browser: `playwright install` cannot run
/// here). One browser per test class; each test gets its own context, so cookies and storage never leak between tests.
/// When /usr/bin/chromium is missing the browser tests are skipped, except where ORDO_TEST_REQUIRE_BROWSER=1 (CI).
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    public IBrowser? Browser { get; private set; }

    public static void Require()
    {
        if (File.Exists(ExecutablePath)) return;
        if (Environment.GetEnvironmentVariable("ORDO_TEST_REQUIRE_BROWSER") == "1")
            throw new InvalidOperationException($"ORDO_TEST_REQUIRE_BROWSER=1 but {ExecutablePath} is missing: install Debian's chromium package.");
        Assert.Skip($"{ExecutablePath} not installed (apt-get install chromium); browser tests skipped.");
    }

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ExecutablePath)) return;
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            // The flags that keep Chromium from reaching out to the network at start (this machine's network is closed).
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        });
    }

    /// <summary>A fresh browser context (own cookies) with a page, in the given UI language.</summary>
    public async Task<IPage> NewPageAsync(string baseUrl, string locale = "zh-CN")
    {
        Require();
        var context = await Browser!.NewContextAsync(new()
        {
            BaseURL = baseUrl,
            Locale = locale,
            TimezoneId = "Asia/Shanghai",
            ViewportSize = new() { Width = 1440, Height = 900 },
        });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
    }
}
