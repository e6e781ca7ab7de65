using Microsoft.AspNetCore.SignalR;
using Parley.Client.Protocol;
using Parley.Server.Accounts;
using Parley.Server.Keys;
using Parley.Server.Rooms;

namespace Parley.Server.Sync;

/// <summary>
/// Real-time entry point. Each method authorizes the caller, hands the work to one feature
/// service and returns; envelopes pass through unread.
/// </summary>
public sealed partial class RoomHub(RoomPresence presence, EnvelopeRules rules) : Hub
{
    public static string GroupOf(string roomId) => "room:" + roomId;

    public static string WaitingGroupOf(string roomId, string memberId) => $"lobby:{roomId}:{memberId}";

    public async Task<JoinResult> JoinRoom(JoinRequest request, RoomMembers members, DocLog log, RoomKeys keys, MemberAccounts accounts)
    {
        if (request?.Profile is not null) rules.CheckChat(request.Profile);
        var address = Context.GetHttpContext()?.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var admission = await members.AdmitAsync(request!, address, Context.ConnectionAborted);
        var abilities = await accounts.JoinedAsync(admission.MemberId, Context.User, Context.ConnectionAborted);
        var room = admission.Room;
        if (admission.Waiting) return await WaitInLobbyAsync(admission);

        // Join the group before reading the log, so no update falls between the two.
        await Groups.AddToGroupAsync(Context.ConnectionId, GroupOf(room.Id), Context.ConnectionAborted);
        var catchup = await log.CatchupAsync(room.Id, Math.Max(0, request!.SinceSeq), Context.ConnectionAborted);

        var alreadyHere = RoomAccess.JoinedRooms(Context).TryGetValue(room.Id, out var previous);
        RoomAccess.RecordJoin(Context, room.Id, admission.MemberId);
        if (!alreadyHere || previous != admission.MemberId)
        {
            if (alreadyHere) await LeaveAsync(room.Id, previous!);
            if (presence.Connect(room.Id, admission.MemberId, Context))
                await Clients.OthersInGroup(GroupOf(room.Id)).SendAsync(HubNames.MemberJoined, room.Id, admission.MemberId);
        }

        var requests = room.CreatorId == admission.MemberId ? await members.WaitingAsync(room.Id, Context.ConnectionAborted) : [];
        var joinKeys = await keys.ForJoinAsync(room, admission.MemberId, Context.ConnectionAborted);
        // A joiner without the current key asks for it; the join's own figures say so, no second look needed.
        await keys.RequestKeysAsync(room.Id, joinKeys.Members.Where(m => m.MemberId == admission.MemberId && joinKeys.KeyRequests.Contains(m.MemberId)),
            Context.ConnectionAborted);
        return new JoinResult(admission.MemberId, admission.MemberToken, room.Epoch, catchup.LatestSeq,
            catchup.Snapshot, catchup.Updates, catchup.More, presence.Online(room.Id), room.CreatorId,
            room.PasswordHash is not null, room.LobbyEnabled, Waiting: false, requests,
            joinKeys.Grants, joinKeys.Members, joinKeys.KeyRequests, room.RotationDue, room.HistoryVisible,
            room.Link?.ToWire(), room.Meta?.ToWire(),
            joinKeys.Granters) { Abilities = abilities };
    }

    /// <summary>A lobby guest learns nothing of the room; the creator is asked to decide.</summary>
    async Task<JoinResult> WaitInLobbyAsync(RoomMembers.Admission admission)
    {
        var room = admission.Room;
        await Groups.AddToGroupAsync(Context.ConnectionId, WaitingGroupOf(room.Id, admission.MemberId), Context.ConnectionAborted);
        if (room.CreatorId is not null)
            await Clients.Clients(presence.Connections(room.Id, room.CreatorId).Select(c => c.ConnectionId).ToList())
                .SendAsync(HubNames.JoinRequested, room.Id, admission.LobbyRequest);
        return new JoinResult(admission.MemberId, admission.MemberToken, room.Epoch, 0, null, [], false, [], room.CreatorId,
            room.PasswordHash is not null, room.LobbyEnabled, Waiting: true, [], [], [], [], false, room.HistoryVisible, null, null, []);
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
