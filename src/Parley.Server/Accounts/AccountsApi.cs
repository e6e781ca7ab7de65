using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Parley.Protocol;
using Parley.Server.Hosting;

namespace Parley.Server.Accounts;

/// <summary>Register, sign in and out, who am I; and the captcha's challenges (docs/protocol.md, "Accounts").</summary>
public static class AccountsApi
{
    const int MinUserName = Limits.UserNameMinLength;
    const int MaxUserName = Limits.UserNameMaxLength;
    const int MaxPassword = Limits.AccountPasswordMaxLength;

    public sealed class Services(UserManager<ParleyUser> users, SignInManager<ParleyUser> signIn, IAntiforgery antiforgery,
        AccessPolicy policy, SignInGuard guard)
    {
        public SignInGuard Guard { get; } = guard;
        public UserManager<ParleyUser> Users { get; } = users;
        public SignInManager<ParleyUser> SignIn { get; } = signIn;

        /// <summary>The caller as this request now sees them, with an antiforgery token made for exactly that user.</summary>
        public AccountState StateOf(HttpContext http)
        {
            var tokens = antiforgery.GetAndStoreTokens(http);
            var identity = http.User.Identity;
            var signedIn = identity?.IsAuthenticated == true;
            return new AccountState(signedIn, signedIn ? identity!.Name : null, policy.For(signedIn), tokens.RequestToken!);
        }

        /// <summary>After a sign-in the request still carries the old user: the answer speaks for the new one.</summary>
        public async Task<AccountState> SignedInAsync(HttpContext http, ParleyUser user)
        {
            http.User = await SignIn.CreateUserPrincipalAsync(user);
            return StateOf(http);
        }
    }

    public static void MapAccountsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/captcha", (ProofOfWorkCaptcha captcha) => TypedResults.Ok(captcha.Issue()));

        var account = app.MapGroup("/api/account");
        account.MapGet("/", (HttpContext http, Services s) => TypedResults.Ok(s.StateOf(http)));
        account.MapPost("/register", Register).RequireAntiforgery().RequireCaptcha<AccountCredentials>(c => c.Captcha);
        account.MapPost("/signin", SignIn).RequireAntiforgery();
        account.MapPost("/signout", SignOut).RequireAntiforgery();
    }

    static async Task<Results<Created<AccountState>, ProblemHttpResult>> Register(AccountCredentials request, HttpContext http,
        Services s)
    {
        if (request.UserName is not { Length: >= MinUserName and <= MaxUserName })
            return Problems.Refused(RefusalCode.UserNameInvalid, $"A user name has {MinUserName} to {MaxUserName} characters.", 400);
        if (request.Password is not { Length: <= MaxPassword })
            return Problems.Refused(RefusalCode.AccountPasswordInvalid, $"A password has at most {MaxPassword} characters.", 400);

        var user = new ParleyUser { UserName = request.UserName };
        var created = await s.Users.CreateAsync(user, request.Password);
        if (!created.Succeeded)
            return created.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.DuplicateUserName))
                ? Problems.Refused(RefusalCode.UserNameTaken, "That user name is taken: choose another.", 409)
                : Problems.Refused(created.Errors.All(e => e.Code.StartsWith("Password", StringComparison.Ordinal))
                    ? RefusalCode.AccountPasswordInvalid : RefusalCode.UserNameInvalid,
                    string.Join(" ", created.Errors.Select(e => e.Description)), 400);
        await s.SignIn.SignInAsync(user, isPersistent: true);
        return TypedResults.Created("/api/account", await s.SignedInAsync(http, user));
    }

    static async Task<Results<Ok<AccountState>, ProblemHttpResult>> SignIn(AccountCredentials request, HttpContext http,
        Services s)
    {
        if (request is not { UserName.Length: > 0 and <= MaxUserName, Password.Length: > 0 and <= MaxPassword })
            return WrongCredentials();
        return await CheckPasswordAsync(request, http, s);
    }

    static async Task<Results<Ok<AccountState>, ProblemHttpResult>> CheckPasswordAsync(AccountCredentials request, HttpContext http,
        Services s)
    {
        if (!await s.Guard.TryAttemptAsync(http, request.UserName!))
        {
            ParleyMetrics.RateLimitHit("sign-in");
            return Problems.Refused(RefusalCode.RateLimited, "Too many sign-in attempts: wait a minute.", 429);
        }
        if (!await s.Guard.TryBeginAsync(request.UserName!))
            return Problems.Refused(RefusalCode.AccountLocked, "Too many failed sign-ins: this account is locked for a few minutes.", 429);
        var user = await s.Users.FindByNameAsync(request.UserName!);
        if (user is null)
        {
            s.Guard.SpendAsOnAKnownUser(request.Password!);
            return WrongCredentials();
        }
        // The guard keeps the lockout, for unknown names too (SignInGuard's remarks).
        var result = await s.SignIn.PasswordSignInAsync(user, request.Password!, isPersistent: true, lockoutOnFailure: false);
        if (!result.Succeeded) return WrongCredentials();
        await s.Guard.SucceededAsync(request.UserName!);
        return TypedResults.Ok(await s.SignedInAsync(http, user));
    }

    static ProblemHttpResult WrongCredentials() => Problems.Refused(RefusalCode.SignInFailed, "Wrong user name or password.", 401);

    static async Task<Ok<AccountState>> SignOut(HttpContext http, Services s)
    {
        await s.SignIn.SignOutAsync();
        http.User = new ClaimsPrincipal(new ClaimsIdentity());
        return TypedResults.Ok(s.StateOf(http));
    }
}
