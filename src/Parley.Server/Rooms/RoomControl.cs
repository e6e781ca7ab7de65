using Microsoft.EntityFrameworkCore;
using Parley.Protocol;
using Parley.Server.Accounts;
using Parley.Server.FileManager;
using Parley.Server.Keys;
using Parley.Server.Realtime;
using Parley.Server.Storage;

namespace Parley.Server.Rooms;

/// <summary>
/// The creator's powers over a room (removing a member, settings, ending the session), and a member
/// leaving it. The hub has checked that the caller is the creator where it must be (RoomAuthorization).
/// </summary>
public sealed class RoomControl(ParleyDb db, RoomDeletion deletion, IRoomConnections connections, RoomNotifier notifier,
    RoomPasswords passwords, RoomKeys keys, TimeProvider clock, ILogger<RoomControl> log, MemberAccounts accounts,
    RoomActivity activity)
{
    public async Task KickAsync(string roomId, string callerId, string? memberId, CancellationToken ct)
    {
        if (memberId == callerId)
            throw new Refusal(RefusalCode.CreatorCannotLeave, "The creator cannot remove themselves; terminate the session instead.");
        var kicked = await db.Members.Where(m => m.Id == memberId && m.RoomId == roomId && m.KickedAt == null && m.DepartedAt == null)
            .ExecuteUpdateAsync(m => m.SetProperty(x => x.KickedAt, clock.GetUtcNow().UtcDateTime), ct);
        if (kicked == 0) throw new Refusal(RefusalCode.MemberUnknown, "No such member in this room.");
        // The log names who was removed; only the creator removes anyone.
        await activity.RecordAsync(roomId, memberId!, ActivityAction.Kicked, ct);
        await ShutOutAsync(roomId, memberId!, RefusalCode.MemberRemoved, ct);
        log.MemberKicked(roomId, memberId!);
    }

    public async Task LeaveAsync(string roomId, string callerId, CancellationToken ct)
    {
        var creator = await db.Rooms.Where(r => r.Id == roomId).Select(r => r.CreatorId).SingleOrDefaultAsync(ct);
        if (creator == callerId) throw new Refusal(RefusalCode.CreatorCannotLeave, "The creator cannot leave; terminate the session instead.");
        var left = await db.Members.Where(m => m.Id == callerId && m.RoomId == roomId && m.DepartedAt == null)
            .ExecuteUpdateAsync(m => m.SetProperty(x => x.DepartedAt, clock.GetUtcNow().UtcDateTime), ct);
        if (left == 1) await activity.RecordAsync(roomId, callerId, ActivityAction.Left, ct);
        await ShutOutAsync(roomId, callerId, RefusalCode.MemberDeparted, ct);
    }

    /// <summary>A member is out (kicked or gone): refuse its calls, tell the room (it too), cut it off, and ask for a new key epoch.</summary>
    async Task ShutOutAsync(string roomId, string memberId, RefusalCode reason, CancellationToken ct)
    {
        await db.Rooms.Where(r => r.Id == roomId).ExecuteUpdateAsync(r => r.SetProperty(x => x.RotationDue, true), ct);
        await connections.RevokeAsync(roomId, memberId, reason, ct);
        var room = notifier.Room(roomId);
        await (reason == RefusalCode.MemberRemoved ? room.MemberKicked(roomId, memberId) : room.MemberDeparted(roomId, memberId));
        await connections.CloseAsync(roomId, memberId, ct);
        await room.RotationNeeded(roomId);
    }

    public async Task SetMetaAsync(string roomId, Envelope? envelope, CancellationToken ct)
    {
        var meta = await keys.CheckMetaAsync(roomId, envelope, ct);
        await db.Rooms.Where(r => r.Id == roomId).ExecuteUpdateAsync(r => r.SetProperty(x => x.Meta, StoredEnvelope.From(meta)), ct);
        await notifier.Room(roomId).RoomMetaChanged(roomId, meta);
    }

    public async Task SetHistoryVisibleAsync(string roomId, bool visible, CancellationToken ct)
    {
        await db.Rooms.Where(r => r.Id == roomId).ExecuteUpdateAsync(r => r.SetProperty(x => x.HistoryVisible, visible), ct);
        await notifier.Room(roomId).HistoryVisibilityChanged(roomId, visible);
    }

    public async Task SetPasswordAsync(string roomId, string callerId, string? password, CancellationToken ct)
    {
        // Taking a password off never needs an account (one may be left from a laxer policy).
        if (!string.IsNullOrEmpty(password)) AccessPolicy.Require(await accounts.AbilitiesAsync(callerId, ct), Ability.ProtectRoom);
        var hash = passwords.Hash(password);
        await db.Rooms.Where(r => r.Id == roomId).ExecuteUpdateAsync(r => r.SetProperty(x => x.PasswordHash, hash), ct);
        await notifier.Room(roomId).RoomProtectionChanged(roomId, hash is not null);
    }

    public async Task SetLobbyAsync(string roomId, bool on, CancellationToken ct)
    {
        await db.Rooms.Where(r => r.Id == roomId).ExecuteUpdateAsync(r => r.SetProperty(x => x.LobbyEnabled, on), ct);
        await notifier.Room(roomId).LobbyChanged(roomId, on);
    }

    public async Task DecideJoinAsync(string roomId, string? memberId, bool admit, CancellationToken ct)
    {
        var decided = await db.Members
            .Where(m => m.Id == memberId && m.RoomId == roomId && m.Admission == MemberAdmission.Waiting && m.KickedAt == null)
            .ExecuteUpdateAsync(m => m.SetProperty(x => x.Admission, admit ? MemberAdmission.Admitted : MemberAdmission.Refused), ct);
        if (decided == 0) throw new Refusal(RefusalCode.NotWaiting, "Not waiting: nobody by that id is waiting to join.");
        if (admit)
        {
            await activity.RecordAsync(roomId, memberId!, ActivityAction.Joined, ct);
            log.MemberJoined(roomId, memberId!, resumed: false);
        }
        await notifier.Waiting(roomId, memberId!).JoinDecided(roomId, admit);
    }

    public async Task TerminateAsync(string roomId, CancellationToken ct)
    {
        await deletion.DeleteAsync(roomId, RoomEndReason.Terminated, idleBefore: null, ct);
        log.RoomTerminated(roomId);
    }
}
