using Microsoft.AspNetCore.SignalR;
using Parley.Client;
using Parley.Protocol;

namespace Parley.Server.Tests;

/// <summary>A server with a small room log bound: 256 KiB, of which the chat may hold 64 KiB and the document 192 KiB.</summary>
public sealed class RoomLogLimitFixture : ServerFixture
{
    public const long MaxRoomLogBytes = 256 * 1024;
    public const long DocShare = MaxRoomLogBytes * 3 / 4;
    public const long ChatShare = MaxRoomLogBytes / 4;

    protected override Dictionary<string, string> Settings => new(base.Settings)
    {
        ["Parley__MaxRoomLogBytes"] = $"{MaxRoomLogBytes}",
        ["Parley__MaxEnvelopeBytes"] = "32768",
        ["Parley__MaxChatBytes"] = "16384",
    };
}

public class RoomLogLimitTests(RoomLogLimitFixture fixture) : IClassFixture<RoomLogLimitFixture>
{
    const int Chunk = 8 * 1024;

    [Fact]
    public async Task A_flood_of_updates_is_asked_for_a_snapshot_early_refused_at_the_bound_and_a_snapshot_frees_it()
    {
        var room = await fixture.NewRoomAsync();
        var (alice, _) = await fixture.JoinAsync(room);
        await using var _a = alice;
        long stored = 0, firstAsked = 0;
        HubException? refused = null;
        // Bounded: the bound is 24 pushes of this size away.
        for (var i = 0; i < 100 && refused is null; i++)
        {
            try
            {
                var pushed = await alice.PushUpdateAsync(new byte[Chunk]);
                stored += Chunk;
                if (pushed.SnapshotDue && firstAsked == 0) firstAsked = stored;
            }
            catch (HubException e) { refused = e; }
        }

        Assert.NotNull(refused);
        Assert.Equal(RefusalCode.RoomLogFull, refused.RefusalCode());
        Assert.InRange(stored, RoomLogLimitFixture.DocShare - 2 * Chunk, RoomLogLimitFixture.DocShare);
        Assert.True(firstAsked > 0 && firstAsked * 4 <= RoomLogLimitFixture.DocShare,
            $"asked for a snapshot after {firstAsked} of {RoomLogLimitFixture.DocShare} bytes");

        await alice.PushSnapshotAsync(alice.LastSeq, new byte[100]);
        var after = await alice.PushUpdateAsync(new byte[Chunk]);
        Assert.Equal(alice.LastSeq, after.Seq);
    }

    [Fact]
    public async Task A_full_log_that_only_a_guests_pending_snapshot_could_free_continues_once_another_member_confirms_it()
    {
        var room = await fixture.NewRoomAsync();
        var (alice, _) = await fixture.JoinAsync(room);
        var (bob, _) = await fixture.JoinAsync(room);
        await using var _a = alice;
        await using var _b = bob;
        HubException? refused = null;
        for (var i = 0; i < 100 && refused is null; i++)
        {
            try { await bob.PushUpdateAsync(new byte[Chunk]); }
            catch (HubException e) { refused = e; }
        }
        Assert.Equal(RefusalCode.RoomLogFull, refused?.RefusalCode());

        // The guest's snapshot is stored although the log is full, but frees nothing until it is confirmed.
        await bob.PushSnapshotAsync(bob.LastSeq, new byte[100]);
        Assert.Equal(RefusalCode.RoomLogFull, (await Assert.ThrowsAsync<HubException>(() => bob.PushUpdateAsync(new byte[Chunk]))).RefusalCode());

        var pending = (await alice.FetchPendingSnapshotAsync())!;
        Assert.True(await alice.ConfirmSnapshotAsync(pending.Pending));
        var after = await bob.PushUpdateAsync(new byte[Chunk]);
        Assert.Equal(bob.LastSeq, after.Seq);
    }

    [Fact]
    public async Task Chat_is_refused_at_its_share_of_the_bound_and_the_document_still_takes_edits()
    {
        var room = await fixture.NewRoomAsync();
        var (alice, _) = await fixture.JoinAsync(room);
        await using var _a = alice;
        long stored = 0;
        HubException? refused = null;
        for (var i = 0; i < 100 && refused is null; i++)
        {
            try
            {
                await alice.SendChatAsync(Guid.NewGuid().ToString("N"), new byte[Chunk]);
                stored += Chunk;
            }
            catch (HubException e) { refused = e; }
        }

        Assert.NotNull(refused);
        Assert.Equal(RefusalCode.RoomLogFull, refused.RefusalCode());
        Assert.Contains("chat", refused.Message);
        Assert.InRange(stored, RoomLogLimitFixture.ChatShare - 2 * Chunk, RoomLogLimitFixture.ChatShare);
        await alice.PushUpdateAsync(new byte[Chunk]);
    }
}
