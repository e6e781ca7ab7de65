namespace Parley.Server.Hosting;

/// <summary>How long browsers and proxies may keep what the server sends, decided by path.</summary>
public static class CachePolicy
{
    const string Year = "public, max-age=31536000, immutable";

    public static IApplicationBuilder UseCachePolicy(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            // Rooms, files, accounts and health change with every request and are nobody else's to keep.
            if (IsPrivate(context.Request.Path)) context.Response.Headers.CacheControl = "no-store";
            else if (IsHashedAsset(context)) context.Response.Headers.CacheControl = Year;
            return Task.CompletedTask;
        });
        return next(context);
    });

    static bool IsPrivate(PathString path) =>
        path.StartsWithSegments("/api") || path.StartsWithSegments(Parley.Protocol.HubNames.Path)
        || path.StartsWithSegments("/healthz");

    /// <summary>
    /// Vite names everything under assets/ by a hash of its content (web/vite.config.ts), so such a
    /// name never changes meaning: browsers may keep it a year without asking. MapStaticAssets only
    /// knows its own fingerprints and would have each load revalidate; index.html and the download
    /// service worker keep fixed names and MapStaticAssets' no-cache.
    /// </summary>
    static bool IsHashedAsset(HttpContext context) =>
        context.Request.Path.StartsWithSegments("/assets")
        && context.Response.StatusCode is StatusCodes.Status200OK or StatusCodes.Status206PartialContent or StatusCodes.Status304NotModified;
}
