using Ordo.Server.Features.Audit;
using Ordo.Server.Features.Exports;

namespace Ordo.Server.Features;

/// <summary>The audit log and access report, and order exports: their services and endpoints.</summary>
public static class OpsSetup
{
    public static IServiceCollection AddOrdoOps(this IServiceCollection services, IConfiguration configuration)
    {
        // Working hours that cannot be read stop the start, with the setting named (not the first report).
        services.AddOptions<AuditOptions>().Bind(configuration.GetSection(AuditOptions.Section))
            .Validate(o => o.WorkingHours.ToWorkingHours() is not null).ValidateOnStart();
        services.Configure<ExportOptions>(configuration.GetSection(ExportOptions.Section));
        services.AddLocalization();
        services.AddSingleton<AccessReports>();
        services.AddSingleton<OrderExports>();
        return services;
    }

    public static void MapOrdoOps(this RouteGroupBuilder api)
    {
        AuditEndpoints.Map(api);
        ExportEndpoints.Map(api);
    }
}
