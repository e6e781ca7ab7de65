using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Parley.Client;
using Parley.Client.Sessions;
using Parley.Protocol;
using Parley.Testing;

namespace Parley.Server.Tests;

public class LobbyTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    static byte[] Text(string s) => Encoding.UTF8.GetBytes(s);

    async Task<(NewRoom Room, RoomSession Creator, ConcurrentQueue<JoinRequestInfo> Requests)> LobbyRoomAsync()
    {
        var room = await fixture.NewRoomWithCreatorTokenAsync();
        var (creator, _) = await RoomSession.JoinAsync(fixture.Server.BaseUri, room.RoomId, room.LinkSecret, creatorToken: room.CreatorToken);
        var requests = new ConcurrentQueue<JoinRequestInfo>();
        creator.JoinRequested += requests.Enqueue;
        await creator.PushUpdateAsync(Text("the room's code"));
        await creator.SetLobbyAsync(true);
        return (room, creator, requests);
    }

    Task<(RoomSession Session, Catchup Catchup)> KnockAsync(NewRoom room, string name, MemberCredentials? resume = null) =>
        RoomSession.JoinAsync(fixture.Server.BaseUri, room.RoomId, room.LinkSecret, resume, profile: Text($$"""{"name":"{{name}}"}"""));

    [Fact]
    public async Task A_newcomer_waits_sees_nothing_and_gets_in_once_the_creator_admits_them()
    {
        var (room, alice, requests) = await LobbyRoomAsync();
        await using var _a = alice;
        var (bob, waiting) = await KnockAsync(room, "Bob");
        await using var _b = bob;
        var decided = new ConcurrentQueue<bool>();
        bob.JoinDecided += decided.Enqueue;

        Assert.True(bob.Waiting);
        Assert.Empty(waiting.Updates);
        Assert.Null(waiting.Snapshot);
        Assert.False(bob.Keys.HasCurrentKey);
        // Bob holds no key, but even a well-formed envelope pushed by hand is refused.
        Assert.Equal(RefusalCode.NotMember, (await Assert.ThrowsAsync<HubException>(() => bob.Connection.InvokeAsync<PushResult>(
            HubNames.PushDocUpdate, room.RoomId, new Envelope(0, new byte[12], new byte[32])))).RefusalCode());
        await Eventually.True(() => requests.Any(r => r.MemberId == bob.MemberId), "alice was asked about bob");
        Assert.Equal("""{"name":"Bob"}""", Encoding.UTF8.GetString(alice.OpenProfile(requests.Single().Profile!)));

        await alice.DecideJoinAsync(bob.MemberId, admit: true);

        await Eventually.True(() => decided.Contains(true), "bob was told he is in");
        var (bobIn, catchup) = await KnockAsync(room, "Bob", bob.Credentials);
        await using var _in = bobIn;
        Assert.False(bobIn.Waiting);
        Assert.Equal(bob.MemberId, bobIn.MemberId);
        Assert.Equal(["the room's code"], catchup.Updates.Select(u => Encoding.UTF8.GetString(u.Plaintext)));
    }

    [Fact]
    public async Task A_refused_newcomer_stays_out_and_the_creator_sees_waiting_people_when_joining()
    {
        var (room, alice, _) = await LobbyRoomAsync();
        var (carol, _) = await KnockAsync(room, "Carol");
        await using var _c = carol;
        var creatorCredentials = alice.Credentials;
        await alice.DisposeAsync();

        // The creator comes back and finds Carol waiting.
        var (aliceAgain, _) = await RoomSession.JoinAsync(fixture.Server.BaseUri, room.RoomId, room.LinkSecret, creatorCredentials);
        await using var _a = aliceAgain;
        Assert.Equal([carol.MemberId], aliceAgain.JoinRequests.Select(r => r.MemberId));

        await aliceAgain.DecideJoinAsync(carol.MemberId, admit: false);

        var refused = await Assert.ThrowsAsync<HubException>(() => KnockAsync(room, "Carol", carol.Credentials));
        Assert.Equal(RefusalCode.JoinRefused, refused.RefusalCode());
        Assert.Equal(RefusalCode.NotWaiting, (await Assert.ThrowsAsync<HubException>(() =>
            aliceAgain.DecideJoinAsync(carol.MemberId, admit: true))).RefusalCode());
    }

    [Fact]
    public async Task Members_already_in_are_not_sent_to_the_lobby_and_only_the_creator_decides()
    {
        var room = await fixture.NewRoomWithCreatorTokenAsync();
        var (alice, _) = await RoomSession.JoinAsync(fixture.Server.BaseUri, room.RoomId, room.LinkSecret, creatorToken: room.CreatorToken);
        await using var _a = alice;
        var (dave, _) = await KnockAsync(room, "Dave");
        var daveCredentials = dave.Credentials;
        await dave.DisposeAsync();
        await alice.SetLobbyAsync(true);

        var (daveAgain, _) = await KnockAsync(room, "Dave", daveCredentials);
        await using var _d = daveAgain;
        var (erin, _) = await KnockAsync(room, "Erin");
        await using var _e = erin;

        Assert.False(daveAgain.Waiting);
        Assert.True(erin.Waiting);
        Assert.Equal(RefusalCode.NotCreator, (await Assert.ThrowsAsync<HubException>(() =>
            daveAgain.DecideJoinAsync(erin.MemberId, admit: true))).RefusalCode());
        Assert.Equal(RefusalCode.NotCreator, (await Assert.ThrowsAsync<HubException>(() => daveAgain.SetLobbyAsync(false))).RefusalCode());
        var (erinAgain, _) = await KnockAsync(room, "Erin", erin.Credentials);
        await using var _e2 = erinAgain;
        Assert.True(erinAgain.Waiting);
    }

    [Fact]
    public async Task Someone_waiting_in_the_lobby_or_refused_gets_nothing_from_the_file_api_until_admitted()
    {
        var (room, alice, _) = await LobbyRoomAsync();
        await using var _a = alice;
        using var http = fixture.Server.CreateHttpClient();
        var file = await alice.Files(http).UploadAsync(new GeneratedContent(100, 1), 100);
        var (bob, _) = await KnockAsync(room, "Bob");
        var (carol, _) = await KnockAsync(room, "Carol");
        await using var _b = bob;
        await using var _c = carol;
        await alice.DecideJoinAsync(carol.MemberId, admit: false);

        foreach (var outside in new[] { bob, carol })
        {
            var files = outside.Files(http);
            Assert.Equal(HttpStatusCode.NotFound, (await Assert.ThrowsAsync<HttpRefusalException>(() => files.StatusAsync(file.FileId))).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await Assert.ThrowsAsync<HttpRefusalException>(() => files.CreateAsync(10))).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await Assert.ThrowsAsync<HttpRefusalException>(() => files.UsageAsync())).StatusCode);
        }
        Assert.Equal(1, await fixture.CountRowsAsync("Files", room.RoomId));

        await alice.DecideJoinAsync(bob.MemberId, admit: true);
        Assert.True((await bob.Files(http).StatusAsync(file.FileId)).Complete);
    }
}
