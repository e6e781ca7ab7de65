using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Parley.Client.Protocol;
using Parley.Server.Accounts;
using Parley.Server.FileManager;
using Parley.Server.Keys;
using Parley.Server.Storage;
using Parley.Server.Sync;

namespace Parley.Server.Rooms;

/// <summary>The creator's powers over a room (removing a member, settings, ending the session), and a member leaving it.</summary>
public sealed class RoomControl(ParleyDb db, IBlobStore blobs, RoomPresence presence, RoomPasswords passwords,
    RoomKeys keys, IHubContext<RoomHub> hub, TimeProvider clock, ILogger<RoomControl> log, MemberAccounts accounts,
    RoomActivity activity)
{
    // Long enough for the notice to reach the screen of whoever is shut out, short enough to matter.
    static readonly TimeSpan CloseAfter = TimeSpan.FromSeconds(1);

    public async Task RequireCreatorAsync(string roomId, string callerId, CancellationToken ct)
    {
        var creator = await db.Rooms.Where(r => r.Id == roomId).Select(r => r.CreatorId).SingleOrDefaultAsync(ct);
        if (creator is null || creator != callerId) throw new HubException("Only the room's creator can do that.");
    }

    public async Task KickAsync(string roomId, string callerId, string? memberId, CancellationToken ct)
    {
        await RequireCreatorAsync(roomId, callerId, ct);
        if (memberId == callerId) throw new HubException("The creator cannot remove themselves; terminate the session instead.");
        var kicked = await db.Members.Where(m => m.Id == memberId && m.RoomId == roomId && m.KickedAt == null && m.DepartedAt == null)
            .ExecuteUpdateAsync(m => m.SetProperty(x => x.KickedAt, clock.GetUtcNow().UtcDateTime), ct);
        if (kicked == 0) throw new HubException("No such member in this room.");
        // The log names who was removed; only the creator removes anyone.
        await activity.RecordAsync(roomId, memberId!, ActivityAction.Kicked, ct);
        await ShutOutAsync(roomId, memberId!, HubNames.MemberKicked, RoomMembers.Removed, ct);
        log.LogInformation("Member {MemberId} was removed from room {RoomId}", memberId, roomId);
    }

    public async Task LeaveAsync(string roomId, string callerId, CancellationToken ct)
    {
        var creator = await db.Rooms.Where(r => r.Id == roomId).Select(r => r.CreatorId).SingleOrDefaultAsync(ct);
        if (creator == callerId) throw new HubException("The creator cannot leave; terminate the session instead.");
        var left = await db.Members.Where(m => m.Id == callerId && m.RoomId == roomId && m.DepartedAt == null)
            .ExecuteUpdateAsync(m => m.SetProperty(x => x.DepartedAt, clock.GetUtcNow().UtcDateTime), ct);
        if (left == 1) await activity.RecordAsync(roomId, callerId, ActivityAction.Left, ct);
        await ShutOutAsync(roomId, callerId, HubNames.MemberDeparted, RoomMembers.Departed, ct);
    }

    /// <summary>A member is out (kicked or gone): cut its connections off, tell the room, and ask for a new key epoch.</summary>
    async Task ShutOutAsync(string roomId, string memberId, string notice, string reason, CancellationToken ct)
    {
        await db.Rooms.Where(r => r.Id == roomId).ExecuteUpdateAsync(r => r.SetProperty(x => x.RotationDue, true), ct);
        var connections = presence.Connections(roomId, memberId);
        foreach (var c in connections) RoomAccess.Revoke(c, roomId, reason);
        presence.Forget(roomId, memberId);
        var room = hub.Clients.Group(RoomHub.GroupOf(roomId));
        await room.SendAsync(notice, roomId, memberId, ct);
        await Task.WhenAll(connections.Select(c => hub.Groups.RemoveFromGroupAsync(c.ConnectionId, RoomHub.GroupOf(roomId), ct)));
        await room.SendAsync(HubNames.RotationNeeded, roomId, ct);
        CloseSoon(connections);
    }

    public async Task SetMetaAsync(string roomId, string callerId, Envelope? envelope, CancellationToken ct)
    {
        await RequireCreatorAsync(roomId, callerId, ct);
        if (!(await accounts.AbilitiesAsync(callerId, ct)).NameRoom) throw new HubException(AccessPolicy.SignInToNameRoom);
        var meta = await keys.CheckMetaAsync(roomId, envelope, ct);
        await db.Rooms.Where(r => r.Id == roomId).ExecuteUpdateAsync(r => r.SetProperty(x => x.Meta, StoredEnvelope.From(meta)), ct);
        await hub.Clients.Group(RoomHub.GroupOf(roomId)).SendAsync(HubNames.RoomMetaChanged, roomId, meta, ct);
    }

    public async Task SetHistoryVisibleAsync(string roomId, string callerId, bool visible, CancellationToken ct)
    {
        await RequireCreatorAsync(roomId, callerId, ct);
        await db.Rooms.Where(r => r.Id == roomId).ExecuteUpdateAsync(r => r.SetProperty(x => x.HistoryVisible, visible), ct);
        await hub.Clients.Group(RoomHub.GroupOf(roomId)).SendAsync(HubNames.HistoryVisibilityChanged, roomId, visible, ct);
    }

    public async Task SetPasswordAsync(string roomId, string callerId, string? password, CancellationToken ct)
    {
        await RequireCreatorAsync(roomId, callerId, ct);
        // Taking a password off never needs an account (one may be left from a laxer policy).
        if (!string.IsNullOrEmpty(password) && !(await accounts.AbilitiesAsync(callerId, ct)).ProtectRoom)
            throw new HubException(AccessPolicy.SignInToProtectRoom);
        var hash = passwords.Hash(password);
        await db.Rooms.Where(r => r.Id == roomId).ExecuteUpdateAsync(r => r.SetProperty(x => x.PasswordHash, hash), ct);
        await hub.Clients.Group(RoomHub.GroupOf(roomId)).SendAsync(HubNames.RoomProtectionChanged, roomId, hash is not null, ct);
    }

    public async Task SetLobbyAsync(string roomId, string callerId, bool on, CancellationToken ct)
    {
        await RequireCreatorAsync(roomId, callerId, ct);
        await db.Rooms.Where(r => r.Id == roomId).ExecuteUpdateAsync(r => r.SetProperty(x => x.LobbyEnabled, on), ct);
        await hub.Clients.Group(RoomHub.GroupOf(roomId)).SendAsync(HubNames.LobbyChanged, roomId, on, ct);
    }

    public async Task DecideJoinAsync(string roomId, string callerId, string? memberId, bool admit, CancellationToken ct)
    {
        await RequireCreatorAsync(roomId, callerId, ct);
        var decided = await db.Members
            .Where(m => m.Id == memberId && m.RoomId == roomId && m.Admission == MemberAdmission.Waiting && m.KickedAt == null)
            .ExecuteUpdateAsync(m => m.SetProperty(x => x.Admission, admit ? MemberAdmission.Admitted : MemberAdmission.Refused), ct);
        if (decided == 0) throw new HubException("Not waiting: nobody by that id is waiting to join.");
        if (admit) await activity.RecordAsync(roomId, memberId!, ActivityAction.Joined, ct);
        await hub.Clients.Group(RoomHub.WaitingGroupOf(roomId, memberId!)).SendAsync(HubNames.JoinDecided, roomId, admit, ct);
    }

    public async Task TerminateAsync(string roomId, string callerId, CancellationToken ct)
    {
        await RequireCreatorAsync(roomId, callerId, ct);
        var connections = presence.Connections(roomId);
        foreach (var c in connections) RoomAccess.Revoke(c, roomId, RoomMembers.Ended);

        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            // Every row of the room goes with it (the foreign keys cascade); only its id stays behind.
            await db.Rooms.Where(r => r.Id == roomId).ExecuteDeleteAsync(ct);
            db.EndedRooms.Add(new EndedRoom { Id = roomId, EndedAt = clock.GetUtcNow().UtcDateTime });
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        await blobs.DeleteRoomAsync(roomId, ct);
        presence.Forget(roomId);
        await hub.Clients.Group(RoomHub.GroupOf(roomId)).SendAsync(HubNames.Terminated, roomId, ct);
        CloseSoon(connections);
        log.LogInformation("Room {RoomId} was terminated by its creator", roomId);
    }

    static void CloseSoon(IReadOnlyList<HubCallerContext> connections) =>
        _ = Task.Delay(CloseAfter).ContinueWith(_ => { foreach (var c in connections) c.Abort(); }, TaskScheduler.Default);
}
