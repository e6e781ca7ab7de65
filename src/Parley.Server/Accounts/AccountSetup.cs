using Microsoft.AspNetCore.Identity;
using Parley.Protocol;
using Parley.Server.Hosting;
using Parley.Server.Storage;

namespace Parley.Server.Accounts;

public static class AccountSetup
{
    /// <summary>Identity with cookies, antiforgery, the captcha and the access policy.</summary>
    public static void AddParleyAccounts(this WebApplicationBuilder builder, ParleyOptions options)
    {
        var services = builder.Services;
        services.AddOptions<CaptchaOptions>().BindConfiguration(CaptchaOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<PolicyOptions>().BindConfiguration(PolicyOptions.Section);

        // Cookies, antiforgery tokens and captcha challenges are sealed with Data Protection keys
        // kept in the database (Hosting/DataProtectionSetup.cs).

        services.AddAuthentication(IdentityConstants.ApplicationScheme).AddIdentityCookies();
        services.ConfigureApplicationCookie(cookie =>
        {
            cookie.Cookie.Name = "parley.account";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.ExpireTimeSpan = TimeSpan.FromDays(30);
            cookie.SlidingExpiration = true;
            // An API answers with a status, never with a redirect to a login page.
            cookie.Events.OnRedirectToLogin = context => StatusOnly(context.Response, StatusCodes.Status401Unauthorized);
            cookie.Events.OnRedirectToAccessDenied = context => StatusOnly(context.Response, StatusCodes.Status403Forbidden);
        });
        services.AddIdentityCore<ParleyUser>(identity =>
            {
                // Length is what makes a password strong; composition rules only make people write it down.
                identity.Password.RequiredLength = 8;
                identity.Password.RequireDigit = false;
                identity.Password.RequireLowercase = false;
                identity.Password.RequireUppercase = false;
                identity.Password.RequireNonAlphanumeric = false;
                identity.Password.RequiredUniqueChars = 1;
                // Locking is SignInGuard's, for every user name alike: Identity's would lock only real ones.
                identity.Lockout.AllowedForNewUsers = false;
                identity.User.RequireUniqueEmail = false;
            })
            .AddEntityFrameworkStores<ParleyDb>()
            .AddSignInManager();
        services.AddOptions<SignInLimits>().BindConfiguration(SignInLimits.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SignInGuard>();
        services.AddAuthorization();
        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.HeaderName = AccountNames.AntiforgeryHeader;
            antiforgery.Cookie.Name = "parley.antiforgery";
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
            antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });

        services.AddSingleton<AccessPolicy>();
        services.AddScoped<MemberAccounts>();
        services.AddScoped<AccountsApi.Services>();
        services.AddSingleton<ProofOfWorkCaptcha>();
    }

    static Task StatusOnly(HttpResponse response, int status)
    {
        response.StatusCode = status;
        return Task.CompletedTask;
    }
}
