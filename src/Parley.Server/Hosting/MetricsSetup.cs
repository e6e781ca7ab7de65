using System.ComponentModel.DataAnnotations;
using System.Net;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Parley.Server.Hosting;

/// <summary>Settings under "Parley:Metrics" (environment: Parley__Metrics__Name). Documented in docs/configuration.md.</summary>
public sealed class MetricsOptions : IValidatableObject
{
    public const string Section = "Parley:Metrics";

    /// <summary>Serve Prometheus text at /metrics. Off by default: the figures are the operator's, not the public's.</summary>
    public bool Enabled { get; set; }

    /// <summary>Address ranges (CIDR, e.g. "10.0.0.0/8", "::1/128") that may read /metrics; empty lets every address.</summary>
    public string[] AllowedNetworks { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        foreach (var network in AllowedNetworks)
            if (!IPNetwork.TryParse(network, out _))
                yield return new ValidationResult($"AllowedNetworks: \"{network}\" is not an address range such as 10.0.0.0/8.", [nameof(AllowedNetworks)]);
    }

    /// <summary>Whether a scrape from <paramref name="address"/> may read the metrics.</summary>
    public bool Allows(IPAddress? address)
    {
        if (AllowedNetworks.Length == 0) return true;
        if (address is null) return false;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        return AllowedNetworks.Any(n => IPNetwork.Parse(n).Contains(address));
    }
}

/// <summary>
/// /metrics through OpenTelemetry's Prometheus exporter: Parley's meter, ASP.NET Core's (requests,
/// Kestrel connections, SignalR's transport connections, rate limiting) and the runtime's.
/// </summary>
public static class MetricsSetup
{
    public const string Path = "/metrics";

    static readonly string[] Meters =
    [
        ParleyMetrics.MeterName,
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Http.Connections",
        "Microsoft.AspNetCore.Routing",
        "Microsoft.AspNetCore.Diagnostics",
        "System.Runtime",
    ];

    public static void AddParleyMetrics(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        if (!builder.Configuration.GetValue<bool>($"{MetricsOptions.Section}:{nameof(MetricsOptions.Enabled)}")) return;
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("parley"))
            .WithMetrics(metrics => metrics
            .AddMeter(Meters)
            .AddPrometheusExporter(prometheus =>
            {
                // A scrape sees the figures as they are now (Prometheus scrapes seldom enough).
                prometheus.ScrapeResponseCacheDurationMilliseconds = 0;
            }));
    }

    public static void MapParleyMetrics(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value;
        if (!options.Enabled)
        {
            // Not the web app's page (the client-route fallback would serve it): nothing is here.
            app.MapMethods(Path, [HttpMethods.Get, HttpMethods.Head], () => Results.NotFound());
            return;
        }
        app.MapPrometheusScrapingEndpoint(Path, meterProvider: null, configureBranchedPipeline: branch => branch.Use(async (http, next) =>
        {
            // The address after ProxySetup: behind a trusted proxy, the scraper's own.
            if (!options.Allows(http.Connection.RemoteIpAddress))
            {
                http.Response.StatusCode = StatusCodes.Status403Forbidden;
                return;
            }
            await next(http);
        }), optionsName: null);
    }
}
