using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Parley.Protocol;
using Parley.Server.FileManager;
using Parley.Server.Keys;
using Parley.Server.Storage;

namespace Parley.Server.Rooms;

/// <summary>
/// Admits callers who hold the link (and the password, and the creator's nod when the lobby is
/// on), and lets a returning browser resume as the same member.
/// </summary>
public sealed class RoomMembers(ParleyDb db, RoomPasswords passwords, TimeProvider clock, RoomActivity activity,
    RoomDeletion deletion, RoomLiveness liveness, ILogger<RoomMembers> log)
{
    /// <summary>What a member shut out of a room is told, by why.</summary>
    public static string Why(RefusalCode reason) => reason switch
    {
        RefusalCode.MemberRemoved => "You were removed from this room.",
        RefusalCode.RoomEnded => "This session has ended.",
        RefusalCode.RoomExpired => "This session expired.",
        RefusalCode.JoinRefused => "The creator did not let you in.",
        RefusalCode.MemberDeparted => "You left this room.",
        _ => "You can no longer act in this room.",
    };

    static Refusal Shut(RefusalCode reason) => new(reason, Why(reason));

    static Refusal UnknownRoom => new(RefusalCode.RoomUnknown, "Unknown room.");

    public Task<string?> CreatorIdAsync(string roomId, CancellationToken ct) =>
        db.Rooms.Where(r => r.Id == roomId).Select(r => r.CreatorId).SingleOrDefaultAsync(ct);

    /// <param name="LobbyRequest">Set when the member is in the lobby: known, but not let in yet.</param>
    /// <param name="HasAccount">The member is tied to an account (as its row was read or made here).</param>
    public sealed record Admission(Room Room, string MemberId, byte[] MemberToken, JoinRequestInfo? LobbyRequest, bool HasAccount)
    {
        public bool Waiting => LobbyRequest is not null;
    }

    /// <param name="clientAddress">Where the caller connects from, to slow down password guessing.</param>
    public async Task<Admission> AdmitAsync(JoinRequest request, string clientAddress, CancellationToken cancellationToken)
    {
        if (request is null || !Ids.IsWellFormed(request.RoomId))
            throw UnknownRoom;
        var room = await db.Rooms.AsNoTracking().SingleOrDefaultAsync(r => r.Id == request.RoomId, cancellationToken);
        if (room is null)
            throw await deletion.EndedAsync(request.RoomId, cancellationToken) is { } ended ? Shut(RoomDeletion.CodeOf(ended)) : UnknownRoom;
        var creatorsBrowser = IsCreatorToken(room, request.CreatorToken) && await IsCreatorsDeviceAsync(room, request.Device, cancellationToken);
        // A resume needs no join key: the member token is the stronger proof, and the link may
        // have been renewed since this member joined.
        var admission = await ResumeAsync(room, request, cancellationToken);
        var resumed = admission is not null;
        if (admission is null)
        {
            if (request.JoinKey is not { Length: 32 } ||
                !CryptographicOperations.FixedTimeEquals(SHA256.HashData(request.JoinKey), room.JoinVerifier))
                throw new Refusal(RefusalCode.JoinKeyInvalid, "Invalid join key: this link does not open this room.");
            DeviceKeyRules.CheckNewMember(request.Device, request.LinkProof);
            if (await db.Members.AnyAsync(m => m.RoomId == room.Id && m.KickedAt != null && m.SignKey == request.Device!.SignKey, cancellationToken))
                throw Shut(RefusalCode.MemberRemoved);
            // Members who already got in, and the creator's own browser, are not asked again.
            if (!creatorsBrowser) await passwords.CheckAsync(room, request.Password, clientAddress);
            var waits = room.LobbyEnabled && !creatorsBrowser;
            admission = await AddMemberAsync(room, request, waits, cancellationToken);
        }
        if (room.CreatorId is null && creatorsBrowser && !admission.Waiting)
        {
            // Only once: the first join that shows the token makes the creator, later ones change nothing.
            var claimed = await db.Rooms.Where(r => r.Id == room.Id && r.CreatorId == null)
                .ExecuteUpdateAsync(r => r.SetProperty(x => x.CreatorId, admission.MemberId), cancellationToken);
            if (claimed == 1) room.CreatorId = admission.MemberId;
        }
        liveness.Touch(room.Id);
        // A lobby guest is logged as joined once the creator admits them (RoomControl.DecideJoinAsync).
        if (!admission.Waiting) log.MemberJoined(room.Id, admission.MemberId, resumed);
        return admission;
    }

    /// <summary>Who is waiting in the lobby, with their encrypted profiles, for the creator.</summary>
    public async Task<IReadOnlyList<JoinRequestInfo>> WaitingAsync(string roomId, CancellationToken ct) =>
        (await db.Members.AsNoTracking().Where(m => m.RoomId == roomId && m.Admission == MemberAdmission.Waiting && m.KickedAt == null)
            .OrderBy(m => m.JoinedAt).ToListAsync(ct)).Select(RequestOf).ToList();

    public static JoinRequestInfo RequestOf(Member m) => new(m.Id,
        m.Profile?.ToWire());

    async Task<Admission?> ResumeAsync(Room room, JoinRequest request, CancellationToken ct)
    {
        if (request is not { MemberId: { } memberId, MemberToken: { Length: 32 } token } || !Ids.IsWellFormed(memberId)) return null;
        var member = await db.Members.SingleOrDefaultAsync(m => m.Id == memberId && m.RoomId == room.Id, ct);
        // A member who left for good comes back, if at all, as a new member through the link.
        if (member is null || member.DepartedAt is not null ||
            !CryptographicOperations.FixedTimeEquals(SHA256.HashData(token), member.TokenHash)) return null;
        if (member.KickedAt is not null) throw Shut(RefusalCode.MemberRemoved);
        if (member.Admission == MemberAdmission.Refused) throw Shut(RefusalCode.JoinRefused);
        if (member.Admission == MemberAdmission.Waiting && request.Profile is { } profile) SetProfile(member, profile);
        // Seen now: a member away past Parley:Keys:DropAwayAfter is dropped from the keys (KeyAgeing).
        member.LastSeenAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        return new Admission(room, member.Id, token, member.Admission == MemberAdmission.Waiting ? RequestOf(member) : null,
            HasAccount: member.UserId is not null);
    }

    async Task<Admission> AddMemberAsync(Room room, JoinRequest request, bool waits, CancellationToken ct)
    {
        var token = RandomNumberGenerator.GetBytes(32);
        var member = new Member
        {
            Id = Ids.New(),
            RoomId = room.Id,
            TokenHash = SHA256.HashData(token),
            JoinedAt = clock.GetUtcNow().UtcDateTime,
            LastSeenAt = clock.GetUtcNow().UtcDateTime,
            Admission = waits ? MemberAdmission.Waiting : MemberAdmission.Admitted,
            WrapKey = request.Device!.WrapKey,
            SignKey = request.Device.SignKey,
            LinkProof = request.LinkProof,
        };
        if (request.Profile is { } profile) SetProfile(member, profile);
        db.Members.Add(member);
        // The member and its "joined" line in one transaction: one commit (one fsync) per join, not two. The
        // room's row is locked first, as the line needs it to be, before the member row's foreign key takes a
        // weaker lock on it (PostgreSQL).
        await using (var tx = await db.BeginRoomTransactionAsync(room.Id, ct))
        {
            await db.SaveChangesAsync(ct);
            // A lobby guest is logged as joined only once the creator admits them.
            if (!waits) await activity.RecordAsync(room.Id, member.Id, ActivityAction.Joined, ct);
            await tx.CommitAsync(ct);
        }
        return new Admission(room, member.Id, token, waits ? RequestOf(member) : null, HasAccount: false);
    }

    static void SetProfile(Member member, Envelope profile) =>
        member.Profile = StoredEnvelope.From(profile);

    /// <summary>
    /// The creator token is bound to the device that first used it: once the room has a creator, the
    /// token counts only with that member's device keys. A copied token on another device (a stolen
    /// browser profile backup, a shared link with the token in it) then goes through the password and
    /// the lobby like anyone else; the creator's own browser, which keeps its device keys, does not.
    /// </summary>
    async Task<bool> IsCreatorsDeviceAsync(Room room, DeviceKeys? device, CancellationToken ct)
    {
        if (room.CreatorId is null) return true;
        if (device is null) return false;
        var creator = await db.Members.AsNoTracking().Where(m => m.Id == room.CreatorId)
            .Select(m => new { m.SignKey, m.WrapKey }).SingleOrDefaultAsync(ct);
        return creator is { SignKey: { } sign, WrapKey: { } wrap } &&
               device.SignKey is not null && device.WrapKey is not null &&
               CryptographicOperations.FixedTimeEquals(sign, device.SignKey) &&
               CryptographicOperations.FixedTimeEquals(wrap, device.WrapKey);
    }

    static bool IsCreatorToken(Room room, byte[]? token) =>
        token is { Length: 32 } && room.CreatorTokenHash is { } hash && CryptographicOperations.FixedTimeEquals(SHA256.HashData(token), hash);
}
