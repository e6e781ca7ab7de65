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

    [RoomMember]
    public Task PushSnapshot(string roomId, long upToSeq, Envelope envelope, DocLog log)
    {
        rules.Check(envelope);
        return log.StoreSnapshotAsync(roomId, MemberId, upToSeq, envelope, Aborted);
    }

    /// <summary>Relayed, never stored: cursors and names are only worth something live.</summary>
    [RoomMember]
    public Task PushAwareness(string roomId, Envelope envelope)
    {
        rules.Check(envelope);
        fanout.Awareness(roomId, Context.ConnectionId, MemberId, envelope);
        return Task.CompletedTask;
    }
}
