using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Parley.Client;
using Parley.Client.Sessions;
using Parley.Protocol;
using Parley.Testing;

namespace Parley.Server.Tests;

/// <summary>Several pushes of one member in flight at once (PushDocUpdates): order, acknowledgement, limits, crashes.</summary>
public class PipelinedPushTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    static byte[] Text(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public async Task Pipelined_pushes_are_stored_in_the_order_pushed_and_each_caller_gets_its_own_seq()
    {
        var room = await fixture.NewRoomAsync();
        var (alice, _) = await fixture.JoinAsync(room);
        var (bob, _) = await fixture.JoinAsync(room);
        await using var _a = alice;
        await using var _b = bob;
        var atBob = new ConcurrentQueue<DocEntry>();
        bob.UpdateReceived += atBob.Enqueue;

        // Started without waiting: all but the first queue up behind the call in flight and leave in a few calls.
        var pushes = Enumerable.Range(0, 700).Select(i => alice.PushUpdateAsync(Text($"edit {i}"))).ToList();
        var results = await Task.WhenAll(pushes);

        Assert.Equal(Enumerable.Range(1, 700).Select(i => (long)i), results.Select(r => r.Seq));
        await Eventually.True(() => atBob.Count == 700, "bob received all 700");
        Assert.Equal(Enumerable.Range(0, 700).Select(i => $"edit {i}"), atBob.Select(e => Encoding.UTF8.GetString(e.Plaintext)));
        Assert.Equal(Enumerable.Range(1, 700).Select(i => (long)i), atBob.Select(e => e.Seq));
        Assert.Equal(700, alice.LastSeq);
    }

    [Fact]
    public async Task A_push_of_too_many_updates_or_of_mixed_key_epochs_is_refused_and_stores_nothing()
    {
        var room = await fixture.NewRoomAsync();
        var (alice, _) = await fixture.JoinAsync(room);
        await using var _a = alice;
        var update = alice.Encrypt(EnvelopeKind.DocUpdate, Text("x"));
        var otherEpoch = new Envelope(update.Epoch + 1, update.Iv, update.Ciphertext);

        foreach (var envelopes in new[] { [], Enumerable.Repeat(update, Limits.MaxUpdatesPerPush + 1).ToArray(), [update, otherEpoch] })
        {
            var refused = await Assert.ThrowsAsync<HubException>(() =>
                alice.Connection.InvokeAsync<PushResult>(HubNames.PushDocUpdates, room.RoomId, envelopes));
            Assert.Equal(RefusalCode.EnvelopeMalformed, refused.RefusalCode());
        }
        Assert.Equal(0, await fixture.CountRowsAsync("DocUpdates", room.RoomId));

        // The largest allowed push goes through whole, with consecutive seqs.
        var result = await alice.Connection.InvokeAsync<PushResult>(HubNames.PushDocUpdates, room.RoomId,
            Enumerable.Range(0, Limits.MaxUpdatesPerPush).Select(_ => alice.Encrypt(EnvelopeKind.DocUpdate, Text("y"))).ToArray());
        Assert.Equal(Limits.MaxUpdatesPerPush, result.Seq);
        Assert.Equal(Limits.MaxUpdatesPerPush, await fixture.CountRowsAsync("DocUpdates", room.RoomId));
    }
}
