using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Protocol;
using Parley.Server.Hosting;
using Parley.Server.Storage;

namespace Parley.Server.Sync;

/// <summary>Reads a room's document log: its confirmed snapshot and the updates after it (SnapshotStore writes snapshots).</summary>
public sealed class DocLog(ParleyDb db, IOptions<ParleyOptions> options)
{
    public sealed record Catchup(StoredSnapshot? Snapshot, IReadOnlyList<StoredUpdate> Updates, bool More, long LatestSeq);

    /// <summary>What a client that has everything up to <paramref name="sinceSeq"/> needs next.</summary>
    /// <param name="snapshotSeqRead">The room's snapshot seq as the caller read it moments ago (a join reads the room
    /// row first), so the first look needs no query; the check after the page read catches a newer one all the same.</param>
    public async Task<Catchup> CatchupAsync(string roomId, long sinceSeq, long snapshotSeqRead, CancellationToken ct)
    {
        // A snapshot landing between the two reads deletes updates we meant to send; the snapshot's
        // seq then differs on the second look, and we read again. Snapshots are rare, so this ends fast.
        for (var attempt = 0; ; attempt++)
        {
            var snapshotSeq = attempt == 0 ? snapshotSeqRead : await SnapshotSeqAsync(roomId, ct);
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
