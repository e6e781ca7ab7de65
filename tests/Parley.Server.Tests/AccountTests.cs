using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Parley.Client;
using Parley.Client.Accounts;
using Parley.Client.Crypto;
using Parley.Client.Sessions;
using Parley.Protocol;

namespace Parley.Server.Tests;

public class AccountTests(AccountsFixture fixture) : IClassFixture<AccountsFixture>
{
    public const string Password = "a long enough password";
    static readonly MemberAbilities Guest = new(false, false, false);
    static readonly MemberAbilities Everything = new(true, true, true);

    public static string NewUserName() => "user" + Guid.NewGuid().ToString("N")[..12];

    AccountClient Client() => new(fixture.Server.BaseUri);

    static async Task<(HttpStatusCode Status, RefusalCode? Code)> Refusal(Task task)
    {
        var e = await Assert.ThrowsAsync<HttpRefusalException>(() => task);
        return (e.StatusCode!.Value, e.Code);
    }

    [Fact]
    public async Task Registering_signs_in_and_the_cookie_follows_the_account_through_sign_out_and_in()
    {
        using var alice = Client();
        var guest = await alice.RefreshAsync();
        Assert.False(guest.SignedIn);
        Assert.Null(guest.UserName);
        Assert.Equal(Guest, guest.Abilities);
        Assert.NotEmpty(guest.AntiforgeryToken);

        var name = NewUserName();
        var registered = await alice.RegisterAsync(name, Password);
        Assert.True(registered.SignedIn);
        Assert.Equal(name, registered.UserName);
        Assert.Equal(Everything, registered.Abilities);
        Assert.Equal(name, (await alice.RefreshAsync()).UserName);

        Assert.False((await alice.SignOutAsync()).SignedIn);
        Assert.False((await alice.RefreshAsync()).SignedIn);

        using var elsewhere = Client();
        var signedIn = await elsewhere.SignInAsync(name, Password);
        Assert.Equal((true, name), (signedIn.SignedIn, signedIn.UserName));
        Assert.Equal(name, (await elsewhere.RefreshAsync()).UserName);
    }

    [Fact]
    public async Task A_wrong_password_or_an_unknown_user_is_refused_and_signs_nobody_in()
    {
        using var alice = Client();
        var name = NewUserName();
        await alice.RegisterAsync(name, Password);
        using var mallory = Client();

        foreach (var (user, password) in new[] { (name, "not the password"), (NewUserName(), Password), (name, "") })
        {
            var (status, code) = await Refusal(mallory.SignInAsync(user, password));
            Assert.Equal(HttpStatusCode.Unauthorized, status);
            Assert.Equal(RefusalCode.SignInFailed, code);
        }
        Assert.False((await mallory.RefreshAsync()).SignedIn);
    }

    [Fact]
    public async Task A_taken_user_name_is_refused_in_any_letter_case_and_the_first_account_is_untouched()
    {
        var name = NewUserName();
        using var first = Client();
        await first.RegisterAsync(name, Password);
        var users = await fixture.CountRowsAsync("AspNetUsers");

        using var second = Client();
        var (status, code) = await Refusal(second.RegisterAsync(name.ToUpperInvariant(), "another long password"));
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal(RefusalCode.UserNameTaken, code);
        Assert.False((await second.RefreshAsync()).SignedIn);
        Assert.Equal(users, await fixture.CountRowsAsync("AspNetUsers"));
        await Refusal(second.SignInAsync(name, "another long password"));
        Assert.True((await second.SignInAsync(name, Password)).SignedIn);
    }

    [Fact]
    public async Task Short_passwords_and_bad_user_names_get_clear_refusals_and_make_no_account()
    {
        var users = await fixture.CountRowsAsync("AspNetUsers");
        using var alice = Client();
        foreach (var (name, password, expected) in new[]
                 {
                     (NewUserName(), "short", RefusalCode.AccountPasswordInvalid),
                     ("ab", Password, RefusalCode.UserNameInvalid),
                     (new string('a', 33), Password, RefusalCode.UserNameInvalid),
                     ("has space", Password, RefusalCode.UserNameInvalid),
                     (NewUserName(), new string('p', 129), RefusalCode.AccountPasswordInvalid),
                 })
        {
            var (status, code) = await Refusal(alice.RegisterAsync(name, password));
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Equal(expected, code);
        }
        Assert.Equal(users, await fixture.CountRowsAsync("AspNetUsers"));
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_for_a_while_even_against_the_right_one()
    {
        var name = NewUserName();
        using (var owner = Client()) await owner.RegisterAsync(name, Password);
        using var mallory = Client();
        for (var i = 0; i < 5; i++) await Refusal(mallory.SignInAsync(name, $"guess number {i}"));

        var (status, code) = await Refusal(mallory.SignInAsync(name, Password));
        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.Equal(RefusalCode.AccountLocked, code);
        Assert.False((await mallory.RefreshAsync()).SignedIn);
        // Nothing was written to the account's row (a write is what made a real name slower to refuse).
        Assert.Equal(0, await fixture.CountAsync(
            """SELECT COUNT(*) FROM "AspNetUsers" WHERE "UserName" = @p0 AND ("AccessFailedCount" > 0 OR "LockoutEnd" IS NOT NULL)""", name));
    }

    [Fact]
    public async Task A_user_name_that_does_not_exist_locks_after_five_misses_too_so_the_lock_tells_nothing()
    {
        using var mallory = Client();
        var unknown = NewUserName();
        for (var i = 0; i < 5; i++)
            Assert.Equal(RefusalCode.SignInFailed, (await Refusal(mallory.SignInAsync(unknown, $"guess number {i}"))).Code);

        var (status, code) = await Refusal(mallory.SignInAsync(unknown, Password));
        Assert.Equal((HttpStatusCode.TooManyRequests, RefusalCode.AccountLocked), (status, code));
    }

    [Fact]
    public async Task A_right_password_starts_the_count_again()
    {
        var name = NewUserName();
        using (var owner = Client()) await owner.RegisterAsync(name, Password);
        using var alice = Client();
        for (var round = 0; round < 2; round++)
        {
            for (var i = 0; i < 4; i++) await Refusal(alice.SignInAsync(name, $"typo {i}"));
            Assert.True((await alice.SignInAsync(name, Password)).SignedIn); // eight misses in all, never five in a row
            await alice.SignOutAsync();
        }
    }

    [Fact]
    public async Task A_wrong_sign_in_takes_as_long_for_an_unknown_user_name_as_for_a_known_one()
    {
        // Several known names, each tried fewer times than the lock allows.
        var known = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            known.Add(NewUserName());
            using var owner = Client();
            await owner.RegisterAsync(known[^1], Password);
        }
        using var mallory = Client();
        await Refusal(mallory.SignInAsync(NewUserName(), "warming up")); // the first call pays for start-up work
        var knownTimes = new List<double>();
        var unknownTimes = new List<double>();
        // Interleaved, so both see the same load.
        for (var i = 0; i < 4; i++)
            foreach (var name in known)
            {
                knownTimes.Add(await TimeAsync(() => mallory.SignInAsync(name, $"wrong guess {i}")));
                unknownTimes.Add(await TimeAsync(() => mallory.SignInAsync(NewUserName(), $"wrong guess {i}")));
            }

        var ratio = Median(unknownTimes) / Median(knownTimes);
        Assert.True(ratio is > 0.5 and < 2, $"unknown {Median(unknownTimes):F1} ms vs known {Median(knownTimes):F1} ms");

        static async Task<double> TimeAsync(Func<Task> signIn)
        {
            var clock = Stopwatch.StartNew();
            await Refusal(signIn());
            return clock.Elapsed.TotalMilliseconds;
        }

        static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
    }

    [Fact]
    public async Task Without_the_right_antiforgery_token_every_cookie_call_is_refused_and_changes_nothing()
    {
        const string refusal = "Missing or invalid antiforgery token";
        var name = NewUserName();
        using var guest = Client();
        using var other = Client();
        await guest.RefreshAsync();
        var othersToken = (await other.RefreshAsync()).AntiforgeryToken;
        var captcha = await AccountClient.SolveCaptchaAsync(guest.Http);
        var (users, rooms) = (await fixture.CountRowsAsync("AspNetUsers"), await fixture.CountRowsAsync("Rooms"));

        foreach (var token in new[] { null, othersToken, "not-a-token" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/account/register")
            {
                Content = JsonContent.Create(new AccountCredentials(name, Password, captcha)),
            };
            guest.Http.DefaultRequestHeaders.Remove(AccountNames.AntiforgeryHeader);
            if (token is not null) request.Headers.Add(AccountNames.AntiforgeryHeader, token);
            using var response = await guest.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal(RefusalCode.AntiforgeryInvalid, await response.RefusalCodeAsync());
            Assert.Contains(refusal, await response.Content.ReadAsStringAsync());
        }
        Assert.Equal(users, await fixture.CountRowsAsync("AspNetUsers"));
        Assert.False((await guest.RefreshAsync()).SignedIn);

        using var alice = Client();
        await alice.RegisterAsync(name, Password);
        alice.Http.DefaultRequestHeaders.Remove(AccountNames.AntiforgeryHeader);
        foreach (var (path, body) in new (string, object?)[]
                 {
                     ("/api/account/signout", null),
                     ("/api/account/signin", new AccountCredentials(name, Password)),
                     ("/api/rooms", new { joinVerifier = RoomSecrets.FromLinkSecret(RoomSecrets.NewLinkSecret()).JoinVerifier }),
                 })
        {
            using var response = await alice.Http.PostAsJsonAsync(path, body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal(RefusalCode.AntiforgeryInvalid, await response.RefusalCodeAsync());
            Assert.Contains(refusal, await response.Content.ReadAsStringAsync());
        }
        Assert.Equal(name, (await alice.RefreshAsync()).UserName); // still signed in
        Assert.Equal(rooms, await fixture.CountRowsAsync("Rooms"));
    }

    [Fact]
    public async Task A_member_who_joined_signed_in_keeps_its_abilities_and_a_guest_gains_them_by_signing_in()
    {
        using var alice = Client();
        await alice.RegisterAsync(NewUserName(), Password);
        var room = await alice.CreateRoomAsync();
        var server = fixture.Server.BaseUri;
        var (creator, _) = await RoomSession.JoinAsync(server, room.RoomId, room.LinkSecret, creatorToken: room.CreatorToken,
            cookies: alice.Cookies);
        var (bob, _) = await RoomSession.JoinAsync(server, room.RoomId, room.LinkSecret);
        await using var _c = creator;
        Assert.Equal(Everything, creator.Abilities);
        Assert.Equal(Guest, bob.Abilities);

        await alice.SignOutAsync();
        var (aliceAgain, _) = await RoomSession.JoinAsync(server, room.RoomId, room.LinkSecret, creator.Credentials, cookies: alice.Cookies);
        await using var _a = aliceAgain;
        Assert.Equal(Everything, aliceAgain.Abilities);

        var bobCredentials = bob.Credentials;
        await bob.DisposeAsync();
        using var bobsAccount = Client();
        await bobsAccount.RegisterAsync(NewUserName(), Password);
        var (bobAgain, _) = await RoomSession.JoinAsync(server, room.RoomId, room.LinkSecret, bobCredentials, cookies: bobsAccount.Cookies);
        await using var _b = bobAgain;
        Assert.Equal(bobCredentials.MemberId, bobAgain.MemberId);
        Assert.Equal(Everything, bobAgain.Abilities);
    }
}
