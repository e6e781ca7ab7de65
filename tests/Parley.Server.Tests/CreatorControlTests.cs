using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Data.Sqlite;
using Parley.Client;
using Parley.Client.Crypto;
using Parley.Client.Sessions;
using Parley.Protocol;
using Parley.Testing;

namespace Parley.Server.Tests;

public class CreatorControlTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    static byte[] Text(string s) => Encoding.UTF8.GetBytes(s);

    async Task<(NewRoom Room, RoomSession Creator)> RoomWithCreatorAsync()
    {
        var room = await fixture.NewRoomWithCreatorTokenAsync();
        var (creator, _) = await RoomSession.JoinAsync(fixture.Server.BaseUri, room.RoomId, room.LinkSecret, creatorToken: room.CreatorToken);
        return (room, creator);
    }

    Task<(RoomSession Session, Catchup Catchup)> JoinAsync(NewRoom room, MemberCredentials? resume = null) =>
        RoomSession.JoinAsync(fixture.Server.BaseUri, room.RoomId, room.LinkSecret, resume);

    [Fact]
    public async Task The_creator_is_the_first_member_to_present_the_creator_token_and_only_that_one()
    {
        var (room, alice) = await RoomWithCreatorAsync();
        await using var _a = alice;
        var (thief, _) = await RoomSession.JoinAsync(fixture.Server.BaseUri, room.RoomId, room.LinkSecret, creatorToken: room.CreatorToken);
        await using var _t = thief;
        var (bob, _) = await JoinAsync(room);
        await using var _b = bob;

        Assert.Equal(alice.MemberId, alice.CreatorId);
        Assert.Equal(alice.MemberId, thief.CreatorId);
        Assert.Equal(alice.MemberId, bob.CreatorId);
        Assert.Equal(RefusalCode.NotCreator, (await Assert.ThrowsAsync<HubException>(() => thief.KickAsync(bob.MemberId))).RefusalCode());
    }

    [Fact]
    public async Task A_kicked_member_is_told_cut_off_at_once_and_cannot_come_back_as_that_member()
    {
        var (room, alice) = await RoomWithCreatorAsync();
        await using var _a = alice;
        var (bob, _) = await JoinAsync(room);
        var (carol, _) = await JoinAsync(room);
        await using var _b = bob;
        await using var _c = carol;
        var seenByCarol = new ConcurrentQueue<string>();
        var seenByBob = new ConcurrentQueue<string>();
        carol.MemberKicked += seenByCarol.Enqueue;
        bob.MemberKicked += seenByBob.Enqueue;
        using var http = fixture.Server.CreateHttpClient();
        var bobsFile = await bob.Files(http).CreateAsync(10);

        await alice.KickAsync(bob.MemberId);

        await Eventually.True(() => seenByCarol.Contains(bob.MemberId) && seenByBob.Contains(bob.MemberId), "everyone, bob too, was told");
        await Eventually.True(() => bob.Connection.State == HubConnectionState.Disconnected, "bob's connection was closed");
        var rejoin = await Assert.ThrowsAsync<HubException>(() => JoinAsync(room, bob.Credentials));
        Assert.Equal(RefusalCode.MemberRemoved, rejoin.RefusalCode());
        var fileApi = await Assert.ThrowsAsync<HttpRefusalException>(() => bob.Files(http).StatusAsync(bobsFile.FileId));
        Assert.Equal(HttpStatusCode.NotFound, fileApi.StatusCode);
        Assert.Equal(1, (await carol.PushUpdateAsync(Text("carol carries on"))).Seq);
    }

    [Fact]
    public async Task Kick_and_terminate_from_anyone_but_the_creator_are_refused_and_change_nothing()
    {
        var (room, alice) = await RoomWithCreatorAsync();
        await using var _a = alice;
        var (bob, _) = await JoinAsync(room);
        await using var _b = bob;

        Assert.Equal(RefusalCode.NotCreator, (await Assert.ThrowsAsync<HubException>(() => bob.KickAsync(alice.MemberId))).RefusalCode());
        Assert.Equal(RefusalCode.NotCreator, (await Assert.ThrowsAsync<HubException>(() => bob.TerminateAsync())).RefusalCode());
        Assert.Equal(RefusalCode.CreatorCannotLeave, (await Assert.ThrowsAsync<HubException>(() => alice.KickAsync(alice.MemberId))).RefusalCode());
        Assert.Equal(RefusalCode.MemberUnknown, (await Assert.ThrowsAsync<HubException>(() => alice.KickAsync("NoSuchMemberAAAAAAAAAA"))).RefusalCode());
        await using var outsider = RoomSession.Connect(fixture.Server.BaseUri);
        await outsider.StartAsync();
        Assert.Equal(RefusalCode.NotMember, (await Assert.ThrowsAsync<HubException>(() =>
            outsider.InvokeAsync("Terminate", room.RoomId))).RefusalCode());

        Assert.Equal(1, (await alice.PushUpdateAsync(Text("still here"))).Seq);
        Assert.Equal(2, (await bob.PushUpdateAsync(Text("me too"))).Seq);
    }

    [Fact]
    public async Task Terminating_tells_everyone_and_leaves_no_row_or_blob_of_the_room()
    {
        var (room, alice) = await RoomWithCreatorAsync();
        await using var _a = alice;
        var (bob, _) = await JoinAsync(room);
        await using var _b = bob;
        var ended = 0;
        bob.Terminated += () => Interlocked.Increment(ref ended);
        using var http = fixture.Server.CreateHttpClient();
        await alice.PushUpdateAsync(Text("code"));
        await alice.PushSnapshotAsync(1, Text("snapshot"));
        await alice.PushUpdateAsync(Text("more code"));
        await bob.SendChatAsync("c1", Text("chat"));
        var file = await bob.Files(http).UploadAsync(new GeneratedContent(1500, 1), 1500);
        var entry = await bob.RoomFiles(http).UploadAsync(["notes.txt"], new GeneratedContent(2500, 2), 2500);
        await bob.RoomFiles(http).CreateFolderAsync(["docs"]);
        Assert.NotEqual(0, await fixture.RowsOfRoomAsync(room.RoomId));

        await alice.TerminateAsync();

        await Eventually.True(() => ended == 1, "bob was told the session ended");
        Assert.Equal(0, await fixture.RowsOfRoomAsync(room.RoomId));
        Assert.False(Directory.Exists(Path.Combine(fixture.Server.DataDirectory, "blobs", room.RoomId)));
        var rejoin = await Assert.ThrowsAsync<HubException>(() => JoinAsync(room));
        Assert.Equal(RefusalCode.RoomEnded, rejoin.RefusalCode());
        Assert.Equal(HttpStatusCode.NotFound, (await Assert.ThrowsAsync<HttpRefusalException>(() =>
            bob.Files(http).StatusAsync(file.FileId))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Assert.ThrowsAsync<HttpRefusalException>(() =>
            bob.Files(http).StatusAsync(entry.Entry.FileId!))).StatusCode);
    }
}
