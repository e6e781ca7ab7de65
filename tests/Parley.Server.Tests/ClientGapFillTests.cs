using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.SignalR.Client;
using Parley.Client.Sessions;
using Parley.Protocol;
using Parley.Testing;

namespace Parley.Server.Tests;

/// <summary>
/// The .NET client's ordered delivery (docs/protocol.md, "Sync"): live updates lost or out of order,
/// as relays between server nodes can make them, still reach UpdateReceived once each, in seq order.
/// A lost delivery is made with the session's test hook, like the browser FakeRelay's loseNextDeliveryTo.
/// </summary>
public class ClientGapFillTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    static byte[] Text(string s) => Encoding.UTF8.GetBytes(s);

    static ConcurrentQueue<long> Received(RoomSession session)
    {
        var seqs = new ConcurrentQueue<long>();
        session.UpdateReceived += e => seqs.Enqueue(e.Seq);
        return seqs;
    }

    /// <summary>Loses the live delivery of <paramref name="seq"/> and keeps it, for a test to hand in late.</summary>
    static TaskCompletionSource<StoredUpdate> Lose(RoomSession session, long seq)
    {
        var lost = new TaskCompletionSource<StoredUpdate>(TaskCreationOptions.RunContinuationsAsynchronously);
        session.KeepLiveUpdate = u =>
        {
            if (u.Seq != seq) return true;
            lost.TrySetResult(u);
            return false;
        };
        return lost;
    }

    [Fact]
    public async Task A_lost_live_update_is_fetched_and_everything_is_delivered_once_in_order()
    {
        var room = await fixture.NewRoomAsync();
        var (alice, _) = await fixture.JoinAsync(room);
        var (bob, _) = await fixture.JoinAsync(room);
        await using var _a = alice;
        await using var _b = bob;
        var atBob = Received(bob);
        var lost = Lose(bob, 3);

        for (var i = 1; i <= 6; i++) await alice.PushUpdateAsync(Text($"edit {i}"));

        await Eventually.True(() => atBob.Count == 6, "bob received all six updates");
        Assert.Equal([1, 2, 3, 4, 5, 6], atBob);
        Assert.Equal(6, bob.LastSeq);
        // The lost delivery, and another copy of one already delivered, arrive late: both are dropped.
        bob.KeepLiveUpdate = null;
        bob.OnDocUpdates(room.RoomId, [await lost.Task]);
        bob.OnDocUpdates(room.RoomId, [(await alice.Connection.InvokeAsync<UpdatePage>(HubNames.FetchUpdates, room.RoomId, 4L)).Updates[0]]);
        Assert.Equal([1, 2, 3, 4, 5, 6], atBob);
    }

    [Fact]
    public async Task An_update_that_arrives_after_later_ones_is_delivered_before_them()
    {
        var room = await fixture.NewRoomAsync();
        var (alice, _) = await fixture.JoinAsync(room);
        var (bob, _) = await fixture.JoinAsync(room);
        await using var _a = alice;
        await using var _b = bob;
        bob.GapWait = TimeSpan.FromHours(1); // only the late live delivery can fill this gap
        var atBob = Received(bob);
        var late = Lose(bob, 2);

        for (var i = 1; i <= 4; i++) await alice.PushUpdateAsync(Text($"edit {i}"));
        await Eventually.True(() => bob.HeldUpdates == 2, "bob holds 3 and 4 above the gap");
        Assert.Equal([1], atBob);
        Assert.Equal(1, bob.LastSeq);

        bob.KeepLiveUpdate = null;
        bob.OnDocUpdates(room.RoomId, [await late.Task]);

        Assert.Equal([1, 2, 3, 4], atBob);
        Assert.Equal(4, bob.LastSeq);
    }

    [Fact]
    public async Task A_gap_replaced_by_a_snapshot_meanwhile_is_caught_up_through_the_snapshot()
    {
        var room = await fixture.NewRoomAsync();
        var (alice, _) = await fixture.JoinAsync(room);
        var (bob, _) = await fixture.JoinAsync(room);
        await using var _a = alice;
        await using var _b = bob;
        bob.GapWait = TimeSpan.FromHours(1); // the fetch is started by hand, once the snapshot is in
        var atBob = Received(bob);
        var snapshots = new ConcurrentQueue<DocEntry>();
        bob.SnapshotReceived += snapshots.Enqueue;
        Lose(bob, 3);

        for (var i = 1; i <= 5; i++) await alice.PushUpdateAsync(Text($"edit {i}"));
        await Eventually.True(() => bob.HeldUpdates == 2, "bob holds 4 and 5 above the gap");
        await alice.PushSnapshotAsync(5, Text("state up to 5")); // the creator's replaces the log at once
        await bob.FillGapAsync();
        await alice.PushUpdateAsync(Text("edit 6"));

        await Eventually.True(() => atBob.Count == 3, "bob received the update after the snapshot");
        Assert.Equal([1, 2, 6], atBob);
        var snapshot = Assert.Single(snapshots);
        Assert.Equal((5, "state up to 5"), (snapshot.Seq, Encoding.UTF8.GetString(snapshot.Plaintext)));
        Assert.Equal(6, bob.LastSeq);
    }

    [Fact]
    public async Task A_fetch_that_brings_the_members_own_push_does_not_deliver_it_back()
    {
        var room = await fixture.NewRoomAsync();
        var (alice, _) = await fixture.JoinAsync(room);
        var (bob, _) = await fixture.JoinAsync(room);
        await using var _a = alice;
        await using var _b = bob;
        var atBob = Received(bob);
        Lose(bob, 1);

        await alice.PushUpdateAsync(Text("alice's"));
        Assert.Equal(2, (await bob.PushUpdateAsync(Text("bob's"))).Seq);

        await Eventually.True(() => bob.LastSeq == 2, "bob fetched alice's update below his own");
        Assert.Equal([1], atBob);
    }
}
