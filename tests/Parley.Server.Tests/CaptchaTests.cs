using System.Net;
using System.Net.Http.Json;
using Parley.Client.Accounts;
using Parley.Client.Crypto;
using Parley.Protocol;
using Parley.Testing;

namespace Parley.Server.Tests;

public class CaptchaTests(AccountsFixture fixture) : IClassFixture<AccountsFixture>
{
    sealed record Problem(string? Detail, string? Code);

    static Task<HttpResponseMessage> CreateRoomAsync(HttpClient http, CaptchaSolution? captcha) =>
        http.PostAsJsonAsync("/api/rooms", new { joinVerifier = RoomSecrets.FromLinkSecret(RoomSecrets.NewLinkSecret()).JoinVerifier, captcha });

    static async Task<(CaptchaChallenge Challenge, CaptchaSolution Solution)> SolveAsync(HttpClient http)
    {
        var challenge = (await http.GetFromJsonAsync<CaptchaChallenge>("/api/captcha"))!;
        return (challenge, new CaptchaSolution(challenge.Challenge!, ProofOfWork.Solve(challenge.Challenge!, challenge.Difficulty)));
    }

    static async Task AssertRefusedAsync(Task<HttpResponseMessage> call, string expected)
    {
        using var response = await call;
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = (await response.Content.ReadFromJsonAsync<Problem>())!;
        Assert.Equal(RefusalCode.CaptchaInvalid.Wire(), problem.Code);
        // Which of the captcha's checks refused is for people (and this test): clients need only the code.
        Assert.Contains(expected, problem.Detail);
    }

    Task<long> RoomCountAsync() => fixture.CountRowsAsync("Rooms");

    [Fact]
    public async Task A_guest_creates_a_room_with_a_solved_captcha_and_the_same_solution_works_only_once()
    {
        using var http = fixture.Server.CreateHttpClient();
        var (challenge, solution) = await SolveAsync(http);
        Assert.True(challenge.Enabled);
        Assert.Equal(AccountsFixture.Difficulty, challenge.Difficulty);
        Assert.InRange(challenge.ExpiresAt - DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), 60_000, 5 * 60_000);

        using (var created = await CreateRoomAsync(http, solution)) Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var rooms = await RoomCountAsync();
        await AssertRefusedAsync(CreateRoomAsync(http, solution), "This captcha was already used");
        Assert.Equal(rooms, await RoomCountAsync());
    }

    [Fact]
    public async Task Guest_room_creation_without_a_right_captcha_is_refused_and_stores_no_room()
    {
        using var http = fixture.Server.CreateHttpClient();
        var rooms = await RoomCountAsync();
        await AssertRefusedAsync(CreateRoomAsync(http, null), "Solve the captcha first");

        var (_, solution) = await SolveAsync(http);
        var wrong = Enumerable.Range(0, 100).Select(i => $"w{i}").First(n => !ProofOfWork.IsSolution(solution.Challenge, n, AccountsFixture.Difficulty));
        await AssertRefusedAsync(CreateRoomAsync(http, solution with { Nonce = wrong }), "Wrong captcha solution");
        // One challenge, one guess: the right nonce after a wrong one comes too late.
        await AssertRefusedAsync(CreateRoomAsync(http, solution), "already used");

        var (_, fresh) = await SolveAsync(http);
        var tampered = fresh.Challenge[..^4] + (fresh.Challenge[^4] == 'A' ? 'B' : 'A') + fresh.Challenge[^3..];
        await AssertRefusedAsync(CreateRoomAsync(http, fresh with { Challenge = tampered }), "Invalid captcha");
        await AssertRefusedAsync(CreateRoomAsync(http, fresh with { Challenge = "not base64!" }), "Invalid captcha");
        await AssertRefusedAsync(CreateRoomAsync(http, new CaptchaSolution("parley captcha vector", "1053")), "Invalid captcha");
        Assert.Equal(rooms, await RoomCountAsync());

        using var created = await CreateRoomAsync(http, fresh); // the untampered one was never spent
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    [Fact]
    public async Task An_expired_captcha_is_refused()
    {
        await using var server = await ParleyServerProcess.StartAsync(settings: new Dictionary<string, string>
        {
            ["Parley__Captcha__Enabled"] = "true",
            ["Parley__Captcha__Difficulty"] = "4",
            ["Parley__Captcha__Lifetime"] = "00:00:01",
        });
        using var http = server.CreateHttpClient();
        var (challenge, solution) = await SolveAsync(http);

        await Eventually.True(() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() > challenge.ExpiresAt, "the challenge to expire");
        await AssertRefusedAsync(CreateRoomAsync(http, solution), "The captcha expired");
    }

    [Fact]
    public async Task Registration_needs_a_captcha_and_a_signed_in_person_creates_rooms_without_one()
    {
        using var alice = new AccountClient(fixture.Server.BaseUri);
        await alice.RefreshAsync();
        var name = AccountTests.NewUserName();
        await AssertRefusedAsync(alice.Http.PostAsJsonAsync("/api/account/register", new AccountCredentials(name, AccountTests.Password)),
            "Solve the captcha first");
        Assert.False((await alice.RefreshAsync()).SignedIn);

        await alice.RegisterAsync(name, AccountTests.Password);
        using var created = await CreateRoomAsync(alice.Http, null);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    [Fact]
    public async Task With_the_captcha_off_nothing_is_asked()
    {
        await using var server = await ParleyServerProcess.StartAsync();
        using var http = server.CreateHttpClient();
        var challenge = (await http.GetFromJsonAsync<CaptchaChallenge>("/api/captcha"))!;
        Assert.False(challenge.Enabled);
        Assert.Null(challenge.Challenge);
        using var created = await CreateRoomAsync(http, null);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }
}
