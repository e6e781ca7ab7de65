using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Parley.Client;
using Parley.Client.Sessions;
using Parley.Protocol;

namespace Parley.Server.Tests;

/// <summary>
/// A member holding the room's key can write any snapshot, and the server cannot read it: only the
/// creator's replaces the log at once; another member's waits until a different member checked it
/// (docs/protocol.md, "Vandal snapshots"). TestDoc stands in for the Yjs doc the browser checks.
/// </summary>
public class VandalSnapshotTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    const int Lines = 30;

    /// <summary>A room whose creator wrote <see cref="Lines"/> updates, with a guest who has them all.</summary>
    async Task<(TestRoom Room, RoomSession Creator, RoomSession Guest, TestDoc Doc)> RoomWithLogAsync()
    {
        var room = await fixture.NewRoomAsync();
        var (creator, _) = await fixture.JoinAsync(room);
        var (guest, _) = await fixture.JoinAsync(room);
        var doc = new TestDoc();
        for (var i = 0; i < Lines; i++)
        {
            var update = TestDoc.Update($"line{i}", i, $"text {i}");
            doc.Apply(update);
            await creator.PushUpdateAsync(update);
        }
        await Testing.Eventually.True(() => guest.LastSeq == Lines, "the guest has every update");
        return (room, creator, guest, doc);
    }

    static string StateOf(Catchup catchup)
    {
        var doc = new TestDoc();
        if (catchup.Snapshot is { } s) doc.Apply(s.Plaintext);
        foreach (var u in catchup.Updates) doc.Apply(u.Plaintext);
        return doc.State;
    }

    /// <summary>What a checking client does: rebuild the covered log from the confirmed snapshot and the
    /// updates after it, and compare with the pending snapshot.</summary>
    static async Task<bool> HoldsWhatItCoversAsync(RoomSession checker, PendingSnapshot pending)
    {
        var log = new TestDoc();
        if (pending.Confirmed is { } confirmed) log.Apply(checker.OpenSnapshot(confirmed));
        var after = pending.Confirmed?.UpToSeq ?? 0;
        while (after < pending.Pending.UpToSeq)
        {
            var page = await checker.Connection.InvokeAsync<UpdatePage>(HubNames.FetchUpdates, checker.RoomId, after);
            foreach (var u in page.Updates.Where(u => u.Seq <= pending.Pending.UpToSeq))
                log.Apply(checker.Decrypt(EnvelopeKind.DocUpdate, u.Sender, u.Envelope));
            after = page.Updates[^1].Seq;
        }
        var snapshot = new TestDoc();
        snapshot.Apply(checker.OpenSnapshot(pending.Pending));
        return snapshot.State == log.State;
    }

    [Fact]
    public async Task A_guests_empty_snapshot_of_the_whole_log_leaves_later_joiners_the_full_log()
    {
        var (room, creator, vandal, doc) = await RoomWithLogAsync();
        await using var _c = creator;
        await using var _v = vandal;

        await vandal.PushSnapshotAsync(Lines, []);

        var (carol, catchup) = await fixture.JoinAsync(room);
        await using var _j = carol;
        Assert.Null(catchup.Snapshot);
        Assert.Equal(Lines, catchup.Updates.Count);
        Assert.Equal(doc.State, StateOf(catchup));
        Assert.Equal(Lines, await fixture.CountRowsAsync("DocUpdates", room.RoomId));
        Assert.Equal(1, await fixture.CountRowsAsync("PendingSnapshots", room.RoomId));
    }

    [Fact]
    public async Task The_creators_snapshot_replaces_the_log_at_once()
    {
        var (room, creator, guest, doc) = await RoomWithLogAsync();
        await using var _c = creator;
        await using var _g = guest;

        await creator.PushSnapshotAsync(Lines, doc.Snapshot());

        var (carol, catchup) = await fixture.JoinAsync(room);
        await using var _j = carol;
        Assert.Equal(Lines, catchup.Snapshot!.Seq);
        Assert.Empty(catchup.Updates);
        Assert.Equal(doc.State, StateOf(catchup));
        Assert.Equal(0, await fixture.CountRowsAsync("DocUpdates", room.RoomId));
    }

    [Fact]
    public async Task A_guests_honest_snapshot_replaces_the_log_once_another_member_checked_and_confirmed_it()
    {
        var (room, creator, guest, doc) = await RoomWithLogAsync();
        await using var _c = creator;
        await using var _g = guest;
        var (bob, _) = await fixture.JoinAsync(room);
        await using var _b = bob;
        await guest.PushSnapshotAsync(Lines, doc.Snapshot());

        // Asked on the next push of anyone but its sender, as snapshots are asked for.
        var fromGuest = await guest.PushUpdateAsync(TestDoc.Update("tail", 1, "after the snapshot"));
        Assert.Null(fromGuest.ConfirmDue);
        var fromBob = await bob.PushUpdateAsync(TestDoc.Update("tail", 2, "bob's"));
        Assert.Equal(new SnapshotRef(Lines, guest.MemberId), fromBob.ConfirmDue);

        var pending = (await bob.FetchPendingSnapshotAsync())!;
        Assert.True(await HoldsWhatItCoversAsync(bob, pending));
        Assert.True(await bob.ConfirmSnapshotAsync(pending.Pending));

        var (carol, catchup) = await fixture.JoinAsync(room);
        await using var _j = carol;
        Assert.Equal((Lines, guest.MemberId), (catchup.Snapshot!.Seq, catchup.Snapshot.Sender));
        Assert.Equal(2, catchup.Updates.Count);
        Assert.Equal(2, await fixture.CountRowsAsync("DocUpdates", room.RoomId));
        Assert.Equal(0, await fixture.CountRowsAsync("PendingSnapshots", room.RoomId));
        Assert.Null((await carol.PushUpdateAsync(TestDoc.Update("tail", 3, "carol's"))).ConfirmDue);
    }

    [Fact]
    public async Task The_vandals_snapshot_fails_the_check_and_is_never_confirmed()
    {
        var (room, creator, vandal, doc) = await RoomWithLogAsync();
        await using var _c = creator;
        await using var _v = vandal;
        await vandal.PushSnapshotAsync(Lines, TestDoc.Update("line0", 0, "forged"));

        var pending = (await creator.FetchPendingSnapshotAsync())!;
        Assert.False(await HoldsWhatItCoversAsync(creator, pending));
        Assert.Equal(Lines, await fixture.CountRowsAsync("DocUpdates", room.RoomId));
    }

    [Fact]
    public async Task The_sender_cannot_confirm_its_own_snapshot()
    {
        var (room, creator, guest, doc) = await RoomWithLogAsync();
        await using var _c = creator;
        await using var _g = guest;
        await guest.PushSnapshotAsync(Lines, []);
        var pending = (await guest.FetchPendingSnapshotAsync())!;

        var refused = await Assert.ThrowsAsync<HubException>(() => guest.ConfirmSnapshotAsync(pending.Pending));

        Assert.Equal(RefusalCode.ArgumentInvalid, refused.RefusalCode());
        Assert.Equal(Lines, await fixture.CountRowsAsync("DocUpdates", room.RoomId));
    }

    [Fact]
    public async Task Someone_who_is_not_a_member_cannot_confirm()
    {
        var (room, creator, guest, _) = await RoomWithLogAsync();
        await using var _c = creator;
        await using var _g = guest;
        await guest.PushSnapshotAsync(Lines, []);
        var pending = (await guest.FetchPendingSnapshotAsync())!;
        await using var outsider = RoomSession.Connect(fixture.Server.BaseUri);
        await outsider.StartAsync();

        var refused = await Assert.ThrowsAsync<HubException>(() => outsider.InvokeAsync<bool>(HubNames.ConfirmSnapshot, room.RoomId,
            pending.Pending.UpToSeq, pending.Pending.Sender, System.Security.Cryptography.SHA256.HashData(pending.Pending.Envelope.Ciphertext)));

        Assert.Equal(RefusalCode.NotMember, refused.RefusalCode());
        Assert.Equal(Lines, await fixture.CountRowsAsync("DocUpdates", room.RoomId));
    }

    [Fact]
    public async Task A_confirmation_of_a_snapshot_replaced_since_changes_nothing()
    {
        var (room, creator, guest, doc) = await RoomWithLogAsync();
        await using var _c = creator;
        await using var _g = guest;
        await guest.PushSnapshotAsync(Lines, doc.Snapshot());
        var checkedOne = (await creator.FetchPendingSnapshotAsync())!;
        Assert.True(await HoldsWhatItCoversAsync(creator, checkedOne));

        // The same sender and coverage, other bytes: the confirmation names the bytes it checked.
        await guest.PushSnapshotAsync(Lines, []);
        Assert.False(await creator.ConfirmSnapshotAsync(checkedOne.Pending));
        Assert.Equal(Lines, await fixture.CountRowsAsync("DocUpdates", room.RoomId));

        // A newer one replaces it too.
        await creator.PushUpdateAsync(TestDoc.Update("tail", 1, "more"));
        await guest.PushSnapshotAsync(Lines + 1, []);
        Assert.Equal(Lines + 1, (await creator.FetchPendingSnapshotAsync())!.Pending.UpToSeq);
        Assert.False(await creator.ConfirmSnapshotAsync(checkedOne.Pending));
        Assert.Equal(Lines + 1, await fixture.CountRowsAsync("DocUpdates", room.RoomId));
    }

    [Fact]
    public async Task A_creators_snapshot_drops_the_pending_one_it_covers()
    {
        var (room, creator, guest, doc) = await RoomWithLogAsync();
        await using var _c = creator;
        await using var _g = guest;
        await guest.PushSnapshotAsync(Lines, []);

        await creator.PushSnapshotAsync(Lines, doc.Snapshot());

        Assert.Null(await guest.FetchPendingSnapshotAsync());
        Assert.Null((await guest.PushUpdateAsync(TestDoc.Update("tail", 1, "x"))).ConfirmDue);
        Assert.Equal(1, await fixture.CountRowsAsync("DocUpdates", room.RoomId));
    }
}
