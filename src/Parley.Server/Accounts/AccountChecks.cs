using Microsoft.AspNetCore.Antiforgery;
using Parley.Protocol;
using Parley.Server.Hosting;

namespace Parley.Server.Accounts;

/// <summary>The two gates in front of state-changing HTTP calls: the antiforgery token and the captcha.</summary>
public static class AccountChecks
{
    public const string AntiforgeryRefusal =
        "Missing or invalid antiforgery token: send the antiforgeryToken of GET /api/account in the X-Parley-Antiforgery header (in a browser: reload the page).";

    static bool SignedIn(HttpContext http) => http.User.Identity?.IsAuthenticated == true;

    /// <summary>
    /// A browser sends the account cookie with any request, even one another site makes it send;
    /// only this site's pages can read the token, so the token proves the request came from Parley.
    /// </summary>
    /// <param name="onlyWhenSignedIn">For calls guests may make too: a guest has no cookie to misuse.</param>
    public static RouteHandlerBuilder RequireAntiforgery(this RouteHandlerBuilder endpoint, bool onlyWhenSignedIn = false) =>
        endpoint.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            if (onlyWhenSignedIn && !SignedIn(http)) return await next(context);
            var antiforgery = http.RequestServices.GetRequiredService<IAntiforgery>();
            return await antiforgery.IsRequestValidAsync(http)
                ? await next(context)
                : Problems.Refused(RefusalCode.AntiforgeryInvalid, AntiforgeryRefusal, StatusCodes.Status400BadRequest);
        });

    /// <summary>Asks the request body of type <typeparamref name="TRequest"/> for a solved captcha (when the captcha is on).</summary>
    /// <param name="onlyForGuests">Signed-in people passed one when they registered.</param>
    public static RouteHandlerBuilder RequireCaptcha<TRequest>(this RouteHandlerBuilder endpoint,
        Func<TRequest, CaptchaSolution?> solutionOf, bool onlyForGuests = false) =>
        endpoint.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            if (onlyForGuests && SignedIn(http)) return await next(context);
            var request = context.Arguments.OfType<TRequest>().FirstOrDefault();
            var refusal = await http.RequestServices.GetRequiredService<ProofOfWorkCaptcha>()
                .CheckAsync(request is null ? null : solutionOf(request));
            return refusal is null ? await next(context) : Problems.Refused(refusal.Code, refusal.Message, refusal.Status);
        });
}
