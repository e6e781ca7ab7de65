using System.ComponentModel.DataAnnotations;
using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using IPNetwork = System.Net.IPNetwork;

namespace Parley.Server.Hosting;

/// <summary>
/// Settings under "Parley:ForwardedHeaders": the reverse proxies whose X-Forwarded-For and
/// X-Forwarded-Proto are believed. With none listed no such header is believed, so nobody can
/// claim HTTPS or another address by sending one.
/// </summary>
public sealed class ProxyOptions : IValidatableObject
{
    public const string Section = "Parley:ForwardedHeaders";

    /// <summary>Addresses of the proxies, e.g. <c>127.0.0.1</c> for nginx on the same machine.</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Networks of the proxies in CIDR form, e.g. <c>172.16.0.0/12</c> for a container network.</summary>
    public string[] KnownNetworks { get; set; } = [];

    public bool Any => KnownProxies.Length > 0 || KnownNetworks.Length > 0;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var proxy in KnownProxies.Where(p => !IPAddress.TryParse(p, out _)))
            yield return new ValidationResult($"'{proxy}' is not an IP address.", [nameof(KnownProxies)]);
        foreach (var network in KnownNetworks.Where(n => !IPNetwork.TryParse(n, out _)))
            yield return new ValidationResult($"'{network}' is not a network in CIDR form (10.0.0.0/8).", [nameof(KnownNetworks)]);
    }
}

public static class ProxySetup
{
    public static void AddParleyProxies(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ProxyOptions>().BindConfiguration(ProxyOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<Microsoft.Extensions.Options.IOptions<ProxyOptions>>((forwarded, proxies) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // The framework trusts loopback by default; only what the operator lists is trusted here.
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var proxy in proxies.Value.KnownProxies) forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
            foreach (var network in proxies.Value.KnownNetworks) forwarded.KnownIPNetworks.Add(IPNetwork.Parse(network));
        });
        builder.Services.AddHsts(hsts => hsts.MaxAge = TimeSpan.FromDays(365));
    }

    /// <summary>
    /// First in the pipeline, so redirects, Secure cookies, HSTS, rate limits and logs see the
    /// client's scheme and address rather than the proxy's.
    /// </summary>
    public static void UseParleyProxies(this WebApplication app)
    {
        // Not added at all without a listed proxy: the middleware believes every sender when both
        // of its lists are empty.
        if (app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ProxyOptions>>().Value.Any)
            app.UseForwardedHeaders();
        // HSTS only on HTTPS requests to a real host name (never localhost), as UseHsts decides.
        app.UseHsts();
    }
}
