using Microsoft.EntityFrameworkCore;
using Parley.Protocol;
using Parley.Server.Hosting;
using Parley.Server.Realtime;
using Parley.Server.Rooms;
using Parley.Server.Storage;
using Parley.Server.Sync;

namespace Parley.Server.Keys;

/// <summary>
/// Stores and hands out grants and runs rotations (docs/protocol.md, "Keys"). The server cannot
/// unwrap a grant; what it enforces is who may grant which epoch to whom, and that a rotation
/// leaves no current member without the new key.
/// </summary>
public sealed class RoomKeys(ParleyDb db, EnvelopeRules rules, RoomNotifier notifier, GrantRequests requests, TimeProvider clock)
{
    /// <summary>What a joining member learns about keys.</summary>
    /// <param name="Granters">Keys of whoever signed the caller's grants, current members or not (a grant from a member kicked since stays valid).</param>
    /// <param name="KeyedMembers">The room's current members who hold its current key, as read for this join:
    /// the joiner's granter is chosen from them without reading them again.</param>
    public sealed record JoinKeys(IReadOnlyList<Grant> Grants, IReadOnlyList<MemberKeys> Members, IReadOnlyList<string> KeyRequests,
        IReadOnlyList<MemberKeys> Granters, IReadOnlySet<string> KeyedMembers);

    public async Task<JoinKeys> ForJoinAsync(Room room, string memberId, CancellationToken ct)
    {
        var grants = await db.Grants.AsNoTracking().Where(g => g.RoomId == room.Id && g.MemberId == memberId)
            .OrderBy(g => g.Epoch).ToListAsync(ct);
        var members = await DirectoryAsync(room.Id, ct);
        var keyed = await KeyedAsync(room.Id, room.Epoch, ct);
        var granterIds = grants.Select(g => g.GranterId).Distinct().ToList();
        var granters = (await db.Members.AsNoTracking().Where(m => m.RoomId == room.Id && granterIds.Contains(m.Id)).Where(HasKeys)
            .ToListAsync(ct)).Select(KeysOf).ToList();
        var ids = members.Select(m => m.MemberId).ToList();
        return new JoinKeys(grants.Select(g => g.ToGrant()).ToList(), members, ids.Where(id => !keyed.Contains(id)).ToList(), granters,
            ids.Where(keyed.Contains).ToHashSet());
    }

    /// <summary>
    /// Tells the room these members' keys and names one keyed member to grant each the current key
    /// (<see cref="GrantRequests"/>). Also at epoch -1 (nothing to grant yet): members learn the
    /// joiners' keys, so they can check their grants later.
    /// </summary>
    /// <param name="keyedMembers">The current members holding the current key, when the caller has just read them (a join); otherwise they are read.</param>
    public async Task RequestKeysAsync(string roomId, IEnumerable<MemberKeys> members, CancellationToken ct,
        IReadOnlySet<string>? keyedMembers = null)
    {
        foreach (var member in members)
            await requests.AskAsync(roomId, member, ct, keyedMembers);
    }

    /// <returns>How many grants were newly stored (a (room, epoch, member) that has one keeps it).</returns>
    public async Task<int> GrantAsync(string roomId, string callerId, IReadOnlyList<Grant>? grants, CancellationToken ct)
    {
        if (grants is null || grants.Count == 0) return 0;
        if (grants.Count > Limits.MaxGrantsPerCall) throw TooManyGrants;
        foreach (var g in grants) DeviceKeyRules.CheckGrant(g, callerId);
        var room = await db.Rooms.AsNoTracking().SingleOrDefaultAsync(r => r.Id == roomId, ct) ?? throw UnknownRoom;

        var held = (await db.Grants.Where(g => g.RoomId == roomId && g.MemberId == callerId).Select(g => g.Epoch).ToListAsync(ct)).ToHashSet();
        var current = await CurrentMemberIdsAsync(roomId, ct);
        foreach (var g in grants)
        {
            if (g.Epoch < 0 || g.Epoch > room.Epoch) throw new Refusal(RefusalCode.GrantEpochUnheld, $"Malformed grant: the room has no epoch {g.Epoch}.");
            if (g.Epoch < room.Epoch && !room.HistoryVisible)
                throw new Refusal(RefusalCode.HistoryHidden, "History is hidden in this room: only the current epoch may be granted.");
            if (!held.Contains(g.Epoch)) throw new Refusal(RefusalCode.GrantEpochUnheld, $"You hold no key of epoch {g.Epoch} to grant.");
            if (!current.Contains(g.MemberId)) throw NoSuchMember(g.MemberId);
        }

        var stored = new List<Grant>();
        foreach (var g in grants.DistinctBy(g => (g.Epoch, g.MemberId)))
        {
            // The first grant of an epoch for a member stays; concurrent granters simply lose the race.
            var inserted = await db.Database.ExecuteSqlInterpolatedAsync(
                $"""INSERT INTO "Grants" ("RoomId", "Epoch", "MemberId", "GranterId", "WrappedKey", "Signature") VALUES ({roomId}, {g.Epoch}, {g.MemberId}, {g.GranterId}, {g.WrappedKey}, {g.Signature}) ON CONFLICT DO NOTHING""", ct);
            if (inserted == 1) stored.Add(g);
        }
        requests.Answered(roomId, stored.Where(g => g.Epoch == room.Epoch).Select(g => g.MemberId));
        foreach (var forMember in stored.GroupBy(g => g.MemberId))
            await notifier.Member(roomId, forMember.Key).KeysGranted(roomId, forMember.ToList());
        return stored.Count;
    }

    public async Task RotateAsync(string roomId, string callerId, Rotation? rotation, CancellationToken ct)
    {
        if (rotation?.Grants is null || rotation.RoomLink is null) throw Malformed("it needs grants and the room-link envelope.");
        if (rotation.Grants.Count > Limits.MaxGrantsPerCall) throw TooManyGrants;
        var room = await db.Rooms.AsNoTracking().SingleOrDefaultAsync(r => r.Id == roomId, ct) ?? throw UnknownRoom;
        var next = room.Epoch + 1;
        if (rotation.Epoch != next)
            throw new Refusal(RefusalCode.RotationStale, $"Stale rotation: the room is at epoch {room.Epoch}, so the next is {next}, not {rotation.Epoch}.");
        if (room.Epoch < 0 ? room.CreatorId != callerId
            : !await db.Grants.AnyAsync(g => g.RoomId == roomId && g.Epoch == room.Epoch && g.MemberId == callerId, ct))
            throw new Refusal(RefusalCode.RotationForbidden,
                room.Epoch < 0 ? "Only the room's creator can make its first key." : "Only a member holding the current key can rotate it.");
        if (rotation.JoinVerifier is not null && (room.CreatorId != callerId || rotation.JoinVerifier.Length != 32))
            throw room.CreatorId != callerId
                ? new Refusal(RefusalCode.NotCreator, "Only the room's creator can do that.")
                : Malformed("a join verifier is 32 bytes.");

        CheckRoomEnvelope(rotation.RoomLink, next, "room-link");
        if (rotation.RoomMeta is not null) CheckRoomEnvelope(rotation.RoomMeta, next, "room-meta");
        else if (room.Meta is not null) throw Malformed("the room's name (room-meta) must be re-encrypted under the new key.");

        var current = await CurrentMemberIdsAsync(roomId, ct);
        var grantees = new HashSet<string>();
        foreach (var g in rotation.Grants)
        {
            DeviceKeyRules.CheckGrant(g, callerId);
            if (g.Epoch != next) throw Malformed($"every grant must be of epoch {next}.");
            if (!grantees.Add(g.MemberId)) throw Malformed($"two grants for {g.MemberId}.");
            if (!current.Contains(g.MemberId)) throw NoSuchMember(g.MemberId);
        }
        var required = (await KeyedAsync(roomId, room.Epoch, ct)).Where(current.Contains).Append(callerId);
        var missing = required.Where(id => !grantees.Contains(id)).Distinct().ToList();
        if (missing.Count > 0) throw new Refusal(RefusalCode.RotationIncomplete, $"Rotation must grant every member: missing {string.Join(", ", missing)}.");

        var now = clock.GetUtcNow().UtcDateTime;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            var (link, meta) = (StoredEnvelope.From(rotation.RoomLink), rotation.RoomMeta is { } m ? StoredEnvelope.From(m) : room.Meta);
            var moved = await db.Rooms.Where(r => r.Id == roomId && r.Epoch == room.Epoch).ExecuteUpdateAsync(r => r
                .SetProperty(x => x.Epoch, next)
                .SetProperty(x => x.RotationDue, false)
                // The new key starts young and unused; whoever was asked to rotate has been answered.
                .SetProperty(x => x.EpochStartedAt, now)
                .SetProperty(x => x.EpochEnvelopes, 0)
                .SetProperty(x => x.RotationAskedAt, (DateTime?)null)
                .SetProperty(x => x.RotationAskedOf, (string?)null)
                .SetProperty(x => x.Link, link)
                .SetProperty(x => x.Meta, meta)
                .SetProperty(x => x.JoinVerifier, rotation.JoinVerifier ?? room.JoinVerifier), ct);
            if (moved != 1) throw new Refusal(RefusalCode.RotationStale, $"Stale rotation: another member moved the room past epoch {room.Epoch} first.");
            db.Grants.AddRange(rotation.Grants.Select(g => new GrantRow
            {
                RoomId = roomId, Epoch = next, MemberId = g.MemberId, GranterId = callerId, WrappedKey = g.WrappedKey, Signature = g.Signature,
            }));
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        ParleyMetrics.KeyRotated();
        await notifier.Room(roomId).KeyRotated(roomId, rotation with { JoinVerifier = null, ChangedAt = UnixTime.Milliseconds(now) });
        // Members the rotation did not cover (joined but never keyed) still need the new key.
        await RequestKeysAsync(roomId, (await DirectoryAsync(roomId, ct)).Where(m => !grantees.Contains(m.MemberId)), ct);
    }

    void CheckRoomEnvelope(Envelope envelope, int epoch, string kind)
    {
        rules.CheckMeta(envelope, kind);
        if (envelope.Epoch != epoch) throw new Refusal(RefusalCode.EpochStale, $"Stale key epoch: the {kind} envelope must be of epoch {epoch}.");
    }

    /// <summary>A room-meta envelope for SetRoomMeta: of the current epoch, small.</summary>
    public async Task<Envelope> CheckMetaAsync(string roomId, Envelope? envelope, CancellationToken ct)
    {
        rules.Check(envelope);
        if (RoomEpoch.Check(await RoomEpoch.CurrentAsync(db, roomId, ct), envelope!.Epoch) is { } refusal) throw refusal;
        CheckRoomEnvelope(envelope, envelope.Epoch, "room-meta");
        return envelope;
    }

    static readonly System.Linq.Expressions.Expression<Func<Member, bool>> HasKeys =
        m => m.WrapKey != null && m.SignKey != null && m.LinkProof != null;

    static MemberKeys KeysOf(Member m) => new(m.Id, m.WrapKey!, m.SignKey!, m.LinkProof!);

    async Task<IReadOnlyList<MemberKeys>> DirectoryAsync(string roomId, CancellationToken ct) =>
        (await db.Members.AsNoTracking().Where(m => m.RoomId == roomId).Where(Member.IsCurrent).Where(HasKeys)
            .OrderBy(m => m.JoinedAt).ToListAsync(ct)).Select(KeysOf).ToList();

    async Task<HashSet<string>> CurrentMemberIdsAsync(string roomId, CancellationToken ct) =>
        (await db.Members.Where(m => m.RoomId == roomId).Where(Member.IsCurrent).Where(m => m.WrapKey != null)
            .Select(m => m.Id).ToListAsync(ct)).ToHashSet();

    /// <summary>The members holding a grant of the room's current epoch (none for an unknown room).</summary>
    public async Task<HashSet<string>> KeyedNowAsync(string roomId, CancellationToken ct) =>
        await db.Rooms.AsNoTracking().Where(r => r.Id == roomId).Select(r => (int?)r.Epoch).SingleOrDefaultAsync(ct) is { } epoch
            ? await KeyedAsync(roomId, epoch, ct) : [];

    async Task<HashSet<string>> KeyedAsync(string roomId, int epoch, CancellationToken ct) =>
        (await db.Grants.Where(g => g.RoomId == roomId && g.Epoch == epoch).Select(g => g.MemberId).ToListAsync(ct)).ToHashSet();

    static Refusal UnknownRoom => new(RefusalCode.RoomUnknown, "Unknown room.");
    static Refusal TooManyGrants => new(RefusalCode.GrantsTooMany, $"Too many grants: at most {Limits.MaxGrantsPerCall} per call.");
    static Refusal NoSuchMember(string memberId) => new(RefusalCode.MemberUnknown, $"No such member in this room: {memberId}.");
    static Refusal Malformed(string why) => new(RefusalCode.RotationMalformed, "Malformed rotation: " + why);
}
