using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Parley.Server.Storage;

/// <summary>
/// Transactions that read a room's state and then write by it (a quota's sum, the key epoch an
/// entry is sealed under, the next activity number, the snapshot waiting) take the room's row lock
/// first. On PostgreSQL, where several nodes write at once under READ COMMITTED, that makes them run
/// one at a time per room; SQLite already runs every write transaction alone (Microsoft.Data.Sqlite
/// begins with BEGIN IMMEDIATE), so there it costs nothing.
/// </summary>
public static class RoomLock
{
    public static async Task<IDbContextTransaction> BeginRoomTransactionAsync(this ParleyDb db, string roomId, CancellationToken ct)
    {
        var tx = await db.Database.BeginTransactionAsync(ct);
        await db.LockRoomAsync(roomId, ct);
        return tx;
    }

    /// <summary>Locks the room's row until the current transaction ends (there must be one).</summary>
    public static async Task LockRoomAsync(this ParleyDb db, string roomId, CancellationToken ct)
    {
        if (!db.Database.IsNpgsql()) return;
        if (db.Database.CurrentTransaction is null) throw new InvalidOperationException("A room's row is locked inside a transaction.");
        await db.Database.ExecuteSqlInterpolatedAsync($"""SELECT 1 FROM "Rooms" WHERE "Id" = {roomId} FOR UPDATE""", ct);
    }
}
