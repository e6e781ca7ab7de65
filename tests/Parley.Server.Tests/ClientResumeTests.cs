using System.Collections.Concurrent;
using System.Text;
using Parley.Client;
using Parley.Client.Sessions;
using Parley.Protocol;
using Parley.Testing;

namespace Parley.Server.Tests;

/// <summary>A session with automatic resume comes back by itself after its server went away, and misses nothing.</summary>
public class ClientResumeTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    static byte[] Text(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public async Task A_session_resumes_after_a_server_restart_and_gets_what_it_missed_once_in_order()
    {
        var data = Directory.CreateTempSubdirectory("parley-resume-").FullName;
        var server = await ParleyServerProcess.StartAsync(data);
        var port = server.BaseUri.Port;
        using var http = server.CreateHttpClient();
        var room = await RoomSession.CreateRoomAsync(http);
        var (alice, _) = await RoomSession.JoinAsCreatorAsync(server.BaseUri, room);
        var (bob, _) = await RoomSession.JoinAsync(server.BaseUri, room.RoomId, room.LinkSecret, autoResume: true);
        await using var _b = bob;
        var updates = new ConcurrentQueue<long>();
        var chats = new ConcurrentQueue<string>();
        bob.UpdateReceived += e => updates.Enqueue(e.Seq);
        bob.ChatReceived += c => chats.Enqueue(Encoding.UTF8.GetString(c.Plaintext));
        var reconnecting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bob.Reconnecting += _ => reconnecting.TrySetResult();
        bob.Reconnected += () => reconnected.TrySetResult();
        // Bob stays away until Alice has written while he was gone.
        var away = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bob.BeforeResumeAttempt = () => away.Task;

        await alice.PushUpdateAsync(Text("before"));
        await alice.SendChatAsync(Text("hello"));
        await Eventually.True(() => updates.Count == 1 && chats.Count == 1, "bob saw the first update and message");
        await server.StopAsync(); // killed: nothing to say goodbye
        await reconnecting.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await alice.DisposeAsync();

        await using var restarted = await ParleyServerProcess.StartAsync(data, port: port);
        var (aliceAgain, _) = await RoomSession.JoinAsync(restarted.BaseUri, room.RoomId, room.LinkSecret, alice.Credentials, sinceSeq: 1);
        await using var _a = aliceAgain;
        for (var i = 2; i <= 6; i++) await aliceAgain.PushUpdateAsync(Text($"while away {i}"));
        await aliceAgain.SendChatAsync(Text("while away"));
        away.SetResult();
        await reconnected.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal([1, 2, 3, 4, 5, 6], updates);
        Assert.Equal(["hello", "while away"], chats);
        Assert.Equal(6, bob.LastSeq);
        await aliceAgain.PushUpdateAsync(Text("after"));
        Assert.Equal(8, (await bob.PushUpdateAsync(Text("bob is back"))).Seq);
        await Eventually.True(() => updates.Count == 7, "bob received the live update after his return");
        Assert.Equal([1, 2, 3, 4, 5, 6, 7], updates);
        await server.DisposeAsync();
        await restarted.DisposeAsync();
        Directory.Delete(data, recursive: true);
    }

    [Fact]
    public async Task A_member_removed_while_away_stops_resuming_and_is_told_why()
    {
        var data = Directory.CreateTempSubdirectory("parley-resume-").FullName;
        var server = await ParleyServerProcess.StartAsync(data);
        using var http = server.CreateHttpClient();
        var room = await RoomSession.CreateRoomAsync(http);
        var (alice, _) = await RoomSession.JoinAsCreatorAsync(server.BaseUri, room);
        var (bob, _) = await RoomSession.JoinAsync(server.BaseUri, room.RoomId, room.LinkSecret, autoResume: true);
        await using var _b = bob;
        var attempts = 0;
        var away = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var failed = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        bob.BeforeResumeAttempt = () =>
        {
            Interlocked.Increment(ref attempts);
            return away.Task;
        };
        bob.ResumeFailed += e => failed.TrySetResult(e);
        bob.Reconnected += () => failed.TrySetException(new InvalidOperationException("a removed member came back"));

        await server.StopAsync();
        await Eventually.True(() => Volatile.Read(ref attempts) == 1, "bob tries to come back");
        await alice.DisposeAsync();
        await using var restarted = await ParleyServerProcess.StartAsync(data, port: server.BaseUri.Port);
        var (aliceAgain, _) = await RoomSession.JoinAsync(restarted.BaseUri, room.RoomId, room.LinkSecret, alice.Credentials);
        await using var _a = aliceAgain;
        await aliceAgain.KickAsync(bob.MemberId);
        away.SetResult();

        var refusal = await failed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(RefusalCode.MemberRemoved, refusal.RefusalCode());
        Assert.Equal(1, Volatile.Read(ref attempts)); // refused for good: no second try
        await server.DisposeAsync();
        await restarted.DisposeAsync();
        Directory.Delete(data, recursive: true);
    }

    [Fact]
    public async Task A_message_heard_live_while_a_resume_catches_up_hides_none_of_those_sent_while_away()
    {
        var room = await fixture.NewRoomWithCreatorTokenAsync();
        var (alice, _) = await RoomSession.JoinAsCreatorAsync(fixture.Server.BaseUri, room);
        await using var _a = alice;
        var (bob, _) = await RoomSession.JoinAsync(fixture.Server.BaseUri, room.RoomId, room.LinkSecret, autoResume: true);
        await using var _b = bob;
        var chats = new ConcurrentQueue<string>();
        bob.ChatReceived += c => chats.Enqueue(Encoding.UTF8.GetString(c.Plaintext));
        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bob.Reconnected += () => reconnected.TrySetResult();
        var away = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bob.BeforeResumeAttempt = () => away.Task;
        // Bob has joined again and hears the room live, but has not caught up on chat yet.
        bob.BeforeChatCatchUp = async () =>
        {
            await alice.SendChatAsync(Text("live during the catch-up"));
            await Eventually.True(() => chats.Contains("live during the catch-up"), "bob heard the live message");
        };
        await alice.SendChatAsync(Text("hello"));
        await Eventually.True(() => chats.Contains("hello"), "bob read the first message");

        await bob.Connection.StopAsync(); // his connection drops
        await alice.SendChatAsync(Text("while away 1"));
        await alice.SendChatAsync(Text("while away 2"));
        away.SetResult();
        await reconnected.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(["hello", "live during the catch-up", "while away 1", "while away 2"], chats);
    }
}
