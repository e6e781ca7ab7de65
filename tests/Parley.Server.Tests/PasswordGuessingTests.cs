using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.SignalR;
using Parley.Client;
using Parley.Client.Crypto;
using Parley.Client.Sessions;
using Parley.Protocol;
using Parley.Testing;

namespace Parley.Server.Tests;

/// <summary>
/// Password guessing is slowed per room and address (free tries, then a doubling wait) and capped
/// per room. Other addresses are played by connecting from 127.0.0.2 and up to the server on 127.0.0.1.
/// </summary>
public partial class PasswordGuessingTests(PasswordGuessingTests.SlowBackoff fixture) : IClassFixture<PasswordGuessingTests.SlowBackoff>
{
    /// <summary>A first wait long enough that no slow machine sees it end in the middle of a test.</summary>
    public sealed class SlowBackoff : ServerFixture
    {
        protected override Dictionary<string, string> Settings => new(base.Settings) { ["Parley__PasswordBackoff"] = "00:00:30" };
    }

    const string Password = "correct horse battery";

    static async Task<(NewRoom Room, RoomSession Creator)> ProtectedRoomAsync(ParleyServerProcess server)
    {
        using var http = server.CreateHttpClient();
        var room = await RoomSession.CreateRoomAsync(http);
        var (creator, _) = await RoomSession.JoinAsync(server.BaseUri, room.RoomId, room.LinkSecret, creatorToken: room.CreatorToken);
        await creator.SetRoomPasswordAsync(Password);
        return (room, creator);
    }

    static Task<(RoomSession Session, Catchup Catchup)> JoinAsync(ParleyServerProcess server, NewRoom room, string password,
        string from = "127.0.0.1") =>
        RoomSession.JoinAsync(server.BaseUri, room.RoomId, room.LinkSecret, password: password, localAddress: IPAddress.Parse(from));

    static async Task<HubException> Refused(Task task) => await Assert.ThrowsAsync<HubException>(() => task);

    /// <summary>The seconds a password-attempts refusal says to wait.</summary>
    static int Wait(HubException refusal)
    {
        Assert.Equal(RefusalCode.PasswordAttempts, refusal.RefusalCode());
        return int.Parse(WaitSeconds().Match(refusal.Message).Groups[1].Value);
    }

    [GeneratedRegex(@"wait (\d+) s")]
    private static partial Regex WaitSeconds();

    [Fact]
    public async Task Five_wrong_guesses_from_one_address_do_not_keep_another_address_out()
    {
        var (room, alice) = await ProtectedRoomAsync(fixture.Server);
        await using var _a = alice;
        for (var i = 0; i < 5; i++)
            Assert.Equal(RefusalCode.PasswordWrong, (await Refused(JoinAsync(fixture.Server, room, $"guess number {i}"))).RefusalCode());
        Assert.Equal(RefusalCode.PasswordAttempts, (await Refused(JoinAsync(fixture.Server, room, Password))).RefusalCode());

        var (bob, _) = await JoinAsync(fixture.Server, room, Password, from: "127.0.0.2");
        await using var _b = bob;
        Assert.False(bob.Waiting);
    }

    [Fact]
    public async Task After_the_free_tries_each_wrong_guess_doubles_the_wait()
    {
        await using var server = await ParleyServerProcess.StartAsync(settings: new Dictionary<string, string>
        {
            ["Parley__Policy__GuestsMayProtectRooms"] = "true",
        });
        var (room, alice) = await ProtectedRoomAsync(server);
        await using var _a = alice;
        const string from = "127.0.0.3";

        // Guess wrong again and again; after each wrong guess past the free ones, the wait the
        // next try is told of (seconds, rounded up) is read. A slow machine may see a wait end
        // before it is read: that guess then just counts as one more wrong one.
        var waits = new List<int>();
        var afterWrong = false;
        for (var tries = 0; waits.Count < 2; tries++)
        {
            Assert.True(tries < 300, "the waits were never read");
            var refusal = await Refused(JoinAsync(server, room, "still guessing", from));
            if (refusal.RefusalCode() == RefusalCode.PasswordWrong)
            {
                afterWrong = true;
                continue;
            }
            if (afterWrong) waits.Add(Wait(refusal));
            afterWrong = false;
            await Task.Delay(100); // polling for the wait to end, not synchronising
        }

        Assert.True(waits[1] > waits[0], $"the wait grew from {waits[0]} s to {waits[1]} s");
    }

    [Fact]
    public async Task A_room_takes_only_so_many_wrong_guesses_from_all_addresses_together()
    {
        await using var server = await ParleyServerProcess.StartAsync(settings: new Dictionary<string, string>
        {
            ["Parley__PasswordFailuresPerRoomPerHour"] = "3",
            ["Parley__Policy__GuestsMayProtectRooms"] = "true",
        });
        var (room, alice) = await ProtectedRoomAsync(server);
        await using var _a = alice;
        var (other, otherCreator) = await ProtectedRoomAsync(server);
        await using var _o = otherCreator;
        for (var i = 2; i <= 4; i++)
            Assert.Equal(RefusalCode.PasswordWrong, (await Refused(JoinAsync(server, room, "a guess", $"127.0.0.{i}"))).RefusalCode());

        // An address that never guessed wrong is refused too, even with the right password…
        var ceiling = await Refused(JoinAsync(server, room, Password, "127.0.0.5"));
        Assert.Equal(RefusalCode.PasswordAttempts, ceiling.RefusalCode());
        Assert.Contains("this room", ceiling.Message);
        // …but a member who already got in comes back without it, and other rooms are untouched.
        var (aliceAgain, _) = await RoomSession.JoinAsync(server.BaseUri, room.RoomId, room.LinkSecret, alice.Credentials);
        await using var _again = aliceAgain;
        var (carol, _) = await JoinAsync(server, other, Password, "127.0.0.5");
        await using var _c = carol;
    }
}
