using Microsoft.EntityFrameworkCore;
using Parley.Protocol;
using Parley.Server.Hosting;
using Parley.Server.Realtime;
using Parley.Server.Storage;

namespace Parley.Server.Rooms;

/// <summary>
/// Ends a room for good, the one way both a creator's Terminate and the idle sweeper do it: every
/// row (the foreign keys cascade), every blob, and a tombstone that keeps only a keyed hash of the id.
/// </summary>
public sealed class RoomDeletion(ParleyDb db, IBlobStore blobs, IRoomConnections connections, RoomNotifier notifier,
    EndedRoomIds endedIds, RoomLiveness liveness, TimeProvider clock)
{
    public static RefusalCode CodeOf(RoomEndReason reason) =>
        reason == RoomEndReason.Expired ? RefusalCode.RoomExpired : RefusalCode.RoomEnded;

    /// <param name="idleBefore">Delete only if the room has not been active since then (the sweeper's race with a join).</param>
    /// <returns>False when there was nothing to delete (already gone, or active again).</returns>
    public async Task<bool> DeleteAsync(string roomId, RoomEndReason reason, DateTime? idleBefore, CancellationToken ct)
    {
        var code = CodeOf(reason);
        // A creator's Terminate refuses the room's calls at once, before the rows go.
        if (idleBefore is null) await connections.RevokeAsync(roomId, null, code, ct);
        var deleted = false;
        // On a full disk the rows cannot go until the room's blobs have freed some space; a blob
        // freed first is of a room that is going anyway (or, for the sweeper, rechecked as idle).
        await DiskFull.FreeingBlobsFirstIfFullAsync(async () =>
        {
            db.ChangeTracker.Clear(); // a failed first try left its EndedRoom tracked
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var rooms = db.Rooms.Where(r => r.Id == roomId);
            if (idleBefore is { } cutoff) rooms = rooms.Where(r => r.LastActiveAt < cutoff);
            if (await rooms.ExecuteDeleteAsync(ct) == 0) return;
            var hash = endedIds.Hash(roomId);
            // A room id is never reused, but an old tombstone of it must not make the insert fail.
            await db.EndedRooms.Where(e => e.IdHash == hash).ExecuteDeleteAsync(ct);
            db.EndedRooms.Add(new EndedRoom { IdHash = hash, EndedAt = clock.GetUtcNow().UtcDateTime, Reason = reason });
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            deleted = true;
        }, () => blobs.DeleteRoomAsync(roomId, ct));
        if (!deleted) return false;
        ParleyMetrics.RoomEnded(reason == RoomEndReason.Expired ? "expired" : "terminated");
        await connections.RevokeAsync(roomId, null, code, ct);
        liveness.Forget(roomId);
        await blobs.DeleteRoomAsync(roomId, ct);
        await notifier.Room(roomId).Terminated(roomId);
        await connections.CloseAsync(roomId, null, ct);
        return true;
    }

    /// <returns>Why the room of that id ended, or null when no tombstone of it is left.</returns>
    public async Task<RoomEndReason?> EndedAsync(string roomId, CancellationToken ct)
    {
        var hash = endedIds.Hash(roomId);
        return await db.EndedRooms.Where(e => e.IdHash == hash).Select(e => (RoomEndReason?)e.Reason).SingleOrDefaultAsync(ct);
    }
}
