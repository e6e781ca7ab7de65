using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Protocol;
using Parley.Server.Hosting;
using Parley.Server.Storage;

namespace Parley.Server.Sync;

/// <summary>Reads a room's document log (snapshot + tail) and replaces covered updates by a snapshot.</summary>
public sealed class DocLog(ParleyDb db, IOptions<ParleyOptions> options, TimeProvider clock)
{
    public sealed record Catchup(StoredSnapshot? Snapshot, IReadOnlyList<StoredUpdate> Updates, bool More, long LatestSeq);

    /// <summary>What a client that has everything up to <paramref name="sinceSeq"/> needs next.</summary>
    public async Task<Catchup> CatchupAsync(string roomId, long sinceSeq, CancellationToken ct)
    {
        // A snapshot landing between the two reads deletes updates we meant to send; the snapshot's
        // seq then differs on the second look, and we read again. Snapshots are rare, so this ends fast.
        for (var attempt = 0; ; attempt++)
        {
            var snapshotSeq = await SnapshotSeqAsync(roomId, ct);
            var snapshot = snapshotSeq > sinceSeq
                ? (await db.DocSnapshots.AsNoTracking().SingleOrDefaultAsync(s => s.RoomId == roomId, ct))?.ToWire()
                : null;
            var from = snapshot?.UpToSeq ?? sinceSeq;
            var (updates, more) = await PageAsync(roomId, from, ct);
            var after = await db.Rooms.Where(r => r.Id == roomId).Select(r => new { r.SnapshotSeq, r.LatestSeq }).SingleAsync(ct);
            if (after.SnapshotSeq == (snapshot?.UpToSeq ?? snapshotSeq))
                return new Catchup(snapshot, updates, more, after.LatestSeq);
            if (attempt == 4) throw new Refusal(RefusalCode.RoomBusy, "The room is busy; join again.");
        }
    }

    public async Task<UpdatePage> FetchAsync(string roomId, long afterSeq, CancellationToken ct)
    {
        var snapshotSeq = await SnapshotSeqAsync(roomId, ct);
        if (afterSeq < snapshotSeq)
            throw new Refusal(RefusalCode.SequenceInvalid, $"Invalid sequence: updates up to {snapshotSeq} were replaced by a snapshot; join again.");
        var (updates, more) = await PageAsync(roomId, afterSeq, ct);
        return new UpdatePage(updates, more);
    }

    /// <summary>Stores a snapshot covering every update up to <paramref name="upToSeq"/> and drops them.
    /// A snapshot not newer than the stored one (in coverage, or in key epoch at equal coverage) changes nothing.</summary>
    public async Task StoreSnapshotAsync(string roomId, string senderId, long upToSeq, Envelope envelope, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var room = await db.Rooms.SingleOrDefaultAsync(r => r.Id == roomId, ct) ?? throw new Refusal(RefusalCode.RoomUnknown, "Unknown room.");
        if (RoomEpoch.Check(room.Epoch, envelope.Epoch) is { } refusal) throw refusal;
        if (upToSeq < 1 || upToSeq > room.LatestSeq)
            throw new Refusal(RefusalCode.SequenceInvalid, $"Invalid sequence: a snapshot can cover 1..{room.LatestSeq}, not {upToSeq}.");
        if (upToSeq < room.SnapshotSeq) return;

        var row = await db.DocSnapshots.SingleOrDefaultAsync(s => s.RoomId == roomId, ct);
        // The same coverage under a newer key (the fresh snapshot after a rotation) replaces the old
        // one, so joiners who never held the old key can still read the code.
        if (upToSeq == room.SnapshotSeq && (row is null || row.Envelope.Epoch >= envelope.Epoch)) return;
        var stored = StoredEnvelope.From(envelope);
        if (row is null)
            db.DocSnapshots.Add(row = new DocSnapshotRow { RoomId = roomId, SenderId = senderId, Envelope = stored });
        (row.UpToSeq, row.SenderId, row.Envelope, row.CreatedAt) = (upToSeq, senderId, stored, clock.GetUtcNow().UtcDateTime);

        await db.DocUpdates.Where(u => u.RoomId == roomId && u.Seq <= upToSeq).ExecuteDeleteAsync(ct);
        var rest = db.DocUpdates.Where(u => u.RoomId == roomId);
        room.SnapshotSeq = upToSeq;
        room.SnapshotBytes = envelope.Ciphertext.Length;
        room.UpdatesSinceSnapshot = await rest.CountAsync(ct);
        room.BytesSinceSnapshot = await rest.SumAsync(u => (long)u.Envelope.Ciphertext.Length, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        ParleyMetrics.BytesStored("snapshot", envelope.Ciphertext.Length);
    }

    Task<long> SnapshotSeqAsync(string roomId, CancellationToken ct) =>
        db.Rooms.Where(r => r.Id == roomId).Select(r => r.SnapshotSeq).SingleAsync(ct);

    async Task<(IReadOnlyList<StoredUpdate>, bool)> PageAsync(string roomId, long afterSeq, CancellationToken ct)
    {
        var size = options.Value.UpdatePageSize;
        var rows = await db.DocUpdates.AsNoTracking()
            .Where(u => u.RoomId == roomId && u.Seq > afterSeq)
            .OrderBy(u => u.Seq).Take(size + 1).ToListAsync(ct);
        var more = rows.Count > size;
        return (rows.Take(size).Select(r => r.ToWire()).ToList(), more);
    }
}
