using System.Net;
using System.Net.Http.Json;
using Parley.Client.Sessions;
using Parley.Protocol;

namespace Parley.Client.Accounts;

/// <summary>
/// An account session as a browser holds it: the cookies, the antiforgery token sent on every
/// request, and captchas solved when the server asks for them. Join rooms with <see cref="Cookies"/>
/// to join as this account.
/// </summary>
public sealed class AccountClient : IDisposable
{
    public AccountClient(Uri server)
    {
        Http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies }) { BaseAddress = server, Timeout = TimeSpan.FromSeconds(30) };
    }

    public CookieContainer Cookies { get; } = new();

    /// <summary>Carries this account's cookies and its current antiforgery token.</summary>
    public HttpClient Http { get; }

    public AccountState? State { get; private set; }

    /// <summary>GET /api/account: who this is, what they may do, and a fresh antiforgery token.</summary>
    public async Task<AccountState> RefreshAsync(CancellationToken ct = default) =>
        Keep(await Http.GetFromJsonAsync<AccountState>("/api/account", ct));

    public async Task<AccountState> RegisterAsync(string userName, string password, CancellationToken ct = default) =>
        await PostAsync("/api/account/register", new AccountCredentials(userName, password, await SolveCaptchaAsync(Http, ct)), ct);

    public Task<AccountState> SignInAsync(string userName, string password, CancellationToken ct = default) =>
        PostAsync("/api/account/signin", new AccountCredentials(userName, password), ct);

    public Task<AccountState> SignOutAsync(CancellationToken ct = default) => PostAsync("/api/account/signout", null, ct);

    /// <summary>Creates a room as this account, or as a guest who solved the captcha when signed out.</summary>
    public async Task<NewRoom> CreateRoomAsync(CancellationToken ct = default)
    {
        var state = State ?? await RefreshAsync(ct);
        return await RoomSession.CreateRoomAsync(Http, ct, state.SignedIn ? null : await SolveCaptchaAsync(Http, ct));
    }

    /// <summary>Fetches a challenge and solves it; null when the server's captcha is off.</summary>
    public static async Task<CaptchaSolution?> SolveCaptchaAsync(HttpClient http, CancellationToken ct = default)
    {
        var captcha = await http.GetFromJsonAsync<CaptchaChallenge>("/api/captcha", ct);
        if (captcha is not { Enabled: true, Challenge: { } challenge }) return null;
        return new CaptchaSolution(challenge, ProofOfWork.Solve(challenge, captcha.Difficulty, ct));
    }

    async Task<AccountState> PostAsync(string path, object? body, CancellationToken ct)
    {
        if (State is null) await RefreshAsync(ct);
        using var response = await Http.PostAsJsonAsync(path, body, ct);
        await HttpProblems.EnsureSuccessAsync(response, ct);
        return Keep(await response.Content.ReadFromJsonAsync<AccountState>(ct));
    }

    /// <summary>The token is bound to the signed-in user, so each change of user brings a new one.</summary>
    AccountState Keep(AccountState? state)
    {
        State = state ?? throw new InvalidDataException("The server answered without an account state.");
        Http.DefaultRequestHeaders.Remove(AccountNames.AntiforgeryHeader);
        Http.DefaultRequestHeaders.Add(AccountNames.AntiforgeryHeader, state.AntiforgeryToken);
        return state;
    }

    public void Dispose() => Http.Dispose();
}
