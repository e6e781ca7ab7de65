using Microsoft.EntityFrameworkCore;
using Parley.Protocol;
using Parley.Server.Files;
using Parley.Server.Realtime;
using Parley.Server.Storage;
using Parley.Server.Sync;

namespace Parley.Server.FileManager;

/// <summary>
/// The room's files and folders (docs/protocol.md, "File manager"). The server keeps which upload
/// each entry points at and its encrypted meta; it enforces who may write, that versions do not
/// race, and that a replaced or deleted file's blob is really gone. Who may write (the ShareFiles
/// ability) is the hub's check, on the method.
/// </summary>
public sealed class FileEntries(ParleyDb db, IBlobStore blobs, EnvelopeRules rules, RoomActivity activity,
    RoomNotifier notifier, TimeProvider clock)
{
    /// <summary>Ordered by entry id, after <paramref name="afterEntryId"/> (null = from the start).</summary>
    public async Task<EntryPage> ListAsync(string roomId, string? afterEntryId, int limit, CancellationToken ct)
    {
        if (limit is < 1 or > Limits.EntriesMaxPage)
            throw new Refusal(RefusalCode.PageInvalid, $"Invalid page size: {limit}, allowed 1..{Limits.EntriesMaxPage}.");
        var entries = db.Entries.AsNoTracking().Where(e => e.RoomId == roomId);
        if (afterEntryId is not null) entries = entries.Where(e => string.Compare(e.EntryId, afterEntryId) > 0);
        var rows = await entries.OrderBy(e => e.EntryId).Take(limit + 1).ToListAsync(ct);
        return new EntryPage(rows.Take(limit).Select(r => r.ToWire()).ToList(), rows.Count > limit);
    }

    /// <summary>Makes an entry, gives it a new version, or replaces its meta (rename, move, re-seal after a rotation).</summary>
    public async Task<Entry> PutAsync(string roomId, string callerId, EntryWrite? write, CancellationToken ct)
    {
        if (write is null) throw new Refusal(RefusalCode.EntryMalformed, "Malformed entry: missing.");
        rules.CheckMeta(write.Meta, EnvelopeKind.FileMeta);

        EntryRow row;
        string? replaced = null;
        await using (var tx = await db.BeginRoomTransactionAsync(roomId, ct))
        {
            // In the transaction, under the room's lock, so a rotation cannot slip in between the check and the write.
            if (RoomEpoch.Check(await RoomEpoch.CurrentAsync(db, roomId, ct), write.Meta.Epoch) is { } stale) throw stale;
            var file = write.FileId is null ? null : await UsableFileAsync(roomId, callerId, write.FileId, ct);
            var now = clock.GetUtcNow().UtcDateTime;
            string? action;
            if (write.EntryId is null)
            {
                if (write.ExpectedVersion != 0) throw new Refusal(RefusalCode.EntryStale, $"Stale entry: a new entry has no version yet, so expectedVersion is 0, not {write.ExpectedVersion}.");
                row = new EntryRow
                {
                    RoomId = roomId, EntryId = Ids.New(), FileId = file?.Id, Version = 1, Size = file?.Size ?? 0,
                    UploaderId = callerId, UpdatedBy = callerId, CreatedAt = now, UpdatedAt = now,
                    Meta = StoredEnvelope.From(write.Meta),
                };
                db.Entries.Add(row);
                action = file is null ? ActivityAction.Folder : ActivityAction.Uploaded;
            }
            else
            {
                row = await db.Entries.SingleOrDefaultAsync(e => e.RoomId == roomId && e.EntryId == write.EntryId, ct)
                    ?? throw new Refusal(RefusalCode.EntryUnknown, "No such entry in this room.");
                if (row.Version != write.ExpectedVersion)
                    throw new Refusal(RefusalCode.EntryStale, $"Stale entry: it is at version {row.Version}, not {write.ExpectedVersion}; read it again.");
                if (file is not null)
                {
                    if (row.FileId is null) throw new Refusal(RefusalCode.EntryMalformed, "Malformed entry: a folder holds no file.");
                    (replaced, row.FileId, row.Size) = (row.FileId, file.Id, file.Size);
                    row.Version++;
                }
                // Meta alone moving to a newer key epoch is the re-seal after a rotation, not news:
                // the entry keeps its time and the log stays quiet. The sealer becomes updatedBy,
                // since the meta's associated data names it.
                var resealed = file is null && write.Meta.Epoch > row.Meta.Epoch;
                (row.UpdatedBy, row.UpdatedAt) = (callerId, resealed ? row.UpdatedAt : now);
                row.Meta = StoredEnvelope.From(write.Meta);
                action = resealed ? null : file is null ? ActivityAction.Renamed : ActivityAction.Updated;
            }
            try { await db.SaveChangesAsync(ct); }
            catch (DbUpdateConcurrencyException) { throw new Refusal(RefusalCode.EntryStale, "Stale entry: it changed meanwhile; read it again."); }
            catch (DbUpdateException) { throw new Refusal(RefusalCode.FileUnusable, "Unusable file: another entry took it, or it is gone."); }
            if (action is not null) await activity.RecordAsync(roomId, callerId, action, ct, row.EntryId, row.FileId);
            if (replaced is not null) await db.ReleaseFilesAsync(roomId, [replaced], ct);
            await tx.CommitAsync(ct);
        }
        // Committed: the old version is unreachable, so its rows and blobs go, even if the caller hangs up now.
        if (replaced is not null) await db.DeleteFileAsync(blobs, roomId, replaced, CancellationToken.None);
        var entry = row.ToWire();
        // An array, not a collection expression: MessagePack writes an event argument by its runtime type.
        await notifier.Room(roomId).EntriesChanged(roomId, new[] { entry });
        return entry;
    }

    /// <returns>How many of the entries existed and are now deleted, blobs included.</returns>
    public async Task<int> DeleteAsync(string roomId, string callerId, IReadOnlyList<string?>? entryIds, CancellationToken ct)
    {
        if (entryIds is null || entryIds.Count is < 1 or > Limits.MaxEntryDeletes)
            throw new Refusal(RefusalCode.EntryIdsInvalid, $"Invalid entry ids: between 1 and {Limits.MaxEntryDeletes} per call.");
        var ids = entryIds.OfType<string>().Where(Ids.IsWellFormed).Distinct().ToList();

        List<EntryRow> gone = [];
        var doomed = db.Entries.Where(e => e.RoomId == roomId && ids.Contains(e.EntryId));
        // On a full disk the transaction cannot commit: the blobs of the files the caller is deleting
        // go first, which frees what SQLite needs, and the transaction runs again.
        await DiskFull.FreeingBlobsFirstIfFullAsync(async () =>
        {
            await using var tx = await db.BeginRoomTransactionAsync(roomId, ct);
            gone = await doomed.AsNoTracking().ToListAsync(ct);
            await doomed.ExecuteDeleteAsync(ct);
            foreach (var e in gone) await activity.RecordAsync(roomId, callerId, ActivityAction.Deleted, ct, e.EntryId, e.FileId);
            await db.ReleaseFilesAsync(roomId, gone.Select(e => e.FileId).OfType<string>().ToList(), ct);
            await tx.CommitAsync(ct);
        }, async () =>
        {
            foreach (var fileId in await doomed.Select(e => e.FileId).OfType<string>().ToListAsync(ct))
                await blobs.DeleteFileAsync(roomId, fileId, ct);
        });
        foreach (var fileId in gone.Select(e => e.FileId).OfType<string>())
            await db.DeleteFileAsync(blobs, roomId, fileId, CancellationToken.None);
        if (gone.Count > 0)
            await notifier.Room(roomId).EntriesDeleted(roomId, gone.Select(e => e.EntryId).ToList());
        return gone.Count;
    }

    /// <summary>A completed upload of this room by the caller that no entry holds yet.</summary>
    async Task<FileRow> UsableFileAsync(string roomId, string callerId, string fileId, CancellationToken ct)
    {
        var file = await db.Files.AsNoTracking().SingleOrDefaultAsync(f => f.Id == fileId && f.RoomId == roomId, ct);
        // Someone else's upload is as good as none: entries point only at what the caller sent.
        if (file is null || file.UploaderId != callerId) throw new Refusal(RefusalCode.FileUnusable, "Unusable file: no upload of yours in this room has that id.");
        if (!file.Complete) throw new Refusal(RefusalCode.FileUnusable, "Unusable file: the upload is not complete.");
        if (await db.Entries.AnyAsync(e => e.FileId == fileId, ct)) throw new Refusal(RefusalCode.FileUnusable, "Unusable file: an entry already holds it.");
        return file;
    }
}
