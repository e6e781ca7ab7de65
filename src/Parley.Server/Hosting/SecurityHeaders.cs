namespace Parley.Server.Hosting;

/// <summary>
/// Headers every response carries, pages, assets, API, hub, blobs and errors alike. The page's
/// code is what holds the keys, so a script injected into it is a key theft: the policy lets the
/// page run only the server's own bundles and talk only to its own origin.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>
    /// Same-origin only. <c>'self'</c> also covers the hub's same-origin WebSocket (CSP Level 3).
    /// Monaco writes <c>style</c> attributes and <c>&lt;style&gt;</c> elements of its own (theme
    /// colours, decorations) and has no nonce hook, as do the remote cursor styles; with
    /// <c>style-src-attr</c> alone the session test sees them blocked. So inline styles stay allowed;
    /// inline scripts and eval do not.
    /// Decrypted previews are <c>blob:</c> URLs; the favicon is a <c>data:</c> SVG. A streamed
    /// download opens a hidden same-origin frame that Parley's service worker answers.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; worker-src 'self'; connect-src 'self'; " +
        "img-src 'self' blob: data:; media-src 'self' blob:; font-src 'self' data:; " +
        "style-src 'self' 'unsafe-inline'; " +
        "frame-ancestors 'none'; frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; manifest-src 'self'";

    /// <summary>Powerful features Parley never uses; a page that cannot ask for them cannot be tricked into it.</summary>
    public const string PermissionsPolicy =
        "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), hid=(), " +
        "idle-detection=(), magnetometer=(), microphone=(), midi=(), payment=(), publickey-credentials-get=(), " +
        "screen-wake-lock=(), serial=(), usb=(), xr-spatial-tracking=(), browsing-topics=()";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        // Set when the response starts, so the exception handler clearing headers cannot drop them.
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            // The invite secret lives in the URL fragment; no referrer keeps even the path at home.
            headers["Referrer-Policy"] = "no-referrer";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            headers["Cross-Origin-Resource-Policy"] = "same-origin";
            headers["Permissions-Policy"] = PermissionsPolicy;
            headers.XFrameOptions = "DENY";
            return Task.CompletedTask;
        });
        return next(context);
    });
}
