using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Ordo.Data;

namespace Ordo.Server.Security.Users;

/// <summary>
/// Users, roles and sign-in: ASP.NET Core Identity over <see cref="OrdoUserStore"/>, the sign-in cookie, and the
/// authentication that picks the API key or the cookie per request. One call from Program.cs each.
/// </summary>
public static class UsersSetup
{
    /// <summary>The default scheme: the <c>X-Api-Key</c> header when present, else the Identity cookie.</summary>
    public const string PolicyScheme = "Ordo";
    public const string LoginPath = "/login";
    public const string LogoutPath = "/logout";
    /// <summary>The console's error page for 403 (Console/Pages/Error).</summary>
    public const string ForbiddenPath = "/error/403";
    public const string CookieName = "ordo_session";
    public const int MinPasswordLength = 10;
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(8);

    public static WebApplicationBuilder AddOrdoUsers(this WebApplicationBuilder builder)
    {
        var services = builder.Services;

        services.AddAuthentication(PolicyScheme)
            .AddPolicyScheme(PolicyScheme, "API key or sign-in cookie", o => o.ForwardDefaultSelector = ctx =>
                ctx.Request.Headers.ContainsKey(ApiKeyAuthenticationHandler.Header) ? ApiKeyAuthenticationHandler.SchemeName : IdentityConstants.ApplicationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddIdentityCookies(cookies =>
            {
                cookies.ApplicationCookie!.Configure(ConfigureSessionCookie);
                cookies.TwoFactorUserIdCookie!.Configure(o => Harden(o, "ordo_2fa"));
                cookies.TwoFactorRememberMeCookie!.Configure(o => Harden(o, "ordo_2fa_remember"));
                cookies.ExternalCookie!.Configure(o => Harden(o, "ordo_external"));
            });

        services.AddIdentityCore<OrdoUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.User.AllowedUserNameCharacters = "";   // the user name is the e-mail address, checked by UserAccounts
                // Length over composition rules (NIST SP 800-63B): at least 10 characters, anything goes.
                o.Password.RequiredLength = MinPasswordLength;
                o.Password.RequireDigit = o.Password.RequireLowercase = o.Password.RequireUppercase = o.Password.RequireNonAlphanumeric = false;
                o.Password.RequiredUniqueChars = 1;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                o.Lockout.AllowedForNewUsers = true;
                o.SignIn.RequireConfirmedAccount = false;
            })
            .AddUserStore<OrdoUserStore>()
            .AddClaimsPrincipalFactory<OrdoClaimsFactory>()
            .AddSignInManager<OrdoSignInManager>()
            .AddDefaultTokenProviders()
            // Replaces Identity's authenticator provider under the same name: each code is accepted once.
            .AddTokenProvider<SingleUseAuthenticatorTokenProvider>(TokenOptions.DefaultAuthenticatorProvider);
        // Ordo sends neither mail nor SMS: only the authenticator app and the data-protection tokens (password reset).
        services.Configure<IdentityOptions>(o =>
        {
            o.Tokens.ProviderMap.Remove(TokenOptions.DefaultEmailProvider);
            o.Tokens.ProviderMap.Remove(TokenOptions.DefaultPhoneProvider);
        });
        // A session picks up changed roles, a reset password or a disabled account within a minute.
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(1));

        // Cookie and antiforgery keys in the database: every instance on one PostgreSQL reads the others' cookies.
        services.AddDataProtection().SetApplicationName("Ordo");
        services.AddOptions<KeyManagementOptions>().Configure<OrdoDatabase, SecretBox, TimeProvider>((o, db, box, clock) =>
            o.XmlRepository = new DatabaseKeyRepository(db, box, clock));

        services.AddAuthorization(o =>
        {
            foreach (var permission in Permissions.All)
                o.AddPolicy(permission, p => p.RequireAuthenticatedUser().AddRequirements(new PermissionRequirement(permission)));
        });
        services.AddSingleton<IAuthorizationHandler, PermissionHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, AuditedAuthorizationResults>();

        services.AddScoped<ISecondFactorCheck, AuthenticatorSecondFactorCheck>();
        services.AddScoped<UserAccounts>();
        services.AddSingleton<UserBootstrap>();
        services.Configure<Microsoft.AspNetCore.Mvc.MvcOptions>(o => o.Filters.Add<MustChangePasswordFilter>());
        return builder;
    }

    /// <summary>
    /// Before serving: puts the configured role grants in effect (a typo stops the start with a message naming it), then
    /// creates the first admin (and the demo users) when there is no user yet. The grants are read from the built
    /// application's configuration, which holds every source (test hosts add theirs after Program's first lines).
    /// </summary>
    public static Task StartUsersAsync(this WebApplication app)
    {
        Roles.UseGrants(RoleGrants.Read(app.Configuration));
        return app.Services.GetRequiredService<UserBootstrap>().RunAsync(app.Lifetime.ApplicationStopping);
    }

    private static void Harden(CookieAuthenticationOptions o, string name)
    {
        o.Cookie.Name = name;
        o.Cookie.HttpOnly = true;
        o.Cookie.SameSite = SameSiteMode.Strict;
        o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
    }

    private static void ConfigureSessionCookie(CookieAuthenticationOptions o)
    {
        Harden(o, CookieName);
        o.ExpireTimeSpan = SessionLifetime;
        o.SlidingExpiration = true;
        o.LoginPath = LoginPath;
        o.LogoutPath = LogoutPath;
        o.AccessDeniedPath = ForbiddenPath;
        o.ReturnUrlParameter = "returnUrl";
        // The API never redirects: it answers with problem+json as it did before sign-in existed.
        o.Events.OnRedirectToLogin = ctx => IsApi(ctx.Request)
            ? Problems.Write(ctx.HttpContext, StatusCodes.Status401Unauthorized, "Unauthorized",
                $"send an API key in the {ApiKeyAuthenticationHandler.Header} header", field: ApiKeyAuthenticationHandler.Header)
            : Redirect(ctx);
        // The console's 403 page (/error/403) by a redirect: authorization runs before the console's status-code pages.
        o.Events.OnRedirectToAccessDenied = ctx => IsApi(ctx.Request)
            ? Problems.Write(ctx.HttpContext, StatusCodes.Status403Forbidden, "Forbidden", "your roles do not allow this request")
            : Redirect(ctx);
    }

    // The API and the console's live stream answer 401/403 themselves: a redirect means nothing to them.
    private static bool IsApi(HttpRequest request) => request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments("/console/live");

    // A page opened in the browser is redirected (to sign in, or to the 403 page). htmx would follow a redirect inside
    // the page: HX-Redirect makes it load the target as a whole. Anything else that is not a page (the live event
    // stream, a script's fetch) gets the bare status, as the API does.
    private static Task Redirect(RedirectContext<CookieAuthenticationOptions> ctx)
    {
        if (ctx.Request.Headers.ContainsKey("HX-Request"))
        {
            ctx.Response.StatusCode = StatusCodes.Status200OK;
            ctx.Response.Headers["HX-Redirect"] = ctx.RedirectUri;
        }
        else if (ctx.Request.Headers.Accept.Any(a => a?.Contains("text/html", StringComparison.OrdinalIgnoreCase) == true))
            ctx.Response.Redirect(ctx.RedirectUri);
        else
            ctx.Response.StatusCode = ctx.RedirectUri.Contains(LoginPath, StringComparison.Ordinal) ? StatusCodes.Status401Unauthorized : StatusCodes.Status403Forbidden;
        return Task.CompletedTask;
    }
}

/// <summary>A permission an endpoint or page requires (one policy per permission, named after it).</summary>
public sealed record PermissionRequirement(string Permission) : IAuthorizationRequirement;

/// <summary>Grants a permission when one of the user's roles does, with the role grants in effect (<see cref="Roles.UseGrants"/>).</summary>
public sealed class PermissionHandler : AuthorizationHandler<PermissionRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, PermissionRequirement requirement)
    {
        if (Roles.Grant(context.User, requirement.Permission))
            context.Succeed(requirement);
        return Task.CompletedTask;
    }
}

/// <summary>
/// Every request refused for a missing permission (403), on the API and the console, goes to the audit log. And an API
/// call that changes something on the strength of the sign-in cookie (not an API key) must carry the antiforgery token
/// in the <c>RequestVerificationToken</c> header, as the console's own requests do: the cookie alone could be sent by
/// a page of another site on the same domain.
/// </summary>
public sealed class AuditedAuthorizationResults(AuditTrail audit, Microsoft.AspNetCore.Antiforgery.IAntiforgery antiforgery) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult result)
    {
        if (result.Forbidden)
        {
            var required = result.AuthorizationFailure?.FailedRequirements.OfType<PermissionRequirement>().Select(r => r.Permission).ToList() ?? [];
            await audit.RecordAsync(context, AuditTrail.Actions.Denied, AuditTrail.Outcomes.Denied, context.Request.Path.Value,
                new { method = context.Request.Method, path = context.Request.Path.Value, permission = string.Join(",", required) });
        }
        else if (result.Succeeded && IsCookieApiChange(context) && !await antiforgery.IsRequestValidAsync(context))
        {
            await audit.RecordAsync(context, AuditTrail.Actions.Denied, AuditTrail.Outcomes.Denied, context.Request.Path.Value,
                new { method = context.Request.Method, path = context.Request.Path.Value, reason = "no antiforgery token" });
            await Problems.Write(context, StatusCodes.Status403Forbidden, "Forbidden",
                "a change made with the sign-in cookie needs the antiforgery token in the RequestVerificationToken header (or use an API key)",
                field: "RequestVerificationToken");
            return;
        }
        await _default.HandleAsync(next, context, policy, result);
    }

    private static bool IsCookieApiChange(HttpContext context) =>
        context.Request.Path.StartsWithSegments("/api")
        && !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method) && !HttpMethods.IsOptions(context.Request.Method)
        && context.User.Identity is { IsAuthenticated: true, AuthenticationType: var type } && type != ApiKeyAuthenticationHandler.SchemeName;
}

/// <summary>Refuses sign-in to disabled users (their sessions end at the next stamp check: disabling changes the stamp).</summary>
public sealed class OrdoSignInManager(
    UserManager<OrdoUser> users, IHttpContextAccessor http, IUserClaimsPrincipalFactory<OrdoUser> claims, IOptions<IdentityOptions> options,
    ILogger<SignInManager<OrdoUser>> log, IAuthenticationSchemeProvider schemes, IUserConfirmation<OrdoUser> confirmation)
    : SignInManager<OrdoUser>(users, http, claims, options, log, schemes, confirmation)
{
    public override async Task<bool> CanSignInAsync(OrdoUser user) => user.DisabledAt is null && await base.CanSignInAsync(user);
}

/// <summary>
/// Data Protection's key ring in the database (table <c>data_protection_keys</c>), sealed with <see cref="SecretBox"/>.
/// The interface is synchronous; it is called when the key ring is loaded or a key is made (at start, then about daily).
/// </summary>
public sealed class DatabaseKeyRepository(OrdoDatabase database, SecretBox box, TimeProvider clock) : Microsoft.AspNetCore.DataProtection.Repositories.IXmlRepository
{
    // A key sealed with another secrets key (an instance without the shared Ordo:Secrets:Key) cannot be opened here: it
    // is left out, so this instance makes its own key instead of failing every sign-in.
    public IReadOnlyCollection<System.Xml.Linq.XElement> GetAllElements()
    {
        var elements = new List<System.Xml.Linq.XElement>();
        foreach (var sealedXml in database.ReadAsync(Ordo.Data.Security.DataProtectionKeyStore.ListAsync).GetAwaiter().GetResult())
        {
            try { elements.Add(System.Xml.Linq.XElement.Parse(box.Open(sealedXml)!)); }
            catch (System.Security.Cryptography.CryptographicException) { }
        }
        return elements;
    }

    public void StoreElement(System.Xml.Linq.XElement element, string friendlyName) =>
        database.WriteAsync(s => Ordo.Data.Security.DataProtectionKeyStore.AddAsync(
            s, friendlyName, box.Seal(element.ToString(System.Xml.Linq.SaveOptions.DisableFormatting))!, clock.GetUtcNow())).GetAwaiter().GetResult();
}

/// <summary>
/// <c>Ordo:Roles:&lt;role&gt;</c>: a list of permission names (or one comma-separated string) replacing the role's
/// default grants. Unknown roles and permissions stop the start with a message naming them.
/// </summary>
public static class RoleGrants
{
    public const string Section = "Ordo:Roles";

    public static Dictionary<string, string[]> Read(IConfiguration configuration)
    {
        var grants = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var child in configuration.GetSection(Section).GetChildren())
        {
            var role = Roles.All.FirstOrDefault(r => string.Equals(r, child.Key, StringComparison.OrdinalIgnoreCase))
                ?? throw new InvalidOperationException($"{Section}:{child.Key}: unknown role '{child.Key}'; roles are: {string.Join(", ", Roles.All)}");
            // Some configuration sources give a list's parent key an empty value: the list is in the children then.
            var names = !string.IsNullOrWhiteSpace(child.Value) ? child.Value
                .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                : child.GetChildren().Select(c => c.Value?.Trim() ?? "").Where(v => v.Length > 0).ToArray();
            if (names.FirstOrDefault(p => !Permissions.All.Contains(p, StringComparer.Ordinal)) is { } unknown)
                throw new InvalidOperationException(
                    $"{Section}:{child.Key}: unknown permission '{unknown}'; permissions are: {string.Join(", ", Permissions.All)}");
            grants[role] = [.. names.Distinct(StringComparer.Ordinal)];
        }
        return grants;
    }
}
