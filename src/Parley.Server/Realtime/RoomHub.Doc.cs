using Parley.Protocol;
using Parley.Server.Rooms;
using Parley.Server.Sync;

namespace Parley.Server.Realtime;

// The document part of the room hub: hand to the document log or writer, return.
public sealed partial class RoomHub
{
    [RoomMember]
    public Task<UpdatePage> FetchUpdates(string roomId, long afterSeq, DocLog log) => log.FetchAsync(roomId, afterSeq, Aborted);

    [RoomMember]
    public Task<PushResult> PushDocUpdate(string roomId, Envelope envelope, DocWriter writer)
    {
        rules.Check(envelope);
        return writer.AppendAsync(new DocWriter.Push(roomId, MemberId, Context.ConnectionId, envelope), Aborted);
    }

    /// <summary>
    /// Several updates in one call, all sealed under one key epoch: a client's pipeline of pushes,
    /// stored in the order given with consecutive seqs, or refused together. One call, one ack.
    /// </summary>
    [RoomMember]
    public Task<PushResult> PushDocUpdates(string roomId, Envelope[] envelopes, DocWriter writer)
    {
        if (envelopes is not { Length: > 0 and <= Limits.MaxUpdatesPerPush })
            throw new Refusal(RefusalCode.EnvelopeMalformed, $"Malformed envelope: a push carries 1 to {Limits.MaxUpdatesPerPush} updates.");
        foreach (var envelope in envelopes) rules.Check(envelope);
        if (envelopes.Any(e => e.Epoch != envelopes[0].Epoch))
            throw new Refusal(RefusalCode.EnvelopeMalformed, "Malformed envelope: the updates of one push are sealed under one key epoch.");
        return writer.AppendAsync(new DocWriter.Push(roomId, MemberId, Context.ConnectionId, envelopes), Aborted);
    }

    /// <summary>The creator's replaces the log at once; another member's waits for a confirmation.</summary>
    [RoomMember]
    public Task PushSnapshot(string roomId, long upToSeq, Envelope envelope, SnapshotStore snapshots)
    {
        rules.Check(envelope);
        return snapshots.StoreAsync(roomId, MemberId, upToSeq, envelope, Aborted);
    }

    [RoomMember]
    public Task<PendingSnapshot?> FetchPendingSnapshot(string roomId, SnapshotStore snapshots) => snapshots.PendingAsync(roomId, Aborted);

    /// <summary>Any current member but the snapshot's sender, after its client checked the snapshot against the log.</summary>
    [RoomMember]
    public Task<bool> ConfirmSnapshot(string roomId, long upToSeq, string sender, byte[] digest, SnapshotStore snapshots) =>
        snapshots.ConfirmAsync(roomId, MemberId, upToSeq, sender, digest, Aborted);

    /// <summary>Relayed, never stored: cursors and names are only worth something live.</summary>
    [RoomMember]
    public Task PushAwareness(string roomId, Envelope envelope)
    {
        rules.Check(envelope);
        fanout.Awareness(roomId, Context.ConnectionId, MemberId, envelope);
        return Task.CompletedTask;
    }
}
