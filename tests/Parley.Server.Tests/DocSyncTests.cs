using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.SignalR.Client;
using Parley.Client.Sessions;
using Parley.Protocol;

namespace Parley.Server.Tests;

public class DocSyncTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    static byte[] Text(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public async Task Two_members_pushing_at_once_each_receive_all_of_the_others_updates()
    {
        var room = await fixture.NewRoomAsync();
        var (alice, _) = await fixture.JoinAsync(room);
        var (bob, _) = await fixture.JoinAsync(room);
        await using var _a = alice;
        await using var _b = bob;
        var atAlice = new ConcurrentBag<string>();
        var atBob = new ConcurrentBag<string>();
        alice.UpdateReceived += e => atAlice.Add(Encoding.UTF8.GetString(e.Plaintext));
        bob.UpdateReceived += e => atBob.Add(Encoding.UTF8.GetString(e.Plaintext));

        var seqs = await Task.WhenAll(
            Task.WhenAll(Enumerable.Range(0, 200).Select(i => alice.PushUpdateAsync(Text($"a{i}")))),
            Task.WhenAll(Enumerable.Range(0, 200).Select(i => bob.PushUpdateAsync(Text($"b{i}")))));

        Assert.Equal(Enumerable.Range(1, 400).Select(i => (long)i), seqs.SelectMany(s => s).Select(r => r.Seq).Order());
        await Testing.Eventually.True(() => atAlice.Count == 200 && atBob.Count == 200, "both sides received 200 updates");
        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"b{i}").Order(), atAlice.Order());
        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"a{i}").Order(), atBob.Order());
        await Testing.Eventually.True(() => alice.LastSeq == 400 && bob.LastSeq == 400, "both have seen every seq");
    }

    [Fact]
    public async Task A_committed_batch_reaches_each_member_as_one_message_in_seq_order()
    {
        var room = await fixture.NewRoomAsync();
        var pushers = new List<RoomSession>();
        for (var i = 0; i < 8; i++) pushers.Add((await fixture.JoinAsync(room)).Session);
        var (carol, _) = await fixture.JoinAsync(room);
        await using var _c = carol;
        var messages = new ConcurrentQueue<long[]>();
        carol.Connection.On<string, StoredUpdate[]>(HubNames.DocUpdates, (_, updates) => messages.Enqueue([.. updates.Select(u => u.Seq)]));

        // Eight members pushing at once: while one batch commits, the next fills with several members' pushes.
        await Task.WhenAll(pushers.Select((p, i) => Task.Run(async () =>
        {
            for (var n = 0; n < 25; n++) await p.PushUpdateAsync(Text($"{i}:{n}"));
        })));

        await Testing.Eventually.True(() => messages.Sum(m => m.Length) >= 200, "Carol to receive all 200 updates");
        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), messages.SelectMany(m => m));
        Assert.True(messages.Count < 200, $"{messages.Count} messages for 200 updates: at least one batch came as one message");
        foreach (var p in pushers) await p.DisposeAsync();
    }

    [Fact]
    public async Task Late_joiner_receives_every_update_in_sequence_order()
    {
        var room = await fixture.NewRoomAsync();
        var (alice, _) = await fixture.JoinAsync(room);
        await using var _a = alice;
        for (var i = 0; i < 120; i++) await alice.PushUpdateAsync(Text($"line {i}"));

        var (carol, catchup) = await fixture.JoinAsync(room);
        await using var _c = carol;

        Assert.Null(catchup.Snapshot);
        Assert.Equal(Enumerable.Range(0, 120).Select(i => $"line {i}"), catchup.Updates.Select(u => Encoding.UTF8.GetString(u.Plaintext)));
        Assert.Equal(Enumerable.Range(1, 120).Select(i => (long)i), catchup.Updates.Select(u => u.Seq));
        Assert.All(catchup.Updates, u => Assert.Equal(alice.MemberId, u.Sender));
        Assert.Equal(120, carol.LastSeq);
    }

    [Fact]
    public async Task Member_who_reconnects_gets_exactly_the_updates_it_missed_as_the_same_member()
    {
        var room = await fixture.NewRoomAsync();
        var (alice, _) = await fixture.JoinAsync(room);
        var (bob, _) = await fixture.JoinAsync(room);
        await using var _a = alice;
        await alice.PushUpdateAsync(Text("before"));
        await Testing.Eventually.True(() => bob.LastSeq == 1, "bob saw the first update");
        var (credentials, seen) = (bob.Credentials, bob.LastSeq);
        await bob.DisposeAsync();

        for (var i = 0; i < 5; i++) await alice.PushUpdateAsync(Text($"missed {i}"));
        var (bobAgain, catchup) = await fixture.JoinAsync(room, credentials, seen);
        await using var _b = bobAgain;

        Assert.Equal(credentials.MemberId, bobAgain.MemberId);
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"missed {i}"), catchup.Updates.Select(u => Encoding.UTF8.GetString(u.Plaintext)));
        Assert.Equal(6, bobAgain.LastSeq);
    }

    [Fact]
    public async Task Snapshots_keep_a_joiners_download_small_after_thousands_of_updates()
    {
        var room = await fixture.NewRoomAsync();
        var (alice, _) = await fixture.JoinAsync(room);
        await using var _a = alice;
        var doc = new TestDoc();
        var snapshots = 0;
        long logBytes = 0;
        for (var i = 0; i < 3000; i++)
        {
            var update = TestDoc.Update($"line{i % 20}", i, $"text typed at step {i}");
            doc.Apply(update);
            var pushed = await alice.PushUpdateAsync(update);
            logBytes += update.Length;
            if (!pushed.SnapshotDue) continue;
            await alice.PushSnapshotAsync(alice.LastSeq, doc.Snapshot());
            snapshots++;
        }

        var (carol, catchup) = await fixture.JoinAsync(room);
        await using var _c = carol;
        var joined = new TestDoc();
        joined.Apply(catchup.Snapshot!.Plaintext);
        foreach (var u in catchup.Updates) joined.Apply(u.Plaintext);

        Assert.Equal(30, snapshots); // the server asks once per 100 updates (SnapshotEveryUpdates=100)
        Assert.Equal(doc.State, joined.State);
        Assert.True(catchup.Updates.Count < 100, $"tail of {catchup.Updates.Count} updates");
        Assert.True(catchup.CiphertextBytes * 20 < logBytes, $"downloaded {catchup.CiphertextBytes} B of a {logBytes} B log");
    }

    [Fact]
    public async Task A_snapshot_request_nobody_answers_is_repeated_every_tenth_of_the_threshold()
    {
        var room = await fixture.NewRoomAsync();
        var (alice, _) = await fixture.JoinAsync(room);
        await using var _a = alice;
        var asked = new List<long>();
        for (var i = 0; i < 130; i++)
        {
            var pushed = await alice.PushUpdateAsync(Text($"u{i}"));
            if (pushed.SnapshotDue) asked.Add(pushed.Seq);
        }
        Assert.Equal([100L, 110, 120, 130], asked);
    }

    [Fact]
    public async Task An_older_snapshot_than_the_stored_one_changes_nothing()
    {
        var room = await fixture.NewRoomAsync();
        var (alice, _) = await fixture.JoinAsync(room);
        await using var _a = alice;
        for (var i = 0; i < 4; i++) await alice.PushUpdateAsync(Text($"u{i}"));
        await alice.PushSnapshotAsync(3, Text("state up to 3"));
        await alice.PushSnapshotAsync(2, Text("stale state up to 2"));

        var (carol, catchup) = await fixture.JoinAsync(room);
        await using var _c = carol;
        Assert.Equal("state up to 3", Encoding.UTF8.GetString(catchup.Snapshot!.Plaintext));
        Assert.Equal(["u3"], catchup.Updates.Select(u => Encoding.UTF8.GetString(u.Plaintext)));
    }

    [Fact]
    public async Task Awareness_is_relayed_to_the_others_and_never_replayed_to_joiners()
    {
        var room = await fixture.NewRoomAsync();
        var (alice, _) = await fixture.JoinAsync(room);
        var (bob, _) = await fixture.JoinAsync(room);
        await using var _a = alice;
        await using var _b = bob;
        var seen = new ConcurrentBag<(string, string)>();
        bob.AwarenessReceived += (sender, bytes) => seen.Add((sender, Encoding.UTF8.GetString(bytes)));

        await alice.PushAwarenessAsync(Text("cursor at 3:14"));

        await Testing.Eventually.True(() => seen.Count == 1, "bob got alice's cursor");
        Assert.Equal((alice.MemberId, "cursor at 3:14"), seen.Single());
        var (_, catchup) = await fixture.JoinAsync(room);
        Assert.Empty(catchup.Updates);
    }

    [Fact]
    public async Task Members_see_each_other_come_online_and_leave()
    {
        var room = await fixture.NewRoomAsync();
        var (alice, first) = await fixture.JoinAsync(room);
        await using var _a = alice;
        var joined = new ConcurrentBag<string>();
        var left = new ConcurrentBag<string>();
        alice.MemberJoined += joined.Add;
        alice.MemberLeft += left.Add;

        var (bob, _) = await fixture.JoinAsync(room);
        await Testing.Eventually.True(() => joined.Contains(bob.MemberId), "alice saw bob join");
        var bobId = bob.MemberId;
        await bob.DisposeAsync();

        await Testing.Eventually.True(() => left.Contains(bobId), "alice saw bob leave");
    }
}
