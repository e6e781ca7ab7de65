using Microsoft.EntityFrameworkCore;
using Parley.Protocol;
using Parley.Server.Storage;

namespace Parley.Server.FileManager;

/// <summary>
/// The room's activity log (docs/protocol.md, "File manager"): who joined, left, was kicked,
/// uploaded, changed, deleted or downloaded what, and when. Ids and times only: the browser shows
/// names from the entries' encrypted meta.
/// </summary>
public sealed class RoomActivity(ParleyDb db, TimeProvider clock)
{
    /// <summary>Records an action, inside the caller's transaction when it has one. A room that is gone gets nothing.</summary>
    public async Task RecordAsync(string roomId, string memberId, string action, CancellationToken ct, string? entryId = null, string? fileId = null)
    {
        // The next number is taken in the statement that stores the line, under the room's lock, so lines
        // written at once (on any node) get distinct numbers.
        await using var own = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        await db.LockRoomAsync(roomId, ct);
        var at = clock.GetUtcNow().UtcDateTime;
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO "Activity" ("RoomId", "Seq", "At", "MemberId", "Action", "EntryId", "FileId")
            SELECT {roomId}, COALESCE((SELECT MAX("Seq") FROM "Activity" WHERE "RoomId" = {roomId}), 0) + 1, {at}, {memberId}, {action}, {entryId}, {fileId}
            WHERE EXISTS (SELECT 1 FROM "Rooms" WHERE "Id" = {roomId})
            """, ct);
        if (own is not null) await own.CommitAsync(ct);
    }

    /// <summary>A member fetched a file from its start: logged as a download when the file is an entry's (not a chat attachment).</summary>
    public async Task RecordDownloadAsync(string roomId, string memberId, string fileId, CancellationToken ct)
    {
        var entryId = await db.Entries.Where(e => e.RoomId == roomId && e.FileId == fileId).Select(e => e.EntryId).SingleOrDefaultAsync(ct);
        if (entryId is not null) await RecordAsync(roomId, memberId, ActivityAction.Downloaded, ct, entryId, fileId);
    }

    /// <summary>Newest first, before <paramref name="beforeSeq"/> (0 = from the newest).</summary>
    public async Task<ActivityPage> PageAsync(string roomId, long beforeSeq, int limit, CancellationToken ct)
    {
        if (limit is < 1 or > Limits.ActivityMaxPage)
            throw new Refusal(RefusalCode.PageInvalid, $"Invalid page size: {limit}, allowed 1..{Limits.ActivityMaxPage}.");
        var lines = db.Activity.AsNoTracking().Where(a => a.RoomId == roomId);
        if (beforeSeq > 0) lines = lines.Where(a => a.Seq < beforeSeq);
        var rows = await lines.OrderByDescending(a => a.Seq).Take(limit + 1).ToListAsync(ct);
        return new ActivityPage(rows.Take(limit).Select(r => r.ToWire()).ToList(), rows.Count > limit);
    }
}
