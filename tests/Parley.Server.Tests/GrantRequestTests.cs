using System.Collections.Concurrent;
using System.Text;
using Parley.Client.Sessions;
using Parley.Testing;

namespace Parley.Server.Tests;

/// <summary>Who grants a joiner the key: one member the server names, another when that one does not answer.</summary>
public class GrantRequestTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task A_joiner_is_granted_by_the_one_member_the_server_names_not_by_every_member()
    {
        var room = await fixture.NewRoomAsync();
        var keyed = new List<RoomSession>();
        for (var i = 0; i < 4; i++) keyed.Add((await fixture.JoinAsync(room)).Session);
        var (answeredBefore, namedBefore) = (keyed.Sum(s => s.KeyRequestsAnswered), keyed.Sum(s => s.NamedToGrant));
        var received = new ConcurrentDictionary<string, bool>();
        foreach (var s in keyed) s.UpdateReceived += _ => received[s.MemberId] = true;

        var (dave, _) = await fixture.JoinAsync(room); // returns once dave holds the key
        // Dave's update reaches each member after the key request that came before it: their answers are decided by then.
        await dave.PushUpdateAsync(Encoding.UTF8.GetBytes("after the join"));
        await Eventually.True(() => received.Count == keyed.Count, "every member received dave's update");

        Assert.Equal(1, keyed.Sum(s => s.NamedToGrant) - namedBefore);
        Assert.Equal(1, keyed.Sum(s => s.KeyRequestsAnswered) - answeredBefore);
        await dave.DisposeAsync();
        foreach (var s in keyed) await s.DisposeAsync();
    }

    [Fact]
    public async Task When_the_named_member_does_not_grant_another_is_named_and_then_everyone_is_asked()
    {
        await using var server = await ParleyServerProcess.StartAsync(settings: new Dictionary<string, string>
        {
            ["Parley__Keys__GrantAnswerWait"] = "00:00:02",
        });
        using var http = server.CreateHttpClient();
        var room = await RoomSession.CreateRoomAsync(http);
        await using var ann = (await RoomSession.JoinAsCreatorAsync(server.BaseUri, room)).Session;
        await using var bob = (await RoomSession.JoinAsync(server.BaseUri, room.RoomId, room.LinkSecret)).Session;
        // Neither answers: whoever is named first, the other is named after the wait.
        (ann.AnswersKeyRequests, bob.AnswersKeyRequests) = (false, false);
        var (annBefore, bobBefore) = (ann.NamedToGrant, bob.NamedToGrant); // ann was named for bob

        await using var cat = (await RoomSession.JoinAsync(server.BaseUri, room.RoomId, room.LinkSecret, waitForKey: false)).Session;
        await Eventually.True(() => ann.NamedToGrant - annBefore == 1 && bob.NamedToGrant - bobBefore == 1, "both keyed members named in turn");
        Assert.False(cat.Keys.HasCurrentKey);

        // With nobody left to name, every keyed member is asked (after one more wait): bob, answering again, grants.
        bob.AnswersKeyRequests = true;
        await Eventually.True(() => cat.Keys.HasCurrentKey, "cat holds the key");

        // Granted at once: when the wait is over, nobody is named or asked again for dan.
        ann.AnswersKeyRequests = true;
        var keyed = new[] { ann, bob, cat };
        var (namedBefore, answeredBefore) = (keyed.Sum(s => s.NamedToGrant), keyed.Sum(s => s.KeyRequestsAnswered));
        await using var dan = (await RoomSession.JoinAsync(server.BaseUri, room.RoomId, room.LinkSecret)).Session;
        await Task.Delay(TimeSpan.FromSeconds(3.5)); // past the 2 s wait, with room to spare
        Assert.Equal(1, keyed.Sum(s => s.NamedToGrant) - namedBefore);
        Assert.Equal(1, keyed.Sum(s => s.KeyRequestsAnswered) - answeredBefore);
    }
}
