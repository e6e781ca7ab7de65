using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Parley.Protocol;
using Parley.Server.Hosting;
using Parley.Server.Rooms;
using Parley.Server.Storage;

namespace Parley.Server.Sync;

/// <summary>
/// The room's snapshots (docs/protocol.md, "Vandal snapshots"). The server cannot read a snapshot, so
/// it cannot tell an honest one from an empty document that would erase the room's history. The
/// creator's snapshot replaces the log at once (the creator can end the room anyway); any other
/// member's waits, pending, until a different member whose client rebuilt the covered log and found
/// the snapshot holds it confirms it by its digest.
/// </summary>
public sealed class SnapshotStore(ParleyDb db, TimeProvider clock)
{
    public const int DigestBytes = 32;

    public async Task StoreAsync(string roomId, string senderId, long upToSeq, Envelope envelope, CancellationToken ct)
    {
        await using var tx = await db.BeginRoomTransactionAsync(roomId, ct);
        var room = await db.Rooms.SingleOrDefaultAsync(r => r.Id == roomId, ct) ?? throw new Refusal(RefusalCode.RoomUnknown, "Unknown room.");
        if (RoomEpoch.Check(room.Epoch, envelope.Epoch) is { } refusal) throw refusal;
        if (upToSeq < 1 || upToSeq > room.LatestSeq)
            throw new Refusal(RefusalCode.SequenceInvalid, $"Invalid sequence: a snapshot can cover 1..{room.LatestSeq}, not {upToSeq}.");
        if (!await NewerThanConfirmedAsync(room, upToSeq, envelope.Epoch, ct)) return;

        var stored = StoredEnvelope.From(envelope);
        if (senderId == room.CreatorId) await ReplaceLogAsync(room, upToSeq, senderId, stored, ct);
        else await HoldAsync(room, upToSeq, senderId, stored, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        ParleyMetrics.BytesStored("snapshot", envelope.Ciphertext.Length);
    }

    /// <returns>The snapshot waiting for confirmation, or null when none waits.</returns>
    public async Task<PendingSnapshot?> PendingAsync(string roomId, CancellationToken ct)
    {
        var pending = await db.PendingSnapshots.AsNoTracking().SingleOrDefaultAsync(p => p.RoomId == roomId, ct);
        if (pending is null) return null;
        var confirmed = await db.DocSnapshots.AsNoTracking().SingleOrDefaultAsync(s => s.RoomId == roomId, ct);
        return new PendingSnapshot(pending.ToWire(), confirmed?.ToWire());
    }

    /// <summary>Makes the named pending snapshot the room's, and drops the updates it covers.</summary>
    /// <param name="digest">SHA-256 of the pending snapshot's ciphertext: the confirmation names the very
    /// bytes its client checked, not whatever the sender put there since.</param>
    /// <returns>False when that snapshot no longer waits (replaced by a newer one, or confirmed already).</returns>
    public async Task<bool> ConfirmAsync(string roomId, string confirmerId, long upToSeq, string senderId, byte[]? digest, CancellationToken ct)
    {
        if (confirmerId == senderId)
            throw new Refusal(RefusalCode.ArgumentInvalid, "A member cannot confirm its own snapshot: another member's client has to check it.");
        if (digest is not { Length: DigestBytes })
            throw new Refusal(RefusalCode.ArgumentInvalid, $"The snapshot's digest must be {DigestBytes} bytes (SHA-256 of its ciphertext).");

        await using var tx = await db.BeginRoomTransactionAsync(roomId, ct);
        var room = await db.Rooms.SingleOrDefaultAsync(r => r.Id == roomId, ct) ?? throw new Refusal(RefusalCode.RoomUnknown, "Unknown room.");
        var pending = await db.PendingSnapshots.SingleOrDefaultAsync(p => p.RoomId == roomId, ct);
        if (pending is null || pending.UpToSeq != upToSeq || pending.SenderId != senderId
            || !CryptographicOperations.FixedTimeEquals(SHA256.HashData(pending.Envelope.Ciphertext), digest))
            return false;
        await ReplaceLogAsync(room, pending.UpToSeq, pending.SenderId, pending.Envelope with { }, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>A snapshot not newer than the confirmed one (in coverage, or in key epoch at equal coverage) changes nothing.</summary>
    async Task<bool> NewerThanConfirmedAsync(Room room, long upToSeq, int epoch, CancellationToken ct)
    {
        if (upToSeq != room.SnapshotSeq) return upToSeq > room.SnapshotSeq;
        // The same coverage under a newer key (the fresh snapshot after a rotation) replaces the old
        // one, so joiners who never held the old key can still read the code.
        var confirmedEpoch = await db.DocSnapshots.Where(s => s.RoomId == room.Id).Select(s => (int?)s.Envelope.Epoch).SingleOrDefaultAsync(ct);
        return confirmedEpoch is { } e && e < epoch;
    }

    /// <summary>Keeps the newest member's snapshot aside. At equal coverage the later one wins, so an honest
    /// member can always displace a lying one, even once the log is full and no seq moves any more.</summary>
    async Task HoldAsync(Room room, long upToSeq, string senderId, StoredEnvelope envelope, CancellationToken ct)
    {
        var row = await db.PendingSnapshots.SingleOrDefaultAsync(p => p.RoomId == room.Id, ct);
        if (row is not null && upToSeq < row.UpToSeq) return;
        if (row is null)
            db.PendingSnapshots.Add(row = new PendingSnapshotRow { RoomId = room.Id, SenderId = senderId, Envelope = envelope });
        else
            room.SnapshotBytes -= row.Envelope.Ciphertext.Length;
        row.Take(upToSeq, senderId, envelope, clock.GetUtcNow().UtcDateTime);
        room.SnapshotBytes += envelope.Ciphertext.Length;
        room.PendingSnapshotSeq = upToSeq;
    }

    /// <summary>Makes this the room's snapshot and deletes the updates it covers; a pending snapshot it covers goes too.</summary>
    async Task ReplaceLogAsync(Room room, long upToSeq, string senderId, StoredEnvelope envelope, CancellationToken ct)
    {
        var row = await db.DocSnapshots.SingleOrDefaultAsync(s => s.RoomId == room.Id, ct);
        if (row is null)
            db.DocSnapshots.Add(row = new DocSnapshotRow { RoomId = room.Id, SenderId = senderId, Envelope = envelope });
        row.Take(upToSeq, senderId, envelope, clock.GetUtcNow().UtcDateTime);

        long pendingBytes = 0;
        var pending = await db.PendingSnapshots.SingleOrDefaultAsync(p => p.RoomId == room.Id, ct);
        if (pending is not null && pending.UpToSeq > upToSeq) pendingBytes = pending.Envelope.Ciphertext.Length;
        else if (pending is not null) db.PendingSnapshots.Remove(pending);
        room.PendingSnapshotSeq = pendingBytes > 0 ? pending!.UpToSeq : 0;

        await db.DocUpdates.Where(u => u.RoomId == room.Id && u.Seq <= upToSeq).ExecuteDeleteAsync(ct);
        var rest = db.DocUpdates.Where(u => u.RoomId == room.Id);
        room.SnapshotSeq = upToSeq;
        room.SnapshotBytes = envelope.Ciphertext.Length + pendingBytes;
        room.UpdatesSinceSnapshot = await rest.CountAsync(ct);
        room.BytesSinceSnapshot = await rest.SumAsync(u => (long)u.Envelope.Ciphertext.Length, ct);
    }
}
