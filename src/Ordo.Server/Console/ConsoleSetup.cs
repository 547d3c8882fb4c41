using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.WebEncoders;

namespace Ordo.Server.Console;

/// <summary>
/// The web console: Razor Pages under <c>Console/Pages</c>, resx text under <c>Console/Resources</c> (neutral = zh-CN,
/// <c>.en.resx</c> = English), static files from wwwroot and HTML error pages for everything outside the API.
/// </summary>
public static class ConsoleSetup
{
    public static readonly CultureInfo[] Cultures = [new("zh-CN"), new("en")];
    public const string DefaultCulture = "zh-CN";
    public const string CultureClaim = "ordo:culture";
    public const string TimeZoneClaim = "ordo:tz";
    /// <summary>The header htmx sends the antiforgery token in (see console.js).</summary>
    public const string AntiforgeryHeader = "RequestVerificationToken";

    // Paths that are not console pages: they keep their own answers (problem+json, plain text, metrics).
    private static readonly string[] NonConsolePrefixes = ["/api", "/hooks", "/healthz", "/metrics", "/openapi"];

    public static IServiceCollection AddOrdoConsole(this IServiceCollection services)
    {
        services.AddLocalization();
        // Chinese text stays readable in the HTML instead of becoming &#x…; entities.
        services.Configure<WebEncoderOptions>(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        // Each page names its permission policy ([Authorize(Policy = …)]). No folder-wide convention: the error page
        // must carry no authorization metadata, because a re-executed request does not pass the authorization middleware again.
        services.AddRazorPages(o => o.RootDirectory = "/Console/Pages").AddViewLocalization();
        services.AddSingleton<ConsoleLiveCounts>();
        services.AddAntiforgery(o => o.HeaderName = AntiforgeryHeader);
        services.Configure<RequestLocalizationOptions>(o =>
        {
            o.DefaultRequestCulture = new RequestCulture(DefaultCulture);
            o.SupportedCultures = Cultures;
            o.SupportedUICultures = Cultures;
            // The language switch's cookie first, then the signed-in user's setting, then zh-CN.
            o.RequestCultureProviders =
            [
                new CookieRequestCultureProvider(),
                new CustomRequestCultureProvider(ctx =>
                {
                    var culture = ctx.User.FindFirstValue(CultureClaim);
                    return Task.FromResult(string.IsNullOrEmpty(culture) ? null : new ProviderCultureResult(culture));
                }),
            ];
        });
        return services;
    }

    /// <summary>Call after UseAuthorization: the request culture reads the user's claim.</summary>
    public static WebApplication MapOrdoConsole(this WebApplication app)
    {
        app.UseStaticFiles();
        app.UseRequestLocalization();
        // HTML error pages for console paths only. Not in a UseWhen branch: a branch has no global route builder, so
        // its re-execution would not route to the error page. Outside the console this middleware switches itself
        // off, and the outer status-code pages answer problem+json as before.
        app.UseStatusCodePagesWithReExecute("/error/{0}");
        app.Use((ctx, next) =>
        {
            if (!IsConsolePath(ctx.Request.Path) && ctx.Features.Get<IStatusCodePagesFeature>() is { } pages) pages.Enabled = false;
            return next(ctx);
        });
        // A console page that fails shows the console's error page (the status-code pages above re-execute for the
        // 500); the API keeps the exception handler's problem+json.
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Ordo.Console");
        app.Use(async (ctx, next) =>
        {
            if (!IsConsolePath(ctx.Request.Path))
            {
                await next(ctx);
                return;
            }
            try
            {
                await next(ctx);
            }
            catch (Exception ex) when (!ctx.Response.HasStarted && !ctx.RequestAborted.IsCancellationRequested)
            {
                log.LogError(ex, "Console page {Path} failed", ctx.Request.Path.Value);
                ctx.Response.Clear();
                ctx.Response.StatusCode = StatusCodes.Status500InternalServerError;
            }
        });
        app.MapRazorPages();
        app.MapGet("/console/live", ConsoleLive.StreamAsync).RequireAuthorization(Security.Permissions.OrdersRead).ExcludeFromDescription();
        return app;
    }

    public static bool IsConsolePath(PathString path) =>
        !NonConsolePrefixes.Any(p => path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase));
}
