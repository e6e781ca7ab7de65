using Microsoft.AspNetCore.SignalR;
using Parley.Client.Protocol;
using Parley.Server.Rooms;

namespace Parley.Server.Sync;

/// <summary>
/// Real-time entry point. Each method authorizes the caller, hands the work to one feature
/// service and returns; envelopes pass through unread.
/// </summary>
public sealed partial class RoomHub(RoomPresence presence, EnvelopeRules rules) : Hub
{
    public static string GroupOf(string roomId) => "room:" + roomId;

    public async Task<JoinResult> JoinRoom(JoinRequest request, RoomMembers members, DocLog log)
    {
        var address = Context.GetHttpContext()?.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var admission = await members.AdmitAsync(request, address, Context.ConnectionAborted);
        var roomId = admission.Room.Id;
        // Join the group before reading the log, so no update falls between the two.
        await Groups.AddToGroupAsync(Context.ConnectionId, GroupOf(roomId), Context.ConnectionAborted);
        var catchup = await log.CatchupAsync(roomId, Math.Max(0, request.SinceSeq), Context.ConnectionAborted);

        var alreadyHere = RoomAccess.JoinedRooms(Context).TryGetValue(roomId, out var previous);
        RoomAccess.RecordJoin(Context, roomId, admission.MemberId);
        if (!alreadyHere || previous != admission.MemberId)
        {
            if (alreadyHere) await LeaveAsync(roomId, previous!);
            if (presence.Connect(roomId, admission.MemberId, Context))
                await Clients.OthersInGroup(GroupOf(roomId)).SendAsync(HubNames.MemberJoined, roomId, admission.MemberId);
        }

        return new JoinResult(admission.MemberId, admission.MemberToken, admission.Room.Epoch, catchup.LatestSeq,
            catchup.Snapshot, catchup.Updates, catchup.More, presence.Online(roomId), admission.Room.CreatorId,
            admission.Room.PasswordHash is not null);
    }

    public Task<UpdatePage> FetchUpdates(string roomId, long afterSeq, DocLog log)
    {
        RoomAccess.RequireMember(Context, roomId);
        return log.FetchAsync(roomId, afterSeq, Context.ConnectionAborted);
    }

    public Task<PushResult> PushDocUpdate(string roomId, Envelope envelope, DocWriter writer)
    {
        var memberId = RoomAccess.RequireMember(Context, roomId);
        rules.Check(envelope);
        return writer.AppendAsync(new DocWriter.Push(roomId, memberId, Context.ConnectionId, envelope), Context.ConnectionAborted);
    }

    public Task PushSnapshot(string roomId, long upToSeq, Envelope envelope, DocLog log)
    {
        var memberId = RoomAccess.RequireMember(Context, roomId);
        rules.Check(envelope);
        return log.StoreSnapshotAsync(roomId, memberId, upToSeq, envelope, Context.ConnectionAborted);
    }

    public Task PushAwareness(string roomId, Envelope envelope)
    {
        var memberId = RoomAccess.RequireMember(Context, roomId);
        rules.Check(envelope);
        return Clients.OthersInGroup(GroupOf(roomId)).SendAsync(HubNames.Awareness, roomId, memberId, envelope);
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        foreach (var (roomId, memberId) in RoomAccess.JoinedRooms(Context)) await LeaveAsync(roomId, memberId);
        await base.OnDisconnectedAsync(exception);
    }

    async Task LeaveAsync(string roomId, string memberId)
    {
        if (presence.Disconnect(roomId, memberId, Context.ConnectionId))
            await Clients.Group(GroupOf(roomId)).SendAsync(HubNames.MemberLeft, roomId, memberId);
    }
}
