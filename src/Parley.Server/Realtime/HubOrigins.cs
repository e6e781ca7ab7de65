using Microsoft.Extensions.Options;
using Parley.Protocol;
using Parley.Server.Hosting;

namespace Parley.Server.Realtime;

/// <summary>
/// Only Parley's own pages (and any origins configured in Parley:AllowedOrigins) may open the hub
/// from a browser: a WebSocket is not bound by CORS, so without this any site could drive a
/// visitor's browser into a room with the visitor's cookies. A request without an Origin header
/// comes from no browser page (the .NET client, tools) and is let through.
/// </summary>
public static class HubOrigins
{
    public static void UseHubOrigins(this WebApplication app) => app.UseWhen(
        http => http.Request.Path.StartsWithSegments(HubNames.Path),
        // Not async on the way in: an open connection would hold this step's state for its whole life.
        hub => hub.Use((http, next) =>
        {
            var origin = http.Request.Headers.Origin.ToString();
            return origin.Length == 0 || Allowed(origin, http) ? next(http) : RefuseAsync(http, origin);
        }));

    static Task RefuseAsync(HttpContext http, string origin)
    {
        ParleyMetrics.Refused(RefusalCode.OriginForbidden);
        http.RequestServices.GetRequiredService<ILogger<ParleyOptions>>()
            .LogInformation("Refused a hub connection from origin {Origin}", origin);
        return Problems.Refused(RefusalCode.OriginForbidden, "This page's origin may not connect to this server.",
            StatusCodes.Status403Forbidden).ExecuteAsync(http);
    }

    /// <summary>
    /// The server's own host (scheme aside: behind a proxy that ends TLS the request may look like
    /// http while the page is https), or a configured origin.
    /// </summary>
    static bool Allowed(string origin, HttpContext http)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri)) return false;
        if (string.Equals(uri.Authority, http.Request.Host.Value, StringComparison.OrdinalIgnoreCase)) return true;
        var allowed = http.RequestServices.GetRequiredService<IOptions<ParleyOptions>>().Value.AllowedOrigins;
        return allowed.Any(a => string.Equals(a.TrimEnd('/'), origin.TrimEnd('/'), StringComparison.OrdinalIgnoreCase));
    }
}
