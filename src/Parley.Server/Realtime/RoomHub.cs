using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Parley.Protocol;
using Parley.Server.Accounts;
using Parley.Server.Hosting;
using Parley.Server.Keys;
using Parley.Server.Rooms;
using Parley.Server.Storage;
using Parley.Server.Sync;

namespace Parley.Server.Realtime;

/// <summary>
/// Real-time entry point. <see cref="RoomAuthorization"/> has authorized each call by its attribute
/// before it runs; a method hands the work to one feature service and returns. Envelopes pass
/// through unread. The partial files beside this one are the other features' methods.
/// </summary>
public sealed partial class RoomHub(IRoomConnections connections, EnvelopeRules rules, RoomFanout fanout) : Hub<IRoomClient>
{
    /// <summary>The caller's member id in the call's room, as the authorization filter resolved it.</summary>
    internal string MemberId { get; set; } = "";

    CancellationToken Aborted => Context.ConnectionAborted;

    [Anyone]
    public async Task<JoinResult> JoinRoom(JoinRequest request, RoomMembers members, DocLog log, RoomKeys keys, MemberAccounts accounts,
        IOptions<RoomExpiryOptions> expiry)
    {
        if (request?.Profile is not null) rules.CheckChat(request.Profile);
        var address = ClientAddress.KeyOf(Context.GetHttpContext());
        var admission = await members.AdmitAsync(request!, address, Aborted);
        var abilities = await accounts.JoinedAsync(admission.MemberId, admission.HasAccount, Context.User, Aborted);
        var room = admission.Room;
        if (admission.Waiting) return await WaitInLobbyAsync(admission);

        // Join the group and the fan-out's room before reading the log, so no update falls between the two.
        await Groups.AddToGroupAsync(Context.ConnectionId, RoomGroups.Of(room.Id), Aborted);
        var joined = JoinedRooms.Of(Context);
        var alreadyHere = joined.TryGetValue(room.Id, out var previous);
        joined[room.Id] = admission.MemberId;
        if (!alreadyHere || previous != admission.MemberId)
        {
            if (alreadyHere) await LeaveAsync(room.Id, previous!);
            if (await connections.ConnectAsync(room.Id, admission.MemberId, Context.ConnectionId))
                await fanout.Room(room.Id, Context.ConnectionId).MemberJoined(room.Id, admission.MemberId);
        }
        var catchup = await log.CatchupAsync(room.Id, Math.Max(0, request!.SinceSeq), room.SnapshotSeq, Aborted);

        var requests = room.CreatorId == admission.MemberId ? await members.WaitingAsync(room.Id, Aborted) : [];
        var joinKeys = await keys.ForJoinAsync(room, admission.MemberId, Aborted);
        // A joiner without the current key asks for it; the join's own figures say so, no second look needed.
        await keys.RequestKeysAsync(room.Id, joinKeys.Members.Where(m => m.MemberId == admission.MemberId && joinKeys.KeyRequests.Contains(m.MemberId)),
            Aborted, joinKeys.KeyedMembers);
        return new JoinResult(admission.MemberId, admission.MemberToken, room.Epoch, catchup.LatestSeq,
            catchup.Snapshot, catchup.Updates, catchup.More, await connections.OnlineAsync(room.Id), room.CreatorId,
            room.PasswordHash is not null, room.LobbyEnabled, Waiting: false, requests,
            joinKeys.Grants, joinKeys.Members, joinKeys.KeyRequests, room.RotationDue, room.HistoryVisible,
            room.Link?.ToWire(), room.Meta?.ToWire(),
            joinKeys.Granters)
        {
            Abilities = abilities,
            IdleExpirySeconds = (long)expiry.Value.IdleExpiry.TotalSeconds,
            LastActiveAt = UnixTime.Milliseconds(room.LastActiveAt),
            KeyChangedAt = room.Epoch >= 0 ? UnixTime.Milliseconds(room.EpochStartedAt) : null,
        };
    }

    /// <summary>A lobby guest learns nothing of the room; the creator is asked to decide.</summary>
    async Task<JoinResult> WaitInLobbyAsync(RoomMembers.Admission admission)
    {
        var room = admission.Room;
        await Groups.AddToGroupAsync(Context.ConnectionId, RoomGroups.Waiting(room.Id, admission.MemberId), Aborted);
        if (room.CreatorId is not null)
            await fanout.Member(room.Id, room.CreatorId).JoinRequested(room.Id, admission.LobbyRequest!);
        return new JoinResult(admission.MemberId, admission.MemberToken, room.Epoch, 0, null, [], false, [], room.CreatorId,
            room.PasswordHash is not null, room.LobbyEnabled, Waiting: true, [], [], [], [], false, room.HistoryVisible, null, null, []);
    }

    public override Task OnConnectedAsync()
    {
        connections.Opened(Context.ConnectionId, Context.Abort);
        fanout.Opened(Context.ConnectionId);
        return base.OnConnectedAsync();
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        foreach (var (roomId, memberId) in JoinedRooms.Of(Context)) await LeaveAsync(roomId, memberId);
        connections.Closed(Context.ConnectionId);
        fanout.Closed(Context.ConnectionId);
        await base.OnDisconnectedAsync(exception);
    }

    async Task LeaveAsync(string roomId, string memberId)
    {
        if (await connections.DisconnectAsync(roomId, memberId, Context.ConnectionId))
            await fanout.Room(roomId).MemberLeft(roomId, memberId);
    }
}
