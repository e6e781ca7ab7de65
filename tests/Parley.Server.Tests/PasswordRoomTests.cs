using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Parley.Client;
using Parley.Client.Sessions;
using Parley.Protocol;
using Parley.Testing;

namespace Parley.Server.Tests;

public class PasswordRoomTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    const string Password = "correct horse battery";

    async Task<(NewRoom Room, RoomSession Creator)> ProtectedRoomAsync()
    {
        var room = await fixture.NewRoomWithCreatorTokenAsync();
        var (creator, _) = await RoomSession.JoinAsync(fixture.Server.BaseUri, room.RoomId, room.LinkSecret, creatorToken: room.CreatorToken);
        await creator.SetRoomPasswordAsync(Password);
        return (room, creator);
    }

    Task<(RoomSession Session, Catchup Catchup)> JoinAsync(NewRoom room, string? password = null, MemberCredentials? resume = null) =>
        RoomSession.JoinAsync(fixture.Server.BaseUri, room.RoomId, room.LinkSecret, resume, password: password);

    static async Task<RefusalCode?> Refusal(Task task) => (await Assert.ThrowsAsync<HubException>(() => task)).RefusalCode();

    [Fact]
    public async Task A_newcomer_needs_the_password_and_a_returning_member_does_not()
    {
        var (room, alice) = await ProtectedRoomAsync();
        await using var _a = alice;

        Assert.Equal(RefusalCode.PasswordRequired, await Refusal(JoinAsync(room)));
        Assert.Equal(RefusalCode.PasswordWrong, await Refusal(JoinAsync(room, "not the password")));
        var (bob, _) = await JoinAsync(room, Password);
        Assert.True(bob.PasswordProtected);
        var credentials = bob.Credentials;
        await bob.DisposeAsync();

        var (bobAgain, _) = await JoinAsync(room, resume: credentials);
        await using var _b = bobAgain;
        Assert.Equal(credentials.MemberId, bobAgain.MemberId);
    }

    [Fact]
    public async Task Only_the_creator_sets_or_removes_the_password_and_everyone_is_told()
    {
        var room = await fixture.NewRoomWithCreatorTokenAsync();
        var (alice, _) = await RoomSession.JoinAsync(fixture.Server.BaseUri, room.RoomId, room.LinkSecret, creatorToken: room.CreatorToken);
        var (bob, _) = await JoinAsync(room);
        await using var _a = alice;
        await using var _b = bob;
        var toldBob = new ConcurrentQueue<bool>();
        bob.ProtectionChanged += toldBob.Enqueue;

        Assert.Equal(RefusalCode.NotCreator, await Refusal(bob.SetRoomPasswordAsync(Password)));
        Assert.Equal(RefusalCode.PasswordInvalid, await Refusal(alice.SetRoomPasswordAsync("short")));
        var (carol, _) = await JoinAsync(room);
        await carol.DisposeAsync(); // still open: nothing changed

        await alice.SetRoomPasswordAsync(Password);
        Assert.Equal(RefusalCode.PasswordRequired, await Refusal(JoinAsync(room)));
        await alice.SetRoomPasswordAsync(null);
        var (dave, _) = await JoinAsync(room);
        await dave.DisposeAsync();

        await Eventually.True(() => toldBob.Count == 2, "bob heard of both changes");
        Assert.Equal([true, false], toldBob);
    }
}
